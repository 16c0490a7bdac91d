// The service catalogue (docs/product.md C1, C2): departments, districts, service centres, service
// items and bundles as standard data. Built once by the loader, then read-only.
// Thread-safety: a Catalogue is immutable after Build(); share it through shared_ptr<const>.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "domain/dataset.h"
#include "domain/eligibility.h"
#include "domain/proactive.h"
#include "domain/queue.h"
#include "domain/text.h"
#include "domain/suggestion.h"

namespace tongban::domain {

enum class Channel { kWeb, kMobile, kKiosk, kWindow };
const char* ChannelName(Channel channel);  // "web", "mobile", "kiosk", "window"
std::optional<Channel> ParseChannel(std::string_view name);

enum class MaterialSource { kSharedData, kLicence, kUpload };
const char* MaterialSourceName(MaterialSource source);  // "shared_data", "licence", "upload"
std::optional<MaterialSource> ParseMaterialSource(std::string_view name);

enum class FieldType { kText, kNumber, kDate, kSelect, kBoolean, kIdNumber, kCreditCode, kPhone, kEmail, kAddress };
const char* FieldTypeName(FieldType type);  // as in docs/api.md: "text", "number", "id_number", ...
std::optional<FieldType> ParseFieldType(std::string_view name);

// Who may apply for an item.
enum class ApplicantKind { kPerson, kEnterprise };
const char* ApplicantKindName(ApplicantKind kind);  // "person", "enterprise"
std::optional<ApplicantKind> ParseApplicantKind(std::string_view name);

enum class CentreLevel { kDistrict, kCommunity };
const char* CentreLevelName(CentreLevel level);  // "district", "community"
std::optional<CentreLevel> ParseCentreLevel(std::string_view name);

const char* LanguageName(Language lang);  // "zh", "en"
std::optional<Language> ParseLanguage(std::string_view name);

struct Department {
  std::string code;
  LocalText name;
};

struct District {
  std::string code;  // the administrative division code, e.g. "310115" for Pudong
  LocalText name;
};

struct ServiceCentre {
  std::string code;
  LocalText name;
  std::string district;  // District code
  CentreLevel level = CentreLevel::kDistrict;
  LocalText address;
  LocalText opening_hours;  // e.g. "周一至周五 9:00-17:00"
  std::string phone;        // as dialled from within the city's area code, e.g. "021-12345678"
  AppointmentSchedule appointments;  // slot_minutes 0: no appointments (domain/queue.h)

  // District centres take enterprise and personal items, community centres personal items only.
  bool Takes(ApplicantKind applicant) const;
};

struct SelectOption {
  std::string value;
  LocalText label;
};

struct Field {
  std::string name;  // snake_case key in the application's fields
  LocalText label;
  LocalText hint;
  FieldType type = FieldType::kText;
  bool required = false;
  std::vector<SelectOption> options;  // kSelect only
  std::optional<double> min;          // kNumber: smallest value; kText: shortest length
  std::optional<double> max;          // kNumber: largest value; kText: longest length
  std::string pattern;                // kText: an ECMAScript regular expression the whole value matches
  // Filled from shared data or a licence, never asked from the applicant (C4, C5).
  std::optional<MaterialSource> source;
  std::string dataset;                // where a sourced field comes from, e.g. "household_registration"
  // The dataset's field this one is filled from when the names differ (applicant_name ->
  // population's "name"); empty: the field of the same name.
  std::string dataset_field;
  const std::string& DatasetFieldName() const { return dataset_field.empty() ? name : dataset_field; }
};

struct Material {
  std::string code;
  LocalText name;
  MaterialSource source = MaterialSource::kUpload;
  bool required = true;
  std::string dataset;  // kSharedData: the dataset; kLicence: the licence type
  // kLicence only: a federation peer's licence of the type may be presented instead (issue 14
  // item 3, services/peer_materials.h).
  bool accepts_from_peers = false;
};

// The text of a law or regulation an item's legal basis cites.
struct LegalText {
  std::string title;  // as cited in legal_basis, e.g. "《中华人民共和国社会保险法》"
  std::string url;    // where its text is published (https)
};

struct ServiceItem {
  std::string code;  // e.g. "market.business-licence"
  LocalText name;
  LocalText description;
  std::string department;   // Department code
  std::string legal_basis;
  ApplicantKind applicant = ApplicantKind::kPerson;
  bool instant = false;     // 即办件 when true, 承诺件 otherwise
  int legal_limit_days = 0;     // working days
  int promised_limit_days = 0;  // working days, <= legal_limit_days
  bool fully_online = false;    // 全程网办: never requires presence
  bool on_the_spot = false;     // can be done at a window while the person waits
  std::vector<Channel> channels;
  std::vector<Material> materials;
  std::vector<Field> fields;
  LocalText fee;  // "free" or a description of the fee
  std::vector<std::string> keywords;  // extra search words, zh or en
  // Other names people use for the item ("社保", "营业执照办理"): found and ranked like its name.
  std::vector<std::string> aliases;
  int version = 1;
  // The item's code in the national catalogue of government services (事项编码, GB/T 39554.1),
  // shown to people; empty where the catalogue has none. `code` is the internal key.
  std::string standard_code;
  std::vector<LegalText> legal_texts;  // links for laws legal_basis cites, where published
  // The licence type approval issues (licence-types.yaml); empty when the item results in none.
  std::string licence_type;
  // The legal basis under which the item reads each dataset it names (dataset code -> one of that
  // dataset's legal_bases codes): a read of a dataset without one is refused (services/data_access.h).
  std::map<std::string, std::string, std::less<>> data_bases;
  // Who may apply, as rules over the city's datasets (issue 9 item 7); empty: anyone.
  std::vector<EligibilityRule> eligibility;
  // Benefits without applying (免申即享, domain/proactive.h): the platform offers the case to whoever
  // newly qualifies; nullopt: people apply themselves.
  std::optional<ProactiveRule> proactive;
  // 跨省通办 (issue 14 item 4): the platform's federation peers list the item and forward
  // applications for it from people of other provinces (services/cross_province.h). Such an item
  // requires no upload: the form is forwarded, files are not.
  bool cross_province = false;

