#include "domain/holidays.h"

#include <cassert>

namespace rxdesk {
namespace {

using std::chrono::Friday;
using std::chrono::Monday;
using std::chrono::Saturday;
using std::chrono::Sunday;
using std::chrono::Thursday;
using std::chrono::weekday;

enum class Rule : std::uint8_t {
  kFixed,        // month/day
  kNthWeekday,   // e.g. the third Monday
  kLastWeekday,  // e.g. the last Monday
};

struct HolidayRule {
  FederalHoliday holiday;
  std::string_view name;
  unsigned month;
  Rule rule;
  unsigned day;      // kFixed
  weekday week_day;  // kNthWeekday, kLastWeekday
  unsigned nth;      // kNthWeekday
  int first_year;    // first year the holiday existed
};

// 5 U.S.C. 6103(a), in date order.
constexpr std::array<HolidayRule, kFederalHolidayCount> kRules = {{
    {FederalHoliday::kNewYearsDay, "New Year's Day", 1, Rule::kFixed, 1, {}, 0, 1},
    {FederalHoliday::kMartinLutherKingJrBirthday, "Birthday of Martin Luther King, Jr.", 1, Rule::kNthWeekday, 0,
     Monday, 3, 1986},  // Pub. L. 98-144, first observed 1986
    {FederalHoliday::kWashingtonsBirthday, "Washington's Birthday", 2, Rule::kNthWeekday, 0, Monday, 3, 1},
    {FederalHoliday::kMemorialDay, "Memorial Day", 5, Rule::kLastWeekday, 0, Monday, 0, 1},
    {FederalHoliday::kJuneteenth, "Juneteenth National Independence Day", 6, Rule::kFixed, 19, {}, 0,
     2021},  // Pub. L. 117-17, signed 2021-06-17
    {FederalHoliday::kIndependenceDay, "Independence Day", 7, Rule::kFixed, 4, {}, 0, 1},
    {FederalHoliday::kLaborDay, "Labor Day", 9, Rule::kNthWeekday, 0, Monday, 1, 1},
    {FederalHoliday::kColumbusDay, "Columbus Day", 10, Rule::kNthWeekday, 0, Monday, 2, 1},
    {FederalHoliday::kVeteransDay, "Veterans Day", 11, Rule::kFixed, 11, {}, 0, 1},
    {FederalHoliday::kThanksgivingDay, "Thanksgiving Day", 11, Rule::kNthWeekday, 0, Thursday, 4, 1},
    {FederalHoliday::kChristmasDay, "Christmas Day", 12, Rule::kFixed, 25, {}, 0, 1},
}};

constexpr const HolidayRule& RuleFor(FederalHoliday holiday) { return kRules[static_cast<std::size_t>(holiday)]; }

static_assert([] {
  for (std::size_t i = 0; i < kRules.size(); ++i) {
    if (static_cast<std::size_t>(kRules[i].holiday) != i) return false;
  }
  return true;
}(), "kRules is indexed by FederalHoliday");

Date ActualDate(const HolidayRule& r, int year) {
  const std::chrono::year y{year};
  const std::chrono::month m{r.month};
  switch (r.rule) {
    case Rule::kFixed:
      return Date{y / m / std::chrono::day{r.day}};
    case Rule::kNthWeekday:
      return Date{y / m / r.week_day[r.nth]};
    case Rule::kLastWeekday:
      return Date{y / m / r.week_day[std::chrono::last]};
  }
  return Date{};
}

// 5 U.S.C. 6103(b); E.O. 11582 §3(a) for the Saturday → Friday move.
Date ObservedDate(Date actual) {
  const weekday wd{actual};
  if (wd == Saturday) return actual - Days{1};
  if (wd == Sunday) return actual + Days{1};
  return actual;
}

}  // namespace

std::string_view HolidayName(FederalHoliday holiday) { return RuleFor(holiday).name; }

FederalHolidayTable FederalHolidaysOf(int year) {
  assert(year >= 1 && year <= 9999);
  FederalHolidayTable table;
  for (const HolidayRule& r : kRules) {
    if (year < r.first_year) continue;
    const Date actual = ActualDate(r, year);
    table.entries_[table.size_++] = HolidayDate{r.holiday, actual, ObservedDate(actual)};
  }
  return table;
}

std::optional<FederalHoliday> ObservedFederalHoliday(Date day) {
  const weekday wd{day};
  if (wd == Saturday || wd == Sunday) return std::nullopt;
  const std::chrono::year_month_day ymd{day};
  const int y = static_cast<int>(ymd.year());
  const unsigned m = static_cast<unsigned>(ymd.month());
  const unsigned d = static_cast<unsigned>(ymd.day());
  // The one observed date outside its holiday's month and year: Saturday New Year's Day.
  if (m == 12 && d == 31 && wd == Friday && y + 1 >= RuleFor(FederalHoliday::kNewYearsDay).first_year) {
    return FederalHoliday::kNewYearsDay;
  }
  for (const HolidayRule& r : kRules) {
    if (r.month != m || y < r.first_year) continue;
    switch (r.rule) {
      case Rule::kFixed:
        // On a weekday itself, or moved from Saturday to Friday / from Sunday to Monday.
        if (d == r.day || (wd == Friday && d + 1 == r.day) || (wd == Monday && d == r.day + 1)) return r.holiday;
        break;
      case Rule::kNthWeekday:
        if (wd == r.week_day && (d - 1) / 7 + 1 == r.nth) return r.holiday;
        break;
      case Rule::kLastWeekday: {
        const unsigned days_in_month = static_cast<unsigned>((ymd.year() / ymd.month() / std::chrono::last).day());
        if (wd == r.week_day && d + 7 > days_in_month) return r.holiday;
        break;
      }
    }
  }
  return std::nullopt;
}

}  // namespace rxdesk
