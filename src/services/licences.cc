#include "services/licences.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "domain/limits.h"
#include "services/messages.h"

namespace tongban::services {
namespace {

using domain::Licence;
using domain::LicenceAction;
using domain::LicenceStatus;
using domain::LicenceStatusChange;

// Tries before giving up on a random free index of a list (a list takes licences until half full,
// so each try finds a free one with probability >= 1/2).
constexpr int kIndexTries = 64;

// "business_licence" -> "BusinessLicence".
std::string PascalCase(const std::string& code) {
  std::string out;
  bool upper = true;
  for (char c : code) {
    if (c == '_' || c == '-') {
      upper = true;
    } else {
      out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
      upper = false;
    }
  }
  return out;
}

ports::LicenceDocumentContext DocumentContext(const Context& ctx, const domain::Catalogue& catalogue,
                                              const Licence& licence) {
  ports::LicenceDocumentContext c;
  c.platform_code = ctx.platform_code;
  c.base_url = ctx.public_base_url;
  const domain::Department* department = catalogue.FindDepartment(licence.issuer);
  c.issuer_name = department != nullptr ? department->name.zh : licence.issuer;
  c.type_class = PascalCase(licence.type);
  return c;
}

// A random index of 0..kLicenceStatusListSize-1 from the platform's random source (libsodium,
// through IdGenerator::NewToken): 18 bits of its base64url text, masked to 17.
int64_t RandomIndex(const Context& ctx) {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const std::string token = ctx.ids->NewToken();
  int64_t bits = 0;
  for (int i = 0; i < 3; ++i) bits = (bits << 6) | static_cast<int64_t>(kAlphabet.find(token[i]) & 63);
  return bits % domain::kLicenceStatusListSize;
}

// A free index of the licence's list, checked against the table (a list takes licences until
// half full, so each draw finds a free one with probability >= 1/2).
Status DrawStatusIndex(const Context& ctx, ports::Transaction& tx, Licence& l) {
  for (int i = 0; i < kIndexTries; ++i) {
    const int64_t index = RandomIndex(ctx);
    TB_ASSIGN_OR_RETURN(const bool taken, tx.licences().StatusIndexTaken(l.status_list, index));
    if (!taken) {
      l.status_index = index;
      return Ok();
    }
  }
  return MakeError(ErrorCode::kUnavailable, "error.licence.status_list_full");
}

// Signs the credential and the QR token of `l` with its issuer's active key.
Status SignDocuments(const Context& ctx, ports::Transaction& tx, const domain::Catalogue& catalogue, Licence& l,
                     const std::vector<std::string>& part_refs) {
  if (ctx.keys == nullptr || ctx.licence_format == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  }
  const ports::LicenceDocumentContext c = DocumentContext(ctx, catalogue, l);
  const ports::KeyOwner issuer{ports::KeyOwnerKind::kIssuer, l.issuer};
  TB_ASSIGN_OR_RETURN(l.credential, ctx.keys->Sign(tx, issuer, ctx.licence_format->CredentialPayload(l, c), "vc+jwt"));
  TB_ASSIGN_OR_RETURN(l.qr_token, ctx.keys->Sign(tx, issuer, ctx.licence_format->QrPayload(l, c, part_refs), "lic+jwt"));
  return Ok();
}

Status RecordChange(ports::Transaction& tx, const Licence& l, std::string action, const std::string& actor,
                    Timestamp at, std::string reason) {
  TB_ASSIGN_OR_RETURN(const auto history, tx.licences().ListStatusChanges(l.id));
  LicenceStatusChange change;
  change.licence_id = l.id;
  change.seq = static_cast<int64_t>(history.size()) + 1;
  change.status = l.status;
  change.action = std::move(action);
  change.actor_user_id = actor;
  change.at = at;
  change.reason = std::move(reason);
  return tx.licences().AppendStatusChange(change);
}

Status TellHolder(const Context& ctx, ports::Transaction& tx, const Licence& l, const std::string& what,
                  const std::string& reason = "");

// Takes a status list slot for the new licence `l`, signs its documents and stores it with its
// history and the holder's message. The random index is checked free first; when a concurrent
// issuance takes it between the check and the insert (PostgreSQL), the insert reports the slot
// taken and another index is drawn and signed.
Status StoreNewLicence(const Context& ctx, ports::Transaction& tx, const domain::Catalogue& catalogue, Licence& l,
                       const std::vector<std::string>& part_refs, const std::string& actor_user_id) {
  TB_ASSIGN_OR_RETURN(l.status_list, tx.licences().TakeStatusListSlot(l.issued_at));
  for (int attempt = 0;; ++attempt) {
    TB_RETURN_IF_ERROR(DrawStatusIndex(ctx, tx, l));
    TB_RETURN_IF_ERROR(SignDocuments(ctx, tx, catalogue, l, part_refs));
    const Status inserted = tx.licences().InsertLicence(l);
    if (inserted.ok()) break;
    if (inserted.error().code != ErrorCode::kConflict || inserted.error().message != ports::kStatusSlotTaken ||
        attempt + 1 >= kIndexTries) {
      return inserted;
    }
  }
  TB_RETURN_IF_ERROR(RecordChange(tx, l, "issue", actor_user_id, l.issued_at, ""));
  return TellHolder(ctx, tx, l, "issued");
}

// Tells the holder of `l` in their inbox, in the same transaction: "licence_<what>" with the
// licence's type and, for a status change, the reason given.
Status TellHolder(const Context& ctx, ports::Transaction& tx, const Licence& l, const std::string& what,
                  const std::string& reason) {
  MessageParams params{{"licence_type", l.type}};
  if (!reason.empty()) params.emplace_back("reason", reason);
  return PostMessage(ctx, tx, l.holder_kind, l.holder_id, "licence_" + what, params, {"licence", l.id});
}

// Tells the holder their licence's status changed: suspended, revoked or reinstated (valid again).
Status NotifyHolder(const Context& ctx, ports::Transaction& tx, const Licence& l, const std::string& reason) {
  const char* what = l.status == LicenceStatus::kValid ? "reinstated" : domain::LicenceStatusName(l.status);
  return TellHolder(ctx, tx, l, what, reason);
}

bool Usable(const Licence& l, Timestamp now) { return l.status == LicenceStatus::kValid && !l.Expired(now); }

// Issues the industry licence `industry` when the holder of `part` now holds a usable licence of
// every one of its parts and their newest industry licence of that type does not already stand for
// exactly those licences.
Result<std::optional<Licence>> MaybeIssueIndustry(const Context& ctx, ports::Transaction& tx,
                                                  const domain::Catalogue& catalogue,
                                                  const domain::LicenceType& industry, const Licence& part,
                                                  const std::string& actor_user_id) {
  std::vector<std::string> part_ids;
  std::vector<std::string> part_refs;
  for (const std::string& type : industry.parts) {
    TB_ASSIGN_OR_RETURN(auto held, tx.licences().LatestLicenceOfType(part.holder_kind, part.holder_id, type));
    if (!held || !Usable(*held, part.issued_at)) return std::optional<Licence>();
    part_ids.push_back(held->id);
    // Compact: the part's status list slot, so that five parts keep the QR within version 15.
    part_refs.push_back(held->status_list + ":" + std::to_string(held->status_index));
  }
  TB_ASSIGN_OR_RETURN(auto existing, tx.licences().LatestLicenceOfType(part.holder_kind, part.holder_id, industry.code));
  if (existing && existing->own_status != LicenceStatus::kRevoked && existing->parts == part_ids) {
    return std::optional<Licence>();
  }
  Licence l;
  l.id = ctx.ids->NewId();
  l.type = industry.code;
  l.holder_kind = part.holder_kind;
  l.holder_id = part.holder_id;
  l.holder_name = part.holder_name;
  l.issuer = industry.issuer;
  l.issued_at = part.issued_at;
  l.valid_until = domain::ValidUntil(industry, l.issued_at);
  l.delivered_at = l.issued_at;  // nothing to deliver: its parts were
  l.parts = part_ids;
  TB_RETURN_IF_ERROR(StoreNewLicence(ctx, tx, catalogue, l, part_refs, actor_user_id));
  return std::optional<Licence>(std::move(l));
}

// Whether the actor may see the licence as its holder (themselves, or an enterprise they are an
// agent of).
Result<bool> IsHolder(ports::Transaction& tx, const Actor& actor, const Licence& l) {
  const domain::User& u = actor.user;
  if (l.holder_kind == domain::ApplicantKind::kPerson) return !u.person_id.empty() && u.person_id == l.holder_id;
  if (!u.HasRole(domain::Role::kEnterpriseAgent)) return false;
  auto grant = tx.accounts().GetAgentGrant(l.holder_id, u.id);
  if (grant.ok()) return true;
  if (grant.error().code == ErrorCode::kNotFound) return false;
  return grant.take_error();
}

bool IsIssuerOfficial(const Actor& actor, const Licence& l) {
  const domain::User& u = actor.user;
  return !u.department.empty() && u.department == l.issuer &&
         (u.HasRole(domain::Role::kReviewer) || u.HasRole(domain::Role::kClerk));
}

LicenceView ViewOf(const Context& ctx, Licence l, bool may_act) {
  LicenceView v;
  const Timestamp now = ctx.clock->Now();
  v.expired = l.Expired(now);
  v.delivered = l.delivered_at.has_value();
  v.may_act = may_act;
  v.shown_status = ShownStatus(l, now);
  v.licence = std::move(l);
  return v;
}

Status RecomputeIndustries(const Context& ctx, ports::Transaction& tx, const Licence& part, const std::string& actor,
                           Timestamp now) {
  TB_ASSIGN_OR_RETURN(std::vector<Licence> industries, tx.licences().IndustryLicencesWithPart(part.id));
  for (Licence& industry : industries) {
    std::vector<LicenceStatus> parts;
    for (const std::string& id : industry.parts) {
      if (id == part.id) {
        parts.push_back(part.status);
        continue;
      }
      TB_ASSIGN_OR_RETURN(const Licence other, tx.licences().GetLicence(id));
      parts.push_back(other.status);
    }
    const LicenceStatus status = domain::IndustryStatus(industry.own_status, parts);
    if (status == industry.status) continue;
    industry.status = status;
    industry.version += 1;
    TB_RETURN_IF_ERROR(tx.licences().UpdateLicence(industry));
    const std::string why = part.type + " " + domain::LicenceStatusName(part.status);
    TB_RETURN_IF_ERROR(RecordChange(tx, industry, "part", actor, now, why));
    TB_RETURN_IF_ERROR(NotifyHolder(ctx, tx, industry, why));
  }
  return Ok();
}

std::string Trimmed(std::string s) {
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s;
}

}  // namespace

std::string ShownStatus(const Licence& l, Timestamp now) {
  if (l.status != LicenceStatus::kValid) return domain::LicenceStatusName(l.status);
  return l.Expired(now) ? "expired" : "valid";
}

Result<std::vector<Licence>> IssueLicence(const Context& ctx, ports::Transaction& tx, const domain::LicenceType& type,
                                          const domain::Application& app, const std::string& actor_user_id,
                                          Timestamp at) {
  const auto catalogue = ctx.Catalogue();
  Licence l;
  l.id = ctx.ids->NewId();
  l.type = type.code;
  l.holder_kind = type.holder;
  l.holder_id = type.holder == domain::ApplicantKind::kEnterprise ? app.enterprise : app.person_id;
  if (l.holder_id.empty()) return MakeError(ErrorCode::kInternal, "an approved application without its holder");
  l.holder_name = app.applicant_name;
  l.issuer = type.issuer;
  l.application_id = app.id;
  l.issued_at = at;
  l.valid_until = domain::ValidUntil(type, l.issued_at);
  for (const domain::LicenceClaim& claim : type.claims) {
    const auto it = app.fields.find(claim.field);
    if (it != app.fields.end() && !it->second.empty()) l.claims.emplace_back(claim.name, it->second);
  }
  TB_RETURN_IF_ERROR(StoreNewLicence(ctx, tx, *catalogue, l, {}, actor_user_id));
  std::vector<Licence> issued{l};
  for (const domain::LicenceType* industry : catalogue->IndustryTypesWithPart(type.code)) {
    TB_ASSIGN_OR_RETURN(auto whole, MaybeIssueIndustry(ctx, tx, *catalogue, *industry, l, actor_user_id));
    if (whole) issued.push_back(std::move(*whole));
  }
  return issued;
}

Result<Licence> IssueHeldLicence(const Context& ctx, const HeldLicenceRequest& req) {
  const auto catalogue = ctx.Catalogue();
  const domain::LicenceType* type = catalogue->FindLicenceType(req.type);
  if (type == nullptr) return MakeError(ErrorCode::kNotFound, "error.licence_type.unknown");
  if (req.holder_id.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.licence.holder_required");
  Licence out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(auto held, tx.licences().LatestLicenceOfType(type->holder, req.holder_id, type->code));
    if (held) {
      out = std::move(*held);
      return Ok();
    }
    Licence l;
    l.id = ctx.ids->NewId();
    l.type = type->code;
    l.holder_kind = type->holder;
    l.holder_id = req.holder_id;
    l.holder_name = req.holder_name;
    l.issuer = type->issuer;
    l.issued_at = req.issued_at;
    l.valid_until = domain::ValidUntil(*type, l.issued_at);
    l.delivered_at = l.issued_at;  // the holder has held it since
    for (const domain::LicenceClaim& claim : type->claims) {
      const auto it = std::find_if(req.claims.begin(), req.claims.end(),
                                   [&](const auto& c) { return c.first == claim.name; });
      if (it != req.claims.end() && !it->second.empty()) l.claims.emplace_back(claim.name, it->second);
    }
    TB_RETURN_IF_ERROR(StoreNewLicence(ctx, tx, *catalogue, l, {}, req.actor_user_id));
    out = std::move(l);
    return Ok();
  }));
  return out;
}

