#include "domain/catalogue.h"

#include <algorithm>
#include <string_view>
#include <utility>

namespace tongban::domain {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string AsciiLowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

// Splits on ASCII whitespace and the ideographic space U+3000 (what a Chinese IME types between
// words), so "营业执照　餐饮" is two words like "营业执照 餐饮".
std::vector<std::string> QueryWords(std::string_view q) {
  static constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  std::vector<std::string> words;
  std::string current;
  for (size_t i = 0; i < q.size(); ++i) {
    const char c = q[i];
    const bool ascii_space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    const bool wide_space = q.substr(i, kIdeographicSpace.size()) == kIdeographicSpace;
    if (ascii_space || wide_space) {
      if (!current.empty()) words.push_back(std::exchange(current, {}));
      if (wide_space) i += kIdeographicSpace.size() - 1;
    } else {
      current.push_back(AsciiLower(c));
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

// Lower-cased texts of one item, split into its names and everything else. Multi-byte UTF-8
// sequences only contain bytes >= 0x80, so ASCII lower-casing never alters Chinese text, and a
// valid UTF-8 word can only match a valid UTF-8 text at a character boundary. The parts are
// joined with '\n', which a query word never contains, so a word cannot match across two parts.
struct Haystack {
  std::string names;
  std::string rest;
};

Haystack MakeHaystack(const ServiceItem& item, const Department* department) {
  Haystack h;
  h.names = AsciiLowerCopy(item.name.zh + "\n" + item.name.en);
  std::string rest = item.description.zh + "\n" + item.description.en + "\n" + item.code + "\n";
  for (const std::string& k : item.keywords) rest += k + "\n";
  if (department != nullptr) {
    rest += department->code + "\n" + department->name.zh + "\n" + department->name.en;
  }
  h.rest = AsciiLowerCopy(rest);
  return h;
}

template <typename T>
void IndexByCode(const std::vector<T>& values, std::string_view what,
                   std::map<std::string, size_t, std::less<>>& index, std::vector<std::string>& problems) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].code.empty()) {
      problems.push_back(std::string(what) + " #" + std::to_string(i + 1) + " has no code");
    } else if (!index.emplace(values[i].code, i).second) {
      problems.push_back(std::string(what) + " code '" + values[i].code + "' repeats");
    }
  }
}

template <typename T>
const T* Lookup(const std::map<std::string, size_t, std::less<>>& index, const std::vector<T>& values,
                std::string_view code) {
  auto it = index.find(code);
  return it == index.end() ? nullptr : &values[it->second];
}

}  // namespace

const char* ChannelName(Channel channel) {
  switch (channel) {
    case Channel::kWeb: return "web";
    case Channel::kMobile: return "mobile";
    case Channel::kKiosk: return "kiosk";
    case Channel::kWindow: return "window";
  }
  return "web";
}

std::optional<Channel> ParseChannel(std::string_view name) {
  for (Channel c : {Channel::kWeb, Channel::kMobile, Channel::kKiosk, Channel::kWindow}) {
    if (name == ChannelName(c)) return c;
  }
  return std::nullopt;
}

const char* MaterialSourceName(MaterialSource source) {
  switch (source) {
    case MaterialSource::kSharedData: return "shared_data";
    case MaterialSource::kLicence: return "licence";
    case MaterialSource::kUpload: return "upload";
  }
  return "upload";
}

std::optional<MaterialSource> ParseMaterialSource(std::string_view name) {
  for (MaterialSource s : {MaterialSource::kSharedData, MaterialSource::kLicence, MaterialSource::kUpload}) {
    if (name == MaterialSourceName(s)) return s;
  }
  return std::nullopt;
}

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kText: return "text";
    case FieldType::kNumber: return "number";
    case FieldType::kDate: return "date";
    case FieldType::kSelect: return "select";
    case FieldType::kBoolean: return "boolean";
    case FieldType::kIdNumber: return "id_number";
    case FieldType::kCreditCode: return "credit_code";
    case FieldType::kPhone: return "phone";
    case FieldType::kEmail: return "email";
    case FieldType::kAddress: return "address";
  }
  return "text";
}

std::optional<FieldType> ParseFieldType(std::string_view name) {
  for (FieldType t : {FieldType::kText, FieldType::kNumber, FieldType::kDate, FieldType::kSelect,
                      FieldType::kBoolean, FieldType::kIdNumber, FieldType::kCreditCode, FieldType::kPhone,
                      FieldType::kEmail, FieldType::kAddress}) {
    if (name == FieldTypeName(t)) return t;
  }
  return std::nullopt;
}

const char* ApplicantKindName(ApplicantKind kind) {
  return kind == ApplicantKind::kEnterprise ? "enterprise" : "person";
}

bool ServiceCentre::Takes(ApplicantKind applicant) const {
  return level == CentreLevel::kDistrict || applicant == ApplicantKind::kPerson;
}

