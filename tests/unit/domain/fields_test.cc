// fields.h names Date without including its header; include it first until that is fixed.
#include "common/time.h"
#include "domain/fields.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/ids.h"

namespace tongban::domain {
namespace {

constexpr Date kToday{2026, 11, 27};

Field MakeField(std::string name, FieldType type, bool required = false) {
  Field f;
  f.name = std::move(name);
  f.type = type;
  f.required = required;
  return f;
}

ServiceItem ItemWith(std::vector<Field> fields) {
  ServiceItem item;
  item.code = "test.item";
  item.fields = std::move(fields);
  return item;
}

struct Outcome {
  std::vector<FieldError> errors;
  std::map<std::string, std::string> values;
};

Outcome Validate(const ServiceItem& item, std::map<std::string, std::string> values, bool complete = true) {
  auto errors = ValidateFields(item, values, complete, kToday);
  return Outcome{std::move(errors), std::move(values)};
}

// One value for one field: the expected canonical value when accepted, or the error key.
struct Case {
  std::string input;
  std::string expected;  // canonical value, or the message key when it starts with "error."
  std::string detail = {};
};

void RunCases(const Field& field, const std::vector<Case>& cases) {
  const ServiceItem item = ItemWith({field});
  for (const Case& c : cases) {
    SCOPED_TRACE(field.name + ": \"" + c.input + "\"");
    const Outcome out = Validate(item, {{field.name, c.input}});
    if (c.expected.starts_with("error.")) {
      ASSERT_EQ(out.errors.size(), 1u);
      EXPECT_EQ(out.errors[0].field, field.name);
      EXPECT_EQ(out.errors[0].message_key, c.expected);
      if (!c.detail.empty()) {
        EXPECT_EQ(out.errors[0].detail, c.detail);
      }
    } else {
      EXPECT_TRUE(out.errors.empty()) << out.errors[0].message_key;
      EXPECT_EQ(out.values.at(field.name), c.expected);
    }
  }
}

TEST(FieldsTest, IdNumber) {
  RunCases(MakeField("id", FieldType::kIdNumber),
           {
               {"11010519491231002X", "11010519491231002X"},
               {"11010519491231002x", "11010519491231002X"},  // canonical upper case
               {"  11010519491231002X\t", "11010519491231002X"},
               {"110105194912310021", "error.field.id_number", "error.id_number.check_digit"},
               {"1101051949123100", "error.field.id_number", "error.id_number.length"},
               {"110105194912310X2X", "error.field.id_number", "error.id_number.characters"},
           });
}

TEST(FieldsTest, IdNumberBirthDateIsCheckedAgainstToday) {
  const std::string body = "11010520261128002";  // born tomorrow
  RunCases(MakeField("id", FieldType::kIdNumber),
           {{body + ResidentIdCheckChar(body), "error.field.id_number", "error.id_number.birth_date"}});
}

TEST(FieldsTest, CreditCode) {
  RunCases(MakeField("uscc", FieldType::kCreditCode),
           {
               {"91350100M000100Y43", "91350100M000100Y43"},
               {"91350100m000100y43", "91350100M000100Y43"},
               {"91350100M000100Y44", "error.field.credit_code", "error.credit_code.check_digit"},
               {"91350100I000100Y43", "error.field.credit_code", "error.credit_code.characters"},
               {"91350100M000100Y4", "error.field.credit_code", "error.credit_code.length"},
           });
}

TEST(FieldsTest, Phone) {
  RunCases(MakeField("phone", FieldType::kPhone),
           {
               {"13800138000", "13800138000"},
               {"19912345678", "19912345678"},
               {"138 0013 8000", "13800138000"},
               {"138-0013-8000", "13800138000"},
               {"+86 138 0013 8000", "13800138000"},
               {"008613800138000", "13800138000"},
               {"021-12345678", "021-12345678"},
               {"0571-8765432", "0571-8765432"},
               {"021-12345678-123", "021-12345678-123"},
               {"12800138000", "error.field.phone"},   // 12x is not a mobile prefix
               {"1380013800", "error.field.phone"},    // 10 digits
               {"138001380000", "error.field.phone"},  // 12 digits
               {"23800138000", "error.field.phone"},
               {"02112345678", "error.field.phone"},   // landline without the hyphen
               {"021-0234567", "error.field.phone"},   // local number starts with 0
               {"21-12345678", "error.field.phone"},   // area code without 0
               {"021-123456", "error.field.phone"},
               {"phone", "error.field.phone"},
           });
}

TEST(FieldsTest, Email) {
  RunCases(MakeField("email", FieldType::kEmail),
           {
               {"zhang.san@example.cn", "zhang.san@example.cn"},
               {"Zhang.San@Example.GOV.cn", "Zhang.San@example.gov.cn"},
               {"a+tag@mail.sh.gov.cn", "a+tag@mail.sh.gov.cn"},
               {"no-at-sign.example.cn", "error.field.email"},
               {"@example.cn", "error.field.email"},
               {"a@b@example.cn", "error.field.email"},
               {"a@localhost", "error.field.email"},
               {"a@.example.cn", "error.field.email"},
               {"a@example..cn", "error.field.email"},
               {"a b@example.cn", "error.field.email"},
               {"a@exa mple.cn", "error.field.email"},
           });
}

TEST(FieldsTest, Date) {
  RunCases(MakeField("date", FieldType::kDate),
           {
               {"2026-10-01", "2026-10-01"},
               {" 2024-02-29 ", "2024-02-29"},
               {"2026-02-29", "error.field.date"},
               {"2026/10/01", "error.field.date"},
               {"tomorrow", "error.field.date"},
           });
}

TEST(FieldsTest, NumberIsRangeCheckedAndNormalised) {
  Field f = MakeField("area", FieldType::kNumber);
  f.min = 0.5;
  f.max = 1000;
  RunCases(f, {
                  {"12", "12"},
                  {"12.50", "12.5"},
                  {"1e3", "1000"},
                  {"0.5", "0.5"},
                  {"1000", "1000"},
                  {"0.4", "error.field.min", "0.5"},
                  {"1000.01", "error.field.max", "1000"},
                  {"-3", "error.field.min", "0.5"},
                  {"12 m2", "error.field.number"},
                  {"12,5", "error.field.number"},
                  {"inf", "error.field.number"},
                  {"nan", "error.field.number"},
                  {"0x10", "error.field.number"},
                  {"abc", "error.field.number"},
              });
  RunCases(MakeField("n", FieldType::kNumber), {{"-0", "0"}, {"-12.25", "-12.25"}, {"1000000", "1000000"}});
}

TEST(FieldsTest, Select) {
  Field f = MakeField("kind", FieldType::kSelect);
  f.options = {SelectOption{"restaurant", {"餐馆", "Restaurant"}}, SelectOption{"cafe", {"咖啡馆", "Cafe"}}};
  RunCases(f, {
                  {"restaurant", "restaurant"},
                  {" cafe ", "cafe"},
                  {"Cafe", "error.field.select"},  // option values are codes, not labels
                  {"咖啡馆", "error.field.select"},
                  {"bar", "error.field.select"},
              });
}

TEST(FieldsTest, BooleanIsCanonicalised) {
  RunCases(MakeField("agree", FieldType::kBoolean), {
                                                       {"true", "true"},
                                                       {"TRUE", "true"},
                                                       {"1", "true"},
                                                       {"yes", "true"},
                                                       {"on", "true"},
                                                       {"false", "false"},
                                                       {"0", "false"},
                                                       {"no", "false"},
                                                       {"off", "false"},
                                                       {"2", "error.field.boolean"},
                                                       {"是", "error.field.boolean"},
                                                       {"y", "error.field.boolean"},
                                                   });
}

TEST(FieldsTest, TextLengthCountsCodePointsNotBytes) {
  Field f = MakeField("name", FieldType::kText);
  f.min = 2;
  f.max = 4;
  RunCases(f, {
                  {"张三", "张三"},          // 2 code points, 6 bytes
                  {"欧阳娜娜", "欧阳娜娜"},  // 4 code points, 12 bytes
                  {"Anna", "Anna"},
                  {"张", "error.field.too_short", "2"},
                  {"欧阳娜娜娜", "error.field.too_long", "4"},
                  {"Annabel", "error.field.too_long", "4"},
                  {"😀😀", "😀😀"},  // 4-byte sequences count once each
              });
}

TEST(FieldsTest, TextPatternMustMatchWholeValue) {
  Field f = MakeField("plate", FieldType::kText);
  f.pattern = "[A-Z][0-9]{5}";
  RunCases(f, {
                  {"A12345", "A12345"},
                  {"A123456", "error.field.pattern"},  // a prefix match is not enough
                  {"xA12345", "error.field.pattern"},
                  {"a12345", "error.field.pattern"},
              });
  Field broken = MakeField("broken", FieldType::kText);
  broken.pattern = "([A-Z";  // a catalogue defect must not let values through
  RunCases(broken, {{"A", "error.field.pattern"}});
}

TEST(FieldsTest, AddressIsBoundedTo200CodePoints) {
  const Field f = MakeField("address", FieldType::kAddress, true);
  std::string long_address;
  for (int i = 0; i < 200; ++i) long_address += "路";
  RunCases(f, {
                  {"上海市浦东新区世纪大道100号", "上海市浦东新区世纪大道100号"},
                  {long_address, long_address},
                  {long_address + "1", "error.field.too_long", "200"},
                  {"   ", "error.field.required"},
              });
}

TEST(FieldsTest, TrimsAsciiAndIdeographicSpace) {
  RunCases(MakeField("name", FieldType::kText), {
                                                    {"  张三\n", "张三"},
                                                    {"\xE3\x80\x80张三\xE3\x80\x80", "张三"},  // U+3000
                                                    {"张 三", "张 三"},  // inner space kept
                                                });
}

TEST(FieldsTest, SourcedFieldsAreNeverAsked) {
  Field name = MakeField("name", FieldType::kText, true);
  name.source = MaterialSource::kSharedData;
  name.dataset = "household_registration";
  Field licence_no = MakeField("licence_no", FieldType::kText, true);
  licence_no.source = MaterialSource::kLicence;
  const ServiceItem item = ItemWith({name, licence_no, MakeField("note", FieldType::kText)});

  // Required but sourced: missing is fine, because the platform fills them.
  EXPECT_TRUE(Validate(item, {{"note", "x"}}).errors.empty());

  const Outcome out = Validate(item, {{"name", "张三"}, {"licence_no", "L-1"}, {"note", "x"}}, false);
  ASSERT_EQ(out.errors.size(), 2u);
  for (const FieldError& e : out.errors) EXPECT_EQ(e.message_key, "error.field.not_asked") << e.field;
}

TEST(FieldsTest, RequiredOnlyWhenComplete) {
  const ServiceItem item = ItemWith({MakeField("name", FieldType::kText, true),
                                     MakeField("phone", FieldType::kPhone, true),
                                     MakeField("note", FieldType::kText)});
  // A draft may be incomplete.
  EXPECT_TRUE(Validate(item, {{"name", "张三"}}, false).errors.empty());
  EXPECT_TRUE(Validate(item, {{"name", ""}}, false).errors.empty());
  // A submission may not: missing and blank both count.
  const Outcome out = Validate(item, {{"name", "  "}}, true);
  ASSERT_EQ(out.errors.size(), 2u);
  std::set<std::string> fields;
  for (const FieldError& e : out.errors) {
    EXPECT_EQ(e.message_key, "error.field.required");
    fields.insert(e.field);
  }
  EXPECT_EQ(fields, (std::set<std::string>{"name", "phone"}));
  // Optional fields may be absent.
  EXPECT_TRUE(Validate(item, {{"name", "张三"}, {"phone", "13800138000"}}, true).errors.empty());
}

TEST(FieldsTest, TypeErrorsAreReportedInDrafts) {
  const ServiceItem item = ItemWith({MakeField("phone", FieldType::kPhone)});
  const Outcome out = Validate(item, {{"phone", "123"}}, false);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].message_key, "error.field.phone");
}