void RegisterLicenceEffects(Effects& effects) {
  effects.On<domain::ApplicationChanged>(
      "licences.issue_on_approval", [](EffectScope& scope, const domain::ApplicationChanged& e) -> Status {
        if (!e.Transitioned()) return Ok();
        const Context& ctx = scope.context();
        if (e.action == domain::ActionName(domain::Action::kApprove)) {
          const auto catalogue = ctx.Catalogue();
          const domain::ServiceItem* item = catalogue->FindItem(e.application.item);
          if (item == nullptr || item->licence_type.empty()) return Ok();
          const domain::LicenceType* type = catalogue->FindLicenceType(item->licence_type);
          if (type == nullptr) return MakeError(ErrorCode::kInternal, "item names an unknown licence type");
          TB_ASSIGN_OR_RETURN(auto issued, IssueLicence(ctx, scope.tx(), *type, e.application, e.actor_user_id, e.at));
          (void)issued;
          return Ok();
        }
        if (e.action == domain::ActionName(domain::Action::kDeliver)) {
          TB_ASSIGN_OR_RETURN(std::vector<Licence> licences, scope.tx().licences().LicencesOfApplication(e.application.id));
          for (Licence& l : licences) {
            if (l.delivered_at) continue;
            l.delivered_at = e.at;
            l.version += 1;
            TB_RETURN_IF_ERROR(scope.tx().licences().UpdateLicence(l));
            TB_RETURN_IF_ERROR(TellHolder(ctx, scope.tx(), l, "delivered"));
          }
        }
        return Ok();
      });
}

