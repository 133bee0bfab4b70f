#include "domain/holidays.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <vector>

namespace rxdesk {
namespace {

using H = FederalHoliday;

struct Expected {
  H holiday;
  Date actual;
  Date observed;
};

constexpr Date D(int y, unsigned m, unsigned d) { return MakeDate(y, m, d); }

// Written by hand from the statute and a calendar (weekday of each date checked
// with GNU date); weekend dates move to the Friday before / Monday after.
const std::vector<Expected>& Table2025To2030() {
  static const std::vector<Expected> table = {
      // 2025
      {H::kNewYearsDay, D(2025, 1, 1), D(2025, 1, 1)},  // Wed
      {H::kMartinLutherKingJrBirthday, D(2025, 1, 20), D(2025, 1, 20)},  // Mondays 6, 13, 20
      {H::kWashingtonsBirthday, D(2025, 2, 17), D(2025, 2, 17)},  // 3, 10, 17
      {H::kMemorialDay, D(2025, 5, 26), D(2025, 5, 26)},  // May 31 is a Saturday
      {H::kJuneteenth, D(2025, 6, 19), D(2025, 6, 19)},  // Thu
      {H::kIndependenceDay, D(2025, 7, 4), D(2025, 7, 4)},  // Fri
      {H::kLaborDay, D(2025, 9, 1), D(2025, 9, 1)},
      {H::kColumbusDay, D(2025, 10, 13), D(2025, 10, 13)},  // 6, 13
      {H::kVeteransDay, D(2025, 11, 11), D(2025, 11, 11)},  // Tue
      {H::kThanksgivingDay, D(2025, 11, 27), D(2025, 11, 27)},  // Thursdays 6, 13, 20, 27
      {H::kChristmasDay, D(2025, 12, 25), D(2025, 12, 25)},  // Thu
      // 2026
      {H::kNewYearsDay, D(2026, 1, 1), D(2026, 1, 1)},  // Thu
      {H::kMartinLutherKingJrBirthday, D(2026, 1, 19), D(2026, 1, 19)},
      {H::kWashingtonsBirthday, D(2026, 2, 16), D(2026, 2, 16)},
      {H::kMemorialDay, D(2026, 5, 25), D(2026, 5, 25)},  // May 31 is a Sunday
      {H::kJuneteenth, D(2026, 6, 19), D(2026, 6, 19)},  // Fri
      {H::kIndependenceDay, D(2026, 7, 4), D(2026, 7, 3)},  // Sat → Fri
      {H::kLaborDay, D(2026, 9, 7), D(2026, 9, 7)},
      {H::kColumbusDay, D(2026, 10, 12), D(2026, 10, 12)},
      {H::kVeteransDay, D(2026, 11, 11), D(2026, 11, 11)},  // Wed
      {H::kThanksgivingDay, D(2026, 11, 26), D(2026, 11, 26)},
      {H::kChristmasDay, D(2026, 12, 25), D(2026, 12, 25)},  // Fri
      // 2027
      {H::kNewYearsDay, D(2027, 1, 1), D(2027, 1, 1)},  // Fri
      {H::kMartinLutherKingJrBirthday, D(2027, 1, 18), D(2027, 1, 18)},
      {H::kWashingtonsBirthday, D(2027, 2, 15), D(2027, 2, 15)},
      {H::kMemorialDay, D(2027, 5, 31), D(2027, 5, 31)},  // May 31 is itself a Monday
      {H::kJuneteenth, D(2027, 6, 19), D(2027, 6, 18)},  // Sat → Fri
      {H::kIndependenceDay, D(2027, 7, 4), D(2027, 7, 5)},  // Sun → Mon
      {H::kLaborDay, D(2027, 9, 6), D(2027, 9, 6)},
      {H::kColumbusDay, D(2027, 10, 11), D(2027, 10, 11)},
      {H::kVeteransDay, D(2027, 11, 11), D(2027, 11, 11)},  // Thu
      {H::kThanksgivingDay, D(2027, 11, 25), D(2027, 11, 25)},
      {H::kChristmasDay, D(2027, 12, 25), D(2027, 12, 24)},  // Sat → Fri
      // 2028 (leap year)
      {H::kNewYearsDay, D(2028, 1, 1), D(2027, 12, 31)},  // Sat → Fri of the previous year
      {H::kMartinLutherKingJrBirthday, D(2028, 1, 17), D(2028, 1, 17)},
      {H::kWashingtonsBirthday, D(2028, 2, 21), D(2028, 2, 21)},  // Mondays 7, 14, 21
      {H::kMemorialDay, D(2028, 5, 29), D(2028, 5, 29)},
      {H::kJuneteenth, D(2028, 6, 19), D(2028, 6, 19)},  // Mon
      {H::kIndependenceDay, D(2028, 7, 4), D(2028, 7, 4)},  // Tue
      {H::kLaborDay, D(2028, 9, 4), D(2028, 9, 4)},
      {H::kColumbusDay, D(2028, 10, 9), D(2028, 10, 9)},
      {H::kVeteransDay, D(2028, 11, 11), D(2028, 11, 10)},  // Sat → Fri
      {H::kThanksgivingDay, D(2028, 11, 23), D(2028, 11, 23)},
      {H::kChristmasDay, D(2028, 12, 25), D(2028, 12, 25)},  // Mon
      // 2029
      {H::kNewYearsDay, D(2029, 1, 1), D(2029, 1, 1)},  // Mon
      {H::kMartinLutherKingJrBirthday, D(2029, 1, 15), D(2029, 1, 15)},  // 1, 8, 15
      {H::kWashingtonsBirthday, D(2029, 2, 19), D(2029, 2, 19)},
      {H::kMemorialDay, D(2029, 5, 28), D(2029, 5, 28)},
      {H::kJuneteenth, D(2029, 6, 19), D(2029, 6, 19)},
      {H::kIndependenceDay, D(2029, 7, 4), D(2029, 7, 4)},
      {H::kLaborDay, D(2029, 9, 3), D(2029, 9, 3)},
      {H::kColumbusDay, D(2029, 10, 8), D(2029, 10, 8)},
      {H::kVeteransDay, D(2029, 11, 11), D(2029, 11, 12)},  // Sun → Mon
      {H::kThanksgivingDay, D(2029, 11, 22), D(2029, 11, 22)},  // 1, 8, 15, 22
      {H::kChristmasDay, D(2029, 12, 25), D(2029, 12, 25)},
      // 2030
      {H::kNewYearsDay, D(2030, 1, 1), D(2030, 1, 1)},
      {H::kMartinLutherKingJrBirthday, D(2030, 1, 21), D(2030, 1, 21)},  // 7, 14, 21
      {H::kWashingtonsBirthday, D(2030, 2, 18), D(2030, 2, 18)},
      {H::kMemorialDay, D(2030, 5, 27), D(2030, 5, 27)},
      {H::kJuneteenth, D(2030, 6, 19), D(2030, 6, 19)},
      {H::kIndependenceDay, D(2030, 7, 4), D(2030, 7, 4)},
      {H::kLaborDay, D(2030, 9, 2), D(2030, 9, 2)},
      {H::kColumbusDay, D(2030, 10, 14), D(2030, 10, 14)},  // 7, 14
      {H::kVeteransDay, D(2030, 11, 11), D(2030, 11, 11)},
      {H::kThanksgivingDay, D(2030, 11, 28), D(2030, 11, 28)},  // 7, 14, 21, 28
      {H::kChristmasDay, D(2030, 12, 25), D(2030, 12, 25)},
  };
  return table;
}

TEST(FederalHolidaysOf, ListsEveryHolidayOf2025To2030AsWrittenByHand) {
  std::size_t row = 0;
  for (int year = 2025; year <= 2030; ++year) {
    const FederalHolidayTable table = FederalHolidaysOf(year);
    ASSERT_EQ(table.size(), 11u) << year;
    for (const HolidayDate& h : table) {
      const Expected& e = Table2025To2030()[row++];
      EXPECT_EQ(h.holiday, e.holiday) << year << " " << HolidayName(e.holiday);
      EXPECT_EQ(FormatDate(h.actual), FormatDate(e.actual)) << HolidayName(e.holiday);
      EXPECT_EQ(FormatDate(h.observed), FormatDate(e.observed)) << HolidayName(e.holiday);
    }
  }
  EXPECT_EQ(row, Table2025To2030().size());
}

TEST(IsFederalHoliday, IsTrueExactlyOnTheObservedDatesOf2025To2030) {
  std::set<Date> observed;
  for (const Expected& e : Table2025To2030()) observed.insert(e.observed);
  ASSERT_EQ(observed.size(), 66u);
  int holidays = 0;
  for (Date d = D(2024, 12, 31); d <= D(2030, 12, 31); d += Days{1}) {
    EXPECT_EQ(IsFederalHoliday(d), observed.count(d) == 1) << FormatDate(d);
    holidays += IsFederalHoliday(d) ? 1 : 0;
  }
  EXPECT_EQ(holidays, 66);
}

TEST(IsFederalHoliday, NamesTheHolidayObservedOnADay) {
  EXPECT_EQ(ObservedFederalHoliday(D(2027, 12, 24)), H::kChristmasDay);
  EXPECT_EQ(ObservedFederalHoliday(D(2027, 12, 31)), H::kNewYearsDay);
  EXPECT_EQ(ObservedFederalHoliday(D(2026, 7, 3)), H::kIndependenceDay);
  EXPECT_EQ(ObservedFederalHoliday(D(2026, 11, 27)), std::nullopt);  // Friday after Thanksgiving: not federal
}

TEST(IsFederalHoliday, NeverOnTheWeekendDayTheStatuteNames) {
  EXPECT_FALSE(IsFederalHoliday(D(2027, 12, 25)));  // Sat; observed Fri 12-24
  EXPECT_FALSE(IsFederalHoliday(D(2028, 1, 1)));    // Sat; observed Fri 2027-12-31
  EXPECT_FALSE(IsFederalHoliday(D(2026, 7, 4)));    // Sat; observed Fri 07-03
  EXPECT_FALSE(IsFederalHoliday(D(2027, 7, 4)));    // Sun; observed Mon 07-05
}

TEST(IsFederalHoliday, NewYearsDayOnASaturdayIsObservedOnDecemberThirtyFirst) {
  // 2022-01-01 and 2033-01-01 are Saturdays too: observed 2021-12-31 and 2032-12-31 (Fridays).
  for (const Date friday : {D(2021, 12, 31), D(2027, 12, 31), D(2032, 12, 31)}) {
    EXPECT_EQ(ObservedFederalHoliday(friday), H::kNewYearsDay) << FormatDate(friday);
  }
  // December 31 on any other weekday is an ordinary day.
  EXPECT_FALSE(IsFederalHoliday(D(2026, 12, 31)));  // Thu
  EXPECT_FALSE(IsFederalHoliday(D(2029, 12, 31)));  // Mon
}

TEST(IsFederalHoliday, NewYearsDayOnASundayIsObservedOnJanuarySecond) {
  EXPECT_EQ(ObservedFederalHoliday(D(2023, 1, 2)), H::kNewYearsDay);  // 2023-01-01 was a Sunday
  EXPECT_EQ(ObservedFederalHoliday(D(2034, 1, 2)), H::kNewYearsDay);  // 2034-01-01 is a Sunday
}

TEST(Juneteenth, IsAHolidayFrom2021AndNotBefore) {
  EXPECT_FALSE(IsFederalHoliday(D(2020, 6, 19)));  // a Friday, before Pub. L. 117-17
  EXPECT_TRUE(IsFederalHoliday(D(2021, 6, 18)));   // 2021-06-19 was a Saturday
  EXPECT_FALSE(IsFederalHoliday(D(2021, 6, 21)));
  EXPECT_EQ(FederalHolidaysOf(2020).size(), 10u);
  EXPECT_EQ(FederalHolidaysOf(2021).size(), 11u);
  for (const HolidayDate& h : FederalHolidaysOf(2020)) EXPECT_NE(h.holiday, H::kJuneteenth);
}

TEST(MartinLutherKingJrBirthday, IsAHolidayFrom1986) {
  EXPECT_FALSE(IsFederalHoliday(D(1985, 1, 21)));  // third Monday of 1985: Mondays 7, 14, 21
  EXPECT_TRUE(IsFederalHoliday(D(1986, 1, 20)));   // Mondays 6, 13, 20
  EXPECT_EQ(FederalHolidaysOf(1985).size(), 9u);
}

TEST(FederalHolidaysOf, ComesInDateOrderWithObservedDatesOnWeekdays) {
  for (int year = 1990; year <= 2100; ++year) {
    const FederalHolidayTable table = FederalHolidaysOf(year);
    for (std::size_t i = 0; i < table.size(); ++i) {
      const std::chrono::weekday wd{table[i].observed};
      ASSERT_TRUE(wd != std::chrono::Saturday && wd != std::chrono::Sunday) << FormatDate(table[i].observed);
      ASSERT_LE(std::abs(DaysBetween(table[i].actual, table[i].observed)), 1);
      ASSERT_EQ(ObservedFederalHoliday(table[i].observed), table[i].holiday);
      if (i > 0) {
        ASSERT_LT(table[i - 1].actual, table[i].actual);
      }
    }
  }
}

TEST(FederalHolidaysOf, CountsElevenObservedDaysInEveryWindowOfAYear) {
  // Each holiday is observed once per holiday year; New Year's Day may be observed
  // in the previous calendar year, so count over the holidays' own years.
  for (int year = 2021; year <= 2200; ++year) {
    int count = 0;
    for (Date d = D(year, 1, 1) - Days{1}; d <= D(year, 12, 31); d += Days{1}) {
      if (const auto h = ObservedFederalHoliday(d)) {
        const bool belongs = std::chrono::year_month_day{d}.year() == std::chrono::year{year}
                                 ? !(d == D(year, 12, 31) && *h == H::kNewYearsDay)
                                 : *h == H::kNewYearsDay;
        count += belongs ? 1 : 0;
      }
    }
    ASSERT_EQ(count, 11) << year;
  }
}

TEST(HolidayName, UsesTheStatutoryNames) {
  EXPECT_EQ(HolidayName(H::kNewYearsDay), "New Year's Day");
  EXPECT_EQ(HolidayName(H::kMartinLutherKingJrBirthday), "Birthday of Martin Luther King, Jr.");
  EXPECT_EQ(HolidayName(H::kJuneteenth), "Juneteenth National Independence Day");
  EXPECT_EQ(HolidayName(H::kChristmasDay), "Christmas Day");
}

}  // namespace
}  // namespace rxdesk
