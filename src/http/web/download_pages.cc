// The download of an uploaded file from the application page: whoever may read the case (its
// applicant, the officials of its department or centre) opens each file; an official's opening is
// recorded with the case by services::OpenUpload in the same transaction as the read.
#include "http/web/page.h"
#include "services/applications.h"

namespace tongban::http::web {
namespace {

Response Download(const Site& site, Request& req) {
  PageRequest page = StartPage(site, req);
  if (!page.caller) return SignInRedirect(page);
  auto opened = services::OpenUpload(site.ctx(), page.caller->actor, req.Param("id"), req.Param("code"));
  if (!opened.ok()) return ErrorPageFor(site, page, opened.error());
  Response res;
  res.content_type = opened->blob.content_type;
  res.body = std::move(opened->blob.data);
  res.AddHeader("Content-Disposition", AttachmentDisposition(opened->file_name, res.content_type));
  res.AddHeader("X-Content-Type-Options", "nosniff");
  res.AddHeader("Cache-Control", "no-store");
  return res;
}

}  // namespace

void RegisterDownloadPages(Router& router, std::shared_ptr<const Site> site) {
  router.Add("GET", "/applications/{id}/materials/{code}/file", [site](Request& req) { return Download(*site, req); });
}

}  // namespace tongban::http::web
