#include "app/config.h"

#include "domain/federation.h"

#include "domain/dataset.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fmt/format.h>
#include <set>

namespace tongban::app {
namespace {

struct Reader {
  const std::string& path;
  std::vector<std::string> errors;

  std::string At(const YAML::Node& node) const { return fmt::format("{}:{}", path, node.Mark().line + 1); }

  void String(const YAML::Node& node, const char* key, std::string& out) {
    const YAML::Node v = node[key];
    if (!v) return;
    if (!v.IsScalar()) {
      errors.push_back(fmt::format("{}: {} must be a text", At(v), key));
      return;
    }
    out = v.Scalar();
  }

  void Bool(const YAML::Node& node, const char* key, bool& out) {
    const YAML::Node v = node[key];
    if (!v) return;
    bool b = false;
    if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b)) {
      errors.push_back(fmt::format("{}: {} must be true or false", At(v), key));
      return;
    }
    out = b;
  }

  template <typename T>
  void Number(const YAML::Node& node, const char* key, T& out, long long min, long long max) {
    const YAML::Node v = node[key];
    if (!v) return;
    long long n = 0;
    const std::string& s = v.IsScalar() ? v.Scalar() : std::string();
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || n < min || n > max) {
      errors.push_back(fmt::format("{}: {} must be a whole number from {} to {}", At(v), key, min, max));
      return;
    }
    out = static_cast<T>(n);
  }

  void Known(const YAML::Node& node, const std::set<std::string>& keys) {
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      if (!keys.count(key)) errors.push_back(fmt::format("{}: unknown setting '{}'", At(kv.first), key));
    }
  }
};

}  // namespace

bool ResolveSecureCookies(const Config& config, bool demo) {
  if (config.secure_cookies) return *config.secure_cookies;
  const std::string& host = config.server.host;
  const bool loopback = host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
  return !(demo && loopback);
}

Status ApplyListen(const std::string& listen, http::ServerOptions& server) {
  const auto colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos && colon > 0) {
    const char* b = listen.data() + colon + 1;
    const char* e = listen.data() + listen.size();
    auto [p, ec] = std::from_chars(b, e, port);
    if (ec != std::errc() || p != e || b == e) port = -1;
  }
  if (port < 0 || port > 65535) {
    return MakeError(ErrorCode::kInvalidArgument,
                     fmt::format("listen address '{}' must be HOST:PORT, like 127.0.0.1:8080", listen));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  server.host = host;
  server.port = static_cast<uint16_t>(port);
  return Ok();
}

