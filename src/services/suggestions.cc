#include "services/suggestions.h"

#include <algorithm>

#include "common/ids.h"
#include "domain/record_values.h"
#include "services/access_log.h"
#include "services/application_steps.h"

namespace tongban::services {
namespace {

using domain::ApplicantKind;
using domain::SuggestionCondition;

constexpr char kPopulation[] = "population";
constexpr char kHousehold[] = "household_registration";
constexpr char kBirths[] = "birth_record";
constexpr int kMaxBirthRecords = 20;

// The access-log entry of one read for the suggestions: the person reads data about themselves
// or their household, under the dataset's first legal basis.
Status LogRead(const Context& ctx, ports::Transaction& tx, const Actor& actor, const std::string& subject,
               const std::string& dataset, std::vector<std::string> fields) {
  domain::AccessLogEntry entry;
  entry.accessor_user_id = actor.user.id;
  entry.accessor_role = domain::RoleName(domain::Role::kCitizen);
  entry.subject_id = subject;
  entry.dataset = dataset;
  entry.fields = std::move(fields);
  entry.purpose = kSuggestionPurpose;
  const auto catalogue = ctx.Catalogue();
  const domain::Dataset* d = catalogue ? catalogue->FindDataset(dataset) : nullptr;
  entry.legal_basis = d != nullptr && !d->legal_bases.empty() ? d->legal_bases.front().code : "self";
  return RecordAccess(ctx, tx, std::move(entry));
}

// One field of the subject's first record in `dataset`, or "" when they have none.
Result<std::string> FirstValue(ports::Transaction& tx, const std::string& dataset, const std::string& subject,
                               const std::string& field) {
  TB_ASSIGN_OR_RETURN(auto records, tx.datasets().RecordsOf(dataset, subject, 1));
  if (records.empty()) return std::string();
  auto values = domain::ParseRecordValues(records.front().fields_json);
  if (!values.ok()) return MakeError(ErrorCode::kInternal, "dataset_records.fields_json of " + dataset + " is not an object");
  const auto found = values->find(field);
  return found == values->end() ? std::string() : found->second;
}

Result<std::pair<ApplicantKind, std::string>> HolderOf(ports::Transaction& tx, const Actor& actor,
                                                       const std::string& enterprise) {
  if (actor.user.kind == domain::UserKind::kOfficial) return MakeError(ErrorCode::kPermissionDenied, "error.home.no_home");
  if (!enterprise.empty()) {
    TB_ASSIGN_OR_RETURN(auto grant, ActingGrant(tx, actor.user, enterprise));
    if (!grant) return MakeError(ErrorCode::kPermissionDenied, "error.home.no_agent_rights");
    return std::make_pair(ApplicantKind::kEnterprise, enterprise);
  }
  if (actor.user.person_id.empty()) return MakeError(ErrorCode::kPermissionDenied, "error.home.no_home");
  return std::make_pair(ApplicantKind::kPerson, actor.user.person_id);
}

Status CheckRule(const Context& ctx, const std::string& rule) {
  const auto catalogue = ctx.Catalogue();
  if (catalogue) {
    for (const auto& r : catalogue->suggestions()) {
      if (r.code == rule) return Ok();
    }
  }
  return MakeError(ErrorCode::kNotFound, "error.suggestion.unknown");
}

}  // namespace

Result<std::vector<SuggestionView>> MatchSuggestions(const Context& ctx, ports::Transaction& tx, const Actor& actor) {
  std::vector<SuggestionView> out;
  const auto catalogue = ctx.Catalogue();
  const std::string& person = actor.user.person_id;
  if (!catalogue || catalogue->suggestions().empty() || person.empty()) return out;
  TB_ASSIGN_OR_RETURN(const std::vector<std::string> dismissed,
                      tx.suggestions().DismissedSuggestions(ApplicantKind::kPerson, person));
  std::vector<const domain::SuggestionRule*> rules;
  bool needs_birth = false;
  bool needs_household = false;
  int licence_days = 0;
  for (const auto& rule : catalogue->suggestions()) {
    if (std::find(dismissed.begin(), dismissed.end(), rule.code) != dismissed.end()) continue;
    rules.push_back(&rule);
    needs_birth = needs_birth || rule.when == SuggestionCondition::kAgeReaching;
    needs_household = needs_household || rule.when == SuggestionCondition::kHouseholdBirth;
    if (rule.when == SuggestionCondition::kLicenceExpiring) licence_days = std::max(licence_days, rule.within_days);
  }
  if (rules.empty()) return out;

  const Timestamp now = ctx.clock->Now();
  const Date today = LocalDate(now);
  domain::SuggestionFacts facts;
  if (needs_birth) {
    TB_ASSIGN_OR_RETURN(const std::string birth, FirstValue(tx, kPopulation, person, "birth_date"));
    TB_RETURN_IF_ERROR(LogRead(ctx, tx, actor, person, kPopulation, {"birth_date"}));
    facts.birth_date = ParseIsoDate(birth);
  }
  if (needs_household) {
    TB_ASSIGN_OR_RETURN(const std::string household, FirstValue(tx, kHousehold, person, "household_id"));
    TB_RETURN_IF_ERROR(LogRead(ctx, tx, actor, person, kHousehold, {"household_id"}));
    std::vector<std::string> members = {person};
    if (!household.empty()) {
      TB_ASSIGN_OR_RETURN(members, tx.suggestions().HouseholdMembers(household, ports::kMaxHouseholdMembers));
    }
    for (const std::string& member : members) {
      if (member != person) {
        // A registered member's birth date is the one their resident id number carries.
        TB_RETURN_IF_ERROR(LogRead(ctx, tx, actor, member, kHousehold, {"household_id"}));
        if (ValidateResidentId(member, today).ok()) facts.household_births.push_back(ResidentIdBirthDate(member));
      }
      // A baby not yet registered: the birth records of the household's mothers.
      TB_ASSIGN_OR_RETURN(auto births, tx.datasets().RecordsOf(kBirths, member, kMaxBirthRecords));
      if (births.empty()) continue;
      TB_RETURN_IF_ERROR(LogRead(ctx, tx, actor, member, kBirths, {"birth_date"}));
      for (const auto& record : births) {
        auto values = domain::ParseRecordValues(record.fields_json);
        if (!values.ok()) continue;
        const auto born = values->find("birth_date");
        if (born == values->end()) continue;
        if (const std::optional<Date> date = ParseIsoDate(born->second)) facts.household_births.push_back(*date);
      }
    }
  }
  if (licence_days > 0) {
    TB_ASSIGN_OR_RETURN(const auto licences, tx.licences().ListLicencesOfHolderExpiring(
                                                 ApplicantKind::kPerson, person, now,
                                                 now + std::chrono::days(licence_days), ports::kMaxLicencePage));
    for (const auto& l : licences) facts.licences_expiring.emplace_back(l.type, LocalDate(*l.valid_until));
  }
  for (const domain::SuggestionRule* rule : rules) {
    const std::optional<Date> matched = domain::MatchSuggestion(*rule, facts, today);
    if (!matched) continue;
    SuggestionView s;
    s.rule = rule->code;
    s.item = rule->item;
    s.bundle = rule->bundle;
    s.reason = rule->reason;
    s.values.emplace_back("date", FormatIsoDate(*matched));
    if (rule->when == SuggestionCondition::kAgeReaching) s.values.emplace_back("age", std::to_string(rule->age));
    out.push_back(std::move(s));
  }
  return out;
}

Result<bool> DismissSuggestion(const Context& ctx, const Actor& actor, const std::string& enterprise,
                               const std::string& rule) {
  TB_RETURN_IF_ERROR(CheckRule(ctx, rule));
  bool changed = false;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const auto holder, HolderOf(tx, actor, enterprise));
    TB_ASSIGN_OR_RETURN(changed, tx.suggestions().DismissSuggestion(holder.first, holder.second, rule, ctx.clock->Now()));
    return Ok();
  }));
  return changed;
}

Result<bool> RestoreSuggestion(const Context& ctx, const Actor& actor, const std::string& enterprise,
                               const std::string& rule) {
  TB_RETURN_IF_ERROR(CheckRule(ctx, rule));
  bool changed = false;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const auto holder, HolderOf(tx, actor, enterprise));
    TB_ASSIGN_OR_RETURN(changed, tx.suggestions().RestoreSuggestion(holder.first, holder.second, rule));
    return Ok();
  }));
  return changed;
}

}  // namespace tongban::services
