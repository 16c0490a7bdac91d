#include "services/proactive.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <utility>
#include <vector>

#include "common/reference.h"
#include "domain/fields.h"
#include "domain/proactive.h"
#include "services/application_steps.h"
#include "services/data_access.h"
#include "services/eligibility.h"
#include "services/messages.h"

namespace tongban::services {
namespace {

using domain::ActorRole;
using domain::Application;
using domain::ApplicationState;
using domain::MaterialSource;
using domain::MaterialStatus;

// An offer of an item with confirm: proceed whose form lacks an answer the platform cannot know
// stays offered this many days for the person to complete and confirm, then lapses.
constexpr int kIncompleteProceedDays = 30;
// Applications of one item a person may hold that the job looks at to tell whether they already
// have the case (they applied themselves): one page of the person's index.
constexpr int kExistingCasesRead = 50;

// The platform as the reader of the job's data (eligibility, materials): no person, no department.
Actor PlatformActor() {
  Actor actor;
  actor.user.id = std::string(kPlatformUserId);
  actor.user.display_name = std::string(kPlatformUserId);
  actor.channel = domain::Channel::kWeb;
  return actor;
}

ReadPurpose JobPurpose(const domain::ServiceItem& item) {
  return {std::string(kPlatformUserId), std::string(kProactivePurpose) + ":" + item.code};
}

bool Ended(ApplicationState s) {
  return s == ApplicationState::kWithdrawn || s == ApplicationState::kDeclined || s == ApplicationState::kClosed ||
         s == ApplicationState::kNotAccepted || s == ApplicationState::kRefused;
}

// Whether the person already holds a case of the item that has not ended (they applied, or an
// earlier offer is still open or went through).
Result<bool> HasCase(ports::Transaction& tx, const std::string& person_id, const std::string& item) {
  ports::ApplicationQuery q;
  q.person_id = person_id;
  q.item = item;
  q.limit = kExistingCasesRead;
  TB_ASSIGN_OR_RETURN(const ports::ApplicationPage page, tx.applications().ListApplications(q));
  return std::any_of(page.applications.begin(), page.applications.end(),
                     [](const Application& a) { return !Ended(a.state); });
}

// The item's phone fields that people answer themselves, pre-filled with the mobile number the
// person gave in their contact settings (services/contacts.h), else the phone of their account;
// nothing when there is neither: they give it when confirming.
Result<std::map<std::string, std::string>> PrefilledFields(const Context& ctx, ports::Transaction& tx,
                                                           const domain::ServiceItem& item,
                                                           const std::string& person_id) {
  std::map<std::string, std::string> fields;
  TB_ASSIGN_OR_RETURN(const auto contact, tx.contacts().ContactOfPerson(person_id));
  std::string phone = contact ? contact->mobile : "";
  if (phone.empty()) {
    auto person = tx.accounts().GetPerson(person_id);
    if (person.ok()) {
      phone = person->phone;
    } else if (person.error().code != ErrorCode::kNotFound) {
      return person.take_error();
    }
  }
  if (phone.empty()) return fields;
  for (const domain::Field& f : item.fields) {
    if (f.type == domain::FieldType::kPhone && !f.source) fields[f.name] = phone;
  }
  // Only what passes the form's own checks is kept: the person answers the rest when confirming.
  if (!domain::ValidateFields(item, fields, /*complete=*/false, LocalDate(ctx.clock->Now())).empty()) fields.clear();
  return fields;
}

// The platform submits an offered case itself (confirm: proceed, or unanswered: proceed): its
// materials fetched as at any submission, its deadline from today. kInvalidArgument (FieldErrors)
// when the form is incomplete: the caller leaves it offered.
Status PlatformSubmit(const Context& ctx, ports::Transaction& tx, const domain::ServiceItem& item, Application& app) {
  const auto decision = domain::CheckPlatformTransition(app.state, domain::Action::kSubmit);
  if (decision.check != domain::TransitionCheck::kAllowed) return MakeError(ErrorCode::kConflict, "error.action.state");
  TB_RETURN_IF_ERROR(CheckComplete(ctx, item, app));
  const Timestamp now = ctx.clock->Now();
  TB_RETURN_IF_ERROR(FetchMaterials(ctx, tx, PlatformActor(), item, app));
  const ApplicationState from = app.state;
  app.state = decision.to;
  app.submitted_at = now;
  app.deadline = ctx.WorkingDays()->AddWorkingDays(LocalDate(now), item.promised_limit_days);
  app.version += 1;
  app.updated_at = now;
  TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
  TB_RETURN_IF_ERROR(RecordPlatformEvent(ctx, tx, std::string(kPlatformUserId), app.channel, app,
                                         domain::ActionName(domain::Action::kSubmit), from,
                                         std::string(kProactiveReason)));
  return PostMessage(ctx, tx, domain::ApplicantKind::kPerson, app.person_id, "proactive_submitted",
                     {{"item", app.item}, {"reference", app.reference}}, {"application", app.id});
}

// The offer to one candidate, in the page's transaction: claimed first (so that a second run or
// server finds the claim and reads nothing), released again when the person has the case already
// or does not qualify by the item's other rules (checked and logged as any eligibility check).
// Answers whether it created the case.
Result<bool> OfferTo(const Context& ctx, ports::Transaction& tx, const domain::ServiceItem& item,
                     const std::string& person_id, ProactiveRun& run) {
  const Timestamp now = ctx.clock->Now();
  const Date today = LocalDate(now);
  const domain::ProactiveRule& rule = *item.proactive;
  ports::ProactiveOffer offer;
  offer.item = item.code;
  offer.subject_id = person_id;
  offer.period = domain::OfferPeriod(today);
  offer.application_id = ctx.ids->NewId();
  offer.created_at = now;
  if (rule.confirm == domain::ProactiveConfirm::kAsk) offer.answer_by = now + std::chrono::hours(24 * rule.decline_days);
  TB_ASSIGN_OR_RETURN(const bool claimed, tx.proactive().ClaimOffer(offer));
  if (!claimed) return false;  // offered already this month (by an earlier run or another server)
  TB_ASSIGN_OR_RETURN(const bool has_case, HasCase(tx, person_id, item.code));
  bool qualified = false;
  if (!has_case) {
    const ReadPurpose why = JobPurpose(item);
    TB_ASSIGN_OR_RETURN(const EligibilityCheck check, CheckEligibility(ctx, tx, PlatformActor(), person_id, item, &why));
    qualified = check.qualified;
  }
  if (!qualified) {
    TB_RETURN_IF_ERROR(tx.proactive().ReleaseOffer(offer.item, offer.subject_id, offer.period));
    return false;
  }

  const auto catalogue = ctx.Catalogue();
  Application app;
  app.id = offer.application_id;
  app.item = item.code;
  app.department = item.department;
  app.applicant_user_id = std::string(kPlatformUserId);  // filed by the platform for the person
  app.person_id = person_id;
  app.channel = domain::Channel::kWeb;  // until the person confirms on theirs
  app.state = ApplicationState::kOffered;
  TB_ASSIGN_OR_RETURN(app.fields, PrefilledFields(ctx, tx, item, person_id));
  app.created_at = now;
  app.updated_at = now;
  app.version = 1;
  app.catalogue_version = catalogue->published_version();
  for (const auto& m : item.materials) {
    domain::AttachedMaterial a;
    a.code = m.code;
    a.status = m.source == MaterialSource::kUpload ? MaterialStatus::kMissing : MaterialStatus::kToBeFetched;
    app.materials.push_back(std::move(a));
  }
  auto person = tx.accounts().GetPerson(person_id);
  if (person.ok()) {
    app.applicant_name = person->name;
  } else if (person.error().code != ErrorCode::kNotFound) {
    return person.take_error();
  }
  TB_ASSIGN_OR_RETURN(const int64_t sequence, tx.applications().NextReferenceSequence(today));
  app.reference = FormatReference(ctx.reference_prefix, today, sequence);
  TB_RETURN_IF_ERROR(tx.applications().InsertApplication(app));
  TB_RETURN_IF_ERROR(RecordPlatformEvent(ctx, tx, std::string(kPlatformUserId), app.channel, app, "offer",
                                         ApplicationState::kDraft, std::string(kProactiveReason)));
  ++run.offered;
  if (rule.confirm == domain::ProactiveConfirm::kProceed) {
    Status submitted = PlatformSubmit(ctx, tx, item, app);
    if (submitted.ok()) {
      ++run.proceeded;
      TB_RETURN_IF_ERROR(tx.proactive().CloseOffer(app.id));
      return true;
    }
    if (submitted.error().code != ErrorCode::kInvalidArgument) return submitted.take_error();
    // Incomplete: offered for the person to complete and confirm, then it lapses.
    offer.answer_by = now + std::chrono::hours(24 * kIncompleteProceedDays);
    TB_RETURN_IF_ERROR(tx.proactive().SetAnswerBy(app.id, *offer.answer_by));
  }
  TB_RETURN_IF_ERROR(PostMessage(ctx, tx, domain::ApplicantKind::kPerson, person_id, "proactive_offered",
                                 {{"item", app.item},
                                  {"reference", app.reference},
                                  {"date", FormatIsoDate(LocalDate(*offer.answer_by))}},
                                 {"application", app.id}));
  return true;
}

// One page of the item's candidates, read in one transaction, each offered in a transaction of its
// own (an offer takes the day's reference counter, which PostgreSQL keeps locked until commit: held
// for one offer, never for a page). Answers how many it read and moves `cursor` past them.
Result<int> OfferPage(const Context& ctx, const domain::ServiceItem& item, const domain::BirthWindow& window,
                      ports::Birthday& cursor, int page, ProactiveRun& run) {
  std::vector<ports::Birthday> people;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(people, tx.proactive().ListBornBetween(window.from, window.to, cursor, page));
    return Ok();
  }));
  ++run.pages;
  for (const ports::Birthday& b : people) {
    ProactiveRun counted;
    TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
      counted = ProactiveRun{};  // the work may be retried
      TB_RETURN_IF_ERROR(OfferTo(ctx, tx, item, b.subject_id, counted));
      return Ok();
    }));
    cursor = b;
    ++run.candidates;
    run.offered += counted.offered;
    run.proceeded += counted.proceeded;
  }
  return static_cast<int>(people.size());
}

