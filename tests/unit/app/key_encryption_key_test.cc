// keys.dir's key-encryption key: created 0600 on first use, the same on every later start, and
// refused when its permissions are wider or its contents are not a KEK.
#include "app/key_encryption_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "crypto/system.h"

namespace tongban::app {
namespace {

namespace fs = std::filesystem;

class KeyEncryptionKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::InitCrypto());
    dir_ = fs::temp_directory_path() / ("tongban-kek-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  unsigned Mode(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 0777;
  }
  fs::path dir_;
};

TEST_F(KeyEncryptionKeyTest, CreatedOwnerOnlyOnFirstUseAndTheSameAfterwards) {
  const auto first = LoadKeyEncryptionKey((dir_ / "keys").string());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->size(), 32u);
  EXPECT_EQ(Mode(dir_ / "keys" / "kek"), 0600u);
  EXPECT_EQ(Mode(dir_ / "keys"), 0700u);
  EXPECT_EQ(LoadKeyEncryptionKey((dir_ / "keys").string()).value(), *first);
  // Nothing else is left in the folder (no temporary file).
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "keys"), fs::directory_iterator()), 1);
}

TEST_F(KeyEncryptionKeyTest, WiderPermissionsAreRefusedWithTheFix) {
  ASSERT_TRUE(LoadKeyEncryptionKey(dir_.string()).ok());
  for (const fs::perms extra : {fs::perms::group_read, fs::perms::others_read, fs::perms::group_write}) {
    fs::permissions(dir_ / "kek", fs::perms::owner_read | fs::perms::owner_write | extra, fs::perm_options::replace);
    const auto refused = LoadKeyEncryptionKey(dir_.string());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(refused.error().message.find("chmod 600"), std::string::npos) << refused.error().message;
  }
  fs::permissions(dir_ / "kek", fs::perms::owner_read, fs::perm_options::replace);
  EXPECT_TRUE(LoadKeyEncryptionKey(dir_.string()).ok());
}

TEST_F(KeyEncryptionKeyTest, AFileThatIsNoKekIsRefused) {
  fs::create_directories(dir_);
  for (const std::string& contents : {std::string("short\n"), std::string(43, '=') + "\n",
                                     crypto::Base64UrlEncode(std::string(31, 'k')) + "\n"}) {
    {
      std::ofstream out(dir_ / "kek", std::ios::trunc);
      out << contents;
    }
    fs::permissions(dir_ / "kek", fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    const auto refused = LoadKeyEncryptionKey(dir_.string());
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("does not hold a key-encryption key"), std::string::npos);
    // The message never repeats the file's contents.
    EXPECT_EQ(refused.error().message.find(contents.substr(0, 5)), std::string::npos);
  }
}

}  // namespace
}  // namespace tongban::app
