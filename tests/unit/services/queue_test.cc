// Appointments and queue tickets (services/queue.h; issue 11 item 4): slots from a centre's
// schedule on working days of the calendar, bookings that never overbook even when 50 people book
// one slot at once, tickets in series A (appointment) and B (walk-in) per centre and day, clerks
// who call the next ticket without ever both getting the same one. On a fake clock, on SQLite and,
// when TONGBAN_TEST_PG_URL is set, PostgreSQL.
#include "services/queue.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "services_fixture.h"

namespace tongban::services {
namespace {

using domain::ClosedReason;
using domain::TicketStatus;

class QueueTest : public testing::ServicesTest {
 protected:
  void SetUp() override {
    testing::ServicesTest::SetUp();
    // The fixture's clock: Monday 2026-09-28 10:00. Oct 1-7 are holidays, Oct 10 (Saturday) a
    // working day, Oct 17 an ordinary Saturday.
    ServeWithCapacity(3);
    clerk_ = MakeClerk("clerk.pudong", "centre.310115");
    clerk2_ = MakeClerk("clerk.pudong-2", "centre.310115");
    other_centre_clerk_ = MakeClerk("clerk.minhang", "centre.310112");
  }

  void ServeWithCapacity(int capacity) {
    domain::CatalogueData data = CatalogueData();
    data.districts.push_back({"310112", {"闵行区", "Minhang"}});
    domain::ServiceCentre centre = data.centres[0];
    centre.appointments.slot_minutes = 30;
    centre.appointments.capacity = capacity;
    centre.appointments.weekdays = {9 * 60, 17 * 60};
    centre.appointments.saturday = domain::DayHours{9 * 60, 12 * 60};
    centre.appointments.horizon_days = 14;
    data.centres[0] = centre;
    domain::ServiceCentre other = centre;
    other.code = "centre.310112";
    other.district = "310112";
    data.centres.push_back(other);
    domain::ServiceItem web_only = testing::MakeItem("market.web-only", true, 5);
    web_only.channels = {domain::Channel::kWeb};
    data.items.push_back(web_only);
    ServeCatalogue(std::move(data));
  }

  Actor MakeClerk(const std::string& username, const std::string& centre) {
    NewUser u;
    u.username = username;
    u.role = domain::Role::kClerk;
    u.centre = centre;
    return AddUser(std::move(u));
  }

  // A person who is not stored: booking needs only the signed-in user's id and person id.
  static Actor Person(int i) {
    domain::User user;
    user.id = "person-" + std::to_string(i);
    user.roles = {domain::Role::kCitizen};
    return Actor{user, domain::Channel::kWeb, "127.0.0.1"};
  }

  Result<ports::Appointment> Book(const Actor& who, const std::string& slot, const std::string& item = "market.counter",
                                  const std::string& centre = "centre.310115") {
    return BookAppointment(ctx_, who, BookingRequest{centre, slot, item});
  }

  // The client address of this test's anonymous walk-ins: the walk-in limit is kept per server
  // (process), so each test (and database) takes its tickets from an address of its own.
  static std::string Address(int n = 0) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return std::string(info->name()) + "#" + std::to_string(n);
  }

