// Conversions between the Merkle tree's hashes (crypto/merkle.h) and the byte strings the access
// log stores and serves, shared by tests/unit/crypto/log_tiles_test.cc and
// tests/unit/services/access_log_test.cc.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "crypto/merkle.h"

namespace tongban::testing {

// The hash's 32 bytes as a string.
inline std::string HashBytes(const crypto::merkle::Hash& h) {
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}

// The first 32 bytes of `s` as a hash (zero-padded when shorter).
inline crypto::merkle::Hash ToHash(const std::string& s) {
  crypto::merkle::Hash h{};
  std::copy_n(s.begin(), std::min(s.size(), h.size()), h.begin());
  return h;
}

inline std::vector<crypto::merkle::Hash> ToHashes(const std::vector<std::string>& v) {
  std::vector<crypto::merkle::Hash> out;
  out.reserve(v.size());
  for (const auto& s : v) out.push_back(ToHash(s));
  return out;
}

}  // namespace tongban::testing
