// The peers of the federation (issue 14, V029): one row per trusted platform with its cached
// trust list. A removed peer's row is deleted at once, so nothing of it is trusted any more.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <string>
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
  // Deletes the peer; true when there was one.
  virtual Result<bool> DeletePeer(const std::string& code) = 0;
};

}  // namespace tongban::ports
