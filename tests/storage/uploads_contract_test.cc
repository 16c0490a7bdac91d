// Uploads (content-addressed blobs): the storage contract on every database.
#include "store_contract.h"

namespace tongban::storage {
namespace {

// ---- blobs ----

TEST_P(StoreContractTest, PutBlobIsIdempotentAndKeepsBinaryData) {
  const std::string data("\x00\x01\xff binary \x00 data", 17);
  const ports::Blob blob{std::string(64, 'b'), "image/png", data};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.uploads().PutBlob(blob); }));
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.uploads().PutBlob(blob); }));
  ASSERT_OK(Write([&](ports::Transaction& tx) -> Status {
    TB_RETURN_IF_ERROR(tx.uploads().PutBlob(blob));
    return tx.uploads().PutBlob(blob);
  }));
  const Result<ports::Blob> got =
      ReadValue<ports::Blob>([&](ports::Transaction& tx) { return tx.uploads().GetBlob(blob.sha256); });
  ASSERT_OK(got);
  EXPECT_EQ(got->sha256, blob.sha256);
  EXPECT_EQ(got->content_type, "image/png");
  EXPECT_EQ(got->data, data);

  const ports::Blob empty{std::string(64, 'c'), "text/plain", ""};
  ASSERT_OK(Write([&](ports::Transaction& tx) { return tx.uploads().PutBlob(empty); }));
  const Result<ports::Blob> got_empty =
      ReadValue<ports::Blob>([&](ports::Transaction& tx) { return tx.uploads().GetBlob(empty.sha256); });
  ASSERT_OK(got_empty);
  EXPECT_EQ(got_empty->data, "");
  EXPECT_CODE(ReadValue<ports::Blob>([](ports::Transaction& tx) { return tx.uploads().GetBlob("missing"); }),
              ErrorCode::kNotFound);
}

}  // namespace
}  // namespace tongban::storage
