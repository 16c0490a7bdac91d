// Cross-platform data requests (跨省数据共享, issue 14 item 5): the rules both sides apply, as pure
// functions. The asking platform names the person's consent for a peer's dataset by a purpose of its
// own ("zj:population:social_assistance": the peer, its dataset, the declared purpose), given the
// way every consent is given (POST /api/v1/me/consents). The answering platform lets a dataset be
// read by other platforms only for the purposes its catalogue lists (`federation_purposes` in
// catalogue/datasets/*.yaml), only its own fields, only the records it holds.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/dataset.h"

namespace tongban::domain {

inline constexpr size_t kMaxDataPurpose = 64;
// The most fields one request names, and the most records one answer carries.
inline constexpr size_t kMaxDataRequestFields = 50;
inline constexpr int kMaxDataRequestRecords = 20;

// A declared purpose (or a dataset or field code): 1-64 characters, a lower-case letter first, then
// lower-case letters, digits, '_' or '-'.
bool IsDataPurpose(std::string_view purpose);

// The purpose of the consent that lets this platform ask the peer `peer` for `dataset` for
// `purpose`: "<peer>:<dataset>:<purpose>".
std::string PeerDataConsentPurpose(std::string_view peer, std::string_view dataset, std::string_view purpose);
struct PeerDataPurpose {
  std::string peer;
  std::string dataset;
  std::string purpose;
  bool operator==(const PeerDataPurpose&) const = default;
};
// The parts of such a consent purpose; nullopt for anything else (an item code, a malformed one).
std::optional<PeerDataPurpose> ParsePeerDataConsentPurpose(std::string_view text);

// Whether `dataset` may be read by other platforms for `purpose` (its federation_purposes).
bool AllowsPeerPurpose(const Dataset& dataset, std::string_view purpose);

// The answering platform's check of a request, before any record is read (dataset: the catalogue's,
// null when it has none of that code). The i18n key of the refusal, or "" when it may be read:
//   error.data_request.unknown_dataset      no such dataset, or not a person dataset of the table
//   error.data_request.unknown_field        a field that is not the dataset's (or none, or repeated)
//   error.data_request.purpose_not_allowed  the dataset is not shared with other platforms for it
std::string PeerDataRefusal(const Dataset* dataset, const std::vector<std::string>& fields, std::string_view purpose);
// The refusal when the dataset holds no record on the person.
inline constexpr const char* kNoRecordRefusal = "error.data_request.no_record";

// The error the asking platform answers for a refusal key: kNotFound for unknown dataset or field
// and no record, kPermissionDenied for a purpose not allowed (and any other key).
Error DataRefusalError(const std::string& key);

}  // namespace tongban::domain
