#include "app/verify_command.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "app/wiring.h"
#include "crypto/system.h"
#include "crypto/token_codec.h"
#include "http/i18n.h"
#include "services/verification.h"

namespace tongban::app {
namespace {

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

int Usage(const std::string& what) {
  std::cerr << "tongban verify: " << what << "\n";
  return 2;
}

}  // namespace

int RunVerifyCommand(const VerifyCommand& command) {
  if (!crypto::InitCrypto()) return Usage("libsodium could not be initialised");
  std::string token = command.token;
  if (token == "-") token.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  if (token.empty()) return Usage("no token (give it, or - to read standard input)");
  if (command.trust_list_file.empty()) return Usage("--trust-list FILE is required (GET /api/v1/trust-list)");
  const auto trust_text = ReadFile(command.trust_list_file);
  if (!trust_text) return Usage("cannot read " + command.trust_list_file);
  std::vector<std::string> status_lists;
  for (const std::string& file : command.status_list_files) {
    auto text = ReadFile(file);
    if (!text) return Usage("cannot read " + file);
    status_lists.push_back(std::move(*text));
  }
  const auto lang = http::ParseLanguageCode(command.lang).value_or(domain::Language::kEn);
  auto translator = http::Translator::Load(ResolveDataPath(command.web_dir) + "/i18n");
  const auto text = [&](const std::string& key, const std::string& detail) {
    return translator.ok() ? translator->T(lang, key, detail) : key;
  };

  crypto::SystemClock clock;
  crypto::JoseTokenCodec codec;
  const Timestamp now = clock.Now();
  auto trust = codec.ParseTrustList(*trust_text, now);
  if (!trust.ok()) {
    std::cout << "status: unknown_issuer\n  " << trust.error().message << ": " << text(trust.error().message, "") << "\n";
    return 1;
  }
  const services::Verification v = services::VerifyOffline(codec, *trust, status_lists, token,
                                                           {command.audience, command.nonce}, now);
  std::cout << "status: " << v.status << "\n";
  for (const auto& r : v.reasons) std::cout << "  " << r.code << ": " << text(r.code, r.detail) << "\n";
  if (v.valid) std::cout << "claims: " << v.claims_json << "\n";
  return v.valid ? 0 : 1;
}

}  // namespace tongban::app
