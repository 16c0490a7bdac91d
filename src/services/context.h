// What every use case needs: the store, the clock, ids, hashing, signing keys, the catalogue and the calendar.
// Thread-safety: a Context is shared by all request threads; everything it points to is
// thread-safe, and the catalogue is swapped atomically when it is reloaded.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/calendar.h"
#include "common/reference.h"
#include "domain/account.h"
#include "domain/catalogue.h"
#include "ports/key_store.h"
#include "ports/log_tree.h"
#include "ports/licence_format.h"
#include "ports/store.h"
#include "ports/system.h"
#include "ports/verification.h"

namespace tongban::ports {
class FederationCodec;
}  // namespace tongban::ports

namespace tongban::services {

class Effects;
class TrustListCache;
struct ExternalSources;

struct Context {
  ports::Store* store = nullptr;
  ports::Clock* clock = nullptr;
  ports::IdGenerator* ids = nullptr;
  ports::Hasher* hasher = nullptr;
  std::shared_ptr<const domain::Catalogue> catalogue;
  std::shared_ptr<const Calendar> calendar;
  const Effects* effects = nullptr;  // effects of transitions (services/effects.h); none when null
  // The platform's prefix of application reference numbers (common/reference.h).
  std::string reference_prefix = std::string(kDefaultReferencePrefix);
  ports::KeyStore* keys = nullptr;   // the platform's signing keys; none when null
  // Verification (services/verification.h): the token codec, the server's own status bits and
  // the licences presentations are made of; none when null.
  ports::TokenCodec* tokens = nullptr;
  ports::StatusSource* status_source = nullptr;
  ports::LicenceSource* licence_source = nullptr;
  // "urn:tongban:<platform_code>:..." in the trust list (licence-format.md).
  std::string platform_code = "sh";
  int trust_list_validity_hours = 24;  // config trust_list.validity_hours
  const ports::LogTree* log_tree = nullptr;  // the access log's tree arithmetic; no access log when null
  TrustListCache* trust_cache = nullptr;  // online verification's copy of the trust list; none when null
  // Licences (services/licences.h): how their documents are written, the platform's code in
  // issuer ids, where status lists are published, and how long a status list credential is valid.
  ports::LicenceFormat* licence_format = nullptr;
  std::string public_base_url = "http://127.0.0.1:8080";
  int licence_status_ttl_seconds = 300;
  // Datasets served by departments' own systems (services/external_sources.h); none when null.
  const ExternalSources* external = nullptr;
  // The channels this platform delivers messages on besides the inbox (config smtp and sms): a
  // message gets outbox rows only for these, so a channel nobody configured leaves no rows to die.
  bool deliver_email = false;
  bool deliver_sms = false;
  // Ratings (services/ratings.h): the days after a case ends during which its applicant may rate it.
  int rating_period_days = 30;
  // Federation (issue 14, services/federation.h): the platform's names (config platform.name) and
  // its public URL for peers (platform.url); the codec of peers' documents, none when null.
  std::string platform_name_zh = "上海";
  std::string platform_name_en = "Shanghai";
  std::string platform_url;
  const ports::FederationCodec* federation_codec = nullptr;

  std::shared_ptr<const domain::Catalogue> Catalogue() const { return std::atomic_load(&catalogue); }
  std::shared_ptr<const Calendar> WorkingDays() const { return std::atomic_load(&calendar); }
};

// The signed-in user and how they reach us.
struct Actor {
  domain::User user;
  domain::Channel channel = domain::Channel::kWeb;
  std::string address;  // client address, for throttling and audit
};

}  // namespace tongban::services
