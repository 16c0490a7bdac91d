#include "services/home.h"

#include <algorithm>

#include "services/application_steps.h"
#include "services/suggestions.h"

namespace tongban::services {
namespace {

using domain::ApplicantKind;

// The homepage's lists in the caller's transaction: applications, licences, expiring, unread.
Status ReadLists(const Context& ctx, ports::Transaction& tx, const Actor& actor, HomeView& view) {
  const domain::User& u = actor.user;
  ApplicantKind kind = ApplicantKind::kPerson;
  std::string holder = u.person_id;
  ports::ApplicationQuery q;
  q.limit = kHomeApplications + 1;
  if (!view.enterprise.empty()) {
    TB_ASSIGN_OR_RETURN(auto grant, ActingGrant(tx, u, view.enterprise));
    if (!grant) return MakeError(ErrorCode::kPermissionDenied, "error.home.no_agent_rights");
    TB_ASSIGN_OR_RETURN(const domain::Enterprise e, tx.accounts().GetEnterprise(view.enterprise));
    view.administrator = e.admin_user_id == u.id;
    kind = ApplicantKind::kEnterprise;
    holder = view.enterprise;
    q.enterprise = view.enterprise;
    // An agent whose grant covers some items sees only those items' applications (as the list does).
    if (!grant->items.empty()) {
      std::vector<std::string> items = grant->items;
      std::sort(items.begin(), items.end());
      items.erase(std::unique(items.begin(), items.end()), items.end());
      q.items = std::move(items);
    }
  } else if (!u.person_id.empty()) {
    q.person_id = u.person_id;
  } else {
    q.applicant_user_id = u.id;
  }
  TB_ASSIGN_OR_RETURN(ports::ApplicationPage apps, tx.applications().ListApplications(q));
  view.more_applications = static_cast<int>(apps.applications.size()) > kHomeApplications || !apps.next_page_token.empty();
  if (static_cast<int>(apps.applications.size()) > kHomeApplications) apps.applications.resize(kHomeApplications);
  view.applications = std::move(apps.applications);
  if (holder.empty()) return Ok();
  if (view.enterprise.empty()) {
    TB_ASSIGN_OR_RETURN(view.offers, OpenOffers(ctx, tx, holder));
  }

  const Timestamp now = ctx.clock->Now();
  TB_ASSIGN_OR_RETURN(ports::LicencePage licences, tx.licences().ListLicencesOfHolder(kind, holder, "", kHomeLicences));
  view.more_licences = !licences.next_after.empty();
  for (domain::Licence& l : licences.licences) view.licences.push_back(LicenceViewOf(ctx, std::move(l)));

  const auto catalogue = ctx.Catalogue();
  TB_ASSIGN_OR_RETURN(std::vector<domain::Licence> expiring,
                      tx.licences().ListLicencesOfHolderExpiring(kind, holder, now, now + std::chrono::days(kExpiringDays),
                                                                 kHomeExpiring));
  const int64_t today = DaysSinceEpoch(LocalDate(now));
  for (domain::Licence& l : expiring) {
    ExpiringView e;
    e.days_left = static_cast<int>(DaysSinceEpoch(LocalDate(*l.valid_until)) - today);
    const domain::LicenceType* type = catalogue ? catalogue->FindLicenceType(l.type) : nullptr;
    if (type != nullptr) e.renewed_by = type->renewed_by;
    e.licence = LicenceViewOf(ctx, std::move(l));
    view.expiring.push_back(std::move(e));
  }
  TB_ASSIGN_OR_RETURN(view.unread, tx.messages().CountUnreadMessages(kind, holder));
  return Ok();
}

}  // namespace

std::string FillReason(const std::string& text, const std::vector<std::pair<std::string, std::string>>& values) {
  std::string out = text;
  for (const auto& [name, value] : values) {
    const std::string placeholder = "{" + name + "}";
    for (size_t at = out.find(placeholder); at != std::string::npos; at = out.find(placeholder, at + value.size())) {
      out.replace(at, placeholder.size(), value);
    }
  }
  return out;
}

Result<HomeView> Home(const Context& ctx, const Actor& actor, const std::string& enterprise) {
  if (actor.user.kind == domain::UserKind::kOfficial) return MakeError(ErrorCode::kPermissionDenied, "error.home.no_home");
  HomeView view;
  auto work = [&](ports::Transaction& tx) -> Status {
    view = HomeView{};
    view.enterprise = enterprise;
    TB_RETURN_IF_ERROR(ReadLists(ctx, tx, actor, view));
    if (enterprise.empty()) {
      TB_ASSIGN_OR_RETURN(view.suggestions, MatchSuggestions(ctx, tx, actor));
    }
    return Ok();
  };
  // A person's suggestions read their data, which the access log records: one write transaction.
  // An enterprise's homepage reads nothing personal: one read transaction.
  const auto catalogue = ctx.Catalogue();
  const bool logs = enterprise.empty() && !actor.user.person_id.empty() && catalogue &&
                    std::any_of(catalogue->suggestions().begin(), catalogue->suggestions().end(),
                                [](const domain::SuggestionRule& r) {
                                  return r.when != domain::SuggestionCondition::kLicenceExpiring;
                                });
  TB_RETURN_IF_ERROR(logs ? ctx.store->Write(work) : ctx.store->Read(work));
  return view;
}

}  // namespace tongban::services
