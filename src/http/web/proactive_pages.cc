// Benefits without applying (issue 12 item 1; services/proactive.h): the offers the city prepared
// for a person, on their homepage (OfferCards) and on a page of their own
// (/applications/{id}/offer), each answered in one step without JavaScript: a form whose two
// buttons confirm or decline it, with an input for each answer the platform could not fill (a
// contact phone). A wrong answer shows the offer page again with the error and what was typed.
#include <algorithm>

#include "http/deferred.h"
#include "http/web/forms.h"
#include "http/web/page.h"
#include "services/data_access.h"
#include "services/proactive.h"

namespace tongban::http::web {
namespace {

using domain::Action;

// One offer's card. `unique_ids`: the inputs' ids carry the application id (several offers on
// one page); `typed` and `errors` by field name (the offer page after a wrong answer).
Data OfferCard(const Site& site, const PageRequest& page, const services::OfferView& offer, bool unique_ids,
               const std::map<std::string, std::string>& typed, const std::map<std::string, std::string>& errors) {
  const domain::Application& app = offer.application;
  Data card;
  card.set("id", app.id);
  card.set("page_heading", !unique_ids);  // the offer page's one card is its section, under the h1
  card.set("reference", app.reference);
  card.set("item_name", ItemName(site, page, app.item));
  card.set("csrf_token", page.caller ? page.caller->session.csrf_token : "");
  if (offer.answer_by) SetText(card, "answer_by", page.T(site, "home.offers.answer_by", FormatIsoDate(LocalDate(*offer.answer_by))));
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceItem* item = catalogue ? catalogue->ItemUnder(app.item, app.pilot) : nullptr;
  Data fields{Data::type::list};
  if (item != nullptr) {
    for (const std::string& name : offer.missing) {
      const domain::Field* field = item->FindField(name);
      if (field == nullptr) continue;
      const auto value = typed.find(name);
      const auto error = errors.find(name);
      Data view = FieldView(site, page, *field, value == typed.end() ? "" : value->second,
                            error == errors.end() ? "" : error->second);
      if (unique_ids) {
        // The partial derives the hint's and error's ids from "id".
        const std::string id = "field-" + name + "-" + app.id;
        view.set("id", id);
        std::string describedby;
        if (view.get("has_hint") != nullptr && view.get("has_hint")->is_true()) describedby = id + "-hint";
        SetText(view, "describedby", describedby);
      }
      fields.push_back(view);
    }
  }
  card.set("fields", fields);
  card.set("has_fields", !offer.missing.empty());
  if (!offer.missing.empty()) card.set("phone_hint", page.T(site, "home.offers.phone_hint"));
  return card;
}

Response OfferPage(const Site& site, PageRequest& page, const std::string& id, const Error* error,
                   const std::map<std::string, std::string>& typed) {
  auto offer = services::ViewOffer(site.ctx(), page.caller->actor, id);
  if (!offer.ok()) {
    // Answered already (or lapsed): the application's own page says where it stands.
    if (offer.error().code == ErrorCode::kConflict) return Redirect("/applications/" + id);
    return ErrorPageFor(site, page, offer.error());
  }
  Data data = BaseData(site, page, "home.offers.title");
  std::map<std::string, std::string> field_errors;
  if (error != nullptr) {
    field_errors = AddErrorSummary(site, page, *error, data);
    MarkErrorTitle(site, page, data, page.T(site, "home.offers.title"));
  }
  data.set("offer", OfferCard(site, page, *offer, /*unique_ids=*/false, typed, field_errors));
  return RenderPage(site, page, "offer", data, error == nullptr ? 200 : HttpStatus(error->code));
}

Response OfferGet(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  return OfferPage(site, page, req.Param("id"), nullptr, {});
}

// The answer: "answer" is confirm or decline; every other form field but the CSRF token and the
// reason is an answer of the form (confirm only).
Response OfferPost(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  const std::string id = req.Param("id");
  const std::string answer = FormValue(form, "answer");
  const auto action = domain::ParseAction(answer);
  if (!action || !services::IsOfferAnswer(*action)) return ErrorPage(site, page, 400, "error.action.unknown");
  services::ActRequest request;
  request.action = *action;
  request.reason = FormValue(form, "reason");
  std::map<std::string, std::string> typed;
  for (const auto& [name, value] : form) {
    if (name == "csrf_token" || name == "answer" || name == "reason") continue;
    typed[name] = value;
  }
  // A declined offer takes no answers; a confirmed one only those typed (blank ones are missing).
  if (*action == Action::kConfirm) {
    std::map<std::string, std::string> given;
    for (const auto& [name, value] : typed) {
      if (!value.empty()) given[name] = value;
    }
    if (!given.empty()) request.fields = std::move(given);
  }
  auto respond = [&site, page, id, typed, action = *action](const Result<domain::Application>& result) mutable {
    if (!result.ok()) {
      const Error& error = result.error();
      if (error.code == ErrorCode::kInvalidArgument || error.code == ErrorCode::kPermissionDenied) {
        return OfferPage(site, page, id, &error, typed);
      }
      if (error.code == ErrorCode::kConflict) return Redirect("/applications/" + id);
      return ErrorPageFor(site, page, error);
    }
    return Redirect("/applications/" + id + "?done=" + domain::ActionName(action));
  };
  auto calls = services::ActExternalCalls(site.ctx(), page.caller->actor, id, *action);
  if (!calls.ok()) return ErrorPageFor(site, page, calls.error());
  return WithExternal(site.ctx(), std::move(calls).value(),
                      [&site, page, id, request, respond](const services::ExternalReads* external) mutable {
                        request.external = external;
                        return respond(services::Act(site.ctx(), page.caller->actor, id, request));
                      });
}

}  // namespace

Data OfferCards(const Site& site, const PageRequest& page, const std::vector<services::OfferView>& offers) {
  Data cards{Data::type::list};
  for (const services::OfferView& offer : offers) cards.push_back(OfferCard(site, page, offer, true, {}, {}));
  return cards;
}

void RegisterProactivePages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/applications/{id}/offer", [site](Request& req) { return OfferGet(*site, req); });
  router.Add("POST", "/applications/{id}/offer", [site](Request& req) { return OfferPost(*site, req); });
}

}  // namespace tongban::http::web
