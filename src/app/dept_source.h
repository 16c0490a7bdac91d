// `tongban dept-source` (issue 9 item 8): a stand-in for a department's own system that serves one
// external dataset to the platform, for the tests and the demo. It answers
//   POST {path} {"subject_id", "fields": [...], "purpose", "legal_basis"}
// only when the Tongban-Signature header verifies against the platform's JWKS (fetched from
// --jwks-url when it meets a kid it does not know) for this method, path and body, within the time
// window and with an id it has not seen (crypto::RequestVerifier); then 200 with the subject's
// newest record, flat ({"subject_id", "record_id", "as_of", and the fields asked that the record
// holds}), or 404 when it holds none. Records come from a JSON Lines file
// ({"subject_id", "record_id", "as_of", "fields": {...}} per line) or from a database's records
// table (the platform's own schema, e.g. the demo database). It logs each answer without
// personal data (dataset, purpose, kid, status).
// Thread-safety: RunDeptSource blocks until SIGTERM or SIGINT.
#pragma once

#include <string>

namespace tongban::app {

struct DeptSourceOptions {
  std::string listen = "127.0.0.1:8091";
  std::string dataset;      // the dataset served, e.g. medical_insurance
  std::string path;         // default: /records/<dataset>
  std::string records_file; // JSON Lines; or
  std::string db;           // a database URL whose records table holds the dataset
  std::string jwks_url;     // the platform's /.well-known/jwks.json
  int window_seconds = 60;  // a signature's time may differ from ours by this much
};

// Returns the process exit code (2 for bad options or an unreadable records file).
int RunDeptSource(const DeptSourceOptions& options);

}  // namespace tongban::app
