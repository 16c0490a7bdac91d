// Two-way tables between enumerators and their names in the API, the database and URLs.
// Thread-safety: constexpr data and pure functions.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace tongban::domain {

template <typename E>
struct EnumName {
  E value;
  const char* name;
};

// The name of `value`, or "unknown" when the table lacks it (a bug the tests catch).
template <typename E, size_t N>
constexpr const char* NameOf(const std::array<EnumName<E>, N>& names, E value) {
  for (const auto& row : names) {
    if (row.value == value) return row.name;
  }
  return "unknown";
}

template <typename E, size_t N>
constexpr std::optional<E> ValueOf(const std::array<EnumName<E>, N>& names, std::string_view name) {
  for (const auto& row : names) {
    if (name == row.name) return row.value;
  }
  return std::nullopt;
}

}  // namespace tongban::domain
