// Dates and instants.
//
// A Date is a civil day (no time zone): `YYYY-MM-DD` in the API.
// An Instant is a point in time with second precision, UTC: RFC 3339 in the API.
// Which civil day an Instant falls on depends on the operator's time zone:
// see domain/zone.h.
//
//   RXD_ASSIGN_OR_RETURN(Date written, ParseDate(body_text, "written_date"));
//   Date due = written + std::chrono::days{365};
//   std::string s = FormatDate(due);   // "2027-01-05"
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace rxdesk {

using Date = std::chrono::sys_days;
using Instant = std::chrono::sys_seconds;
using Days = std::chrono::days;

// Builds a Date from numbers; requires a valid calendar date.
constexpr Date MakeDate(int year, unsigned month, unsigned day) {
  return Date{std::chrono::year{year} / std::chrono::month{month} / std::chrono::day{day}};
}

// Parses strict `YYYY-MM-DD` (years 1900–9999) that names a real calendar day.
// Refusal: invalid_request naming `field`.
Result<Date> ParseDate(std::string_view text, std::string_view field = "date");

std::string FormatDate(Date date);

// Parses RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` ('t'/'z' and a
// space for 'T' accepted). Fractions are truncated to the second.
// Refusal: invalid_request naming `field`.
Result<Instant> ParseInstant(std::string_view text, std::string_view field = "at");

// `YYYY-MM-DDTHH:MM:SSZ`.
std::string FormatInstant(Instant instant);

// Whole days from `from` to `to` (negative when `to` is earlier).
constexpr int DaysBetween(Date from, Date to) { return static_cast<int>((to - from).count()); }

}  // namespace rxdesk
