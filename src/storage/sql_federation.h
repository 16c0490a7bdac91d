// Federation peers in SQL (V029). Internal to storage.
#pragma once

#include "ports/federation_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlFederation final : public ports::FederationRepository {
 public:
  explicit SqlFederation(const SqlAccess& sql) : sql_(sql) {}
  Status InsertPeer(const domain::Peer& peer) override;
  Result<domain::Peer> GetPeer(const std::string& code) override;
  Result<std::vector<domain::Peer>> ListPeers(const std::string& after_code, int limit) override;
  Result<std::vector<domain::Peer>> ListPeersDue(Timestamp now, int limit) override;
  Status UpdatePeer(const domain::Peer& peer) override;
  Result<bool> DeletePeer(const std::string& code) override;
  Result<bool> TakeMessageId(const std::string& id, const std::string& peer, const std::string& kind,
                             Timestamp at) override;
  Status InsertFederatedCase(const domain::FederatedCase& c) override;
  Result<domain::FederatedCase> GetFederatedCase(const std::string& application_id) override;
  Status UpdateFederatedCase(const domain::FederatedCase& c) override;
  Result<domain::FederatedCase> FindHandledCase(const std::string& peer, const std::string& peer_application) override;
  Status ReplacePeerItems(const std::string& peer, const std::vector<std::pair<std::string, std::string>>& items,
                          Timestamp at) override;
  Result<std::vector<std::pair<std::string, std::string>>> ListPeerItems(const std::string& peer,
                                                                         const std::string& after_code,
                                                                         int limit) override;
  Result<std::string> GetPeerItem(const std::string& peer, const std::string& code) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