TEST(FieldsTest, UnknownFieldsAreReported) {
  const ServiceItem item = ItemWith({MakeField("name", FieldType::kText)});
  const Outcome out = Validate(item, {{"name", "张三"}, {"nmae", "typo"}}, false);
  ASSERT_EQ(out.errors.size(), 1u);
  EXPECT_EQ(out.errors[0].field, "nmae");
  EXPECT_EQ(out.errors[0].message_key, "error.field.unknown");
}

TEST(FieldsTest, ReportsEveryWrongFieldAtOnce) {
  Field count = MakeField("count", FieldType::kNumber, true);
  count.max = 10;
  const ServiceItem item = ItemWith({count, MakeField("email", FieldType::kEmail, true),
                                     MakeField("start", FieldType::kDate, true),
                                     MakeField("ok", FieldType::kBoolean, true)});
  const Outcome out = Validate(item, {{"count", "11"}, {"email", "nope"}, {"ok", "yes"}}, true);
  std::map<std::string, std::string> keys;
  for (const FieldError& e : out.errors) keys[e.field] = e.message_key;
  EXPECT_EQ(keys, (std::map<std::string, std::string>{
                      {"count", "error.field.max"}, {"email", "error.field.email"}, {"start", "error.field.required"}}));
  EXPECT_EQ(out.values.at("ok"), "true");
}

}  // namespace
}  // namespace tongban::domain
