// Appointments and queue tickets in SQL (ports/queue_repository.h). Internal to storage.
#pragma once

#include "ports/queue_repository.h"
#include "storage/sql_access.h"

namespace tongban::storage {

class SqlQueue final : public ports::QueueRepository {
 public:
  explicit SqlQueue(const SqlAccess& sql) : sql_(sql) {}
  Result<bool> TakeSlotPlace(const std::string& centre, Timestamp slot_start, int capacity) override;
  Status ReleaseSlotPlace(const std::string& centre, Timestamp slot_start) override;
  Result<std::map<int64_t, int64_t>> SlotBookings(const std::string& centre, Timestamp from, Timestamp to) override;
  Status InsertAppointment(const ports::Appointment& appointment) override;
  Result<ports::Appointment> GetAppointment(const std::string& id) override;
  Result<bool> CancelAppointment(const std::string& id, Timestamp at) override;
  Result<std::vector<ports::Appointment>> ListAppointmentsOfUser(
      const std::string& user_id, std::optional<std::pair<Timestamp, std::string>> before, int limit) override;
  Result<std::optional<ports::Appointment>> BookedAppointmentBetween(const std::string& user_id,
                                                                     const std::string& centre, Timestamp from,
                                                                     Timestamp to) override;
  Result<std::optional<ports::Appointment>> AttendedAppointmentBetween(const std::string& user_id,
                                                                       const std::string& centre, Timestamp from,
                                                                       Timestamp to) override;
  Result<bool> MarkAppointmentAttended(const std::string& id) override;
  Result<std::optional<ports::Ticket>> TicketOfAppointment(const std::string& appointment_id) override;
  Result<int64_t> NextTicketNumber(const std::string& centre, const std::string& day,
                                   const std::string& series) override;
  Status InsertTicket(const ports::Ticket& ticket) override;
  Result<ports::Ticket> GetTicket(const std::string& id) override;
  Result<std::optional<ports::Ticket>> CallNextTicket(const std::string& centre, const std::string& day,
                                                      const std::string& counter, const std::string& clerk,
                                                      Timestamp at) override;
  Result<bool> FinishTicket(const std::string& id, const std::string& centre, domain::TicketStatus outcome,
                            Timestamp at) override;
  Result<std::vector<ports::Ticket>> LastCalledTickets(const std::string& centre, const std::string& day,
                                                       int limit) override;
  Result<int64_t> WaitingCount(const std::string& centre, const std::string& day) override;

 private:
  const SqlAccess& sql_;
};

}  // namespace tongban::storage
