#include "domain/zone.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include <date/tz.h>

namespace rxdesk {
namespace {

using std::chrono::seconds;

constexpr std::int64_t kSecondsPerDay = 86'400;
// No zone has ever been more than 26 h from UTC (Pacific/Kiritimati +14, −12),
// so a wall-clock reading L can only be produced by instants in L ± 26 h.
constexpr std::int64_t kMaxOffsetSeconds = 26 * 3'600;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

Zone::Zone(const date::time_zone* tz) : tz_(tz) {
  assert(tz != nullptr);
  // Walk every offset change from 1800 on. Changes that keep the UTC offset (an
  // abbreviation or a "save" relabelling) are merged: only the offset matters here.
  auto changes = std::make_shared<std::vector<Change>>();
  const date::sys_seconds start = date::sys_days{date::year{1800} / 1 / 1};
  auto info = tz->get_info(start);
  changes->push_back({std::numeric_limits<std::int64_t>::min(), static_cast<std::int32_t>(info.offset.count())});
  const date::sys_seconds last_year = date::sys_days{date::year{9999} / 1 / 1};
  while (info.end < last_year) {
    const date::sys_seconds at = info.end;
    info = tz->get_info(at);
    const auto offset = static_cast<std::int32_t>(info.offset.count());
    if (offset != changes->back().offset) changes->push_back({at.time_since_epoch().count(), offset});
  }
  changes_ = std::move(changes);
}

std::string_view Zone::name() const { return tz_->name(); }

std::size_t Zone::IndexAt(std::int64_t utc_seconds) const {
  const std::vector<Change>& c = *changes_;
  // First change starting after t, minus one. c[0].begin is INT64_MIN, so the result is ≥ 0.
  const auto it = std::upper_bound(c.begin(), c.end(), utc_seconds,
                                   [](std::int64_t t, const Change& ch) { return t < ch.begin; });
  return static_cast<std::size_t>(it - c.begin()) - 1;
}

seconds Zone::OffsetAt(Instant t) const {
  return seconds{(*changes_)[IndexAt(t.time_since_epoch().count())].offset};
}

OffsetSpan Zone::SpanAt(Instant t) const {
  const std::vector<Change>& c = *changes_;
  const std::size_t i = IndexAt(t.time_since_epoch().count());
  return OffsetSpan{
      .begin = i == 0 ? Instant::min() : Instant{seconds{c[i].begin}},
      .end = i + 1 < c.size() ? Instant{seconds{c[i + 1].begin}} : Instant::max(),
      .offset = seconds{c[i].offset},
  };
}

LocalDateTime Zone::ToLocal(Instant t) const {
  const std::int64_t local = t.time_since_epoch().count() + OffsetAt(t).count();
  const std::int64_t day = FloorDiv(local, kSecondsPerDay);
  return LocalDateTime{Date{Days{day}}, seconds{local - day * kSecondsPerDay}};
}

Instant Zone::ToInstant(Date date, seconds time_of_day) const {
  const std::vector<Change>& c = *changes_;
  const std::int64_t wall = date.time_since_epoch().count() * kSecondsPerDay + time_of_day.count();
  const std::size_t first = IndexAt(wall - kMaxOffsetSeconds);
  const std::size_t last = IndexAt(wall + kMaxOffsetSeconds);
  const auto end_of = [&](std::size_t i) {
    return i + 1 < c.size() ? c[i + 1].begin : std::numeric_limits<std::int64_t>::max();
  };
  // The earliest span whose offset maps some instant inside it to `wall`.
  for (std::size_t i = first; i <= last; ++i) {
    const std::int64_t t = wall - c[i].offset;
    if (t >= c[i].begin && t < end_of(i)) return Instant{seconds{t}};
  }
  // None: `wall` was skipped when the clock jumped forward at c[i + 1].begin.
  // Read it with the offset in force before the jump.
  for (std::size_t i = first; i < last; ++i) {
    const std::int64_t jump = c[i + 1].begin;
    if (jump + c[i].offset <= wall && wall < jump + c[i + 1].offset) return Instant{seconds{wall - c[i].offset}};
  }
  return Instant{seconds{wall - c[last].offset}};  // unreachable for a consistent table
}

}  // namespace rxdesk
