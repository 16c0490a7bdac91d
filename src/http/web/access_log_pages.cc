// "Who read my data" (/me/access-log): the signed-in person's access-log entries, newest first,
// each with the server's check of its inclusion proof against the newest signed tree head; the
// page carries the leaf, the proof and the root so that /static/access-log.js re-checks each
// proof in the browser with WebCrypto (an enhancement: the page is complete without it).
#include <nlohmann/json.hpp>

#include "http/web/access_log_view.h"
#include "http/web/page.h"
#include "services/access_log.h"
#include "services/data_requests.h"

namespace tongban::http::web {
namespace {

std::string Joined(const ports::LogTree& tree, const std::vector<std::string>& hashes) {
  std::string out;
  for (const auto& h : hashes) {
    if (!out.empty()) out.push_back(' ');
    out += tree.Base64(h);
  }
  return out;
}

std::string FieldsText(const nlohmann::json& leaf) {
  std::string out;
  if (!leaf.contains("fields") || !leaf["fields"].is_array()) return out;
  for (const auto& f : leaf["fields"]) {
    if (!f.is_string()) continue;
    if (!out.empty()) out += ", ";
    out += f.get<std::string>();
  }
  return out;
}

std::string Text(const nlohmann::json& leaf, const char* key) {
  return leaf.contains(key) && leaf[key].is_string() ? leaf[key].get<std::string>() : std::string();
}


Response AccessLogPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto log = services::ListMyAccessLog(site.ctx(), page.caller->actor, req.Query("page_token"),
                                       ports::kDefaultPageSize, /*with_proofs=*/true);
  if (!log.ok()) return ErrorPageFor(site, page, log.error());
  const ports::LogTree& tree = *site.ctx().log_tree;
  Data data = BaseData(site, page, "page.access_log.title");
  Data rows{Data::type::list};
  for (const auto& row : log->pending) {
    Data r = AccessLogRowView(site, page, row);
    r.set("status", page.T(site, "access_log.pending"));
    rows.push_back(r);
  }
  for (size_t i = 0; i < log->entries.size(); ++i) {
    const auto& row = log->entries[i];
    Data r = AccessLogRowView(site, page, row);
    const auto& proof = log->proofs.at(i);
    const bool verified =
        tree.VerifyInclusion(*row.leaf_index, log->head->tree_size, proof.leaf_hash, proof.audit_path, log->head->root_hash);
    r.set("status", verified ? page.T(site, "access_log.verified", std::to_string(log->head->tree_size))
                             : page.T(site, "access_log.not_verified"));
    r.set("failed", !verified);
    if (verified) {
      Data check;
      check.set("leaf", tree.Base64(row.leaf));
      check.set("index", std::to_string(*row.leaf_index));
      check.set("size", std::to_string(log->head->tree_size));
      check.set("path", Joined(tree, proof.audit_path));
      check.set("root", tree.Base64(log->head->root_hash));
      r.set("check", check);
    }
    rows.push_back(r);
  }
  data.set("rows", rows);
  data.set("has_rows", !log->pending.empty() || !log->entries.empty());
  if (log->head) {
    data.set("head_text", page.T(site, "access_log.head", std::to_string(log->head->tree_size)));
    data.set("head_root", tree.Base64(log->head->root_hash));
  }
  data.set("browser_ok", page.T(site, "access_log.browser_verified"));
  data.set("browser_bad", page.T(site, "access_log.browser_failed"));
  const bool first_page = req.Query("page_token").empty();
  if (!first_page || !log->next_page_token.empty()) {
    Data pager;
    if (!first_page) pager.set("first_href", "/me/access-log");
    if (!log->next_page_token.empty()) pager.set("next_href", "/me/access-log?page_token=" + log->next_page_token);
    data.set("pager", pager);
  }
  Response res = RenderPage(site, page, "access_log", data);
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

}  // namespace

Data AccessLogRowView(const Site& site, const PageRequest& page, const ports::AccessLogRow& row) {
  nlohmann::json leaf = nlohmann::json::parse(row.leaf, nullptr, false);
  if (!leaf.is_object()) leaf = nlohmann::json::object();
  const nlohmann::json accessor = leaf.contains("accessor") && leaf["accessor"].is_object() ? leaf["accessor"]
                                                                                             : nlohmann::json::object();
  Data out;
  const std::string time = Text(leaf, "time");
  const auto parsed = ParseRfc3339(time);
  out.set("time", parsed ? FormatTime(*parsed) : time);
  const std::string role = Text(accessor, "role");
  const std::string department = Text(accessor, "department");
  std::string who = TextOr(site, page, "role." + role, role);
  if (!department.empty()) who = DepartmentName(site, page, department) + " · " + who;
  // A read across platforms (services/data_requests.h): the other platform first, by its name.
  if (const std::string platform = Text(leaf, "platform"); !platform.empty()) {
    const auto peers = services::PeerNames(site.ctx());
    const auto it = peers.find(platform);
    const std::string name = it == peers.end()                      ? platform
                             : page.lang == domain::Language::kEn ? it->second.name_en
                                                                  : it->second.name_zh;
    who = page.T(site, "access_log.platform", name) + " · " + who;
  }
  out.set("accessor", who);
  const std::string dataset = Text(leaf, "dataset");
  const domain::Dataset* ds = site.ctx().Catalogue()->FindDataset(dataset);
  out.set("dataset", ds ? ds->name.In(page.lang) : TextOr(site, page, "access_log.dataset." + dataset, dataset));
  out.set("fields", FieldsText(leaf));
  out.set("purpose", Text(leaf, "purpose"));
  out.set("legal_basis", Text(leaf, "legal_basis"));
  // A read outside an item's declaration, refused (services/data_access.h).
  // A read across platforms that the platform holding the data refused (services/data_requests.h).
  if (Text(leaf, "outcome") == "refused") {
    out.set("refused", page.T(site, Text(leaf, "platform").empty() ? "access_log.refused" : "access_log.platform_refused"));
  }
  return out;
}

void RegisterAccessLogPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/me/access-log", [site](Request& req) { return AccessLogPage(*site, req); });
}

}  // namespace tongban::http::web
