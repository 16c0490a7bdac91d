// `tongban federation add-peer | remove-peer | list-peers | export-lists` (issue 14 items 2-3) and the text of the
// refresh job's report (`tongban jobs run federation`).
// Thread-safety: run from main only.
#pragma once

#include <ostream>
#include <string>

#include "app/wiring.h"
#include "services/federation.h"

namespace tongban::app {

struct FederationCommand {
  std::string action;  // add-peer, remove-peer, list-peers, export-lists
  std::string code;
  std::string url;
  std::string fingerprint;
  std::string out_file;  // export-lists: the file for `tongban verify --peer-lists`
};

// Runs the command against the system's database; 0 on success, 1 when refused (the reason on
// `err`), 2 for an error of the platform itself.
int RunFederationCommand(System& system, const FederationCommand& command, std::ostream& out, std::ostream& err);
// The refresh job once now (`jobs run federation`): every peer when `all`, else those due.
int RunFederationJobCommand(System& system, bool all, std::ostream& out, std::ostream& err);

}  // namespace tongban::app
