// The access log's routes (docs/api.md "Data platform and access log"): the signed tree head,
// inclusion and consistency proofs (public: they reveal hashes only), and the signed-in person's
// own entries with their leaf bytes (GET /api/v1/me/access-log).
#include <charconv>
#include <map>
#include <optional>

#include "http/api/handlers.h"
#include "services/access_log.h"
#include "services/data_requests.h"

namespace tongban::http::api {
namespace {

std::optional<uint64_t> ParseCount(const std::string& text) {
  uint64_t value = 0;
  if (text.empty() || text.size() > 19) return std::nullopt;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Json Hashes(const ports::LogTree& tree, const std::vector<std::string>& hashes) {
  Json out = Json::array();
  for (const auto& h : hashes) out.push_back(tree.Base64(h));
  return out;
}

// The names of the peers the entries of a read across platforms name (one read of the peers, and
// only when some entry names one); a removed peer keeps "name": null.
void NamePlatforms(const services::Context& ctx, Json& items) {
  std::optional<std::map<std::string, domain::Peer>> peers;
  for (Json& item : items) {
    if (!item.contains("platform")) continue;
    if (!peers) peers = services::PeerNames(ctx);
    const auto it = peers->find(item["platform"]["code"].get<std::string>());
    if (it != peers->end()) item["platform"]["name"] = Json{{"zh", it->second.name_zh}, {"en", it->second.name_en}};
  }
}

Response BadQuery(const HttpDeps& deps, const Request& req) {
  return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.log.bad_range"));
}

}  // namespace

Json TreeHeadJson(const ports::LogTree& tree, const ports::TreeHead& head) {
  return Json{{"tree_size", head.tree_size},
              {"root_hash", tree.Base64(head.root_hash)},
              {"timestamp", head.timestamp_ms},
              {"signed", head.signed_jws}};
}

Json AccessLogEntryJson(const ports::LogTree& tree, const ports::AccessLogRow& row) {
  Json leaf = Json::parse(row.leaf, nullptr, /*allow_exceptions=*/false);
  if (!leaf.is_object()) leaf = Json::object();
  const auto text = [&](const char* key) { return leaf.contains(key) && leaf[key].is_string() ? leaf[key] : Json(""); };
  Json out{{"leaf_index", row.leaf_index ? Json(*row.leaf_index) : Json(nullptr)},
           {"status", row.leaf_index ? "sequenced" : "pending"},
           {"leaf", tree.Base64(row.leaf)},
           {"subject_salt", row.subject_salt},
           {"time", text("time")},
           {"dataset", text("dataset")},
           {"fields", leaf.contains("fields") && leaf["fields"].is_array() ? leaf["fields"] : Json::array()},
           {"purpose", text("purpose")},
           {"accessor", leaf.contains("accessor") && leaf["accessor"].is_object() ? leaf["accessor"] : Json::object()},
           {"legal_basis", text("legal_basis")},
           {"application", leaf.contains("application") ? leaf["application"] : Json(nullptr)}};
  // A refused read (services/data_access.h) says so; a plain read has no outcome.
  if (leaf.contains("outcome") && leaf["outcome"].is_string()) out["outcome"] = leaf["outcome"];
  // A read across platforms (services/data_requests.h) names the other platform; the route adds
  // its names.
  if (leaf.contains("platform") && leaf["platform"].is_string()) {
    out["platform"] = Json{{"code", leaf["platform"]}, {"name", nullptr}};
  }
  return out;
}

void RegisterLogRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/log/tree-head", [&deps](Request& req) {
    if (deps.ctx->log_tree == nullptr) {
      return ErrorResponse(deps, req, MakeError(ErrorCode::kUnavailable, "error.log.unavailable"));
    }
    auto head = services::LatestTreeHead(*deps.ctx);
    if (!head.ok()) return ErrorResponse(deps, req, head.error());
    Response res = JsonResponse(200, TreeHeadJson(*deps.ctx->log_tree, *head));
    res.AddHeader("Cache-Control", "no-store");
    return res;
  });
  router.Add("GET", "/api/v1/log/proof/inclusion", [&deps](Request& req) {
    const auto index = ParseCount(req.Query("leaf_index"));
    const auto size = ParseCount(req.Query("tree_size"));
    if (!index || !size) return BadQuery(deps, req);
    auto proof = services::ProveInclusion(*deps.ctx, *index, *size);
    if (!proof.ok()) return ErrorResponse(deps, req, proof.error());
    const auto& tree = *deps.ctx->log_tree;
    return JsonResponse(200, Json{{"leaf_index", *index},
                                  {"tree_size", *size},
                                  {"leaf_hash", tree.Base64(proof->leaf_hash)},
                                  {"audit_path", Hashes(tree, proof->audit_path)}});
  });
  router.Add("GET", "/api/v1/log/proof/consistency", [&deps](Request& req) {
    const auto first = ParseCount(req.Query("first"));
    const auto second = ParseCount(req.Query("second"));
    if (!first || !second) return BadQuery(deps, req);
    auto proof = services::ProveConsistency(*deps.ctx, *first, *second);
    if (!proof.ok()) return ErrorResponse(deps, req, proof.error());
    return JsonResponse(200, Json{{"first", *first}, {"second", *second}, {"proof", Hashes(*deps.ctx->log_tree, *proof)}});
  });
  router.Add("GET", "/api/v1/me/access-log", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    if (deps.ctx->log_tree == nullptr) {
      return ErrorResponse(deps, req, MakeError(ErrorCode::kUnavailable, "error.log.unavailable"));
    }
    int limit = ports::kDefaultPageSize;
    const std::string size = req.Query("page_size");
    if (!size.empty()) {
      auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), limit);
      if (ec != std::errc() || p != size.data() + size.size() || limit < 1 || limit > ports::kMaxAccessLogPage) {
        return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.page_size"));
      }
    }
    auto log = services::ListMyAccessLog(*deps.ctx, caller->actor, req.Query("page_token"), limit);
    if (!log.ok()) return ErrorResponse(deps, req, log.error());
    const auto& tree = *deps.ctx->log_tree;
    Json items = Json::array();
    for (const auto& row : log->pending) items.push_back(AccessLogEntryJson(tree, row));
    for (const auto& row : log->entries) items.push_back(AccessLogEntryJson(tree, row));
    NamePlatforms(*deps.ctx, items);
    Response res = JsonResponse(
        200, Json{{"items", std::move(items)},
                  {"tree_head", log->head ? TreeHeadJson(tree, *log->head) : Json(nullptr)},
                  {"next_page_token", log->next_page_token.empty() ? Json(nullptr) : Json(log->next_page_token)}});
    res.AddHeader("Cache-Control", "no-store");
    return res;
  });
}

}  // namespace tongban::http::api
