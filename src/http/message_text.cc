#include "http/message_text.h"

#include <nlohmann/json.hpp>

namespace tongban::http {
namespace {

void ReplaceAll(std::string& text, const std::string& placeholder, const std::string& value) {
  for (size_t pos = text.find(placeholder); pos != std::string::npos; pos = text.find(placeholder, pos + value.size())) {
    text.replace(pos, placeholder.size(), value);
  }
}

}  // namespace

std::map<std::string, std::string> MessageParamsOf(const ports::Message& message) {
  std::map<std::string, std::string> out;
  const nlohmann::json params = nlohmann::json::parse(message.params, nullptr, /*allow_exceptions=*/false);
  if (!params.is_object()) return out;
  for (const auto& [name, value] : params.items()) {
    if (value.is_string()) out[name] = value.get<std::string>();
  }
  return out;
}

std::string MessageText(const Translator& i18n, const domain::Catalogue* catalogue, domain::Language lang,
                        const ports::Message& message) {
  std::string text = i18n.T(lang, "message." + message.kind);
  std::string reason;
  for (const auto& [name, raw] : MessageParamsOf(message)) {
    if (name == "reason") {
      reason = raw;
      continue;
    }
    std::string value = raw;
    if (catalogue != nullptr && name == "licence_type") {
      if (const domain::LicenceType* type = catalogue->FindLicenceType(raw)) value = type->name.In(lang);
    } else if (catalogue != nullptr && name == "item") {
      if (const domain::ServiceItem* item = catalogue->FindItem(raw)) value = item->name.In(lang);
    }
    ReplaceAll(text, "{" + name + "}", value);
  }
  if (!reason.empty()) text += i18n.T(lang, "message.reason", reason);
  return text;
}

std::string MessageHref(const ports::Message& message) {
  if (message.reference_id.empty()) return "";
  if (message.reference_kind == "application") return "/applications/" + message.reference_id;
  if (message.reference_kind == "licence") return "/licences/" + message.reference_id;
  if (message.reference_kind == "bundle") return "/bundle-cases/" + message.reference_id;
  // The signed "rate this service" link (services/ratings.h): opens without signing in.
  if (message.reference_kind == "rating_link") return "/rate/" + message.reference_id;
  return "";
}

}  // namespace tongban::http
