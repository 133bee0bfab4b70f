// Business days (PRODUCT.md §4): Monday–Friday, excluding the observed dates of
// US federal holidays (domain/holidays.h) and any closure dates the operator
// declares (config, e.g. a weather closure). Dates are civil dates in the
// operator's zone; use Zone::LocalDate to get "today".
//
//   const Date ship = NextBusinessDay(MakeDate(2026, 11, 25));   // Fri 11-27: Thu is Thanksgiving
//   const Date eta = AddBusinessDays(ship, 3, policy.closures);  // Wed 12-02
//
// `closures` is borrowed, in any order, duplicates allowed; it is scanned
// linearly, which beats a search for the handful of dates an operator declares.
#pragma once

#include <span>

#include "domain/time.h"

namespace rxdesk {

// True for a Monday–Friday that is neither an observed federal holiday nor in `closures`.
bool IsBusinessDay(Date day, std::span<const Date> closures = {});

// The first business day strictly after `day`.
Date NextBusinessDay(Date day, std::span<const Date> closures = {});

// The last business day strictly before `day`.
Date PreviousBusinessDay(Date day, std::span<const Date> closures = {});

// The n-th business day after `start` (before it when n < 0); `start` itself is
// day 0 and need not be a business day. AddBusinessDays(d, 0) == d.
Date AddBusinessDays(Date start, int n, std::span<const Date> closures = {});

}  // namespace rxdesk
