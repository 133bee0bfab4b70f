// US federal holidays (5 U.S.C. 6103), which are not business days
// (PRODUCT.md §4).
//
//   if (IsFederalHoliday(day)) ...                      // observed dates, no allocation
//   for (const HolidayDate& h : FederalHolidaysOf(2027))
//     Print(HolidayName(h.holiday), h.actual, h.observed);   // Christmas: 12-25 → 12-24
//
// Observed dates follow 5 U.S.C. 6103(b) and Executive Order 11582: a holiday
// on a Saturday is observed the Friday before, one on a Sunday the Monday after.
// New Year's Day on a Saturday is therefore observed on December 31 of the
// previous year. The rules are today's law applied to every year, except that
// Martin Luther King Jr.'s Birthday exists from 1986 (Pub. L. 98-144) and
// Juneteenth from 2021 (Pub. L. 117-17); the pre-1978 Veterans Day and pre-1971
// fixed-date Mondays are not modelled. Inauguration Day (DC area only) is not
// a nationwide holiday and is left out.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/time.h"

namespace rxdesk {

enum class FederalHoliday : std::uint8_t {
  kNewYearsDay,
  kMartinLutherKingJrBirthday,
  kWashingtonsBirthday,
  kMemorialDay,
  kJuneteenth,
  kIndependenceDay,
  kLaborDay,
  kColumbusDay,
  kVeteransDay,
  kThanksgivingDay,
  kChristmasDay,
};

inline constexpr std::size_t kFederalHolidayCount = 11;

// The name 5 U.S.C. 6103(a) gives it, e.g. "Washington's Birthday".
std::string_view HolidayName(FederalHoliday holiday);

// One holiday of one year: the day the statute names and the weekday it is observed on.
struct HolidayDate {
  FederalHoliday holiday{};
  Date actual;
  Date observed;

  bool operator==(const HolidayDate&) const = default;
};

// The holidays of a calendar year in date order, without allocating.
class FederalHolidayTable {
 public:
  const HolidayDate* begin() const { return entries_.data(); }
  const HolidayDate* end() const { return entries_.data() + size_; }
  std::size_t size() const { return size_; }
  const HolidayDate& operator[](std::size_t i) const { return entries_[i]; }

 private:
  friend FederalHolidayTable FederalHolidaysOf(int year);
  std::array<HolidayDate, kFederalHolidayCount> entries_{};
  std::size_t size_ = 0;
};

// The holidays whose *actual* date falls in `year` (so New Year's Day 2028 is
// listed under 2028 even though it is observed on 2027-12-31). Requires 1 ≤ year ≤ 9999.
FederalHolidayTable FederalHolidaysOf(int year);

// The holiday observed on `day`, if any. Never a Saturday or Sunday.
std::optional<FederalHoliday> ObservedFederalHoliday(Date day);

// True when `day` is the observed date of a federal holiday. Allocation-free.
inline bool IsFederalHoliday(Date day) { return ObservedFederalHoliday(day).has_value(); }

}  // namespace rxdesk
