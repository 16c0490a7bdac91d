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

bool IsSourceUrl(std::string_view url) {
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    rest = url.substr(8);
  } else {
    return false;
  }
  if (rest.empty() || rest.front() == '/' || rest.front() == ':') return false;
  for (const char c : rest) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f || c == '@' || c == '#' || c == '\\') return false;
  }
  return true;
}

}  // namespace tongban::domain
