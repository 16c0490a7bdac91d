#include "http/i18n.h"

#include <gtest/gtest.h>

#include <string>

namespace tongban::http {
namespace {

using domain::Language;

Request WithAcceptLanguage(std::string value) {
  Request req;
  req.headers.emplace_back("accept-language", std::move(value));
  return req;
}

// Issue 8, finding 15: a browser whose language is en-US gets English only if it prefers English
// over Chinese; q-values and order both count (RFC 9110, section 12.5.4).
TEST(RequestLanguageTest, Finding15EnglishOnlyWhenPreferredOverChinese) {
  struct Case {
    const char* header;
    Language expected;
  };
  const Case cases[] = {
      {"", Language::kZh},
      {"zh-CN", Language::kZh},
      {"zh-TW", Language::kZh},
      {"zh-Hant-HK,en;q=0.5", Language::kZh},
      {"en-US", Language::kEn},
      {"en-GB,en;q=0.9", Language::kEn},
      {"EN-us", Language::kEn},
      // Listed first, but the q-values say Chinese is preferred.
      {"en-US;q=0.5,zh-CN;q=0.9", Language::kZh},
      {"en-US;q=0.5, zh;q=0.8", Language::kZh},
      // A browser set to Chinese that also lists English.
      {"zh-CN,zh;q=0.9,en-US;q=0.8,en;q=0.7", Language::kZh},
      // A browser set to English that also lists Chinese.
      {"en-US,en;q=0.9,zh-CN;q=0.8,zh;q=0.7", Language::kEn},
      // Equal q-values: the one listed first.
      {"en;q=0.8,zh;q=0.8", Language::kEn},
      {"zh;q=0.8,en;q=0.8", Language::kZh},
      // q=0 means "not acceptable".
      {"zh;q=0,en;q=0.1", Language::kEn},
      {"en;q=0", Language::kZh},
      // Other languages do not count; "zha" (Zhuang) and "eng-x" are not zh and en.
      {"fr-FR,en;q=0.3,de;q=0.9", Language::kEn},
      {"zha,en;q=0.2", Language::kEn},
      {"enx,zh;q=0.1", Language::kZh},
      {"*", Language::kZh},
      {"fr", Language::kZh},
      // Where "en" is written inside another tag or a parameter, it is no English.
      {"fr-CA;q=0.9,x-en", Language::kZh},
      // Malformed q-values are read as q=1, not as a reason to fail.
      {"en;q=abc,zh;q=0.5", Language::kEn},
      {"  en-US ; q = 0.4 ,  zh-CN ; q=0.6 ", Language::kZh},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(RequestLanguage(WithAcceptLanguage(c.header)), c.expected) << "Accept-Language: " << c.header;
  }
}

// Issue 8, finding 15: date inputs say the format the browser shows, which follows the browser's
// locale (its most preferred language), not the page's language.
TEST(BrowserDateFormatTest, Finding15DateHintNamesTheFormatTheBrowserShows) {
  struct Case {
    const char* header;
    const char* hint_key;
  };
  const Case cases[] = {
      {"en-US,en;q=0.9,zh-CN;q=0.8", "hint.date_mdy_slash"},
      {"en", "hint.date_mdy_slash"},
      {"en-GB,en;q=0.9", "hint.date_dmy_slash"},
      {"en-AU", "hint.date_dmy_slash"},
      {"zh-CN,zh;q=0.9,en;q=0.8", "hint.date_ymd_slash"},
      {"zh-TW", "hint.date_ymd_slash"},
      {"de-DE,de;q=0.9", "hint.date_dmy_dot"},
      {"fr-FR", "hint.date_dmy_slash"},
      {"nl-NL", "hint.date_dmy_dash"},
      {"en-CA", "hint.date"},
      {"sv-SE", "hint.date"},
      // The browser's own locale is its most preferred range, whatever the order.
      {"en-US;q=0.5,en-GB;q=0.9", "hint.date_dmy_slash"},
      // Unknown or absent locale: year-month-day as sent.
      {"", "hint.date"},
      {"*", "hint.date"},
      {"xx-YY", "hint.date"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(DateHintKey(BrowserDateFormat(c.header)), c.hint_key) << "Accept-Language: " << c.header;
  }
}

TEST(RequestLanguageTest, ChoiceWinsOverAcceptLanguage) {
  Request req = WithAcceptLanguage("en-US");
  req.query.emplace("lang", "zh");
  EXPECT_EQ(RequestLanguage(req), Language::kZh);
  Request cookie = WithAcceptLanguage("zh-CN");
  cookie.headers.emplace_back("cookie", "lang=en");
  EXPECT_EQ(RequestLanguage(cookie), Language::kEn);
}

// --languages / languages: decide what the site offers: a choice or Accept-Language naming a
// language not offered is passed over, and the first offered is the default.
TEST(RequestLanguageTest, LanguagesOfferedDecideAmongThem) {
  const std::vector<Language> en_only = {Language::kEn};
  const std::vector<Language> en_first = {Language::kEn, Language::kZh};
  const std::vector<Language> zh_only = {Language::kZh};
  EXPECT_EQ(RequestLanguage(WithAcceptLanguage(""), en_only), Language::kEn);
  EXPECT_EQ(RequestLanguage(WithAcceptLanguage("zh-CN"), en_only), Language::kEn);
  EXPECT_EQ(RequestLanguage(WithAcceptLanguage(""), en_first), Language::kEn);  // the default is the first
  EXPECT_EQ(RequestLanguage(WithAcceptLanguage("fr-FR"), en_first), Language::kEn);
  EXPECT_EQ(RequestLanguage(WithAcceptLanguage("zh-CN,en;q=0.9"), en_first), Language::kZh);
  EXPECT_EQ(RequestLanguage(WithAcceptLanguage("en-US"), zh_only), Language::kZh);
  // Among the offered only: English at q=0.9 is not offered, so Chinese at q=0.5 wins over nothing.
  EXPECT_EQ(PreferredLanguage("en-US,zh;q=0.5", zh_only), Language::kZh);
  EXPECT_EQ(PreferredLanguage("en-US", zh_only), std::nullopt);
  Request chose_zh = WithAcceptLanguage("en-US");
  chose_zh.query.emplace("lang", "zh");
  EXPECT_EQ(RequestLanguage(chose_zh, en_only), Language::kEn);
  Request cookie_zh = WithAcceptLanguage("");
  cookie_zh.headers.emplace_back("cookie", "lang=zh");
  EXPECT_EQ(RequestLanguage(cookie_zh, en_only), Language::kEn);
  EXPECT_EQ(RequestLanguage(cookie_zh, en_first), Language::kZh);
}

TEST(TranslatorTest, OfferRefusesAnEmptyListOrARepeat) {
  Translator t;
  EXPECT_EQ(t.Offered(), AllLanguages());
  EXPECT_FALSE(t.Offer({}).ok());
  EXPECT_FALSE(t.Offer({Language::kEn, Language::kEn}).ok());
  EXPECT_EQ(t.Offered(), AllLanguages());  // a refused list changes nothing
  ASSERT_TRUE(t.Offer({Language::kEn}).ok());
  EXPECT_EQ(t.Offered(), std::vector<Language>{Language::kEn});
}

}  // namespace
}  // namespace tongban::http