  const Field* FindField(std::string_view name) const;
  const Material* FindMaterial(std::string_view code) const;
  bool HasChannel(Channel channel) const;
};

enum class BundleRouting { kParallel, kSequential };
const char* BundleRoutingName(BundleRouting routing);  // "parallel", "sequential"
std::optional<BundleRouting> ParseBundleRouting(std::string_view name);

struct Bundle {
  std::string code;  // e.g. "open-a-restaurant"
  LocalText name;
  LocalText description;
  std::vector<std::string> items;  // ServiceItem codes
  BundleRouting routing = BundleRouting::kParallel;
  // What each item waits for (issue 11 item 1): item code -> the item codes of this bundle whose
  // approval starts it; an item not listed starts at submission. `routing: sequential` without a
  // `waits_for` is shorthand for each item waiting for the one before. Never a cycle (the loader
  // refuses one).
  std::map<std::string, std::vector<std::string>> waits_for;
  std::string industry_licence;  // optional IndustryLicence type issued when all parts are done
  std::vector<std::string> aliases;  // other names people use ("开餐馆", "生孩子")

  // The items `item` waits for (empty: it starts at submission).
  const std::vector<std::string>& WaitsFor(const std::string& item) const;
};

// A pilot (先行先试, issue 13 item 5): an item variant, a bundle or a feature enabled in some
// districts first and promoted city-wide by publishing the catalogue (pilots.yaml), not by a
// release. Exactly one of item_variant, bundle and feature is set.
struct ItemVariant {
  std::string item;  // ServiceItem code
  // What the variant changes of the item; unset (or empty) keeps the item's.
  std::optional<int> promised_limit_days;
  std::optional<bool> fully_online;
  std::optional<bool> on_the_spot;
  std::vector<Channel> channels;
  // Materials the pilot no longer asks for (shared data replaces them): Material codes.
  std::vector<std::string> dropped_materials;
};

struct Pilot {
  std::string code;  // e.g. "pudong-fast-licence"
  LocalText name;
  LocalText description;
  std::vector<std::string> districts;  // District codes where it applies
  bool city = false;   // promoted: applies in every district
  bool ended = false;  // offered to nobody; cases created under it keep its variant
  std::optional<ItemVariant> item_variant;
  std::string bundle;   // a Bundle offered only where the pilot applies
  std::string feature;  // a named feature flag code asks for (Catalogue::FeatureEnabled)

