#include "services/catalogue.h"

namespace tongban::services {

Result<PublishedCatalogue> PublishCatalogue(const Context& ctx, const std::string& files_json,
                                            const std::string& published_by, const std::string& reason) {
  if (reason.empty()) return MakeError(ErrorCode::kInvalidArgument, "error.catalogue.reason_required");
  const std::string sha = ctx.hasher->Sha256Hex(files_json);
  PublishedCatalogue out;
  TB_RETURN_IF_ERROR(ctx.store->Write([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(const int64_t latest, tx.catalogue().LatestCatalogueVersion());
    if (latest > 0) {
      TB_ASSIGN_OR_RETURN(ports::CatalogueVersion current, tx.catalogue().GetCatalogueVersion(latest));
      if (current.sha256 == sha) {
        out = {latest, false};
        return Ok();
      }
    }
    // Two publishers at once: the version number is the primary key, so one of them gets
    // kConflict and nothing is written for it.
    ports::CatalogueVersion v{latest + 1, ctx.clock->Now(), published_by, reason, files_json, sha};
    TB_RETURN_IF_ERROR(tx.catalogue().InsertCatalogueVersion(v));
    out = {v.version, true};
    return Ok();
  }));
  return out;
}

Result<int64_t> LatestCatalogueVersion(const Context& ctx) {
  int64_t latest = 0;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(latest, tx.catalogue().LatestCatalogueVersion());
    return Ok();
  }));
  return latest;
}

Result<ports::CatalogueVersion> GetCatalogueVersion(const Context& ctx, int64_t version) {
  ports::CatalogueVersion out;
  TB_RETURN_IF_ERROR(ctx.store->Read([&](ports::Transaction& tx) -> Status {
    TB_ASSIGN_OR_RETURN(out, tx.catalogue().GetCatalogueVersion(version));
    return Ok();
  }));
  return out;
}

}  // namespace tongban::services