Status LoadConfigFile(const std::string& path, Config& config) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("{}:1: cannot be read", path));
  } catch (const YAML::Exception& e) {
    return MakeError(ErrorCode::kInvalidArgument, fmt::format("{}:{}: {}", path, e.mark.line + 1, e.msg));
  }
  if (root.IsNull()) return Ok();
  if (!root.IsMap()) return MakeError(ErrorCode::kInvalidArgument, fmt::format("{}:1: must be a map of settings", path));
  Reader r{path, {}};
  r.Known(root, {"listen", "database", "catalogue", "web", "openapi", "threads", "worker_threads", "limits", "languages", "trust_forwarded_for", "secure_cookies", "public_url", "access_log", "keys", "catalogue_refresh_seconds", "outbound", "trust_list", "platform_code", "licences", "data_sources", "smtp", "sms", "outbox", "reminders", "proactive",
                   "ratings", "platform", "federation", "verify"});
  r.String(root, "listen", config.listen);
  if (root["listen"] && root["listen"].IsScalar()) {
    auto s = ApplyListen(config.listen, config.server);
    if (!s.ok()) r.errors.push_back(fmt::format("{}: {}", r.At(root["listen"]), s.error().message));
  }
  r.String(root, "database", config.database);
  if (root["database"] && config.database.rfind("sqlite:", 0) != 0 && config.database.rfind("postgresql://", 0) != 0) {
    r.errors.push_back(fmt::format("{}: database must start with sqlite: or postgresql://", r.At(root["database"])));
  }
  r.String(root, "catalogue", config.catalogue_dir);
  r.String(root, "web", config.web_dir);
  r.String(root, "openapi", config.openapi_path);
  r.Number(root, "threads", config.server.threads, 1, 256);
  r.Number(root, "worker_threads", config.server.worker_threads, 1, 1024);
  r.Number(root, "catalogue_refresh_seconds", config.catalogue_refresh_seconds, 1, 3600);
  r.Bool(root, "trust_forwarded_for", config.server.trust_forwarded_for);
  if (root["secure_cookies"]) {
    bool secure = true;
    r.Bool(root, "secure_cookies", secure);
    config.secure_cookies = secure;
  }
  r.String(root, "public_url", config.public_url);
  if (root["public_url"] && !config.public_url.empty() && config.public_url.rfind("https://", 0) != 0 &&
      config.public_url.rfind("http://", 0) != 0) {
    r.errors.push_back(fmt::format("{}: public_url must be like https://tongban.example.gov.cn", r.At(root["public_url"])));
  }
  r.Bool(root, "access_log", config.server.access_log);
  if (const YAML::Node langs = root["languages"]) {
    std::vector<std::string> listed;
    if (!langs.IsSequence() || langs.size() == 0) {
      r.errors.push_back(fmt::format("{}: languages must be a list like [zh, en]", r.At(langs)));
    }
    for (const auto& l : langs) {
      if (!l.IsScalar() || (l.Scalar() != "zh" && l.Scalar() != "en")) {
        r.errors.push_back(fmt::format("{}: languages can only be zh and en", r.At(l)));
      } else if (std::find(listed.begin(), listed.end(), l.Scalar()) != listed.end()) {
        r.errors.push_back(fmt::format("{}: languages lists {} twice", r.At(l), l.Scalar()));
      } else {
        listed.push_back(l.Scalar());
      }
    }
    if (!listed.empty()) config.languages = listed;
  }
  if (const YAML::Node keys = root["keys"]) {
    if (!keys.IsMap()) {
      r.errors.push_back(fmt::format("{}: keys must be a map", r.At(keys)));
    } else {
      r.Known(keys, {"dir"});
      r.String(keys, "dir", config.keys_dir);
    }
  }
  if (const YAML::Node trust_list = root["trust_list"]) {
    if (!trust_list.IsMap()) {
      r.errors.push_back(fmt::format("{}: trust_list must be a map", r.At(trust_list)));
    } else {
      r.Known(trust_list, {"validity_hours"});
      r.Number(trust_list, "validity_hours", config.trust_list_validity_hours, 1, 24 * 366);
    }
  }
  if (const YAML::Node outbound = root["outbound"]) {
    if (!outbound.IsMap()) {
      r.errors.push_back(fmt::format("{}: outbound must be a map", r.At(outbound)));
    } else {
      r.Known(outbound, {"threads", "ca_file"});
      r.Number(outbound, "threads", config.outbound.threads, 1, 64);
      r.String(outbound, "ca_file", config.outbound.ca_file);
    }
  }
  if (const YAML::Node sources = root["data_sources"]) {
    if (!sources.IsMap()) {
      r.errors.push_back(fmt::format("{}: data_sources must be a map of dataset code to http(s) URL", r.At(sources)));
    } else {
      for (const auto& entry : sources) {
        const std::string dataset = entry.first.Scalar();
        if (!entry.second.IsScalar() || !domain::IsSourceUrl(entry.second.Scalar())) {
          r.errors.push_back(fmt::format("{}: data_sources.{} must be an http:// or https:// URL", r.At(entry.second), dataset));
          continue;
        }
        config.data_sources[dataset] = entry.second.Scalar();
      }
    }
  }
  r.String(root, "platform_code", config.platform_code);
  if (root["platform_code"] &&
      (config.platform_code.empty() || config.platform_code.size() > 16 ||
       config.platform_code.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") != std::string::npos)) {
    r.errors.push_back(fmt::format("{}: platform_code must be 1-16 lower-case letters or digits, like sh",
                                   r.At(root["platform_code"])));
  }
  if (const YAML::Node platform = root["platform"]) {
    if (!platform.IsMap()) {
      r.errors.push_back(fmt::format("{}: platform must be a map of code, name and url", r.At(platform)));
    } else {
      r.Known(platform, {"code", "name", "url"});
      r.String(platform, "code", config.platform_code);
      if (platform["code"] && !domain::IsPlatformCode(config.platform_code)) {
        r.errors.push_back(fmt::format("{}: platform.code must be 1-16 lower-case letters or digits, like sh",
                                       r.At(platform["code"])));
      }
      if (const YAML::Node name = platform["name"]) {
        if (!name.IsMap()) {
          r.errors.push_back(fmt::format("{}: platform.name must be a map of zh and en", r.At(name)));
        } else {
          r.Known(name, {"zh", "en"});
          r.String(name, "zh", config.platform_name_zh);
          r.String(name, "en", config.platform_name_en);
          if (config.platform_name_zh.empty() || config.platform_name_en.empty()) {
            r.errors.push_back(fmt::format("{}: platform.name needs both zh and en", r.At(name)));
          }
        }
      }
      r.String(platform, "url", config.platform_url);
      if (platform["url"] && config.platform_url.rfind("https://", 0) != 0 &&
          config.platform_url.rfind("http://", 0) != 0) {
        r.errors.push_back(fmt::format("{}: platform.url must be like https://tongban.sh.example.gov.cn",
                                       r.At(platform["url"])));
      }
      while (!config.platform_url.empty() && config.platform_url.back() == '/') config.platform_url.pop_back();
    }
  }
  if (const YAML::Node federation = root["federation"]) {
    if (!federation.IsMap()) {
      r.errors.push_back(fmt::format("{}: federation must be a map", r.At(federation)));
    } else {
      r.Known(federation, {"refresh_interval_seconds"});
      r.Number(federation, "refresh_interval_seconds", config.federation_refresh_interval_seconds, 1, 86400);
    }
  }
  if (const YAML::Node licences = root["licences"]) {
    if (!licences.IsMap()) {
      r.errors.push_back(fmt::format("{}: licences must be a map", r.At(licences)));
    } else {
      r.Known(licences, {"status_ttl_seconds"});
      r.Number(licences, "status_ttl_seconds", config.licence_status_ttl_seconds, 10, 86400);
    }
  }
  if (const YAML::Node smtp = root["smtp"]) {
    if (!smtp.IsMap()) {
      r.errors.push_back(fmt::format("{}: smtp must be a map", r.At(smtp)));
    } else {
      r.Known(smtp, {"url", "from", "user", "password", "tls", "timeout_seconds"});
      r.String(smtp, "url", config.smtp.url);
      r.String(smtp, "from", config.smtp.from);
      r.String(smtp, "user", config.smtp.user);
      r.String(smtp, "password", config.smtp.password);
      r.String(smtp, "tls", config.smtp.tls);
      r.Number(smtp, "timeout_seconds", config.smtp.timeout_seconds, 1, 600);
      if (!config.smtp.url.empty() && config.smtp.url.rfind("smtp://", 0) != 0 && config.smtp.url.rfind("smtps://", 0) != 0) {
        r.errors.push_back(fmt::format("{}: smtp.url must be like smtp://mail.example.gov.cn:587", r.At(smtp)));
      }
      if (!config.smtp.url.empty() && config.smtp.from.find('@') == std::string::npos) {
        r.errors.push_back(fmt::format("{}: smtp.from must be an address, like tongban@example.gov.cn", r.At(smtp)));
      }
      if (config.smtp.tls != "off" && config.smtp.tls != "try" && config.smtp.tls != "required") {
        r.errors.push_back(fmt::format("{}: smtp.tls must be off, try or required", r.At(smtp)));
      }
    }
  }
  if (const YAML::Node sms = root["sms"]) {
    if (!sms.IsMap()) {
      r.errors.push_back(fmt::format("{}: sms must be a map", r.At(sms)));
    } else {
      r.Known(sms, {"url", "token", "timeout_seconds"});
      r.String(sms, "url", config.sms.url);
      r.String(sms, "token", config.sms.token);
      r.Number(sms, "timeout_seconds", config.sms.timeout_seconds, 1, 600);
      if (!config.sms.url.empty() && config.sms.url.rfind("http://", 0) != 0 && config.sms.url.rfind("https://", 0) != 0) {
        r.errors.push_back(fmt::format("{}: sms.url must be an http:// or https:// URL", r.At(sms)));
      }
    }
  }
  if (const YAML::Node outbox = root["outbox"]) {
    if (!outbox.IsMap()) {
      r.errors.push_back(fmt::format("{}: outbox must be a map", r.At(outbox)));
    } else {
      r.Known(outbox, {"max_attempts", "first_retry_seconds", "max_retry_seconds"});
      r.Number(outbox, "max_attempts", config.outbox_max_attempts, 1, 100);
      r.Number(outbox, "first_retry_seconds", config.outbox_first_retry_seconds, 1, 86400);
      r.Number(outbox, "max_retry_seconds", config.outbox_max_retry_seconds, 1, 7 * 86400);
    }
  }
  if (const YAML::Node reminders = root["reminders"]) {
    if (!reminders.IsMap()) {
      r.errors.push_back(fmt::format("{}: reminders must be a map", r.At(reminders)));
    } else {
      r.Known(reminders, {"interval_seconds"});
      r.Number(reminders, "interval_seconds", config.reminder_interval_seconds, 1, 86400);
    }
  }
  if (const YAML::Node proactive = root["proactive"]) {
    if (!proactive.IsMap()) {
      r.errors.push_back(fmt::format("{}: proactive must be a map", r.At(proactive)));
    } else {
      r.Known(proactive, {"interval_seconds"});
      r.Number(proactive, "interval_seconds", config.proactive_interval_seconds, 60, 7 * 86400);
    }
  }
  if (const YAML::Node ratings = root["ratings"]) {
    if (!ratings.IsMap()) {
      r.errors.push_back(fmt::format("{}: ratings must be a map", r.At(ratings)));
    } else {
      r.Known(ratings, {"period_days", "escalation_interval_seconds"});
      r.Number(ratings, "period_days", config.rating_period_days, 1, 366);
      r.Number(ratings, "escalation_interval_seconds", config.rectification_escalation_interval_seconds, 1, 86400);
    }
  }
  if (const YAML::Node verify = root["verify"]) {
    if (!verify.IsMap()) {
      r.errors.push_back(fmt::format("{}: verify must be a map", r.At(verify)));
    } else {
      r.Known(verify, {"requests_per_minute"});
      r.Number(verify, "requests_per_minute", config.verify_requests_per_minute, 0, 1000000);
    }
  }
  if (const YAML::Node limits = root["limits"]) {
    if (!limits.IsMap()) {
      r.errors.push_back(fmt::format("{}: limits must be a map", r.At(limits)));
    } else {
      r.Known(limits, {"max_body_bytes", "read_timeout_seconds", "write_timeout_seconds", "idle_timeout_seconds",
                       "shutdown_grace_seconds", "max_connections", "max_connections_per_address", "worker_queue"});
      r.Number(limits, "max_body_bytes", config.server.max_body_bytes, 1024, 1LL << 30);
      r.Number(limits, "read_timeout_seconds", config.server.read_timeout_seconds, 1, 3600);
      r.Number(limits, "write_timeout_seconds", config.server.write_timeout_seconds, 1, 3600);
      r.Number(limits, "idle_timeout_seconds", config.server.idle_timeout_seconds, 1, 3600);
      r.Number(limits, "shutdown_grace_seconds", config.server.shutdown_grace_seconds, 0, 600);
      r.Number(limits, "max_connections", config.server.max_connections, 1, 1000000);
      r.Number(limits, "max_connections_per_address", config.server.max_connections_per_address, 0, 1000000);
      r.Number(limits, "worker_queue", config.server.worker_queue, 1, 1000000);
    }
  }
  if (r.errors.empty()) return Ok();
  std::string message;
  for (const auto& e : r.errors) message += (message.empty() ? "" : "\n") + e;
  return MakeError(ErrorCode::kInvalidArgument, message);
}

}  // namespace tongban::app
