// Electronic licences' use cases (docs/product.md C6, C7; issue 10 items 2, 3, 4, 7, 8): issued on
// approval inside the decision's transaction (an effect), handed to the holder on delivery, shown
// to the holder and the issuing department, suspended, revoked and reinstated by the issuer, and
// an industry comprehensive licence (一业一证) issued when its holder holds all its parts, whose
// status follows them.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/events.h"
#include "domain/licence.h"
#include "ports/licence_repository.h"
#include "ports/verification.h"
#include "services/verification.h"
#include "services/context.h"
#include "services/effects.h"

namespace tongban::services {

// Registers the licence effects for ApplicationChanged: an approval of an item with a
// licence_type issues the licence (and any industry licence it completes) in the decision's
// transaction, so a failing issuance fails the approval; a delivery hands the application's
// licences to the holder.
void RegisterLicenceEffects(Effects& effects);

// Issues a licence of `type` for `app`, approved at `at` (the decision's time, which the licence
// is issued at), inside `tx`. Answers the licences issued: the licence, then any industry licence
// it completed. kNotFound (error.keys.no_active_key) when the issuer has no signing key.
Result<std::vector<domain::Licence>> IssueLicence(const Context& ctx, ports::Transaction& tx,
                                                  const domain::LicenceType& type, const domain::Application& app,
                                                  const std::string& actor_user_id, Timestamp at);

// A licence its holder already held when the platform began issuing (the demo city's people, a
// migration of an older register): no application, delivered when issued.
struct HeldLicenceRequest {
  std::string type;         // a licence type of the catalogue
  std::string holder_id;    // ID number or credit code, as the type's holder kind says
  std::string holder_name;
  std::vector<std::pair<std::string, std::string>> claims;  // by claim name; others are ignored
  Timestamp issued_at{};    // when it was issued (its validity runs from then)
  std::string actor_user_id;
};

// Issues it in one transaction like an approval's licence (signed, with a random status list
// index, its history and the holder's message), unless the holder already holds a licence of that
// type: then answers that one and issues nothing, so running it again is harmless.
// kNotFound (error.licence_type.unknown) for a type the catalogue lacks; kInvalidArgument
// (error.licence.holder_required) without a holder; kNotFound (error.keys.no_active_key) when the
// issuer has no signing key.
Result<domain::Licence> IssueHeldLicence(const Context& ctx, const HeldLicenceRequest& req);

// Creates a signing key for every issuing department of the catalogue's licence types where none
// exists; answers how many were created. The status lists' key is a platform key, made with the
// trust list's at start-up (app/wiring.cc, services::EnsureSigningKeys), not here.
Result<int> EnsureLicenceIssuerKeys(const Context& ctx);

// A licence as someone sees it.
struct LicenceView {
  domain::Licence licence;
  bool expired = false;        // valid_until has passed
  bool delivered = false;      // handed to the holder (industry licences always are)
  bool may_act = false;        // the viewer is a reviewer of the issuing department
  std::string shown_status;    // "valid", "suspended", "revoked" or "expired"
  std::vector<domain::LicenceStatusChange> history;
};

// The licences the actor holds: their own as a person, or the enterprise's (`enterprise`, a
// credit code) when they are its agent. Newest first, after the licence id `after`.
// kPermissionDenied (error.licence.no_agent_rights) for an enterprise they do not act for.
struct LicenceList {
  std::vector<LicenceView> licences;
  std::string next_after;
};
// A licence as its holder sees it now (status shown, expired), without its history.
LicenceView LicenceViewOf(const Context& ctx, domain::Licence licence);

Result<LicenceList> ListMyLicences(const Context& ctx, const Actor& actor, const std::string& enterprise,
                                   const std::string& after, int limit);

// One licence, for its holder (or their agent) and the issuing department's officials; kNotFound
// (error.licence.not_found) for anyone else, so ids are not probed.
Result<LicenceView> GetLicence(const Context& ctx, const Actor& actor, const std::string& id);

// Suspends, revokes or reinstates a licence for the issuing department's reviewer, with a reason;
// an industry licence that lists it follows; the holder is told in their inbox, in the same
// transaction. kNotFound as GetLicence; kPermissionDenied (error.licence.not_issuer) for another
// official or the holder; kInvalidArgument (error.licence.reason_required) without a reason;
// kConflict (error.licence.status) when the status does not allow the action (revoked is final).
Result<LicenceView> ActOnLicence(const Context& ctx, const Actor& actor, const std::string& id,
                                 domain::LicenceAction action, const std::string& reason);


// The signed W3C Bitstring Status List credential (compact JWS, typ vc+jwt) of `id`: "<list>"
// (revocation) or "<list>-suspension", rebuilt from the licences of that list that are not valid
// (an indexed query; valid licences are not read), valid for ctx.licence_status_ttl_seconds.
// kNotFound (error.status_list.not_found) for a list that does not exist.
Result<std::string> StatusListCredential(const Context& ctx, const std::string& id);

// The status in force of `licence` at `now`, as shown: "valid", "suspended", "revoked", "expired".
std::string ShownStatus(const domain::Licence& licence, Timestamp now);

// The holder's licence of `type` that satisfies a `source: licence` material: their newest of
// that type. nullopt when they have none. The caller checks its status (ShownStatus).
Result<std::optional<domain::Licence>> HeldLicence(ports::Transaction& tx, domain::ApplicantKind kind,
                                                   const std::string& holder_id, const std::string& type);

// The platform's own licences as verification reads them (ports/verification.h): a status bit
// straight from the licences table, so online verification sees a change at once, and a licence
// for its holder's presentation. Each call is one read transaction.
class StoredLicences final : public ports::StatusSource, public ports::LicenceSource {
 public:
  explicit StoredLicences(const Context& ctx) : ctx_(ctx) {}
  // The revocation bit is set for a revoked licence, the suspension bit for a suspended one (also
  // an industry licence suspended by a part), exactly as StatusListCredential sets them.
  Result<bool> IsSet(const ports::StatusPointer& pointer) override;
  Result<ports::LicenceForPresentation> HeldBy(const domain::User& caller, const std::string& id) override;

 private:
  const Context& ctx_;
};

}  // namespace tongban::services
