// The peers of the federation (issue 14, V029): one row per trusted platform with its cached
// trust list. A removed peer's row is deleted at once, so nothing of it is trusted any more.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/federation.h"

namespace tongban::ports {

// At most this many peers per page of ListPeers and ListPeersDue.
inline constexpr int kMaxPeerPage = 100;

class FederationRepository {
 public:
  virtual ~FederationRepository() = default;
  // kConflict (error.federation.peer_exists) when a peer with that code exists.
  virtual Status InsertPeer(const domain::Peer& peer) = 0;
  // kNotFound (error.federation.unknown_peer) when there is none.
  virtual Result<domain::Peer> GetPeer(const std::string& code) = 0;
  // Peers in code order after `after_code` ("" from the first); `limit` clamped to 1..kMaxPeerPage.
  virtual Result<std::vector<domain::Peer>> ListPeers(const std::string& after_code, int limit) = 0;
  // Peers whose refresh_at is at or before `now`, soonest first (through peers_refresh_at).
  virtual Result<std::vector<domain::Peer>> ListPeersDue(Timestamp now, int limit) = 0;
  // Stores a refreshed peer: key, list, validity, refresh time and error columns as given.
  // kNotFound (error.federation.unknown_peer) when it was removed meanwhile.
  virtual Status UpdatePeer(const domain::Peer& peer) = 0;
  // Deletes the peer and the items it published; true when there was one.
  virtual Result<bool> DeletePeer(const std::string& code) = 0;

  // Messages (services/federation_messages.h): takes the id of a message from `peer`; false when
  // it was taken before (a retry or a replay).
  virtual Result<bool> TakeMessageId(const std::string& id, const std::string& peer, const std::string& kind,
                                     Timestamp at) = 0;

  // Cross-province cases (services/cross_province.h). kConflict when the application has one.
  virtual Status InsertFederatedCase(const domain::FederatedCase& c) = 0;
  // kNotFound (error.federation.unknown_case) when the application is not a cross-province case.
  virtual Result<domain::FederatedCase> GetFederatedCase(const std::string& application_id) = 0;
  // Stores forwarded_at, peer_application, peer_reference and peer_seq. kNotFound as above.
  virtual Status UpdateFederatedCase(const domain::FederatedCase& c) = 0;
  // The handler's case for the origin's case `peer_application` from `peer`; kNotFound as above.
  virtual Result<domain::FederatedCase> FindHandledCase(const std::string& peer,
                                                        const std::string& peer_application) = 0;

  // The items a peer handles for people of other provinces (documents as it published them):
  // replaces what was stored for it; lists them in code order after `after_code`.
  virtual Status ReplacePeerItems(const std::string& peer, const std::vector<std::pair<std::string, std::string>>& items,
                                  Timestamp at) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListPeerItems(const std::string& peer,
                                                                                 const std::string& after_code,
                                                                                 int limit) = 0;
  // One item's document; kNotFound (error.federation.unknown_item).
  virtual Result<std::string> GetPeerItem(const std::string& peer, const std::string& code) = 0;
};

}  // namespace tongban::ports