// An offer whose time to answer passed: submitted by the platform when its item says so (and the
// form is complete and the person still qualifies), else closed; the person is told either way.
Status SettleDue(const Context& ctx, ports::Transaction& tx, const ports::ProactiveOffer& offer, ProactiveRun& run) {
  TB_ASSIGN_OR_RETURN(const bool closed, tx.proactive().CloseOffer(offer.application_id));
  if (!closed) return Ok();
  TB_ASSIGN_OR_RETURN(Application app, tx.applications().GetApplication(offer.application_id));
  if (app.state != ApplicationState::kOffered) return Ok();
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->ItemUnder(app.item, app.pilot);
  const bool proceed = item != nullptr && item->proactive &&
                       item->proactive->confirm == domain::ProactiveConfirm::kAsk &&
                       item->proactive->unanswered == domain::ProactiveUnanswered::kProceed;
  if (proceed) {
    const ReadPurpose why = JobPurpose(*item);
    TB_ASSIGN_OR_RETURN(const EligibilityCheck check, CheckEligibility(ctx, tx, PlatformActor(), app.person_id, *item, &why));
    if (check.qualified) {
      Status submitted = PlatformSubmit(ctx, tx, *item, app);
      if (submitted.ok()) {
        ++run.proceeded;
        return Ok();
      }
      if (submitted.error().code != ErrorCode::kInvalidArgument) return submitted;
    }
  }
  const auto decision = domain::CheckPlatformTransition(app.state, domain::Action::kClose);
  if (decision.check != domain::TransitionCheck::kAllowed) return Ok();
  const Timestamp now = ctx.clock->Now();
  const ApplicationState from = app.state;
  app.state = decision.to;
  app.version += 1;
  app.updated_at = now;
  TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
  TB_RETURN_IF_ERROR(RecordPlatformEvent(ctx, tx, std::string(kPlatformUserId), app.channel, app,
                                         domain::ActionName(domain::Action::kClose), from,
                                         "no answer in time / 未在期限内答复"));
  ++run.lapsed;
  return PostMessage(ctx, tx, domain::ApplicantKind::kPerson, app.person_id, "proactive_lapsed",
                     {{"item", app.item}, {"reference", app.reference}}, {"application", app.id});
}

