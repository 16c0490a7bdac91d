#include "services/pilots.h"

#include "domain/record_values.h"

namespace tongban::services {
namespace {

// A person has one population record and one household registration.
constexpr int kRecordsRead = 1;

std::string CentreDistrict(const domain::Catalogue& catalogue, const std::string& centre) {
  const domain::ServiceCentre* c = catalogue.FindCentre(centre);
  return c != nullptr ? c->district : std::string();
}

}  // namespace

Result<std::string> PersonDistrict(ports::Transaction& tx, const std::string& person_id) {
  if (person_id.empty()) return std::string();
  for (const char* dataset : {"population", "household_registration"}) {
    TB_ASSIGN_OR_RETURN(const auto records, tx.datasets().RecordsOf(dataset, person_id, kRecordsRead));
    for (const ports::DatasetRecord& r : records) {
      auto values = domain::ParseRecordValues(r.fields_json);
      if (!values.ok()) return MakeError(ErrorCode::kInternal, std::string("dataset_records.fields_json of ") + dataset);
      const auto it = values->find("district");
      if (it != values->end() && !it->second.empty()) return it->second;
    }
  }
  return std::string();
}

Result<std::string> ActorDistrict(const Context& ctx, const Actor& actor) {
  const auto catalogue = ctx.Catalogue();
  if (!catalogue->HasDistrictPilots()) return std::string();
  if (!actor.user.centre.empty()) return CentreDistrict(*catalogue, actor.user.centre);
  if (actor.user.person_id.empty()) return std::string();
  std::string district;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(district, PersonDistrict(tx, actor.user.person_id));
    return Ok();
  }));
  return district;
}

Result<std::string> ApplicationDistrict(const Context& ctx, ports::Transaction& tx, const Actor& actor,
                                        const domain::Application& app) {
  const auto catalogue = ctx.Catalogue();
  if (!catalogue->HasDistrictPilots()) return std::string();
  const bool at_centre = app.channel == domain::Channel::kWindow || app.channel == domain::Channel::kKiosk;
  if (at_centre && !app.centre.empty()) return CentreDistrict(*catalogue, app.centre);
  return PersonDistrict(tx, app.person_id.empty() ? actor.user.person_id : app.person_id);
}

}  // namespace tongban::services
