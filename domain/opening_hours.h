// When a contact channel is staffed (PRODUCT.md §7, all config): a weekly
// schedule in the operator's local wall-clock time, closure dates, and a zone.
//
//   RXD_ASSIGN_OR_RETURN(WeeklyHours weekly, ParseWeeklyHours("mon-sat 08:00-20:00", "channels.tty.hours"));
//   const OpeningHours tty(std::move(weekly), zone);
//   if (!tty.IsOpen(now)) OfferSecureMessage();               // §7: TTY outside hours
//   std::optional<Instant> opens = tty.NextChange(now);       // e.g. Monday 08:00 CT
//
// Hours follow the wall clock, so "08:00" is 08:00 CST in winter and CDT in
// summer. On a spring-forward day the skipped hour is simply absent; on a
// fall-back day the repeated hour is judged by its wall-clock reading both times.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "domain/time.h"
#include "domain/zone.h"

namespace rxdesk {

// [begin, end) in minutes after local midnight; 0 ≤ begin < end ≤ 1440.
struct MinuteRange {
  int begin = 0;
  int end = 0;

  bool operator==(const MinuteRange&) const = default;
};

// Open ranges for each day of the week. Default-constructed: never open.
class WeeklyHours {
 public:
  static constexpr int kMinutesPerDay = 24 * 60;

  // Open around the clock every day ("24/7").
  static WeeklyHours AlwaysOpen();

  // Opens `day` from `open` to `close` minutes after midnight; a close before the
  // open runs past midnight into the next day ("22:00-02:00"). Overlapping or
  // touching ranges merge. Requires 0 ≤ open < 1440, 0 ≤ close ≤ 1440, open ≠ close;
  // otherwise invalid_request naming `field` and nothing changes.
  Status Add(std::chrono::weekday day, int open_minute, int close_minute, std::string_view field = "hours");

  // True when minute_of_day (0–1439) of `day` is inside an open range.
  bool IsOpenAt(std::chrono::weekday day, int minute_of_day) const;

  // The merged ranges of `day`, in order.
  std::span<const MinuteRange> RangesOn(std::chrono::weekday day) const;

  bool IsAlwaysOpen() const;
  bool IsNeverOpen() const;

  bool operator==(const WeeklyHours&) const = default;

 private:
  std::array<std::vector<MinuteRange>, 7> days_;  // by weekday::c_encoding(): Sunday = 0
};

// Parses the config form: clauses joined by ';', each "24/7" or DAYS TIMES, where
// DAYS is "daily" or a comma list of days and day spans ("mon-fri", "sat,sun",
// "fri-mon" wraps), and TIMES a comma list of HH:MM-HH:MM (24:00 allowed as a
// close; a close before the open runs past midnight). Case-insensitive.
// Examples: "mon-sat 08:00-20:00", "daily 07:00-22:00", "mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00".
// Refusal: invalid_request naming `field`.
Result<WeeklyHours> ParseWeeklyHours(std::string_view text, std::string_view field = "hours");

// Whole days on which a channel is closed regardless of its weekly hours.
struct ClosureDays {
  std::vector<Date> dates;          // local dates, any order
  bool federal_holidays = false;    // also close on observed federal holidays; PRODUCT.md §7 names none (config)
};

class OpeningHours {
 public:
  // `weekly` is read on `zone`'s wall clock; each closure date closes the whole local
  // day, midnight to midnight (ClosureDays). Always succeeds: validation is the parser's.
  OpeningHours(WeeklyHours weekly, Zone zone, ClosureDays closures = {});

  // True when the channel is staffed at `t`.
  bool IsOpen(Instant t) const;

  // The first instant after `t` at which IsOpen changes, or nullopt when it never
  // will (24/7 with no closures, or never open). Exact across DST changes: a range
  // that starts inside a spring-forward gap opens at the jump.
  std::optional<Instant> NextChange(Instant t) const;

  const WeeklyHours& weekly() const { return weekly_; }
  const Zone& zone() const { return zone_; }

 private:
  bool IsClosedDate(std::int64_t local_day) const;
  bool IsOpenLocal(std::int64_t local_seconds) const;
  std::optional<std::int64_t> NextLocalChange(std::int64_t after, bool state, std::int64_t limit) const;

  WeeklyHours weekly_;
  Zone zone_;
  std::vector<Date> closure_dates_;  // sorted, unique
  bool closed_on_federal_holidays_;
  bool always_open_;                  // 24/7 with no closures
};

}  // namespace rxdesk
