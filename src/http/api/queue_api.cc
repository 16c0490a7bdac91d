// Appointments and queue tickets (services/queue.h; issue 11 item 4; docs/api.md "Service centres
// and windows"): the slots of a centre's day with the places left, booking, cancelling and
// listing one's appointments, taking a ticket (signed in or anonymous: a walk-in), a clerk calling
// the next ticket and marking it done or no-show, and the display's called numbers (public: no
// personal data).
#include <charconv>

#include "http/api/handlers.h"
#include "services/queue.h"

namespace tongban::http::api {
namespace {

std::string_view ClosedName(domain::ClosedReason reason) {
  switch (reason) {
    case domain::ClosedReason::kOpen: return "open";
    case domain::ClosedReason::kNotWorkingDay: return "not_working_day";
    case domain::ClosedReason::kNoAppointments: return "no_appointments";
  }
  return "open";
}

Json AppointmentJson(const ports::Appointment& a) {
  return Json{{"id", a.id},
              {"reference", a.reference},
              {"centre", a.centre},
              {"slot", domain::FormatSlot(a.slot_start)},
              {"starts_at", FormatRfc3339(a.slot_start)},
              {"item", a.item},
              {"status", domain::AppointmentStatusName(a.status)},
              {"created_at", FormatRfc3339(a.created_at)},
              {"cancelled_at", a.cancelled_at ? Json(FormatRfc3339(*a.cancelled_at)) : Json(nullptr)}};
}

// Only what the ticket's holder and the display need: no user or appointment ids.
Json TicketJson(const ports::Ticket& t) {
  return Json{{"id", t.id},
              {"centre", t.centre},
              {"day", t.day},
              {"number", domain::FormatTicketNumber(t.series, t.number)},
              {"series", t.series},
              {"with_appointment", !t.appointment_id.empty()},
              {"status", domain::TicketStatusName(t.status)},
              {"counter", t.counter.empty() ? Json(nullptr) : Json(t.counter)},
              {"taken_at", FormatRfc3339(t.taken_at)},
              {"called_at", t.called_at ? Json(FormatRfc3339(*t.called_at)) : Json(nullptr)},
              {"href", "/service-centres/" + t.centre + "/tickets/" + t.id}};
}

Result<std::string> StringField(const Json& body, const char* name, const char* error) {
  const auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return MakeError(ErrorCode::kInvalidArgument, error);
  return it->get<std::string>();
}

Response Finish(const HttpDeps& deps, Request& req, domain::TicketStatus outcome) {
  auto caller = RequireCaller(deps, req, /*write=*/true);
  if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
  auto ticket = services::FinishTicket(*deps.ctx, caller->actor, req.Param("code"), req.Param("id"), outcome);
  if (!ticket.ok()) return ErrorResponse(deps, req, ticket.error());
  return JsonResponse(200, TicketJson(*ticket));
}

}  // namespace

void RegisterQueueRoutes(Router& router, const HttpDeps& deps) {
  router.Add("GET", "/api/v1/service-centres/{code}/slots", [&deps](Request& req) {
    auto day = services::ListSlots(*deps.ctx, req.Param("code"), req.Query("date"));
    if (!day.ok()) return ErrorResponse(deps, req, day.error());
    Json slots = Json::array();
    for (const auto& s : day->slots) {
      slots.push_back(Json{{"slot", domain::FormatSlot(s.start)},
                           {"starts_at", FormatRfc3339(s.start)},
                           {"capacity", s.capacity},
                           {"left", s.left}});
    }
    Json body{{"centre", req.Param("code")}, {"date", FormatIsoDate(day->date)}, {"slots", std::move(slots)}};
    if (day->closed != domain::ClosedReason::kOpen) {
      const auto lang = RequestLanguage(req, deps.i18n->Offered());
      const std::string key = "queue.closed." + std::string(ClosedName(day->closed));
      body["closed"] = Json{{"code", ClosedName(day->closed)}, {"message", deps.i18n->T(lang, key)}};
    }
    return JsonResponse(200, body);
  });

  router.Add("POST", "/api/v1/appointments", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    services::BookingRequest booking;
    for (const auto& [field, target] : {std::pair{"centre", &booking.centre}, std::pair{"slot", &booking.slot},
                                        std::pair{"item", &booking.item}}) {
      auto value = StringField(*body, field, "error.appointment.fields");
      if (!value.ok()) return ErrorResponse(deps, req, value.error());
      *target = std::move(value).value();
    }
    auto appointment = services::BookAppointment(*deps.ctx, caller->actor, booking);
    if (!appointment.ok()) return ErrorResponse(deps, req, appointment.error());
    return JsonResponse(201, AppointmentJson(*appointment));
  });