  // Whether it applies to someone of `district` ("" : unknown, only a city-wide pilot applies).
  bool AppliesIn(std::string_view district) const;
};

// A claim a licence type carries: its name in the credential, its label, and the application
// field it is copied from.
struct LicenceClaim {
  std::string name;  // snake_case, the credentialSubject key
  LocalText label;
  std::string field;  // the field of the issuing item's application
};

// A kind of electronic licence (C6): who issues it, to whom, what it says and how long it is valid.
// An industry comprehensive licence (一业一证) lists `parts`: the types it stands for; it is issued
// when its holder holds all of them.
struct LicenceType {
  std::string code;  // snake_case, e.g. "business_licence"
  LocalText name;
  std::string issuer;  // Department code
  ApplicantKind holder = ApplicantKind::kPerson;
  std::vector<LicenceClaim> claims;
  int validity_years = 0;   // both 0: valid until suspended or revoked
  int validity_months = 0;
  std::vector<std::string> parts;  // LicenceType codes; empty unless an industry licence
  std::string renewed_by;  // the item a holder applies for to renew it (homepage's expiring list); "" none

  bool industry() const { return !parts.empty(); }
};

struct CatalogueData {
  std::vector<Department> departments;
  std::vector<District> districts;
  std::vector<ServiceCentre> centres;
  std::vector<ServiceItem> items;
  std::vector<Bundle> bundles;
  std::vector<LicenceType> licence_types;
  std::vector<Dataset> datasets;  // the city's datasets (datasets/*.yaml), in file order
  // The pinyin of the Chinese characters of names and aliases: one UTF-8 character -> its
  // readings without tones, lower case ("行" -> {"xing", "hang"}). Search by pinyin uses it.
  std::map<std::string, std::vector<std::string>, std::less<>> pinyin;
  // The items most people come for (常办事项), curated per audience, in the order shown.
  std::vector<std::string> popular_for_persons;
  std::vector<std::string> popular_for_enterprises;
  // The suggestion rules of the homepage (suggestions.yaml), in file order.
  std::vector<SuggestionRule> suggestions;
  std::vector<Pilot> pilots;  // pilots.yaml, in file order
  // The published version these data are (0 when they were read from a folder). Carried in the
  // data so that a version is built once, indexes and all.
  int64_t published_version = 0;
};

// How one query word matched an entry, best first.
enum class MatchTier {
  kExactName,         // the word is the whole name or an alias
  kInName,            // the word is part of a name or an alias
  kAbbreviation,      // Chinese abbreviation: its characters in order, close together ("低保" in 最低生活保障)
  kPinyin,            // full pinyin, initials or a mix, of consecutive characters of a name or alias
  kElsewhere,         // keywords, description, department, code, a bundle's items
  kOneCharacterOff,   // a name, alias or keyword with one character wrong
  kNone,
};

struct SearchQuery {
  std::string q;            // words in Chinese, English or pinyin; empty matches everything
  std::string department;   // items of this department only; bundles are then left out
  std::string district;     // offered at a centre of this district (ServiceCentre::Takes)
  std::optional<ApplicantKind> applicant;  // for persons or for enterprises
  bool include_bundles = true;
  // The viewer's district for pilots (先行先试): a bundle piloted only in other districts is left
  // out, as the bundle list and page leave it out. nullopt: every bundle.
  std::optional<std::string> offered_in;
  size_t offset = 0;
  size_t limit = 50;
};

struct SearchHit {
  const ServiceItem* item = nullptr;  // exactly one of item and bundle is set
  const Bundle* bundle = nullptr;
  MatchTier tier = MatchTier::kNone;  // the worst of the words' tiers; kExactName for an empty query
};

struct SearchPage {
  std::vector<SearchHit> hits;
  size_t total = 0;
};


struct ItemQuery {
  std::string q;           // words in Chinese, English or pinyin; empty matches everything
  std::string department;  // exact code or empty
  std::string district;    // exact code or empty: items offered at a centre of that district
  size_t offset = 0;
  size_t limit = 50;
  std::optional<ApplicantKind> applicant;  // for persons or for enterprises only
};

class SearchIndex;

class Catalogue {
 public:
  Catalogue() = default;
  Catalogue(const Catalogue&) = delete;  // the index points into this catalogue's data
  Catalogue& operator=(const Catalogue&) = delete;

  // Builds the indexes. Returns kInvalidArgument when codes repeat or a reference does not resolve
  // (the loader reports file:line before this; this is the last line of defence).
  static Result<std::shared_ptr<const Catalogue>> Build(CatalogueData data);

