// Server configuration: one YAML file (config/tongban.example.yaml documents every key), each
// setting also from the command line (the command line wins).
// Thread-safety: plain value type.
#pragma once

#include <optional>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "http/client.h"
#include "http/outbox_senders.h"
#include "http/server.h"

namespace tongban::app {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string database = "sqlite:var/tongban.db";
  std::string catalogue_dir = "catalogue";
  std::string web_dir = "web";
  std::string openapi_path = "docs/openapi.json";
  std::string keys_dir = "var/keys";
  // Session cookies marked Secure. Unset: Secure, except `serve --demo` on a loopback address
  // (plain http://127.0.0.1, where some browsers drop Secure cookies). See ResolveSecureCookies.
  std::optional<bool> secure_cookies;
  // The origin people reach the server at ("https://host[:port]"); sign-in refuses browsers whose
  // Origin differs. Empty: the Host header names it (the proxy must forward Host).
  std::string public_url;
  // Publish the catalogue folder at start when it differs from the latest version in the database
  // (development and the demo); in production `tongban catalogue publish` does it, with a reason.
  bool publish_catalogue = false;
  // How often a server looks for a newer catalogue version in the database.
  int catalogue_refresh_seconds = 10;
  // The languages the site offers ("zh", "en"), the default first: the switch on every page
  // shows only these and Accept-Language picks among them.
  std::vector<std::string> languages = {"zh", "en"};
  http::ServerOptions server;
  // The outbound HTTP client: its threads and the CA file it trusts for https (empty: the
  // system's store).
  http::HttpClientOptions outbound;
  // How long the signed trust list (GET /api/v1/trust-list) is valid: its "exp" - "iat".
  int trust_list_validity_hours = 24;
  // The platform's code in licence issuer ids (urn:tongban:<platform_code>:issuer:<department>):
  // `platform.code` (or the older top-level `platform_code`).
  std::string platform_code = "sh";
  // Federation (issue 14): the platform's name in zh and en (platform.name) and the public URL
  // peers reach it at (platform.url; empty: public_url, else http://<listen>).
  std::string platform_name_zh = "上海";
  std::string platform_name_en = "Shanghai";
  std::string platform_url;
  // federation.refresh_interval_seconds: how often each server looks for peers' lists to refresh.
  int federation_refresh_interval_seconds = 300;
  // licences.status_ttl_seconds: how long a status list credential is valid (offline verifiers
  // see a change within this time).
  int licence_status_ttl_seconds = 300;
  // data_sources: the address of each external dataset's department system, by dataset code, over
  // the catalogue's `source: {url}` (a department moved, a test's own port).
  std::map<std::string, std::string> data_sources;
  // Inbox messages by email and SMS (docs/operations.md "Email and SMS"): each sender is
  // registered only when its url is set. smtp.password and sms.token also come from the
  // environment (TONGBAN_SMTP_PASSWORD, TONGBAN_SMS_TOKEN), which wins over the file.
  http::SmtpOptions smtp;
  http::SmsOptions sms;
  // outbox: how often a failed send is tried again (services::OutboxPolicy).
  int outbox_max_attempts = 10;
  int outbox_first_retry_seconds = 30;
  int outbox_max_retry_seconds = 6 * 3600;
  // reminders.interval_seconds: how often each server looks for licences to remind of.
  int reminder_interval_seconds = 3600;
  // proactive.interval_seconds: how often each server runs the benefits-without-applying job
  // (services/proactive.h); it also runs once at start-up.
  int proactive_interval_seconds = 86400;
  // ratings: how many days after a case ends its applicant may rate it (also how long the signed
  // "rate this service" link in the message is valid), and how often each server escalates
  // overdue rectifications.
  int rating_period_days = 30;
  int rectification_escalation_interval_seconds = 3600;
  // verify.requests_per_minute: POST /api/v1/verify's requests per client address per minute
  // (throttle rows, so shared by every server); 0 turns the limit off.
  int verify_requests_per_minute = 120;
};

// Reads `path` over the defaults in `config`. kInvalidArgument as "path:line: reason" for an
// unreadable file, bad YAML, an unknown key or a value of the wrong type or range.
Status LoadConfigFile(const std::string& path, Config& config);
// Whether session cookies are Secure: the setting when given, else true unless `demo` listens on
// a loopback address (127.0.0.0/8, ::1, localhost).
bool ResolveSecureCookies(const Config& config, bool demo);
// Splits "HOST:PORT" into the server options. kInvalidArgument when malformed.
Status ApplyListen(const std::string& listen, http::ServerOptions& server);

}  // namespace tongban::app
