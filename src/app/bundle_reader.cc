#include "app/bundle_reader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <utility>

namespace tongban::app {
namespace {

namespace d = domain;
using yaml_checks::FileContext;
using yaml_checks::MapReader;
using yaml_checks::Quote;

// A cycle of `bundle.waits_for`, as "a -> b -> a", or nullopt.
std::optional<std::string> WaitsForCycle(const d::Bundle& bundle) {
  std::map<std::string, int> mark;  // 1: on the path, 2: done
  std::vector<std::string> path;
  std::optional<std::string> found;
  std::function<void(const std::string&)> visit = [&](const std::string& item) {
    if (found) return;
    mark[item] = 1;
    path.push_back(item);
    for (const std::string& next : bundle.WaitsFor(item)) {
      if (mark[next] == 1) {
        std::string text;
        for (auto it = std::find(path.begin(), path.end(), next); it != path.end(); ++it) text += *it + " -> ";
        found = text + next;
        return;
      }
      if (mark[next] == 0) visit(next);
      if (found) return;
    }
    path.pop_back();
    mark[item] = 2;
  };
  for (const std::string& item : bundle.items) {
    if (mark[item] == 0) visit(item);
  }
  return found;
}

// `waits_for: {item: [items it waits for]}` (issue 11 item 1): every code names an item of this
// bundle, and the order has no cycle. Without it, `routing: sequential` makes each item wait for
// the one before.
void ReadWaitsFor(FileContext& file, MapReader& m, d::Bundle& bundle) {
  const YAML::Node* node = m.Get("waits_for", false);
  const int line = m.LineOfKey("waits_for");
  const auto in_bundle = [&](const std::string& code) {
    return std::find(bundle.items.begin(), bundle.items.end(), code) != bundle.items.end();
  };
  if (node == nullptr) {
    if (bundle.routing == d::BundleRouting::kSequential) {
      for (size_t i = 1; i < bundle.items.size(); ++i) bundle.waits_for[bundle.items[i]] = {bundle.items[i - 1]};
    }
    return;
  }
  if (!node->IsMap()) {
    file.AddLine(line, "'waits_for' must map an item code to the list of item codes it waits for");
    return;
  }
  for (const auto& entry : *node) {
    const std::string item = entry.first.IsScalar() ? entry.first.Scalar() : std::string();
    if (!in_bundle(item)) {
      file.Add(entry.first, "waits_for: " + Quote(item) + " is not an item of this bundle", line);
      continue;
    }
    if (!entry.second.IsSequence()) {
      file.Add(entry.second, "waits_for: " + Quote(item) + " must list the item codes it waits for", line);
      continue;
    }
    std::vector<std::string>& before = bundle.waits_for[item];
    for (const YAML::Node& w : entry.second) {
      const std::string code = w.IsScalar() ? w.Scalar() : std::string();
      if (!in_bundle(code)) {
        file.Add(w, "waits_for: " + Quote(item) + " waits for " + Quote(code) + ", which is not an item of this bundle",
                 line);
      } else if (code == item || std::find(before.begin(), before.end(), code) != before.end()) {
        file.Add(w, "waits_for: " + Quote(item) + " lists " + Quote(code) + " twice or waits for itself", line);
      } else {
        before.push_back(code);
      }
    }
  }
  if (const std::optional<std::string> cycle = WaitsForCycle(bundle)) {
    file.AddLine(line, "waits_for: the order has a cycle (" + *cycle + "); nothing in it could ever start");
  }
}

// A bundle asks each field once (C4b), so a field name shared by several items must mean the
// same thing in all of them.
void CheckMergedFields(FileContext& file, int line, const d::Bundle& bundle, const std::vector<d::ServiceItem>& items) {
  std::map<std::string, std::pair<d::FieldType, std::string>> seen;  // name -> (type, item code)
  for (const std::string& code : bundle.items) {
    auto it = std::find_if(items.begin(), items.end(), [&](const d::ServiceItem& x) { return x.code == code; });
    if (it == items.end()) continue;
    for (const d::Field& f : it->fields) {
      auto [pos, inserted] = seen.emplace(f.name, std::pair{f.type, code});
      if (!inserted && pos->second.first != f.type) {
        file.AddLine(line, "field " + Quote(f.name) + " is " + d::FieldTypeName(pos->second.first) + " in " +
                               Quote(pos->second.second) + " but " + d::FieldTypeName(f.type) + " in " + Quote(code) +
                               "; a bundle asks each field once, so the types must agree");
      }
    }
  }
}

}  // namespace

std::optional<d::Bundle> ReadBundle(FileContext& file, MapReader& m, const BundleReferences& refs) {
  const size_t problems_before = file.problem_count();
  d::Bundle bundle;
  std::optional<std::string> code = yaml_checks::CheckedCode(file, m, *refs.bundles);
  std::optional<d::LocalText> name = m.Text("name");
  std::optional<d::LocalText> description = m.Text("description");
  std::optional<std::string> routing = m.String("routing");
  std::optional<std::string> industry_licence = m.String("industry_licence", false);
  if (code) bundle.code = *code;
  if (name) bundle.name = *name;
  bundle.aliases = yaml_checks::ReadAliases(file, m);
  if (description) bundle.description = *description;
  if (industry_licence) bundle.industry_licence = *industry_licence;
  if (routing) {
    if (*routing == "parallel") {
      bundle.routing = d::BundleRouting::kParallel;
    } else if (*routing == "sequential") {
      bundle.routing = d::BundleRouting::kSequential;
    } else {
      file.AddLine(m.LineOfKey("routing"), "'routing' must be parallel or sequential, not " + Quote(*routing));
    }
  }
  if (std::optional<YAML::Node> items = m.List("items")) {
    for (const YAML::Node& i : *items) {
      if (!i.IsScalar() || i.Scalar().empty()) {
        file.Add(i, "a bundle's item must be an item code", m.LineOfKey("items"));
        continue;
      }
      const std::string& item_code = i.Scalar();
      if (std::find(bundle.items.begin(), bundle.items.end(), item_code) != bundle.items.end()) {
        file.Add(i, "item " + Quote(item_code) + " repeats in this bundle", m.LineOfKey("items"));
      } else if (refs.item_codes != nullptr && !refs.item_codes->Contains(item_code)) {
        file.Add(i, "unknown item " + Quote(item_code) + "; use a code from items/*.yaml", m.LineOfKey("items"));
      }
      bundle.items.push_back(item_code);
    }
    if (bundle.items.size() < 2) {
      file.AddLine(m.LineOfKey("items"), "a bundle (一件事) joins two or more items");
    }
    CheckMergedFields(file, m.LineOfKey("items"), bundle, *refs.items);
  }
  ReadWaitsFor(file, m, bundle);
  if (file.problem_count() != problems_before) return std::nullopt;
  return bundle;
}

}  // namespace tongban::app
