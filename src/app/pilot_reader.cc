#include "app/pilot_reader.h"

#include <algorithm>
#include <string>

namespace tongban::app {
namespace {

namespace d = domain;
using yaml_checks::FileContext;
using yaml_checks::MapReader;
using yaml_checks::Quote;

// item_variant: {item, promised_limit_days, fully_online, on_the_spot, channels, drop_materials}.
std::optional<d::ItemVariant> ReadVariant(FileContext& file, const YAML::Node& node, int line,
                                          const PilotReferences& refs) {
  MapReader m(file, node, "item variant",
              {"item", "promised_limit_days", "fully_online", "on_the_spot", "channels", "drop_materials"}, line);
  if (!m.ok()) return std::nullopt;
  const size_t before = file.problem_count();
  d::ItemVariant v;
  if (std::optional<std::string> item = m.String("item")) v.item = *item;
  v.promised_limit_days = m.Int("promised_limit_days", false);
  v.fully_online = m.Bool("fully_online");
  v.on_the_spot = m.Bool("on_the_spot");
  if (std::optional<YAML::Node> channels = m.List("channels", false)) {
    for (const YAML::Node& c : *channels) {
      std::optional<d::Channel> channel;
      if (c.IsScalar()) channel = d::ParseChannel(c.Scalar());
      if (!channel) {
        file.Add(c, "unknown channel; channels are web, mobile, kiosk and window", m.LineOfKey("channels"));
      } else if (std::find(v.channels.begin(), v.channels.end(), *channel) != v.channels.end()) {
        file.Add(c, "channel " + Quote(c.Scalar()) + " repeats", m.LineOfKey("channels"));
      } else {
        v.channels.push_back(*channel);
      }
    }
  }
  if (std::optional<YAML::Node> dropped = m.List("drop_materials", false)) {
    for (const YAML::Node& c : *dropped) {
      if (!c.IsScalar() || c.Scalar().empty()) {
        file.Add(c, "drop_materials lists material codes of the item", m.LineOfKey("drop_materials"));
      } else {
        v.dropped_materials.push_back(c.Scalar());
      }
    }
  }
  if (v.promised_limit_days && *v.promised_limit_days < 0) {
    file.AddLine(m.LineOfKey("promised_limit_days"), "'promised_limit_days' must not be negative");
  }
  if (refs.items != nullptr && !v.item.empty()) {
    const auto it = std::find_if(refs.items->begin(), refs.items->end(),
                                 [&](const d::ServiceItem& i) { return i.code == v.item; });
    if (it == refs.items->end()) {
      file.AddLine(m.LineOfKey("item"), "unknown item " + Quote(v.item) + "; use a code from items/*.yaml");
    } else {
      const d::ServiceItem& item = *it;
      const int promised = v.promised_limit_days.value_or(item.promised_limit_days);
      if (promised > item.legal_limit_days) {
        file.AddLine(m.LineOfKey("promised_limit_days"),
                     "promised_limit_days (" + std::to_string(promised) + ") is greater than the item's legal_limit_days (" +
                         std::to_string(item.legal_limit_days) + "); a pilot may only shorten the legal time limit");
      }
      if (item.instant && promised != 0) {
        file.AddLine(m.LineOfKey("promised_limit_days"), "item " + Quote(item.code) + " is instant: promised_limit_days must be 0");
      }
      const std::vector<d::Channel>& channels = v.channels.empty() ? item.channels : v.channels;
      const auto has = [&](d::Channel c) { return std::find(channels.begin(), channels.end(), c) != channels.end(); };
      if (v.fully_online.value_or(item.fully_online) && !has(d::Channel::kWeb)) {
        file.AddLine(m.LineOfKey("fully_online"), "a fully_online variant must offer the web channel");
      }
      if (v.on_the_spot.value_or(item.on_the_spot) && !has(d::Channel::kWindow)) {
        file.AddLine(m.LineOfKey("on_the_spot"), "an on_the_spot variant must offer the window channel");
      }
      for (const std::string& code : v.dropped_materials) {
        if (item.FindMaterial(code) == nullptr) {
          file.AddLine(m.LineOfKey("drop_materials"),
                       "item " + Quote(item.code) + " has no material " + Quote(code) + " to drop");
        }
      }
    }
  }
  if (file.problem_count() != before) return std::nullopt;
  return v;
}

}  // namespace

std::optional<d::Pilot> ReadPilot(FileContext& file, MapReader& m, yaml_checks::CodeRegistry& pilots,
                                  const PilotReferences& refs) {
  const size_t before = file.problem_count();
  d::Pilot pilot;
  if (std::optional<std::string> code = yaml_checks::CheckedCode(file, m, pilots)) pilot.code = *code;
  if (std::optional<d::LocalText> name = m.Text("name")) pilot.name = *name;
  if (std::optional<d::LocalText> description = m.Text("description", false)) pilot.description = *description;
  pilot.city = m.Bool("city").value_or(false);
  pilot.ended = m.Bool("ended").value_or(false);
  if (std::optional<YAML::Node> districts = m.List("districts", false)) {
    for (const YAML::Node& node : *districts) {
      const std::string code = node.IsScalar() ? node.Scalar() : std::string();
      if (code.empty()) {
        file.Add(node, "a pilot's district must be a code from districts.yaml", m.LineOfKey("districts"));
      } else if (refs.districts != nullptr && !refs.districts->Contains(code)) {
        file.Add(node, "unknown district " + Quote(code) + "; use a code from districts.yaml", m.LineOfKey("districts"));
      } else {
        pilot.districts.push_back(code);
      }
    }
  }
  if (!pilot.city && pilot.districts.empty() && file.problem_count() == before) {
    file.AddLine(m.line(), "a pilot applies in `districts: [...]`, or city-wide with `city: true` once promoted");
  }
  if (const YAML::Node* variant = m.Get("item_variant", false)) {
    pilot.item_variant = ReadVariant(file, *variant, m.LineOfKey("item_variant"), refs);
  }
  if (std::optional<std::string> bundle = m.String("bundle", false)) {
    pilot.bundle = *bundle;
    if (refs.bundles != nullptr && !refs.bundles->Contains(*bundle)) {
      file.AddLine(m.LineOfKey("bundle"), "unknown bundle " + Quote(*bundle) + "; use a code from bundles.yaml");
    }
  }
  if (std::optional<std::string> feature = m.String("feature", false)) {
    pilot.feature = *feature;
    if (!yaml_checks::IsCode(*feature)) {
      file.AddLine(m.LineOfKey("feature"), "feature " + Quote(*feature) + " must be lower-case words joined by '-' or '.'");
    }
  }
  const int kinds = (m.Get("item_variant", false) ? 1 : 0) + (pilot.bundle.empty() ? 0 : 1) + (pilot.feature.empty() ? 0 : 1);
  if (kinds != 1) file.AddLine(m.line(), "a pilot enables exactly one of item_variant, bundle and feature");
  if (file.problem_count() != before) return std::nullopt;
  return pilot;
}

}  // namespace tongban::app
