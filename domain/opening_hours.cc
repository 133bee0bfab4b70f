#include "domain/opening_hours.h"

#include <algorithm>
#include <limits>
#include <string>

#include "domain/holidays.h"

namespace rxdesk {
namespace {

constexpr std::int64_t kSecondsPerDay = 86'400;
constexpr int kMinutesPerDay = WeeklyHours::kMinutesPerDay;
// Longest config text accepted: a real schedule is a few dozen characters.
constexpr std::size_t kMaxHoursText = 1'000;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::chrono::weekday WeekdayOf(std::int64_t day) { return std::chrono::weekday{Date{Days{day}}}; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// Splits on `sep`, keeping empty pieces so "a;;b" can be refused.
template <typename F>
bool ForEachPiece(std::string_view s, char sep, F&& f) {
  while (true) {
    const std::size_t at = s.find(sep);
    if (!f(Trim(s.substr(0, at)))) return false;
    if (at == std::string_view::npos) return true;
    s.remove_prefix(at + 1);
  }
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

// c_encoding of a three-letter day name, or -1.
int DayIndex(std::string_view name) {
  static constexpr std::array<std::string_view, 7> kNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (EqualsIgnoringCase(name, kNames[i])) return static_cast<int>(i);
  }
  return -1;
}

// "mon-fri", "sat,sun", "fri-mon", "daily" → bit i set for c_encoding i.
bool ParseDays(std::string_view text, unsigned& mask) {
  mask = 0;
  if (EqualsIgnoringCase(text, "daily")) {
    mask = 0x7F;
    return true;
  }
  return ForEachPiece(text, ',', [&](std::string_view item) {
    const std::size_t dash = item.find('-');
    const int first = DayIndex(item.substr(0, dash));
    const int last = dash == std::string_view::npos ? first : DayIndex(item.substr(dash + 1));
    if (first < 0 || last < 0) return false;
    for (int d = first;; d = (d + 1) % 7) {
      mask |= 1u << d;
      if (d == last) break;
    }
    return true;
  });
}

// "HH:MM" → minutes; 24:00 only when `allow_24`.
bool ParseClock(std::string_view s, bool allow_24, int& minutes) {
  if (s.size() != 5 || s[2] != ':') return false;
  for (const std::size_t i : {0u, 1u, 3u, 4u}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  const int h = (s[0] - '0') * 10 + (s[1] - '0');
  const int m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24))) return false;
  minutes = h * 60 + m;
  return true;
}

void InsertMerged(std::vector<MinuteRange>& ranges, MinuteRange r) {
  ranges.push_back(r);
  std::sort(ranges.begin(), ranges.end(), [](MinuteRange a, MinuteRange b) { return a.begin < b.begin; });
  std::vector<MinuteRange> merged;
  for (const MinuteRange& x : ranges) {
    if (!merged.empty() && x.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, x.end);
    } else {
      merged.push_back(x);
    }
  }
  ranges = std::move(merged);
}

}  // namespace

WeeklyHours WeeklyHours::AlwaysOpen() {
  WeeklyHours hours;
  for (auto& day : hours.days_) day = {MinuteRange{0, kMinutesPerDay}};
  return hours;
}

Status WeeklyHours::Add(std::chrono::weekday day, int open_minute, int close_minute, std::string_view field) {
  if (!day.ok() || open_minute < 0 || open_minute >= kMinutesPerDay || close_minute < 0 ||
      close_minute > kMinutesPerDay || open_minute == close_minute) {
    return InvalidField(std::string(field), "an opening range must run from 00:00–23:59 to a different time up to 24:00");
  }
  const unsigned d = day.c_encoding();
  if (close_minute > open_minute) {
    InsertMerged(days_[d], {open_minute, close_minute});
  } else {  // past midnight: the rest of `day`, then the start of the next day
    InsertMerged(days_[d], {open_minute, kMinutesPerDay});
    if (close_minute > 0) InsertMerged(days_[(d + 1) % 7], {0, close_minute});
  }
  return OkStatus();
}

bool WeeklyHours::IsOpenAt(std::chrono::weekday day, int minute_of_day) const {
  for (const MinuteRange& r : days_[day.c_encoding()]) {
    if (minute_of_day < r.begin) return false;  // ranges are sorted
    if (minute_of_day < r.end) return true;
  }
  return false;
}

std::span<const MinuteRange> WeeklyHours::RangesOn(std::chrono::weekday day) const { return days_[day.c_encoding()]; }

bool WeeklyHours::IsAlwaysOpen() const {
  return std::all_of(days_.begin(), days_.end(), [](const std::vector<MinuteRange>& d) {
    return d.size() == 1 && d[0] == MinuteRange{0, kMinutesPerDay};
  });
}

bool WeeklyHours::IsNeverOpen() const {
  return std::all_of(days_.begin(), days_.end(), [](const std::vector<MinuteRange>& d) { return d.empty(); });
}

