#include "http/web/multipart.h"

#include <algorithm>
#include <cctype>

namespace tongban::http::web {
namespace {

Error Malformed() { return MakeError(ErrorCode::kInvalidArgument, "error.upload.form"); }

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Reads `; key=value` parameters (values token or quoted-string) after the first ';'.
std::vector<std::pair<std::string, std::string>> Parameters(std::string_view header) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = header.find(';');
  while (i != std::string_view::npos && i < header.size()) {
    ++i;  // past ';'
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
    const size_t eq = header.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key = Lower(Trim(header.substr(i, eq - i)));
    i = eq + 1;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      ++i;
      while (i < header.size() && header[i] != '"') {
        if (header[i] == '\\' && i + 1 < header.size()) ++i;
        value.push_back(header[i]);
        ++i;
      }
      i = header.find(';', i);
    } else {
      const size_t semi = header.find(';', i);
      value = std::string(Trim(header.substr(i, semi == std::string_view::npos ? std::string_view::npos : semi - i)));
      i = semi;
    }
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

std::string Parameter(std::string_view header, std::string_view name) {
  for (auto& [key, value] : Parameters(header)) {
    if (key == name) return value;
  }
  return {};
}

// Browsers on Windows used to send full paths; keep only the last component.
std::string BaseName(std::string name) {
  const size_t slash = name.find_last_of("/\\");
  if (slash != std::string::npos) name = name.substr(slash + 1);
  return name;
}

}  // namespace

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view content_type, std::string_view body,
                                                  size_t max_parts) {
  const size_t semi = content_type.find(';');
  if (Lower(Trim(content_type.substr(0, semi))) != "multipart/form-data") return Malformed();
  const std::string boundary = Parameter(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 200) return Malformed();
  const std::string delimiter = "--" + boundary;

  // The first delimiter may be preceded by a preamble; later ones always follow CRLF.
  size_t pos;
  if (body.substr(0, delimiter.size()) == delimiter) {
    pos = delimiter.size();
  } else {
    pos = body.find("\r\n" + delimiter);
    if (pos == std::string_view::npos) return Malformed();
    pos += 2 + delimiter.size();
  }
  std::vector<MultipartPart> parts;
  const std::string next_delimiter = "\r\n" + delimiter;
  while (true) {
    if (body.substr(pos, 2) == "--") return parts;  // the closing delimiter
    // Transport padding then CRLF after a delimiter.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") return Malformed();
    pos += 2;
    const size_t headers_end = body.find("\r\n\r\n", pos);
    const size_t end = body.find(next_delimiter, pos);
    if (end == std::string_view::npos) return Malformed();
    if (parts.size() == max_parts) return Malformed();
    MultipartPart part;
    size_t data_start;
    if (body.substr(pos, 2) == "\r\n") {
      data_start = pos + 2;  // a part with no headers at all
    } else {
      if (headers_end == std::string_view::npos || headers_end > end) return Malformed();
      std::string_view headers = body.substr(pos, headers_end - pos);
      data_start = headers_end + 4;
      while (!headers.empty()) {
        const size_t eol = headers.find("\r\n");
        const std::string_view line = headers.substr(0, eol);
        headers = eol == std::string_view::npos ? std::string_view() : headers.substr(eol + 2);
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) return Malformed();
        const std::string name = Lower(Trim(line.substr(0, colon)));
        const std::string_view value = Trim(line.substr(colon + 1));
        if (name == "content-disposition") {
          const size_t vsemi = value.find(';');
          if (Lower(Trim(value.substr(0, vsemi))) != "form-data") return Malformed();
          for (auto& [key, param] : Parameters(value)) {
            if (key == "name") part.name = param;
            if (key == "filename") {
              part.file_name = BaseName(param);
              part.is_file = true;
            }
          }
        } else if (name == "content-type") {
          part.content_type = std::string(value);
        }
      }
    }
    if (part.name.empty()) return Malformed();
    part.data = std::string(body.substr(data_start, end - data_start));
    parts.push_back(std::move(part));
    pos = end + next_delimiter.size();
  }
}

std::string MultipartField(const std::vector<MultipartPart>& parts, std::string_view name) {
  for (const auto& part : parts) {
    if (!part.is_file && part.name == name) return part.data;
  }
  return {};
}

}  // namespace tongban::http::web
