// Kiosk mode (issue 11 item 5): a person signs in at a service centre's kiosk with their identity
// code (services/identity_code.h), picks one of the common services that the kiosk channel offers,
// confirms the pre-filled data and submits. The session a code opens is of kind "kiosk": only the
// /kiosk pages accept it (Authenticate refuses it everywhere else), it expires kKioskIdle after its
// last request (sliding, on the server), and each code opens one session only (its jti is recorded
// in the used-nonce table, V014, until the code expires). The kiosk's centre comes from the device
// (a cookie), never from the session: the server keeps nothing about the kiosk itself.
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "services/accounts.h"
#include "services/context.h"

namespace tongban::services {

inline constexpr char kKioskSessionKind[] = "kiosk";
// A kiosk session ends this long after the person's last touch (each request moves it).
inline constexpr std::chrono::seconds kKioskIdle{60};

// Opens a kiosk session with the person's identity code `code` (what the scanner typed). When
// `previous_token` names a session (the kiosk cookie), that session is ended in the same
// transaction. kUnauthenticated with the plain reason: error.kiosk.code_expired,
// error.kiosk.code_tampered (bad signature), error.kiosk.code_foreign (another platform's code, or
// not an identity code), error.kiosk.code_malformed, error.kiosk.code_person_only (an enterprise's
// code), error.kiosk.code_used (it opened a session already), error.kiosk.code_unknown (the
// account is gone); kUnavailable without a key store.
Result<SignedIn> OpenKioskSession(const Context& ctx, std::string_view code, const std::string& previous_token = "");

// Resolves a kiosk session's token and moves its expiry to now + kKioskIdle. kUnauthenticated
// (error.kiosk.signed_out) when unknown, expired or not a kiosk session.
Result<Authenticated> AuthenticateKiosk(const Context& ctx, const std::string& token);

// The common services (popular.yaml, for persons) that the kiosk channel offers and that need no
// uploaded file (a kiosk takes none), in order.
std::vector<const domain::ServiceItem*> KioskServices(const domain::Catalogue& catalogue);

// The kiosk's centre code when `code` names a service centre that takes personal items, else "".
std::string KioskCentre(const domain::Catalogue& catalogue, std::string_view code);

// The actor of a kiosk session at `centre`: channel kiosk, the centre recorded on what it creates.
Actor KioskActor(const Authenticated& auth, const std::string& centre, const std::string& address);

// Submits an application for `item` from the kiosk (`actor` as KioskActor made it). kPermissionDenied
// (error.kiosk.not_offered) for an item the kiosk channel does not offer; kInvalidArgument
// (error.kiosk.no_centre) without a centre; else as CreateApplication.
Result<domain::Application> SubmitAtKiosk(const Context& ctx, const Actor& actor, const std::string& item,
                                          const std::map<std::string, std::string>& fields);

}  // namespace tongban::services
