// One access-log entry as the "who read my data" pages show it (access_log_pages.cc): when, who
// (department and role), which dataset and fields, the purpose and legal basis, refused reads.
// Shared by /me/access-log and the enterprise's /enterprises/{code}/access-log.
#pragma once

#include "http/web/page.h"
#include "ports/access_log_repository.h"

namespace tongban::http::web {

Data AccessLogRowView(const Site& site, const PageRequest& page, const ports::AccessLogRow& row);

}  // namespace tongban::http::web
