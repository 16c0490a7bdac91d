#include "storage/sql_uploads.h"

#include <string_view>

namespace tongban::storage {
namespace {

constexpr std::string_view kInsertBlob =
    "INSERT INTO blobs (sha256, content_type, size, data) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING";
constexpr std::string_view kSelectBlob = "SELECT sha256, content_type, data FROM blobs WHERE sha256 = $1";

}  // namespace

Status SqlUploads::PutBlob(const ports::Blob& blob) {
  return sql_.Run(kInsertBlob, [&](Binder& b) {
    b.Text(blob.sha256).Text(blob.content_type).Int(static_cast<int64_t>(blob.data.size())).Blob(blob.data);
  });
}

Result<ports::Blob> SqlUploads::GetBlob(const std::string& sha256) {
  return sql_.One<ports::Blob>(kSelectBlob, [&](Binder& b) { b.Text(sha256); }, "error.blob.not_found",
                               [](Statement& s) -> Result<ports::Blob> {
                                 Columns c(s);
                                 ports::Blob blob;
                                 blob.sha256 = c.Text();
                                 blob.content_type = c.Text();
                                 blob.data = c.Blob();
                                 return blob;
                               });
}

}  // namespace tongban::storage
