#include "app/catalogue_sync.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "services/catalogue.h"

namespace tongban::app {

std::string FilesToJson(const CatalogueFiles& files) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, content] : files) j[name] = content;
  return j.dump();
}

Result<CatalogueFiles> FilesFromJson(const std::string& json) {
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return MakeError(ErrorCode::kInternal, "stored catalogue is not a JSON object");
  CatalogueFiles files;
  for (const auto& [name, content] : j.items()) {
    if (!content.is_string()) return MakeError(ErrorCode::kInternal, "stored catalogue file " + name + " is not text");
    files[name] = content.get<std::string>();
  }
  return files;
}

Result<int64_t> PublishCatalogueFolder(const services::Context& ctx, const std::string& dir,
                                       const std::string& published_by, const std::string& reason) {
  TB_ASSIGN_OR_RETURN(CatalogueFiles files, ReadCatalogueFiles(dir));
  TB_RETURN_IF_ERROR(LoadCatalogueFiles(files, dir));  // never publish what does not load
  TB_ASSIGN_OR_RETURN(auto published, services::PublishCatalogue(ctx, FilesToJson(files), published_by, reason));
  if (published.created) spdlog::info("catalogue version {} published from {}", published.version, dir);
  return published.version;
}

Status CatalogueSync::Start(const std::string& dir, bool publish_dir) {
  TB_ASSIGN_OR_RETURN(const int64_t latest, services::LatestCatalogueVersion(ctx_));
  if (latest == 0 || publish_dir) {
    auto published = PublishCatalogueFolder(ctx_, dir, "system", "published at server start from " + dir);
    // Another server starting at the same moment published first: serve what it published.
    if (!published.ok() && published.error().code != ErrorCode::kConflict) return published.take_error();
  }
  TB_ASSIGN_OR_RETURN(const bool loaded, Refresh());
  if (!loaded) return MakeError(ErrorCode::kInternal, "no catalogue version could be loaded");
  return Ok();
}

Result<bool> CatalogueSync::Refresh() {
  TB_ASSIGN_OR_RETURN(const int64_t latest, services::LatestCatalogueVersion(ctx_));
  if (latest <= version_) return false;
  TB_ASSIGN_OR_RETURN(ports::CatalogueVersion stored, services::GetCatalogueVersion(ctx_, latest));
  TB_ASSIGN_OR_RETURN(CatalogueFiles files, FilesFromJson(stored.files_json));
  TB_ASSIGN_OR_RETURN(LoadedCatalogue loaded,
                      LoadCatalogueFiles(files, "catalogue version " + std::to_string(latest), latest));
  std::atomic_store(&ctx_.catalogue, loaded.catalogue);
  std::atomic_store(&ctx_.calendar, std::make_shared<const Calendar>(std::move(loaded.calendar)));
  version_ = latest;
  spdlog::info("catalogue version {} in use ({} items)", latest, loaded.catalogue->items().size());
  return true;
}

void CatalogueSync::RefreshEvery(std::chrono::seconds interval) {
  refresher_ = std::make_unique<Periodic>(interval, [this] {
    auto refreshed = Refresh();
    // A database hiccup or a version this build cannot read: keep serving the one in use.
    if (!refreshed.ok()) spdlog::warn("catalogue refresh failed: {}", refreshed.error().message);
  });
}

}  // namespace tongban::app