  router.Add("GET", "/api/v1/appointments", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/false);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    int limit = 20;
    const std::string size = req.Query("page_size");
    if (!size.empty()) {
      auto [p, ec] = std::from_chars(size.data(), size.data() + size.size(), limit);
      if (ec != std::errc() || p != size.data() + size.size() || limit < 1 || limit > ports::kMaxAppointmentPage) {
        return ErrorResponse(deps, req, MakeError(ErrorCode::kInvalidArgument, "error.page_size"));
      }
    }
    auto page = services::ListMyAppointments(*deps.ctx, caller->actor, req.Query("page_token"), limit);
    if (!page.ok()) return ErrorResponse(deps, req, page.error());
    Json items = Json::array();
    for (const auto& a : page->appointments) items.push_back(AppointmentJson(a));
    return JsonResponse(200, Json{{"items", std::move(items)},
                                  {"next_page_token", page->next.empty() ? Json(nullptr) : Json(page->next)}});
  });

  router.Add("POST", "/api/v1/appointments/{id}/cancel", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto cancelled = services::CancelAppointment(*deps.ctx, caller->actor, req.Param("id"));
    if (!cancelled.ok()) return ErrorResponse(deps, req, cancelled.error());
    return JsonResponse(200, AppointmentJson(*cancelled));
  });

  // Signed in: a ticket linked to the caller's appointment today (series A) when there is one.
  // Without credentials: an anonymous walk-in ticket (series B), reached by its unguessable id.
  router.Add("POST", "/api/v1/service-centres/{code}/tickets", [&deps](Request& req) {
    std::optional<Caller> caller;
    auto identified = Identify(*deps.ctx, req);
    if (identified.ok()) {
      const Status csrf = CheckCsrf(*identified, req, "");
      if (!csrf.ok()) return ErrorResponse(deps, req, csrf.error());
      caller = std::move(identified).value();
    } else if (identified.error().code != ErrorCode::kUnauthenticated) {
      return ErrorResponse(deps, req, identified.error());
    }
    auto ticket = services::TakeTicket(*deps.ctx, caller ? &caller->actor : nullptr, req.Param("code"), req.remote_address);
    if (!ticket.ok()) return ErrorResponse(deps, req, ticket.error());
    // The booking's ticket taken before is answered again (200), not a second number.
    return JsonResponse(ticket->existing ? 200 : 201, TicketJson(ticket->ticket));
  });

  router.Add("GET", "/api/v1/service-centres/{code}/tickets/{id}", [&deps](Request& req) {
    auto view = services::GetTicket(*deps.ctx, req.Param("id"));
    if (!view.ok() || view->ticket.centre != req.Param("code")) {
      return ErrorResponse(deps, req, MakeError(ErrorCode::kNotFound, "error.ticket.not_found"));
    }
    Json body = TicketJson(view->ticket);
    body["waiting"] = view->waiting;
    return JsonResponse(200, body);
  });

  router.Add("POST", "/api/v1/service-centres/{code}/tickets/next", [&deps](Request& req) {
    auto caller = RequireCaller(deps, req, /*write=*/true);
    if (!caller.ok()) return ErrorResponse(deps, req, caller.error());
    auto body = ParseObject(req.body.empty() ? std::string("{}") : req.body);
    if (!body.ok()) return ErrorResponse(deps, req, body.error());
    auto counter = StringField(*body, "counter", "error.ticket.counter_invalid");
    if (!counter.ok()) return ErrorResponse(deps, req, counter.error());
    auto ticket = services::CallNextTicket(*deps.ctx, caller->actor, req.Param("code"), *counter);
    if (!ticket.ok()) return ErrorResponse(deps, req, ticket.error());
    return JsonResponse(200, TicketJson(*ticket));
  });
  router.Add("POST", "/api/v1/service-centres/{code}/tickets/{id}/done",
             [&deps](Request& req) { return Finish(deps, req, domain::TicketStatus::kDone); });
  router.Add("POST", "/api/v1/service-centres/{code}/tickets/{id}/no-show",
             [&deps](Request& req) { return Finish(deps, req, domain::TicketStatus::kNoShow); });

  // What the display page fetches: called numbers and counters, how many wait. Public.
  router.Add("GET", "/api/v1/service-centres/{code}/display", [&deps](Request& req) {
    auto view = services::CentreDisplay(*deps.ctx, req.Param("code"));
    if (!view.ok()) return ErrorResponse(deps, req, view.error());
    Json called = Json::array();
    for (const auto& t : view->called) {
      called.push_back(Json{{"number", domain::FormatTicketNumber(t.series, t.number)},
                            {"counter", t.counter},
                            {"called_at", t.called_at ? Json(FormatRfc3339(*t.called_at)) : Json(nullptr)}});
    }
    Response res = JsonResponse(200, Json{{"called", std::move(called)}, {"waiting", view->waiting}});
    res.AddHeader("Cache-Control", "no-store");
    return res;
  });
}

}  // namespace tongban::http::api
