// Contacts expected per 30-minute interval of one local day (PRODUCT.md §9:
// staffing works from forecast arrivals per 30-minute interval; §7: the arrival
// profile peaks 9:00–14:00 CT). The intervals feed ErlangParams::arrivals.
//
//   const ForecastParams params;                                   // shipped defaults
//   RXD_ASSIGN_OR_RETURN(DayForecast day, ForecastDay(MakeDate(2026, 3, 9), history, zone, params));
//   for (const ForecastInterval& i : day.intervals)
//     Staff(i.start, ErlangParams{.arrivals = i.arrivals, .aht_s = 420});
//
// The rules, as implemented:
// - Intervals follow the operator's wall clock from local midnight to the next
//   local midnight: 48 on most days, 46 on the spring-forward day and 50 on the
//   fall-back day (America/Chicago 2026: March 8 and November 1). Interval i starts
//   at midnight + 30 min × i (an instant, so the repeated hour is two intervals).
// - Callers follow the wall clock: each interval takes the arrivals of its
//   wall-clock half hour (its "slot", 0 = 00:00–00:30). A skipped hour's contacts
//   never happen; a repeated hour's happen twice.
// - From the profile: daily_volume[weekday] × profile[slot] / Σ profile.
// - From history: the same weekday in each of the last history_weeks weeks is
//   "observed" when at least one count is given for it (then its other intervals
//   count 0). Each slot's value is the mean over the observed weeks that have that
//   slot (a repeated slot is the mean of its two counts; a week missing a skipped
//   slot does not count for it; a slot no observed week has takes the slot before).
//   With at least min_trend_weeks observed weeks, a least-squares line through the
//   weeks' totals (x = −1 for last week, −2 the week before …) is read at x = 0 and
//   scales every slot by projected total / mean total; a negative projection is 0.
//   With no observed week the profile is used.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "domain/result.h"
#include "domain/time.h"
#include "domain/zone.h"

namespace rxdesk {

inline constexpr std::chrono::minutes kForecastInterval{30};
inline constexpr int kSlotsPerDay = 48;  // wall-clock half hours

// The shipped arrival profile: relative arrivals per wall-clock half hour, 00:00
// first. Night 0.15; ramps from 05:00; 1.0 from 09:00 to 14:00 (PRODUCT.md §7's
// peak, and the only slots at 1.0); tapers through the evening.
std::array<double, kSlotsPerDay> DefaultArrivalProfile();

struct ForecastParams {
  // (config) Contacts expected on a day, by weekday, Sunday first
  // (std::chrono::weekday::c_encoding()). Illustrative defaults for a mail-order
  // pharmacy: Monday heaviest (weekend refills), weekends light.
  std::array<double, 7> daily_volume = {1600, 6000, 5200, 5000, 4900, 4700, 2400};
  // (config) Relative arrivals per wall-clock half hour; any non-negative scale.
  std::array<double, kSlotsPerDay> profile = DefaultArrivalProfile();
  // (config) How many previous same weekdays the history forecast reads (1–52).
  int history_weeks = 4;
  // (config) Fewer observed weeks than this: plain average, no trend (at least 2).
  int min_trend_weeks = 3;
};

enum class ForecastSource : std::uint8_t { kProfile, kHistory };

struct ForecastInterval {
  Instant start;                       // UTC
  std::chrono::seconds local_time{0};  // wall clock at the start, e.g. 09:30 → 34200 s
  double arrivals = 0;
};

struct DayForecast {
  Date date;
  ForecastSource source = ForecastSource::kProfile;
  int weeks_used = 0;         // observed same weekdays (0 for the profile)
  double trend_factor = 1.0;  // projected total / mean total; 1 without a trend
  std::vector<ForecastInterval> intervals;

  double Total() const;
};

// One observed count: contacts that arrived in interval `interval` (0-based, in
// that local day's sequence as above) of local day `date`.
struct IntervalCount {
  Date date;
  int interval = 0;
  std::int64_t count = 0;
};

// 46, 48 or 50 in zones with one-hour DST: local midnight to local midnight,
// in 30-minute steps, rounded up.
int IntervalsInLocalDay(Date date, const Zone& zone);

// Refusal: invalid_request on "daily_volume[i]" or "profile[i]" (negative or not
// finite), "profile" (all zero), "history_weeks" (outside 1–52), "min_trend_weeks"
// (below 2).
Status ValidateForecastParams(const ForecastParams& params);

// The day from the profile and the weekday's volume. Refusal: as ValidateForecastParams.
Result<DayForecast> ForecastFromProfile(Date date, const Zone& zone, const ForecastParams& params = {});

// The day from history (any order; entries for other dates are ignored), falling
// back to the profile without an observed same weekday. O(history + weeks × 50).
// Refusal: as ValidateForecastParams; invalid_request on "history[i].interval"
// (outside that local day), "history[i].count" (negative), "history[i]" (a second
// count for the same date and interval among the weeks read).
Result<DayForecast> ForecastDay(Date date, std::span<const IntervalCount> history, const Zone& zone,
                                const ForecastParams& params = {});

}  // namespace rxdesk
