// Federation peers for administrators (issue 14 item 2): /office/federation lists the peers this
// platform trusts (code, name, URL, the fingerprint trusted now, the cached list's validity, the
// reason the last refresh was refused), adds one by code, URL and fingerprint, and removes one.
// Adding fetches the peer's documents without holding a worker (the page answers Later). Plain
// forms with the CSRF token: they work without JavaScript.
#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/render.h"
#include "services/federation.h"

namespace tongban::http::web {
namespace {

bool IsAdmin(const PageRequest& page) {
  return page.caller && services::RequireFederationAdministrator(page.caller->actor).ok();
}

// The form's input an error is about (its element id).
std::string AnchorOf(const Error& error) {
  const std::string& m = error.message;
  if (m == "error.federation.code" || m == "error.federation.code_mismatch" || m == "error.federation.peer_exists") {
    return "peer-code";
  }
  if (m == "error.federation.fingerprint" || m == "error.federation.fingerprint_mismatch") return "peer-fingerprint";
  return "peer-url";
}

Data PeerRows(const Site& site, const PageRequest& page, const std::vector<domain::Peer>& peers) {
  const Timestamp now = site.ctx().clock->Now();
  Data rows{Data::type::list};
  for (const domain::Peer& p : peers) {
    Data row;
    row.set("code", p.code);
    row.set("name", page.lang == domain::Language::kEn && !p.name_en.empty() ? p.name_en : p.name_zh);
    row.set("url", p.url);
    row.set("fingerprint", p.fingerprint);
    if (domain::PeerListServes(p, now)) {
      row.set("list", page.T(site, "federation.list_serves", FormatTime(*p.valid_until)));
    } else {
      row.set("list", page.T(site, "federation.list_none"));
      row.set("list_missing", true);
    }
    if (p.fetched_at) row.set("fetched", page.T(site, "federation.fetched_at", FormatTime(*p.fetched_at)));
    if (!p.last_error.empty()) {
      std::string text = page.T(site, p.last_error);
      if (!p.last_error_detail.empty()) text += " (" + p.last_error_detail + ")";
      if (p.last_error_at) text = page.T(site, "federation.error_at", FormatTime(*p.last_error_at)) + " " + text;
      row.set("error", text);
    }
    rows.push_back(row);
  }
  return rows;
}

Response Render(const Site& site, PageRequest& page, const services::AddPeerRequest& typed, const Error* error,
                const std::string& notice) {
  Data data = BaseData(site, page, "page.federation.title");
  auto peers = services::ListPeers(site.ctx(), page.req->Query("after"), ports::kMaxPeerPage);
  if (!peers.ok()) return ErrorPageFor(site, page, peers.error());
  data.set("peers", PeerRows(site, page, *peers));
  data.set("has_peers", !peers->empty());
  data.set("peers_caption", page.T(site, "federation.peers_caption"));
  if (peers->size() == static_cast<size_t>(ports::kMaxPeerPage)) {
    Data pager;
    pager.set("next_href", "/office/federation?after=" + UrlEncode(peers->back().code));
    pager.set("first_href", "/office/federation");
    data.set("pager", pager);
  }
  auto self = services::ThisPlatform(site.ctx());
  data.set("self_code", site.ctx().platform_code);
  data.set("self_name", page.lang == domain::Language::kEn ? site.ctx().platform_name_en : site.ctx().platform_name_zh);
  SetText(data, "self_fingerprint", self.ok() ? self->list_key.kid : "");
  data.set("code", typed.code);
  data.set("url", typed.url);
  data.set("fingerprint", typed.fingerprint);
  if (error != nullptr) {
    const std::string anchor = AnchorOf(*error);
    const std::string text = AddOneErrorSummary(site, page, *error, data, "#" + anchor);
    std::string key = anchor + "_error";
    for (char& c : key) c = c == '-' ? '_' : c;
    data.set(key, text);
    MarkErrorTitle(site, page, data, page.T(site, "page.federation.title"));
  } else if (!notice.empty()) {
    data.set("notice", notice);
  }
  Response res = RenderPage(site, page, "federation", data, error == nullptr ? 200 : HttpStatus(error->code));
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

Response FederationPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  if (!IsAdmin(page)) return ErrorPage(site, page, 403, "error.federation.admin_only");
  std::string notice;
  if (req.Query("added") != "") notice = page.T(site, "federation.added_notice", req.Query("added"));
  if (req.Query("removed") != "") notice = page.T(site, "federation.removed_notice", req.Query("removed"));
  return Render(site, page, {}, nullptr, notice);
}

Response AddPeerSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  if (!IsAdmin(page)) return ErrorPage(site, page, 403, "error.federation.admin_only");
  services::AddPeerRequest typed{FormValue(form, "code"), FormValue(form, "url"), FormValue(form, "fingerprint")};
  auto checked = services::CheckAddPeerRequest(site.ctx(), typed);
  if (!checked.ok()) return Render(site, page, typed, &checked.error(), "");
  if (site.deps.outbound == nullptr) {
    const Error e = MakeError(ErrorCode::kUnavailable, "error.federation.unreachable");
    return Render(site, page, typed, &e, "");
  }
  return Later([&site, &req, typed, request = std::move(checked).value()](Resume resume) {
    services::FetchPeer(*site.deps.outbound, request.url, request.fingerprint, true,
                        [&site, &req, typed, request, resume = std::move(resume)](services::PeerFetch fetched) {
                          auto shared = std::make_shared<services::PeerFetch>(std::move(fetched));
                          resume([&site, &req, typed, request, shared]() -> Response {
                            PageRequest page = StartPage(site, req);
                            auto peer = services::AddPeer(site.ctx(), request, *shared);
                            if (!peer.ok()) {
                              if (peer.error().code == ErrorCode::kInternal) return ErrorPageFor(site, page, peer.error());
                              return Render(site, page, typed, &peer.error(), "");
                            }
                            return Redirect("/office/federation?added=" + UrlEncode(peer->code));
                          });
                        });
  });
}

Response RemovePeerSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  if (!IsAdmin(page)) return ErrorPage(site, page, 403, "error.federation.admin_only");
  const std::string code = req.Param("code");
  const Status removed = services::RemovePeer(site.ctx(), code);
  if (!removed.ok()) return ErrorPageFor(site, page, removed.error());
  return Redirect("/office/federation?removed=" + UrlEncode(code));
}

}  // namespace

void RegisterFederationPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/office/federation", [site](Request& req) { return FederationPage(*site, req); });
  router.Add("POST", "/office/federation/peers", [site](Request& req) { return AddPeerSubmit(*site, req); });
  router.Add("POST", "/office/federation/peers/{code}/remove",
             [site](Request& req) { return RemovePeerSubmit(*site, req); });
}

}  // namespace tongban::http::web
