#include "domain/zone.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include "domain/test_fixtures.h"

namespace rxdesk {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

using test::At;
using test::Chicago;

seconds Hms(int h, int m, int s) { return hours{h} + minutes{m} + seconds{s}; }

// US daylight saving (15 U.S.C. 260a): from 2:00 standard time on the second Sunday
// of March (2026-03-08, 08:00Z) to 2:00 daylight time on the first Sunday of November
// (2026-11-01, 07:00Z). CST = UTC−6, CDT = UTC−5.

TEST(Zone, KeepsItsName) { EXPECT_EQ(Chicago().name(), "America/Chicago"); }

TEST(Zone, ReadsCentralStandardTimeInWinterAndDaylightTimeInSummer) {
  // 18:00Z − 6 h = 12:00 CST; 18:00Z − 5 h = 13:00 CDT.
  EXPECT_EQ(Chicago().ToLocal(At("2026-01-15T18:00:00Z")), (LocalDateTime{MakeDate(2026, 1, 15), Hms(12, 0, 0)}));
  EXPECT_EQ(Chicago().ToLocal(At("2026-07-15T18:00:00Z")), (LocalDateTime{MakeDate(2026, 7, 15), Hms(13, 0, 0)}));
  EXPECT_EQ(Chicago().OffsetAt(At("2026-01-15T18:00:00Z")), hours{-6});
  EXPECT_EQ(Chicago().OffsetAt(At("2026-07-15T18:00:00Z")), hours{-5});
}

TEST(Zone, SpringsForwardFromOneFiftyNineToThreeOClock) {
  EXPECT_EQ(Chicago().ToLocal(At("2026-03-08T07:59:59Z")), (LocalDateTime{MakeDate(2026, 3, 8), Hms(1, 59, 59)}));
  EXPECT_EQ(Chicago().ToLocal(At("2026-03-08T08:00:00Z")), (LocalDateTime{MakeDate(2026, 3, 8), Hms(3, 0, 0)}));
}

TEST(Zone, FallsBackFromOneFiftyNineDaylightToOneStandard) {
  EXPECT_EQ(Chicago().ToLocal(At("2026-11-01T06:59:59Z")), (LocalDateTime{MakeDate(2026, 11, 1), Hms(1, 59, 59)}));
  EXPECT_EQ(Chicago().ToLocal(At("2026-11-01T07:00:00Z")), (LocalDateTime{MakeDate(2026, 11, 1), Hms(1, 0, 0)}));
}

TEST(Zone, LocalDateTurnsAtLocalMidnightNotAtUtcMidnight) {
  // 2026-11-24T05:59:59Z − 6 h = 23:59:59 on the 23rd; one second later it is the 24th.
  EXPECT_EQ(Chicago().LocalDate(At("2026-11-24T05:59:59Z")), MakeDate(2026, 11, 23));
  EXPECT_EQ(Chicago().LocalTimeOfDay(At("2026-11-24T05:59:59Z")), Hms(23, 59, 59));
  EXPECT_EQ(Chicago().LocalDate(At("2026-11-24T06:00:00Z")), MakeDate(2026, 11, 24));
  EXPECT_EQ(Chicago().LocalTimeOfDay(At("2026-11-24T06:00:00Z")), seconds{0});
  // In summer the local day turns at 05:00Z.
  EXPECT_EQ(Chicago().LocalDate(At("2026-07-15T04:59:59Z")), MakeDate(2026, 7, 14));
  EXPECT_EQ(Chicago().LocalDate(At("2026-07-15T05:00:00Z")), MakeDate(2026, 7, 15));
}

TEST(Zone, LeapDayExistsLocallyIn2028) {
  EXPECT_EQ(Chicago().LocalDate(At("2028-02-29T05:59:59Z")), MakeDate(2028, 2, 28));
  EXPECT_EQ(Chicago().LocalDate(At("2028-02-29T06:00:00Z")), MakeDate(2028, 2, 29));
  EXPECT_EQ(Chicago().LocalDate(At("2028-03-01T05:59:59Z")), MakeDate(2028, 2, 29));
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2028, 2, 29), Hms(23, 59, 59)), At("2028-03-01T05:59:59Z"));
}

TEST(Zone, ConvertsOrdinaryLocalTimesToInstants) {
  // 15:00 CST + 6 h = 21:00Z; 15:00 CDT + 5 h = 20:00Z.
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 11, 23), hours{15}), At("2026-11-23T21:00:00Z"));
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 7, 14), hours{15}), At("2026-07-14T20:00:00Z"));
}

TEST(Zone, MovesTimesInTheSpringGapForwardByTheGap) {
  // 01:59:59 CST exists (07:59:59Z). 02:00–02:59:59 does not: read as CST (+6 h),
  // which lands one hour later on the CDT clock. 03:00 CDT + 5 h = 08:00Z.
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 3, 8), Hms(1, 59, 59)), At("2026-03-08T07:59:59Z"));
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 3, 8), Hms(2, 0, 0)), At("2026-03-08T08:00:00Z"));
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 3, 8), Hms(2, 30, 0)), At("2026-03-08T08:30:00Z"));
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 3, 8), Hms(2, 59, 59)), At("2026-03-08T08:59:59Z"));
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 3, 8), Hms(3, 0, 0)), At("2026-03-08T08:00:00Z"));
  EXPECT_EQ(Chicago().ToLocal(At("2026-03-08T08:30:00Z")).time_of_day, Hms(3, 30, 0));
}