  Actor clerk_, clerk2_, other_centre_clerk_;
};

TEST_P(QueueTest, SlotsFollowTheCentreScheduleOnAWorkingDay) {
  auto day = ListSlots(ctx_, "centre.310115", "2026-09-29");
  ASSERT_TRUE(day.ok()) << day.error().message;
  EXPECT_EQ(day->closed, ClosedReason::kOpen);
  ASSERT_EQ(day->slots.size(), 16u);  // 09:00 to 16:30
  EXPECT_EQ(domain::FormatSlot(day->slots.front().start), "2026-09-29T09:00");
  EXPECT_EQ(domain::FormatSlot(day->slots.back().start), "2026-09-29T16:30");
  EXPECT_EQ(day->slots.front().left, 3);
}

TEST_P(QueueTest, SaturdaysHaveMorningSlotsAndMakeUpWorkingDaysFullDays) {
  auto saturday = ListSlots(ctx_, "centre.310115", "2026-10-17");
  ASSERT_TRUE(saturday.ok());
  ASSERT_EQ(saturday->slots.size(), 6u);
  EXPECT_EQ(domain::FormatSlot(saturday->slots.back().start), "2026-10-17T11:30");
  auto make_up = ListSlots(ctx_, "centre.310115", "2026-10-10");
  ASSERT_TRUE(make_up.ok());
  EXPECT_EQ(make_up->slots.size(), 16u);
}

TEST_P(QueueTest, HolidaysAndSundaysHaveNoSlotsWithAReason) {
  for (const char* date : {"2026-10-05", "2026-10-03", "2026-10-18"}) {
    auto day = ListSlots(ctx_, "centre.310115", date);
    ASSERT_TRUE(day.ok()) << date;
    EXPECT_TRUE(day->slots.empty()) << date;
    EXPECT_EQ(day->closed, ClosedReason::kNotWorkingDay) << date;
  }
}

TEST_P(QueueTest, BadSlotDatesAreInvalidArgumentAndUnknownCentresNotFound) {
  for (const char* date : {"", "2026-13-01", "tomorrow", "2026-9-29", "2026-02-30"}) {
    auto day = ListSlots(ctx_, "centre.310115", date);
    ASSERT_FALSE(day.ok()) << date;
    EXPECT_EQ(day.error().code, ErrorCode::kInvalidArgument) << date;
    EXPECT_EQ(day.error().message, "error.slots.date_invalid");
  }
  auto unknown = ListSlots(ctx_, "nowhere", "2026-09-29");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "error.centre.not_found");
}

TEST_P(QueueTest, BookingTakesAPlaceAndAnswersAShortReference) {
  auto booked = Book(citizen_, "2026-09-29T09:30");
  ASSERT_TRUE(booked.ok()) << booked.error().message;
  EXPECT_EQ(booked->reference.size(), 9u);
  EXPECT_EQ(booked->status, domain::AppointmentStatus::kBooked);
  auto day = ListSlots(ctx_, "centre.310115", "2026-09-29");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->slots[1].left, 2);
  EXPECT_EQ(day->slots[0].left, 3);
}

TEST_P(QueueTest, OnePersonOneAppointmentPerSlot) {
  ASSERT_TRUE(Book(citizen_, "2026-09-29T09:30").ok());
  auto again = Book(citizen_, "2026-09-29T09:30");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  EXPECT_EQ(again.error().message, "error.appointment.already_booked");
  auto day = ListSlots(ctx_, "centre.310115", "2026-09-29");
  EXPECT_EQ(day->slots[1].left, 2);  // the refused booking changed nothing
  EXPECT_TRUE(Book(citizen_, "2026-09-29T10:00").ok());  // another slot is fine
}

TEST_P(QueueTest, BookingRefusesPastFarHolidayAndMalformedSlotsAndItemsTheCentreDoesNotTake) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"2026-09-28T09:30", "error.appointment.past"},          // earlier today
      {"2026-10-16T09:00", "error.appointment.too_far"},       // 18 days ahead
      {"2026-10-05T09:00", "error.appointment.slot_invalid"},  // a holiday
      {"2026-09-29T09:10", "error.appointment.slot_invalid"},  // not a slot start
      {"2026-09-29T17:00", "error.appointment.slot_invalid"},  // after closing
      {"2026-10-17T13:00", "error.appointment.slot_invalid"},  // Saturday afternoon
      {"29/09/2026 09:30", "error.appointment.slot_invalid"},
  };
  for (const auto& [slot, key] : cases) {
    auto booked = Book(citizen_, slot);
    ASSERT_FALSE(booked.ok()) << slot;
    EXPECT_EQ(booked.error().code, ErrorCode::kInvalidArgument) << slot;
    EXPECT_EQ(booked.error().message, key) << slot;
  }
  auto web_only = Book(citizen_, "2026-09-29T09:30", "market.web-only");
  ASSERT_FALSE(web_only.ok());
  EXPECT_EQ(web_only.error().message, "error.appointment.item_not_here");
  auto unknown = Book(citizen_, "2026-09-29T09:30", "no.such-item");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "error.item.not_found");
}

