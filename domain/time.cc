#include "domain/time.h"

#include <cstdio>

namespace rxdesk {
namespace {

bool ReadDigits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Parses `YYYY-MM-DD` at the start of s; true when it names a real day.
bool ReadDate(std::string_view s, Date& out) {
  int y = 0, m = 0, d = 0;
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  if (!ReadDigits(s, 0, 4, y) || !ReadDigits(s, 5, 2, m) || !ReadDigits(s, 8, 2, d)) return false;
  if (y < 1900) return false;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return false;
  out = Date{ymd};
  return true;
}

}  // namespace

Result<Date> ParseDate(std::string_view text, std::string_view field) {
  Date date;
  if (text.size() != 10 || !ReadDate(text, date)) {
    return InvalidField(std::string(field), "must be a date written YYYY-MM-DD");
  }
  return date;
}

std::string FormatDate(Date date) {
  const std::chrono::year_month_day ymd{date};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Result<Instant> ParseInstant(std::string_view text, std::string_view field) {
  const auto bad = [&] {
    return InvalidField(std::string(field), "must be an RFC 3339 instant such as 2026-11-23T15:04:05Z");
  };
  Date date;
  if (text.size() < 20 || !ReadDate(text, date)) return bad();
  const char t = text[10];
  if (t != 'T' && t != 't' && t != ' ') return bad();
  int hh = 0, mm = 0, ss = 0;
  if (!ReadDigits(text, 11, 2, hh) || text[13] != ':' || !ReadDigits(text, 14, 2, mm) || text[16] != ':' ||
      !ReadDigits(text, 17, 2, ss)) {
    return bad();
  }
  if (hh > 23 || mm > 59 || ss > 60) return bad();
  if (ss == 60) ss = 59;  // a leap second is clamped: instants have second precision
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return bad();
  }
  if (pos >= text.size()) return bad();
  int offset_minutes = 0;
  const char z = text[pos];
  if (z == 'Z' || z == 'z') {
    ++pos;
  } else if (z == '+' || z == '-') {
    int oh = 0, om = 0;
    if (!ReadDigits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !ReadDigits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return bad();
    }
    offset_minutes = (oh * 60 + om) * (z == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();
  return Instant{date} + std::chrono::hours{hh} + std::chrono::minutes{mm} + std::chrono::seconds{ss} -
         std::chrono::minutes{offset_minutes};
}

std::string FormatInstant(Instant instant) {
  const Date date = std::chrono::floor<Days>(instant);
  const auto secs = (instant - date).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%sT%02lld:%02lld:%02lldZ", FormatDate(date).c_str(),
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return buf;
}

}  // namespace rxdesk
