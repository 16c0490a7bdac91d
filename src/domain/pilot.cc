// Pilots (先行先试, issue 13 item 5): which variant of an item, which bundle and which feature a
// person of a district gets. The one rule every reader (catalogue API, item pages, apply, the
// submit deadline) asks through Catalogue.
#include <algorithm>

#include "domain/catalogue.h"

namespace tongban::domain {

bool Pilot::AppliesIn(std::string_view district) const {
  if (ended) return false;
  if (city) return true;
  if (district.empty()) return false;
  return std::find(districts.begin(), districts.end(), district) != districts.end();
}

// The item with the variant's changes: a shorter promised limit, fully online, other channels,
// and without the materials shared data now replaces.
ServiceItem ApplyItemVariant(const ServiceItem& item, const ItemVariant& variant) {
  ServiceItem out = item;
  if (variant.promised_limit_days) out.promised_limit_days = *variant.promised_limit_days;
  if (variant.fully_online) out.fully_online = *variant.fully_online;
  if (variant.on_the_spot) out.on_the_spot = *variant.on_the_spot;
  if (!variant.channels.empty()) out.channels = variant.channels;
  std::erase_if(out.materials, [&](const Material& m) {
    return std::find(variant.dropped_materials.begin(), variant.dropped_materials.end(), m.code) !=
           variant.dropped_materials.end();
  });
  return out;
}

const Pilot* Catalogue::FindPilot(std::string_view code) const {
  const auto it = pilot_index_.find(code);
  return it == pilot_index_.end() ? nullptr : &data_.pilots[it->second];
}

const Pilot* Catalogue::VariantPilot(std::string_view item, std::string_view district) const {
  for (const Pilot& pilot : data_.pilots) {
    if (pilot.item_variant && pilot.item_variant->item == item && pilot.AppliesIn(district)) return &pilot;
  }
  return nullptr;
}

const ServiceItem* Catalogue::ItemFor(std::string_view item, std::string_view district) const {
  if (const Pilot* pilot = VariantPilot(item, district)) return ItemUnder(item, pilot->code);
  return FindItem(item);
}

const ServiceItem* Catalogue::ItemUnder(std::string_view item, std::string_view pilot) const {
  if (!pilot.empty()) {
    const auto it = variants_.find(pilot);
    if (it != variants_.end() && it->second.code == item) return &it->second;
  }
  return FindItem(item);
}

bool Catalogue::BundleOffered(std::string_view bundle, std::string_view district) const {
  bool piloted = false;
  for (const Pilot& pilot : data_.pilots) {
    if (pilot.bundle != bundle) continue;
    if (pilot.AppliesIn(district)) return true;
    piloted = true;
  }
  return !piloted;
}

bool Catalogue::FeatureEnabled(std::string_view feature, std::string_view district) const {
  return std::any_of(data_.pilots.begin(), data_.pilots.end(),
                     [&](const Pilot& p) { return p.feature == feature && p.AppliesIn(district); });
}

// Indexes the pilots, checks what they name and builds their items' variants (Catalogue::Build).
void IndexPilots(const CatalogueData& d, const std::map<std::string, size_t, std::less<>>& districts,
                 const std::map<std::string, size_t, std::less<>>& items,
                 const std::map<std::string, size_t, std::less<>>& bundles,
                 std::map<std::string, size_t, std::less<>>& index, std::map<std::string, ServiceItem, std::less<>>& variants,
                 bool& has_district_pilots, std::vector<std::string>& problems) {
  for (size_t i = 0; i < d.pilots.size(); ++i) {
    const Pilot& pilot = d.pilots[i];
    const std::string what = "pilot '" + pilot.code + "'";
    if (pilot.code.empty() || !index.emplace(pilot.code, i).second) {
      problems.push_back("pilot #" + std::to_string(i + 1) + " has no code or its code repeats");
      continue;
    }
    for (const std::string& district : pilot.districts) {
      if (!districts.contains(district)) problems.push_back(what + " names unknown district '" + district + "'");
    }
    if (!pilot.city && pilot.districts.empty()) problems.push_back(what + " names no district and is not city-wide");
    const int kinds = (pilot.item_variant ? 1 : 0) + (pilot.bundle.empty() ? 0 : 1) + (pilot.feature.empty() ? 0 : 1);
    if (kinds != 1) problems.push_back(what + " must enable exactly one of item_variant, bundle and feature");
    if (!pilot.bundle.empty() && !bundles.contains(pilot.bundle)) {
      problems.push_back(what + " names unknown bundle '" + pilot.bundle + "'");
    }
    if (!pilot.ended && !pilot.city) has_district_pilots = true;
    if (!pilot.item_variant) continue;
    const auto item = items.find(pilot.item_variant->item);
    if (item == items.end()) {
      problems.push_back(what + " names unknown item '" + pilot.item_variant->item + "'");
      continue;
    }
    ServiceItem variant = ApplyItemVariant(d.items[item->second], *pilot.item_variant);
    if (variant.promised_limit_days > variant.legal_limit_days) {
      problems.push_back(what + ": promised_limit_days (" + std::to_string(variant.promised_limit_days) +
                         ") is greater than the item's legal_limit_days (" + std::to_string(variant.legal_limit_days) + ")");
    }
    variants.emplace(pilot.code, std::move(variant));
  }
}

}  // namespace tongban::domain
