// Uploaded files, content-addressed.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <string>

#include "common/result.h"

namespace tongban::ports {

struct Blob {
  std::string sha256;  // hex, the content address
  std::string content_type;
  std::string data;
};

class UploadRepository {
 public:
  virtual ~UploadRepository() = default;
  // PutBlob of an existing address is a no-op.
  virtual Status PutBlob(const Blob& blob) = 0;
  virtual Result<Blob> GetBlob(const std::string& sha256) = 0;
};

}  // namespace tongban::ports
