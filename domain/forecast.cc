#include "domain/forecast.h"

#include <cmath>
#include <numeric>
#include <optional>
#include <string>

namespace rxdesk {
namespace {

using std::chrono::seconds;

constexpr int kMaxHistoryWeeks = 52;

// Where each interval of a local day falls: its start and its wall-clock slot.
struct DayLayout {
  std::vector<Instant> starts;
  std::vector<seconds> local_times;
  std::vector<int> slots;
};

DayLayout LayOut(Date date, const Zone& zone) {
  DayLayout layout;
  const int count = IntervalsInLocalDay(date, zone);
  const Instant midnight = zone.ToInstant(date, seconds{0});
  for (int i = 0; i < count; ++i) {
    const Instant start = midnight + i * kForecastInterval;
    const seconds local = zone.LocalTimeOfDay(start);
    layout.starts.push_back(start);
    layout.local_times.push_back(local);
    layout.slots.push_back(static_cast<int>(local / kForecastInterval));
  }
  return layout;
}

// One interval per entry of the layout, each valued by its slot.
DayForecast Fill(Date date, const DayLayout& layout, const std::array<double, kSlotsPerDay>& per_slot) {
  DayForecast day{.date = date};
  day.intervals.reserve(layout.starts.size());
  for (std::size_t i = 0; i < layout.starts.size(); ++i) {
    day.intervals.push_back({layout.starts[i], layout.local_times[i], per_slot[layout.slots[i]]});
  }
  return day;
}

// One observed same weekday: its counts per interval of its own local day.
struct ObservedWeek {
  int weeks_back = 0;
  Date date;
  std::vector<double> counts;
  std::vector<bool> seen;
};

// Places each history entry for one of the weeks read; validates every entry.
Result<std::vector<ObservedWeek>> CollectWeeks(Date date, std::span<const IntervalCount> history, const Zone& zone,
                                               int history_weeks) {
  std::vector<std::optional<ObservedWeek>> weeks(history_weeks + 1);
  for (std::size_t i = 0; i < history.size(); ++i) {
    const IntervalCount& entry = history[i];
    auto at = [i] { return "history[" + std::to_string(i) + "]"; };
    const int length = IntervalsInLocalDay(entry.date, zone);
    if (entry.interval < 0 || entry.interval >= length) {
      return InvalidField(at() + ".interval", "interval must be 0 to " + std::to_string(length - 1) + " on that day");
    }
    if (entry.count < 0) return InvalidField(at() + ".count", "count must be 0 or more");
    const int back = DaysBetween(entry.date, date);
    if (back <= 0 || back % 7 != 0 || back / 7 > history_weeks) continue;
    std::optional<ObservedWeek>& week = weeks[back / 7];
    if (!week) week = ObservedWeek{back / 7, entry.date, std::vector<double>(length, 0.0), std::vector<bool>(length)};
    if (week->seen[entry.interval]) return InvalidField(at(), "a second count for the same date and interval");
    week->seen[entry.interval] = true;
    week->counts[entry.interval] = static_cast<double>(entry.count);
  }
  std::vector<ObservedWeek> observed;
  for (std::optional<ObservedWeek>& week : weeks) {
    if (week) observed.push_back(std::move(*week));
  }
  return observed;
}

struct SlotValues {
  std::array<double, kSlotsPerDay> value{};
  std::array<bool, kSlotsPerDay> present{};
};

// A week's value per wall-clock slot: the mean of the intervals on that slot.
SlotValues WeekSlots(const ObservedWeek& week, const Zone& zone) {
  const DayLayout layout = LayOut(week.date, zone);
  SlotValues out;
  std::array<int, kSlotsPerDay> occurrences{};
  for (std::size_t i = 0; i < layout.slots.size(); ++i) {
    out.value[layout.slots[i]] += week.counts[i];
    ++occurrences[layout.slots[i]];
  }
  for (int s = 0; s < kSlotsPerDay; ++s) {
    out.present[s] = occurrences[s] > 0;
    if (out.present[s]) out.value[s] /= occurrences[s];
  }
  return out;
}

// Least squares through (x_k, y_k), read at x = 0.
double ProjectToZero(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mean_x = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double mean_y = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    sxy += (x[k] - mean_x) * (y[k] - mean_y);
    sxx += (x[k] - mean_x) * (x[k] - mean_x);
  }
  const double slope = sxx > 0 ? sxy / sxx : 0.0;
  return mean_y - slope * mean_x;
}

// Per-slot means over the weeks, then the trend factor on the weeks' totals.
DayForecast FromWeeks(Date date, const std::vector<ObservedWeek>& weeks, const Zone& zone,
                      const ForecastParams& params) {
  std::vector<SlotValues> slots;
  for (const ObservedWeek& week : weeks) slots.push_back(WeekSlots(week, zone));
  std::array<double, kSlotsPerDay> mean{};
  for (int s = 0; s < kSlotsPerDay; ++s) {
    int n = 0;
    for (const SlotValues& week : slots) {
      if (!week.present[s]) continue;
      mean[s] += week.value[s];
      ++n;
    }
    if (n > 0)
      mean[s] /= n;
    else if (s > 0)
      mean[s] = mean[s - 1];  // only a skipped hour can be missing everywhere
  }
  double factor = 1.0;
  if (static_cast<int>(weeks.size()) >= params.min_trend_weeks) {
    std::vector<double> x, totals;
    for (std::size_t k = 0; k < weeks.size(); ++k) {
      double total = 0;
      for (int s = 0; s < kSlotsPerDay; ++s) total += slots[k].present[s] ? slots[k].value[s] : mean[s];
      x.push_back(-weeks[k].weeks_back);
      totals.push_back(total);
    }
    const double mean_total = std::accumulate(totals.begin(), totals.end(), 0.0) / static_cast<double>(totals.size());
    if (mean_total > 0) factor = std::max(0.0, ProjectToZero(x, totals)) / mean_total;
  }
  for (double& v : mean) v *= factor;
  DayForecast day = Fill(date, LayOut(date, zone), mean);
  day.source = ForecastSource::kHistory;
  day.weeks_used = static_cast<int>(weeks.size());
  day.trend_factor = factor;
  return day;
}

bool FiniteNonNegative(double x) { return std::isfinite(x) && x >= 0; }

}  // namespace

