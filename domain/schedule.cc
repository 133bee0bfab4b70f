#include "domain/schedule.h"

#include <array>
#include <utility>

namespace rxdesk {
namespace {

constexpr std::array<std::pair<Schedule, std::string_view>, 5> kNames{{
    {Schedule::kNone, "none"},
    {Schedule::kII, "II"},
    {Schedule::kIII, "III"},
    {Schedule::kIV, "IV"},
    {Schedule::kV, "V"},
}};

}  // namespace

std::optional<Schedule> ParseSchedule(std::string_view text) {
  for (const auto& [schedule, name] : kNames) {
    if (name == text) return schedule;
  }
  return std::nullopt;
}

std::string_view ToString(Schedule schedule) {
  for (const auto& [s, name] : kNames) {
    if (s == schedule) return name;
  }
  return "none";
}

}  // namespace rxdesk
