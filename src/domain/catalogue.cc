#include "domain/catalogue.h"

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

SearchPage Catalogue::Find(const SearchQuery& query) const { return search_->Find(query); }

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
