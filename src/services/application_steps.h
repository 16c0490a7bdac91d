// The steps that the application use cases (services/applications.cc) and the bundle use cases
// (services/bundles.cc) share: who stands where on an application, loading it, validating it for
// submission, inserting a new one and recording an event. Internal to src/services: the public use
// cases are in applications.h and bundles.h.
// Thread-safety: stateless functions; each runs inside the caller's transaction.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/access_log.h"
#include "domain/application.h"
#include "services/applications.h"
#include "services/context.h"

namespace tongban::services {

// What the actor may do with one application, worked out inside the transaction that acts.
struct Standing {
  std::vector<domain::ActorRole> roles;
  bool may_withdraw = false;  // applicants; agents only with the enterprise's permission
};

inline bool HasRole(const Standing& standing, domain::ActorRole role) {
  return std::find(standing.roles.begin(), standing.roles.end(), role) != standing.roles.end();
}

// The grant through which `u` acts for `enterprise`, when it lets them act at all (they are an
// agent and may apply); nullopt otherwise. The one rule for reading, acting on and listing an
// enterprise's applications; which items it covers is GrantCovers.
Result<std::optional<domain::AgentGrant>> ActingGrant(ports::Transaction& tx, const domain::User& u,
                                                      const std::string& enterprise);
// An empty item list is a grant for every item (the administrator's own, or an all-items grant).
bool GrantCovers(const domain::AgentGrant& grant, const std::string& item);
// The actor's parts on `app` (empty: it is invisible to them). A clerk of a service centre stands
// as the person's applicant while a window visit of theirs with that person is open
// (services/window.h): they continue the person's drafts and act for them, whoever started them.
// A family proxy (services/proxies.h) has the roles proxy and applicant while a live grant of the
// person covers the item (at ctx's clock).
Result<Standing> StandingOn(const Context& ctx, ports::Transaction& tx, const Actor& actor,
                            const domain::Application& app);
// The role in which someone with the applicant's rights writes: proxy for a family proxy.
domain::ActorRole AsApplicant(const Standing& standing);
// The application named by `id_or_reference`: an internal id, or a reference number in any case,
// with or without hyphens (kNotFound with error.application.reference_check when its check
// character does not match, so the caller can tell a person to read the number again).
Result<domain::Application> FindApplication(ports::Transaction& tx, const std::string& id_or_reference);
// The access-log entry of an official opening a case.
domain::AccessLogEntry CaseReadEntry(const Actor& actor, domain::ActorRole role, const domain::Application& app);
// Loads the application and the actor's standing; kNotFound when the actor has none, so that
// nobody learns which ids exist.
Result<std::pair<domain::Application, Standing>> LoadVisible(const Context& ctx, ports::Transaction& tx,
                                                             const Actor& actor, const std::string& id);
// The name the application is listed and searched under.
Result<std::string> ApplicantName(ports::Transaction& tx, const Actor& actor, const domain::Application& app);
Error FieldErrors(std::vector<FieldError> errors);
std::vector<FieldError> MissingUploads(const domain::ServiceItem& item, const domain::Application& app);
// Validates a complete form for submission; FieldErrors for fields and missing uploads.
Status CheckComplete(const Context& ctx, const domain::ServiceItem& item, domain::Application& app);
// Stores the event of a write of `app` (its version numbers the history: one event per write) and
// publishes it to the effects registered for it, in the same transaction.
Status RecordEvent(const Context& ctx, ports::Transaction& tx, const Actor& actor, const domain::Application& app,
                   std::string action, domain::ApplicationState from, domain::ActorRole role, std::string reason);
// The same for a step the platform takes itself (a bundle starting or closing a sub-case): the
// event's role is "platform" and its actor the user whose action caused it.
Status RecordPlatformEvent(const Context& ctx, ports::Transaction& tx, const std::string& cause_user_id,
                           domain::Channel channel, const domain::Application& app, std::string action,
                           domain::ApplicationState from, std::string reason);

// CreateApplication in two steps, so that a bundle creates its sub-cases in its own transaction:
// NewApplication builds the application (no store access; the request's checks that need none),
// InsertNewApplication checks rights, fields, uploads, eligibility and fetches materials as
// submission does when `req.submit`, then numbers and inserts it with its event.
Result<domain::Application> NewApplication(const Context& ctx, const Actor& actor, const domain::ServiceItem& item,
                                           const CreateApplicationRequest& req);
Status InsertNewApplication(const Context& ctx, ports::Transaction& tx, const Actor& actor,
                            const domain::ServiceItem& item, const CreateApplicationRequest& req,
                            domain::Application& app);

}  // namespace tongban::services
