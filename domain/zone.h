// The operator's time zone (PRODUCT.md intro: "today", business hours and
// business days are evaluated in it; America/Chicago by default (config)).
//
//   // At start-up, at the edge (reads the OS tz database once):
//   const Zone zone(date::locate_zone(config.time_zone));
//   // In the domain (no I/O from here on):
//   LocalDateTime local = zone.ToLocal(placed_at);       // {2026-11-23, 14:59:59}
//   Instant open = zone.ToInstant(MakeDate(2026, 3, 8), std::chrono::hours{8});
//
// A Zone is a small immutable value: copies share one offset table and are
// safe to use from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "domain/time.h"

namespace date {
class time_zone;  // Howard Hinnant's date/tz; only zone.cc includes <date/tz.h>.
}  // namespace date

namespace rxdesk {

// A civil date and a wall-clock time of day in some zone; 0 ≤ time_of_day < 24 h.
struct LocalDateTime {
  Date date;
  std::chrono::seconds time_of_day{0};

  bool operator==(const LocalDateTime&) const = default;
};

// One stretch of time with a constant UTC offset: [begin, end).
struct OffsetSpan {
  Instant begin;
  Instant end;                        // Instant::max() when no later change is known
  std::chrono::seconds offset{0};     // local wall clock minus UTC, e.g. −6 h for CST
};

class Zone {
 public:
  // Wraps a zone the application located (date::locate_zone). Requires tz != nullptr.
  // Reads every offset change of the zone now, so later calls never touch the tz
  // database (the library loads it lazily from disk on first use).
  explicit Zone(const date::time_zone* tz);

  // The IANA name, e.g. "America/Chicago".
  std::string_view name() const;

  // The UTC offset in force at `t` (local minus UTC). Beyond the last change the
  // tz data holds (2037 for the OS files date 3.0.1 reads) the last offset holds.
  std::chrono::seconds OffsetAt(Instant t) const;

  // The stretch of constant offset that contains `t`.
  OffsetSpan SpanAt(Instant t) const;

  // The local civil date and wall-clock time of `t`.
  LocalDateTime ToLocal(Instant t) const;
  Date LocalDate(Instant t) const { return ToLocal(t).date; }
  std::chrono::seconds LocalTimeOfDay(Instant t) const { return ToLocal(t).time_of_day; }

  // The instant at which the wall clock reads `time_of_day` on `date`.
  // A time skipped by a spring-forward gap is read with the offset before the gap,
  // i.e. moved forward by the gap (02:30 on 2026-03-08 CT → 03:30 CDT; RFC 5545
  // §3.3.5 and java.time do the same). A time repeated at fall-back is the earlier
  // instant (01:30 on 2026-11-01 CT → 01:30 CDT). time_of_day may be ≥ 24 h or < 0.
  Instant ToInstant(Date date, std::chrono::seconds time_of_day) const;

 private:
  struct Change {
    std::int64_t begin;   // seconds since the epoch, UTC
    std::int32_t offset;  // seconds
  };
  std::size_t IndexAt(std::int64_t utc_seconds) const;

  const date::time_zone* tz_;
  std::shared_ptr<const std::vector<Change>> changes_;  // sorted by begin; [0].begin = INT64_MIN
};

}  // namespace rxdesk
