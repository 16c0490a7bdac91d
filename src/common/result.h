// Result<T> and Status: errors as values (docs/architecture.md, "common").
// A Result holds either a value or an Error. Thread-safety: plain value type.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace tongban {

enum class ErrorCode {
  kInvalidArgument,
  kUnauthenticated,
  kPermissionDenied,
  kNotFound,
  kConflict,
  kPayloadTooLarge,
  kResourceExhausted,
  kUnavailable,
  kInternal,
};

// The snake_case name of the code as docs/api.md spells it ("invalid_argument", ...).
const char* ErrorCodeName(ErrorCode code);
std::optional<ErrorCode> ParseErrorCode(std::string_view name);

// One field that is wrong, for forms that show each error beside its field.
struct FieldError {
  std::string field;
  std::string message_key;  // an i18n key, e.g. "error.field.required"
  std::string detail;       // optional argument for the message (a length, a format)
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  // An i18n key ("error.application.not_found") or, for internal errors, plain text.
  std::string message;
  std::vector<FieldError> fields = {};
};

inline Error MakeError(ErrorCode code, std::string message) { return Error{code, std::move(message), {}}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}       // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}   // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { assert(!ok()); return std::get<1>(v_); }
  Error&& take_error() { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { assert(!ok()); return *error_; }
  Error&& take_error() { assert(!ok()); return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Status Ok() { return Status(); }

}  // namespace tongban

// Returns the error of `expr` (a Result or Status) from the enclosing function.
#define TB_RETURN_IF_ERROR(expr)                               \
  do {                                                         \
    auto tb_status_ = (expr);                                  \
    if (!tb_status_.ok()) return tb_status_.take_error();      \
  } while (0)

#define TB_CONCAT_INNER(a, b) a##b
#define TB_CONCAT(a, b) TB_CONCAT_INNER(a, b)
// Declares `lhs` from the value of `expr`, or returns its error.
#define TB_ASSIGN_OR_RETURN(lhs, expr) TB_ASSIGN_OR_RETURN_IMPL(TB_CONCAT(tb_result_, __LINE__), lhs, expr)
#define TB_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.take_error();        \
  lhs = std::move(tmp).value()
