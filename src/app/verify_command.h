// `tongban verify TOKEN --trust-list FILE [--status-list FILE]...`: offline verification of a
// credential, QR token or presentation, with no network and no database: the trust list and the
// status list credentials are files the relying party downloaded (GET /api/v1/trust-list and
// GET /api/v1/status-lists/{id}). Prints the status and the reasons.
// Thread-safety: run once from main.
#pragma once

#include <string>
#include <vector>

namespace tongban::app {

struct VerifyCommand {
  std::string token;  // the token, or "-" to read it from standard input
  std::string trust_list_file;
  std::vector<std::string> status_list_files;
  std::string audience, nonce;
  std::string lang = "en";
  std::string web_dir = "web";  // for the texts of the reasons (web/i18n)
};

// Exit code: 0 valid, 1 not valid, 2 bad usage (a missing or unreadable file, no token).
int RunVerifyCommand(const VerifyCommand& command);

}  // namespace tongban::app
