// Benefits without applying (免申即享, issue 12 item 1; docs/product.md C5). For every item marked
// `proactive:` (domain/proactive.h) a daily job finds the people who newly qualify, through the
// birth-date index (never a scan), checks each one's rules through the normal eligibility
// evaluation (reads logged with the platform as accessor and the purpose
// "benefits_without_applying"), and creates their case through the workflow: state `offered`,
// filed and recorded by the platform (events' actor "platform", role "platform", reason
// "benefit without applying"), contact_phone pre-filled from the person's contact settings
// (their mobile), and a message in their inbox. The person confirms (the case is submitted like
// any application, on their channel) or declines in one step; an offer left unanswered for the
// item's decline_days proceeds or lapses as the item says. With confirm: proceed the platform
// submits the case itself and the person may withdraw it.
// Idempotent: one offer per (item, person, month), claimed in the offer's own transaction, so a
// second run, or a second server running at once, creates nothing.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/application.h"
#include "services/applications.h"
#include "services/context.h"

namespace tongban::services {

// The user id and role the platform's own steps are recorded under (events, access log).
inline constexpr std::string_view kPlatformUserId = "platform";
// The access log's purpose of the job's reads, followed by ":" and the item's code.
inline constexpr std::string_view kProactivePurpose = "benefits_without_applying";
// The reason of the events the job writes.
inline constexpr std::string_view kProactiveReason = "benefit without applying / 免申即享";

struct ProactiveRun {
  int candidates = 0;  // people read from the index (born in the window)
  int offered = 0;     // cases this run created
  int proceeded = 0;   // unanswered offers the platform submitted
  int lapsed = 0;      // unanswered offers closed
  int pages = 0;       // pages (transactions) of candidates
};

// Runs the job once at the clock's now: every proactive item's candidates, `page` per transaction,
// then the offers due. Answers the store's errors (kUnavailable when the database cannot be
// reached); what earlier pages wrote stays, and the next run carries on without duplicates.
Result<ProactiveRun> RunProactiveJob(const Context& ctx, int page = 200);

// An open offer as the homepage and the offer page show it.
struct OfferView {
  domain::Application application;
  std::optional<Timestamp> answer_by;  // when it proceeds or lapses unanswered; nullopt: never
  // The item's required answers the platform could not fill (a contact phone), by field name:
  // the person gives them when confirming.
  std::vector<std::string> missing;
};

// At most this many offers on a homepage.
inline constexpr int kHomeOffers = 5;

// The person's open offers, newest first, at most `limit`, read in the caller's transaction.
Result<std::vector<OfferView>> OpenOffers(const Context& ctx, ports::Transaction& tx, const std::string& person_id,
                                          int limit = kHomeOffers);

// The offer `id` for the person (or their proxy) to answer. kNotFound when invisible to the actor;
// kConflict (error.action.state) when it is no longer offered.
Result<OfferView> ViewOffer(const Context& ctx, const Actor& actor, const std::string& id);

// Whether `action` is the answer to an offer (confirm or decline), which AnswerOffer takes.
bool IsOfferAnswer(domain::Action action);

// The person's answer to an offered case `id`: kConfirm submits it (fields, when given, are merged
// into the form first, e.g. contact_phone; the form must then be complete and the person still
// qualify), kDecline ends it (reason optional). kNotFound when invisible to the actor;
// kPermissionDenied when their role may not answer it (officials) or they no longer qualify
// (error.eligibility.not_qualified); kConflict (error.action.state) when it is not offered (also
// when answered already); kInvalidArgument with FieldErrors for a wrong or missing answer.
Result<domain::Application> AnswerOffer(const Context& ctx, const Actor& actor, const std::string& id,
                                        const ActRequest& request);

}  // namespace tongban::services
