#include "app/key_encryption_key.h"

#include <fmt/format.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/jose.h"
#include "crypto/key_store.h"
#include "crypto/system.h"

namespace tongban::app {
namespace {

Error Refuse(std::string message) { return MakeError(ErrorCode::kInvalidArgument, std::move(message)); }

// Writes a new KEK to `path` whole: into a private temporary file first, then linked into place,
// which fails when another server got there first (and its KEK is the one to use).
Status CreateKek(const std::string& path) {
  const std::string temp = fmt::format("{}.tmp-{}", path, crypto::Base64UrlEncode(crypto::RandomBytes(9)));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Refuse(fmt::format("keys.dir: cannot create {}: {}", temp, std::strerror(errno)));
  std::string kek = crypto::RandomBytes(crypto::kKeyEncryptionKeyBytes);
  std::string line = crypto::Base64UrlEncode(kek) + "\n";
  crypto::WipeSecret(kek);
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  crypto::WipeSecret(line);
  ::close(fd);
  if (!written) {
    ::unlink(temp.c_str());
    return Refuse(fmt::format("keys.dir: cannot write {}", temp));
  }
  const int linked = ::link(temp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0 && link_errno != EEXIST) {
    return Refuse(fmt::format("keys.dir: cannot create {}: {}", path, std::strerror(link_errno)));
  }
  return Ok();
}

}  // namespace

Result<std::string> LoadKeyEncryptionKey(const std::string& keys_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(keys_dir, ec)) {
    fs::create_directories(keys_dir, ec);
    if (ec) return Refuse(fmt::format("keys.dir: cannot create {}: {}", keys_dir, ec.message()));
    fs::permissions(keys_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  const std::string path = (fs::path(keys_dir) / "kek").string();
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Refuse(fmt::format("keys.dir: cannot read {}: {}", path, std::strerror(errno)));
    TB_RETURN_IF_ERROR(CreateKek(path));
    if (::stat(path.c_str(), &st) != 0) return Refuse(fmt::format("keys.dir: cannot read {}", path));
  }
  if (!S_ISREG(st.st_mode)) return Refuse(fmt::format("keys.dir: {} is not a file", path));
  if ((st.st_mode & 077) != 0) {
    return Refuse(fmt::format(
        "keys.dir: {} has permissions {:03o}; the key-encryption key must be readable by its owner only "
        "(chmod 600 {})",
        path, st.st_mode & 0777, path));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return Refuse(fmt::format("keys.dir: cannot read {}", path));
  std::string line = text.str();
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  std::optional<std::string> kek = crypto::Base64UrlDecode(line);
  crypto::WipeSecret(line);
  if (!kek || kek->size() != crypto::kKeyEncryptionKeyBytes) {
    if (kek) crypto::WipeSecret(*kek);
    return Refuse(fmt::format("keys.dir: {} does not hold a key-encryption key (32 bytes, base64url)", path));
  }
  return std::move(*kek);
}

}  // namespace tongban::app
