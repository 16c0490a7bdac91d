// Cross-platform data requests for officials (issue 14 item 5): /office/data-requests asks a peer
// for a person's record with the person's consent (services/data_requests.h) and shows the answer
// with its provenance. The form posts with the CSRF token and works without JavaScript; the peer is
// asked without holding a worker (the page answers Later).
#include <memory>
#include <sstream>

#include "http/data_request_codec.h"
#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/render.h"
#include "services/data_requests.h"
#include "services/federation.h"

namespace tongban::http::web {
namespace {

struct Typed {
  std::string peer, person, dataset = "population", fields, purpose, consent;
};

domain::LocalText Both(const Site& site, const std::string& key) {
  return {site.i18n().T(domain::Language::kZh, key), site.i18n().T(domain::Language::kEn, key)};
}

domain::Field FormField(const Site& site, const std::string& name) {
  domain::Field f;
  f.name = name;
  f.label = Both(site, "data_requests." + name);
  f.hint = Both(site, "data_requests." + name + "_hint");
  f.required = true;
  return f;
}

// "name, birth_date" or "name birth_date" -> ["name", "birth_date"].
std::vector<std::string> SplitFields(const std::string& text) {
  std::string spaced = text;
  for (char& c : spaced) c = (c == ',' || c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  std::istringstream in(spaced);
  std::vector<std::string> out;
  for (std::string f; in >> f;) out.push_back(f);
  return out;
}

Data AnswerView(const Site& site, const PageRequest& page, const services::DataRequestAnswer& a) {
  Data out;
  const std::string name = page.lang == domain::Language::kEn ? a.peer_name_en : a.peer_name_zh;
  out.set("answered_by", page.T(site, "access_log.platform", name.empty() ? a.peer : name));
  out.set("reply_id", a.reply_id);
  out.set("answered_at", FormatTime(a.answered_at));
  const domain::Dataset* dataset = site.ctx().Catalogue()->FindDataset(a.dataset);
  Data records{Data::type::list};
  for (const ports::PeerRecord& r : a.records) {
    Data record;
    record.set("caption", page.T(site, "data_requests.record", r.record_id));
    record.set("as_of", FormatTime(r.as_of));
    Data values{Data::type::list};
    for (const auto& [field, value] : r.values) {
      const domain::DatasetField* f = dataset ? dataset->FindField(field) : nullptr;
      Data v;
      v.set("field", f ? f->label.In(page.lang) : field);
      v.set("value", value);
      values.push_back(v);
    }
    record.set("values", values);
    records.push_back(record);
  }
  out.set("records", records);
  out.set("dataset", dataset ? dataset->name.In(page.lang) : a.dataset);
  return out;
}

Response Render(const Site& site, PageRequest& page, const Typed& typed, const Error* error,
                const services::DataRequestAnswer* answer) {
  Data data = BaseData(site, page, "page.data_requests.title");
  std::map<std::string, std::string> errors;
  if (error != nullptr) {
    errors = AddErrorSummary(site, page, *error, data);
    MarkErrorTitle(site, page, data, page.T(site, "page.data_requests.title"));
  }
  auto peers = services::ListPeers(site.ctx(), "", ports::kMaxPeerPage);
  if (!peers.ok()) return ErrorPageFor(site, page, peers.error());
  domain::Field peer = FormField(site, "peer");
  peer.type = domain::FieldType::kSelect;
  for (const domain::Peer& p : *peers) peer.options.push_back({p.code, {p.code + " · " + p.name_zh, p.code + " · " + p.name_en}});
  Data fields{Data::type::list};
  const auto add = [&](const domain::Field& f, const std::string& value) {
    const auto it = errors.find(f.name);
    fields.push_back(FieldView(site, page, f, value, it == errors.end() ? "" : it->second));
  };
  add(peer, typed.peer);
  add(FormField(site, "person"), typed.person);
  add(FormField(site, "dataset"), typed.dataset);
  add(FormField(site, "fields"), typed.fields);
  add(FormField(site, "purpose"), typed.purpose);
  add(FormField(site, "consent"), typed.consent);
  data.set("fields", fields);
  data.set("has_peers", !peers->empty());
  if (answer != nullptr) data.set("answer", AnswerView(site, page, *answer));
  const int status = error == nullptr ? 200 : HttpStatus(error->code);
  Response res = RenderPage(site, page, "data_requests", data, status);
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

bool MayAsk(const PageRequest& page) { return page.caller && services::DataRequesterRole(page.caller->actor).ok(); }

Response DataRequestsPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  if (!MayAsk(page)) return ErrorPage(site, page, 403, "error.data_request.officials_only");
  return Render(site, page, {}, nullptr, nullptr);
}

Response DataRequestSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  if (!MayAsk(page)) return ErrorPage(site, page, 403, "error.data_request.officials_only");
  Typed typed{FormValue(form, "peer"),   FormValue(form, "person"),  FormValue(form, "dataset"),
              FormValue(form, "fields"), FormValue(form, "purpose"), FormValue(form, "consent")};
  services::DataRequest request{typed.peer, typed.person, typed.dataset, SplitFields(typed.fields), typed.purpose,
                                typed.consent};
  const ports::DataRequestCodec& codec = DataRequestJson();
  auto prepared = services::PrepareDataRequest(site.ctx(), codec, page.caller->actor, std::move(request));
  if (!prepared.ok()) return Render(site, page, typed, &prepared.error(), nullptr);
  if (site.deps.outbound == nullptr) {
    const Error e = MakeError(ErrorCode::kUnavailable, "error.federation.unreachable");
    return Render(site, page, typed, &e, nullptr);
  }
  auto shared = std::make_shared<const services::PreparedDataRequest>(std::move(prepared).value());
  return Later([&site, &req, &codec, typed, actor = page.caller->actor, shared](Resume resume) {
    services::PostToPeer(
        site.ctx(), *site.deps.outbound, shared->request.peer, shared->jws,
        [&site, &req, &codec, typed, actor, shared, resume = std::move(resume)](Result<ports::OutboundResponse> answer) {
          auto answered = std::make_shared<const Result<ports::OutboundResponse>>(std::move(answer));
          resume([&site, &req, &codec, typed, actor, shared, answered]() -> Response {
            PageRequest page = StartPage(site, req);
            auto out = services::CompleteDataRequest(site.ctx(), codec, actor, *shared, *answered);
            if (!out.ok()) {
              if (out.error().code == ErrorCode::kInternal) return ErrorPageFor(site, page, out.error());
              return Render(site, page, typed, &out.error(), nullptr);
            }
            return Render(site, page, typed, nullptr, &*out);
          });
        });
  });
}

}  // namespace

void RegisterDataRequestPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/office/data-requests", [site](Request& req) { return DataRequestsPage(*site, req); });
  router.Add("POST", "/office/data-requests", [site](Request& req) { return DataRequestSubmit(*site, req); });
}

}  // namespace tongban::http::web
