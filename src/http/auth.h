// Who is calling: a bearer token (API clients) or the session cookie (browsers). Cookie-
// authenticated writes must carry the session's CSRF token (header X-CSRF-Token or form field
// csrf_token). Thread-safety: stateless; safe from every thread.
#pragma once

#include <optional>
#include <string>

#include "http/message.h"
#include "services/accounts.h"

namespace tongban::http {

inline constexpr char kSessionCookie[] = "tongban_session";

struct Caller {
  services::Actor actor;
  domain::Session session;
  // True when the session came from the cookie, which browsers attach on their own: such writes
  // need the CSRF token. False only for a valid bearer token.
  bool via_cookie = false;
};

// The caller of `req`, or kUnauthenticated. `channel` is taken from the X-Tongban-Channel header
// or the `channel` cookie (kiosk mode), defaulting to web; services refuse the window channel
// to anyone but a clerk.
Result<Caller> Identify(const services::Context& ctx, const Request& req);
// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or "". Any
// other scheme (Basic, NTLM, Negotiate: a browser may add those by itself) answers "".
std::string BearerToken(const Request& req);
// The session token of `req` (bearer, else the cookie), or "".
std::string SessionToken(const Request& req);
// kPermissionDenied unless a cookie-authenticated unsafe request carries the session's CSRF token
// (in `form_token` or the X-CSRF-Token header). Bearer requests need none.
Status CheckCsrf(const Caller& caller, const Request& req, std::string_view form_token);
// Set-Cookie value for a new session (HttpOnly, SameSite=Lax, Path=/, Secure when `secure`).
std::string SessionCookie(const std::string& token, int max_age_seconds, bool secure);

}  // namespace tongban::http
