#include "http/auth.h"

#include <openssl/crypto.h>

#include <cctype>

namespace tongban::http {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
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
  const std::string& expected = caller.session.csrf_token;
  if (given.size() != expected.size() || expected.empty() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    return MakeError(ErrorCode::kPermissionDenied, "error.auth.csrf");
  }
  return Ok();
}

std::string SessionCookie(const std::string& token, int max_age_seconds, bool secure) {
  std::string cookie = std::string(kSessionCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" +
                       std::to_string(max_age_seconds);
  if (secure) cookie += "; Secure";
  return cookie;
}

}  // namespace tongban::http
