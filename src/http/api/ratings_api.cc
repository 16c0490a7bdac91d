// Good/bad ratings and rectification (issue 13 items 1 and 2; services/ratings.h,
// services/rectifications.h): POST/GET /api/v1/applications/{id}/rating, the window tablet's
// POST /api/v1/window/visits/{visit}/applications/{id}/rating, the signed message link's
// GET/POST /api/v1/rating-links/{token} (no sign-in), GET /api/v1/rectifications (+ /{id}),
// POST /api/v1/rectifications/{id}/reply and /feedback, and the public
// GET /api/v1/ratings/summary?department=&item=&month=.

#include "http/api/handlers.h"
#include "services/ratings.h"
#include "services/rectifications.h"

namespace tongban::http::api {
namespace {

Json RatingJson(const domain::Rating& r) {
  return Json{{"id", r.id},
              {"application", r.application_id},
              {"ended_event", r.ended_event_id},
              {"item", r.item},
              {"department", r.department},
              {"level", r.level},
              {"comment", r.comment},
              {"tags", r.tags},
              {"channel", domain::RatingChannelName(r.channel)},
              {"assisted", !r.assisted_by.empty()},
              {"created_at", FormatRfc3339(r.created_at)}};
}

Json RectificationJson(const domain::Rectification& r) {
  auto at = [](const std::optional<Timestamp>& t) { return t ? Json(FormatRfc3339(*t)) : Json(nullptr); };
  return Json{{"id", r.id},
              {"rating", r.rating_id},
              {"application", r.application_id},
              {"reference", r.reference},
              {"item", r.item},
              {"department", r.department},
              {"level", r.level},
              {"comment", r.comment},
              {"state", domain::RectificationStateName(r.state)},
              {"deadline", FormatIsoDate(r.deadline)},
              {"reply", Json{{"text", r.reply_text}, {"changes", r.changes}, {"at", at(r.replied_at)}}},
              {"escalated_at", at(r.escalated_at)},
              {"satisfied", r.satisfied ? Json(*r.satisfied) : Json(nullptr)},
              {"created_at", FormatRfc3339(r.created_at)}};
}

Json RatingSummaryJson(const domain::RatingCounts& c) {
  Json levels = Json::object();
  for (size_t i = 0; i < c.levels.size(); ++i) levels[std::to_string(i + 1)] = c.levels[i];
  const auto index = c.SatisfactionIndex();
  const auto on_time = c.RectifiedOnTimeShare();
  return Json{{"ratings", c.Total()},
              {"levels", std::move(levels)},
              {"satisfaction_index", index ? Json(*index) : Json(nullptr)},
              {"bad", c.Bad()},
              {"rectified_on_time", c.rectified_on_time},
              {"rectified_late", c.rectified_late},
              {"escalated", c.escalated},
              {"rectified_on_time_share", on_time ? Json(*on_time) : Json(nullptr)}};
}

Error TypeError(const char* field) {
  Error e = MakeError(ErrorCode::kInvalidArgument, "error.json.type");
  e.fields.push_back({field, "error.json.type", field});
  return e;
}

Result<services::RatingRequest> ParseRatingRequest(const Json& body) {
  services::RatingRequest out;
  bool has_level = false;
  for (const auto& [name, value] : body.items()) {
    if (name == "level") {
      if (!value.is_number_integer()) return MakeError(ErrorCode::kInvalidArgument, "error.rating.level");
      const int64_t level = value.get<int64_t>();
      out.level = level < 0 || level > 100 ? 0 : static_cast<int>(level);
      has_level = true;
    } else if (name == "comment") {
      if (!value.is_string()) return TypeError("comment");
      out.comment = value.get<std::string>();
    } else if (name == "tags") {
      if (!value.is_array()) return TypeError("tags");
      for (const auto& tag : value) {
        if (!tag.is_string()) return TypeError("tags");
        out.tags.push_back(tag.get<std::string>());
      }
    } else {
      return MakeError(ErrorCode::kInvalidArgument, "error.rating.unknown_field");
    }
  }
  if (!has_level) return MakeError(ErrorCode::kInvalidArgument, "error.rating.level");
  return out;
}

Response RatingViewResponse(const services::RatingView& view) {
  return NoStore(JsonResponse(
      200, Json{{"rating", view.rating ? RatingJson(*view.rating) : Json(nullptr)},
                {"rectification", view.rectification ? RectificationJson(*view.rectification) : Json(nullptr)},
                {"may_rate", view.may_rate},
                {"rate_until", view.rate_until ? Json(FormatIsoDate(*view.rate_until)) : Json(nullptr)}}));
}

}  // namespace

void RegisterRatingRoutes(Router& router, const HttpDeps& deps) {
  router.Add("POST", "/api/v1/applications/{id}/rating", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto parsed = ParseRatingRequest(*body);
    if (!parsed.ok()) return ErrorResponse(deps, req, parsed.error());
    auto rating = services::RateApplication(*deps.ctx, caller->actor, req.Param("id"), *parsed);
    if (!rating.ok()) return ErrorResponse(deps, req, rating.error());
    return JsonResponse(201, RatingJson(*rating));
  });
  router.Add("GET", "/api/v1/applications/{id}/rating", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto view = services::GetRating(*deps.ctx, caller->actor, req.Param("id"));
    if (!view.ok()) return ErrorResponse(deps, req, view.error());
    return RatingViewResponse(*view);
  });
  router.Add("POST", "/api/v1/window/visits/{visit}/applications/{id}/rating", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto parsed = ParseRatingRequest(*body);
    if (!parsed.ok()) return ErrorResponse(deps, req, parsed.error());
    auto rating = services::RateAtWindow(*deps.ctx, caller->actor, req.Param("visit"), req.Param("id"), *parsed);
    if (!rating.ok()) return ErrorResponse(deps, req, rating.error());
    return JsonResponse(201, RatingJson(*rating));
  });
  router.Add("GET", "/api/v1/rating-links/{token}", [&deps](Request& req) {
    auto view = services::ViewRatingLink(*deps.ctx, req.Param("token"));
    if (!view.ok()) return ErrorResponse(deps, req, view.error());
    return NoStore(JsonResponse(200, Json{{"application", view->application_id},
                                          {"reference", view->reference},
                                          {"item", view->item},
                                          {"rated", view->rated}}));
  });
  router.Add("POST", "/api/v1/rating-links/{token}", [&deps](Request& req) {
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto parsed = ParseRatingRequest(*body);
    if (!parsed.ok()) return ErrorResponse(deps, req, parsed.error());
    auto rating = services::RateByLink(*deps.ctx, req.Param("token"), *parsed);
    if (!rating.ok()) return ErrorResponse(deps, req, rating.error());
    return JsonResponse(201, RatingJson(*rating));
  });
  router.Add("GET", "/api/v1/rectifications", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto limit = PageSize(req, ports::kMaxRectificationPage);
    if (!limit.ok()) return ErrorResponse(deps, req, limit.error());
    auto page = services::ListRectifications(*deps.ctx, caller->actor, req.Query("state"), req.Query("page_token"),
                                             *limit);
    if (!page.ok()) return ErrorResponse(deps, req, page.error());
    Json items = Json::array();
    for (const auto& r : page->rectifications) items.push_back(RectificationJson(r));
    return NoStore(JsonResponse(
        200, Json{{"items", std::move(items)},
                  {"next_page_token", page->next_page_token.empty() ? Json(nullptr) : Json(page->next_page_token)}}));
  });
  router.Add("GET", "/api/v1/rectifications/{id}", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto r = services::GetRectification(*deps.ctx, caller->actor, req.Param("id"));
    if (!r.ok()) return ErrorResponse(deps, req, r.error());
    return NoStore(JsonResponse(200, RectificationJson(*r)));
  });
  router.Add("POST", "/api/v1/rectifications/{id}/reply", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    services::RectificationReply reply;
    for (const auto& [name, value] : body->items()) {
      if (name != "text" && name != "changes") {
        return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.rectification.unknown_field"));
      }
      if (!value.is_string()) return ErrorResponse(deps, req, TypeError(name == "text" ? "text" : "changes"));
      (name == "text" ? reply.text : reply.changes) = value.get<std::string>();
    }
    auto r = services::ReplyToRectification(*deps.ctx, caller->actor, req.Param("id"), reply);
    if (!r.ok()) return ErrorResponse(deps, req, r.error());
    return JsonResponse(200, RectificationJson(*r));
  });
  router.Add("POST", "/api/v1/rectifications/{id}/feedback", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    const auto satisfied = body->find("satisfied");
    if (satisfied == body->end() || !satisfied->is_boolean() || body->size() != 1) {
      return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.rectification.satisfied"));
    }
    auto r = services::GiveRectificationFeedback(*deps.ctx, caller->actor, req.Param("id"), satisfied->get<bool>());
    if (!r.ok()) return ErrorResponse(deps, req, r.error());
    return JsonResponse(200, RectificationJson(*r));
  });
  router.Add("GET", "/api/v1/ratings/summary", [&deps](Request& req) {
    ports::RatingSlice slice{req.Query("department"), req.Query("item"), req.Query("month")};
    auto counts = services::RatingSummary(*deps.ctx, slice);
    if (!counts.ok()) return ErrorResponse(deps, req, counts.error());
    Json out = RatingSummaryJson(*counts);
    out["department"] = slice.department.empty() ? Json(nullptr) : Json(slice.department);
    out["item"] = slice.item.empty() ? Json(nullptr) : Json(slice.item);
    out["month"] = slice.month.empty() ? Json(nullptr) : Json(slice.month);
    return JsonResponse(200, out);
  });
}

}  // namespace tongban::http::api
