#include "storage/sql_presentation_nonces.h"

#include <algorithm>
#include <string_view>

namespace tongban::storage {
namespace {

constexpr std::string_view kInsertNonce =
    "INSERT INTO used_presentation_nonces (nonce_key, expires_at) VALUES ($1, $2)";
constexpr std::string_view kDeleteExpired =
    "DELETE FROM used_presentation_nonces WHERE nonce_key IN"
    " (SELECT nonce_key FROM used_presentation_nonces WHERE expires_at < $1 ORDER BY expires_at LIMIT $2)";

}  // namespace

Status SqlPresentationNonces::UseNonce(const std::string& nonce_key, Timestamp expires_at) {
  const Status s = sql_.Run(kInsertNonce, [&](Binder& b) { b.Text(nonce_key).Int(Seconds(expires_at)); });
  if (!s.ok() && s.error().code == ErrorCode::kConflict) {
    return MakeError(ErrorCode::kConflict, "error.presentation.replayed");
  }
  return s;
}

Result<int64_t> SqlPresentationNonces::PurgeExpiredNonces(Timestamp now, int limit) {
  return DeleteBatch(sql_, kDeleteExpired, now, std::clamp(limit, 1, ports::kMaxNoncePurge));
}

}  // namespace tongban::storage
