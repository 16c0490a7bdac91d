// Verification of a token of ours or a peer's for a handler (the API, the verification page, the
// window's licence check): a peer's status lists that are not cached are fetched from the peer
// first, without holding a worker while they come (services/mutual_recognition.h), then `respond`
// answers on a worker thread. Without the server's caches (no trust cache): our own issuers only.
// Thread-safety: `respond` runs once; it must own (or outlive) what it captures.
#pragma once

#include <functional>
#include <string>
#include <utility>

#include "http/message.h"
#include "ports/outbound_http.h"
#include "services/mutual_recognition.h"

namespace tongban::http {

inline Response VerifyThen(const services::Context& ctx, ports::OutboundHttp* outbound, std::string token,
                           services::VerifyExpectations expect,
                           std::function<Response(Result<services::Verification>)> respond) {
  if (ctx.trust_cache == nullptr) return respond(services::VerifyOnline(ctx, token, expect));
  services::PeerStatusCache& cache = ctx.trust_cache->peer_status();
  auto step = services::StartVerifyWithPeers(ctx, cache, token, expect);
  if (!step.ok()) return respond(step.error());
  if (step->answer) return respond(std::move(*step->answer));
  if (outbound == nullptr) return respond(services::VerifyWithPeers(ctx, cache, token, expect));
  return Later([&ctx, outbound, &cache, fetches = std::move(step->fetches), token = std::move(token),
                expect = std::move(expect), respond = std::move(respond)](Resume resume) mutable {
    services::FetchPeerStatus(
        *outbound, *ctx.clock, cache, std::move(fetches),
        [resume = std::move(resume), &ctx, &cache, token = std::move(token), expect = std::move(expect),
         respond = std::move(respond)]() {
          resume([&ctx, &cache, token, expect, respond] {
            return respond(services::VerifyWithPeers(ctx, cache, token, expect));
          });
        });
  });
}

}  // namespace tongban::http