std::array<double, kSlotsPerDay> DefaultArrivalProfile() {
  return {
      0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15, 0.15,  // 00:00–05:00
      0.25, 0.30, 0.40, 0.50, 0.65, 0.80, 0.90, 0.95,              // 05:00–09:00
      1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00, 1.00,  // 09:00–14:00 peak
      0.90, 0.85, 0.80, 0.75, 0.70, 0.65, 0.60, 0.55, 0.50, 0.45,  // 14:00–19:00
      0.40, 0.35, 0.30, 0.28, 0.25, 0.22, 0.20, 0.18, 0.16, 0.15,  // 19:00–24:00
  };
}

double DayForecast::Total() const {
  double total = 0;
  for (const ForecastInterval& i : intervals) total += i.arrivals;
  return total;
}

int IntervalsInLocalDay(Date date, const Zone& zone) {
  const seconds length = zone.ToInstant(date + Days{1}, seconds{0}) - zone.ToInstant(date, seconds{0});
  const seconds step = kForecastInterval;
  return static_cast<int>((length + step - seconds{1}) / step);
}

Status ValidateForecastParams(const ForecastParams& params) {
  for (std::size_t d = 0; d < params.daily_volume.size(); ++d) {
    if (!FiniteNonNegative(params.daily_volume[d])) {
      return InvalidField("daily_volume[" + std::to_string(d) + "]", "daily volume must be a finite number >= 0");
    }
  }
  double weight = 0;
  for (std::size_t s = 0; s < params.profile.size(); ++s) {
    if (!FiniteNonNegative(params.profile[s])) {
      return InvalidField("profile[" + std::to_string(s) + "]", "profile weights must be finite numbers >= 0");
    }
    weight += params.profile[s];
  }
  if (!(weight > 0 && std::isfinite(weight))) return InvalidField("profile", "the profile needs a positive weight");
  if (params.history_weeks < 1 || params.history_weeks > kMaxHistoryWeeks) {
    return InvalidField("history_weeks", "history_weeks must be 1 to " + std::to_string(kMaxHistoryWeeks));
  }
  if (params.min_trend_weeks < 2) return InvalidField("min_trend_weeks", "min_trend_weeks must be at least 2");
  return OkStatus();
}

Result<DayForecast> ForecastFromProfile(Date date, const Zone& zone, const ForecastParams& params) {
  RXD_TRY(ValidateForecastParams(params));
  const double weight = std::accumulate(params.profile.begin(), params.profile.end(), 0.0);
  const double volume = params.daily_volume[std::chrono::weekday{date}.c_encoding()];
  std::array<double, kSlotsPerDay> per_slot;
  for (int s = 0; s < kSlotsPerDay; ++s) per_slot[s] = volume * params.profile[s] / weight;
  return Fill(date, LayOut(date, zone), per_slot);
}

Result<DayForecast> ForecastDay(Date date, std::span<const IntervalCount> history, const Zone& zone,
                                const ForecastParams& params) {
  RXD_TRY(ValidateForecastParams(params));
  RXD_ASSIGN_OR_RETURN(std::vector<ObservedWeek> weeks, CollectWeeks(date, history, zone, params.history_weeks));
  if (weeks.empty()) return ForecastFromProfile(date, zone, params);
  return FromWeeks(date, weeks, zone, params);
}

}  // namespace rxdesk
