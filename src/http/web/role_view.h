// Role changes as the pages show them (role_pages.cc): the rows of the _role_changes partial, used
// by /office/roles, the role changes' pages and the decision records' page (decision_pages.cc).
#pragma once

#include <vector>

#include "domain/role_change.h"
#include "http/web/page.h"

namespace tongban::http::web {

Data RoleChangeRows(const Site& site, const PageRequest& page, const std::vector<domain::RoleChange>& changes);

}  // namespace tongban::http::web
