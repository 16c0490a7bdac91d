// Two-way tables between enumerators and their names in the API, the database and URLs: the one
// idiom for naming enumerators. Each enum has a table in its .cc and a Name/Parse pair of
// functions over it; tests/unit/domain/enum_names_test.cc checks that every enumerator of every
// enum has a name that parses back to it (it finds the enumerators by reflection, so a new
// enumerator without a name fails the test).
// Thread-safety: constexpr data and pure functions.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace tongban {

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

}  // namespace tongban