Result<WeeklyHours> ParseWeeklyHours(std::string_view text, std::string_view field) {
  const auto bad = [&] {
    return InvalidField(std::string(field),
                        "must read like \"mon-sat 08:00-20:00; sun 10:00-14:00\", \"daily 07:00-22:00\" or \"24/7\"");
  };
  if (text.size() > kMaxHoursText || Trim(text).empty()) return bad();
  WeeklyHours hours;
  const bool ok = ForEachPiece(text, ';', [&](std::string_view clause) {
    if (clause == "24/7") {
      hours = WeeklyHours::AlwaysOpen();
      return true;
    }
    const std::size_t space = clause.find(' ');
    if (space == std::string_view::npos) return false;
    unsigned mask = 0;
    if (!ParseDays(clause.substr(0, space), mask)) return false;
    return ForEachPiece(Trim(clause.substr(space + 1)), ',', [&](std::string_view range) {
      int open = 0, close = 0;
      if (range.size() != 11 || range[5] != '-' || !ParseClock(range.substr(0, 5), false, open) ||
          !ParseClock(range.substr(6), true, close) || open == close) {
        return false;
      }
      for (unsigned d = 0; d < 7; ++d) {
        if ((mask & (1u << d)) != 0 && !hours.Add(std::chrono::weekday{d}, open, close, field).ok()) return false;
      }
      return true;
    });
  });
  if (!ok) return bad();
  return hours;
}

OpeningHours::OpeningHours(WeeklyHours weekly, Zone zone, ClosureDays closures)
    : weekly_(std::move(weekly)),
      zone_(std::move(zone)),
      closure_dates_(std::move(closures.dates)),
      closed_on_federal_holidays_(closures.federal_holidays) {
  std::sort(closure_dates_.begin(), closure_dates_.end());
  closure_dates_.erase(std::unique(closure_dates_.begin(), closure_dates_.end()), closure_dates_.end());
  always_open_ = weekly_.IsAlwaysOpen() && closure_dates_.empty() && !closed_on_federal_holidays_;
}

bool OpeningHours::IsClosedDate(std::int64_t local_day) const {
  const Date date{Days{local_day}};
  if (closed_on_federal_holidays_ && IsFederalHoliday(date)) return true;
  return std::binary_search(closure_dates_.begin(), closure_dates_.end(), date);
}

bool OpeningHours::IsOpenLocal(std::int64_t local_seconds) const {
  const std::int64_t day = FloorDiv(local_seconds, kSecondsPerDay);
  if (IsClosedDate(day)) return false;
  const auto minute = static_cast<int>((local_seconds - day * kSecondsPerDay) / 60);
  return weekly_.IsOpenAt(WeekdayOf(day), minute);
}

bool OpeningHours::IsOpen(Instant t) const {
  if (always_open_) return true;
  return IsOpenLocal(t.time_since_epoch().count() + zone_.OffsetAt(t).count());
}

// The first wall-clock second b with after < b < limit where the local schedule
// differs from `state`. The schedule can only change at a midnight or at a range
// edge, so only those are tried, in order.
std::optional<std::int64_t> OpeningHours::NextLocalChange(std::int64_t after, bool state, std::int64_t limit) const {
  for (std::int64_t day = FloorDiv(after, kSecondsPerDay);; ++day) {
    const std::int64_t midnight = day * kSecondsPerDay;
    if (midnight >= limit) return std::nullopt;
    const auto differs = [&](std::int64_t b) { return b > after && b < limit && IsOpenLocal(b) != state; };
    if (differs(midnight)) return midnight;
    if (IsClosedDate(day)) continue;
    for (const MinuteRange& r : weekly_.RangesOn(WeekdayOf(day))) {
      for (const std::int64_t b : {midnight + r.begin * 60LL, midnight + r.end * 60LL}) {
        if (b >= limit) return std::nullopt;
        if (differs(b)) return b;
      }
    }
  }
}

std::optional<Instant> OpeningHours::NextChange(Instant t) const {
  if (always_open_) return std::nullopt;
  const bool state = IsOpen(t);
  // After the last closure date the schedule repeats weekly, so if it has not
  // changed within a further 8 days it never will. Federal holidays recur, so
  // with them allow a full year more (the longest gap is about 14 weeks).
  std::int64_t base_day = zone_.LocalDate(t).time_since_epoch().count();
  if (!closure_dates_.empty()) base_day = std::max(base_day, closure_dates_.back().time_since_epoch().count() + 1);
  const std::int64_t horizon = (base_day + 8 + (closed_on_federal_holidays_ ? 366 : 0)) * kSecondsPerDay;

  // Walk the stretches of constant UTC offset: inside one, wall time and UTC move
  // together; at its end the wall clock jumps and the state may flip right there.
  Instant cur = t;
  while (true) {
    const OffsetSpan span = zone_.SpanAt(cur);
    const std::int64_t offset = span.offset.count();
    const std::int64_t span_end_local = span.end == Instant::max() ? std::numeric_limits<std::int64_t>::max()
                                                                    : span.end.time_since_epoch().count() + offset;
    const std::int64_t limit = std::min(span_end_local, horizon);
    if (const auto b = NextLocalChange(cur.time_since_epoch().count() + offset, state, limit)) {
      return Instant{std::chrono::seconds{*b - offset}};
    }
    if (limit == horizon) return std::nullopt;
    cur = span.end;
    if (IsOpen(cur) != state) return cur;
  }
}

}  // namespace rxdesk
