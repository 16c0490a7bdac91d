#include "services/verification.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "services/mutual_recognition.h"

namespace tongban::services {
namespace {

using ports::StatusPointer;
using ports::StatusPurpose;

std::string IssuerId(const Context& ctx, std::string_view code) {
  return "urn:tongban:" + ctx.platform_code + ":issuer:" + std::string(code);
}

Verification Refused(std::string status, std::vector<ports::VerifyReason> reasons) {
  Verification v;
  v.status = std::move(status);
  v.reasons = std::move(reasons);
  return v;
}

// Trims what a paste or a file adds around a token.
std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Everything after the codec's check but the nonce: validity period, audience, status bits.
Verification Decide(const ports::TokenCheck& check, Timestamp now, const VerifyExpectations& expect,
                    const StatusLookup& status) {
  if (!check.token) return Refused(check.status, check.reasons);
  const ports::CheckedToken& t = *check.token;
  Verification v;
  v.kind = t.kind;
  v.claims_json = t.claims_json;
  v.licence_id = t.licence_id;
  v.licence_type = t.licence_type;
  v.issuer_department = t.issuer_department;
  v.holder = t.holder;
  if (t.kind == ports::TokenKind::kPresentation) {
    if (!expect.audience.empty() && expect.audience != t.audience) {
      v.status = "wrong_audience";
      v.reasons.push_back({"verify.reason.audience", t.audience});
    }
    if (v.status.empty() && !expect.nonce.empty() && expect.nonce != t.nonce) {
      v.status = "wrong_audience";
      v.reasons.push_back({"verify.reason.nonce", ""});
    }
  }
  bool revoked = false, suspended = false, unknown = false;
  for (const StatusPointer& p : t.status) {
    auto bit = status(p);
    if (!bit.ok()) {
      unknown = true;
      v.reasons.push_back({bit.error().message, p.list_id});
      continue;
    }
    if (*bit && p.purpose == StatusPurpose::kRevocation) revoked = true;
    if (*bit && p.purpose == StatusPurpose::kSuspension) suspended = true;
  }
  const bool expired = t.valid_until && now > *t.valid_until;
  const bool early = t.valid_from && now < *t.valid_from;
  if (revoked) v.reasons.push_back({"verify.reason.revoked", ""});
  if (suspended) v.reasons.push_back({"verify.reason.suspended", ""});
  if (expired) v.reasons.push_back({"verify.reason.expired", FormatRfc3339(*t.valid_until)});
  if (early) v.reasons.push_back({"verify.reason.not_yet_valid", FormatRfc3339(*t.valid_from)});
  // The most telling status first: a revoked licence says revoked even when it also expired.
  if (v.status.empty()) {
    v.status = revoked     ? "revoked"
               : suspended ? "suspended"
               : expired   ? "expired"
               : early     ? "not_yet_valid"
               : unknown   ? "status_unknown"
                           : "valid";
  }
  v.valid = v.status == "valid";
  return v;
}

}  // namespace

Result<ports::TrustList> CurrentTrustList(const Context& ctx) {
  if (ctx.keys == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  TB_ASSIGN_OR_RETURN(std::vector<ports::PublicSigningKey> keys, ctx.keys->PublicKeys());
  const auto catalogue = ctx.Catalogue();
  ports::TrustList list;
  list.iss = "urn:tongban:" + ctx.platform_code + ":platform";
  list.issued_at = ctx.clock->Now();
  list.expires_at = list.issued_at + std::chrono::hours(ctx.trust_list_validity_hours);
  list.status_issuer_id = IssuerId(ctx, "platform");
  std::map<std::string, ports::TrustedIssuer> issuers;
  // The platform that signs the list and its list keys (federation, issue 14): a peer that trusts
  // the key that signed a list learns from it the key that signs the next ones.
  list.platform_code = ctx.platform_code;
  list.platform_name_zh = ctx.platform_name_zh;
  list.platform_name_en = ctx.platform_name_en;
  list.platform_url = ctx.platform_url.empty() ? ctx.public_base_url : ctx.platform_url;
  for (ports::PublicSigningKey& key : keys) {
    if (key.owner == kTrustListKeyOwner) {
      list.list_keys.push_back(key);
      continue;
    }
    if (key.owner == kStatusListKeyOwner) {
      list.status_keys.push_back(key);
      continue;
    }
    if (key.owner.kind != ports::KeyOwnerKind::kIssuer) continue;
    ports::TrustedIssuer& issuer = issuers[key.owner.code];
    if (issuer.id.empty()) {
      issuer.id = IssuerId(ctx, key.owner.code);
      issuer.department = key.owner.code;
      issuer.platform = ctx.platform_code;
      if (catalogue) {
        if (const domain::Department* d = catalogue->FindDepartment(key.owner.code)) {
          issuer.name_zh = d->name.zh;
          issuer.name_en = d->name.en;
        }
      }
      // The licence types the catalogue says this department issues (none: it issues none).
      if (catalogue) {
        std::vector<std::string> types;
        for (const domain::LicenceType& t : catalogue->licence_types()) {
          if (t.issuer == key.owner.code) types.push_back(t.code);
        }
        issuer.licence_types = std::move(types);
      }
    }
    issuer.keys.push_back(std::move(key));
  }
  for (auto& [code, issuer] : issuers) list.issuers.push_back(std::move(issuer));
  return list;
}

Result<std::shared_ptr<const ports::TrustList>> TrustListCache::Get(const Context& ctx, bool refresh) {
  const Timestamp now = ctx.clock->Now();
  {
    std::lock_guard lock(mu_);
    if (!refresh && list_ && now < built_at_ + ttl_ && now >= built_at_) return list_;
  }
  TB_ASSIGN_OR_RETURN(ports::TrustList fresh, CurrentTrustList(ctx));
  auto list = std::make_shared<const ports::TrustList>(std::move(fresh));
  std::lock_guard lock(mu_);
  list_ = list;
  built_at_ = now;
  return list;
}

Result<std::shared_ptr<const PeerTrust>> PeerListCache::Get(const domain::Peer& peer,
                                                            const std::function<Result<PeerTrust>()>& parse) {
  {
    std::lock_guard lock(mu_);
    const auto it = entries_.find(peer.code);
    if (it != entries_.end() && it->second.fetched_at == peer.fetched_at && it->second.fingerprint == peer.fingerprint) {
      return it->second.parsed;
    }
  }
  // Parsed outside the lock: two threads may parse the same new list once each, never block each other.
  TB_ASSIGN_OR_RETURN(PeerTrust parsed, parse());
  auto shared = std::make_shared<const PeerTrust>(std::move(parsed));
  std::lock_guard lock(mu_);
  ++parses_;
  if (entries_.size() >= kMaxEntries && !entries_.contains(peer.code)) entries_.clear();
  entries_[peer.code] = Entry{peer.fetched_at, peer.fingerprint, shared};
  return shared;
}

size_t PeerListCache::parses() const {
  std::lock_guard lock(mu_);
  return parses_;
}

std::optional<std::string> PeerStatusCache::Get(const std::string& peer, const std::string& list_id,
                                                 Timestamp now) const {
  std::lock_guard lock(mu_);
  const auto it = entries_.find(peer + "\n" + list_id);
  if (it == entries_.end() || now < it->second.fetched_at || now >= it->second.fetched_at + kPeerStatusFreshness) {
    return std::nullopt;
  }
  return it->second.credential;
}

bool PeerStatusCache::Has(const std::string& peer, const std::string& list_id, Timestamp now) const {
  std::lock_guard lock(mu_);
  const auto it = entries_.find(peer + "\n" + list_id);
  return it != entries_.end() && now >= it->second.fetched_at && now < it->second.fetched_at + kPeerStatusFreshness;
}

void PeerStatusCache::Put(const std::string& peer, const std::string& list_id, std::string credential, Timestamp now) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxPeerStatusEntries) entries_.clear();
  entries_[peer + "\n" + list_id] = Entry{std::move(credential), now, nullptr, nullptr};
}

