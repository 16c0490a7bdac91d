// Who is calling: a bearer token (API clients) or the session cookie (browsers). Cookie-
// authenticated writes must carry the session's CSRF token (header X-CSRF-Token or form field
// csrf_token). Sign-in itself is guarded against cross-site forms by CheckOrigin and, on the
// sign-in page, by a pre-session token (a double-submit cookie). Thread-safety: stateless; safe
// from every thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"
#include "services/accounts.h"

namespace tongban::http {

inline constexpr char kSessionCookie[] = "tongban_session";
// The sign-in page's pre-session token: the same random value in this cookie and in the form's
// `login_token` field (a cross-site form can neither read nor send the cookie).
inline constexpr char kLoginCookie[] = "tongban_login";

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

// kPermissionDenied ("error.auth.origin") when a browser says the request comes from another
// site. Sec-Fetch-Site (sent by current browsers whatever the referrer policy) must be same-origin
// (or none: the person typed it). The Origin header (or, without one, the Referer's origin) must be
// this server's origin: `public_url`'s when configured ("https://host[:port]"), else the one whose
// host and port are the request's Host header (a proxy in front must forward Host). Origin "null"
// is refused unless `null_origin_ok`: browsers send it for a form posted from a page under
// Referrer-Policy no-referrer (Tongban's own pages) and from sandboxed frames of any site, so it
// is acceptable only where another check decides (the sign-in form's pre-session token). A
// request with none of these headers (API clients, old browsers) passes.
Status CheckOrigin(const Request& req, std::string_view public_url, bool null_origin_ok = false);
// The scheme://host[:port] of an absolute URL, lower-cased, default port dropped; "" when `url`
// is not an absolute http(s) URL.
std::string OriginOf(std::string_view url);

// The pre-session token of the sign-in form: true when `form_token` is the kLoginCookie value.
bool LoginTokenMatches(const Request& req, std::string_view form_token);
// Set-Cookie value for the pre-session token (HttpOnly, SameSite=Lax so that a cross-site POST
// never carries it, Path=/login, Secure when `secure`); an empty token clears it.
std::string LoginCookie(const std::string& token, bool secure);

}  // namespace tongban::http
