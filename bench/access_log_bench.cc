// The access log's sequencer and proofs, next to their raw ceilings in the same run
// (docs/PERFORMANCE.md):
//   sequencing  services::SequenceQueued over --entries queued entries on a SQLite file (rounds of
//               2,048: leaves given indexes, queue rows removed, tiles grown, a head signed, one
//               durable transaction each), next to raw SQLite inserting the same leaf rows,
//               2,048 per durable transaction, with no queue, tiles or signing.
//   proof       an inclusion proof for a random leaf at --leaves (10,000,000) leaves, whose tiles
//               the bench builds directly in the database through TileLogTree::Append (what the
//               sequencer writes), each proof in its own read transaction, reading only the tiles
//               it needs (a full tile keeps its interior nodes: nothing is folded but the right
//               edge); next to raw SQLite reading as many tiles by key in one read transaction.
// Prints one line per measurement and the ratios.
//   access_log_bench [--dir DIR] [--entries N] [--leaves N] [--seconds S]
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <string>

#include "crypto/key_store.h"
#include "crypto/log_tiles.h"
#include "crypto/merkle.h"
#include "crypto/system.h"
#include "services/access_log.h"
#include "storage/sql_store.h"

namespace tb = tongban;
using Clock = std::chrono::steady_clock;

namespace {

double Since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

template <typename T>
void Check(const tb::Result<T>& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.error().message.c_str());
    std::exit(1);
  }
}

