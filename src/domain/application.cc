#include "domain/application.h"

namespace tongban::domain {

const char* MaterialStatusName(MaterialStatus status) {
  switch (status) {
    case MaterialStatus::kProvided: return "provided";
    case MaterialStatus::kToBeFetched: return "to_be_fetched";
    case MaterialStatus::kMissing: return "missing";
  }
  return "missing";
}

bool IsOverdue(const Application& app, Date today) {
  return app.deadline.has_value() && ClockRuns(app.state) && today > *app.deadline;
}

}  // namespace tongban::domain