std::optional<int> Years(const domain::EligibilityRule& rule) {
  int years = 0;
  const std::string& v = rule.values.front();
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), years);
  if (ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return years;
}

// The offer's view: when it proceeds or lapses and what the person still has to answer.
Result<OfferView> OfferViewOf(const Context& ctx, ports::Transaction& tx, Application app) {
  OfferView view;
  auto offer = tx.proactive().GetOffer(app.id);
  if (offer.ok()) {
    view.answer_by = offer->answer_by;
  } else if (offer.error().code != ErrorCode::kNotFound) {
    return offer.take_error();
  }
  const auto catalogue = ctx.Catalogue();
  if (const domain::ServiceItem* item = catalogue->ItemUnder(app.item, app.pilot)) {
    for (const domain::Field& f : item->fields) {
      if (!f.required || f.source) continue;
      const auto it = app.fields.find(f.name);
      if (it == app.fields.end() || it->second.empty()) view.missing.push_back(f.name);
    }
  }
  view.application = std::move(app);
  return view;
}

}  // namespace

Result<std::vector<OfferView>> OpenOffers(const Context& ctx, ports::Transaction& tx, const std::string& person_id,
                                          int limit) {
  std::vector<OfferView> out;
  if (person_id.empty()) return out;
  ports::ApplicationQuery q;
  q.person_id = person_id;
  q.state = ApplicationState::kOffered;
  q.limit = limit;
  TB_ASSIGN_OR_RETURN(ports::ApplicationPage page, tx.applications().ListApplications(q));
  for (Application& app : page.applications) {
    TB_ASSIGN_OR_RETURN(OfferView view, OfferViewOf(ctx, tx, std::move(app)));
    out.push_back(std::move(view));
  }
  return out;
}