class FixedClock final : public tb::ports::Clock {
 public:
  tb::Timestamp Now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

tb::domain::AccessLogEntry Entry(uint64_t i) {
  tb::domain::AccessLogEntry e;
  e.accessor_user_id = "01JD0000000000000000000000";
  e.accessor_role = "reviewer";
  e.accessor_department = "market";
  e.subject_id = "1101051949123100" + std::to_string(10 + i % 89);
  e.dataset = "population";
  e.fields = {"name", "birth_date", "address"};
  e.purpose = "case_handling:market.business-licence";
  e.legal_basis = "application:SH-2026-1129-0042K";
  e.application_id = "01JD0000000000000000000001";
  return e;
}

// Raw SQLite: the same leaf rows, 2,048 per durable transaction, WAL + synchronous=FULL.
double RawInserts(const std::string& path, const std::vector<std::string>& leaves) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
               "CREATE TABLE leaves (leaf_index BIGINT PRIMARY KEY, id TEXT NOT NULL, subject_id TEXT NOT NULL,"
               " subject_salt TEXT NOT NULL, leaf TEXT NOT NULL, queued_at BIGINT NOT NULL);"
               "CREATE INDEX leaves_subject ON leaves (subject_id, leaf_index);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO leaves VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &insert, nullptr);
  const auto start = Clock::now();
  for (size_t i = 0; i < leaves.size();) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (size_t end = std::min(leaves.size(), i + 2048); i < end; ++i) {
      const std::string id = "01JD" + std::to_string(100000000 + i);
      const std::string subject = "1101051949123100" + std::to_string(10 + i % 89);
      sqlite3_bind_int64(insert, 1, static_cast<int64_t>(i));
      sqlite3_bind_text(insert, 2, id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 3, subject.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 4, "salt-salt-salt-salt-salt-salt-salt-salt-salt", -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 5, leaves[i].c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_int64(insert, 6, 1764400000);
      sqlite3_step(insert);
      sqlite3_reset(insert);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  const double seconds = Since(start);
  sqlite3_finalize(insert);
  sqlite3_close(db);
  return static_cast<double>(leaves.size()) / seconds;
}

// Counts the distinct tiles a proof asks for (what TileSubtrees loads, once each).
class CountingSource final : public tb::crypto::merkle::SubtreeSource {
 public:
  explicit CountingSource(const tb::crypto::merkle::SubtreeSource& inner) : inner_(inner) {}
  tb::Result<tb::crypto::merkle::Hash> Subtree(int level, uint64_t index) const override {
    const int tile_level = level / tb::ports::kLogTileHeight;
    const uint64_t first = index << (level % tb::ports::kLogTileHeight);
    tiles.insert({tile_level, first / tb::ports::kLogTileWidth});
    return inner_.Subtree(level, index);
  }
  mutable std::set<std::pair<int, uint64_t>> tiles;

 private:
  const tb::crypto::merkle::SubtreeSource& inner_;
};

// Raw SQLite: `per_read` tiles read by key (random level-0 tiles of `leaves`) in one read
// transaction, as often as fits in `seconds`; answers microseconds per transaction.
double RawTileReads(const std::string& path, uint64_t leaves, double per_read, double seconds) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* select = nullptr;
  sqlite3_prepare_v2(db, "SELECT hashes FROM access_log_tiles WHERE level = ?1 AND tile_index = ?2", -1, &select,
                     nullptr);
  std::mt19937_64 rng(7);
  const uint64_t tiles = std::max<uint64_t>(1, leaves / tb::ports::kLogTileWidth);
  const int k = std::max(1, static_cast<int>(per_read + 0.5));
  uint64_t n = 0, bytes = 0;
  const auto start = Clock::now();
  while (Since(start) < seconds) {
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    for (int i = 0; i < k; ++i) {
      sqlite3_bind_int(select, 1, 0);
      sqlite3_bind_int64(select, 2, static_cast<int64_t>(rng() % tiles));
      if (sqlite3_step(select) == SQLITE_ROW) bytes += static_cast<uint64_t>(sqlite3_column_bytes(select, 0));
      sqlite3_reset(select);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    ++n;
  }
  const double us = 1e6 * Since(start) / static_cast<double>(n);
  sqlite3_finalize(select);
  sqlite3_close(db);
  return bytes > 0 ? us : -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = std::filesystem::temp_directory_path().string();
  uint64_t entries = 100'000, leaves = 10'000'000;
  double seconds = 2.0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
    if (std::strcmp(argv[i], "--entries") == 0) entries = std::stoull(argv[i + 1]);
    if (std::strcmp(argv[i], "--leaves") == 0) leaves = std::stoull(argv[i + 1]);
    if (std::strcmp(argv[i], "--seconds") == 0) seconds = std::stod(argv[i + 1]);
  }
  if (!tb::crypto::InitCrypto()) return 1;
  const std::string base = dir + "/access-log-bench-" + std::to_string(::getpid());
  const auto remove = [](const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  };

  // ---- sequencing ----
  {
    const std::string path = base + "-seq.db";
    remove(path);
    auto store = tb::storage::OpenStore("sqlite:" + path);
    Check(store, "open");
    FixedClock clock;
    tb::crypto::SodiumIdGenerator ids;
    tb::crypto::SodiumHasher hasher;
    auto keys = tb::crypto::SealedKeyStore::Create(**store, clock, tb::crypto::RandomBytes(32));
    Check(keys, "key store");
    Check((*keys)->EnsureKey(tb::services::kLogKeyOwner), "log key");
    tb::crypto::TileLogTree tree;
    tb::services::Context ctx;
    ctx.store = store->get();
    ctx.clock = &clock;
    ctx.ids = &ids;
    ctx.hasher = &hasher;
    ctx.keys = keys->get();
    ctx.log_tree = &tree;
    const auto enqueue_start = Clock::now();
    for (uint64_t i = 0; i < entries;) {
      Check((*store)->Write([&](tb::ports::Transaction& tx) -> tb::Status {
        for (uint64_t end = std::min(entries, i + 1000); i < end; ++i) {
          TB_RETURN_IF_ERROR(tb::services::RecordAccess(ctx, tx, Entry(i)));
        }
        return tb::Ok();
      }), "enqueue");
    }
    std::printf("%-44s %12.0f entries/s\n", "enqueue (RecordAccess, 1,000 per tx)", entries / Since(enqueue_start));
    const auto start = Clock::now();
    auto sequenced = tb::services::SequenceQueued(ctx, tb::services::kSequencerBatch, 1 << 30);
    Check(sequenced, "sequence");
    const double rate = static_cast<double>(*sequenced) / Since(start);
    std::printf("%-44s %12.0f entries/s (%llu entries)\n", "sequencing (SequenceQueued, 2,048 per round)", rate,
                static_cast<unsigned long long>(*sequenced));
    // The raw ceiling: the same leaf bytes.
    std::vector<std::string> rows;
    Check((*store)->Read([&](tb::ports::Transaction& tx) -> tb::Status {
      for (uint64_t i = 0; i < std::min<uint64_t>(entries, 2048); ++i) {
        TB_ASSIGN_OR_RETURN(const auto leaf, tx.access_log().GetLeaf(i));
        rows.push_back(leaf.leaf);
      }
      return tb::Ok();
    }), "read leaves");
    std::vector<std::string> all;
    all.reserve(entries);
    for (uint64_t i = 0; i < entries; ++i) all.push_back(rows[i % rows.size()]);
    const std::string raw_path = base + "-raw.db";
    remove(raw_path);
    const double raw = RawInserts(raw_path, all);
    std::printf("%-44s %12.0f rows/s\n", "raw SQLite inserts of the same rows", raw);
    std::printf("sequencing/raw: %.2f\n", rate / raw);
    store->reset();
    remove(path);
    remove(raw_path);
  }

  // ---- an inclusion proof at `leaves` ----
  {
    const std::string path = base + "-tiles.db";
    remove(path);
    auto store = tb::storage::OpenStore("sqlite:" + path);
    Check(store, "open");
    tb::crypto::TileLogTree tree;
    const auto build_start = Clock::now();
    constexpr uint64_t kChunk = 1 << 16;
    for (uint64_t size = 0; size < leaves;) {
      std::vector<std::string> hashes;
      const uint64_t n = std::min(kChunk, leaves - size);
      hashes.reserve(n);
      for (uint64_t i = size; i < size + n; ++i) hashes.push_back(tree.LeafHash("access-log entry " + std::to_string(i)));
      Check((*store)->Write([&](tb::ports::Transaction& tx) -> tb::Status {
        TB_ASSIGN_OR_RETURN(const std::string root, tree.Append(tx.access_log(), size, hashes));
        (void)root;
        return tb::Ok();
      }), "append");
      size += n;
    }
    std::printf("tiles for %llu leaves built in %.1f s\n", static_cast<unsigned long long>(leaves), Since(build_start));
    std::string root;
    Check((*store)->Read([&](tb::ports::Transaction& tx) -> tb::Status {
      TB_ASSIGN_OR_RETURN(root, tree.RootHash(tx.access_log(), leaves));
      return tb::Ok();
    }), "root");
    std::mt19937_64 rng(42);
    uint64_t n = 0;
    bool verified = true;
    const auto start = Clock::now();
    while (Since(start) < seconds) {
      const uint64_t index = rng() % leaves;
      Check((*store)->Read([&](tb::ports::Transaction& tx) -> tb::Status {
        TB_ASSIGN_OR_RETURN(const auto path, tree.InclusionProof(tx.access_log(), index, leaves));
        if (n % 64 == 0) {
          verified &= tree.VerifyInclusion(index, leaves, tree.LeafHash("access-log entry " + std::to_string(index)),
                                           path, root);
        }
        return tb::Ok();
      }), "proof");
      ++n;
    }
    const double proof_us = 1e6 * Since(start) / static_cast<double>(n);
    // How many tiles one proof reads, on average over 1,000 random leaves.
    uint64_t tiles_read = 0;
    Check((*store)->Read([&](tb::ports::Transaction& tx) -> tb::Status {
      for (int i = 0; i < 1000; ++i) {
        tb::crypto::TileSubtrees tiles(tx.access_log());
        CountingSource counting(tiles);
        TB_ASSIGN_OR_RETURN(const auto path, tb::crypto::merkle::InclusionProof(rng() % leaves, leaves, counting));
        (void)path;
        tiles_read += counting.tiles.size();
      }
      return tb::Ok();
    }), "count");
    const double per_proof = static_cast<double>(tiles_read) / 1000.0;
    const double raw_us = RawTileReads(path, leaves, per_proof, seconds);
    std::printf("%-44s %12.1f us/proof (%llu proofs, verified: %s)\n", "inclusion proof at the leaves above", proof_us,
                static_cast<unsigned long long>(n), verified ? "yes" : "NO");
    std::printf("%-44s %12.1f us (%.1f tiles per proof)\n", "raw SQLite reads of as many tiles", raw_us, per_proof);
    std::printf("proof/raw: %.2f\n", proof_us / raw_us);
    store->reset();
    remove(path);
    if (!verified) return 1;
  }
  return 0;
}
