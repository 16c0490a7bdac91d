// `tongban audit verify --url URL [--interval S] [--count N] [--state FILE]`: an outside auditor
// of the access log. It fetches the signed tree head N times, S seconds apart; checks each head's
// EdDSA JWS against the server's /.well-known/jwks.json and that its payload is the head; and
// checks each head against the last one it saw (from the state file first, when given) with a
// consistency proof (RFC 9162 2.1.4.2): a tree never shrinks and never forks. It prints one line
// per head and saves the last verified head to the state file.
// Thread-safety: a command-line tool; blocks its own thread only (never a server thread).
#pragma once

#include <iosfwd>
#include <string>

namespace tongban::app {

struct AuditOptions {
  std::string url;          // the server's base URL, http(s)://host:port
  int interval_seconds = 1;
  int count = 1;
  std::string state_file;   // "" : none
};

// 0 when every head verified; 1 on any failure (a bad signature, a payload that is not the
// head, a shrinking tree, a failed consistency proof, an unreachable server), naming it on `err`.
int AuditVerify(const AuditOptions& options, std::ostream& out, std::ostream& err);

}  // namespace tongban::app
