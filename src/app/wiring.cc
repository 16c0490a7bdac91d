#include "app/wiring.h"

#include <cstdlib>
#include <filesystem>

#include "app/catalogue_sync.h"
#include "services/applications.h"
#include "services/identity_code.h"
#include "services/keys.h"
#include "services/verification.h"
#include "services/licences.h"
#include "services/messages.h"
#include "services/bundles.h"
#include "services/ratings.h"
#include "services/metrics.h"
#include "app/key_encryption_key.h"
#include "storage/sql_store.h"
#include "http/outbox_senders.h"
#include "services/cross_province.h"
#include "http/data_request_codec.h"
#include "services/data_requests.h"

namespace tongban::app {

std::string ResolveDataPath(const std::string& relative) {
  namespace fs = std::filesystem;
  if (fs::path(relative).is_absolute() || fs::exists(relative)) return relative;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path beside = exe.parent_path().parent_path() / relative;
    if (fs::exists(beside)) return beside.string();
  }
  return relative;
}

Result<std::unique_ptr<System>> BuildSystem(const Config& config, bool with_routes) {
  if (!crypto::InitCrypto()) return MakeError(ErrorCode::kInternal, "libsodium could not be initialised");
  auto sys = std::make_unique<System>();
  sys->config = config;
  TB_ASSIGN_OR_RETURN(sys->store, storage::OpenStore(config.database, storage::StoreOptions{}));
  sys->ctx.store = sys->store.get();
  sys->ctx.clock = &sys->clock;
  sys->ctx.ids = &sys->ids;
  sys->ctx.hasher = &sys->hasher;
  sys->ctx.effects = &sys->effects;
  sys->ctx.licence_format = &sys->licence_format;
  sys->ctx.status_source = &sys->stored_licences;
  sys->ctx.licence_source = &sys->stored_licences;
  sys->ctx.platform_code = config.platform_code;
  sys->ctx.public_base_url = config.public_url.empty() ? "http://" + config.listen : config.public_url;
  while (!sys->ctx.public_base_url.empty() && sys->ctx.public_base_url.back() == '/') sys->ctx.public_base_url.pop_back();
  sys->ctx.licence_status_ttl_seconds = config.licence_status_ttl_seconds;
  // Federation (issue 14): the platform's names and the URL peers reach it at.
  sys->ctx.platform_name_zh = config.platform_name_zh;
  sys->ctx.platform_name_en = config.platform_name_en;
  sys->ctx.platform_url = config.platform_url;
  sys->ctx.federation_codec = &sys->federation_codec;
  services::RegisterLicenceEffects(sys->effects);
  services::RegisterMessageEffects(sys->effects);
  services::RegisterBundleEffects(sys->effects);
  services::RegisterRatingEffects(sys->effects);
  services::RegisterMetricsEffects(sys->effects);
  services::RegisterCrossProvinceEffects(sys->effects);
  services::RegisterCrossProvinceHandlers(sys->federation_handlers);
  services::RegisterDataRequestHandler(sys->federation_handlers, http::DataRequestJson());
  // Applications made before reference numbers existed get theirs before anyone looks them up.
  TB_RETURN_IF_ERROR(services::AssignMissingReferences(sys->ctx));
  TB_ASSIGN_OR_RETURN(std::string kek, LoadKeyEncryptionKey(config.keys_dir));
  TB_ASSIGN_OR_RETURN(sys->keys, crypto::SealedKeyStore::Create(*sys->store, sys->clock, std::move(kek)));
  sys->ctx.keys = sys->keys.get();
  sys->ctx.tokens = &sys->tokens;
  sys->ctx.trust_cache = &sys->trust_cache;
  sys->ctx.trust_list_validity_hours = config.trust_list_validity_hours;
  sys->ctx.rating_period_days = config.rating_period_days;
  sys->ctx.log_tree = &sys->log_tree;
  TB_ASSIGN_OR_RETURN(sys->outbound, http::HttpClient::Create(config.outbound));
  sys->external.http = sys->outbound.get();
  sys->external.urls = config.data_sources;
  sys->ctx.external = &sys->external;
  sys->catalogue_sync = std::make_unique<CatalogueSync>(sys->ctx);
  TB_RETURN_IF_ERROR(sys->catalogue_sync->Start(ResolveDataPath(config.catalogue_dir), config.publish_catalogue));
  // Every department that issues licences can sign them from the first approval on.
  TB_ASSIGN_OR_RETURN(const int issuer_keys, services::EnsureLicenceIssuerKeys(sys->ctx));
  (void)issuer_keys;
  if (!with_routes) return sys;
  // The trust list's and the status lists' signing keys exist before the first request (kConflict:
  // another server made them at the same moment).
  if (auto made = services::EnsureSigningKeys(sys->ctx, {services::kTrustListKeyOwner, services::kStatusListKeyOwner,
                                                               services::kIdentityCodeKeyOwner,
                                                               services::kOutboundKeyOwner});
      !made.ok() && made.error().code != ErrorCode::kConflict) {
    return made.take_error();
  }

  const std::string web_dir = ResolveDataPath(config.web_dir);
  TB_ASSIGN_OR_RETURN(sys->i18n, http::Translator::Load(web_dir + "/i18n"));
  std::vector<domain::Language> offered;
  for (const std::string& code : config.languages) {
    const auto lang = http::ParseLanguageCode(code);
    if (!lang) return MakeError(ErrorCode::kInvalidArgument, "languages: '" + code + "' is neither zh nor en");
    offered.push_back(*lang);
  }
  TB_RETURN_IF_ERROR(sys->i18n.Offer(std::move(offered)));
  sys->deps.ctx = &sys->ctx;
  sys->deps.i18n = &sys->i18n;
  sys->deps.web.web_dir = web_dir;
  sys->deps.web.openapi_path = ResolveDataPath(config.openapi_path);
  sys->deps.web.secure_cookies = config.secure_cookies.value_or(true);
  sys->deps.web.public_url = config.public_url;
  // The senders of inbox messages by email and SMS, when configured (they render with the texts).
  if (!config.smtp.url.empty()) {
    http::SmtpOptions smtp = config.smtp;
    if (const char* password = std::getenv("TONGBAN_SMTP_PASSWORD")) smtp.password = password;
    sys->outbox_senders.Register("email", http::MakeSmtpSender(std::move(smtp), sys->i18n, sys->ctx));
    sys->ctx.deliver_email = true;
  }
  if (!config.sms.url.empty()) {
    http::SmsOptions sms = config.sms;
    if (const char* token = std::getenv("TONGBAN_SMS_TOKEN")) sms.token = token;
    sys->outbox_senders.Register("sms", http::MakeSmsSender(std::move(sms), *sys->outbound, sys->i18n, sys->ctx));
    sys->ctx.deliver_sms = true;
  }
  // Federation messages to peers (forwarded cases and their changes): retried while a peer is down.
  sys->outbox_senders.Register(services::kFederationOutboxKind, http::MakeFederationSender(sys->ctx, *sys->outbound),
                               /*until_delivered=*/true);
  sys->deps.federation_handlers = &sys->federation_handlers;
  sys->deps.outbound = sys->outbound.get();  // federation peers are fetched through it
  sys->deps.verify_per_minute = config.verify_requests_per_minute;
  http::RegisterApiRoutes(sys->router, sys->deps);
  TB_RETURN_IF_ERROR(http::RegisterWebRoutes(sys->router, sys->deps));
  return sys;
}

}  // namespace tongban::app
