// Request accessors and the URL-encoding helpers shared by the server, the router and handlers.
#include "http/message.h"

#include <string>
#include <string_view>

namespace tongban::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

std::string Request::Query(std::string_view name) const {
  const auto it = query.find(std::string(name));
  return it == query.end() ? std::string() : it->second;
}

std::string Request::Cookie(std::string_view name) const {
  // Several Cookie headers are allowed over HTTP/2 proxies; look through all of them.
  for (const auto& [header_name, value] : headers) {
    if (header_name != "cookie") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      const std::string_view pair = Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (Trim(pair.substr(0, eq)) != name) continue;
      std::string_view cookie_value = Trim(pair.substr(eq + 1));
      // RFC 6265 allows the value to be quoted.
      if (cookie_value.size() >= 2 && cookie_value.front() == '"' && cookie_value.back() == '"') {
        cookie_value = cookie_value.substr(1, cookie_value.size() - 2);
      }
      return std::string(cookie_value);
    }
  }
  return {};
}

std::string Request::Param(std::string_view name) const {
  const auto it = params.find(std::string(name));
  return it == params.end() ? std::string() : it->second;
}

std::string PercentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
      out.push_back(c);
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::multimap<std::string, std::string> ParseFormEncoded(std::string_view text) {
  std::multimap<std::string, std::string> out;
  while (!text.empty()) {
    const size_t amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    if (key.empty()) continue;
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    out.emplace(PercentDecode(key, true), PercentDecode(value, true));
  }
  return out;
}

std::string AttachmentDisposition(std::string_view file_name, std::string_view content_type) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  // Only the last path segment counts: a name is never a path.
  if (const size_t slash = file_name.find_last_of("/\\"); slash != std::string_view::npos) {
    file_name.remove_prefix(slash + 1);
  }
  std::string ascii;
  std::string encoded;
  bool named = false;  // the name has more than dots
  for (const char ch : file_name) {
    const auto c = static_cast<unsigned char>(ch);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                       c == '-' || c == '_';
    if (c < 0x20 || c == 0x7f) continue;  // control characters never reach a header
    named = named || c != '.';
    ascii.push_back(plain ? ch : '_');
    if (plain) {
      encoded.push_back(ch);
    } else {
      encoded.push_back('%');
      encoded.push_back(kHex[c >> 4]);
      encoded.push_back(kHex[c & 15]);
    }
  }
  while (!ascii.empty() && ascii.front() == '.') ascii.erase(0, 1);  // never a hidden file
  if (ascii.size() > 100) ascii.erase(0, ascii.size() - 100);       // keep the extension
  const bool ascii_named = ascii.find_first_not_of("._") != std::string::npos;
  if (!ascii_named) {
    const std::string extension = content_type == "application/pdf" ? ".pdf"
                                  : content_type == "image/jpeg"    ? ".jpg"
                                  : content_type == "image/png"     ? ".png"
                                                                    : "";
    ascii = "file" + extension;
  }
  if (!named) encoded = ascii;
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace tongban::http
