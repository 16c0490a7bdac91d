#include "domain/data_request.h"

#include <algorithm>
#include <set>

namespace tongban::domain {

bool IsDataPurpose(std::string_view purpose) {
  if (purpose.empty() || purpose.size() > kMaxDataPurpose) return false;
  if (purpose.front() < 'a' || purpose.front() > 'z') return false;
  return std::all_of(purpose.begin(), purpose.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string PeerDataConsentPurpose(std::string_view peer, std::string_view dataset, std::string_view purpose) {
  std::string out;
  out.reserve(peer.size() + dataset.size() + purpose.size() + 2);
  out.append(peer).append(":").append(dataset).append(":").append(purpose);
  return out;
}

std::optional<PeerDataPurpose> ParsePeerDataConsentPurpose(std::string_view text) {
  const size_t first = text.find(':');
  if (first == std::string_view::npos) return std::nullopt;
  const size_t second = text.find(':', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  PeerDataPurpose out{std::string(text.substr(0, first)), std::string(text.substr(first + 1, second - first - 1)),
                      std::string(text.substr(second + 1))};
  // A platform code is letters and digits; the dataset and purpose codes never hold a ':'.
  const bool peer_ok = !out.peer.empty() && out.peer.size() <= 16 &&
                       std::all_of(out.peer.begin(), out.peer.end(),
                                   [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
  if (!peer_ok || !IsDataPurpose(out.dataset) || !IsDataPurpose(out.purpose)) return std::nullopt;
  return out;
}

bool AllowsPeerPurpose(const Dataset& dataset, std::string_view purpose) {
  return std::find(dataset.federation_purposes.begin(), dataset.federation_purposes.end(), purpose) !=
         dataset.federation_purposes.end();
}

std::string PeerDataRefusal(const Dataset* dataset, const std::vector<std::string>& fields, std::string_view purpose) {
  if (dataset == nullptr || dataset->subject != SubjectKind::kPerson || dataset->source != DatasetSource::kTable) {
    return "error.data_request.unknown_dataset";
  }
  std::set<std::string> seen;
  if (fields.empty() || fields.size() > kMaxDataRequestFields) return "error.data_request.unknown_field";
  for (const std::string& f : fields) {
    if (dataset->FindField(f) == nullptr || !seen.insert(f).second) return "error.data_request.unknown_field";
  }
  if (!AllowsPeerPurpose(*dataset, purpose)) return "error.data_request.purpose_not_allowed";
  return "";
}

Error DataRefusalError(const std::string& key) {
  if (key == "error.data_request.unknown_dataset" || key == "error.data_request.unknown_field" ||
      key == kNoRecordRefusal) {
    return MakeError(ErrorCode::kNotFound, key);
  }
  if (key == "error.data_request.purpose_not_allowed") return MakeError(ErrorCode::kPermissionDenied, key);
  // A key this platform does not know (a newer peer's): refused all the same, under a key it knows.
  return MakeError(ErrorCode::kPermissionDenied, "error.data_request.refused");
}

}  // namespace tongban::domain
