#include "crypto/jose.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "crypto/system.h"

namespace tongban::crypto {
namespace {

using nlohmann::json;

Error Refuse(std::string_view key) { return MakeError(ErrorCode::kInvalidArgument, std::string(key)); }

std::string Bytes(const unsigned char* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace

Ed25519KeyPair GenerateEd25519() {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  Ed25519KeyPair pair{Bytes(pk, sizeof pk), Bytes(sk, sizeof sk)};
  sodium_memzero(sk, sizeof sk);
  return pair;
}

Result<Ed25519KeyPair> Ed25519FromSeed(std::string_view seed) {
  if (seed.size() != crypto_sign_SEEDBYTES) return Refuse("error.keys.bad_seed");
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(seed.data()));
  Ed25519KeyPair pair{Bytes(pk, sizeof pk), Bytes(sk, sizeof sk)};
  sodium_memzero(sk, sizeof sk);
  return pair;
}

void WipeSecret(std::string& secret) {
  if (!secret.empty()) sodium_memzero(secret.data(), secret.size());
  secret.clear();
}

std::string JwkThumbprint(std::string_view public_key) {
  // RFC 7638 section 3.2: the required members only, sorted, no whitespace.
  const std::string canonical = R"({"crv":"Ed25519","kty":"OKP","x":")" + Base64UrlEncode(public_key) + "\"}";
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size());
  return Base64UrlEncode(Bytes(digest, sizeof digest));
}

std::string PublicJwkJson(std::string_view public_key, std::string_view kid) {
  json jwk = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", Base64UrlEncode(public_key)},
              {"kid", kid},   {"use", "sig"},     {"alg", "EdDSA"}};
  return jwk.dump();
}

std::string SignJws(std::string_view secret_key, std::string_view kid, std::string_view payload, std::string_view typ) {
  json header = {{"alg", "EdDSA"}, {"kid", kid}};
  if (!typ.empty()) header["typ"] = typ;
  std::string input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload);
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       reinterpret_cast<const unsigned char*>(secret_key.data()));
  input += ".";
  input += Base64UrlEncode(Bytes(signature, sizeof signature));
  return input;
}

Result<VerifiedJws> VerifyJws(std::string_view token, const PublicKeyLookup& lookup) {
  const size_t first = token.find('.');
  if (first == std::string_view::npos) return Refuse("error.jws.malformed");
  const size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return Refuse("error.jws.malformed");
  }
  const std::string_view header_part = token.substr(0, first);
  const std::string_view payload_part = token.substr(first + 1, second - first - 1);
  const std::string_view signature_part = token.substr(second + 1);
  const std::optional<std::string> header_text = Base64UrlDecode(header_part);
  const std::optional<std::string> payload = Base64UrlDecode(payload_part);
  const std::optional<std::string> signature = Base64UrlDecode(signature_part);
  if (header_part.empty() || !header_text || !payload || !signature) return Refuse("error.jws.malformed");
  const json header = json::parse(*header_text, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object() || header.contains("crit")) return Refuse("error.jws.malformed");
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || alg->get<std::string>() != "EdDSA") {
    return Refuse("error.jws.algorithm");
  }
  const auto kid = header.find("kid");
  if (kid == header.end() || !kid->is_string()) return Refuse("error.jws.unknown_key");
  VerifiedJws out;
  out.kid = kid->get<std::string>();
  if (const auto typ = header.find("typ"); typ != header.end()) {
    if (!typ->is_string()) return Refuse("error.jws.malformed");
    out.typ = typ->get<std::string>();
  }
  const std::optional<std::string> public_key = lookup(out.kid);
  if (!public_key || public_key->size() != crypto_sign_PUBLICKEYBYTES) return Refuse("error.jws.unknown_key");
  if (signature->size() != crypto_sign_BYTES) return Refuse("error.jws.signature");
  const std::string_view input = token.substr(0, second);
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature->data()),
                                  reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                                  reinterpret_cast<const unsigned char*>(public_key->data())) != 0) {
    return Refuse("error.jws.signature");
  }
  out.payload = *payload;
  return out;
}

}  // namespace tongban::crypto
