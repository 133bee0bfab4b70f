// An enum's names as a table indexed by its values, both ways.
//
//   constexpr std::array<std::string_view, 3> kNames = {"requested", "sent", "approved"};
//   NameOf(kNames, Status::kSent);                  // "sent"
//   ParseName<Status>(kNames, "approved");          // Status::kApproved; "other" → nullopt
//
// The enum's values must be 0..N-1 in the table's order; a value past the table
// reads as "unknown".
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace rxdesk {

template <typename Enum, std::size_t N>
std::string_view NameOf(const std::array<std::string_view, N>& names, Enum value) {
  const auto i = static_cast<unsigned>(value);
  return i < N ? names[i] : std::string_view("unknown");
}

template <typename Enum, std::size_t N>
std::optional<Enum> ParseName(const std::array<std::string_view, N>& names, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == text) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace rxdesk