Result<int> EnsureLicenceIssuerKeys(const Context& ctx) {
  if (ctx.keys == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  std::set<std::string> issuers;
  for (const domain::LicenceType& type : ctx.Catalogue()->licence_types()) issuers.insert(type.issuer);
  int created = 0;
  for (const std::string& issuer : issuers) {
    TB_ASSIGN_OR_RETURN(const bool made, ctx.keys->EnsureKey({ports::KeyOwnerKind::kIssuer, issuer}));
    if (made) ++created;
  }
  return created;
}

LicenceView LicenceViewOf(const Context& ctx, Licence licence) { return ViewOf(ctx, std::move(licence), false); }

Result<LicenceList> ListMyLicences(const Context& ctx, const Actor& actor, const std::string& enterprise,
                                   const std::string& after, int limit) {
  LicenceList out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    domain::ApplicantKind kind = domain::ApplicantKind::kPerson;
    std::string holder = actor.user.person_id;
    if (!enterprise.empty()) {
      Licence probe;
      probe.holder_kind = domain::ApplicantKind::kEnterprise;
      probe.holder_id = enterprise;
      TB_ASSIGN_OR_RETURN(const bool agent, IsHolder(tx, actor, probe));
      if (!agent) return MakeError(ErrorCode::kPermissionDenied, "error.licence.no_agent_rights");
      kind = domain::ApplicantKind::kEnterprise;
      holder = enterprise;
    }
    if (holder.empty()) return Ok();
    TB_ASSIGN_OR_RETURN(ports::LicencePage page, tx.licences().ListLicencesOfHolder(kind, holder, after, limit));
    for (Licence& l : page.licences) out.licences.push_back(ViewOf(ctx, std::move(l), false));
    out.next_after = page.next_after;
    return Ok();
  }));
  return out;
}

