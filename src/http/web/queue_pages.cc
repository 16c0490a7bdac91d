// Appointments and queue tickets as pages (services/queue.h; issue 11 item 4). All work without
// JavaScript:
//   /service-centres/{code}/book?item=&date=   book a slot (signed in): a day, then a time; in
//                                              elder mode one step per screen
//   /me/appointments                           my appointments, with cancel buttons
//   /service-centres/{code}/ticket             take a ticket: signed in (series A with an
//                                              appointment today) or anonymously as a walk-in
//   /service-centres/{code}/tickets/{id}       the ticket, print-friendly; its unguessable id is
//                                              its address, so a walk-in needs no account
//   /service-centres/{code}/display            the called numbers and counters, large type;
//                                              meta refresh, and fetch without reload with JS.
//                                              Public: numbers only, no personal data.
#include "http/web/forms.h"
#include "http/web/page.h"
#include "http/web/render.h"
#include "services/queue.h"

namespace tongban::http::web {
namespace {

constexpr int kDisplayRefreshSeconds = 10;

const domain::ServiceCentre* CentreOf(const Site& site, const std::string& code) {
  const auto catalogue = site.ctx().Catalogue();
  return catalogue->FindCentre(code);
}

std::string CentreName(const Site& site, const PageRequest& page, const std::string& code) {
  const domain::ServiceCentre* centre = CentreOf(site, code);
  return centre != nullptr ? centre->name.In(page.lang) : code;
}

Response NoStore(Response res) {
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

// The booking page: step 1 (a day) and, once a day is chosen, step 2 (its times). In elder mode
// only the current step shows.
Response RenderBook(const Site& site, PageRequest& page, const domain::ServiceCentre& centre,
                    const domain::ServiceItem& item, const std::string& date, const Error* error) {
  Data data = BaseData(site, page, "page.book.title");
  data.set("centre_code", centre.code);
  data.set("centre_name", centre.name.In(page.lang));
  data.set("centre_address", centre.address.In(page.lang));
  data.set("item_code", item.code);
  data.set("item_name", item.name.In(page.lang));
  data.set("date", date.empty() ? FormatIsoDate(AddDays(Today(site), 1)) : date);
  const bool chosen = !date.empty();
  data.set("show_day", !chosen || !page.elder);
  data.set("other_day_href", "/service-centres/" + centre.code + "/book?item=" + UrlEncode(item.code));
  if (error != nullptr) {
    const bool on_slot = error->message.rfind("error.appointment.", 0) == 0 || error->message.rfind("queue.book.", 0) == 0;
    AddOneErrorSummary(site, page, *error, data, on_slot && chosen ? "#slots" : "#date");
    MarkErrorTitle(site, page, data, page.T(site, "page.book.title"));
  }
  if (chosen) {
    auto day = services::ListSlots(site.ctx(), centre.code, date);
    if (!day.ok()) {
      if (error == nullptr) {
        AddOneErrorSummary(site, page, day.error(), data, "#date");
        MarkErrorTitle(site, page, data, page.T(site, "page.book.title"));
      }
      data.set("show_day", true);
    } else {
      data.set("show_slots", true);
      Data slots{Data::type::list};
      const Timestamp now = site.ctx().clock->Now();
      for (const auto& s : day->slots) {
        if (s.start <= now) continue;
        Data row;
        const std::string slot = domain::FormatSlot(s.start);
        row.set("slot", slot);
        row.set("id", "slot-" + slot.substr(11, 2) + slot.substr(14, 2));
        row.set("time", slot.substr(11));
        row.set("left", std::to_string(s.left));
        row.set("full", s.left == 0);
        slots.push_back(row);
      }
      data.set("has_slots", !slots.is_empty_list());
      data.set("slots", slots);
      if (day->closed != domain::ClosedReason::kOpen) {
        data.set("closed", page.T(site, day->closed == domain::ClosedReason::kNotWorkingDay
                                            ? "queue.closed.not_working_day"
                                            : "queue.closed.no_appointments"));
      }
    }
  }
  const int status = error == nullptr ? 200 : HttpStatus(error->code);
  return NoStore(RenderPage(site, page, "queue_book", data, status));
}

Response BookPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceCentre* centre = catalogue->FindCentre(req.Param("code"));
  if (centre == nullptr) return ErrorPage(site, page, 404, "error.centre.not_found");
  const domain::ServiceItem* item = catalogue->FindItem(req.Query("item"));
  if (item == nullptr) return ErrorPage(site, page, 404, "error.item.not_found");
  return RenderBook(site, page, *centre, *item, req.Query("date"), nullptr);
}

Response BookSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceCentre* centre = catalogue->FindCentre(req.Param("code"));
  if (centre == nullptr) return ErrorPage(site, page, 404, "error.centre.not_found");
  const domain::ServiceItem* item = catalogue->FindItem(FormValue(form, "item"));
  if (item == nullptr) return ErrorPage(site, page, 404, "error.item.not_found");
  const std::string slot = FormValue(form, "slot");
  const std::string date = FormValue(form, "date");
  if (slot.empty()) {
    const Error none{ErrorCode::kInvalidArgument, "queue.book.choose_slot"};
    return RenderBook(site, page, *centre, *item, date, &none);
  }
  auto booked = services::BookAppointment(site.ctx(), page.caller->actor, {centre->code, slot, item->code});
  if (!booked.ok()) return RenderBook(site, page, *centre, *item, date.empty() ? slot.substr(0, 10) : date, &booked.error());
  return Redirect("/me/appointments?booked=" + UrlEncode(booked->reference));
}

Response AppointmentsPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto list = services::ListMyAppointments(site.ctx(), page.caller->actor, req.Query("page_token"), 20);
  if (!list.ok()) return ErrorPageFor(site, page, list.error());
  Data data = BaseData(site, page, "page.appointments.title");
  const std::string booked = req.Query("booked");
  if (!booked.empty()) data.set("booked_reference", booked);
  if (req.Query("cancelled") == "1") data.set("notice", page.T(site, "queue.appointments.cancelled"));
  const Timestamp now = site.ctx().clock->Now();
  Data rows{Data::type::list};
  for (const auto& a : list->appointments) {
    Data row;
    row.set("id", a.id);
    row.set("reference", a.reference);
    row.set("when", FormatTime(a.slot_start));
    row.set("centre", CentreName(site, page, a.centre));
    row.set("item", ItemName(site, page, a.item));
    const bool booked_row = a.status == domain::AppointmentStatus::kBooked;
    const bool attended_row = a.status == domain::AppointmentStatus::kAttended;
    row.set("status", page.T(site, booked_row     ? "queue.appointments.status_booked"
                                   : attended_row ? "queue.appointments.status_attended"
                                                  : "queue.appointments.status_cancelled"));
    if (booked_row && a.slot_start > now) row.set("can_cancel", true);
    // Today the ticket page answers the booking's one A ticket (the same one once taken).
    if ((booked_row || attended_row) && LocalDate(a.slot_start) == LocalDate(now)) {
      row.set("ticket_href", "/service-centres/" + a.centre + "/ticket");
    }
    rows.push_back(row);
  }
  data.set("has_appointments", !rows.is_empty_list());
  data.set("appointments", rows);
  if (!list->next.empty()) data.set("next_href", "/me/appointments?page_token=" + UrlEncode(list->next));
  return NoStore(RenderPage(site, page, "queue_appointments", data));
}

