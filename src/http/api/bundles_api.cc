// A bundle case's JSON (docs/api.md "Applications"), answered by POST /api/v1/applications with
// "bundle", GET /api/v1/applications/{bundle id} and POST .../{bundle id}/actions/submit.
#include "http/api/handlers.h"

namespace tongban::http::api {

Json BundleCaseJson(const services::BundleView& view) {
  Json sub_cases = Json::array();
  for (const auto& part : view.parts) {
    const domain::Application& app = part.application;
    sub_cases.push_back(Json{{"id", app.id},
                             {"item", part.sub_case.item},
                             {"department", app.department},
                             {"state", domain::StateName(app.state)},
                             {"waits_for", part.sub_case.waits_for},
                             {"reference", app.reference},
                             {"deadline", app.deadline ? Json(FormatIsoDate(*app.deadline)) : Json(nullptr)}});
  }
  Json results = Json::array();
  for (const auto& licence : view.results) {
    results.push_back(Json{{"id", licence.id}, {"type", licence.type}, {"application", licence.application_id.empty()
                                                                              ? Json(nullptr)
                                                                              : Json(licence.application_id)}});
  }
  const domain::BundleCase& b = view.bundle_case;
  return Json{{"id", b.id},
              {"bundle", b.bundle},
              {"state", view.progress.state},
              {"deadline", view.progress.deadline ? Json(FormatIsoDate(*view.progress.deadline)) : Json(nullptr)},
              {"created_at", FormatRfc3339(b.created_at)},
              {"submitted_at", b.submitted_at ? Json(FormatRfc3339(*b.submitted_at)) : Json(nullptr)},
              {"sub_cases", std::move(sub_cases)},
              {"results", std::move(results)}};
}

}  // namespace tongban::http::api
