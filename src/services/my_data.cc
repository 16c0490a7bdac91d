#include "services/my_data.h"

#include <utility>

#include "services/access_log.h"

namespace tongban::services {
namespace {

using domain::DataFlag;
using domain::Dataset;

Error Denied(const char* key) { return MakeError(ErrorCode::kPermissionDenied, key); }

// Whose records the caller reads: their own (a person), or an enterprise they act for as an agent.
Result<std::string> SubjectOf(ports::Transaction& tx, const Actor& actor, const std::string& enterprise,
                              domain::SubjectKind& kind) {
  if (enterprise.empty()) {
    if (actor.user.person_id.empty()) return MakeError(ErrorCode::kPermissionDenied, "error.my_data.no_person");
    kind = domain::SubjectKind::kPerson;
    return actor.user.person_id;
  }
  if (!actor.user.HasRole(domain::Role::kEnterpriseAgent)) return Denied("error.my_data.not_agent");
  auto grant = tx.accounts().GetAgentGrant(enterprise, actor.user.id);
  if (!grant.ok()) {
    if (grant.error().code == ErrorCode::kNotFound) return Denied("error.my_data.not_agent");
    return grant.take_error();
  }
  if (!grant->may_apply) return Denied("error.my_data.not_agent");
  kind = domain::SubjectKind::kEnterprise;
  return enterprise;
}

std::string ActorRoleOf(const Actor& actor, domain::Role preferred) {
  if (actor.user.HasRole(preferred)) return domain::RoleName(preferred);
  return actor.user.roles.empty() ? std::string("citizen") : std::string(domain::RoleName(actor.user.roles.front()));
}

Result<MyRecord> ToMyRecord(const ports::DatasetRecord& r) {
  auto values = domain::ParseRecordValues(r.fields_json);
  if (!values.ok()) return MakeError(ErrorCode::kInternal, "dataset_records.fields_json of " + r.dataset + " is not an object of strings");
  return MyRecord{r.record_id, r.as_of, std::move(values).value()};
}

// The subject's records in `dataset` after `after_record` ("" from the first), at most `limit`,
// and whether more follow.
Result<std::pair<std::vector<ports::DatasetRecord>, bool>> RecordsPage(ports::Transaction& tx, const std::string& dataset,
                                                                      const std::string& subject,
                                                                      const std::string& after_record, int limit) {
  std::vector<ports::DatasetRecord> rows;
  if (after_record.empty()) {
    TB_ASSIGN_OR_RETURN(rows, tx.datasets().RecordsOf(dataset, subject, limit + 1));
  } else {
    // The primary key's order continues after (subject, record); rows of the next subject end it.
    TB_ASSIGN_OR_RETURN(rows, tx.datasets().ListRecords(dataset, subject, after_record, limit + 1));
    size_t keep = 0;
    while (keep < rows.size() && rows[keep].subject_id == subject) ++keep;
    rows.resize(keep);
  }
  const bool more = rows.size() > static_cast<size_t>(limit);
  if (more) rows.resize(limit);
  return std::make_pair(std::move(rows), more);
}

Status RequireOwner(const Actor& actor) {
  if (!actor.user.HasRole(domain::Role::kDataOwner) || actor.user.department.empty()) {
    return Denied("error.flag.not_owner");
  }
  return Ok();
}

}  // namespace

Result<MyData> ListMyData(const Context& ctx, const Actor& actor, const MyDataQuery& query) {
  if (query.per_dataset < 1 || query.per_dataset > kMyDataMaxPerDataset) {
    return MakeError(ErrorCode::kInvalidArgument, "error.page_size");
  }
  if (!query.page_token.empty() && query.dataset.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "error.page_token.invalid");
  }
  MyData out;
  out.catalogue = ctx.Catalogue();
  if (!query.dataset.empty() && out.catalogue->FindDataset(query.dataset) == nullptr) {
    return MakeError(ErrorCode::kInvalidArgument, "error.dataset.not_found");
  }
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    out.datasets.clear();
    TB_ASSIGN_OR_RETURN(out.subject_id, SubjectOf(tx, actor, query.enterprise, out.subject));
    for (const Dataset& d : out.catalogue->datasets()) {
      if (d.subject != out.subject || d.source != domain::DatasetSource::kTable) continue;
      if (!query.dataset.empty() && d.code != query.dataset) continue;
      TB_ASSIGN_OR_RETURN(auto page, RecordsPage(tx, d.code, out.subject_id, query.page_token, query.per_dataset));
      if (page.first.empty()) continue;
      MyDataset shown{&d, {}, page.second ? page.first.back().record_id : std::string()};
      for (const auto& r : page.first) {
        TB_ASSIGN_OR_RETURN(MyRecord record, ToMyRecord(r));
        shown.records.push_back(std::move(record));
      }
      domain::AccessLogEntry entry;
      entry.accessor_user_id = actor.user.id;
      entry.accessor_role = ActorRoleOf(actor, out.subject == domain::SubjectKind::kPerson
                                                   ? domain::Role::kCitizen
                                                   : domain::Role::kEnterpriseAgent);
      entry.subject_id = out.subject_id;
      entry.dataset = d.code;
      for (const auto& f : d.fields) entry.fields.push_back(f.name);
      entry.purpose = kMyDataPurpose;
      entry.legal_basis = kMyDataLegalBasis;
      TB_RETURN_IF_ERROR(RecordAccess(ctx, tx, std::move(entry)));
      out.datasets.push_back(std::move(shown));
    }
    TB_ASSIGN_OR_RETURN(out.flags, tx.data_flags().FlagsOfSubject(out.subject_id, "", ports::kMaxDataFlagsPage));
    return Ok();
  }));
  return out;
}

