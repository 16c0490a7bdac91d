#include "app/federation_command.h"

#include "services/cross_province.h"

#include <fmt/format.h>

#include <fstream>

#include "app/verify_command.h"

namespace tongban::app {
namespace {

std::string OrDash(const std::string& s) { return s.empty() ? "-" : s; }

}  // namespace

int RunFederationCommand(System& system, const FederationCommand& command, std::ostream& out, std::ostream& err) {
  const services::Context& ctx = system.ctx;
  if (command.action == "add-peer") {
    auto request = services::CheckAddPeerRequest(ctx, {command.code, command.url, command.fingerprint});
    if (!request.ok()) {
      err << "tongban: federation add-peer: " << request.error().message << "\n";
      return 1;
    }
    const services::PeerFetch fetched =
        services::FetchPeerNow(*system.outbound, request->url, request->fingerprint, /*with_platform=*/true);
    auto peer = services::AddPeer(ctx, *request, fetched);
    if (!peer.ok()) {
      err << "tongban: federation add-peer: " << peer.error().message;
      if (!fetched.detail.empty()) err << " (" << fetched.detail << ")";
      err << "\n";
      return peer.error().code == ErrorCode::kInternal ? 2 : 1;
    }
    out << fmt::format("Peer {} ({} / {}) added: list key {}, list valid until {}.\n", peer->code, peer->name_zh,
                       peer->name_en, peer->fingerprint, FormatRfc3339(*peer->valid_until));
    return 0;
  }
  if (command.action == "remove-peer") {
    const Status removed = services::RemovePeer(ctx, command.code);
    if (!removed.ok()) {
      err << "tongban: federation remove-peer: " << removed.error().message << "\n";
      return removed.error().code == ErrorCode::kNotFound ? 1 : 2;
    }
    out << fmt::format("Peer {} removed: nothing of it is trusted any more.\n", command.code);
    return 0;
  }
  if (command.action == "export-lists") {
    // The lists that serve now, for `tongban verify --peer-lists` (offline, no database).
    std::ofstream file(command.out_file, std::ios::binary | std::ios::trunc);
    if (!file) {
      err << "tongban: federation export-lists: cannot write " << command.out_file << "\n";
      return 2;
    }
    file << kPeerListsHeader << "\n";
    std::string after;
    int written = 0;
    const Timestamp now = ctx.clock->Now();
    while (true) {
      auto peers = services::ListPeers(ctx, after, ports::kMaxPeerPage);
      if (!peers.ok()) {
        err << "tongban: federation export-lists: " << peers.error().message << "\n";
        return 2;
      }
      for (const domain::Peer& p : *peers) {
        if (!domain::PeerListServes(p, now)) continue;
        file << p.code << " " << p.list_jws << "\n";
        ++written;
      }
      if (peers->size() < static_cast<size_t>(ports::kMaxPeerPage)) break;
      after = peers->back().code;
    }
    file.close();
    if (!file) {
      err << "tongban: federation export-lists: cannot write " << command.out_file << "\n";
      return 2;
    }
    out << fmt::format("{} peers' lists written to {}.\n", written, command.out_file);
    return 0;
  }
  // list-peers, a page at a time until the last.
  std::string after;
  const Timestamp now = ctx.clock->Now();
  while (true) {
    auto peers = services::ListPeers(ctx, after, ports::kMaxPeerPage);
    if (!peers.ok()) {
      err << "tongban: federation list-peers: " << peers.error().message << "\n";
      return 2;
    }
    for (const domain::Peer& p : *peers) {
      out << fmt::format("{}  {}  {}  {}  {}  {}\n", p.code, p.url, p.fingerprint,
                         domain::PeerListServes(p, now) ? "list-until=" + FormatRfc3339(*p.valid_until) : "no-list",
                         p.last_error.empty() ? "ok" : "last-error=" + p.last_error, OrDash(p.name_en));
    }
    if (peers->size() < static_cast<size_t>(ports::kMaxPeerPage)) break;
    after = peers->back().code;
  }
  return 0;
}

int RunFederationJobCommand(System& system, bool all, std::ostream& out, std::ostream& err) {
  auto report = services::RunFederationJob(system.ctx, *system.outbound, all);
  if (!report.ok()) {
    err << "tongban: jobs run federation: " << report.error().message << "\n";
    return 2;
  }
  for (const services::PeerRefresh& p : report->peers) {
    out << fmt::format("{}: {}{}\n", p.code, p.refreshed ? "refreshed" : "refused: " + p.error,
                       p.rotated ? " (followed the peer's key rotation)" : "");
  }
  out << fmt::format("Federation: {} refreshed, {} rotated, {} refused.\n", report->refreshed, report->rotated,
                     report->failed);
  // The items peers handle for people of other provinces (跨省通办), asked of each trusted peer.
  auto items = services::RefreshPeerItems(system.ctx, *system.outbound);
  if (!items.ok()) {
    err << "tongban: jobs run federation: " << items.error().message << "\n";
    return 2;
  }
  out << fmt::format("Cross-province items: {} peers answered.\n", *items);
  return 0;
}

}  // namespace tongban::app
