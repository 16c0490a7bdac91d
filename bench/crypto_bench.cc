// Signing and the Merkle tree, next to their raw ceilings on the same core (docs/PERFORMANCE.md):
//   raw    libsodium crypto_sign_detached / crypto_sign_verify_detached over a JWS signing input
//   jws    crypto::SignJws / crypto::VerifyJws of the same payload (header, base64url, JSON)
//   merkle an RFC 9162 inclusion proof at 10,000,000 leaves from an in-memory subtree cache
//          (levels >= 4 held, lower subtrees recomputed from the leaves), and a consistency proof
// Prints one line per measurement: name, operations per second, microseconds per operation.
//   crypto_bench [--leaves N] [--seconds S]
#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>

#include "crypto/jose.h"
#include "crypto/merkle.h"
#include "crypto/system.h"

namespace tb = tongban::crypto;
using Clock = std::chrono::steady_clock;

namespace {

double g_seconds = 2.0;

// Runs `op` repeatedly for g_seconds; prints and returns microseconds per operation.
template <typename Op>
double Measure(const char* name, Op&& op) {
  uint64_t n = 0;
  const auto start = Clock::now();
  auto now = start;
  do {
    for (int i = 0; i < 64; ++i) op(n++);
    now = Clock::now();
  } while (std::chrono::duration<double>(now - start).count() < g_seconds);
  const double seconds = std::chrono::duration<double>(now - start).count();
  const double us = 1e6 * seconds / static_cast<double>(n);
  std::printf("%-44s %12.0f ops/s %10.2f us/op\n", name, static_cast<double>(n) / seconds, us);
  return us;
}

std::string Leaf(uint64_t i) {
  char buffer[32];
  const int len = std::snprintf(buffer, sizeof buffer, "access-log entry %llu", static_cast<unsigned long long>(i));
  return std::string(buffer, static_cast<size_t>(len));
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t leaves = 10'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--leaves") == 0) leaves = std::stoull(argv[i + 1]);
    if (std::strcmp(argv[i], "--seconds") == 0) g_seconds = std::stod(argv[i + 1]);
  }
  if (!tb::InitCrypto()) return 1;

  // ---- signing: raw libsodium next to JWS ----
  const tb::Ed25519KeyPair pair = tb::GenerateEd25519();
  const std::string kid = tb::JwkThumbprint(pair.public_key);
  const std::string payload =
      R"({"tree_size":10000000,"root_hash":"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU","timestamp":"2026-11-29T15:00:00+08:00"})";
  const std::string token = tb::SignJws(pair.secret_key, kid, payload, "tree-head+jws");
  const std::string input = token.substr(0, token.rfind('.'));
  unsigned char sig[crypto_sign_BYTES];
  const auto* sk = reinterpret_cast<const unsigned char*>(pair.secret_key.data());
  const auto* pk = reinterpret_cast<const unsigned char*>(pair.public_key.data());
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  const double raw_sign = Measure("raw crypto_sign_detached", [&](uint64_t) {
    crypto_sign_detached(sig, nullptr, in, input.size(), sk);
  });
  const double jws_sign = Measure("jws SignJws", [&](uint64_t) {
    const std::string t = tb::SignJws(pair.secret_key, kid, payload, "tree-head+jws");
    if (t.empty()) std::abort();
  });
  crypto_sign_detached(sig, nullptr, in, input.size(), sk);
  const double raw_verify = Measure("raw crypto_sign_verify_detached", [&](uint64_t) {
    if (crypto_sign_verify_detached(sig, in, input.size(), pk) != 0) std::abort();
  });
  const std::map<std::string, std::string, std::less<>> keys{{kid, pair.public_key}};
  const tb::PublicKeyLookup lookup = [&](std::string_view k) -> std::optional<std::string> {
    const auto it = keys.find(k);
    if (it == keys.end()) return std::nullopt;
    return it->second;
  };
  const double jws_verify = Measure("jws VerifyJws", [&](uint64_t) {
    if (!tb::VerifyJws(token, lookup).ok()) std::abort();
  });
  std::printf("jws/raw: sign %.2fx, verify %.2fx\n", jws_sign / raw_sign, jws_verify / raw_verify);

  // ---- the Merkle tree at `leaves` leaves ----
  namespace merkle = tb::merkle;
  constexpr int kLowestCachedLevel = 4;
  merkle::MemorySubtrees tree(kLowestCachedLevel, [](uint64_t i) { return merkle::LeafHash(Leaf(i)); });
  const auto build_start = Clock::now();
  for (uint64_t i = 0; i < leaves; ++i) tree.Append(merkle::LeafHash(Leaf(i)));
  const double build_s = std::chrono::duration<double>(Clock::now() - build_start).count();
  std::printf("merkle: %llu leaves appended in %.2f s (%.0f leaves/s), levels >= %d cached\n",
              static_cast<unsigned long long>(leaves), build_s, static_cast<double>(leaves) / build_s,
              kLowestCachedLevel);
  const merkle::Hash root = merkle::RootHash(leaves, tree).value();
  std::mt19937_64 random(42);
  bool all_verified = true;
  Measure("merkle InclusionProof (random leaf)", [&](uint64_t) {
    const uint64_t index = random() % leaves;
    const auto proof = merkle::InclusionProof(index, leaves, tree);
    if (!proof.ok()) std::abort();
  });
  Measure("merkle InclusionProof + VerifyInclusion", [&](uint64_t) {
    const uint64_t index = random() % leaves;
    const auto proof = merkle::InclusionProof(index, leaves, tree).value();
    all_verified &= merkle::VerifyInclusion(index, leaves, merkle::LeafHash(Leaf(index)), proof, root);
  });
  Measure("merkle ConsistencyProof (random first size)", [&](uint64_t) {
    const uint64_t first = 1 + random() % (leaves - 1);
    if (!merkle::ConsistencyProof(first, leaves, tree).ok()) std::abort();
  });
  if (!all_verified) {
    std::printf("merkle: a proof did not verify\n");
    return 1;
  }
  return 0;
}
