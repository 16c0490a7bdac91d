// The city's datasets (PRODUCT.md C5, C9; issue 9): what each department holds about persons and
// enterprises, described as data in the catalogue (catalogue/datasets/*.yaml): the owner, the
// subject a record is about, each field with its class, and the legal bases under which items may
// read it. Records themselves live in the store (ports/dataset_repository.h).
// Thread-safety: plain value types and pure functions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/text.h"

namespace tongban::domain {

enum class FieldType;  // domain/catalogue.h

// How carefully a field is handled (least privilege, C9): public data anyone may see; internal
// data officials may see; personal data is about a person and every read is logged; sensitive
// data needs the person's consent for the purpose as well.
enum class DataClass { kPublic, kInternal, kPersonal, kSensitive };
const char* DataClassName(DataClass value);  // "public", "internal", "personal", "sensitive"
std::optional<DataClass> ParseDataClass(std::string_view name);

// Whom a record is about: a person by resident id (GB 11643) or an enterprise by unified social
// credit code (GB 32100).
enum class SubjectKind { kPerson, kEnterprise };
const char* SubjectKindName(SubjectKind value);  // "person", "enterprise"
std::optional<SubjectKind> ParseSubjectKind(std::string_view name);

// Where the records are: the platform's records table, or the owner department's own system
// reached over HTTP (issue 9 item 8).
enum class DatasetSource { kTable, kHttp };
const char* DatasetSourceName(DatasetSource value);  // "table", "http"
std::optional<DatasetSource> ParseDatasetSource(std::string_view name);

// An external source's call at most (YAML `source: {timeout_ms}`), and the bounds it may take.
inline constexpr int kDefaultSourceTimeoutMs = 2000;
inline constexpr int kMinSourceTimeoutMs = 50;
inline constexpr int kMaxSourceTimeoutMs = 30000;

// Whether `url` may be an external source's address: http:// or https://, a host, no spaces,
// user information or fragment.
bool IsSourceUrl(std::string_view url);

struct DatasetField {
  std::string name;  // snake_case key in a record's values
  LocalText label;
  FieldType type{};  // every FieldType but kSelect (value-initialised: kText)
  DataClass data_class = DataClass::kPersonal;
  bool required = false;  // every record has a value
};

// A law or regulation under which items may read the dataset.
struct LegalBasis {
  std::string code;  // referred to by items and consents, e.g. "household-registration-regulation"
  LocalText citation;
};

struct Dataset {
  std::string code;  // snake_case, as items name it in `dataset:`, e.g. "population"
  LocalText name;
  std::string department;  // the owner: a Department code
  SubjectKind subject = SubjectKind::kPerson;
  std::vector<DatasetField> fields;
  std::vector<LegalBasis> legal_bases;
  DatasetSource source = DatasetSource::kTable;
  std::string url;  // kHttp: the department system's address (http:// or https://)
  int timeout_ms = kDefaultSourceTimeoutMs;  // kHttp: the whole call at most
  // The purposes for which other platforms (federation peers) may ask for a subject's record
  // (issue 14 item 5, YAML `federation_purposes`, table datasets only); empty: none may.
  std::vector<std::string> federation_purposes;

  const DatasetField* FindField(std::string_view name) const;
};

// Checks a subject id of `kind`: a valid resident id or credit code. Returns the canonical id
// (upper case) or kInvalidArgument with a reason a data owner can act on.
Result<std::string> CheckSubjectId(SubjectKind kind, std::string_view id, Date today);

// Checks one value of `field` as a record holds it (text as given; numbers in decimal; dates
// YYYY-MM-DD; booleans true/false; ids and credit codes valid). Returns the canonical value or
// kInvalidArgument with the reason, naming the field.
Result<std::string> CheckDatasetValue(const DatasetField& field, std::string_view value, Date today);


}  // namespace tongban::domain
