// Eligibility on pages (issue 9 item 7): the item page says who may apply and, to a signed-in
// person, whether they qualify and why, before they type anything (services/eligibility.h reads
// the data and logs the reads); the case page shows an official the applicant's check.
#include "http/web/page.h"
#include "services/eligibility.h"

namespace tongban::http::web {
namespace {

Data Rules(const Site& site, const PageRequest& page, const std::vector<services::RuleCheck>& checks,
           const std::vector<domain::EligibilityRule>& rules) {
  Data out{Data::type::list};
  if (!checks.empty()) {
    for (const services::RuleCheck& c : checks) {
      Data row;
      row.set("reason", c.rule.reason.In(page.lang));
      row.set("checked", true);
      row.set("met", c.met);
      row.set("status", page.T(site, c.met ? "eligibility.met" : "eligibility.not_met"));
      out.push_back(row);
    }
    return out;
  }
  for (const domain::EligibilityRule& r : rules) {
    Data row;
    row.set("reason", r.reason.In(page.lang));
    row.set("checked", false);
    out.push_back(row);
  }
  return out;
}

}  // namespace

void SetItemEligibility(const Site& site, const PageRequest& page, const domain::ServiceItem& item, Data& data) {
  if (item.eligibility.empty()) return;
  Data view;
  std::vector<services::RuleCheck> checks;
  if (page.caller && !page.caller->actor.user.person_id.empty() && item.applicant == domain::ApplicantKind::kPerson) {
    auto check = services::CheckMyEligibility(site.ctx(), page.caller->actor, item.code);
    if (check.ok() && check->applies) {
      checks = check->rules;
      view.set("verdict", page.T(site, check->qualified ? "eligibility.qualified" : "eligibility.not_qualified"));
      view.set("qualified", check->qualified);
      view.set("hint", page.T(site, check->qualified ? "eligibility.hint_qualified" : "eligibility.hint_not_qualified"));
    } else if (!check.ok()) {
      view.set("hint", page.T(site, "eligibility.unavailable"));
    }
  } else if (!page.caller) {
    view.set("hint", page.T(site, "eligibility.sign_in"));
  }
  view.set("rules", Rules(site, page, checks, item.eligibility));
  data.set("eligibility", view);
}

void SetCaseEligibility(const Site& site, const PageRequest& page, const domain::Application& app, Data& data) {
  const auto catalogue = site.ctx().Catalogue();
  const domain::ServiceItem* item = catalogue->ItemUnder(app.item, app.pilot);
  if (item == nullptr || item->eligibility.empty() || !page.caller) return;
  auto check = services::CheckCaseEligibility(site.ctx(), page.caller->actor, app);
  if (!check.ok() || !check->applies) return;
  Data view;
  view.set("verdict", page.T(site, check->qualified ? "eligibility.case_qualified" : "eligibility.case_not_qualified"));
  view.set("qualified", check->qualified);
  view.set("rules", Rules(site, page, check->rules, item->eligibility));
  view.set("hint", page.T(site, "eligibility.case_hint"));
  data.set("eligibility", view);
}

}  // namespace tongban::http::web
