#include "domain/business_days.h"

#include <algorithm>

#include "domain/holidays.h"

namespace rxdesk {

bool IsBusinessDay(Date day, std::span<const Date> closures) {
  const std::chrono::weekday wd{day};
  if (wd == std::chrono::Saturday || wd == std::chrono::Sunday) return false;
  if (IsFederalHoliday(day)) return false;
  return std::find(closures.begin(), closures.end(), day) == closures.end();
}

Date NextBusinessDay(Date day, std::span<const Date> closures) {
  do {
    day += Days{1};
  } while (!IsBusinessDay(day, closures));
  return day;
}

Date PreviousBusinessDay(Date day, std::span<const Date> closures) {
  do {
    day -= Days{1};
  } while (!IsBusinessDay(day, closures));
  return day;
}

Date AddBusinessDays(Date start, int n, std::span<const Date> closures) {
  Date day = start;
  for (; n > 0; --n) day = NextBusinessDay(day, closures);
  for (; n < 0; ++n) day = PreviousBusinessDay(day, closures);
  return day;
}

}  // namespace rxdesk