Result<OfferView> ViewOffer(const Context& ctx, const Actor& actor, const std::string& id) {
  OfferView out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, actor, id));
    if (loaded.first.state != ApplicationState::kOffered) return MakeError(ErrorCode::kConflict, "error.action.state");
    TB_ASSIGN_OR_RETURN(out, OfferViewOf(ctx, tx, std::move(loaded.first)));
    return Ok();
  }));
  return out;
}

Result<ProactiveRun> RunProactiveJob(const Context& ctx, int page) {
  ProactiveRun run;
  const auto catalogue = ctx.Catalogue();
  const Date today = LocalDate(ctx.clock->Now());
  for (const domain::ServiceItem& item : catalogue->items()) {
    if (!item.proactive || item.applicant != domain::ApplicantKind::kPerson) continue;
    const domain::EligibilityRule* age = domain::ProactiveAgeRule(item.eligibility);
    if (age == nullptr) continue;  // catalogue check refuses such an item
    const std::optional<int> years = Years(*age);
    if (!years) continue;
    const domain::BirthWindow window = domain::TurningAgeThisMonth(today, *years);
    ports::Birthday cursor;
    while (true) {
      TB_ASSIGN_OR_RETURN(const int read, OfferPage(ctx, item, window, cursor, page, run));
      if (read < page) break;
    }
  }
  // The offers due: each settled offer leaves the index, so every page starts from the oldest.
  while (true) {
    int read = 0;
    ProactiveRun counted;
    TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
      counted = ProactiveRun{};
      TB_ASSIGN_OR_RETURN(const auto due, tx.proactive().ListOffersDue(ctx.clock->Now(), page));
      read = static_cast<int>(due.size());
      for (const ports::ProactiveOffer& o : due) TB_RETURN_IF_ERROR(SettleDue(ctx, tx, o, counted));
      return Ok();
    }));
    run.proceeded += counted.proceeded;
    run.lapsed += counted.lapsed;
    ++run.pages;
    if (read < page) break;
  }
  return run;
}