const Field* ServiceItem::FindField(std::string_view field_name) const {
  for (const Field& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

const Material* ServiceItem::FindMaterial(std::string_view material_code) const {
  for (const Material& m : materials) {
    if (m.code == material_code) return &m;
  }
  return nullptr;
}

bool ServiceItem::HasChannel(Channel channel) const {
  return std::find(channels.begin(), channels.end(), channel) != channels.end();
}

Result<std::shared_ptr<const Catalogue>> Catalogue::Build(CatalogueData data) {
  auto catalogue = std::make_shared<Catalogue>();
  catalogue->data_ = std::move(data);
  Catalogue& c = *catalogue;
  const CatalogueData& d = c.data_;

  std::vector<std::string> problems;
  IndexByCode(d.departments, "department", c.department_index_, problems);
  IndexByCode(d.districts, "district", c.district_index_, problems);
  IndexByCode(d.centres, "service centre", c.centre_index_, problems);
  IndexByCode(d.items, "item", c.item_index_, problems);
  IndexByCode(d.bundles, "bundle", c.bundle_index_, problems);

  for (const ServiceCentre& centre : d.centres) {
    if (!c.district_index_.contains(centre.district)) {
      problems.push_back("service centre '" + centre.code + "' names unknown district '" + centre.district + "'");
    }
  }
  for (const ServiceItem& item : d.items) {
    if (!c.department_index_.contains(item.department)) {
      problems.push_back("item '" + item.code + "' names unknown department '" + item.department + "'");
    }
  }
  for (const Bundle& bundle : d.bundles) {
    for (const std::string& code : bundle.items) {
      if (!c.item_index_.contains(code)) {
        problems.push_back("bundle '" + bundle.code + "' names unknown item '" + code + "'");
      }
    }
  }
  if (!problems.empty()) {
    std::string message;
    for (const std::string& p : problems) message += p + "\n";
    message.pop_back();
    return MakeError(ErrorCode::kInvalidArgument, std::move(message));
  }
  c.search_text_.reserve(d.items.size());
  for (const ServiceItem& item : d.items) {
    Haystack hay = MakeHaystack(item, c.FindDepartment(item.department));
    c.search_text_.emplace_back(std::move(hay.names), std::move(hay.rest));
  }
  return std::shared_ptr<const Catalogue>(std::move(catalogue));
}

const ServiceItem* Catalogue::FindItem(std::string_view code) const {
  return Lookup(item_index_, data_.items, code);
}
const Bundle* Catalogue::FindBundle(std::string_view code) const {
  return Lookup(bundle_index_, data_.bundles, code);
}
const Department* Catalogue::FindDepartment(std::string_view code) const {
  return Lookup(department_index_, data_.departments, code);
}
const District* Catalogue::FindDistrict(std::string_view code) const {
  return Lookup(district_index_, data_.districts, code);
}
const ServiceCentre* Catalogue::FindCentre(std::string_view code) const {
  return Lookup(centre_index_, data_.centres, code);
}

std::vector<const ServiceCentre*> Catalogue::CentresFor(const ServiceItem& item) const {
  std::vector<const ServiceCentre*> out;
  if (!item.HasChannel(Channel::kWindow)) return out;
  for (const ServiceCentre& centre : data_.centres) {
    if (centre.Takes(item.applicant)) out.push_back(&centre);
  }
  return out;
}

// District filter (docs/product.md C3): an item is offered in a district when the district has a centre
// that takes the item's applicant kind. District centres take enterprise and personal items,
// community centres personal items only. Items are not bound to particular centres in the data.
std::pair<std::vector<const ServiceItem*>, size_t> Catalogue::Search(const ItemQuery& query) const {
  const std::vector<std::string> words = QueryWords(query.q);

  bool district_has_district_centre = false;
  bool district_has_community_centre = false;
  if (!query.district.empty()) {
    for (const ServiceCentre& centre : data_.centres) {
      if (centre.district != query.district) continue;
      (centre.level == CentreLevel::kDistrict ? district_has_district_centre : district_has_community_centre) = true;
    }
  }

  struct Hit {
    const ServiceItem* item;
    bool name_hit;
  };
  std::vector<Hit> hits;
  for (const ServiceItem& item : data_.items) {
    if (!query.department.empty() && item.department != query.department) continue;
    if (!query.district.empty()) {
      const bool served = item.applicant == ApplicantKind::kEnterprise
                              ? district_has_district_centre
                              : district_has_district_centre || district_has_community_centre;
      if (!served) continue;
    }
    if (words.empty()) {
      hits.push_back({&item, false});
      continue;
    }
    const auto& [names, rest] = search_text_[static_cast<size_t>(&item - data_.items.data())];
    bool all = true;
    bool all_in_names = true;
    for (const std::string& w : words) {
      const bool in_name = names.find(w) != std::string::npos;
      all_in_names = all_in_names && in_name;
      if (!in_name && rest.find(w) == std::string::npos) {
        all = false;
        break;
      }
    }
    if (all) hits.push_back({&item, all_in_names});
  }

  std::stable_sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    if (a.name_hit != b.name_hit) return a.name_hit;
    return a.item->code < b.item->code;
  });

  const size_t total = hits.size();
  std::vector<const ServiceItem*> page;
  for (size_t i = query.offset; i < total && page.size() < query.limit; ++i) page.push_back(hits[i].item);
  return {std::move(page), total};
}

}  // namespace tongban::domain