std::optional<Result<bool>> PeerStatusCache::Bit(const ports::TokenCodec& codec, const std::string& peer,
                                                 const std::shared_ptr<const PeerTrust>& trust,
                                                 const ports::StatusPointer& pointer, Timestamp now) const {
  const std::string key = peer + "\n" + pointer.list_id;
  std::string credential;
  Timestamp fetched_at{};
  std::shared_ptr<const Result<ports::CheckedStatusList>> checked;
  {
    std::lock_guard lock(mu_);
    const auto it = entries_.find(key);
    if (it == entries_.end() || now < it->second.fetched_at || now >= it->second.fetched_at + kPeerStatusFreshness) {
      return std::nullopt;
    }
    if (it->second.checked && it->second.checked_with == trust) {
      checked = it->second.checked;
    } else {
      credential = it->second.credential;
      fetched_at = it->second.fetched_at;
    }
  }
  if (!checked) {
    // Checked outside the lock; kept when the entry is still the same fetch.
    checked = std::make_shared<const Result<ports::CheckedStatusList>>(codec.CheckStatusList(credential, trust->trust));
    std::lock_guard lock(mu_);
    const auto it = entries_.find(key);
    if (it != entries_.end() && it->second.fetched_at == fetched_at) {
      it->second.checked = checked;
      it->second.checked_with = trust;
    }
  }
  if (!checked->ok()) return Result<bool>(checked->error());
  return StatusBit(checked->value(), pointer, now);
}