Result<LicenceView> GetLicence(const Context& ctx, const Actor& actor, const std::string& id) {
  LicenceView view;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(Licence l, tx.licences().GetLicence(id));
    TB_ASSIGN_OR_RETURN(const bool holder, IsHolder(tx, actor, l));
    const bool official = IsIssuerOfficial(actor, l);
    if (!holder && !official) return MakeError(ErrorCode::kNotFound, "error.licence.not_found");
    const bool may_act = official && actor.user.HasRole(domain::Role::kReviewer);
    TB_ASSIGN_OR_RETURN(auto history, tx.licences().ListStatusChanges(l.id));
    view = ViewOf(ctx, std::move(l), may_act);
    view.history = std::move(history);
    return Ok();
  }));
  return view;
}

Result<LicenceView> ActOnLicence(const Context& ctx, const Actor& actor, const std::string& id, LicenceAction action,
                                 const std::string& raw_reason) {
  const std::string reason = Trimmed(raw_reason);
  if (!domain::IsUtf8(reason) || domain::HasControlCharacters(reason, /*line_breaks_allowed=*/true)) {
    return MakeError(ErrorCode::kInvalidArgument, "error.action.reason_encoding");
  }
  if (domain::CodePoints(reason) > domain::kMaxReasonCodePoints) {
    return MakeError(ErrorCode::kInvalidArgument, "error.action.reason_too_long");
  }
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(Licence l, tx.licences().GetLicence(id));
    TB_ASSIGN_OR_RETURN(const bool holder, IsHolder(tx, actor, l));
    const bool official = IsIssuerOfficial(actor, l);
    if (!holder && !official) return MakeError(ErrorCode::kNotFound, "error.licence.not_found");
    if (!official || !actor.user.HasRole(domain::Role::kReviewer)) {
      return MakeError(ErrorCode::kPermissionDenied, "error.licence.not_issuer");
    }
    if (reason.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.licence.reason_required");
    const std::optional<LicenceStatus> own = domain::AfterAction(l.own_status, action);
    if (!own) return MakeError(ErrorCode::kConflict, "error.licence.status");
    const Timestamp now = ctx.clock->Now();
    l.own_status = *own;
    if (l.parts.empty()) {
      l.status = *own;
    } else {
      std::vector<LicenceStatus> parts;
      for (const std::string& part_id : l.parts) {
        TB_ASSIGN_OR_RETURN(const Licence part, tx.licences().GetLicence(part_id));
        parts.push_back(part.status);
      }
      l.status = domain::IndustryStatus(*own, parts);
    }
    l.version += 1;
    TB_RETURN_IF_ERROR(tx.licences().UpdateLicence(l));
    TB_RETURN_IF_ERROR(RecordChange(tx, l, domain::LicenceActionName(action), actor.user.id, now, reason));
    TB_RETURN_IF_ERROR(NotifyHolder(ctx, tx, l, reason));
    return RecomputeIndustries(ctx, tx, l, actor.user.id, now);
  }));
  return GetLicence(ctx, actor, id);
}

