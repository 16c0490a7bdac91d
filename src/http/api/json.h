// JSON views of domain values for the API (snake_case, RFC 3339 times, docs/api.md shapes), and
// parsing helpers for request bodies. Thread-safety: pure functions.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "common/result.h"
#include "domain/account.h"
#include "domain/application.h"
#include "domain/catalogue.h"
#include "services/cross_province.h"

namespace tongban::http::api {

using Json = nlohmann::json;

Json ToJson(const domain::LocalText& text);
Json ToJson(const domain::Department& d);
Json ToJson(const domain::District& d);
Json ToJson(const domain::ServiceCentre& c);
Json ToJson(const domain::ServiceItem& item);
// The item as above plus "service_centres": the codes of the centres where it can be done in person
// (domain::Catalogue::CentresFor; their address, hours and phone are in GET /api/v1/service-centres).
Json ToJson(const domain::ServiceItem& item, const domain::Catalogue& catalogue);
Json ToJson(const domain::LicenceType& type);
Json ToJson(const domain::Bundle& bundle);
Json ToJson(const domain::Application& app, Date today);
// An application's "cross_province" member (issue 14 item 4): the side, the other platform, the
// handling department, where the result is delivered, and whether the handler took it yet.
Json CrossProvinceJson(const services::CrossProvinceView& view);
Json ToJson(const domain::Event& event);
Json ToJson(const domain::User& user);

// Parses a request body that must be a JSON object. kInvalidArgument ("error.json.malformed" or
// "error.json.not_object") otherwise.
Result<Json> ParseObject(const std::string& body);
// Form values from a JSON object: strings as they are, numbers and booleans as canonical text,
// null skipped; arrays and objects are a FieldError (error.field.type) for that name.
Result<std::map<std::string, std::string>> FieldValues(const Json& object);
// An optional string member; kInvalidArgument ("error.json.type", detail = name) when present
// with another type.
Result<std::string> OptionalString(const Json& object, const char* name);

}  // namespace tongban::http::api