Result<DataFlag> RaiseDataFlag(const Context& ctx, const Actor& actor, const NewFlag& request) {
  const auto catalogue = ctx.Catalogue();
  const Dataset* dataset = catalogue->FindDataset(request.dataset);
  const domain::SubjectKind wanted =
      request.enterprise.empty() ? domain::SubjectKind::kPerson : domain::SubjectKind::kEnterprise;
  if (dataset == nullptr || dataset->subject != wanted || dataset->source != domain::DatasetSource::kTable) {
    return MakeError(ErrorCode::kInvalidArgument, "error.flag.dataset");
  }
  TB_RETURN_IF_ERROR(domain::CheckNewFlag(*dataset, request.field, request.comment));
  DataFlag flag;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    domain::SubjectKind kind{};
    TB_ASSIGN_OR_RETURN(const std::string subject, SubjectOf(tx, actor, request.enterprise, kind));
    std::string record_id = request.record_id;
    if (record_id.empty()) {
      TB_ASSIGN_OR_RETURN(const auto records, tx.datasets().RecordsOf(dataset->code, subject, 2));
      if (records.empty()) return MakeError(ErrorCode::kNotFound, "error.flag.no_record");
      if (records.size() > 1) return MakeError(ErrorCode::kInvalidArgument, "error.flag.record_required");
      record_id = records.front().record_id;
    } else {
      auto record = tx.datasets().GetRecord(dataset->code, subject, record_id);
      if (!record.ok()) {
        if (record.error().code == ErrorCode::kNotFound) return MakeError(ErrorCode::kNotFound, "error.flag.no_record");
        return record.take_error();
      }
    }
    flag = DataFlag{};
    flag.id = ctx.ids->NewId();
    flag.dataset = dataset->code;
    flag.department = dataset->department;
    flag.subject_id = subject;
    flag.record_id = record_id;
    flag.field = request.field;
    flag.comment = request.comment;
    flag.raised_by = actor.user.id;
    flag.raised_at = ctx.clock->Now();
    return tx.data_flags().InsertFlag(flag);
  }));
  return flag;
}

