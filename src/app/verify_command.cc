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
#include "services/federation.h"
#include "services/mutual_recognition.h"
#include "services/verification.h"
#include "storage/sql_store.h"

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

// The peers of a file of `tongban federation export-lists`; an error names what is wrong.
Result<std::vector<domain::Peer>> PeersFromFile(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kPeerListsHeader) {
    return MakeError(ErrorCode::kInvalidArgument, "not a file of tongban federation export-lists");
  }
  std::vector<domain::Peer> peers;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const size_t space = line.find(' ');
    if (space == std::string::npos) return MakeError(ErrorCode::kInvalidArgument, "a line is not 'code list'");
    domain::Peer peer;
    peer.code = line.substr(0, space);
    peer.list_jws = line.substr(space + 1);
    peers.push_back(std::move(peer));
  }
  return peers;
}

// The peers' cached lists in the database at `url` (read only; no network).
Result<std::vector<domain::Peer>> PeersFromDatabase(const std::string& url) {
  TB_ASSIGN_OR_RETURN(std::unique_ptr<ports::Store> store, storage::OpenStore(url));
  services::Context ctx;
  ctx.store = store.get();
  std::vector<domain::Peer> all;
  std::string after;
  while (true) {
    TB_ASSIGN_OR_RETURN(std::vector<domain::Peer> page, services::ListPeers(ctx, after, ports::kMaxPeerPage));
    for (domain::Peer& p : page) all.push_back(std::move(p));
    if (page.size() < static_cast<size_t>(ports::kMaxPeerPage)) break;
    after = all.back().code;
  }
  return all;
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
  // The peers' lists (issue 14): each must still be valid and name its peer's code.
  std::vector<services::PeerTrust> peers;
  if (!command.peer_lists_file.empty() || !command.db.empty()) {
    std::vector<domain::Peer> cached;
    if (!command.peer_lists_file.empty()) {
      const auto file = ReadFile(command.peer_lists_file);
      if (!file) return Usage("cannot read " + command.peer_lists_file);
      auto read = PeersFromFile(*file);
      if (!read.ok()) return Usage(command.peer_lists_file + ": " + read.error().message);
      cached = std::move(read).value();
    }
    if (!command.db.empty()) {
      auto read = PeersFromDatabase(command.db);
      if (!read.ok()) return Usage("cannot read the peers of " + command.db + ": " + read.error().message);
      for (domain::Peer& p : *read) cached.push_back(std::move(p));
    }
    for (const domain::Peer& peer : cached) {
      auto parsed = services::ParsePeerTrust(codec, peer, now);
      if (!parsed.ok()) {
        std::cerr << "tongban verify: peer " << peer.code << "'s list is not used: " << parsed.error().message
                  << ": " << text(parsed.error().message, "") << "\n";
        continue;
      }
      peers.push_back(std::move(parsed).value());
    }
  }
  const services::Verification v = services::VerifyOfflineWithPeers(codec, *trust, peers, status_lists, token,
                                                                    {command.audience, command.nonce}, now);
  std::cout << "status: " << v.status << "\n";
  if (!v.peer_code.empty()) {
    std::cout << "platform: " << v.peer_code << " (" << v.peer_name_zh << " / " << v.peer_name_en << ")\n";
  }
  for (const auto& r : v.reasons) std::cout << "  " << r.code << ": " << text(r.code, r.detail) << "\n";
  if (v.valid) std::cout << "claims: " << v.claims_json << "\n";
  return v.valid ? 0 : 1;
}

}  // namespace tongban::app
