#include "services/eligibility.h"

#include <map>
#include <set>
#include <utility>

#include "domain/record_values.h"
#include "services/access_log.h"

namespace tongban::services {
namespace {

// Records a subject may hold in one dataset that eligibility looks at (a household, a few births).
constexpr int kRecordsRead = 50;

std::string AccessorRole(const Actor& actor) {
  if (actor.user.roles.empty()) return domain::RoleName(domain::Role::kCitizen);
  return domain::RoleName(actor.user.roles.front());
}

}  // namespace

Result<EligibilityCheck> CheckEligibility(const Context& ctx, ports::Transaction& tx, const Actor& accessor,
                                          const std::string& subject_id, const domain::ServiceItem& item,
                                          const ReadPurpose* why) {
  EligibilityCheck out;
  out.applies = !item.eligibility.empty();
  if (!out.applies) return out;
  // dataset -> field -> the values the subject's records hold.
  std::map<std::string, std::map<std::string, std::vector<std::string>>> values;
  std::map<std::string, std::set<std::string>> fields_of;
  for (const domain::EligibilityRule& rule : item.eligibility) fields_of[rule.dataset].insert(rule.field);
  for (const auto& [dataset, fields] : fields_of) {
    TB_ASSIGN_OR_RETURN(const auto records, tx.datasets().RecordsOf(dataset, subject_id, kRecordsRead));
    auto& held = values[dataset];
    for (const ports::DatasetRecord& r : records) {
      auto parsed = domain::ParseRecordValues(r.fields_json);
      if (!parsed.ok()) return MakeError(ErrorCode::kInternal, "dataset_records.fields_json of " + dataset);
      for (const std::string& f : fields) {
        const auto it = parsed->find(f);
        if (it != parsed->end()) held[f].push_back(it->second);
      }
    }
    domain::AccessLogEntry entry;
    entry.accessor_user_id = accessor.user.id;
    entry.accessor_role = AccessorRole(accessor);
    entry.accessor_department = accessor.user.department;
    entry.subject_id = subject_id;
    entry.dataset = dataset;
    entry.fields.assign(fields.begin(), fields.end());
    entry.purpose = item.code;
    if (why != nullptr) {
      entry.accessor_role = why->accessor_role;
      entry.purpose = why->purpose;
    }
    // The item's declared basis for the dataset (data_bases), else its own legal basis.
    const auto basis = item.data_bases.find(dataset);
    entry.legal_basis = basis != item.data_bases.end() ? basis->second : item.legal_basis;
    TB_RETURN_IF_ERROR(RecordAccess(ctx, tx, std::move(entry)));
  }
  const Date today = LocalDate(ctx.clock->Now());
  for (const domain::EligibilityRule& rule : item.eligibility) {
    const bool met = domain::RuleMet(rule, values[rule.dataset][rule.field], today);
    out.qualified = out.qualified && met;
    out.rules.push_back(RuleCheck{rule, met});
  }
  return out;
}

Result<EligibilityCheck> CheckMyEligibility(const Context& ctx, const Actor& actor, const std::string& item_code) {
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->FindItem(item_code);
  if (item == nullptr) return MakeError(ErrorCode::kNotFound, "error.item.not_found");
  if (item->eligibility.empty() || item->applicant != domain::ApplicantKind::kPerson || actor.user.person_id.empty()) {
    return EligibilityCheck{};
  }
  EligibilityCheck out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, CheckEligibility(ctx, tx, actor, actor.user.person_id, *item));
    return Ok();
  }));
  return out;
}

Result<EligibilityCheck> CheckCaseEligibility(const Context& ctx, const Actor& official, const domain::Application& app) {
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->ItemUnder(app.item, app.pilot);
  if (item == nullptr || item->eligibility.empty()) return EligibilityCheck{};
  EligibilityCheck out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, CheckEligibility(ctx, tx, official, app.enterprise.empty() ? app.person_id : app.enterprise,
                                              *item));
    return Ok();
  }));
  return out;
}

Status RequireQualified(const EligibilityCheck& check) {
  if (check.qualified) return Ok();
  Error error = MakeError(ErrorCode::kPermissionDenied, "error.eligibility.not_qualified");
  for (const RuleCheck& r : check.rules) {
    if (r.met) continue;
    error.fields.push_back({r.rule.dataset + "." + r.rule.field,
                            std::string("error.eligibility.") + domain::EligibilityRuleKindName(r.rule.kind),
                            r.rule.values.empty() ? std::string() : r.rule.values.front()});
  }
  return error;
}

Status RequireEligible(const Context& ctx, ports::Transaction& tx, const Actor& actor, const domain::Application& app,
                       const domain::ServiceItem& item) {
  if (item.eligibility.empty()) return Ok();
  TB_ASSIGN_OR_RETURN(const EligibilityCheck check,
                      CheckEligibility(ctx, tx, actor, app.enterprise.empty() ? app.person_id : app.enterprise, item));
  return RequireQualified(check);
}

}  // namespace tongban::services