Result<std::string> StatusListCredential(const Context& ctx, const std::string& id) {
  if (ctx.keys == nullptr || ctx.licence_format == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  }
  static constexpr std::string_view kSuspension = "-suspension";
  std::string list = id;
  LicenceStatus status = LicenceStatus::kRevoked;
  if (list.size() > kSuspension.size() && list.compare(list.size() - kSuspension.size(), kSuspension.size(), kSuspension) == 0) {
    list.resize(list.size() - kSuspension.size());
    status = LicenceStatus::kSuspended;
  }
  std::string token;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const bool exists, tx.licences().StatusListExists(list));
    if (!exists) return MakeError(ErrorCode::kNotFound, "error.status_list.not_found");
    TB_ASSIGN_OR_RETURN(const std::vector<int64_t> set, tx.licences().StatusIndexes(list, status));
    const Timestamp from = ctx.clock->Now();
    const Timestamp until = from + std::chrono::seconds(ctx.licence_status_ttl_seconds);
    ports::LicenceDocumentContext c;
    c.platform_code = ctx.platform_code;
    c.base_url = ctx.public_base_url;
    const std::string payload = ctx.licence_format->StatusListPayload(
        id, status == LicenceStatus::kRevoked ? "revocation" : "suspension", set, from, until,
        ctx.licence_status_ttl_seconds, c);
    TB_ASSIGN_OR_RETURN(token, ctx.keys->Sign(tx, kStatusListKeyOwner, payload, "vc+jwt"));
    return Ok();
  }));
  return token;
}

