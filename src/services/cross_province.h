// Cross-province applications (跨省通办, issue 14 item 4; API.md "Federation").
//
// Each platform publishes the items it handles for people of other provinces (catalogue
// `cross_province: true`) to its peers in a signed reply to "items.list"; the federation job
// fetches every peer's list and keeps it (federation_peer_items), so a person here sees a peer's
// items with the peer's name and applies also while the peer is down.
//
// Applying (ApplyCrossProvince, from the web, the phone or a clerk's window here): the case is
// created HERE (收件地, the origin) as a submitted application of the peer's item, with its own
// reference number and events, and a "case.forward" message is queued in the same transaction.
// The outbox delivers it (retried with back-off while the peer is down): until the peer took it
// the case shows "waiting for <peer>". The peer (办理地, the handler) creates the case through its
// own submission path (its checks, its data read for the person and logged in its access log, its
// deadline), and its department acts on it as on any case. Every change of the case there sends a
// "case.update" back with ALL its events so far, so updates may arrive late, twice or out of order
// and the origin still mirrors each event once, in order (peer_seq). The person chooses where
// the result is delivered: here (origin) or there (handler), with an address.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/application.h"
#include "domain/federation.h"
#include "ports/outbound_http.h"
#include "services/context.h"
#include "services/effects.h"
#include "services/federation_messages.h"

namespace tongban::services {

inline constexpr const char* kCaseForwardKind = "case.forward";
inline constexpr const char* kCaseUpdateKind = "case.update";
inline constexpr const char* kItemsListKind = "items.list";
// The longest delivery address kept.
inline constexpr size_t kMaxDeliveryAddressCodePoints = 200;

// The documents of this platform's cross-province items (GET /api/v1/federation/items).
std::vector<std::string> CrossProvinceItemDocuments(const Context& ctx);

// A peer's cross-province item as it was last fetched.
struct PeerItem {
  std::string peer;
  std::string peer_name_zh, peer_name_en;
  domain::ServiceItem item;
  domain::LocalText department;
  std::string document;  // as published
};
// A peer's items in code order after `after_code` (GET /api/v1/federation/items?peer=).
// kNotFound (error.federation.unknown_peer).
Result<std::vector<PeerItem>> ListPeerItems(const Context& ctx, const std::string& peer, const std::string& after_code,
                                            int limit);
// kNotFound (error.federation.unknown_peer, error.federation.unknown_item).
Result<PeerItem> GetPeerItem(const Context& ctx, const std::string& peer, const std::string& code);

// The federation job's part: asks every peer whose list serves for its items and stores them.
// Waits for the answers (never on an I/O thread). Answers how many peers answered.
Result<int> RefreshPeerItems(const Context& ctx, ports::OutboundHttp& http);

struct CrossProvinceRequest {
  std::string peer;  // the handling platform
  std::string item;  // its item code
  std::map<std::string, std::string> fields;
  domain::CaseSide delivery = domain::CaseSide::kOrigin;  // where the result is delivered
  std::string delivery_address;
  // A clerk at a window here: the person's resident id and the proof they are there
  // (services/window.h RequirePresence).
  std::string on_behalf_of;
  std::string identity_code;
  std::string visit;
};
// Creates the case here, submitted, and queues its forwarding, in one transaction. kNotFound for an
// unknown peer or item; kInvalidArgument with FieldErrors for the form, error.federation.delivery
// (no address, or one too long); kPermissionDenied (error.application.person_only) for anyone
// but a person, or a clerk at a window with the person's proof of presence;
// kUnavailable (error.federation.no_list) when the peer is no longer trusted.
Result<domain::Application> ApplyCrossProvince(const Context& ctx, const Actor& actor,
                                               const CrossProvinceRequest& request);

// The cross-province part of an application, for its pages and API, with the other platform's
// names ("" when it is no longer a peer); nullopt when it has none.
struct CrossProvinceView {
  domain::FederatedCase c;
  std::string peer_name_zh, peer_name_en;
};
Result<std::optional<CrossProvinceView>> CrossProvinceCaseOf(const Context& ctx, const std::string& application_id);

// Registers the handlers of "case.forward", "case.update" and "items.list".
void RegisterCrossProvinceHandlers(FederationHandlers& handlers);
// Registers the effect that sends a handled case's changes back to its origin.
void RegisterCrossProvinceEffects(Effects& effects);

}  // namespace tongban::services