Result<DataFlagPage> ListDepartmentFlags(const Context& ctx, const Actor& actor, domain::DataFlagState state,
                                         const std::string& page_token, int limit) {
  TB_RETURN_IF_ERROR(RequireOwner(actor));
  if (limit < 1 || limit > ports::kMaxDataFlagsPage) return MakeError(ErrorCode::kInvalidArgument, "error.page_size");
  DataFlagPage out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out.flags,
                        tx.data_flags().FlagsOfDepartment(actor.user.department, state, page_token, limit + 1));
    return Ok();
  }));
  if (out.flags.size() > static_cast<size_t>(limit)) {
    out.flags.resize(limit);
    out.next_page_token = out.flags.back().id;
  }
  return out;
}

Result<DataFlag> GetDepartmentFlag(const Context& ctx, const Actor& actor, const std::string& id) {
  TB_RETURN_IF_ERROR(RequireOwner(actor));
  DataFlag flag;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(flag, tx.data_flags().GetFlag(id));
    return Ok();
  }));
  if (flag.department != actor.user.department) return Denied("error.flag.not_owner");
  return flag;
}

Result<DataFlag> AnswerDataFlag(const Context& ctx, const Actor& actor, const std::string& id,
                                const FlagAnswer& request) {
  TB_RETURN_IF_ERROR(RequireOwner(actor));
  if (request.value && !request.corrected) {
    return MakeError(ErrorCode::kInvalidArgument, "error.flag.value_not_corrected");
  }
  const auto catalogue = ctx.Catalogue();
  DataFlag flag;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(flag, tx.data_flags().GetFlag(id));
    if (flag.department != actor.user.department) return Denied("error.flag.not_owner");
    TB_RETURN_IF_ERROR(domain::CheckFlagAnswer(flag, request.answer));
    const Timestamp now = ctx.clock->Now();
    if (request.value) {
      const Dataset* dataset = catalogue->FindDataset(flag.dataset);
      const domain::DatasetField* field = dataset != nullptr ? dataset->FindField(flag.field) : nullptr;
      if (field == nullptr) return MakeError(ErrorCode::kInvalidArgument, "error.flag.field");
      TB_ASSIGN_OR_RETURN(const std::string value, domain::CheckDatasetValue(*field, *request.value, LocalDate(now)));
      TB_ASSIGN_OR_RETURN(ports::DatasetRecord record,
                          tx.datasets().GetRecord(flag.dataset, flag.subject_id, flag.record_id));
      auto values = domain::ParseRecordValues(record.fields_json);
      if (!values.ok()) return MakeError(ErrorCode::kInternal, "dataset_records.fields_json of " + flag.dataset);
      (*values)[flag.field] = value;
      record.fields_json = domain::RecordValuesJson(*values);
      record.as_of = now;
      TB_RETURN_IF_ERROR(tx.datasets().InsertRecords({record}, ports::RecordWrite::kReplace));
      domain::AccessLogEntry entry;
      entry.accessor_user_id = actor.user.id;
      entry.accessor_role = domain::RoleName(domain::Role::kDataOwner);
      entry.accessor_department = actor.user.department;
      entry.subject_id = flag.subject_id;
      entry.dataset = flag.dataset;
      entry.fields = {flag.field};
      entry.purpose = "data_flag:" + flag.id;
      entry.legal_basis = dataset->legal_bases.empty() ? std::string("owner") : dataset->legal_bases.front().code;
      entry.time = now;
      TB_RETURN_IF_ERROR(RecordAccess(ctx, tx, std::move(entry)));
    }
    flag.state = domain::DataFlagState::kAnswered;
    flag.answer = request.answer;
    flag.corrected = request.corrected;
    flag.answered_by = actor.user.id;
    flag.answered_at = now;
    return tx.data_flags().AnswerFlag(flag);
  }));
  return flag;
}

}  // namespace tongban::services
