// The five-level rating form (GB/T 39735, issue 13 item 1) the rating pages (rating_pages.cc: the
// web, the signed link, the window tablet) and the kiosk (kiosk_pages.cc) show alike: levels 5 to
// 1, the reason tags, an optional comment; read back from the posted form. Defined in
// rating_pages.cc.
// Thread-safety: stateless functions.
#pragma once

#include <map>
#include <set>
#include <string>

#include "http/web/page.h"
#include "http/web/render.h"
#include "services/ratings.h"

namespace tongban::http::web {

// What the person chose, to show the form again after a refusal.
struct TypedRating {
  int level = 0;
  std::string comment;
  std::set<std::string> tags;
};

// The level, comment and tags of a posted rating form, into `req`; answers them as typed.
TypedRating RatingFromForm(const std::multimap<std::string, std::string>& form, services::RatingRequest& req);

// Sets `data`'s "form" (posting to `action`) and, after a refusal, the error summary and the
// field's error. The CSRF token is the caller's session's (none without a caller).
void AddRatingForm(const Site& site, const PageRequest& page, Data& data, const std::string& action,
                   const TypedRating& typed, const Error* error);

}  // namespace tongban::http::web
