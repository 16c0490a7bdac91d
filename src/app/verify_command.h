// `tongban verify TOKEN --trust-list FILE [--status-list FILE]...`: offline verification of a
// credential, QR token or presentation, with no network and no database: the trust list and the
// status list credentials are files the relying party downloaded (GET /api/v1/trust-list and
// GET /api/v1/status-lists/{id}). Prints the status and the reasons.
// A peer platform's licence (issue 14 item 3) verifies against the peers' lists this platform
// cached: from a file of `tongban federation export-lists` (--peer-lists FILE, no database) or
// read from the platform's database (--db URL); never from the network.
// Thread-safety: run once from main.
#pragma once

#include <string>
#include <vector>

namespace tongban::app {

struct VerifyCommand {
  std::string token;  // the token, or "-" to read it from standard input
  std::string trust_list_file;
  std::vector<std::string> status_list_files;
  std::string peer_lists_file;  // `tongban federation export-lists`
  std::string db;               // or the peers' cached lists from this database
  std::string audience, nonce;
  std::string lang = "en";
  std::string web_dir = "web";  // for the texts of the reasons (web/i18n)
};

// Exit code: 0 valid, 1 not valid, 2 bad usage (a missing or unreadable file, no token).
int RunVerifyCommand(const VerifyCommand& command);

// The file of `tongban federation export-lists`: a first line kPeerListsHeader, then one line per
// peer whose list serves, "<code> <trust list JWS>".
inline constexpr const char* kPeerListsHeader = "tongban-peer-lists 1";

}  // namespace tongban::app
