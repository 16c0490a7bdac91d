#include "domain/application.h"

#include <array>

#include "common/enum_names.h"

namespace tongban::domain {

namespace {

constexpr std::array kMaterialStatusNames = {
    EnumName<MaterialStatus>{MaterialStatus::kProvided, "provided"},
    EnumName<MaterialStatus>{MaterialStatus::kToBeFetched, "to_be_fetched"},
    EnumName<MaterialStatus>{MaterialStatus::kMissing, "missing"},
    EnumName<MaterialStatus>{MaterialStatus::kFetched, "fetched"},
};

}  // namespace

const char* MaterialStatusName(MaterialStatus status) { return NameOf(kMaterialStatusNames, status); }

std::optional<MaterialStatus> ParseMaterialStatus(std::string_view name) {
  return ValueOf(kMaterialStatusNames, name);
}

bool IsOverdue(const Application& app, Date today) {
  return app.deadline.has_value() && ClockRuns(app.state) && today > *app.deadline;
}

}  // namespace tongban::domain