Result<bool> StatusBit(const ports::CheckedStatusList& list, const ports::StatusPointer& pointer, Timestamp now) {
  const auto bad = [](const char* key) { return MakeError(ErrorCode::kInvalidArgument, key); };
  if (list.list_id != pointer.list_id || list.purpose != pointer.purpose) return bad("verify.reason.status_list_other");
  if (now > list.valid_until) return bad("verify.reason.status_list_expired");
  if (pointer.index < 0 || static_cast<uint64_t>(pointer.index) >= list.bytes.size() * 8) {
    return bad("verify.reason.status_index");
  }
  const auto index = static_cast<size_t>(pointer.index);
  return ((list.bytes[index / 8] >> (7 - index % 8)) & 1) != 0;
}

Verification VerifyCheckedWith(const ports::TokenCheck& check, const VerifyExpectations& expect, Timestamp now,
                               const StatusLookup& status) {
  return Decide(check, now, expect, status);
}

Result<std::string> SignedTrustList(const Context& ctx) {
  if (ctx.tokens == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  TB_ASSIGN_OR_RETURN(ports::TrustList list, CurrentTrustList(ctx));
  // Ours and federated (API.md): the peers' own issuers, each marked with its platform's code.
  TB_RETURN_IF_ERROR(AddPeerIssuers(ctx, list));
  return ctx.keys->Sign(kTrustListKeyOwner, ctx.tokens->TrustListPayload(list), "trust-list+jwt");
}

Result<Verification> VerifyOnline(const Context& ctx, std::string_view token, const VerifyExpectations& expect,
                                  bool look_again) {
  if (ctx.tokens == nullptr || ctx.keys == nullptr) return MakeError(ErrorCode::kUnavailable, "error.keys.unavailable");
  token = Trim(token);
  if (token.empty() || token.size() > kMaxTokenBytes) {
    return Refused("bad_signature", {{"error.jws.malformed", ""}});
  }
  const Timestamp now = ctx.clock->Now();
  ports::TokenCheck check;
  if (ctx.trust_cache != nullptr) {
    TB_ASSIGN_OR_RETURN(auto trust, ctx.trust_cache->Get(ctx, false));
    check = ctx.tokens->Check(token, *trust);
    // A kid the copy does not know may be a key added since it was built: look again, once.
    if (look_again && !check.token && !check.reasons.empty() && check.reasons[0].code == "error.jws.unknown_key") {
      TB_ASSIGN_OR_RETURN(trust, ctx.trust_cache->Get(ctx, true));
      check = ctx.tokens->Check(token, *trust);
    }
  } else {
    TB_ASSIGN_OR_RETURN(ports::TrustList trust, CurrentTrustList(ctx));
    check = ctx.tokens->Check(token, trust);
  }
  Verification v = Decide(check, now, expect, [&ctx](const StatusPointer& p) -> Result<bool> {
    if (ctx.status_source == nullptr) {
      return MakeError(ErrorCode::kUnavailable, "verify.reason.status_unavailable");
    }
    auto bit = ctx.status_source->IsSet(p);
    if (!bit.ok() && bit.error().code != ErrorCode::kInternal) {
      return MakeError(bit.error().code, "verify.reason.status_unavailable");
    }
    return bit;
  });
  // A presentation is accepted once: its nonce is recorded (until it expires) the first time it
  // would be valid; a second time it is a replay.
  if (v.valid && check.token && check.token->kind == ports::TokenKind::kPresentation) {
    const ports::CheckedToken& t = *check.token;
    const std::string key = ctx.hasher->Sha256Hex(t.issuer_department + "\n" + t.audience + "\n" + t.nonce);
    const Status used = ctx.store->Write([&](ports::Transaction& tx) -> Status {
      TB_RETURN_IF_ERROR(tx.presentation_nonces().UseNonce(key, *t.valid_until));
      // Housekeeping: nonces that expired can never be replayed within their time again.
      auto purged = tx.presentation_nonces().PurgeExpiredNonces(now, 100);
      if (!purged.ok()) return purged.take_error();
      return Ok();
    });
    if (!used.ok()) {
      if (used.error().code != ErrorCode::kConflict) return used.error();
      v.valid = false;
      v.status = "replayed";
      v.reasons.push_back({"verify.reason.replayed", ""});
    }
  }
  return v;
}

Verification VerifyOffline(const ports::TokenCodec& codec, const ports::TrustList& trust,
                           const std::vector<std::string>& status_credentials, std::string_view token,
                           const VerifyExpectations& expect, Timestamp now) {
  token = Trim(token);
  if (token.empty() || token.size() > kMaxTokenBytes) return Refused("bad_signature", {{"error.jws.malformed", ""}});
  return VerifyCheckedOffline(codec, trust, status_credentials, codec.Check(token, trust), expect, now);
}

Verification VerifyCheckedOffline(const ports::TokenCodec& codec, const ports::TrustList& trust,
                                  const std::vector<std::string>& status_credentials,
                                  const ports::TokenCheck& check, const VerifyExpectations& expect, Timestamp now) {
  Verification v = Decide(check, now, expect, [&](const StatusPointer& p) -> Result<bool> {
    // The credential of this list among the files given; the codec refuses the others.
    Error last = MakeError(ErrorCode::kNotFound, "verify.reason.status_unavailable");
    for (const std::string& credential : status_credentials) {
      auto bit = codec.StatusBitFromCredential(credential, p, trust, now);
      if (bit.ok()) return bit;
      if (bit.error().message != "verify.reason.status_list_other") last = bit.take_error();
    }
    return last;
  });
  if (check.token && check.token->kind == ports::TokenKind::kPresentation) {
    v.reasons.push_back({"verify.reason.offline_nonce", ""});
  }
  return v;
}

Status CountVerifyRequest(const Context& ctx, const std::string& address, int per_minute) {
  if (per_minute <= 0) return Ok();
  const Timestamp now = ctx.clock->Now();
  const std::string key = "verify:" + ctx.hasher->Sha256Hex("tongban verify\n" + address);
  // The last minute: a request made exactly a minute ago no longer counts.
  const Timestamp since = now - std::chrono::minutes(1) + std::chrono::seconds(1);
  return ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const ports::ThrottleCount made, tx.sessions().CountThrottleHits(key, since));
    if (made.count >= per_minute) {
      return MakeError(ErrorCode::kResourceExhausted, "error.verify.too_many");
    }
    return tx.sessions().RecordThrottleHit(key, now);
  });
}