Response CancelSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  const auto form = FormOf(req);
  if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
    return ErrorPage(site, page, 403, "error.auth.csrf");
  }
  auto cancelled = services::CancelAppointment(site.ctx(), page.caller->actor, req.Param("id"));
  if (!cancelled.ok()) return ErrorPageFor(site, page, cancelled.error());
  return Redirect("/me/appointments?cancelled=1");
}

Response TakeTicketPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const domain::ServiceCentre* centre = CentreOf(site, req.Param("code"));
  if (centre == nullptr) return ErrorPage(site, page, 404, "error.centre.not_found");
  Data data = BaseData(site, page, "page.take_ticket.title");
  data.set("centre_code", centre->code);
  data.set("centre_name", centre->name.In(page.lang));
  return NoStore(RenderPage(site, page, "queue_take_ticket", data));
}

Response TakeTicketSubmit(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const services::Actor* actor = nullptr;
  if (page.caller) {
    const auto form = FormOf(req);
    if (!CheckCsrf(*page.caller, req, FormValue(form, "csrf_token")).ok()) {
      return ErrorPage(site, page, 403, "error.auth.csrf");
    }
    actor = &page.caller->actor;
  }
  auto ticket = services::TakeTicket(site.ctx(), actor, req.Param("code"), req.remote_address);
  if (!ticket.ok()) return ErrorPageFor(site, page, ticket.error());
  return Redirect("/service-centres/" + ticket->ticket.centre + "/tickets/" + ticket->ticket.id);
}

