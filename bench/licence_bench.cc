// Licence issuance and status lists next to their raw ceiling (docs/PERFORMANCE.md, issue 10):
//   raw       libsodium crypto_sign_detached, twice per licence (credential + QR token), on one core
//   issue     services::IssueLicence (claims, status list slot, two EdDSA signatures, insert, history,
//             the holder's message) in durable SQLite transactions, from T concurrent writers for
//             each T of `--threads` (default 8,64: a few reviewers, a busy day's many; the store
//             groups the commits of concurrent writers)
//   statuslist services::StatusListCredential of a list of 65,536 licences (a list's fill), all of
//             them revoked (the worst case: every bit set), rebuilt from the table, GZIP'd and
//             signed; and both lists of 131,072 licences
// Prints one line per measurement.   licence_bench [--db sqlite:FILE] [--licences N] [--threads T,T...]
#include <sodium.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "crypto/key_store.h"
#include "crypto/licence_format.h"
#include "crypto/system.h"
#include "services/keys.h"
#include "services/licences.h"
#include "storage/sql_store.h"

namespace tb = tongban;
using Clock = std::chrono::steady_clock;

namespace {

double SecondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

int Fail(const tb::Error& e) {
  std::fprintf(stderr, "licence_bench: %s\n", e.message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string db = "sqlite:" + (std::filesystem::temp_directory_path() / "tongban-licence-bench.db").string();
  int licences = 20000;
  std::vector<int> thread_counts = {8, 64};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--db") == 0) db = argv[i + 1];
    if (std::strcmp(argv[i], "--licences") == 0) licences = std::stoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--threads") == 0) {
      thread_counts.clear();
      for (const char* p = argv[i + 1]; *p != '\0';) {
        char* end = nullptr;
        thread_counts.push_back(static_cast<int>(std::strtol(p, &end, 10)));
        p = *end == ',' ? end + 1 : end;
        if (end == p && *p != '\0') return 2;
      }
    }
  }
  if (!tb::crypto::InitCrypto()) return 1;
  if (db.rfind("sqlite:", 0) == 0) {
    const std::string path = db.substr(7);
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }

  // ---- raw: two libsodium signatures of a credential-sized message ----
  {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    const std::string message(900, 'x');
    unsigned char sig[crypto_sign_BYTES];
    const int n = 20000;
    const auto start = Clock::now();
    for (int i = 0; i < n; ++i) {
      crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(), sk);
    }
    const double per_licence = 2 * SecondsSince(start) / n;
    std::printf("%-52s %12.0f licences/s (2 signatures each, one core)\n", "raw libsodium sign x2", 1 / per_licence);
  }

  auto store = tb::storage::OpenStore(db);
  if (!store.ok()) return Fail(store.error());
  tb::crypto::SystemClock clock;
  tb::crypto::SodiumIdGenerator ids;
  tb::crypto::JsonLicenceFormat format;
  auto keys = tb::crypto::SealedKeyStore::Create(**store, clock, std::string(32, 'b'));
  if (!keys.ok()) return Fail(keys.error());
  tb::domain::CatalogueData data;
  data.departments = {{"market", {"市场监督管理局", "Market regulation"}}};
  tb::domain::LicenceType type;
  type.code = "business_licence";
  type.name = {"营业执照", "Business licence"};
  type.issuer = "market";
  type.holder = tb::domain::ApplicantKind::kEnterprise;
  type.claims = {{"enterprise_name", {"名称", "Name"}, "enterprise_name"},
                 {"address", {"住所", "Address"}, "business_address"}};
  data.licence_types = {type};
  auto catalogue = tb::domain::Catalogue::Build(std::move(data));
  if (!catalogue.ok()) return Fail(catalogue.error());
  tb::services::Context ctx;
  ctx.store = store->get();
  ctx.clock = &clock;
  ctx.ids = &ids;
  ctx.catalogue = *catalogue;
  ctx.keys = keys->get();
  ctx.licence_format = &format;
  if (auto made = tb::services::EnsureLicenceIssuerKeys(ctx); !made.ok()) return Fail(made.error());
  if (auto made = tb::services::EnsureSigningKeys(ctx, {tb::services::kStatusListKeyOwner}); !made.ok()) {
    return Fail(made.error());
  }

  // ---- issue: sign + store, durable, from `threads` writers ----
  int issued_total = 0;
  for (const int threads : thread_counts) {
    std::atomic<int> next{0};
    std::atomic<int> failed{0};
    const auto start = Clock::now();
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        for (int i = next++; i < licences; i = next++) {
          tb::domain::Application app;
          app.id = ids.NewId();
          app.enterprise = "9131000000000" + std::to_string(10000 + i % 80000);
          app.applicant_name = "上海某某餐饮管理有限公司";
          app.fields = {{"enterprise_name", "上海某某餐饮管理有限公司"}, {"business_address", "上海市浦东新区世纪大道100号"}};
          const tb::Status s = ctx.store->Write([&](tb::ports::Transaction& tx) -> tb::Status {
            auto issued = tb::services::IssueLicence(ctx, tx, type, app, "bench", clock.Now());
            if (!issued.ok()) return issued.take_error();
            return tb::Ok();
          });
          if (!s.ok()) ++failed;
        }
      });
    }
    for (auto& w : workers) w.join();
    const double seconds = SecondsSince(start);
    std::printf("%-52s %12.0f licences/s (%d licences, %d writers, %d failed)\n", "issue (sign + store, durable)",
                licences / seconds, licences, threads, failed.load());
    issued_total += licences;
  }

  // ---- status lists: two full lists (131,072 licences), every one revoked, rebuilt and signed ----
  {
    // The licences issued above are left valid; these fill the lists to 2 x kLicenceStatusListFill,
    // each revoked as it is issued (setup, not measured): every issued bit of the lists is set.
    const int64_t total = 2 * tb::domain::kLicenceStatusListFill;
    constexpr int kBatch = 4096;
    for (int64_t start = issued_total; start < total; start += kBatch) {
      const tb::Status s = ctx.store->Write([&](tb::ports::Transaction& tx) -> tb::Status {
        for (int64_t i = start; i < std::min<int64_t>(total, start + kBatch); ++i) {
          tb::domain::Application app;
          app.id = ids.NewId();
          app.enterprise = "91310000000000" + std::to_string(i);
          app.applicant_name = "bench";
          auto issued = tb::services::IssueLicence(ctx, tx, type, app, "bench", clock.Now());
          if (!issued.ok()) return issued.take_error();
          tb::domain::Licence l = issued->front();
          l.status = l.own_status = tb::domain::LicenceStatus::kRevoked;
          l.version += 1;
          if (tb::Status u = tx.licences().UpdateLicence(l); !u.ok()) return u;
        }
        return tb::Ok();
      });
      if (!s.ok()) return Fail(s.error());
    }
    for (const std::string list : {"1", "2"}) {
      const int rounds = 20;
      const auto start = Clock::now();
      size_t bytes = 0;
      for (int r = 0; r < rounds; ++r) {
        auto token = tb::services::StatusListCredential(ctx, list);
        if (!token.ok()) return Fail(token.error());
        bytes = token->size();
      }
      std::printf("%-52s %12.2f ms per rebuild + sign (%zu bytes of JWS)\n",
                  ("status list " + list + " (131,072 bits, ~65,536 licences)").c_str(),
                  1000 * SecondsSince(start) / rounds, bytes);
    }
  }
  return 0;
}
