// Uploaded files in SQL, content-addressed. Internal to storage.
#pragma once

#include "ports/upload_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlUploads final : public ports::UploadRepository {
 public:
  explicit SqlUploads(const SqlAccess& sql) : sql_(sql) {}
  Status PutBlob(const ports::Blob& blob) override;
  Result<ports::Blob> GetBlob(const std::string& sha256) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