TEST_P(QueueTest, AFullSlotIsAConflictAndChangesNothing) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Book(Person(i), "2026-09-30T14:00").ok()) << i;
  auto fourth = Book(Person(3), "2026-09-30T14:00");
  ASSERT_FALSE(fourth.ok());
  EXPECT_EQ(fourth.error().code, ErrorCode::kConflict);
  EXPECT_EQ(fourth.error().message, "error.appointment.slot_full");
  auto mine = ListMyAppointments(ctx_, Person(3), "", 10);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->appointments.empty());
}

TEST_P(QueueTest, CancellingGivesThePlaceBackAndOnlyTheOwnerMayCancel) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Book(Person(i), "2026-09-30T14:00").ok());
  auto mine = ListMyAppointments(ctx_, Person(0), "", 10);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->appointments.size(), 1u);
  const std::string id = mine->appointments[0].id;
  auto stranger = CancelAppointment(ctx_, Person(1), id);
  ASSERT_FALSE(stranger.ok());
  EXPECT_EQ(stranger.error().code, ErrorCode::kNotFound);
  auto cancelled = CancelAppointment(ctx_, Person(0), id);
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  EXPECT_EQ(cancelled->status, domain::AppointmentStatus::kCancelled);
  auto twice = CancelAppointment(ctx_, Person(0), id);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().message, "error.appointment.not_booked");
  EXPECT_TRUE(Book(Person(3), "2026-09-30T14:00").ok());
  EXPECT_TRUE(Book(Person(0), "2026-09-30T14:00").ok() == false);  // full again
}

TEST_P(QueueTest, MyAppointmentsAreListedLatestFirstAPageAtATime) {
  for (const char* slot : {"2026-09-29T09:00", "2026-09-29T09:30", "2026-09-30T09:00"}) {
    ASSERT_TRUE(Book(citizen_, slot).ok()) << slot;
  }
  ASSERT_TRUE(Book(other_, "2026-09-29T11:00").ok());
  auto first = ListMyAppointments(ctx_, citizen_, "", 2);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->appointments.size(), 2u);
  EXPECT_EQ(domain::FormatSlot(first->appointments[0].slot_start), "2026-09-30T09:00");
  ASSERT_FALSE(first->next.empty());
  auto second = ListMyAppointments(ctx_, citizen_, first->next, 2);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->appointments.size(), 1u);
  EXPECT_EQ(domain::FormatSlot(second->appointments[0].slot_start), "2026-09-29T09:00");
  EXPECT_TRUE(second->next.empty());
  EXPECT_FALSE(ListMyAppointments(ctx_, citizen_, "not-a-token", 2).ok());
}

// Issue 11 item 4: "slot capacity under 50 concurrent bookings on both databases".
TEST_P(QueueTest, FiftyConcurrentBookingsOfASlotBookExactlyItsCapacity) {
  constexpr int kCapacity = 7;
  ServeWithCapacity(kCapacity);
  std::atomic<int> booked{0}, full{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      auto result = Book(Person(i), "2026-09-30T10:00");
      if (result.ok()) {
        ++booked;
      } else if (result.error().message == "error.appointment.slot_full") {
        ++full;
      } else {
        ++other;
        ADD_FAILURE() << result.error().message;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(booked.load(), kCapacity);
  EXPECT_EQ(full.load(), 50 - kCapacity);
  EXPECT_EQ(other.load(), 0);
  auto day = ListSlots(ctx_, "centre.310115", "2026-09-30");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(day->slots[2].left, 0);
}

TEST_P(QueueTest, AnAppointmentTodayGetsSeriesAAndIsCalledBeforeWalkIns) {
  auto walk_in = TakeTicket(ctx_, nullptr, "centre.310115", Address());
  ASSERT_TRUE(walk_in.ok()) << walk_in.error().message;
  EXPECT_EQ(domain::FormatTicketNumber(walk_in->ticket.series, walk_in->ticket.number), "B001");
  ASSERT_TRUE(Book(citizen_, "2026-09-28T15:00").ok());
  auto with_appointment = TakeTicket(ctx_, &citizen_, "centre.310115", Address());
  ASSERT_TRUE(with_appointment.ok());
  EXPECT_EQ(domain::FormatTicketNumber(with_appointment->ticket.series, with_appointment->ticket.number), "A001");
  EXPECT_FALSE(with_appointment->ticket.appointment_id.empty());
  auto signed_in_walk_in = TakeTicket(ctx_, &other_, "centre.310115", Address());
  ASSERT_TRUE(signed_in_walk_in.ok());
  EXPECT_EQ(domain::FormatTicketNumber(signed_in_walk_in->ticket.series, signed_in_walk_in->ticket.number), "B002");

  EXPECT_FALSE(with_appointment->existing);
  // One A ticket per booking: asking again answers the same ticket; the appointment is attended.
  auto again = TakeTicket(ctx_, &citizen_, "centre.310115", Address());
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->existing);
  EXPECT_EQ(again->ticket.id, with_appointment->ticket.id);
  auto attended = ctx_.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const ports::Appointment a, tx.queue().GetAppointment(with_appointment->ticket.appointment_id));
    EXPECT_EQ(a.status, domain::AppointmentStatus::kAttended);
    return Ok();
  });
  ASSERT_TRUE(attended.ok()) << attended.error().message;

  auto first = CallNextTicket(ctx_, clerk_, "centre.310115", "3");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->id, with_appointment->ticket.id);
  EXPECT_EQ(first->counter, "3");
  auto second = CallNextTicket(ctx_, clerk_, "centre.310115", "3");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->id, walk_in->ticket.id);
}

