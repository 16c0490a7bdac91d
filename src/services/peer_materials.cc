#include "services/peer_materials.h"

#include <algorithm>

#include "services/application_steps.h"
#include "services/applications.h"
#include "services/mutual_recognition.h"

namespace tongban::services {
namespace {

Error Refused(const char* key, std::string detail = {}) {
  return Error{ErrorCode::kInvalidArgument, key, {{"token", key, std::move(detail)}}};
}

// The credentialSubject id the application's subject has on every platform (licence-format.md):
// the person's ID number or the enterprise's credit code.
std::string SubjectUrn(const domain::Application& app) {
  return app.enterprise.empty() ? "urn:tongban:person:" + app.person_id : "urn:tongban:enterprise:" + app.enterprise;
}

}  // namespace

Result<domain::Application> AttachPeerLicence(const Context& ctx, const PeerStatusCache& cache, const Actor& actor,
                                              const std::string& id, const std::string& material,
                                              const std::string& token) {
  if (token.find_first_not_of(" \t\r\n") == std::string::npos) return Refused("error.verify.token_required");
  // Verified before the write (reads only; the peer's status list is what the cache holds).
  TB_ASSIGN_OR_RETURN(const Verification v, VerifyWithPeers(ctx, cache, token, {}));
  const auto catalogue = ctx.Catalogue();
  domain::Application out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto loaded, LoadVisible(ctx, tx, actor, id));
    auto& [app, standing] = loaded;
    const auto has = [&](domain::ActorRole r) {
      return std::find(standing.roles.begin(), standing.roles.end(), r) != standing.roles.end();
    };
    if (!has(domain::ActorRole::kApplicant) && !has(domain::ActorRole::kClerk)) {
      return MakeError(ErrorCode::kPermissionDenied, "error.application.not_applicant");
    }
    if (!Editable(app.state)) return MakeError(ErrorCode::kConflict, "error.application.not_editable");
    const domain::ServiceItem* item = catalogue->ItemUnder(app.item, app.pilot);
    const domain::Material* m = item ? item->FindMaterial(material) : nullptr;
    if (m == nullptr) return MakeError(ErrorCode::kNotFound, "error.material.not_found");
    if (m->source != domain::MaterialSource::kLicence || !m->accepts_from_peers) {
      return Refused("error.material.no_peer_licence");
    }
    if (v.valid && v.peer_code.empty()) return Refused("error.material.peer_licence_ours");
    if (!v.valid || v.peer_code.empty()) return Refused("error.material.peer_licence_invalid", v.status);
    if (v.kind != ports::TokenKind::kCredential) return Refused("error.material.peer_licence_kind");
    if (v.licence_type != m->dataset) return Refused("error.material.peer_licence_type", m->dataset);
    if (v.holder != SubjectUrn(app)) return Refused("error.material.peer_licence_holder");
    auto it = std::find_if(app.materials.begin(), app.materials.end(),
                           [&](const domain::AttachedMaterial& a) { return a.code == material; });
    if (it == app.materials.end()) {
      app.materials.push_back(domain::AttachedMaterial{});
      it = std::prev(app.materials.end());
      it->code = material;
    }
    const Timestamp now = ctx.clock->Now();
    *it = domain::AttachedMaterial{};
    it->code = material;
    it->status = domain::MaterialStatus::kFetched;
    it->licence_id = v.licence_id;
    it->licence_issuer = "urn:tongban:" + v.peer_code + ":issuer:" + v.issuer_department;
    it->licence_status = v.status;
    it->as_of = now;
    app.version += 1;
    app.updated_at = now;
    TB_RETURN_IF_ERROR(tx.applications().UpdateApplication(app));
    TB_RETURN_IF_ERROR(RecordEvent(ctx, tx, actor, app, "peer_licence", app.state, standing.roles.front(),
                                   material + " " + v.peer_code));
    out = app;
    return Ok();
  }));
  return out;
}

}  // namespace tongban::services
