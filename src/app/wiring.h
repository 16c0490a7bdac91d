// Builds the running system from a Config: store, crypto, catalogue, services, routes.
// Thread-safety: build once at start; the System is then shared by the request threads.
#pragma once

#include <memory>

#include "app/catalogue_sync.h"
#include "app/config.h"
#include "crypto/key_store.h"
#include "crypto/log_tiles.h"
#include "crypto/licence_format.h"
#include "crypto/system.h"
#include "crypto/token_codec.h"
#include "crypto/federation_codec.h"
#include "http/client.h"
#include "http/app_routes.h"
#include "http/i18n.h"
#include "http/router.h"
#include "services/context.h"
#include "services/external_sources.h"
#include "services/licences.h"
#include "services/verification.h"
#include "services/effects.h"
#include "services/outbox.h"
#include "services/federation_messages.h"

namespace tongban::app {

struct System {
  Config config;
  std::unique_ptr<ports::Store> store;
  crypto::SystemClock clock;
  crypto::SodiumIdGenerator ids;
  crypto::SodiumHasher hasher;
  std::unique_ptr<crypto::SealedKeyStore> keys;
  crypto::JoseTokenCodec tokens;
  crypto::JoseFederationCodec federation_codec;  // peers' documents (issue 14)
  crypto::TileLogTree log_tree;  // the access log's tree over its tiles (stateless)
  services::TrustListCache trust_cache;
  crypto::JsonLicenceFormat licence_format;
  // Outbound HTTP for every capability that calls another system (department data sources, an
  // SMS gateway, federation peers): asynchronous, on its own thread, never a server I/O thread or
  // a request worker. Take it as a ports::OutboundHttp&. Declared early: destroyed after its users.
  std::unique_ptr<http::HttpClient> outbound;
  services::ExternalSources external;  // the external datasets' client and addresses (ctx.external)
  services::Context ctx;
  // The licences table as verification reads it (status bits, presentations); reads ctx.
  services::StoredLicences stored_licences{ctx};
  // Each capability registers the effects of transitions it reacts to, and the outbox senders it
  // delivers with, in BuildSystem: one line each.
  services::Effects effects;
  services::OutboxSenders outbox_senders;
  // What each kind of federation message from a peer causes (POST /api/v1/federation/messages).
  services::FederationHandlers federation_handlers;
  http::Translator i18n;
  http::HttpDeps deps;
  http::Router router;
  // Last: stopped first, before the store and context it uses.
  std::unique_ptr<CatalogueSync> catalogue_sync;
};

// Opens the database (applying migrations), the key store (its key-encryption key from
// config.keys_dir, app/key_encryption_key.h) and loads the latest published catalogue (publishing
// the configured folder first when the database has none, or when config.publish_catalogue). With `with_routes`, also the
// texts, templates and routes. Errors name the file and line when a file is at fault.
Result<std::unique_ptr<System>> BuildSystem(const Config& config, bool with_routes);

// The folder `relative` under the working directory, or beside the executable's parent folder
// (so that build/tongban finds the repository's catalogue/ and web/ from anywhere).
std::string ResolveDataPath(const std::string& relative);

}  // namespace tongban::app
