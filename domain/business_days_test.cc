#include "domain/business_days.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

namespace rxdesk {
namespace {

constexpr Date D(int y, unsigned m, unsigned d) { return MakeDate(y, m, d); }

// Observed federal holidays written by hand (see holidays_test.cc for the derivation),
// used as an independent reference for the property tests below.
const std::set<Date>& ObservedHolidays2026To2029() {
  static const std::set<Date> days = {
      D(2026, 1, 1),   D(2026, 1, 19),  D(2026, 2, 16), D(2026, 5, 25),  D(2026, 6, 19),  D(2026, 7, 3),
      D(2026, 9, 7),   D(2026, 10, 12), D(2026, 11, 11), D(2026, 11, 26), D(2026, 12, 25),
      D(2027, 1, 1),   D(2027, 1, 18),  D(2027, 2, 15), D(2027, 5, 31),  D(2027, 6, 18),  D(2027, 7, 5),
      D(2027, 9, 6),   D(2027, 10, 11), D(2027, 11, 11), D(2027, 11, 25), D(2027, 12, 24),
      D(2027, 12, 31),  // New Year's Day 2028 (a Saturday)
      D(2028, 1, 17),  D(2028, 2, 21),  D(2028, 5, 29), D(2028, 6, 19),  D(2028, 7, 4),   D(2028, 9, 4),
      D(2028, 10, 9),  D(2028, 11, 10), D(2028, 11, 23), D(2028, 12, 25),
      D(2029, 1, 1),   D(2029, 1, 15),  D(2029, 2, 19),
  };
  return days;
}

bool ReferenceBusinessDay(Date d, std::span<const Date> closures) {
  const std::chrono::weekday wd{d};
  return wd != std::chrono::Saturday && wd != std::chrono::Sunday && ObservedHolidays2026To2029().count(d) == 0 &&
         std::find(closures.begin(), closures.end(), d) == closures.end();
}

TEST(IsBusinessDay, MondayToFridayAreBusinessDaysAndTheWeekendIsNot) {
  // 2026-11-16 is a Monday.
  for (unsigned day = 16; day <= 20; ++day) EXPECT_TRUE(IsBusinessDay(D(2026, 11, day))) << day;
  EXPECT_FALSE(IsBusinessDay(D(2026, 11, 21)));
  EXPECT_FALSE(IsBusinessDay(D(2026, 11, 22)));
}

TEST(IsBusinessDay, ObservedFederalHolidaysAreNotBusinessDays) {
  EXPECT_FALSE(IsBusinessDay(D(2026, 11, 26)));  // Thanksgiving
  EXPECT_TRUE(IsBusinessDay(D(2026, 11, 27)));   // the Friday after is not a federal holiday
  EXPECT_FALSE(IsBusinessDay(D(2027, 12, 24)));  // Christmas 2027 observed
  EXPECT_FALSE(IsBusinessDay(D(2027, 12, 31)));  // New Year's Day 2028 observed
  EXPECT_FALSE(IsBusinessDay(D(2026, 7, 3)));    // Independence Day 2026 observed
}

TEST(IsBusinessDay, OperatorClosuresAreNotBusinessDaysInAnyOrder) {
  const std::vector<Date> closures = {D(2026, 12, 31), D(2026, 11, 27), D(2026, 11, 27)};
  EXPECT_FALSE(IsBusinessDay(D(2026, 11, 27), closures));
  EXPECT_FALSE(IsBusinessDay(D(2026, 12, 31), closures));
  EXPECT_TRUE(IsBusinessDay(D(2026, 11, 30), closures));
  EXPECT_TRUE(IsBusinessDay(D(2026, 11, 27), {}));
}

TEST(NextBusinessDay, SkipsTheWeekendHolidaysAndClosures) {
  EXPECT_EQ(NextBusinessDay(D(2026, 11, 20)), D(2026, 11, 23));  // Fri → Mon
  EXPECT_EQ(NextBusinessDay(D(2026, 11, 21)), D(2026, 11, 23));  // Sat → Mon
  EXPECT_EQ(NextBusinessDay(D(2026, 11, 17)), D(2026, 11, 18));  // Tue → Wed
  EXPECT_EQ(NextBusinessDay(D(2026, 11, 25)), D(2026, 11, 27));  // Wed → Fri over Thanksgiving
  EXPECT_EQ(NextBusinessDay(D(2027, 12, 23)), D(2027, 12, 27));  // Thu → Mon over Christmas observed Fri
  EXPECT_EQ(NextBusinessDay(D(2027, 12, 30)), D(2028, 1, 3));    // Thu → Mon over New Year's observed Fri
  const std::vector<Date> closures = {D(2026, 11, 27)};
  EXPECT_EQ(NextBusinessDay(D(2026, 11, 25), closures), D(2026, 11, 30));
}

TEST(NextBusinessDay, StepsOntoTheLeapDay) {
  EXPECT_EQ(NextBusinessDay(D(2028, 2, 28)), D(2028, 2, 29));  // Mon → Tue 29th
  EXPECT_EQ(NextBusinessDay(D(2028, 2, 29)), D(2028, 3, 1));
  EXPECT_EQ(NextBusinessDay(D(2027, 2, 26)), D(2027, 3, 1));   // Fri → Mon; 2027 has no 29th
}

TEST(PreviousBusinessDay, SkipsBackOverWeekendsAndHolidays) {
  EXPECT_EQ(PreviousBusinessDay(D(2026, 11, 23)), D(2026, 11, 20));  // Mon → Fri
  EXPECT_EQ(PreviousBusinessDay(D(2026, 9, 8)), D(2026, 9, 4));      // Tue → Fri before Labor Day
  EXPECT_EQ(PreviousBusinessDay(D(2028, 1, 3)), D(2027, 12, 30));    // Mon → Thu over 12-31 observed
}

TEST(AddBusinessDays, ZeroIsTheStartEvenOnAWeekend) {
  EXPECT_EQ(AddBusinessDays(D(2026, 11, 21), 0), D(2026, 11, 21));
  EXPECT_EQ(AddBusinessDays(D(2026, 11, 23), 0), D(2026, 11, 23));
}

TEST(AddBusinessDays, ExpeditedFromAMondayIsThursdayToMonday) {
  // PRODUCT.md §4: Mon 2026-11-16 is day 0; Tue 1, Wed 2, Thu 3, Fri 4, Mon 11-23 is 5.
  EXPECT_EQ(AddBusinessDays(D(2026, 11, 16), 3), D(2026, 11, 19));
  EXPECT_EQ(AddBusinessDays(D(2026, 11, 16), 5), D(2026, 11, 23));
}

TEST(AddBusinessDays, CountsBackwardsForNegativeN) {
  EXPECT_EQ(AddBusinessDays(D(2026, 11, 23), -1), D(2026, 11, 20));
  EXPECT_EQ(AddBusinessDays(D(2026, 11, 23), -5), D(2026, 11, 16));
  // Mon 11-30 back over Fri 27 (1), Wed 25 (2), skipping Thanksgiving.
  EXPECT_EQ(AddBusinessDays(D(2026, 11, 30), -2), D(2026, 11, 25));
}

TEST(AddBusinessDays, LandsOnBusinessDaysCountedOneByOneAndGrowsWithN) {
  const std::vector<Date> closures = {D(2026, 11, 27), D(2027, 3, 3), D(2028, 12, 26)};
  for (Date start = D(2026, 1, 1); start <= D(2028, 12, 31); start += Days{1}) {
    Date previous = start;
    for (int n = 1; n <= 25; ++n) {
      const Date result = AddBusinessDays(start, n, closures);
      ASSERT_TRUE(ReferenceBusinessDay(result, closures)) << FormatDate(start) << " +" << n;
      ASSERT_GT(result, previous) << FormatDate(start) << " +" << n;
      int counted = 0;
      for (Date d = start + Days{1}; d <= result; d += Days{1}) counted += ReferenceBusinessDay(d, closures) ? 1 : 0;
      ASSERT_EQ(counted, n) << FormatDate(start) << " +" << n;
      previous = result;
    }
  }
}

TEST(AddBusinessDays, GoingBackUndoesGoingForwardFromABusinessDay) {
  for (Date start = D(2026, 1, 1); start <= D(2028, 12, 31); start += Days{1}) {
    if (!IsBusinessDay(start)) continue;
    for (int n = 1; n <= 15; ++n) ASSERT_EQ(AddBusinessDays(AddBusinessDays(start, n), -n), start);
  }
}

}  // namespace
}  // namespace rxdesk
