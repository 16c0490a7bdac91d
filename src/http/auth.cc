#include "http/auth.h"

#include <openssl/crypto.h>

#include <cctype>

#include "services/api_keys.h"

namespace tongban::http {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EqualTokens(std::string_view given, std::string_view expected) {
  return !expected.empty() && given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

// "host[:port]" split into the lower-cased host and the port ("" when absent). IPv6 literals
// keep their brackets.
std::pair<std::string, std::string> SplitAuthority(std::string_view authority) {
  const size_t bracket = authority.rfind(']');
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    return {Lower(authority.substr(0, colon)), std::string(authority.substr(colon + 1))};
  }
  return {Lower(authority), ""};
}

}  // namespace

std::string BearerToken(const Request& req) {
  const std::string_view auth = req.Header("authorization");
  constexpr std::string_view kBearer = "bearer ";
  if (auth.size() <= kBearer.size() || Lower(auth.substr(0, kBearer.size())) != kBearer) return {};
  std::string_view token = auth.substr(kBearer.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  return std::string(token);
}

std::string SessionToken(const Request& req) {
  std::string bearer = BearerToken(req);
  return bearer.empty() ? req.Cookie(kSessionCookie) : bearer;
}

Result<Caller> Identify(const services::Context& ctx, const Request& req) {
  const std::string bearer = BearerToken(req);
  const std::string token = bearer.empty() ? req.Cookie(kSessionCookie) : bearer;
  if (token.empty()) return MakeError(ErrorCode::kUnauthenticated, "error.auth.required");
  // A supervision system's API key is no session: it only pushes supervision records.
  if (services::LooksLikeApiKey(bearer)) return MakeError(ErrorCode::kUnauthenticated, "error.api_key.not_here");
  TB_ASSIGN_OR_RETURN(services::Authenticated auth, services::Authenticate(ctx, token));
  Caller caller;
  // The exemption from CSRF follows the credential that was used, never the mere presence of an
  // Authorization header: a browser adds Basic, NTLM or Negotiate headers on its own.
  caller.via_cookie = bearer.empty();
  caller.actor.user = std::move(auth.user);
  caller.session = std::move(auth.session);
  caller.actor.address = req.remote_address;
  std::string channel(req.Header("x-tongban-channel"));
  if (channel.empty()) channel = req.Cookie("channel");
  caller.actor.channel = domain::ParseChannel(channel).value_or(domain::Channel::kWeb);
  return caller;
}

Status CheckCsrf(const Caller& caller, const Request& req, std::string_view form_token) {
  if (!caller.via_cookie) return Ok();
  std::string_view given = req.Header("x-csrf-token");
  if (given.empty()) given = form_token;
  if (!EqualTokens(given, caller.session.csrf_token)) return MakeError(ErrorCode::kPermissionDenied, "error.auth.csrf");
  return Ok();
}

std::string SessionCookie(const std::string& token, int max_age_seconds, bool secure) {
  std::string cookie = std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                       std::to_string(max_age_seconds);
  if (secure) cookie += "; Secure";
  return cookie;
}

std::string OriginOf(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  const std::string scheme = Lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return {};
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (rest.empty() || rest.find('@') != std::string_view::npos) return {};
  auto [host, port] = SplitAuthority(rest);
  if (host.empty()) return {};
  if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) port.clear();
  return scheme + "://" + host + (port.empty() ? "" : ":" + port);
}

Status CheckOrigin(const Request& req, std::string_view public_url, bool null_origin_ok) {
  const auto refused = [] { return MakeError(ErrorCode::kPermissionDenied, "error.auth.origin"); };
  const std::string fetch_site = Lower(req.Header("sec-fetch-site"));
  if (!fetch_site.empty() && fetch_site != "same-origin" && fetch_site != "none") return refused();
  std::string_view claimed = req.Header("origin");
  std::string origin;
  if (!claimed.empty()) {
    if (claimed == "null" && null_origin_ok) return Ok();
    origin = OriginOf(claimed);  // "null" and anything malformed give ""
  } else {
    const std::string_view referer = req.Header("referer");
    if (referer.empty()) return Ok();
    origin = OriginOf(referer);
  }
  if (origin.empty()) return refused();
  if (!public_url.empty()) return origin == OriginOf(public_url) ? Ok() : refused();
  // No public_url: the browser's origin must name the host the request was sent to. The scheme
  // cannot be checked (TLS usually ends at the proxy); the host and port can.
  const std::string_view host_header = req.Header("host");
  if (host_header.empty()) return refused();
  const size_t scheme_end = origin.find("://");
  const std::string scheme = origin.substr(0, scheme_end);
  auto [origin_host, origin_port] = SplitAuthority(std::string_view(origin).substr(scheme_end + 3));
  auto [host, port] = SplitAuthority(host_header);
  if ((scheme == "http" && port == "80") || (scheme == "https" && port == "443")) port.clear();
  return origin_host == host && origin_port == port ? Ok() : refused();
}

bool LoginTokenMatches(const Request& req, std::string_view form_token) {
  return EqualTokens(form_token, req.Cookie(kLoginCookie));
}

std::string LoginCookie(const std::string& token, bool secure) {
  constexpr int kMaxAgeSeconds = 2 * 3600;  // a sign-in page left open longer is shown again
  std::string cookie = std::string(kLoginCookie) + "=" + token + "; Path=/login; HttpOnly; SameSite=Lax; Max-Age=" +
                       std::to_string(token.empty() ? 0 : kMaxAgeSeconds);
  if (secure) cookie += "; Secure";
  return cookie;
}

}  // namespace tongban::http