Result<std::optional<Licence>> HeldLicence(ports::Transaction& tx, domain::ApplicantKind kind,
                                           const std::string& holder_id, const std::string& type) {
  return tx.licences().LatestLicenceOfType(kind, holder_id, type);
}

Result<bool> StoredLicences::IsSet(const ports::StatusPointer& pointer) {
  constexpr std::string_view kSuspensionSuffix = "-suspension";
  std::string list = pointer.list_id;
  const bool suspension = pointer.purpose == ports::StatusPurpose::kSuspension;
  if (suspension) {
    if (!list.ends_with(kSuspensionSuffix)) return MakeError(ErrorCode::kNotFound, "error.status_list.not_found");
    list.resize(list.size() - kSuspensionSuffix.size());
  }
  if (pointer.index < 0 || pointer.index >= domain::kLicenceStatusListSize) {
    return MakeError(ErrorCode::kNotFound, "error.status_list.not_found");
  }
  bool set = false;
  TB_RETURN_IF_ERROR(ctx_.store->Read([&](ports::Transaction& tx) -> Status {
    auto licence = tx.licences().GetLicenceAtStatusIndex(list, pointer.index);
    if (licence.ok()) {
      set = licence->status == (suspension ? LicenceStatus::kSuspended : LicenceStatus::kRevoked);
      return Ok();
    }
    if (licence.error().code != ErrorCode::kNotFound) return licence.take_error();
    // A free index of a list that exists is a 0 bit; a list that does not exist is unknown.
    TB_ASSIGN_OR_RETURN(const bool exists, tx.licences().StatusListExists(list));
    return exists ? Ok() : MakeError(ErrorCode::kNotFound, "error.status_list.not_found");
  }));
  return set;
}

Result<ports::LicenceForPresentation> StoredLicences::HeldBy(const domain::User& caller, const std::string& id) {
  if (ctx_.licence_format == nullptr) return MakeError(ErrorCode::kUnavailable, "error.presentation.unavailable");
  ports::LicenceForPresentation out;
  TB_RETURN_IF_ERROR(ctx_.store->Read([&](ports::Transaction& tx) -> Status {
    auto licence = tx.licences().GetLicence(id);
    if (!licence.ok()) {
      return licence.error().code == ErrorCode::kNotFound
                 ? MakeError(ErrorCode::kNotFound, "error.presentation.licence_not_found")
                 : licence.take_error();
    }
    TB_ASSIGN_OR_RETURN(const bool holder, IsHolder(tx, Actor{caller, domain::Channel::kWeb, ""}, *licence));
    // Before delivery the licence is not yet the holder's to show.
    if (!holder || !licence->delivered_at) return MakeError(ErrorCode::kNotFound, "error.presentation.licence_not_found");
    const Licence& l = *licence;
    out.id = l.id;
    out.type = l.type;
    out.issuer_department = l.issuer;
    out.subject_id = domain::HolderUrn(l);
    out.claims_json = ctx_.licence_format->SubjectClaims(l);
    out.valid_until = l.valid_until;
    out.status = {{l.status_list, l.status_index, ports::StatusPurpose::kRevocation},
                  {l.status_list + "-suspension", l.status_index, ports::StatusPurpose::kSuspension}};
    return Ok();
  }));
  return out;
}

}  // namespace tongban::services