TEST(Zone, TakesTheEarlierInstantForTimesRepeatedAtFallBack) {
  // 01:00–01:59:59 happens twice; the first time is CDT (+5 h).
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 11, 1), Hms(0, 59, 59)), At("2026-11-01T05:59:59Z"));
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 11, 1), Hms(1, 0, 0)), At("2026-11-01T06:00:00Z"));
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 11, 1), Hms(1, 30, 0)), At("2026-11-01T06:30:00Z"));
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 11, 1), Hms(1, 59, 59)), At("2026-11-01T06:59:59Z"));
  // 02:00 exists once, in CST: + 6 h.
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 11, 1), Hms(2, 0, 0)), At("2026-11-01T08:00:00Z"));
}

TEST(Zone, AcceptsTimesOfDayBeyondOneDay) {
  // 2026-11-22 + 25 h = 2026-11-23 01:00 CST = 07:00Z; −1 h = 2026-11-22 23:00 CST = 05:00Z on the 23rd.
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 11, 22), hours{25}), At("2026-11-23T07:00:00Z"));
  EXPECT_EQ(Chicago().ToInstant(MakeDate(2026, 11, 23), hours{-1}), At("2026-11-23T05:00:00Z"));
}

TEST(Zone, RoundTripsEveryInstantExceptTheSecondPassOfTheRepeatedHour) {
  // Fall-back hours in 2026–2028 (zdump): 2026-11-01, 2027-11-07, 2028-11-05, 07:00Z–08:00Z.
  const Instant repeated[] = {At("2026-11-01T07:00:00Z"), At("2027-11-07T07:00:00Z"), At("2028-11-05T07:00:00Z")};
  int checked = 0;
  for (Instant t = At("2026-01-01T00:00:00Z"); t < At("2029-01-01T00:00:00Z"); t += minutes{7} + seconds{13}) {
    const LocalDateTime local = Chicago().ToLocal(t);
    ASSERT_GE(local.time_of_day, seconds{0});
    ASSERT_LT(local.time_of_day, hours{24});
    bool second_pass = false;
    for (const Instant r : repeated) second_pass = second_pass || (t >= r && t < r + hours{1});
    const Instant expected = second_pass ? t - hours{1} : t;
    ASSERT_EQ(Chicago().ToInstant(local.date, local.time_of_day), expected) << FormatInstant(t);
    ++checked;
  }
  EXPECT_GT(checked, 200'000);
}

TEST(Zone, SpanAtBoundsTheStretchOfConstantOffset) {
  const OffsetSpan summer = Chicago().SpanAt(At("2026-07-04T12:00:00Z"));
  EXPECT_EQ(summer.begin, At("2026-03-08T08:00:00Z"));
  EXPECT_EQ(summer.end, At("2026-11-01T07:00:00Z"));
  EXPECT_EQ(summer.offset, hours{-5});
  const OffsetSpan winter = Chicago().SpanAt(At("2026-11-01T07:00:00Z"));
  EXPECT_EQ(winter.begin, At("2026-11-01T07:00:00Z"));
  EXPECT_EQ(winter.end, At("2027-03-14T08:00:00Z"));
}

TEST(Zone, HandlesHalfHourOffsets) {
  const Zone kolkata(date::locate_zone("Asia/Kolkata"));  // IST = UTC+5:30, no DST
  EXPECT_EQ(kolkata.ToLocal(At("2026-01-01T18:30:00Z")), (LocalDateTime{MakeDate(2026, 1, 2), seconds{0}}));
  EXPECT_EQ(kolkata.ToInstant(MakeDate(2026, 1, 2), seconds{0}), At("2026-01-01T18:30:00Z"));
}

TEST(Zone, SurvivesADayThatNeverHappened) {
  // Samoa skipped 2011-12-30: 23:59:59 on the 29th (UTC−10) was followed by
  // 00:00 on the 31st (UTC+14), at 2011-12-30T10:00:00Z (zdump).
  const Zone apia(date::locate_zone("Pacific/Apia"));
  EXPECT_EQ(apia.LocalDate(At("2011-12-30T09:59:59Z")), MakeDate(2011, 12, 29));
  EXPECT_EQ(apia.LocalDate(At("2011-12-30T10:00:00Z")), MakeDate(2011, 12, 31));
  // Noon on the missing day is read at UTC−10: 12:00 + 10 h = 22:00Z, i.e. noon on the 31st.
  EXPECT_EQ(apia.ToInstant(MakeDate(2011, 12, 30), hours{12}), At("2011-12-30T22:00:00Z"));
  EXPECT_EQ(apia.ToLocal(At("2011-12-30T22:00:00Z")), (LocalDateTime{MakeDate(2011, 12, 31), hours{12}}));
}

TEST(Zone, MovesAMissingMidnightForward) {
  // Havana springs forward at midnight: 2026-03-08 00:00 CST(−5) does not exist;
  // read at −5 it is 05:00Z, which is 01:00 CDT (−4).
  const Zone havana(date::locate_zone("America/Havana"));
  EXPECT_EQ(havana.ToInstant(MakeDate(2026, 3, 8), seconds{0}), At("2026-03-08T05:00:00Z"));
  EXPECT_EQ(havana.ToLocal(At("2026-03-08T05:00:00Z")), (LocalDateTime{MakeDate(2026, 3, 8), hours{1}}));
}

TEST(Zone, CopiesShareTheTableAndAgree) {
  const Zone copy = Chicago();
  for (Instant t = At("2026-03-01T00:00:00Z"); t < At("2026-03-15T00:00:00Z"); t += minutes{17}) {
    ASSERT_EQ(copy.ToLocal(t), Chicago().ToLocal(t));
  }
}

}  // namespace
}  // namespace rxdesk