bool IsOfferAnswer(domain::Action action) {
  return action == domain::Action::kConfirm || action == domain::Action::kDecline;
}

Result<Application> AnswerOffer(const Context& ctx, const Actor& actor, const std::string& id, const ActRequest& req) {
  if (!IsOfferAnswer(req.action)) return MakeError(ErrorCode::kInvalidArgument, "error.action.unknown");
  const auto catalogue = ctx.Catalogue();
  Application out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, actor, id));
    auto& [app, standing] = loaded;
    const domain::ServiceItem* item = catalogue->ItemUnder(app.item, app.pilot);
    if (item == nullptr) return MakeError(ErrorCode::kInternal, "item vanished from the catalogue");
    std::optional<domain::TransitionDecision> decision;
    ActorRole role = ActorRole::kApplicant;
    bool role_denied = false;
    for (ActorRole r : standing.roles) {
      const auto d = domain::CheckTransition(app.state, req.action, r);
      if (d.check == domain::TransitionCheck::kAllowed) {
        decision = d;
        role = r;
        break;
      }
      role_denied = role_denied || d.check == domain::TransitionCheck::kRoleDenied;
    }
    if (!decision) {
      return role_denied ? MakeError(ErrorCode::kPermissionDenied, "error.action.role")
                         : MakeError(ErrorCode::kConflict, "error.action.state");
    }
    const Timestamp now = ctx.clock->Now();
    if (req.action == domain::Action::kConfirm) {
      if (req.fields) {
        // The answers the platform could not know (a contact phone), given in the same step: an
        // edit of the form like any other, recorded by its own "update" event.
        std::map<std::string, std::string> merged = app.fields;
        for (const auto& [name, value] : *req.fields) merged[name] = value;
        auto errors = domain::ValidateFields(*item, merged, /*complete=*/false, LocalDate(now));
        if (!errors.empty()) return FieldErrors(std::move(errors));
        std::string changed;
        for (const auto& [name, value] : merged) {
          const auto before = app.fields.find(name);
          if (before == app.fields.end() || before->second != value) changed += (changed.empty() ? "" : ", ") + name;
        }
        if (!changed.empty()) {
          app.fields = std::move(merged);
          app.version += 1;
          app.updated_at = now;
          TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
          TB_RETURN_IF_ERROR(RecordEvent(ctx, tx, actor, app, "update", app.state, role, changed));
        }
      }
      TB_RETURN_IF_ERROR(CheckComplete(ctx, *item, app));
      TB_RETURN_IF_ERROR(RequireEligible(ctx, tx, actor, app, *item));
      TB_RETURN_IF_ERROR(FetchMaterials(ctx, tx, actor, *item, app, req.external));
      app.submitted_at = now;
      app.deadline = ctx.WorkingDays()->AddWorkingDays(LocalDate(now), item->promised_limit_days);
      app.channel = actor.channel;  // it proceeds on the channel the person confirmed on
    }
    const ApplicationState from = app.state;
    app.state = decision->to;
    app.version += 1;
    app.updated_at = now;
    TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
    TB_RETURN_IF_ERROR(RecordEvent(ctx, tx, actor, app, domain::ActionName(req.action), from, role, req.reason));
    TB_RETURN_IF_ERROR(tx.proactive().CloseOffer(app.id));
    out = app;
    return Ok();
  }));
  return out;
}

}  // namespace tongban::services
