#include "services/window_prefill.h"

#include <algorithm>

#include "domain/catalogue.h"
#include "services/data_access_for.h"
#include "services/window.h"

namespace tongban::services {
namespace {

// Whose data the visit reads: its person's, or its enterprise's (never the agent's who showed the code).
DataSubject SubjectOf(const ports::WindowVisit& visit) {
  if (!visit.enterprise.empty()) return DataSubject{"", visit.enterprise};
  return DataSubject{visit.person_id, ""};
}

// A person's visit serves personal items, an enterprise's visit enterprise items.
Status RequireVisitTakes(const domain::ServiceItem& item, const ports::WindowVisit& visit) {
  const domain::ApplicantKind served =
      visit.enterprise.empty() ? domain::ApplicantKind::kPerson : domain::ApplicantKind::kEnterprise;
  if (item.applicant != served) {
    return MakeError(ErrorCode::kPermissionDenied, "error.window.centre_refuses_item");
  }
  return Ok();
}

ReadRequest VisitRead(const ExternalReads* external) {
  ReadRequest request;
  request.external = external;
  return request;
}

}  // namespace

std::string WindowVisitPurpose(const std::string& visit_id) { return "window_visit:" + visit_id; }

Result<std::vector<ExternalCall>> WindowPrefillExternalCalls(const Context& ctx, const Actor& clerk,
                                                             const std::string& visit_id, const std::string& item_code) {
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->FindItem(item_code);
  if (item == nullptr) return MakeError(ErrorCode::kNotFound, "error.item.not_found");
  TB_RETURN_IF_ERROR(RequireCentreTakes(ctx, clerk, *item));
  std::vector<ExternalCall> calls;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const ports::WindowVisit visit, UsableVisit(ctx, tx, clerk, visit_id));
    TB_RETURN_IF_ERROR(RequireVisitTakes(*item, visit));
    TB_ASSIGN_OR_RETURN(calls, ReadExternalCalls(ctx, tx, *item, SubjectOf(visit), VisitRead(nullptr)));
    return Ok();
  }));
  return calls;
}

Result<ItemRead> WindowPrefill(const Context& ctx, const Actor& clerk, const std::string& visit_id,
                               const std::string& item_code, const ExternalReads* external) {
  const auto catalogue = ctx.Catalogue();
  const domain::ServiceItem* item = catalogue->FindItem(item_code);
  if (item == nullptr) return MakeError(ErrorCode::kNotFound, "error.item.not_found");
  TB_RETURN_IF_ERROR(RequireCentreTakes(ctx, clerk, *item));
  ItemRead out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const ports::WindowVisit visit, UsableVisit(ctx, tx, clerk, visit_id));
    TB_RETURN_IF_ERROR(RequireVisitTakes(*item, visit));
    TB_RETURN_IF_ERROR(RecordVisitConsent(ctx, tx, visit));
    TB_ASSIGN_OR_RETURN(out, ReadForItemFor(ctx, tx, clerk, *item, SubjectOf(visit), VisitRead(external), WindowVisitPurpose(visit.id)));
    return Ok();
  }));
  return out;
}

Result<BundlePrefill> WindowPrefillBundle(const Context& ctx, const Actor& clerk, const std::string& visit_id,
                                          const std::string& bundle_code) {
  const auto catalogue = ctx.Catalogue();
  const domain::Bundle* bundle = catalogue->FindBundle(bundle_code);
  if (bundle == nullptr) return MakeError(ErrorCode::kNotFound, "error.bundle.not_found");
  std::vector<const domain::ServiceItem*> items;
  for (const std::string& code : bundle->items) {
    const domain::ServiceItem* item = catalogue->FindItem(code);
    if (item == nullptr) return MakeError(ErrorCode::kNotFound, "error.item.not_found");
    TB_RETURN_IF_ERROR(RequireCentreTakes(ctx, clerk, *item));
    items.push_back(item);
  }
  BundlePrefill out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    out = BundlePrefill{};
    TB_ASSIGN_OR_RETURN(const ports::WindowVisit visit, UsableVisit(ctx, tx, clerk, visit_id));
    for (const domain::ServiceItem* item : items) TB_RETURN_IF_ERROR(RequireVisitTakes(*item, visit));
    TB_RETURN_IF_ERROR(RecordVisitConsent(ctx, tx, visit));
    for (const domain::ServiceItem* item : items) {
      TB_ASSIGN_OR_RETURN(ItemRead read, ReadForItemFor(ctx, tx, clerk, *item, SubjectOf(visit), VisitRead(nullptr), WindowVisitPurpose(visit.id)));
      for (auto& [name, value] : read.fields) out.fields.try_emplace(name, std::move(value));
      for (auto& m : read.materials) out.materials.emplace_back(item->code, std::move(m));
      for (auto& name : read.needs_consent) {
        if (std::find(out.needs_consent.begin(), out.needs_consent.end(), name) == out.needs_consent.end()) {
          out.needs_consent.push_back(std::move(name));
        }
      }
    }
    return Ok();
  }));
  return out;
}

std::vector<std::string> WindowBundles(const Context& ctx, const Actor& clerk) {
  std::vector<std::string> out;
  const auto catalogue = ctx.Catalogue();
  if (!catalogue) return out;
  const domain::ServiceCentre* centre = catalogue->FindCentre(clerk.user.centre);
  if (centre == nullptr) return out;
  for (const auto& bundle : catalogue->bundles()) {
    const bool takes_all = std::all_of(bundle.items.begin(), bundle.items.end(), [&](const std::string& code) {
      const domain::ServiceItem* item = catalogue->FindItem(code);
      return item != nullptr && item->applicant == domain::ApplicantKind::kPerson && centre->Takes(item->applicant) &&
             item->HasChannel(domain::Channel::kWindow);
    });
    if (takes_all && !bundle.items.empty()) out.push_back(bundle.code);
  }
  return out;
}

}  // namespace tongban::services
