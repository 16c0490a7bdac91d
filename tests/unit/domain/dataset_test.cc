// A record's values checked against its dataset's fields (domain/dataset.h), as `data load` does.
#include "domain/dataset.h"

#include <gtest/gtest.h>

#include "domain/catalogue.h"
#include "domain/record_values.h"

namespace tongban::domain {
namespace {

DatasetField Field(FieldType type, bool required = false) {
  DatasetField f;
  f.name = "f";
  f.type = type;
  f.required = required;
  return f;
}

TEST(DatasetTest, ValuesAreCheckedByTypeAndCanonicalised) {
  const Date today{2026, 9, 28};
  struct Case {
    FieldType type;
    const char* value;
    bool ok;
    const char* canonical;
  };
  const Case cases[] = {
      {FieldType::kText, "张三", true, "张三"},           {FieldType::kText, "a\nb", false, ""},
      {FieldType::kNumber, "12.5", true, "12.5"},        {FieldType::kNumber, "12a", false, ""},
      {FieldType::kDate, "2026-02-28", true, "2026-02-28"}, {FieldType::kDate, "2026-02-30", false, ""},
      {FieldType::kBoolean, "true", true, "true"},       {FieldType::kBoolean, "yes", false, ""},
      {FieldType::kIdNumber, "11010519491231002x", true, "11010519491231002X"},
      {FieldType::kIdNumber, "110101199003070936", false, ""},
      {FieldType::kCreditCode, "91310115MA1K4HRJ0X", false, ""},
      {FieldType::kEmail, "a@b.cn", true, "a@b.cn"},     {FieldType::kEmail, "ab.cn", false, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(FieldTypeName(c.type)) + " " + c.value);
    Result<std::string> got = CheckDatasetValue(Field(c.type), c.value, today);
    EXPECT_EQ(got.ok(), c.ok);
    if (c.ok && got.ok()) EXPECT_EQ(*got, c.canonical);
    if (!c.ok && !got.ok()) EXPECT_EQ(got.error().message.rfind("field 'f': ", 0), 0u) << got.error().message;
  }
  EXPECT_FALSE(CheckDatasetValue(Field(FieldType::kText, true), "", today).ok());
  EXPECT_EQ(*CheckDatasetValue(Field(FieldType::kText, false), "", today), "");
}

TEST(DatasetTest, SubjectIdsAreResidentIdsOrCreditCodes) {
  const Date today{2026, 9, 28};
  EXPECT_EQ(*CheckSubjectId(SubjectKind::kPerson, "11010519491231002x", today), "11010519491231002X");
  EXPECT_FALSE(CheckSubjectId(SubjectKind::kPerson, "", today).ok());
  EXPECT_FALSE(CheckSubjectId(SubjectKind::kEnterprise, "11010519491231002X", today).ok());
  EXPECT_FALSE(CheckSubjectId(SubjectKind::kPerson, "110101199003070936", today).ok());
}

// Services read a record's values without a JSON library (services/data_access.cc).
TEST(DatasetTest, RecordValuesAreAnObjectOfStrings) {
  auto values = ParseRecordValues(R"( {"name":"张伟", "note":"a\"b\\c\u00e9\ud83d\ude00", "empty":""} )");
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(values->at("name"), "张伟");
  EXPECT_EQ(values->at("note"), "a\"b\\c\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(values->at("empty"), "");
  EXPECT_TRUE(ParseRecordValues("{}")->empty());
  for (const char* bad : {"", "[]", "{\"a\":1}", "{\"a\":\"b\"", "{\"a\":\"b\"} x", "{\"a\" \"b\"}", "{\"a\":\"\\ud800\"}"}) {
    auto r = ParseRecordValues(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().message, "error.dataset.record_values");
  }
}

}  // namespace
}  // namespace tongban::domain
