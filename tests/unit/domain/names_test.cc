// Every enumerator of every named enum has a name, and every name parses back (the API, the
// database and URLs rely on both). The enumerators are found by reflection, not listed here, so a
// new enumerator without a name in its table fails this test.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "domain/account.h"
#include "domain/application.h"
#include "domain/catalogue.h"
#include "domain/data_flag.h"
#include "domain/eligibility.h"
#include "domain/role_change.h"
#include "domain/workflow.h"
#include "ports/outbox_repository.h"

namespace tongban::domain {
namespace {

// True when V is a declared enumerator: GCC and Clang print a declared one by its name
// ("V = tongban::domain::Channel::kWeb") and any other value as a cast ("V = (...Channel)7").
template <auto V>
constexpr bool IsEnumerator() {
  constexpr std::string_view f = __PRETTY_FUNCTION__;
  constexpr size_t at = f.find("V = ");
  static_assert(at != std::string_view::npos, "this compiler prints template arguments differently");
  return f[at + 4] != '(';
}

template <typename E, int... I>
std::vector<E> EnumeratorsIn(std::integer_sequence<int, I...>) {
  std::vector<E> out;
  ((IsEnumerator<static_cast<E>(I)>() ? out.push_back(static_cast<E>(I)) : void()), ...);
  return out;
}

// Every declared enumerator of E with a value in 0..63.
template <typename E>
std::vector<E> Enumerators() {
  return EnumeratorsIn<E>(std::make_integer_sequence<int, 64>());
}

template <typename E, typename NameFn, typename ParseFn>
void ExpectEveryEnumeratorNamed(const char* what, size_t expected_count, NameFn name, ParseFn parse) {
  const std::vector<E> all = Enumerators<E>();
  EXPECT_EQ(all.size(), expected_count) << what << ": reflection found a different number of enumerators";
  std::vector<std::string> names;
  for (E e : all) {
    const std::string n = name(e);
    EXPECT_NE(n, "unknown") << what << " enumerator " << static_cast<int>(e) << " has no name";
    EXPECT_EQ(parse(n), std::optional<E>(e)) << what << " '" << n << "' does not parse back";
    for (const auto& other : names) EXPECT_NE(other, n) << what << ": two enumerators are named '" << n << "'";
    names.push_back(n);
  }
  EXPECT_FALSE(parse("no-such-name").has_value()) << what;
}

TEST(EnumNamesTest, ReflectionFindsExactlyTheDeclaredEnumerators) {
  EXPECT_EQ(Enumerators<Channel>(), (std::vector<Channel>{Channel::kWeb, Channel::kMobile, Channel::kKiosk,
                                                          Channel::kWindow}));
  EXPECT_FALSE(IsEnumerator<static_cast<Channel>(4)>());
}

TEST(EnumNamesTest, EveryEnumeratorOfEveryNamedEnumHasAName) {
  ExpectEveryEnumeratorNamed<ErrorCode>("ErrorCode", 9, ErrorCodeName, ParseErrorCode);
  ExpectEveryEnumeratorNamed<ApplicationState>("ApplicationState", 15, StateName, ParseState);
  ExpectEveryEnumeratorNamed<Action>("Action", 13, ActionName, ParseAction);
  ExpectEveryEnumeratorNamed<ActorRole>("ActorRole", 4, ActorRoleName, ParseActorRole);
  ExpectEveryEnumeratorNamed<Role>("Role", 8, RoleName, ParseRole);
  ExpectEveryEnumeratorNamed<UserKind>("UserKind", 2, UserKindName, ParseUserKind);
  ExpectEveryEnumeratorNamed<MaterialStatus>("MaterialStatus", 4, MaterialStatusName, ParseMaterialStatus);
  ExpectEveryEnumeratorNamed<Channel>("Channel", 4, ChannelName, ParseChannel);
  ExpectEveryEnumeratorNamed<MaterialSource>("MaterialSource", 3, MaterialSourceName, ParseMaterialSource);
  ExpectEveryEnumeratorNamed<FieldType>("FieldType", 10, FieldTypeName, ParseFieldType);
  ExpectEveryEnumeratorNamed<ApplicantKind>("ApplicantKind", 2, ApplicantKindName, ParseApplicantKind);
  ExpectEveryEnumeratorNamed<CentreLevel>("CentreLevel", 2, CentreLevelName, ParseCentreLevel);
  ExpectEveryEnumeratorNamed<BundleRouting>("BundleRouting", 2, BundleRoutingName, ParseBundleRouting);
  ExpectEveryEnumeratorNamed<Language>("Language", 2, LanguageName, ParseLanguage);
  ExpectEveryEnumeratorNamed<DataClass>("DataClass", 4, DataClassName, ParseDataClass);
  ExpectEveryEnumeratorNamed<SubjectKind>("SubjectKind", 2, SubjectKindName, ParseSubjectKind);
  ExpectEveryEnumeratorNamed<DatasetSource>("DatasetSource", 2, DatasetSourceName, ParseDatasetSource);
  ExpectEveryEnumeratorNamed<DataFlagState>("DataFlagState", 2, DataFlagStateName, ParseDataFlagState);
  ExpectEveryEnumeratorNamed<EligibilityRuleKind>("EligibilityRuleKind", 6, EligibilityRuleKindName,
                                                 ParseEligibilityRuleKind);
  ExpectEveryEnumeratorNamed<ProactiveConfirm>("ProactiveConfirm", 2, ProactiveConfirmName, ParseProactiveConfirm);
  ExpectEveryEnumeratorNamed<ProactiveUnanswered>("ProactiveUnanswered", 2, ProactiveUnansweredName,
                                                 ParseProactiveUnanswered);
  ExpectEveryEnumeratorNamed<ports::OutboxState>("OutboxState", 3, ports::OutboxStateName, ports::ParseOutboxState);
  ExpectEveryEnumeratorNamed<RoleChangeAction>("RoleChangeAction", 4, RoleChangeActionName, ParseRoleChangeAction);
}

TEST(EnumNamesTest, NamesAreTheContractsSpelling) {
  EXPECT_STREQ(RoleName(Role::kEnterpriseAgent), "enterprise_agent");
  EXPECT_STREQ(MaterialStatusName(MaterialStatus::kToBeFetched), "to_be_fetched");
  EXPECT_STREQ(MaterialStatusName(MaterialStatus::kFetched), "fetched");
  EXPECT_STREQ(ActionName(Action::kRequestCorrection), "request-correction");
  EXPECT_STREQ(FieldTypeName(FieldType::kCreditCode), "credit_code");
  EXPECT_STREQ(ErrorCodeName(ErrorCode::kResourceExhausted), "resource_exhausted");
}

}  // namespace
}  // namespace tongban::domain
