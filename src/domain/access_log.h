// The access log's entry and its leaf: what one read of a person's data records, and the exact
// bytes hashed into the RFC 9162 tree (version 1: canonical JSON, keys sorted, no spaces, UTF-8).
//
// The leaf never holds the person's id number in clear. It holds a commitment
// SHA-256(SubjectCommitmentInput(salt, subject_id)) with a random salt per entry: the tiles and
// proofs are public, the leaf and its salt are given only to the person, who recomputes the
// commitment from their own id number.
// Thread-safety: plain value types and pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace tongban::domain {

// The leaf format this code writes; readers dispatch on the leaf's "v".
inline constexpr int kAccessLogLeafVersion = 1;

struct AccessLogEntry {
  // Who read.
  std::string accessor_user_id;
  std::string accessor_role;        // a role name (reviewer, clerk, ...)
  std::string accessor_department;  // empty when none
  // Whose data: the person's resident id number (kept out of the leaf, see above).
  std::string subject_id;
  // What and why.
  std::string dataset;              // a dataset code, or "application" for a case's own data
  std::vector<std::string> fields;  // the fields read
  std::string purpose;              // e.g. an item code or "case_review"
  std::string legal_basis;          // a legal basis, or "consent:<id>"
  std::string application_id;       // the case the read served; empty when none
  // "" for a read that happened; "refused" for a read outside the item's declaration that was
  // refused (services/data_access.h): recorded all the same, so the person sees the attempt.
  std::string outcome;
  // A read across platforms (issue 14 item 5, services/data_requests.h): the code of the other
  // platform, the peer that answered (on the asking platform) or the peer that asked (on the one
  // answering); "" for a read on this platform alone.
  std::string platform;
  Timestamp time{};
};

// "tongban-access-log-subject-v1:" + salt + ":" + subject_id: the text whose SHA-256 (lower-case
// hex) is the leaf's "subject".
std::string SubjectCommitmentInput(std::string_view salt, std::string_view subject_id);

// The leaf bytes (version 1):
// {"accessor":{"department":..,"role":..,"user":..},"application":..,"dataset":..,"fields":[..],
//  "legal_basis":..,"outcome":"refused","purpose":..,"subject":<commitment>,"time":<RFC 3339>,"v":1}
// "application" is left out when empty; "outcome" (between "legal_basis" and "purpose") is left
// out for a plain read and is "refused" for a refused one; "platform" (between "outcome" and
// "purpose") only for a read across platforms. Fields keep the caller's order.
std::string EncodeAccessLogLeaf(const AccessLogEntry& entry, std::string_view subject_commitment);

// A JSON string literal of `text` (quotes included), escaping as RFC 8785 does (", \, control
// characters; everything else as UTF-8).
std::string JsonStringLiteral(std::string_view text);

}  // namespace tongban::domain
