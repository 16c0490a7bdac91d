// The catalogue pages: search results, one service item (what to bring, how long, where to go)
// and one bundle (一件事).
#include <algorithm>
#include <cstdlib>
#include <optional>

#include "http/web/page.h"
#include "services/pilots.h"

namespace tongban::http::web {
namespace {

constexpr size_t kPageSize = 10;

int PageNumber(const Request& req) {
  const int n = std::atoi(req.Query("page").c_str());
  return std::clamp(n, 1, 10000);
}

std::optional<domain::ApplicantKind> ApplicantFilter(const std::string& value) {
  if (value == "person") return domain::ApplicantKind::kPerson;
  if (value == "enterprise") return domain::ApplicantKind::kEnterprise;
  return std::nullopt;
}

std::string PageDistrict(const Site& site, const PageRequest& page, const domain::Catalogue& catalogue, Request& req);

// Search results (issue 8, finding 11): items and bundles ranked together, for persons or for
// enterprises, by department.
Response Items(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const auto catalogue = site.ctx().Catalogue();
  if (!catalogue) return ErrorPage(site, page, 503, "error.internal");
  domain::SearchQuery query;
  query.q = req.Query("q");
  query.department = req.Query("department");
  query.applicant = ApplicantFilter(req.Query("applicant"));
  const int number = PageNumber(req);
  query.offset = static_cast<size_t>(number - 1) * kPageSize;
  query.limit = kPageSize;
  query.offered_in = PageDistrict(site, page, *catalogue, req);
  const domain::SearchPage found = catalogue->Find(query);

  Data data = BaseData(site, page, "page.items.title");
  data.set("q", query.q);
  Data departments{Data::type::list};
  for (const auto& department : catalogue->departments()) {
    Data row;
    row.set("code", department.code);
    row.set("name", department.name.In(page.lang));
    row.set("selected", department.code == query.department);
    departments.push_back(row);
  }
  data.set("departments", departments);
  data.set("any_department_selected", query.department.empty());
  const std::string applicant = query.applicant ? domain::ApplicantKindName(*query.applicant) : "";
  Data applicants{Data::type::list};
  for (const char* kind : {"person", "enterprise"}) {
    Data row;
    row.set("value", kind);
    row.set("label", page.T(site, std::string("search.applicant_") + kind));
    row.set("selected", applicant == kind);
    applicants.push_back(row);
  }
  data.set("applicants", applicants);
  data.set("any_applicant_selected", applicant.empty());
  Data results{Data::type::list};
  for (const domain::SearchHit& hit : found.hits) {
    Data row;
    if (hit.item != nullptr) {
      const domain::ServiceItem* item = hit.item;
      row.set("href", "/items/" + item->code);
      row.set("name", item->name.In(page.lang));
      SetText(row, "description", item->description.In(page.lang));
      row.set("department", DepartmentName(site, page, item->department));
      row.set("fully_online", item->fully_online);
      row.set("instant", item->instant);
      row.set("is_bundle", false);
    } else {
      const domain::Bundle* bundle = hit.bundle;
      row.set("href", "/bundles/" + bundle->code);
      row.set("name", bundle->name.In(page.lang));
      SetText(row, "description", bundle->description.In(page.lang));
      row.set("department", page.T(site, "bundle.parts", std::to_string(bundle->items.size())));
      row.set("fully_online", false);
      row.set("instant", false);
      row.set("is_bundle", true);
    }
    results.push_back(row);
  }
  data.set("results", results);
  data.set("has_results", !found.hits.empty());
  data.set("count_text", page.T(site, "items.count", std::to_string(found.total)));
  const size_t pages = std::max<size_t>(1, (found.total + kPageSize - 1) / kPageSize);
  if (pages > 1) {
    const std::string base = "/items?q=" + UrlEncode(query.q) + "&department=" + UrlEncode(query.department) +
                             "&applicant=" + UrlEncode(applicant) + "&page=";
    Data pager;
    pager.set("text", page.T(site, "pager.page_of", std::to_string(number) + " / " + std::to_string(pages)));
    if (number > 1) pager.set("prev_href", base + std::to_string(number - 1));
    if (static_cast<size_t>(number) < pages) pager.set("next_href", base + std::to_string(number + 1));
    data.set("pager", pager);
  }
  return RenderPage(site, page, "items", data);
}

// A bundle (一件事): what it joins, in which order, and who it is for.
// The visitor's chosen district is remembered like the language and elder mode (pages.cc).
constexpr int kDistrictMaxAge = 365 * 24 * 3600;

// The district whose pilots (先行先试) the page shows: the one chosen (?district=, else the
// `district` cookie), else the signed-in person's registered district (services/pilots.h).
std::string PageDistrict(const Site& site, const PageRequest& page, const domain::Catalogue& catalogue, Request& req) {
  for (const std::string& chosen : {req.Query("district"), std::string(req.Cookie("district"))}) {
    if (!chosen.empty() && catalogue.FindDistrict(chosen) != nullptr) return chosen;
  }
  if (!page.caller) return "";
  auto district = services::ActorDistrict(site.ctx(), page.caller->actor);
  return district.ok() ? *district : std::string();
}

// A bundle a pilot (先行先试) names: the note of the pilot, "offered in X" or "only in X for now".
void SetBundlePilot(const Site& site, const PageRequest& page, const domain::Catalogue& catalogue,
                    const domain::Bundle& bundle, const std::string& district, Data& data) {
  for (const domain::Pilot& p : catalogue.pilots()) {
    if (p.bundle != bundle.code || p.ended) continue;
    if (p.city) {
      data.set("pilot_note", page.T(site, "pilot.note_city"));
    } else {
      std::string where;
      for (const std::string& code : p.districts) {
        const domain::District* d = catalogue.FindDistrict(code);
        where += (where.empty() ? "" : page.T(site, "list.separator")) + (d != nullptr ? d->name.In(page.lang) : code);
      }
      data.set("pilot_note", page.T(site, p.AppliesIn(district) ? "pilot.note" : "pilot.bundle_only", where));
    }
    data.set("pilot_name", p.name.In(page.lang));
    SetText(data, "pilot_description", p.description.In(page.lang));
    return;
  }
}

Response BundlePage(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const auto catalogue = site.ctx().Catalogue();
  const domain::Bundle* bundle = catalogue ? catalogue->FindBundle(req.Param("code")) : nullptr;
  if (bundle == nullptr) return ErrorPage(site, page, 404, "error.bundle.not_found");
  Data data = BaseData(site, page, "page.item.title", bundle->name.In(page.lang));
  data.set("name", bundle->name.In(page.lang));
  data.set("code", bundle->code);
  SetText(data, "description", bundle->description.In(page.lang));
  data.set("routing", page.T(site, bundle->routing == domain::BundleRouting::kSequential ? "bundle.routing_sequential"
                                   : bundle->waits_for.empty()                             ? "bundle.routing_parallel"
                                                                                           : "bundle.routing_waits_for"));
  std::string applicants;
  for (auto kind : {domain::ApplicantKind::kPerson, domain::ApplicantKind::kEnterprise}) {
    if (!catalogue->BundleTakes(*bundle, kind)) continue;
    if (!applicants.empty()) applicants += page.T(site, "list.separator");
    applicants += page.T(site, std::string("applicant.") + domain::ApplicantKindName(kind));
  }
  data.set("applicant", applicants);
  SetText(data, "industry_licence",
          bundle->industry_licence.empty()
              ? ""
              : TextOr(site, page, "licence_type." + bundle->industry_licence, bundle->industry_licence));
  Data parts{Data::type::list};
  for (const std::string& code : bundle->items) {
    const domain::ServiceItem* item = catalogue->FindItem(code);
    if (item == nullptr) continue;
    Data part;
    part.set("code", item->code);
    part.set("name", item->name.In(page.lang));
    part.set("department", DepartmentName(site, page, item->department));
    part.set("fully_online", item->fully_online);
    std::string waits;
    for (const std::string& before : bundle->WaitsFor(code)) {
      waits += (waits.empty() ? "" : page.T(site, "list.separator")) + ItemName(site, page, before);
    }
    SetText(part, "waits_for", waits.empty() ? "" : page.T(site, "bundle_apply.waits_for", waits));
    parts.push_back(part);
  }
  data.set("parts", parts);
  SetBundlePilot(site, page, *catalogue, *bundle, PageDistrict(site, page, *catalogue, req), data);
  return RenderPage(site, page, "bundle", data);
}

std::string SourceText(const Site& site, const PageRequest& page, const domain::Material& material) {
  switch (material.source) {
    case domain::MaterialSource::kSharedData:
      return page.T(site, "material_source.shared_data",
                    TextOr(site, page, "dataset." + material.dataset, material.dataset));
    case domain::MaterialSource::kLicence: {
      std::string text = page.T(site, "material_source.licence",
                                TextOr(site, page, "dataset." + material.dataset, material.dataset));
      // A federation peer's licence is accepted too (issue 14 item 3).
      if (material.accepts_from_peers) text += page.T(site, "material_source.licence_peers");
      return text;
    }
    case domain::MaterialSource::kUpload:
      return page.T(site, "material_source.upload");
  }
  return {};
}

// Where to go (issue 8, finding 12): the centres that take the item, with address, opening hours
// and phone, narrowed to one district when the person chooses one.
void SetWhereToGo(const Site& site, const PageRequest& page, const domain::Catalogue& catalogue,
                  const domain::ServiceItem& item, const std::string& district, Data& data) {
  const std::vector<const domain::ServiceCentre*> centres = catalogue.CentresFor(item);
  data.set("has_where", !centres.empty());
  if (centres.empty()) return;
  data.set("where_lead", page.T(site, item.fully_online ? "item.where.lead_online" : "item.where.lead_offline"));
  const bool known_district = catalogue.FindDistrict(district) != nullptr;
  Data districts{Data::type::list};
  for (const domain::District& d : catalogue.districts()) {
    const bool served = std::any_of(centres.begin(), centres.end(), [&](const auto* c) { return c->district == d.code; });
    if (!served) continue;
    Data row;
    row.set("code", d.code);
    row.set("name", d.name.In(page.lang));
    row.set("selected", known_district && d.code == district);
    districts.push_back(row);
  }
  data.set("where_districts", districts);
  data.set("where_any_district", !known_district);
  Data rows{Data::type::list};
  for (const domain::ServiceCentre* centre : centres) {
    if (known_district && centre->district != district) continue;
    Data row;
    row.set("code", centre->code);
    row.set("name", centre->name.In(page.lang));
    const domain::District* d = catalogue.FindDistrict(centre->district);
    row.set("district", d != nullptr ? d->name.In(page.lang) : centre->district);
    row.set("level", page.T(site, centre->level == domain::CentreLevel::kDistrict ? "item.where.level.district"
                                                                                   : "item.where.level.community"));
    row.set("address", centre->address.In(page.lang));
    row.set("opening_hours", centre->opening_hours.In(page.lang));
    row.set("phone", centre->phone);
    std::string tel;
    for (const char c : centre->phone) {
      if ((c >= '0' && c <= '9') || c == '+') tel.push_back(c);
    }
    row.set("tel", tel);
    // Appointments and tickets (queue_pages.cc, issue 11 item 4).
    if (centre->appointments.slot_minutes > 0) {
      row.set("book_href", "/service-centres/" + centre->code + "/book?item=" + UrlEncode(item.code));
    }
    row.set("ticket_href", "/service-centres/" + centre->code + "/ticket");
    rows.push_back(row);
  }
  data.set("has_where_centres", !rows.is_empty_list());
  data.set("where_centres", rows);
}

// The pilot note of an item a pilot changes, and the form to choose one's district when a pilot
// limited to some districts changes it.
void SetPilot(const Site& site, const PageRequest& page, const domain::Catalogue& catalogue, const std::string& code,
              const std::string& district, Data& data) {
  bool varies = false;
  for (const domain::Pilot& p : catalogue.pilots()) {
    if (p.item_variant && p.item_variant->item == code && !p.city && !p.ended) varies = true;
  }
  if (const domain::Pilot* pilot = catalogue.VariantPilot(code, district)) {
    if (pilot->city) {
      data.set("pilot_note", page.T(site, "pilot.note_city"));
    } else {
      const domain::District* d = catalogue.FindDistrict(district);
      data.set("pilot_note", page.T(site, "pilot.note", d != nullptr ? d->name.In(page.lang) : district));
    }
    data.set("pilot_name", pilot->name.In(page.lang));
    SetText(data, "pilot_description", pilot->description.In(page.lang));
  }
  data.set("pilot_choose", varies);
  if (!varies) return;
  Data districts{Data::type::list};
  for (const domain::District& d : catalogue.districts()) {
    Data row;
    row.set("code", d.code);
    row.set("name", d.name.In(page.lang));
    row.set("selected", d.code == district);
    districts.push_back(row);
  }
  data.set("pilot_districts", districts);
  data.set("pilot_no_district", district.empty());
}

Response Item(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  const auto catalogue = site.ctx().Catalogue();
  const std::string district = catalogue ? PageDistrict(site, page, *catalogue, req) : std::string();
  const domain::ServiceItem* item = catalogue ? catalogue->ItemFor(req.Param("code"), district) : nullptr;
  if (item == nullptr) return ErrorPage(site, page, 404, "error.item.not_found");
  Data data = BaseData(site, page, "page.item.title", item->name.In(page.lang));
  SetPilot(site, page, *catalogue, item->code, district, data);
  data.set("title", item->name.In(page.lang));
  data.set("code", item->code);
  // People see the national item code (事项编码), never the internal key.
  SetText(data, "standard_code", item->standard_code);
  data.set("name", item->name.In(page.lang));
  SetText(data, "description", item->description.In(page.lang));
  data.set("department", DepartmentName(site, page, item->department));
  SetText(data, "legal_basis", item->legal_basis);
  Data legal_texts{Data::type::list};
  for (const domain::LegalText& text : item->legal_texts) {
    Data row;
    row.set("title", text.title);
    row.set("url", text.url);
    legal_texts.push_back(row);
  }
  data.set("legal_texts", legal_texts);
  data.set("has_legal_texts", !item->legal_texts.empty());
  data.set("legal_days", page.T(site, "item.working_days", std::to_string(item->legal_limit_days)));
  data.set("promised_days", page.T(site, "item.working_days", std::to_string(item->promised_limit_days)));
  data.set("instant", item->instant);
  data.set("fully_online", item->fully_online);
  data.set("on_the_spot", item->on_the_spot);
  data.set("fee", item->fee.In(page.lang).empty() ? page.T(site, "item.free") : item->fee.In(page.lang));
  data.set("applicant", page.T(site, std::string("applicant.") + domain::ApplicantKindName(item->applicant)));
  std::string channels;
  for (const auto channel : item->channels) {
    if (!channels.empty()) channels += page.T(site, "list.separator");
    channels += TextOr(site, page, std::string("channel.") + domain::ChannelName(channel), domain::ChannelName(channel));
  }
  data.set("channels", channels);
  Data materials{Data::type::list};
  for (const auto& material : item->materials) {
    Data row;
    row.set("name", material.name.In(page.lang));
    row.set("source", SourceText(site, page, material));
    row.set("source_kind", domain::MaterialSourceName(material.source));
    row.set("required", page.T(site, material.required ? "item.required" : "item.optional"));
    materials.push_back(row);
  }
  data.set("materials", materials);
  data.set("has_materials", !item->materials.empty());
  SetWhereToGo(site, page, *catalogue, *item, req.Query("district"), data);
  SetItemEligibility(site, page, *item, data);
  Response res = RenderPage(site, page, "item", data);
  const std::string chosen = req.Query("district");
  if (!chosen.empty() && catalogue->FindDistrict(chosen) != nullptr) {
    res.AddHeader("Set-Cookie", "district=" + chosen + "; Path=/; Max-Age=" + std::to_string(kDistrictMaxAge) + "; SameSite=Lax");
  }
  return res;
}

}  // namespace

void RegisterCataloguePages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/items", [site](Request& req) { return Items(*site, req); });
  router.Add("GET", "/items/{code}", [site](Request& req) { return Item(*site, req); });
  router.Add("GET", "/bundles/{code}", [site](Request& req) { return BundlePage(*site, req); });
}

}  // namespace tongban::http::web
