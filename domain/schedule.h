// DEA controlled-substance schedule of a drug (21 CFR 1308). Schedule I drugs
// are never dispensed, so they have no value here.
#pragma once

#include <optional>
#include <string_view>

namespace rxdesk {

enum class Schedule { kNone, kII, kIII, kIV, kV };

// "none", "II", "III", "IV", "V" (the API's spelling); nullopt for anything else.
std::optional<Schedule> ParseSchedule(std::string_view text);
std::string_view ToString(Schedule schedule);

// True for Schedules II–V.
constexpr bool IsControlled(Schedule s) { return s != Schedule::kNone; }

}  // namespace rxdesk
