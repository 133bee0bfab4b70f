#include "store/db.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace rxdesk {
namespace {

// Truncates toward zero like a C cast, but saturates instead of invoking
// undefined behaviour for NaN and values outside the int64 range.
std::int64_t TruncateToInt(double d) {
  if (std::isnan(d)) return 0;
  constexpr double kTwoTo63 = 9223372036854775808.0;  // 2^63, exactly representable
  if (d >= kTwoTo63) return std::numeric_limits<std::int64_t>::max();
  if (d < -kTwoTo63) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(d);
}

// Whole-string parse; nullopt-like false when `text` is not entirely a number.
bool ParseWholeInt(const std::string& text, std::int64_t& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

bool ParseWholeReal(const std::string& text, double& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

const std::string& EmptyString() {
  static const std::string kEmpty;
  return kEmpty;
}

}  // namespace

std::int64_t Value::AsInt() const {
  if (const auto* i = std::get_if<std::int64_t>(&v_)) return *i;
  if (const auto* d = std::get_if<double>(&v_)) return TruncateToInt(*d);
  if (const auto* s = std::get_if<std::string>(&v_)) {
    std::int64_t i = 0;
    if (ParseWholeInt(*s, i)) return i;
    double d = 0;
    if (ParseWholeReal(*s, d)) return TruncateToInt(d);  // "12.5", "1e3" (e.g. a numeric column as text)
  }
  return 0;
}

double Value::AsReal() const {
  if (const auto* d = std::get_if<double>(&v_)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v_)) return static_cast<double>(*i);
  if (const auto* s = std::get_if<std::string>(&v_)) {
    double d = 0;
    if (ParseWholeReal(*s, d)) return d;
  }
  return 0.0;
}

const std::string& Value::AsText() const {
  if (const auto* s = std::get_if<std::string>(&v_)) return *s;
  if (const auto* b = std::get_if<Blob>(&v_)) return b->bytes;
  return EmptyString();
}

}  // namespace rxdesk
