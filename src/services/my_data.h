// "My data" and flags on it (issue 9 item 4): what the city's datasets hold on the signed-in
// person (or an enterprise their agent acts for), each read recorded in the access log (purpose
// me_data, legal basis self); a value the person says is wrong becomes a flag for the dataset's
// owner department, whose data owners answer it and may correct the record in the same
// transaction.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "domain/data_flag.h"
#include "domain/record_values.h"
#include "services/context.h"

namespace tongban::services {

// The access log's purpose and legal basis of a person reading their own data.
inline constexpr char kMyDataPurpose[] = "me_data";
inline constexpr char kMyDataLegalBasis[] = "self";
// Records per dataset on one page of "my data", by default and at most.
inline constexpr int kMyDataDefaultPerDataset = 20;
inline constexpr int kMyDataMaxPerDataset = 100;

struct MyDataQuery {
  std::string enterprise;  // a credit code the caller acts for as an agent; "" for the person
  std::string dataset;     // only this dataset ("" for every dataset of the subject's kind)
  std::string page_token;  // with dataset: the records after this record id
  int per_dataset = kMyDataDefaultPerDataset;  // 1..kMyDataMaxPerDataset
};

struct MyRecord {
  std::string record_id;
  Timestamp as_of{};
  domain::RecordValues values;
};

struct MyDataset {
  const domain::Dataset* dataset = nullptr;  // points into MyData::catalogue
  std::vector<MyRecord> records;
  std::string next_page_token;  // "" when these are all of the subject's records in it
};

struct MyData {
  std::shared_ptr<const domain::Catalogue> catalogue;
  std::string subject_id;
  domain::SubjectKind subject = domain::SubjectKind::kPerson;
  std::vector<MyDataset> datasets;  // the datasets holding records on the subject, catalogue order
  std::vector<domain::DataFlag> flags;  // the subject's flags, newest first (the first page)
};

// The subject's records in every dataset kept in the records table (source table), one write
// transaction that also queues an access-log entry per dataset read. kUnauthenticated without a
// person id (officials) and no enterprise; kPermissionDenied (error.my_data.not_agent) when the
// caller does not act for `enterprise`; kInvalidArgument (error.page_size, error.dataset.not_found,
// error.page_token.invalid).
Result<MyData> ListMyData(const Context& ctx, const Actor& actor, const MyDataQuery& query);

struct NewFlag {
  std::string dataset;
  std::string field;
  std::string record_id;  // needed when the subject has several records in the dataset
  std::string comment;
  std::string enterprise;  // flag an enterprise's record as its agent
};

// Raises a flag on the caller's (or their enterprise's) record for the dataset's owner.
// kInvalidArgument: error.flag.dataset (unknown dataset or one not about this kind of subject),
// error.flag.field, error.flag.comment_required, error.flag.comment_too_long,
// error.flag.record_required (several records and no record id); kNotFound
// (error.flag.no_record) when the subject has no such record; kPermissionDenied as ListMyData.
Result<domain::DataFlag> RaiseDataFlag(const Context& ctx, const Actor& actor, const NewFlag& flag);

struct DataFlagPage {
  std::vector<domain::DataFlag> flags;
  std::string next_page_token;  // "" on the last page
};

// The flags of the caller's department in `state`, oldest first. kPermissionDenied
// (error.flag.not_owner) unless the caller is a data owner with a department.
Result<DataFlagPage> ListDepartmentFlags(const Context& ctx, const Actor& actor, domain::DataFlagState state,
                                         const std::string& page_token, int limit);

// One flag as its data owner sees it; kNotFound (error.flag.not_found), kPermissionDenied.
Result<domain::DataFlag> GetDepartmentFlag(const Context& ctx, const Actor& actor, const std::string& id);

struct FlagAnswer {
  std::string answer;
  bool corrected = false;
  std::optional<std::string> value;  // the corrected value to write into the record (corrected only)
};

// Answers an open flag of the caller's department; with a value, the record's field is replaced
// (checked with CheckDatasetValue, as-of now) in the same transaction, and the write recorded in
// the access log. kPermissionDenied (error.flag.not_owner), kNotFound, kConflict
// (error.flag.answered), kInvalidArgument (error.flag.answer_required, error.flag.answer_too_long,
// error.flag.value_not_corrected, the value's reason). Nothing changes on error.
Result<domain::DataFlag> AnswerDataFlag(const Context& ctx, const Actor& actor, const std::string& id,
                                        const FlagAnswer& answer);

}  // namespace tongban::services
