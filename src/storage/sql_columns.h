// How SqlTransaction moves values in and out of SQL: Binder binds a statement's parameters in
// order, Columns reads a row's columns in order, and the codecs below give each domain value its
// column form (seconds since the epoch, enum names, JSON text for lists, maps and materials).
// Internal to storage: nothing outside src/storage includes this header.
//
// Reading a column that does not parse answers kInternal ("corrupt row"): the database only holds
// what these codecs wrote. A value that cannot be written (a JSON column's text that is not UTF-8)
// answers kInvalidArgument.
//
// Thread-safety: a Binder or Columns belongs to the thread using its Statement; the functions are
// pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "domain/account.h"
#include "domain/application.h"
#include "domain/catalogue.h"
#include "domain/workflow.h"
#include "storage/driver.h"

namespace tongban::storage {

// A kInternal error saying a stored row holds `what`.
Error Corrupt(std::string what);

inline int64_t Seconds(Timestamp at) { return at.time_since_epoch().count(); }
inline Timestamp FromSeconds(int64_t seconds) { return Timestamp{std::chrono::seconds{seconds}}; }

// Binds parameters $1, $2, ... in order, keeping the first error.
class Binder {
 public:
  explicit Binder(Statement& statement) : statement_(statement) {}
  Binder& Text(std::string_view value) { return Keep(statement_.BindText(next_++, value)); }
  // Empty means absent: stored as NULL.
  Binder& OptionalText(std::string_view value) {
    return Keep(value.empty() ? statement_.BindNull(next_++) : statement_.BindText(next_++, value));
  }
  Binder& Int(int64_t value) { return Keep(statement_.BindInt64(next_++, value)); }
  Binder& Bool(bool value) { return Int(value ? 1 : 0); }
  Binder& OptionalInt(std::optional<int64_t> value) {
    return Keep(value ? statement_.BindInt64(next_++, *value) : statement_.BindNull(next_++));
  }
  Binder& Blob(std::string_view bytes) { return Keep(statement_.BindBlob(next_++, bytes)); }
  Status status() { return std::move(status_); }

 private:
  Binder& Keep(Status status) {
    if (status_.ok() && !status.ok()) status_ = std::move(status);
    return *this;
  }
  Statement& statement_;
  int next_ = 1;
  Status status_;
};

// Reads columns 0, 1, ... of the current row in order.
class Columns {
 public:
  explicit Columns(Statement& statement) : statement_(statement) {}
  std::string Text() { return statement_.ColumnText(next_++); }
  int64_t Int() { return statement_.ColumnInt64(next_++); }
  bool Bool() { return Int() != 0; }
  std::optional<int64_t> OptionalInt() {
    const int column = next_++;
    if (statement_.ColumnIsNull(column)) return std::nullopt;
    return statement_.ColumnInt64(column);
  }
  std::string Blob() { return statement_.ColumnBlob(next_++); }

 private:
  Statement& statement_;
  int next_ = 0;
};

// Runs a statement that returns no rows. Returns the statement's error, if any.
Status RunToEnd(Statement& statement);

// ---- enum names; kInternal for a name the domain does not know ----

Result<domain::ApplicationState> StateFrom(const std::string& name);
Result<domain::Channel> ChannelFrom(const std::string& name);

// ---- JSON columns ----
// The writers answer kInvalidArgument naming `what` (or the value) when a text is not UTF-8; the
// parsers answer kInternal when the column is not the JSON they write.

Result<std::string> StringListJson(const std::vector<std::string>& values, std::string_view what);
Result<std::vector<std::string>> ParseStringList(const std::string& text, std::string_view what);
Result<std::string> RolesJson(const std::vector<domain::Role>& roles);
Result<std::vector<domain::Role>> ParseRoles(const std::string& text);
Result<std::string> FieldsJson(const std::map<std::string, std::string>& fields);
Result<std::map<std::string, std::string>> ParseFields(const std::string& text);
Result<std::string> MaterialsJson(const std::vector<domain::AttachedMaterial>& materials);
Result<std::vector<domain::AttachedMaterial>> ParseMaterials(const std::string& text);

}  // namespace tongban::storage
