// Pilots (先行先试, issue 13 item 5): whose district decides which variant of an item, which bundle
// and which feature someone gets. The catalogue holds the pilots and the one rule
// (domain::Catalogue::ItemFor, BundleOffered, FeatureEnabled); this says whose district it is.
// A person's district is their registered district: the `district` field of their population record,
// else of their household registration. That field is of class internal (not personal), so the read
// is not an access-log entry (services/data_access.h logs personal and sensitive reads).
// Thread-safety: stateless functions over a shared Context.
#pragma once

#include <string>

#include "domain/application.h"
#include "services/context.h"

namespace tongban::services {

// The registered district of the person `person_id` ("" when their records name none).
Result<std::string> PersonDistrict(ports::Transaction& tx, const std::string& person_id);

// The district whose pilots apply to what `actor` sees: a clerk's centre's district, else the
// registered district of the signed-in person; "" for anyone else (then only city-wide pilots).
// Reads nothing when no pilot of the catalogue is limited to some districts.
Result<std::string> ActorDistrict(const Context& ctx, const Actor& actor);

// The district whose pilots apply to `app` as it is created: at a window or kiosk the centre's
// district; otherwise the registered district of the person it is for (for an enterprise, of the
// agent applying).
Result<std::string> ApplicationDistrict(const Context& ctx, ports::Transaction& tx, const Actor& actor,
                                        const domain::Application& app);

}  // namespace tongban::services
