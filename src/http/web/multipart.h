// A small multipart/form-data parser (RFC 7578) for the upload pages.
// Thread-safety: pure function.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tongban::http::web {

struct MultipartPart {
  std::string name;          // the form field's name
  std::string file_name;     // the file's name as the browser sent it (no folders), "" for plain fields
  std::string content_type;  // the part's Content-Type, "" when absent
  std::string data;
  bool is_file = false;      // the part had a filename parameter
};

// Parses `body` sent with `content_type` ("multipart/form-data; boundary=..."). Returns the parts
// in order, or kInvalidArgument ("error.upload.form") when the content type is not multipart, the
// boundary is missing, or the body is not well formed (no closing boundary, a part without
// headers or without a name). At most `max_parts` parts.
Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type, std::string_view body,
                                                  size_t max_parts = 32);

// The value of the first plain (non-file) part called `name`, or "".
std::string MultipartField(const std::vector<MultipartPart>& parts, std::string_view name);

}  // namespace tongban::http::web