TEST_P(QueueTest, AnonymousWalkInTicketsAreRateLimitedPerAddress) {
  for (int i = 0; i < kWalkInTicketsPerAddress; ++i) {
    ASSERT_TRUE(TakeTicket(ctx_, nullptr, "centre.310115", Address()).ok()) << i;
  }
  auto refused = TakeTicket(ctx_, nullptr, "centre.310115", Address());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(refused.error().message, "error.ticket.too_many");
  // Another centre does not help; the refusals took nothing.
  EXPECT_EQ(TakeTicket(ctx_, nullptr, "centre.310112", Address()).error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(CentreDisplay(ctx_, "centre.310115")->waiting, kWalkInTicketsPerAddress);
  // Another address, or a signed-in person, still gets a number; the next window starts afresh.
  EXPECT_TRUE(TakeTicket(ctx_, nullptr, "centre.310115", Address(1)).ok());
  EXPECT_TRUE(TakeTicket(ctx_, &other_, "centre.310115", Address()).ok());
  clock_.Advance(std::chrono::minutes(kWalkInWindowMinutes));
  EXPECT_TRUE(TakeTicket(ctx_, nullptr, "centre.310115", Address()).ok());
}

TEST_P(QueueTest, TicketNumbersStartAgainEachDayAndAtEachCentre) {
  ASSERT_TRUE(TakeTicket(ctx_, nullptr, "centre.310115", Address()).ok());
  auto other_centre = TakeTicket(ctx_, nullptr, "centre.310112", Address());
  ASSERT_TRUE(other_centre.ok());
  EXPECT_EQ(other_centre->ticket.number, 1);
  clock_.Set({2026, 9, 29});
  auto next_day = TakeTicket(ctx_, nullptr, "centre.310115", Address());
  ASSERT_TRUE(next_day.ok());
  EXPECT_EQ(next_day->ticket.number, 1);
  EXPECT_EQ(next_day->ticket.day, "2026-09-29");
}

TEST_P(QueueTest, NoTicketsOnAHoliday) {
  clock_.Set({2026, 10, 5});
  auto ticket = TakeTicket(ctx_, nullptr, "centre.310115", Address());
  ASSERT_FALSE(ticket.ok());
  EXPECT_EQ(ticket.error().message, "error.ticket.closed");
}

TEST_P(QueueTest, CallingAnEmptyQueueIsNotFound) {
  auto none = CallNextTicket(ctx_, clerk_, "centre.310115", "1");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(none.error().message, "error.ticket.queue_empty");
}

TEST_P(QueueTest, OnlyAClerkOfTheCentreCallsItsTickets) {
  ASSERT_TRUE(TakeTicket(ctx_, nullptr, "centre.310115", Address()).ok());
  for (const Actor* who : {&other_centre_clerk_, &citizen_, &reviewer_}) {
    auto called = CallNextTicket(ctx_, *who, "centre.310115", "1");
    ASSERT_FALSE(called.ok());
    EXPECT_EQ(called.error().code, ErrorCode::kPermissionDenied);
  }
  for (const char* counter : {"", "window 3", "<b>", "12345678901234567"}) {
    auto called = CallNextTicket(ctx_, clerk_, "centre.310115", counter);
    ASSERT_FALSE(called.ok()) << counter;
    EXPECT_EQ(called.error().message, "error.ticket.counter_invalid");
  }
  auto display = CentreDisplay(ctx_, "centre.310115");
  ASSERT_TRUE(display.ok());
  EXPECT_TRUE(display->called.empty());
  EXPECT_EQ(display->waiting, 1);
}

TEST_P(QueueTest, TwoClerksCallingAtOnceNeverGetTheSameTicket) {
  constexpr int kTickets = 30;
  for (int i = 0; i < kTickets; ++i) ASSERT_TRUE(TakeTicket(ctx_, nullptr, "centre.310115", Address(i)).ok());
  std::mutex mutex;
  std::vector<std::string> called;
  std::atomic<int> empty{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const Actor& clerk = t % 2 == 0 ? clerk_ : clerk2_;
      for (int i = 0; i < kTickets; ++i) {
        auto ticket = CallNextTicket(ctx_, clerk, "centre.310115", std::to_string(t + 1));
        if (!ticket.ok()) {
          if (ticket.error().message == "error.ticket.queue_empty") ++empty;
          else ADD_FAILURE() << ticket.error().message;
          continue;
        }
        std::lock_guard lock(mutex);
        called.push_back(ticket->id);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(called.size(), static_cast<size_t>(kTickets));
  EXPECT_EQ(std::set<std::string>(called.begin(), called.end()).size(), static_cast<size_t>(kTickets));
  EXPECT_EQ(empty.load(), 4 * kTickets - kTickets);
}

TEST_P(QueueTest, ACalledTicketIsMarkedDoneOrNoShowAndTheDisplayShowsTheLastCalled) {
  auto a = TakeTicket(ctx_, nullptr, "centre.310115", Address());
  auto b = TakeTicket(ctx_, nullptr, "centre.310115", Address());
  ASSERT_TRUE(a.ok() && b.ok());
  auto not_called = FinishTicket(ctx_, clerk_, "centre.310115", b->ticket.id, TicketStatus::kDone);
  ASSERT_FALSE(not_called.ok());
  EXPECT_EQ(not_called.error().message, "error.ticket.not_called");
  ASSERT_TRUE(CallNextTicket(ctx_, clerk_, "centre.310115", "1").ok());
  clock_.Advance(std::chrono::seconds(60));
  ASSERT_TRUE(CallNextTicket(ctx_, clerk2_, "centre.310115", "2").ok());
  auto done = FinishTicket(ctx_, clerk_, "centre.310115", a->ticket.id, TicketStatus::kDone);
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(done->status, TicketStatus::kDone);
  auto no_show = FinishTicket(ctx_, clerk2_, "centre.310115", b->ticket.id, TicketStatus::kNoShow);
  ASSERT_TRUE(no_show.ok());
  auto waiting = FinishTicket(ctx_, clerk2_, "centre.310115", b->ticket.id, TicketStatus::kWaiting);
  ASSERT_FALSE(waiting.ok());
  EXPECT_EQ(waiting.error().message, "error.ticket.outcome_invalid");
  auto foreign = FinishTicket(ctx_, other_centre_clerk_, "centre.310115", a->ticket.id, TicketStatus::kDone);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.error().code, ErrorCode::kPermissionDenied);

  auto display = CentreDisplay(ctx_, "centre.310115");
  ASSERT_TRUE(display.ok());
  ASSERT_EQ(display->called.size(), 2u);
  EXPECT_EQ(display->called[0].id, b->ticket.id);  // latest first
  EXPECT_EQ(display->called[0].counter, "2");
  EXPECT_EQ(display->waiting, 0);
}

INSTANTIATE_TEST_SUITE_P(Databases, QueueTest, ::testing::ValuesIn(storage::testing::StoreTargets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace tongban::services
