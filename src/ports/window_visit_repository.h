// Window visits (综合窗口, issue 11 item 3): a clerk scanned a person's identity code at a service
// centre, or an enterprise's code shown by its agent (a district centre); while the visit is open
// the clerk may act for that person or enterprise. services/window.h.
// Thread-safety: belongs to its Transaction (one thread).
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"

namespace tongban::ports {

struct WindowVisit {
  std::string id;
  std::string clerk_user_id;
  std::string centre;
  // A person's visit: the person served. An enterprise's visit: the agent who presented its code
  // (the code's `sub`), who is not the one served.
  std::string person_id;
  std::string person_user_id;
  std::string enterprise;  // an enterprise's visit: its credit code; "" for a person's visit
  std::string code_jti;
  Timestamp started_at{};
  Timestamp ends_at{};
  bool closed = false;

  bool OpenAt(Timestamp now) const { return !closed && now < ends_at; }
};

// How many open visits a clerk's console lists at most.
inline constexpr int kMaxOpenVisits = 20;

class WindowVisitRepository {
 public:
  virtual ~WindowVisitRepository() = default;
  // Inserts a visit. kAlreadyExists when a visit of the same code exists.
  virtual Status InsertVisit(const WindowVisit& visit) = 0;
  // kNotFound (error.window.visit_not_found) when there is none.
  virtual Result<WindowVisit> GetVisit(const std::string& id) = 0;
  virtual Result<WindowVisit> GetVisitByCode(const std::string& jti) = 0;
  // The clerk's visits still open at `now`, newest first, at most `limit`.
  virtual Result<std::vector<WindowVisit>> ListOpenVisits(const std::string& clerk_user_id, Timestamp now,
                                                          int limit) = 0;
  // Closes the visit at `at`.
  virtual Status CloseVisit(const std::string& id, Timestamp at) = 0;
};

}  // namespace tongban::ports