Result<Presentation> CreatePresentation(const Context& ctx, const Actor& actor, const std::string& licence_id,
                                        ports::PresentationRequest request) {
  const auto invalid = [](const char* key, std::string field, std::string detail = {}) {
    return Error{ErrorCode::kInvalidArgument, key, {{std::move(field), key, std::move(detail)}}};
  };
  if (request.disclose.empty() || request.disclose.size() > kMaxDisclosedClaims) {
    return invalid("error.presentation.disclose", "disclose");
  }
  if (request.ttl_seconds < 1 || request.ttl_seconds > kMaxPresentationTtlSeconds) {
    return invalid("error.presentation.ttl", "ttl_seconds", std::to_string(kMaxPresentationTtlSeconds));
  }
  if (request.audience.size() > 256) return invalid("error.presentation.audience", "audience", "256");
  if (request.nonce.size() > 128) return invalid("error.presentation.nonce", "nonce", "128");
  if (ctx.licence_source == nullptr || ctx.tokens == nullptr || ctx.keys == nullptr) {
    return MakeError(ErrorCode::kUnavailable, "error.presentation.unavailable");
  }
  // Someone else's licence is answered as absent: its existence is not the caller's business.
  TB_ASSIGN_OR_RETURN(ports::LicenceForPresentation licence, ctx.licence_source->HeldBy(actor.user, licence_id));
  const Timestamp now = ctx.clock->Now();
  Timestamp expires_at = now + std::chrono::seconds(request.ttl_seconds);
  if (licence.valid_until) {
    if (*licence.valid_until < now) return MakeError(ErrorCode::kConflict, "error.presentation.expired_licence");
    expires_at = std::min(expires_at, *licence.valid_until);
  }
  if (request.nonce.empty()) request.nonce = ctx.ids->NewToken();
  TB_ASSIGN_OR_RETURN(auto prepared, ctx.tokens->PreparePresentation(licence, request,
                                                                     IssuerId(ctx, licence.issuer_department), now,
                                                                     expires_at));
  TB_ASSIGN_OR_RETURN(std::string jwt, ctx.keys->Sign({ports::KeyOwnerKind::kIssuer, licence.issuer_department},
                                                      prepared.payload, "dc+sd-jwt"));
  Presentation out;
  out.token = std::move(jwt) + "~";
  for (const std::string& d : prepared.disclosures) out.token += d + "~";
  out.expires_at = expires_at;
  return out;
}

}  // namespace tongban::services
