#include "domain/catalogue.h"

#include <array>

#include "common/enum_names.h"
#include "domain/search.h"

#include <algorithm>
#include <string_view>
#include <utility>

namespace tongban::domain {
namespace {

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

// domain/pilot.cc
void IndexPilots(const CatalogueData& d, const std::map<std::string, size_t, std::less<>>& districts,
                 const std::map<std::string, size_t, std::less<>>& items,
                 const std::map<std::string, size_t, std::less<>>& bundles,
                 std::map<std::string, size_t, std::less<>>& index, std::map<std::string, ServiceItem, std::less<>>& variants,
                 bool& has_district_pilots, std::vector<std::string>& problems);

namespace {

constexpr std::array kChannelNames = {
    EnumName<Channel>{Channel::kWeb, "web"},
    EnumName<Channel>{Channel::kMobile, "mobile"},
    EnumName<Channel>{Channel::kKiosk, "kiosk"},
    EnumName<Channel>{Channel::kWindow, "window"},
};
constexpr std::array kMaterialSourceNames = {
    EnumName<MaterialSource>{MaterialSource::kSharedData, "shared_data"},
    EnumName<MaterialSource>{MaterialSource::kLicence, "licence"},
    EnumName<MaterialSource>{MaterialSource::kUpload, "upload"},
};
constexpr std::array kFieldTypeNames = {
    EnumName<FieldType>{FieldType::kText, "text"},           EnumName<FieldType>{FieldType::kNumber, "number"},
    EnumName<FieldType>{FieldType::kDate, "date"},           EnumName<FieldType>{FieldType::kSelect, "select"},
    EnumName<FieldType>{FieldType::kBoolean, "boolean"},     EnumName<FieldType>{FieldType::kIdNumber, "id_number"},
    EnumName<FieldType>{FieldType::kCreditCode, "credit_code"}, EnumName<FieldType>{FieldType::kPhone, "phone"},
    EnumName<FieldType>{FieldType::kEmail, "email"},         EnumName<FieldType>{FieldType::kAddress, "address"},
};
constexpr std::array kApplicantKindNames = {
    EnumName<ApplicantKind>{ApplicantKind::kPerson, "person"},
    EnumName<ApplicantKind>{ApplicantKind::kEnterprise, "enterprise"},
};
constexpr std::array kCentreLevelNames = {
    EnumName<CentreLevel>{CentreLevel::kDistrict, "district"},
    EnumName<CentreLevel>{CentreLevel::kCommunity, "community"},
};
constexpr std::array kBundleRoutingNames = {
    EnumName<BundleRouting>{BundleRouting::kParallel, "parallel"},
    EnumName<BundleRouting>{BundleRouting::kSequential, "sequential"},
};
constexpr std::array kLanguageNames = {
    EnumName<Language>{Language::kZh, "zh"},
    EnumName<Language>{Language::kEn, "en"},
};

}  // namespace

const char* ChannelName(Channel channel) { return NameOf(kChannelNames, channel); }
std::optional<Channel> ParseChannel(std::string_view name) { return ValueOf(kChannelNames, name); }
const char* MaterialSourceName(MaterialSource source) { return NameOf(kMaterialSourceNames, source); }
std::optional<MaterialSource> ParseMaterialSource(std::string_view name) { return ValueOf(kMaterialSourceNames, name); }
const char* FieldTypeName(FieldType type) { return NameOf(kFieldTypeNames, type); }
std::optional<FieldType> ParseFieldType(std::string_view name) { return ValueOf(kFieldTypeNames, name); }
const char* ApplicantKindName(ApplicantKind kind) { return NameOf(kApplicantKindNames, kind); }
std::optional<ApplicantKind> ParseApplicantKind(std::string_view name) { return ValueOf(kApplicantKindNames, name); }
const char* CentreLevelName(CentreLevel level) { return NameOf(kCentreLevelNames, level); }
std::optional<CentreLevel> ParseCentreLevel(std::string_view name) { return ValueOf(kCentreLevelNames, name); }
const char* BundleRoutingName(BundleRouting routing) { return NameOf(kBundleRoutingNames, routing); }
std::optional<BundleRouting> ParseBundleRouting(std::string_view name) { return ValueOf(kBundleRoutingNames, name); }

const std::vector<std::string>& Bundle::WaitsFor(const std::string& item) const {
  static const std::vector<std::string> kNone;
  const auto it = waits_for.find(item);
  return it == waits_for.end() ? kNone : it->second;
}
const char* LanguageName(Language lang) { return NameOf(kLanguageNames, lang); }
std::optional<Language> ParseLanguage(std::string_view name) { return ValueOf(kLanguageNames, name); }

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
  IndexByCode(d.licence_types, "licence type", c.licence_type_index_, problems);
  IndexByCode(d.datasets, "dataset", c.dataset_index_, problems);

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
  for (const Dataset& dataset : d.datasets) {
    if (!c.department_index_.contains(dataset.department)) {
      problems.push_back("dataset '" + dataset.code + "' names unknown department '" + dataset.department + "'");
    }
  }
  for (const Bundle& bundle : d.bundles) {
    for (const std::string& code : bundle.items) {
      if (!c.item_index_.contains(code)) {
        problems.push_back("bundle '" + bundle.code + "' names unknown item '" + code + "'");
      }
    }
  }
  IndexPilots(d, c.district_index_, c.item_index_, c.bundle_index_, c.pilot_index_, c.variants_,
              c.has_district_pilots_, problems);
  for (const auto* list : {&d.popular_for_persons, &d.popular_for_enterprises}) {
    for (const std::string& code : *list) {
      if (!c.item_index_.contains(code)) problems.push_back("popular item '" + code + "' is unknown");
    }
  }
  if (!problems.empty()) {
    std::string message;
    for (const std::string& p : problems) message += p + "\n";
    message.pop_back();
    return MakeError(ErrorCode::kInvalidArgument, std::move(message));
  }
  c.search_ = std::make_shared<const SearchIndex>(d);
  return std::shared_ptr<const Catalogue>(std::move(catalogue));
}

const ServiceItem* Catalogue::FindItem(std::string_view code) const {
  return Lookup(item_index_, data_.items, code);
}
const Bundle* Catalogue::FindBundle(std::string_view code) const {
  return Lookup(bundle_index_, data_.bundles, code);
}
const Dataset* Catalogue::FindDataset(std::string_view code) const {
  return Lookup(dataset_index_, data_.datasets, code);
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
const LicenceType* Catalogue::FindLicenceType(std::string_view code) const {
  return Lookup(licence_type_index_, data_.licence_types, code);
}
std::vector<const LicenceType*> Catalogue::IndustryTypesWithPart(std::string_view part) const {
  std::vector<const LicenceType*> out;
  for (const LicenceType& t : data_.licence_types) {
    if (std::find(t.parts.begin(), t.parts.end(), part) != t.parts.end()) out.push_back(&t);
  }
  return out;
}

std::vector<const ServiceCentre*> Catalogue::CentresFor(const ServiceItem& item) const {
  std::vector<const ServiceCentre*> out;
  if (!item.HasChannel(Channel::kWindow)) return out;
  for (const ServiceCentre& centre : data_.centres) {
    if (centre.Takes(item.applicant)) out.push_back(&centre);
  }
  return out;
}

SearchPage Catalogue::Find(const SearchQuery& query) const {
  if (!query.offered_in) return search_->Find(query);
  return search_->Find(query, [&](const Bundle& bundle) { return BundleOffered(bundle.code, *query.offered_in); });
}

std::pair<std::vector<const ServiceItem*>, size_t> Catalogue::Search(const ItemQuery& query) const {
  SearchQuery q;
  q.q = query.q;
  q.department = query.department;
  q.district = query.district;
  q.applicant = query.applicant;
  q.include_bundles = false;
  q.offset = query.offset;
  q.limit = query.limit;
  SearchPage found = search_->Find(q);
  std::vector<const ServiceItem*> items;
  items.reserve(found.hits.size());
  for (const SearchHit& hit : found.hits) items.push_back(hit.item);
  return {std::move(items), found.total};
}

std::vector<const ServiceItem*> Catalogue::Popular(ApplicantKind audience) const {
  std::vector<const ServiceItem*> out;
  for (const std::string& code :
       audience == ApplicantKind::kEnterprise ? data_.popular_for_enterprises : data_.popular_for_persons) {
    if (const ServiceItem* item = FindItem(code)) out.push_back(item);
  }
  return out;
}

bool Catalogue::BundleTakes(const Bundle& bundle, ApplicantKind kind) const {
  return search_->BundleTakes(bundle, kind);
}

}  // namespace tongban::domain
