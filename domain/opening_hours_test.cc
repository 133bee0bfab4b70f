#include "domain/opening_hours.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include "domain/test_fixtures.h"

#include <set>
#include <string>

namespace rxdesk {
namespace {

using std::chrono::Friday;
using std::chrono::Monday;
using std::chrono::Saturday;
using std::chrono::Sunday;
using std::chrono::Tuesday;

using test::At;
using test::Chicago;

WeeklyHours Hours(std::string_view text) {
  auto h = ParseWeeklyHours(text);
  EXPECT_TRUE(h.ok()) << text;
  return h.ok() ? *h : WeeklyHours{};
}

OpeningHours InChicago(std::string_view text, ClosureDays closures = {}) {
  return OpeningHours(Hours(text), Chicago(), std::move(closures));
}

std::string Next(const OpeningHours& hours, Instant t) {
  const auto n = hours.NextChange(t);
  return n ? FormatInstant(*n) : "never";
}

// PRODUCT.md §7 channels. CST = UTC−6, CDT = UTC−5; DST 2026: 03-08 08:00Z to 11-01 07:00Z.
constexpr std::string_view kTty = "mon-sat 08:00-20:00";
constexpr std::string_view kChat = "daily 07:00-22:00";
constexpr std::string_view kMain = "24/7";

// ---- Parsing the config form ----

TEST(ParseWeeklyHours, ReadsTheTtyScheduleMondayToSaturday) {
  const WeeklyHours tty = Hours(kTty);
  for (const auto day : {Monday, Tuesday, std::chrono::Wednesday, std::chrono::Thursday, Friday, Saturday}) {
    ASSERT_EQ(tty.RangesOn(day).size(), 1u);
    EXPECT_EQ(tty.RangesOn(day)[0], (MinuteRange{8 * 60, 20 * 60}));
  }
  EXPECT_TRUE(tty.RangesOn(Sunday).empty());
}

TEST(ParseWeeklyHours, ReadsDailyAndAroundTheClock) {
  const WeeklyHours chat = Hours(kChat);
  EXPECT_EQ(chat.RangesOn(Sunday)[0], (MinuteRange{7 * 60, 22 * 60}));
  EXPECT_TRUE(Hours(kMain).IsAlwaysOpen());
  EXPECT_TRUE(Hours("daily 00:00-24:00").IsAlwaysOpen());
  EXPECT_EQ(Hours("24/7"), WeeklyHours::AlwaysOpen());
  EXPECT_FALSE(chat.IsAlwaysOpen());
}

TEST(ParseWeeklyHours, ReadsSeveralClausesAndRanges) {
  const WeeklyHours h = Hours("mon-fri 08:00-12:00,13:00-17:00; sat 09:00-12:00");
  ASSERT_EQ(h.RangesOn(Friday).size(), 2u);
  EXPECT_EQ(h.RangesOn(Friday)[1], (MinuteRange{13 * 60, 17 * 60}));
  EXPECT_EQ(h.RangesOn(Saturday)[0], (MinuteRange{9 * 60, 12 * 60}));
  EXPECT_TRUE(h.RangesOn(Sunday).empty());
}

TEST(ParseWeeklyHours, IgnoresCaseAndWrapsDaySpansOverTheWeekend) {
  EXPECT_EQ(Hours("MON-Fri 08:00-17:00"), Hours("mon,tue,wed,thu,fri 08:00-17:00"));
  EXPECT_EQ(Hours("fri-mon 10:00-11:00"), Hours("fri,sat,sun,mon 10:00-11:00"));
  EXPECT_TRUE(Hours("fri-mon 10:00-11:00").RangesOn(Tuesday).empty());
}

TEST(ParseWeeklyHours, SplitsARangePastMidnightIntoTheNextDay) {
  const WeeklyHours h = Hours("sat 22:00-02:00");
  EXPECT_EQ(h.RangesOn(Saturday)[0], (MinuteRange{22 * 60, 24 * 60}));
  EXPECT_EQ(h.RangesOn(Sunday)[0], (MinuteRange{0, 2 * 60}));  // Saturday night wraps to Sunday
  EXPECT_EQ(Hours("mon 22:00-00:00").RangesOn(Tuesday).size(), 0u);
}

TEST(ParseWeeklyHours, MergesOverlappingAndTouchingRanges) {
  const WeeklyHours h = Hours("mon 11:00-13:00,08:00-12:00,13:00-14:00; mon 16:00-17:00");
  ASSERT_EQ(h.RangesOn(Monday).size(), 2u);
  EXPECT_EQ(h.RangesOn(Monday)[0], (MinuteRange{8 * 60, 14 * 60}));
  EXPECT_EQ(h.RangesOn(Monday)[1], (MinuteRange{16 * 60, 17 * 60}));
}

TEST(ParseWeeklyHours, RefusesGarbageNamingTheField) {
  const std::string long_text(2'000, 'x');
  const std::vector<std::string_view> garbage = {
      "", "   ", "mon", "daily", "mon 8:00-20:00", "mon 08:00-20:00;", "mon 08:00-08:00", "mon 24:00-02:00",
      "mon 08:60-09:00", "mon 08:00-24:01", "funday 08:00-09:00", "mon-fri08:00-09:00",
      "mon 08:00\xE2\x80\x93" "20:00",  // an en dash
      "mon,,tue 08:00-09:00", "24/7 extra", "mon 08:00-20:00; ;", "mon\t08:00-09:00", "mon- 08:00-09:00",
      "mon-fri-sat 08:00-09:00", "mon 08:00-20:00,", "mon -08:00-09:00", "mon 0a:00-09:00",
      std::string_view(long_text), std::string_view("mon\0 08:00-09:00", 16)};
  for (const std::string_view bad : garbage) {
    const auto h = ParseWeeklyHours(bad, "channels.tty.hours");
    ASSERT_FALSE(h.ok()) << bad;
    EXPECT_EQ(h.error().code, "invalid_request");
    EXPECT_EQ(h.error().field, "channels.tty.hours");
  }
}

TEST(WeeklyHoursAdd, RefusesRangesOutsideTheDayAndChangesNothing) {
  WeeklyHours h;
  for (const auto& [open, close] : {std::pair{-1, 60}, {0, 1441}, {1440, 60}, {300, 300}, {0, -5}}) {
    EXPECT_FALSE(h.Add(Monday, open, close).ok()) << open << "-" << close;
  }
  EXPECT_TRUE(h.IsNeverOpen());
  EXPECT_FALSE(h.Add(std::chrono::weekday{9}, 0, 60).ok());
}

// ---- IsOpen ----

TEST(IsOpen, TtyOpensAtEightAndClosesAtEightPmCentralTime) {
  const OpeningHours tty = InChicago(kTty);
  // Mon 2026-11-16, CST: 08:00 = 14:00Z, 20:00 = 02:00Z on the 17th.
  EXPECT_FALSE(tty.IsOpen(At("2026-11-16T13:59:59Z")));
  EXPECT_TRUE(tty.IsOpen(At("2026-11-16T14:00:00Z")));
  EXPECT_TRUE(tty.IsOpen(At("2026-11-17T01:59:59Z")));
  EXPECT_FALSE(tty.IsOpen(At("2026-11-17T02:00:00Z")));
  // Tue 2026-07-14, CDT: 08:00 = 13:00Z.
  EXPECT_FALSE(tty.IsOpen(At("2026-07-14T12:59:59Z")));
  EXPECT_TRUE(tty.IsOpen(At("2026-07-14T13:00:00Z")));
}

TEST(IsOpen, TtyIsClosedAllSunday) {
  const OpeningHours tty = InChicago(kTty);
  EXPECT_FALSE(tty.IsOpen(At("2026-11-22T18:00:00Z")));  // Sun 12:00 CST
  EXPECT_TRUE(tty.IsOpen(At("2026-11-21T18:00:00Z")));   // Sat 12:00 CST
}

TEST(IsOpen, MainLineIsAlwaysOpenAndNeverChanges) {
  const OpeningHours main_line = InChicago(kMain);
  for (const char* t : {"2026-03-08T08:00:00Z", "2026-11-01T06:30:00Z", "2026-12-25T12:00:00Z", "1970-01-01T00:00:00Z"}) {
    EXPECT_TRUE(main_line.IsOpen(At(t))) << t;
    EXPECT_EQ(main_line.NextChange(At(t)), std::nullopt) << t;
  }
}

TEST(IsOpen, ANeverOpenScheduleNeverChanges) {
  const OpeningHours closed(WeeklyHours{}, Chicago(), {.dates = {MakeDate(2026, 12, 25)}});
  EXPECT_FALSE(closed.IsOpen(At("2026-11-16T15:00:00Z")));
  EXPECT_EQ(closed.NextChange(At("2026-11-16T15:00:00Z")), std::nullopt);
}

// ---- NextChange ----

TEST(NextChange, FindsTheCloseWhileOpenAndTheOpenWhileClosed) {
  const OpeningHours tty = InChicago(kTty);
  EXPECT_EQ(Next(tty, At("2026-11-16T16:00:00Z")), "2026-11-17T02:00:00Z");  // Mon 10:00 → 20:00 CST
  // At the closing instant it is already closed; Sat 20:00 → Mon 08:00 CST.
  EXPECT_EQ(Next(tty, At("2026-11-22T02:00:00Z")), "2026-11-23T14:00:00Z");
  // One second before opening, the change is one second away.
  EXPECT_EQ(Next(tty, At("2026-11-16T13:59:59Z")), "2026-11-16T14:00:00Z");
}

TEST(NextChange, TtyReopensMondayAfterTheFallBackWeekend) {
  // Sat 2026-10-31 20:00 CDT = 11-01 01:00Z; Mon 11-02 08:00 CST = 14:00Z: 37 h, not 36.
  EXPECT_EQ(Next(InChicago(kTty), At("2026-11-01T01:00:00Z")), "2026-11-02T14:00:00Z");
}

TEST(NextChange, TtyReopensMondayAfterTheSpringForwardWeekend) {
  // Sat 2026-03-07 20:00 CST = 03-08 02:00Z; Mon 03-09 08:00 CDT = 13:00Z: 35 h.
  EXPECT_EQ(Next(InChicago(kTty), At("2026-03-08T02:00:00Z")), "2026-03-09T13:00:00Z");
}

TEST(NextChange, ChatOpensAtSevenWallClockOnBothChangeDays) {
  const OpeningHours chat = InChicago(kChat);
  // Sat 03-07 22:00 CST = 03-08 04:00Z → Sun 07:00 CDT = 12:00Z → 22:00 CDT = 03-09 03:00Z.
  EXPECT_EQ(Next(chat, At("2026-03-08T04:00:00Z")), "2026-03-08T12:00:00Z");
  EXPECT_EQ(Next(chat, At("2026-03-08T12:00:00Z")), "2026-03-09T03:00:00Z");
  // Sat 10-31 22:00 CDT = 11-01 03:00Z → Sun 07:00 CST = 13:00Z → 22:00 CST = 11-02 04:00Z.
  EXPECT_EQ(Next(chat, At("2026-11-01T03:00:00Z")), "2026-11-01T13:00:00Z");
  EXPECT_EQ(Next(chat, At("2026-11-01T13:00:00Z")), "2026-11-02T04:00:00Z");
  EXPECT_FALSE(chat.IsOpen(At("2026-11-01T12:59:59Z")));
  EXPECT_TRUE(chat.IsOpen(At("2026-11-01T13:00:00Z")));
}

TEST(NextChange, ARangeStartingInTheSpringGapOpensAtTheJump) {
  // Sun 02:30–04:00. On 2026-03-08 the clock reads 03:00 CDT at 08:00Z, already past 02:30.
  const OpeningHours h = InChicago("sun 02:30-04:00");
  EXPECT_EQ(Next(h, At("2026-03-08T07:00:00Z")), "2026-03-08T08:00:00Z");
  EXPECT_FALSE(h.IsOpen(At("2026-03-08T07:59:59Z")));
  EXPECT_EQ(Next(h, At("2026-03-08T08:00:00Z")), "2026-03-08T09:00:00Z");  // 04:00 CDT
  // A week later there is no gap: 02:30 CDT = 07:30Z.
  EXPECT_EQ(Next(h, At("2026-03-15T07:00:00Z")), "2026-03-15T07:30:00Z");
}

TEST(NextChange, ARangeWhollyInsideTheSpringGapNeverOpensThatDay) {
  // Sun 02:00–03:00 does not exist on 2026-03-08; next Sunday 02:00 CDT = 07:00Z.
  const OpeningHours h = InChicago("sun 02:00-03:00");
  EXPECT_EQ(Next(h, At("2026-03-08T07:00:00Z")), "2026-03-15T07:00:00Z");
}

TEST(NextChange, ARangeInTheRepeatedHourOpensTwice) {
  // Sun 00:00–01:30 on 2026-11-01: 00:00 CDT = 05:00Z, 01:30 CDT = 06:30Z, then the
  // clock falls back to 01:00 CST at 07:00Z (open again) until 01:30 CST = 07:30Z.
  const OpeningHours h = InChicago("sun 00:00-01:30");
  std::vector<std::string> changes;
  Instant t = At("2026-11-01T04:00:00Z");
  for (int i = 0; i < 5; ++i) {
    t = *h.NextChange(t);
    changes.push_back(FormatInstant(t));
  }
  EXPECT_EQ(changes, (std::vector<std::string>{"2026-11-01T05:00:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z",
                                               "2026-11-01T07:30:00Z", "2026-11-08T06:00:00Z"}));
}

TEST(NextChange, ARangePastMidnightDoesNotChangeAtMidnight) {
  // Fri 22:00 CST = Sat 04:00Z; Sat 02:00 CST = 08:00Z.
  const OpeningHours h = InChicago("fri 22:00-02:00");
  EXPECT_EQ(Next(h, At("2026-11-21T04:00:00Z")), "2026-11-21T08:00:00Z");
  EXPECT_TRUE(h.IsOpen(At("2026-11-21T06:00:00Z")));  // Sat 00:00 CST
}

TEST(NextChange, ClosureDatesCloseAroundTheClockLinesForWholeLocalDays) {
  const OpeningHours main_line = InChicago(kMain, {.dates = {MakeDate(2026, 12, 25)}});
  EXPECT_TRUE(main_line.IsOpen(At("2026-12-25T05:59:59Z")));   // Thu 12-24 23:59:59 CST
  EXPECT_FALSE(main_line.IsOpen(At("2026-12-25T06:00:00Z")));  // Fri 12-25 00:00 CST
  EXPECT_EQ(Next(main_line, At("2026-12-24T18:00:00Z")), "2026-12-25T06:00:00Z");
  EXPECT_EQ(Next(main_line, At("2026-12-25T06:00:00Z")), "2026-12-26T06:00:00Z");
  EXPECT_EQ(Next(main_line, At("2026-12-26T06:00:00Z")), "never");  // no closure after it
}

TEST(NextChange, FederalHolidayClosuresRecurAcrossLongGaps) {
  const OpeningHours main_line = InChicago(kMain, {.dates = {}, .federal_holidays = true});
  // Thanksgiving 2026-11-26 00:00 CST = 06:00Z.
  EXPECT_EQ(Next(main_line, At("2026-11-20T12:00:00Z")), "2026-11-26T06:00:00Z");
  // After Washington's Birthday (02-16) the next is Memorial Day 2026-05-25, 00:00 CDT = 05:00Z.
  EXPECT_EQ(Next(main_line, At("2026-02-17T12:00:00Z")), "2026-05-25T05:00:00Z");
  EXPECT_FALSE(main_line.IsOpen(At("2026-07-03T17:00:00Z")));  // Independence Day observed
}

TEST(NextChange, AClosureStartsAtAMidnightThatDoesNotExist) {
  // Havana jumps from 2026-03-07 23:59:59 (−5) to 03-08 01:00 (−4) at 05:00Z, so
  // a closure of 03-08 starts then and ends at 03-09 00:00 (−4) = 04:00Z.
  const OpeningHours h(WeeklyHours::AlwaysOpen(), Zone(date::locate_zone("America/Havana")),
                       {.dates = {MakeDate(2026, 3, 8)}});
  EXPECT_EQ(Next(h, At("2026-03-07T12:00:00Z")), "2026-03-08T05:00:00Z");
  EXPECT_EQ(Next(h, At("2026-03-08T05:00:00Z")), "2026-03-09T04:00:00Z");
}

// Every change NextChange reports is a real flip, and a minute-by-minute scan finds no other.
TEST(NextChange, AgreesWithAMinuteByMinuteScanAcrossBothChangeWeeks) {
  const std::vector<std::string_view> schedules = {kTty, kChat, "sun 02:30-04:00", "sun 00:00-01:30",
                                                   "fri 22:00-02:00; mon-thu 09:00-09:01", "sun 01:00-03:00"};
  const ClosureDays closures{.dates = {MakeDate(2026, 3, 10), MakeDate(2026, 11, 4)}, .federal_holidays = true};
  for (const std::string_view text : schedules) {
    const OpeningHours hours = InChicago(text, closures);
    for (const auto& [from, to] : {std::pair{"2026-03-01T00:00:00Z", "2026-03-16T00:00:00Z"},
                                   std::pair{"2026-10-25T00:00:00Z", "2026-11-09T00:00:00Z"}}) {
      std::set<Instant> reported;
      for (Instant t = At(from); t < At(to);) {
        const auto n = hours.NextChange(t);
        ASSERT_TRUE(n.has_value()) << text;
        ASSERT_GT(*n, t);
        ASSERT_NE(hours.IsOpen(*n), hours.IsOpen(t)) << text << " " << FormatInstant(*n);
        ASSERT_EQ(hours.IsOpen(*n - std::chrono::seconds{1}), hours.IsOpen(t)) << text << " " << FormatInstant(*n);
        reported.insert(*n);
        t = *n;
      }
      for (Instant u = At(from) + std::chrono::minutes{1}; u < At(to); u += std::chrono::minutes{1}) {
        const bool flipped = hours.IsOpen(u) != hours.IsOpen(u - std::chrono::minutes{1});
        ASSERT_EQ(flipped, reported.count(u) == 1) << text << " " << FormatInstant(u);
      }
    }
  }
}

}  // namespace
}  // namespace rxdesk
