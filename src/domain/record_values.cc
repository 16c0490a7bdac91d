#include "domain/record_values.h"

#include <cstdint>

#include "domain/access_log.h"

namespace tongban::domain {
namespace {

Error Bad() { return MakeError(ErrorCode::kInvalidArgument, "error.dataset.record_values"); }

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<RecordValues> Object() {
    RecordValues out;
    Space();
    if (!Eat('{')) return Bad();
    Space();
    if (Eat('}')) return End(std::move(out));
    while (true) {
      Space();
      TB_ASSIGN_OR_RETURN(std::string key, String());
      Space();
      if (!Eat(':')) return Bad();
      Space();
      TB_ASSIGN_OR_RETURN(std::string value, String());
      out[std::move(key)] = std::move(value);
      Space();
      if (Eat('}')) return End(std::move(out));
      if (!Eat(',')) return Bad();
    }
  }

 private:
  Result<RecordValues> End(RecordValues out) {
    Space();
    if (at_ != text_.size()) return Bad();
    return out;
  }
  void Space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r')) {
      ++at_;
    }
  }
  bool Eat(char c) {
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  Result<uint32_t> Hex4() {
    if (at_ + 4 > text_.size()) return Bad();
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[at_++];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return Bad();
    }
    return v;
  }
  static void Utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  Result<std::string> String() {
    if (!Eat('"')) return Bad();
    std::string out;
    while (true) {
      if (at_ >= text_.size()) return Bad();
      const char c = text_[at_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) return Bad();
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (at_ >= text_.size()) return Bad();
      const char e = text_[at_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          TB_ASSIGN_OR_RETURN(uint32_t cp, Hex4());
          if (cp >= 0xD800 && cp < 0xDC00) {
            if (!Eat('\\') || !Eat('u')) return Bad();
            TB_ASSIGN_OR_RETURN(const uint32_t low, Hex4());
            if (low < 0xDC00 || low > 0xDFFF) return Bad();
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Bad();
          }
          Utf8(out, cp);
          break;
        }
        default: return Bad();
      }
    }
  }

  std::string_view text_;
  size_t at_ = 0;
};

}  // namespace

Result<RecordValues> ParseRecordValues(std::string_view json) { return Parser(json).Object(); }

std::string RecordValuesJson(const RecordValues& values) {
  std::string out = "{";
  for (const auto& [key, value] : values) {
    if (out.size() > 1) out.push_back(',');
    out += JsonStringLiteral(key);
    out.push_back(':');
    out += JsonStringLiteral(value);
  }
  out.push_back('}');
  return out;
}

}  // namespace tongban::domain
