// Keeps a server's catalogue equal to the latest version published in the database, so that all
// servers behind a load balancer serve the same one and a new version reaches them without a
// restart. Thread-safety: Start from one thread; then the background thread swaps the catalogue in
// the Context atomically (readers take a shared_ptr and keep a consistent version).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "app/catalogue_loader.h"
#include "app/periodic.h"
#include "services/context.h"

namespace tongban::app {

// The JSON object {"relative/path.yaml": "content", ...} stored as one catalogue version.
std::string FilesToJson(const CatalogueFiles& files);
Result<CatalogueFiles> FilesFromJson(const std::string& json);

// Validates the folder and publishes it as a new version unless the latest has the same files.
// Returns the version now latest. Errors: the loader's file:line list, or the store's.
Result<int64_t> PublishCatalogueFolder(const services::Context& ctx, const std::string& dir,
                                       const std::string& published_by, const std::string& reason);

class CatalogueSync {
 public:
  explicit CatalogueSync(services::Context& ctx) : ctx_(ctx) {}
  CatalogueSync(const CatalogueSync&) = delete;
  CatalogueSync& operator=(const CatalogueSync&) = delete;

  // Publishes `dir` when the database has no catalogue yet, or when `publish_dir` and the folder
  // differs from the latest version; then loads the latest version into the Context.
  Status Start(const std::string& dir, bool publish_dir);
  // Loads the latest version if it is newer than the one in use. Returns true when it swapped.
  Result<bool> Refresh();
  // Calls Refresh every `interval` on a background thread until destruction.
  void RefreshEvery(std::chrono::seconds interval);
  int64_t version() const { return version_; }

 private:
  services::Context& ctx_;
  std::atomic<int64_t> version_{0};
  std::unique_ptr<Periodic> refresher_;  // last: stopped before the rest goes
};

}  // namespace tongban::app
