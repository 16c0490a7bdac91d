#include "storage/sql_keys.h"

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace tongban::storage {
namespace {

using ports::KeyOwner;
using ports::SigningKeyRow;
using ports::SigningKeyState;

#define TB_KEY_COLUMNS "kid, owner_kind, owner, public_key, sealed_secret, kek_id, state, created_at, retired_at"
constexpr std::string_view kInsertKey = "INSERT INTO signing_keys (" TB_KEY_COLUMNS
                                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
constexpr std::string_view kRetireActive =
    "UPDATE signing_keys SET state = 'retired', retired_at = $3"
    " WHERE owner_kind = $1 AND owner = $2 AND state = 'active'";
constexpr std::string_view kSelectActive =
    "SELECT " TB_KEY_COLUMNS " FROM signing_keys WHERE owner_kind = $1 AND owner = $2 AND state = 'active'";
constexpr std::string_view kSelectKey = "SELECT " TB_KEY_COLUMNS " FROM signing_keys WHERE kid = $1";
constexpr std::string_view kListKeys =
    "SELECT " TB_KEY_COLUMNS " FROM signing_keys WHERE kid > $1 ORDER BY kid LIMIT $2";
#undef TB_KEY_COLUMNS

const char* StateName(SigningKeyState state) { return state == SigningKeyState::kActive ? "active" : "retired"; }

Result<SigningKeyRow> ReadKey(Statement& statement) {
  Columns c(statement);
  SigningKeyRow k;
  k.kid = c.Text();
  const std::string kind = c.Text();
  const std::optional<ports::KeyOwnerKind> parsed_kind = ports::ParseKeyOwnerKind(kind);
  if (!parsed_kind) return Corrupt("signing_keys.owner_kind '" + kind + "'");
  k.owner.kind = *parsed_kind;
  k.owner.code = c.Text();
  k.public_key = c.Text();
  k.sealed_secret = c.Text();
  k.kek_id = c.Text();
  const std::string state = c.Text();
  if (state == "active") {
    k.state = SigningKeyState::kActive;
  } else if (state == "retired") {
    k.state = SigningKeyState::kRetired;
  } else {
    return Corrupt("signing_keys.state '" + state + "'");
  }
  k.created_at = FromSeconds(c.Int());
  if (const std::optional<int64_t> retired = c.OptionalInt()) k.retired_at = FromSeconds(*retired);
  return k;
}

}  // namespace

Status SqlKeys::InsertSigningKey(const SigningKeyRow& k) {
  std::optional<int64_t> retired_at;
  if (k.retired_at) retired_at = Seconds(*k.retired_at);
  return sql_.Run(kInsertKey, [&](Binder& b) {
    b.Text(k.kid)
        .Text(ports::KeyOwnerKindName(k.owner.kind))
        .Text(k.owner.code)
        .Text(k.public_key)
        .Text(k.sealed_secret)
        .Text(k.kek_id)
        .Text(StateName(k.state))
        .Int(Seconds(k.created_at))
        .OptionalInt(retired_at);
  });
}

Result<int64_t> SqlKeys::RetireActiveSigningKey(const KeyOwner& owner, Timestamp at) {
  return sql_.Execute(kRetireActive, [&](Binder& b) {
    b.Text(ports::KeyOwnerKindName(owner.kind)).Text(owner.code).Int(Seconds(at));
  });
}

Result<SigningKeyRow> SqlKeys::GetActiveSigningKey(const KeyOwner& owner) {
  return sql_.One<SigningKeyRow>(
      kSelectActive, [&](Binder& b) { b.Text(ports::KeyOwnerKindName(owner.kind)).Text(owner.code); },
      "error.keys.no_active_key", ReadKey);
}

Result<SigningKeyRow> SqlKeys::GetSigningKey(const std::string& kid) {
  return sql_.One<SigningKeyRow>(kSelectKey, [&](Binder& b) { b.Text(kid); }, "error.keys.unknown_kid", ReadKey);
}

Result<std::vector<SigningKeyRow>> SqlKeys::ListSigningKeys(const std::string& after_kid, int limit) {
  const int page = std::clamp(limit, 1, ports::kMaxSigningKeysPage);
  return sql_.All<SigningKeyRow>(kListKeys, [&](Binder& b) { b.Text(after_kid).Int(page); }, ReadKey);
}

}  // namespace tongban::storage
