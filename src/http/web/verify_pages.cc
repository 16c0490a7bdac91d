// The public verification page (issue 10 item 5): a relying party pastes a licence token, a QR
// code's text or a presentation (or scans the QR with the camera where the browser has
// BarcodeDetector: web/static/verify.js) and reads the result in plain words. No sign-in; works
// without JavaScript (paste and submit). A peer's licence (issue 14) says which platform issued it.
#include "http/peer_verify.h"
#include "http/web/page.h"
#include "http/web/verify_view.h"
#include "services/verification.h"

#include <nlohmann/json.hpp>

namespace tongban::http::web {
namespace {

// The camera is allowed on this page only (the server's default policy denies it everywhere).
void AllowCamera(Response& res) { res.AddHeader("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"); }

Data VerifyData(const Site& site, const PageRequest& page) {
  Data data = BaseData(site, page, "verify.title");
  return data;
}

Response Form(const Site& site, Request& req) {
  const PageRequest page = StartPage(site, req);
  Response res = RenderPage(site, page, "verify", VerifyData(site, page));
  AllowCamera(res);
  return res;
}

Response Submit(const Site& site, Request& req) {
  const PageRequest page = StartPage(site, req);
  const auto form = FormOf(req);
  const std::string token = FormValue(form, "token");
  Data data = VerifyData(site, page);
  SetText(data, "token", token);
  if (token.find_first_not_of(" \t\r\n") == std::string::npos) {
    data.set("error", page.T(site, "error.verify.token_required"));
    Data errors{Data::type::list};
    Data e;
    e.set("href", "#token");
    e.set("text", page.T(site, "error.verify.token_required"));
    errors.push_back(e);
    data.set("errors", errors);
    data.set("has_errors", true);
    Response res = RenderPage(site, page, "verify", data, 400);
    AllowCamera(res);
    return res;
  }
  // Our issuers first, then the peers' (issue 14 item 3): a peer's status lists are fetched from
  // it first when not cached (http/peer_verify.h).
  return VerifyThen(site.ctx(), site.deps.outbound, token, {},
                    [&site, page, data](Result<services::Verification> verification) mutable {
                      if (!verification.ok()) return ErrorPageFor(site, page, verification.error());
                      data.set("result", VerificationView(site, page, *verification));
                      Response res = RenderPage(site, page, "verify", data);
                      res.AddHeader("Cache-Control", "no-store");
                      AllowCamera(res);
                      return res;
                    });
}

}  // namespace

Data VerificationView(const Site& site, const PageRequest& page, const services::Verification& v) {
  Data result;
  result.set("status_words", page.T(site, "verify.result." + v.status));
  result.set("status", v.status);
  if (v.valid) result.set("valid", true);
  Data reasons{Data::type::list};
  for (const auto& r : v.reasons) reasons.push_back(Data(page.T(site, r.code, r.detail)));
  if (!v.reasons.empty()) {
    result.set("reasons", reasons);
    result.set("has_reasons", true);
  }
  // A peer's licence: the platform whose issuer signed it, in the page's language.
  if (!v.peer_code.empty()) {
    const std::string& name = page.lang == domain::Language::kZh ? v.peer_name_zh : v.peer_name_en;
    result.set("peer", page.T(site, "verify.peer_issued", name.empty() ? v.peer_code : name));
  }
  const nlohmann::json claims = nlohmann::json::parse(v.claims_json, nullptr, false);
  if (v.kind && claims.is_object() && !claims.empty()) {
    Data rows{Data::type::list};
    for (const auto& [name, value] : claims.items()) {
      Data row;
      row.set("name", TextOr(site, page, "verify.claim." + name, name));
      row.set("value", value.is_string() ? value.get<std::string>() : value.dump());
      rows.push_back(row);
    }
    result.set("claims", rows);
    result.set("has_claims", true);
    result.set("kind", page.T(site, std::string("verify.kind.") +
                                        (*v.kind == ports::TokenKind::kCredential ? "credential"
                                         : *v.kind == ports::TokenKind::kQr       ? "qr"
                                                                                  : "presentation")));
  }
  return result;
}

void RegisterVerifyPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/verify", [site](Request& req) { return Form(*site, req); });
  router.Add("POST", "/verify", [site](Request& req) { return Submit(*site, req); });
}

}  // namespace tongban::http::web
