// Configuration defaults that matter for security (finding 11 of the security review).
#include "app/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace tongban::app {
namespace {

TEST(ConfigTest, Finding11SessionCookiesAreSecureUnlessADemoRunsOnLoopback) {
  struct Case {
    std::string host;
    bool demo;
    std::optional<bool> setting;
    bool secure;
  };
  const Case cases[] = {
      {"127.0.0.1", true, std::nullopt, false},  // make run: http://127.0.0.1:8080
      {"127.0.0.2", true, std::nullopt, false},
      {"::1", true, std::nullopt, false},
      {"localhost", true, std::nullopt, false},
      {"0.0.0.0", true, std::nullopt, true},     // a demo others reach over the network
      {"127.0.0.1", false, std::nullopt, true},  // production behind a TLS proxy on the same host
      {"10.0.0.5", false, std::nullopt, true},
      {"10.0.0.5", false, false, false},         // an explicit setting wins
      {"127.0.0.1", true, true, true},
  };
  for (const Case& c : cases) {
    Config config;
    config.server.host = c.host;
    config.secure_cookies = c.setting;
    EXPECT_EQ(ResolveSecureCookies(config, c.demo), c.secure) << c.host << " demo=" << c.demo;
  }
}

TEST(ConfigTest, Finding11TheExampleFileReadsAndKeepsCookiesSecure) {
  Config config;
  ASSERT_TRUE(LoadConfigFile(std::string(TONGBAN_SOURCE_DIR) + "/config/tongban.example.yaml", config).ok());
  ASSERT_TRUE(config.secure_cookies.has_value());
  EXPECT_TRUE(*config.secure_cookies);
  EXPECT_TRUE(config.public_url.empty());

  const auto path = std::filesystem::temp_directory_path() / "tongban-config-test.yaml";
  std::ofstream(path) << "public_url: tongban.example\n";
  const Status bad = LoadConfigFile(path.string(), config);
  std::filesystem::remove(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("public_url"), std::string::npos);
}

TEST(ConfigTest, OutboundClientSettingsAreRead) {
  const auto path = std::filesystem::temp_directory_path() / "tongban-config-outbound-test.yaml";
  Config config;
  std::ofstream(path) << "outbound:\n  threads: 2\n  ca_file: /etc/tongban/ca.pem\n";
  ASSERT_TRUE(LoadConfigFile(path.string(), config).ok());
  EXPECT_EQ(config.outbound.threads, 2);
  EXPECT_EQ(config.outbound.ca_file, "/etc/tongban/ca.pem");
  EXPECT_TRUE(config.outbound.verify_peer);
  std::ofstream(path) << "outbound:\n  verify: false\n";
  const Status bad = LoadConfigFile(path.string(), config);
  std::filesystem::remove(path);
  ASSERT_FALSE(bad.ok());  // certificate checks cannot be turned off from the configuration
  EXPECT_NE(bad.error().message.find("unknown setting 'verify'"), std::string::npos) << bad.error().message;
}

// Issue 9 item 8: an external dataset's address may be set per server; only http(s) URLs.
TEST(ConfigTest, ThePlatformNamesItselfAndABadCodeOrUrlIsRefused) {
  Config example;
  ASSERT_TRUE(LoadConfigFile(std::string(TONGBAN_SOURCE_DIR) + "/config/tongban.example.yaml", example).ok());
  EXPECT_EQ(example.platform_code, "sh");
  EXPECT_EQ(example.platform_name_en, "Shanghai");
  EXPECT_EQ(example.federation_refresh_interval_seconds, 300);

  const auto path = std::filesystem::temp_directory_path() / "tongban-config-platform-test.yaml";
  Config config;
  std::ofstream(path) << "platform:\n  code: zj\n  name:\n    zh: 浙江\n    en: Zhejiang\n"
                         "  url: https://tongban.zj.example/\nfederation:\n  refresh_interval_seconds: 60\n";
  ASSERT_TRUE(LoadConfigFile(path.string(), config).ok());
  EXPECT_EQ(config.platform_code, "zj");
  EXPECT_EQ(config.platform_name_zh, "浙江");
  EXPECT_EQ(config.platform_name_en, "Zhejiang");
  EXPECT_EQ(config.platform_url, "https://tongban.zj.example");
  EXPECT_EQ(config.federation_refresh_interval_seconds, 60);
  for (const std::string& bad : {std::string("platform:\n  code: ZJ\n"), std::string("platform:\n  url: zj.example\n"),
                                std::string("platform:\n  name:\n    zh: 浙江\n    en: ''\n"),
                                std::string("platform:\n  colour: red\n"), std::string("platform: zj\n")}) {
    std::ofstream(path) << bad;
    Config c;
    const Status s = LoadConfigFile(path.string(), c);
    EXPECT_FALSE(s.ok()) << bad;
    if (!s.ok()) {
      EXPECT_NE(s.error().message.find("platform"), std::string::npos) << s.error().message;
    }
  }
  std::filesystem::remove(path);
}

TEST(ConfigTest, DataSourceAddressesAreReadAndABadOneIsRefused) {
  const auto path = std::filesystem::temp_directory_path() / "tongban-config-sources-test.yaml";
  Config config;
  std::ofstream(path) << "data_sources:\n  medical_insurance: \"http://127.0.0.1:9000/records/mi\"\n";
  ASSERT_TRUE(LoadConfigFile(path.string(), config).ok());
  EXPECT_EQ(config.data_sources.at("medical_insurance"), "http://127.0.0.1:9000/records/mi");
  std::ofstream(path) << "data_sources:\n  medical_insurance: \"ftp://x/records\"\n";
  Config other;
  const Status bad = LoadConfigFile(path.string(), other);
  std::filesystem::remove(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("data_sources.medical_insurance must be an http"), std::string::npos)
      << bad.error().message;
}

TEST(ConfigTest, LanguagesAreReadInOrderAndARepeatIsRefused) {
  const auto path = std::filesystem::temp_directory_path() / "tongban-config-languages-test.yaml";
  Config config;
  EXPECT_EQ(config.languages, (std::vector<std::string>{"zh", "en"}));
  std::ofstream(path) << "languages: [en, zh]\n";
  ASSERT_TRUE(LoadConfigFile(path.string(), config).ok());
  EXPECT_EQ(config.languages, (std::vector<std::string>{"en", "zh"}));
  std::ofstream(path) << "languages: [en, en]\n";
  const Status twice = LoadConfigFile(path.string(), config);
  std::ofstream(path) << "languages: []\n";
  const Status none = LoadConfigFile(path.string(), config);
  std::filesystem::remove(path);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.error().message.find("twice"), std::string::npos) << twice.error().message;
  EXPECT_FALSE(none.ok());
}

}  // namespace
}  // namespace tongban::app