  const std::vector<Department>& departments() const { return data_.departments; }
  const std::vector<District>& districts() const { return data_.districts; }
  const std::vector<ServiceCentre>& centres() const { return data_.centres; }
  const std::vector<ServiceItem>& items() const { return data_.items; }
  const std::vector<Bundle>& bundles() const { return data_.bundles; }
  const std::vector<LicenceType>& licence_types() const { return data_.licence_types; }
  const std::vector<Dataset>& datasets() const { return data_.datasets; }
  const std::vector<SuggestionRule>& suggestions() const { return data_.suggestions; }
  const std::vector<Pilot>& pilots() const { return data_.pilots; }

  const ServiceItem* FindItem(std::string_view code) const;
  const Bundle* FindBundle(std::string_view code) const;
  const Department* FindDepartment(std::string_view code) const;
  const District* FindDistrict(std::string_view code) const;
  const ServiceCentre* FindCentre(std::string_view code) const;
  const LicenceType* FindLicenceType(std::string_view code) const;
  // The industry licence types that list `part` among their parts.
  std::vector<const LicenceType*> IndustryTypesWithPart(std::string_view part) const;
  const Dataset* FindDataset(std::string_view code) const;
  const Pilot* FindPilot(std::string_view code) const;

  // Pilots (先行先试): the one rule every reader uses. `district` is the person's (or visitor's
  // chosen, or the window's centre's) District code; "" when unknown.
  // The pilot whose item variant of `item` applies in `district` (the first in file order), or null.
  const Pilot* VariantPilot(std::string_view item, std::string_view district) const;
  // The item as offered in `district`: its pilot variant there, else the item; null when unknown.
  const ServiceItem* ItemFor(std::string_view item, std::string_view district) const;
  // The item as an application created under `pilot` (Application::pilot) has it: the pilot's
  // variant while the pilot still lists one for the item (even ended or promoted), else the item.
  const ServiceItem* ItemUnder(std::string_view item, std::string_view pilot) const;
  // Whether `bundle` is offered in `district`: a bundle a pilot names only where one applies.
  bool BundleOffered(std::string_view bundle, std::string_view district) const;
  // Whether the feature flag `feature` is on in `district` (a pilot naming it applies there).
  bool FeatureEnabled(std::string_view feature, std::string_view district) const;
  // Whether any pilot applies in some districts only (then readers need the person's district).
  bool HasDistrictPilots() const { return has_district_pilots_; }

  // Where a person can do `item` in person (C3): none unless it has the window channel; then
  // every centre that takes its applicant kind (ServiceCentre::Takes), in catalogue order.
  std::vector<const ServiceCentre*> CentresFor(const ServiceItem& item) const;

  // Items and bundles matching every word of the query (search.h says how words match), best
  // first. Returns the page and the total count.
  SearchPage Find(const SearchQuery& query) const;
  // Items only, as Find. Returns the page and the total count.
  std::pair<std::vector<const ServiceItem*>, size_t> Search(const ItemQuery& query) const;

  // The curated popular items (常办事项) for persons or for enterprises, in order.
  std::vector<const ServiceItem*> Popular(ApplicantKind audience) const;
  // Whether persons (or enterprises) apply for the bundle: some of its items are theirs.
  bool BundleTakes(const Bundle& bundle, ApplicantKind kind) const;
  // The published version this catalogue was loaded from (0 when it was built from a folder).
  int64_t published_version() const { return data_.published_version; }

 private:
  CatalogueData data_;
  std::map<std::string, size_t, std::less<>> item_index_;
  std::map<std::string, size_t, std::less<>> bundle_index_;
  std::map<std::string, size_t, std::less<>> department_index_;
  std::map<std::string, size_t, std::less<>> district_index_;
  std::map<std::string, size_t, std::less<>> centre_index_;
  std::map<std::string, size_t, std::less<>> licence_type_index_;
  std::map<std::string, size_t, std::less<>> dataset_index_;
  std::map<std::string, size_t, std::less<>> pilot_index_;
  // The item of each pilot with an item variant, the variant applied: pilot code -> item.
  std::map<std::string, ServiceItem, std::less<>> variants_;
  bool has_district_pilots_ = false;
  std::shared_ptr<const SearchIndex> search_;  // built once, over data_
};

}  // namespace tongban::domain
