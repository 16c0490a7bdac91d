// tongban: the command line (docs/api.md "Command line").
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <optional>
#include <string_view>
#include <thread>

#include "app/audit.h"
#include "app/catalogue_loader.h"
#include "app/config.h"
#include "app/data_load.h"
#include "app/demo_city.h"
#include "app/demo.h"
#include "app/demo_supervision.h"
#include "app/dept_source.h"
#include "app/periodic.h"
#include "app/verify_command.h"
#include "app/wiring.h"
#include "domain/dataset.h"
#include "http/i18n.h"
#include "http/server.h"
#include "services/accounts.h"
#include "services/access_log.h"
#include "services/api_keys.h"
#include "services/roles.h"
#include "services/reminders.h"
#include "services/proactive.h"
#include "app/federation_command.h"
#include "services/cross_province.h"
#include "services/ratings.h"
#include "services/rectifications.h"
#include "storage/sql_store.h"

namespace tb = tongban;

namespace {

int Fail(const std::string& what) {
  std::cerr << "tongban: " << what << "\n";
  return 2;
}

int Serve(tb::app::Config config, bool demo) {
  auto sys = tb::app::BuildSystem(config, /*with_routes=*/true);
  if (!sys.ok()) return Fail(sys.error().message);
  auto& system = **sys;
  system.catalogue_sync->RefreshEvery(std::chrono::seconds(config.catalogue_refresh_seconds));
  // Expired sessions, old login failures and sent outbox messages: every server may do it; the deletes are idempotent.
  tb::app::Periodic housekeeping(std::chrono::minutes(10), [&system] {
    auto pruned = tb::services::PruneExpired(system.ctx);
    if (!pruned.ok()) spdlog::warn("housekeeping failed: {}", pruned.error().message);
    auto outbox_pruned = tb::services::PruneSentOutbox(system.ctx);
    if (!outbox_pruned.ok()) spdlog::warn("outbox housekeeping failed: {}", outbox_pruned.error().message);
  });
  // The outbox: every server delivers what effects queued, under leases, at least once.
  std::unique_ptr<tb::app::Periodic> outbox;
  if (!system.outbox_senders.empty()) {
    const std::string worker = fmt::format("{}-{}", system.ids.NewId(), getpid());
    tb::services::OutboxPolicy policy;
    policy.max_attempts = config.outbox_max_attempts;
    policy.first_retry = std::chrono::seconds(config.outbox_first_retry_seconds);
    policy.max_retry = std::chrono::seconds(config.outbox_max_retry_seconds);
    outbox = std::make_unique<tb::app::Periodic>(std::chrono::seconds(1), [&system, worker, policy] {
      // Batch after batch while they come full, so a backlog drains at the senders' pace.
      while (true) {
        auto run = tb::services::DeliverOutbox(system.ctx, system.outbox_senders, worker, policy);
        if (!run.ok()) {
          spdlog::warn("outbox delivery failed: {}", run.error().message);
          break;
        }
        if (run->sent + run->retried + run->dead + run->lost < policy.batch) break;
      }
    });
  }
  // Expiry reminders 30 and 7 days ahead: every server looks; each reminder is written once.
  tb::app::Periodic reminders(std::chrono::seconds(config.reminder_interval_seconds), [&system] {
    auto run = tb::services::SendExpiryReminders(system.ctx);
    if (!run.ok()) spdlog::warn("expiry reminders failed: {}", run.error().message);
  });
  // Benefits without applying: daily on every server; each offer is created once (services/proactive.h).
  const auto run_proactive = [&system] {
    auto run = tb::services::RunProactiveJob(system.ctx);
    if (!run.ok()) {
      spdlog::warn("benefits without applying failed: {}", run.error().message);
    } else if (run->offered + run->proceeded + run->lapsed > 0) {
      spdlog::info("benefits without applying: {} offered, {} submitted, {} lapsed", run->offered, run->proceeded,
                   run->lapsed);
    }
  };
  tb::app::Periodic proactive(std::chrono::seconds(config.proactive_interval_seconds), run_proactive);
  // The access log's sequencer: every server runs it every kSequencerInterval; one per round holds the lock
  // (PostgreSQL advisory lock; SQLite's single writer), the others skip. Never on an I/O thread.
  if (auto log_key = system.keys->EnsureKey(tb::services::kLogKeyOwner); !log_key.ok()) {
    spdlog::warn("the access log's signing key could not be created: {}", log_key.error().message);
  }
  // Ratings: the key of the signed "rate this service" links, and the escalation of overdue
  // rectifications to the reform office (every server looks; each is escalated once).
  if (auto rating_key = system.keys->EnsureKey(tb::services::kRatingLinkKeyOwner); !rating_key.ok()) {
    spdlog::warn("the rating links' signing key could not be created: {}", rating_key.error().message);
  }
  tb::app::Periodic escalations(std::chrono::seconds(config.rectification_escalation_interval_seconds), [&system] {
    auto run = tb::services::EscalateOverdueRectifications(system.ctx);
    if (!run.ok()) spdlog::warn("rectification escalation failed: {}", run.error().message);
  });
  // Federation peers' trust lists, fetched again halfway through their validity (every server
  // looks; a refresh is idempotent). Off the serving threads; it waits on the outbound client.
  tb::app::Periodic federation(std::chrono::seconds(config.federation_refresh_interval_seconds), [&system] {
    auto run = tb::services::RunFederationJob(system.ctx, *system.outbound, /*all=*/false);
    if (!run.ok()) {
      spdlog::warn("federation refresh failed: {}", run.error().message);
    } else if (run->refreshed + run->failed > 0) {
      spdlog::info("federation: {} peers' lists refreshed, {} rotated, {} refused", run->refreshed, run->rotated,
                   run->failed);
    }
    // The items each peer handles for people of other provinces (跨省通办).
    if (auto items = tb::services::RefreshPeerItems(system.ctx, *system.outbound); !items.ok()) {
      spdlog::warn("federation items refresh failed: {}", items.error().message);
    }
  });
  tb::app::Periodic sequencer(tb::services::kSequencerInterval, [&system] {
    auto run = tb::services::SequenceQueued(system.ctx, tb::services::kSequencerBatch, tb::services::kSequencerRounds);
    if (!run.ok()) spdlog::warn("access log sequencing failed: {}", run.error().message);
  });
  if (demo) {
    auto accounts = tb::app::EnsureDemoAccounts(system.ctx);
    if (!accounts.ok()) return Fail(accounts.error().message);
    std::cout << "Demo accounts (password for all: " << tb::app::kDemoPassword << "):\n";
    for (const auto& a : *accounts) {
      std::cout << fmt::format("  {:<27} {:<17} {:<26} {}\n", a.username, a.role, a.scope, a.name);
    }
  }
  if (demo) {
    // A small generated city when the datasets are empty, so that the demo has data to show.
    auto exists = tb::app::CityExists(system.ctx);
    if (!exists.ok()) return Fail(exists.error().message);
    if (!*exists) {
      tb::app::CityOptions city;
      city.persons = 2000;
      city.enterprises = 200;
      city.today = tb::LocalDate(system.ctx.clock->Now());
      auto made = tb::app::GenerateCity(system.ctx, city);
      if (!made.ok()) return Fail(made.error().message);
      std::cout << fmt::format("Generated a demo city: {} persons, {} enterprises, {} records.\n", made->persons,
                               made->enterprises, made->records);
    }
  }
  if (demo) {
    auto keys = tb::app::EnsureDemoSigningKeys(system.ctx);
    if (!keys.ok()) return Fail(keys.error().message);
    if (*keys > 0) std::cout << "Created " << *keys << " signing keys (the access log and each issuing department).\n";
  }
  if (demo) {
    auto licences = tb::app::EnsureDemoLicences(system.ctx);
    if (!licences.ok()) return Fail(licences.error().message);
    if (*licences > 0) std::cout << "Issued " << *licences << " demo licences (王芳's enterprise, 张伟).\n";
  }
  if (demo) {
    auto records = tb::app::EnsureDemoSupervision(system.ctx);
    if (!records.ok()) return Fail(records.error().message);
    if (*records > 0) std::cout << "Recorded " << *records << " demo supervision records (王芳's enterprise).\n";
  }
  if (demo && config.secure_cookies.value_or(true)) {
    std::cout << "Session cookies are marked Secure: browsers keep them over HTTPS only. To sign in over plain\n"
                 "HTTP from another machine, add --secure-cookies false (never in production).\n";
  }
  // The job's first run at start-up (after the demo city exists), off the serving threads.
  std::jthread first_proactive_run(run_proactive);
  const std::string url = config.server.host + ":";
  tb::http::ServerHooks hooks;
  hooks.handler = [&system](tb::http::Request& req) { return system.router.Dispatch(req); };
  hooks.inline_handler = [&system](tb::http::Request& req) { return system.router.DispatchInline(req); };
  hooks.error_text = [&system](const tb::http::Request& req, std::string_view key) {
    return system.i18n.T(tb::http::RequestLanguage(req, system.i18n.Offered()), key);
  };
  hooks.on_ready = [url](uint16_t port) {
    // One write: a log line from another thread (the start-up job) cannot split the address that
    // scripts and tests read from this line.
    std::cout << fmt::format("Tongban is serving on http://{}{}/\n", url, port) << std::flush;
  };
  return tb::http::RunServer(config.server, std::move(hooks));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Tongban (通办): one system for every public service"};
  app.require_subcommand(1);

  tb::app::Config config;
  // Serve's options: each, when given, wins over the configuration file.
  std::string config_file, db, listen;
  std::optional<std::string> catalogue_dir, web_dir, openapi_path, keys_dir, public_url, outbound_ca_file;
  std::optional<size_t> max_body_bytes, max_connections, max_connections_per_address, worker_queue;
  std::optional<int> threads, worker_threads, refresh_seconds, read_timeout, write_timeout, idle_timeout, shutdown_grace;
  std::optional<bool> access_log, secure_cookies;
  std::vector<std::string> languages, data_sources;
  bool demo = false, trust_forwarded_for = false, publish_catalogue = false;
  auto* serve = app.add_subcommand("serve", "Start the HTTP server");
  serve->add_option("--config", config_file, "YAML configuration file (see config/tongban.example.yaml)");
  serve->add_option("--db", db, "Database URL: sqlite:PATH or postgresql://...");
  serve->add_option("--listen", listen, "HOST:PORT to listen on");
  serve->add_option("--catalogue", catalogue_dir, "Catalogue folder");
  serve->add_option("--web", web_dir, "Templates, static files and texts");
  serve->add_option("--threads", threads, "I/O threads (read and write connections)")->check(CLI::Range(1, 256));
  serve->add_option("--worker-threads", worker_threads, "Threads that handle requests")->check(CLI::Range(1, 1024));
  serve->add_option("--worker-queue", worker_queue, "Requests waiting for a worker thread at most; more get 503")
      ->check(CLI::Range(1, 1000000));
  serve->add_option("--max-body-bytes", max_body_bytes, "Largest request body");
  serve->add_flag("--trust-forwarded-for", trust_forwarded_for, "Client address from X-Forwarded-For");
  serve->add_flag("--demo", demo,
                  "Create the demo accounts when missing and print them; publish the catalogue folder when it changed");
  serve->add_flag("--publish-catalogue", publish_catalogue,
                  "Publish the catalogue folder at start when it differs from the database's latest version");
  serve->add_option("--catalogue-refresh-seconds", refresh_seconds, "How often to look for a newer catalogue version")
      ->check(CLI::Range(1, 3600));
  serve->add_option("--openapi", openapi_path, "The OpenAPI document served at /api/v1/openapi.json");
  serve->add_option("--keys-dir", keys_dir, "Folder of signing keys");
  serve->add_option("--read-timeout-seconds", read_timeout, "A whole request must arrive within this")
      ->check(CLI::Range(1, 3600));
  serve->add_option("--write-timeout-seconds", write_timeout)->check(CLI::Range(1, 3600));
  serve->add_option("--idle-timeout-seconds", idle_timeout, "Keep-alive connections without a request")
      ->check(CLI::Range(1, 3600));
  serve->add_option("--shutdown-grace-seconds", shutdown_grace, "How long SIGTERM waits for requests in flight")
      ->check(CLI::Range(0, 600));
  serve->add_option("--max-connections", max_connections,
                    "Open connections at most; at the limit a new one closes the longest-idle one")
      ->check(CLI::Range(1, 1000000));
  serve->add_option("--max-connections-per-address", max_connections_per_address,
                    "Open connections from one client address at most (0: no limit; not applied with "
                    "--trust-forwarded-for)")
      ->check(CLI::Range(0, 1000000));
  serve->add_option("--access-log", access_log, "One JSON line per request on standard output (true/false)");
  serve->add_option("--secure-cookies", secure_cookies,
                    "Mark session cookies Secure (true/false; default true, except --demo on a loopback address)");
  serve->add_option("--public-url", public_url, "The https://host[:port] people use; sign-in refuses other origins");
  serve->add_option("--outbound-ca-file", outbound_ca_file,
                    "PEM file of CAs trusted for https calls to other systems (default: the system's store)");
  serve->add_option("--languages", languages, "Languages offered, the default first: zh,en (the default), en,zh, zh or en")
      ->check(CLI::IsMember({"zh", "en"}))
      ->delimiter(',');
  serve->add_option("--data-source", data_sources,
                    "DATASET=URL: where an external dataset's department system answers (over the catalogue's url)");

  auto* migrate = app.add_subcommand("migrate", "Create or upgrade the database schema");
  migrate->add_option("--db", db, "Database URL")->required();

  auto* user = app.add_subcommand("user", "Manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "Create a user");
  tb::services::NewUser new_user;
  std::string role_name;
  bool password_stdin = false;
  user_add->add_option("--db", db, "Database URL")->required();
  user_add->add_option("--username", new_user.username)->required();
  user_add->add_flag("--password-stdin", password_stdin, "Read the password from standard input")->required();
  user_add->add_option("--role", role_name, "citizen, enterprise_agent, clerk, reviewer, data_owner, supervisor, admin, reform_office")
      ->required();
  user_add->add_option("--department", new_user.department);
  user_add->add_option("--centre", new_user.centre);
  user_add->add_option("--person", new_user.person_id, "Resident id (created when missing)");
  user_add->add_option("--name", new_user.name);
  user_add->add_option("--enterprise", new_user.enterprise, "Credit code of the enterprise");
  user_add->add_option("--catalogue", config.catalogue_dir);
  user_add->add_option("--by", new_user.created_by, "Who creates it (kept with an official's first role)");
  // Role grants are decision records (services/roles.h): who, when and a required reason.
  tb::services::RoleChangeRequest role_change;
  role_change.by = "cli";
  auto* grant_role = user->add_subcommand("grant-role", "Grant a role to an official account, with a reason");
  auto* withdraw_role = user->add_subcommand("withdraw-role", "Withdraw a role of an official account, with a reason");
  for (CLI::App* sub : {grant_role, withdraw_role}) {
    sub->add_option("--db", db, "Database URL")->required();
    sub->add_option("--username", role_change.username)->required();
    sub->add_option("--role", role_change.role, "clerk, reviewer, data_owner, supervisor, admin, reform_office")
        ->required();
    sub->add_option("--reason", role_change.reason, "Why (kept with the change)")->required();
    sub->add_option("--by", role_change.by, "Who decided it (kept with the change)");
  }

  auto* demo_cmd = app.add_subcommand("demo", "Demo data");
  demo_cmd->require_subcommand(1);
  auto* generate = demo_cmd->add_subcommand("generate", "Generate persons and enterprises");
  int64_t persons = 0, enterprises = 0;
  uint64_t seed = 1;
  generate->add_option("--persons", persons, "Persons besides the demo accounts' people")->check(CLI::Range(0, 30000000));
  generate->add_option("--enterprises", enterprises, "Enterprises besides the demo enterprise")
      ->check(CLI::Range(0, 10000000));
  generate->add_option("--seed", seed, "The same seed (and day) gives the same city");
  generate->add_option("--db", db, "Database URL");
  generate->add_option("--catalogue", catalogue_dir, "Catalogue folder (its districts and datasets)");

  auto* data_cmd = app.add_subcommand("data", "The city's datasets");
  data_cmd->require_subcommand(1);
  auto* data_load = data_cmd->add_subcommand("load", "Load a file of records into a dataset, all or nothing");
  std::string load_dataset, load_file;
  data_load->add_option("DATASET", load_dataset, "The dataset's code, e.g. population")->required();
  data_load->add_option("FILE", load_file, "CSV with a header row (.csv) or JSON Lines (.jsonl)")->required();
  data_load->add_option("--db", db, "Database URL")->required();
  data_load->add_option("--catalogue", catalogue_dir, "Catalogue folder (its datasets)");

  auto* catalogue = app.add_subcommand("catalogue", "Service catalogue");
  catalogue->require_subcommand(1);
  auto* check = catalogue->add_subcommand("check", "Validate a catalogue folder without starting");
  std::string check_dir;
  check->add_option("DIR", check_dir)->required();
  auto* publish = catalogue->add_subcommand("publish", "Validate a catalogue folder and publish it as the next version");
  std::string publish_reason, publish_by = "cli";
  publish->add_option("DIR", check_dir)->required();
  publish->add_option("--db", db, "Database URL")->required();
  publish->add_option("--reason", publish_reason, "Why this version (kept with it)")->required();
  publish->add_option("--by", publish_by, "Who publishes it (kept with it)");

  auto* keys_cmd = app.add_subcommand("keys", "The platform's signing keys");
  keys_cmd->require_subcommand(1);
  auto* rotate = keys_cmd->add_subcommand(
      "rotate", "Add a new active key for an issuer or a purpose; the old key stays for verification");
  std::string rotate_issuer, rotate_purpose;
  rotate->add_option("--issuer", rotate_issuer, "Department code of a licence issuer");
  rotate->add_option("--purpose", rotate_purpose, "A platform purpose")
      ->check(CLI::IsMember({"log", "identity", "trust_list", "federation", "status", "outbound"}));
  rotate->add_option("--db", db, "Database URL")->required();
  rotate->add_option("--keys-dir", keys_dir, "Folder of the key-encryption key (keys.dir)");
  rotate->add_option("--config", config_file, "YAML configuration file");

  // Supervision systems' API keys (services/api_keys.h; docs/operations.md "API keys").
  auto* apikey_cmd = app.add_subcommand("apikey", "Supervision systems' API keys");
  apikey_cmd->require_subcommand(1);
  auto* apikey_add = apikey_cmd->add_subcommand("add", "Create a key for a department; the key is printed once");
  std::string apikey_department, apikey_name, apikey_id, apikey_by = "cli";
  apikey_add->add_option("--db", db, "Database URL")->required();
  apikey_add->add_option("--department", apikey_department, "Department code the key records for")->required();
  apikey_add->add_option("--name", apikey_name, "The supervision system it is given to")->required();
  apikey_add->add_option("--by", apikey_by, "Who creates it (kept with it)");
  apikey_add->add_option("--catalogue", catalogue_dir, "Catalogue folder (its departments)");
  auto* apikey_revoke = apikey_cmd->add_subcommand("revoke", "Revoke a key: it is refused from then on");
  apikey_revoke->add_option("--db", db, "Database URL")->required();
  apikey_revoke->add_option("--id", apikey_id, "The key's id (apikey list shows it)")->required();
  apikey_revoke->add_option("--by", apikey_by, "Who revokes it (kept with it)");
  auto* apikey_list = apikey_cmd->add_subcommand("list", "List the keys (never the keys themselves)");
  apikey_list->add_option("--db", db, "Database URL")->required();

  auto* audit = app.add_subcommand("audit", "Audit the access log from outside");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand(
      "verify", "Fetch signed tree heads over time; check each signature and consistency proof");
  tb::app::AuditOptions audit_options;
  audit_verify->add_option("--url", audit_options.url, "The server's base URL")->required();
  audit_verify->add_option("--interval", audit_options.interval_seconds, "Seconds between heads")
      ->check(CLI::Range(0, 86400));
  audit_verify->add_option("--count", audit_options.count, "How many heads to fetch")->check(CLI::Range(1, 1000000));
  audit_verify->add_option("--state", audit_options.state_file, "File of the last verified head (read, then written)");

  // The stand-in department system serving an external dataset (issue 9 item 8).
  tb::app::DeptSourceOptions dept_options;
  auto* dept_source = app.add_subcommand(
      "dept-source", "Serve one external dataset as a department's own system would (tests and the demo)");
  dept_source->add_option("--listen", dept_options.listen, "HOST:PORT to listen on (default 127.0.0.1:8091)");
  dept_source->add_option("--dataset", dept_options.dataset, "The dataset served, e.g. medical_insurance")->required();
  dept_source->add_option("--path", dept_options.path, "The path answered (default /records/DATASET)");
  dept_source->add_option("--records", dept_options.records_file, "JSON Lines of records");
  dept_source->add_option("--db", dept_options.db, "Or a database whose records table holds the dataset");
  dept_source->add_option("--jwks-url", dept_options.jwks_url, "The platform's /.well-known/jwks.json")->required();
  dept_source->add_option("--window-seconds", dept_options.window_seconds, "Accepted clock difference of a signature")
      ->check(CLI::Range(1, 3600));

  auto* jobs = app.add_subcommand("jobs", "The platform's periodic jobs");
  jobs->require_subcommand(1);
  auto* jobs_run = jobs->add_subcommand("run", "Run a periodic job once now, as the servers do (operators, tests)");
  std::string job_name;
  jobs_run->add_option("JOB", job_name,
                       "The job: proactive (benefits without applying), federation (peers' trust lists due)")
      ->required()
      ->check(CLI::IsMember({"proactive", "federation"}));
  bool jobs_all = false;
  jobs_run->add_flag("--all", jobs_all, "federation: refresh every peer now, not only those due");

  // Federation peers (services/federation.h; docs/operations.md "Federation").
  auto* federation_cmd = app.add_subcommand("federation", "Peers of the federation (other platforms trusted)");
  federation_cmd->require_subcommand(1);
  tb::app::FederationCommand federation_command;
  auto* add_peer = federation_cmd->add_subcommand(
      "add-peer", "Trust a peer: fetch its platform document and trust list, check them against the fingerprint");
  add_peer->add_option("--code", federation_command.code, "The peer's platform code, e.g. zj")->required();
  add_peer->add_option("--url", federation_command.url, "The peer's public URL")->required();
  add_peer->add_option("--fingerprint", federation_command.fingerprint,
                       "RFC 7638 thumbprint of the peer's list key (its GET /api/v1/platform), obtained out of band")
      ->required();
  auto* remove_peer = federation_cmd->add_subcommand("remove-peer", "Stop trusting a peer, at once");
  remove_peer->add_option("--code", federation_command.code, "The peer's platform code")->required();
  auto* list_peers = federation_cmd->add_subcommand("list-peers", "The peers, their fingerprints and lists");
  auto* export_lists = federation_cmd->add_subcommand(
      "export-lists", "Write the peers' cached trust lists to a file for tongban verify --peer-lists");
  export_lists->add_option("--out", federation_command.out_file, "The file to write")->required();
  for (CLI::App* sub : {add_peer, remove_peer, list_peers, export_lists}) {
    sub->add_option("--db", db, "Database URL")->required();
    sub->add_option("--config", config_file, "YAML configuration file (platform.code)");
    sub->add_option("--keys-dir", keys_dir, "Folder of the key-encryption key (keys.dir)");
  }
  jobs_run->add_option("--db", db, "Database URL")->required();
  jobs_run->add_option("--catalogue", catalogue_dir, "Catalogue folder");

  auto* routes = app.add_subcommand("routes", "Print every route the server answers (METHOD PATTERN)");
  routes->add_option("--db", db, "Database URL")->required();

  tb::app::VerifyCommand verify_command;
  auto* verify = app.add_subcommand("verify", "Verify a licence credential, QR token or presentation offline");
  verify->add_option("token", verify_command.token, "The token (- reads standard input)");
  verify->add_option("--trust-list", verify_command.trust_list_file, "The trust list (GET /api/v1/trust-list)");
  verify->add_option("--status-list", verify_command.status_list_files,
                     "A status list credential (GET /api/v1/status-lists/ID); repeat for each list");
  verify->add_option("--audience", verify_command.audience, "The audience a presentation must be for");
  verify->add_option("--nonce", verify_command.nonce, "The nonce a presentation must carry");
  verify->add_option("--peer-lists", verify_command.peer_lists_file,
                     "Peers' trust lists (tongban federation export-lists) for their licences");
  verify->add_option("--db", verify_command.db, "Read the peers' cached trust lists from this database");
  verify->add_option("--lang", verify_command.lang, "Language of the reasons (zh or en)");
  verify->add_option("--web", verify_command.web_dir, "Folder of the texts (web/)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    // `tongban verify` promises 2 for bad usage.
    return rc != 0 && argc > 1 && std::string_view(argv[1]) == "verify" ? 2 : rc;
  }
  if (verify->parsed()) return tb::app::RunVerifyCommand(verify_command);

  if (audit_verify->parsed()) return tb::app::AuditVerify(audit_options, std::cout, std::cerr);
  if (dept_source->parsed()) return tb::app::RunDeptSource(dept_options);

  if (check->parsed()) {
    auto loaded = tb::app::LoadCatalogue(check_dir);
    if (!loaded.ok()) {
      std::cerr << loaded.error().message << "\n";
      return 1;
    }
    std::cout << fmt::format("{}: {} departments, {} districts, {} centres, {} items, {} bundles: OK\n", check_dir,
                             loaded->catalogue->departments().size(), loaded->catalogue->districts().size(),
                             loaded->catalogue->centres().size(), loaded->catalogue->items().size(),
                             loaded->catalogue->bundles().size());
    return 0;
  }

  if (!config_file.empty()) {
    auto loaded = tb::app::LoadConfigFile(config_file, config);
    if (!loaded.ok()) return Fail(loaded.error().message);
  }
  if (!db.empty()) config.database = db;
  if (!listen.empty()) {
    config.listen = listen;
    auto s = tb::app::ApplyListen(listen, config.server);
    if (!s.ok()) return Fail(s.error().message);
  }
  if (catalogue_dir) config.catalogue_dir = *catalogue_dir;
  if (web_dir) config.web_dir = *web_dir;
  if (threads) config.server.threads = *threads;
  if (worker_threads) config.server.worker_threads = *worker_threads;
  if (worker_queue) config.server.worker_queue = *worker_queue;
  if (max_body_bytes) config.server.max_body_bytes = *max_body_bytes;
  if (refresh_seconds) config.catalogue_refresh_seconds = *refresh_seconds;
  if (openapi_path) config.openapi_path = *openapi_path;
  if (keys_dir) config.keys_dir = *keys_dir;
  if (read_timeout) config.server.read_timeout_seconds = *read_timeout;
  if (write_timeout) config.server.write_timeout_seconds = *write_timeout;
  if (idle_timeout) config.server.idle_timeout_seconds = *idle_timeout;
  if (shutdown_grace) config.server.shutdown_grace_seconds = *shutdown_grace;
  if (max_connections) config.server.max_connections = *max_connections;
  if (max_connections_per_address) config.server.max_connections_per_address = *max_connections_per_address;
  if (access_log) config.server.access_log = *access_log;
  if (secure_cookies) config.secure_cookies = *secure_cookies;
  if (public_url) config.public_url = *public_url;
  if (outbound_ca_file) config.outbound.ca_file = *outbound_ca_file;
  if (!languages.empty()) config.languages = languages;
  for (const std::string& source : data_sources) {
    const size_t eq = source.find('=');
    if (eq == std::string::npos || eq == 0 || !tb::domain::IsSourceUrl(source.substr(eq + 1))) {
      return Fail("--data-source must be DATASET=http(s)://..., not '" + source + "'");
    }
    config.data_sources[source.substr(0, eq)] = source.substr(eq + 1);
  }
  config.secure_cookies = tb::app::ResolveSecureCookies(config, demo);
  config.server.trust_forwarded_for = config.server.trust_forwarded_for || trust_forwarded_for;
  config.publish_catalogue = publish_catalogue || demo;

  if (serve->parsed()) return Serve(config, demo);

  if (migrate->parsed()) {
    auto store = tb::storage::OpenStore(config.database);
    if (!store.ok()) return Fail(store.error().message);
    std::cout << "Database is up to date.\n";
    return 0;
  }

  if (routes->parsed()) {
    auto sys = tb::app::BuildSystem(config, /*with_routes=*/true);
    if (!sys.ok()) return Fail(sys.error().message);
    for (const auto& r : (*sys)->router.Routes()) std::cout << r.method << " " << r.pattern << "\n";
    return 0;
  }

  auto sys = tb::app::BuildSystem(config, /*with_routes=*/false);
  if (!sys.ok()) return Fail(sys.error().message);
  if (publish->parsed()) {
    auto version = tb::app::PublishCatalogueFolder((*sys)->ctx, check_dir, publish_by, publish_reason);
    if (!version.ok()) return Fail(version.error().message);
    std::cout << "Catalogue version " << *version << " is the latest.\n";
    return 0;
  }
  if (rotate->parsed()) {
    if (rotate_issuer.empty() == rotate_purpose.empty()) return Fail("keys rotate: give --issuer DEPT or --purpose P");
    tb::ports::KeyOwner owner{tb::ports::KeyOwnerKind::kPurpose, rotate_purpose};
    if (!rotate_issuer.empty()) {
      if ((*sys)->ctx.Catalogue()->FindDepartment(rotate_issuer) == nullptr) {
        return Fail("keys rotate: no department '" + rotate_issuer + "' in the catalogue");
      }
      owner = {tb::ports::KeyOwnerKind::kIssuer, rotate_issuer};
    }
    auto key = (*sys)->keys->Rotate(owner);
    if (!key.ok()) return Fail(key.error().message);
    std::cout << fmt::format("New active key {} for {} {}; earlier keys stay in /.well-known/jwks.json.\n", key->kid,
                             tb::ports::KeyOwnerKindName(owner.kind), owner.code);
    return 0;
  }
  if (apikey_add->parsed()) {
    auto created = tb::services::CreateApiKey((*sys)->ctx, apikey_by, apikey_department, apikey_name);
    if (!created.ok()) return Fail(created.error().message);
    // The only time the key is shown: it is stored hashed and cannot be recovered.
    std::cout << fmt::format("API key {} for {} ({}):\n{}\nKeep it secret: it is shown only now.\n", created->key.id,
                             created->key.department, created->key.name, created->secret);
    return 0;
  }
  if (apikey_revoke->parsed()) {
    auto revoked = tb::services::RevokeApiKey((*sys)->ctx, apikey_by, apikey_id);
    if (!revoked.ok()) return Fail(revoked.error().message);
    std::cout << fmt::format("API key {} ({}) is revoked.\n", revoked->id, revoked->name);
    return 0;
  }
  if (apikey_list->parsed()) {
    auto keys = tb::services::ListApiKeys((*sys)->ctx);
    if (!keys.ok()) return Fail(keys.error().message);
    for (const auto& k : *keys) {
      std::cout << fmt::format("{}  {:<12} {:<8} {}  {}\n", k.id, k.department, k.revoked_at ? "revoked" : "active",
                               tb::FormatRfc3339(k.created_at), k.name);
    }
    return 0;
  }
  if (user_add->parsed()) {
    auto role = tb::domain::ParseRole(role_name);
    if (!role) return Fail("unknown role '" + role_name + "'");
    new_user.role = *role;
    if (!std::getline(std::cin, new_user.password)) return Fail("no password on standard input");
    auto created = tb::services::CreateUser((*sys)->ctx, new_user);
    if (!created.ok()) return Fail(created.error().message);
    std::cout << "Created user " << created->username << " (" << created->id << ").\n";
    return 0;
  }
  if (grant_role->parsed() || withdraw_role->parsed()) {
    const bool grant = grant_role->parsed();
    auto changed = grant ? tb::services::GrantRole((*sys)->ctx, role_change)
                         : tb::services::WithdrawRole((*sys)->ctx, role_change);
    if (!changed.ok()) return Fail(changed.error().message);
    std::cout << fmt::format("{} {} {} ({}).\n", grant ? "Granted" : "Withdrew", changed->username,
                             role_change.role, changed->id);
    return 0;
  }
  if (generate->parsed()) {
    tb::app::CityOptions city;
    city.persons = persons;
    city.enterprises = enterprises;
    city.seed = seed;
    city.today = tb::LocalDate((*sys)->ctx.clock->Now());
    const auto started = std::chrono::steady_clock::now();
    auto rate = [started](const tb::app::CityStats& s) {
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      return fmt::format("{} persons, {} enterprises, {} records in {:.1f} s ({:.0f} records/s)", s.persons,
                         s.enterprises, s.records, seconds, seconds > 0 ? s.records / seconds : 0.0);
    };
    auto made = tb::app::GenerateCity((*sys)->ctx, city, [&](const tb::app::CityStats& s) {
      std::cerr << "\rgenerating: " << rate(s) << std::flush;
    });
    std::cerr << "\n";
    if (!made.ok()) return Fail(made.error().message);
    std::cout << "Generated " << rate(*made) << ".\n";
    return 0;
  }
  if (jobs_run->parsed() && job_name == "federation") {
    return tb::app::RunFederationJobCommand(**sys, jobs_all, std::cout, std::cerr);
  }
  for (CLI::App* sub : {add_peer, remove_peer, list_peers, export_lists}) {
    if (!sub->parsed()) continue;
    federation_command.action = sub->get_name();
    return tb::app::RunFederationCommand(**sys, federation_command, std::cout, std::cerr);
  }
  if (jobs_run->parsed()) {
    auto run = tb::services::RunProactiveJob((*sys)->ctx);
    if (!run.ok()) return Fail(run.error().message);
    std::cout << fmt::format("Benefits without applying: {} candidates, {} offered, {} submitted, {} lapsed.\n",
                             run->candidates, run->offered, run->proceeded, run->lapsed);
    return 0;
  }
  if (data_load->parsed()) {
    auto loaded = tb::app::LoadDatasetFile((*sys)->ctx, load_dataset, load_file);
    if (!loaded.ok()) return Fail(loaded.error().message);
    if (!loaded->written) {
      for (const std::string& p : loaded->problems) std::cerr << p << "\n";
      if (loaded->bad_rows > static_cast<int64_t>(loaded->problems.size())) {
        std::cerr << fmt::format("... and {} more\n", loaded->bad_rows - static_cast<int64_t>(loaded->problems.size()));
      }
      std::cerr << fmt::format("tongban: {} of {} rows are bad; nothing was loaded.\n", loaded->bad_rows, loaded->rows);
      return 1;
    }
    std::cout << fmt::format("Loaded {} records into {}.\n", loaded->rows, load_dataset);
    return 0;
  }
  return 0;
}