Response TicketPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  auto view = services::GetTicket(site.ctx(), req.Param("id"));
  if (!view.ok() || view->ticket.centre != req.Param("code")) {
    return ErrorPage(site, page, 404, "error.ticket.not_found");
  }
  const ports::Ticket& t = view->ticket;
  Data data = BaseData(site, page, "page.ticket.title");
  data.set("centre_code", t.centre);
  data.set("centre_name", CentreName(site, page, t.centre));
  data.set("number", domain::FormatTicketNumber(t.series, t.number));
  data.set("day", t.day);
  data.set("taken_at", FormatTime(t.taken_at));
  data.set("with_appointment", !t.appointment_id.empty());
  data.set("status", page.T(site, "queue.ticket.status_" + std::string(domain::TicketStatusName(t.status))));
  SetText(data, "counter", t.counter);
  data.set("waiting", std::to_string(view->waiting));
  return NoStore(RenderPage(site, page, "queue_ticket", data));
}

Response DisplayPage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const std::string code = req.Param("code");
  auto view = services::CentreDisplay(site.ctx(), code);
  if (!view.ok()) return ErrorPageFor(site, page, view.error());
  Data data = BaseData(site, page, "page.display.title");
  data.set("centre_code", code);
  data.set("centre_name", CentreName(site, page, code));
  data.set("refresh_seconds", std::to_string(kDisplayRefreshSeconds));
  Data rows{Data::type::list};
  for (const auto& t : view->called) {
    Data row;
    row.set("number", domain::FormatTicketNumber(t.series, t.number));
    row.set("counter", t.counter);
    rows.push_back(row);
  }
  data.set("has_called", !rows.is_empty_list());
  data.set("called", rows);
  data.set("waiting", std::to_string(view->waiting));
  return NoStore(RenderPage(site, page, "queue_display", data));
}

}  // namespace

void RegisterQueuePages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/service-centres/{code}/book", [site](Request& req) { return BookPage(*site, req); });
  router.Add("POST", "/service-centres/{code}/book", [site](Request& req) { return BookSubmit(*site, req); });
  router.Add("GET", "/me/appointments", [site](Request& req) { return AppointmentsPage(*site, req); });
  router.Add("POST", "/me/appointments/{id}/cancel", [site](Request& req) { return CancelSubmit(*site, req); });
  router.Add("GET", "/service-centres/{code}/ticket", [site](Request& req) { return TakeTicketPage(*site, req); });
  router.Add("POST", "/service-centres/{code}/ticket", [site](Request& req) { return TakeTicketSubmit(*site, req); });
  router.Add("GET", "/service-centres/{code}/tickets/{id}", [site](Request& req) { return TicketPage(*site, req); });
  router.Add("GET", "/service-centres/{code}/display", [site](Request& req) { return DisplayPage(*site, req); });
}

}  // namespace tongban::http::web
