#include "domain/dataset.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include "common/ids.h"
#include "domain/catalogue.h"
#include "common/enum_names.h"

namespace tongban::domain {
namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Error Bad(const DatasetField& field, const std::string& why) {
  return MakeError(ErrorCode::kInvalidArgument, "field '" + field.name + "': " + why);
}

}  // namespace

constexpr std::array kDataClassNames = {
    EnumName<DataClass>{DataClass::kPublic, "public"},
    EnumName<DataClass>{DataClass::kInternal, "internal"},
    EnumName<DataClass>{DataClass::kPersonal, "personal"},
    EnumName<DataClass>{DataClass::kSensitive, "sensitive"},
};
constexpr std::array kSubjectKindNames = {
    EnumName<SubjectKind>{SubjectKind::kPerson, "person"},
    EnumName<SubjectKind>{SubjectKind::kEnterprise, "enterprise"},
};
constexpr std::array kDatasetSourceNames = {
    EnumName<DatasetSource>{DatasetSource::kTable, "table"},
    EnumName<DatasetSource>{DatasetSource::kHttp, "http"},
};

const char* DataClassName(DataClass value) { return NameOf(kDataClassNames, value); }
std::optional<DataClass> ParseDataClass(std::string_view name) { return ValueOf(kDataClassNames, name); }
const char* SubjectKindName(SubjectKind value) { return NameOf(kSubjectKindNames, value); }
std::optional<SubjectKind> ParseSubjectKind(std::string_view name) { return ValueOf(kSubjectKindNames, name); }
const char* DatasetSourceName(DatasetSource value) { return NameOf(kDatasetSourceNames, value); }
std::optional<DatasetSource> ParseDatasetSource(std::string_view name) { return ValueOf(kDatasetSourceNames, name); }

const DatasetField* Dataset::FindField(std::string_view name) const {
  auto it = std::find_if(fields.begin(), fields.end(), [&](const DatasetField& f) { return f.name == name; });
  return it == fields.end() ? nullptr : &*it;
}

Result<std::string> CheckSubjectId(SubjectKind kind, std::string_view id, Date today) {
  if (id.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "the subject id is missing");
  }
  std::string canonical = Upper(id);
  if (kind == SubjectKind::kPerson) {
    const Status s = ValidateResidentId(canonical, today);
    if (!s.ok()) return MakeError(ErrorCode::kInvalidArgument, "subject id '" + std::string(id) +
                                                                   "' is not a valid resident id (" + s.error().message + ")");
  } else {
    const Status s = ValidateCreditCode(canonical);
    if (!s.ok()) return MakeError(ErrorCode::kInvalidArgument, "subject id '" + std::string(id) +
                                                                   "' is not a valid credit code (" + s.error().message + ")");
  }
  return canonical;
}

Result<std::string> CheckDatasetValue(const DatasetField& field, std::string_view value, Date today) {
  if (value.empty()) {
    if (field.required) return Bad(field, "a value is required");
    return std::string();
  }
  for (unsigned char c : value) {
    if (c < 0x20 && c != '\t') return Bad(field, "control characters are not allowed");
  }
  switch (field.type) {
    case FieldType::kText:
    case FieldType::kAddress:
    case FieldType::kSelect:
      return std::string(value);
    case FieldType::kNumber: {
      double number = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (ec != std::errc() || p != value.data() + value.size() || !std::isfinite(number)) {
        return Bad(field, "'" + std::string(value) + "' is not a number");
      }
      return std::string(value);
    }
    case FieldType::kDate:
      if (!ParseIsoDate(value)) return Bad(field, "'" + std::string(value) + "' is not a date written as YYYY-MM-DD");
      return std::string(value);
    case FieldType::kBoolean:
      if (value != "true" && value != "false") return Bad(field, "'" + std::string(value) + "' is not true or false");
      return std::string(value);
    case FieldType::kIdNumber: {
      std::string id = Upper(value);
      const Status s = ValidateResidentId(id, today);
      if (!s.ok()) return Bad(field, "'" + std::string(value) + "' is not a valid resident id (" + s.error().message + ")");
      return id;
    }
    case FieldType::kCreditCode: {
      std::string code = Upper(value);
      const Status s = ValidateCreditCode(code);
      if (!s.ok()) return Bad(field, "'" + std::string(value) + "' is not a valid credit code (" + s.error().message + ")");
      return code;
    }
    case FieldType::kPhone: {
      const bool ok = value.size() >= 3 && value.size() <= 20 &&
                      std::all_of(value.begin(), value.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == ' '; });
      if (!ok) return Bad(field, "'" + std::string(value) + "' is not a telephone number");
      return std::string(value);
    }
    case FieldType::kEmail: {
      const size_t at = value.find('@');
      if (at == std::string_view::npos || at == 0 || value.find('.', at) == std::string_view::npos) {
        return Bad(field, "'" + std::string(value) + "' is not an e-mail address");
      }
      return std::string(value);
    }
  }
  return Bad(field, "unknown type");
}

namespace {

// A small reader of the one JSON shape records use: {"key": "value", ...}.
class RecordJsonReader {
 public:
  explicit RecordJsonReader(std::string_view text) : text_(text) {}

  bool Object(std::map<std::string, std::string>& out) {
    Space();
    if (!Eat('{')) return false;
    Space();
    if (Eat('}')) return End();
    while (true) {
      std::string key, value;
      Space();
      if (!String(key)) return false;
      Space();
      if (!Eat(':')) return false;
      Space();
      if (!String(value)) return false;
      out[key] = std::move(value);
      Space();
      if (Eat('}')) return End();
      if (!Eat(',')) return false;
    }
  }

 private:
  bool End() {
    Space();
    return at_ == text_.size();
  }
  void Space() {
    while (at_ < text_.size() && (text_[at_] == ' ' || text_[at_] == '\n' || text_[at_] == '\r' || text_[at_] == '\t')) {
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
  bool Hex4(uint32_t& out) {
    if (at_ + 4 > text_.size()) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[at_++];
      out <<= 4;
      if (c >= '0' && c <= '9') out |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') out |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') out |= static_cast<uint32_t>(c - 'A' + 10);
      else return false;
    }
    return true;
  }
  static void Utf8(uint32_t cp, std::string& out) {
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
  bool String(std::string& out) {
    if (!Eat('"')) return false;
    while (at_ < text_.size()) {
      const char c = text_[at_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (at_ >= text_.size()) return false;
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
          uint32_t cp = 0;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low = 0;
            if (!Eat('\\') || !Eat('u') || !Hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          Utf8(cp, out);
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  std::string_view text_;
  size_t at_ = 0;
};

}  // namespace

Result<std::map<std::string, std::string>> ParseRecordValues(std::string_view json) {
  std::map<std::string, std::string> out;
  if (!RecordJsonReader(json).Object(out)) return MakeError(ErrorCode::kInvalidArgument, "error.dataset.bad_record");
  return out;
}

}  // namespace tongban::domain
