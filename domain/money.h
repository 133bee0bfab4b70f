// Money as integer cents. Never a double for an amount.
//
//   Cents copay = Cents::FromDollars(14, 95);   // $14.95
//   Cents share = PercentOf(cost, 25);           // 25%, half up to the cent
#pragma once

#include <compare>
#include <cstdint>
#include <string>

namespace rxdesk {

class Cents {
 public:
  constexpr Cents() = default;
  constexpr explicit Cents(std::int64_t cents) : value_(cents) {}
  static constexpr Cents FromDollars(std::int64_t dollars, std::int64_t cents = 0) {
    return Cents(dollars * 100 + cents);
  }

  constexpr std::int64_t value() const { return value_; }

  constexpr Cents operator+(Cents o) const { return Cents(value_ + o.value_); }
  constexpr Cents operator-(Cents o) const { return Cents(value_ - o.value_); }
  constexpr Cents operator-() const { return Cents(-value_); }
  constexpr Cents& operator+=(Cents o) { value_ += o.value_; return *this; }
  constexpr Cents& operator-=(Cents o) { value_ -= o.value_; return *this; }
  constexpr Cents operator*(std::int64_t n) const { return Cents(value_ * n); }
  constexpr auto operator<=>(const Cents&) const = default;

 private:
  std::int64_t value_ = 0;
};

constexpr Cents Min(Cents a, Cents b) { return a < b ? a : b; }
constexpr Cents Max(Cents a, Cents b) { return a < b ? b : a; }

// amount × numerator / denominator, rounded half up (away from zero) to the cent.
// Requires denominator > 0.
constexpr Cents MulDivHalfUp(Cents amount, std::int64_t numerator, std::int64_t denominator) {
  const std::int64_t p = amount.value() * numerator;
  const std::int64_t q = p / denominator;
  const std::int64_t r = p % denominator;
  const std::int64_t twice = 2 * (r < 0 ? -r : r);
  if (twice >= denominator) return Cents(p < 0 ? q - 1 : q + 1);
  return Cents(q);
}

// `percent`% of amount (basis points allowed via MulDivHalfUp), half up to the cent.
constexpr Cents PercentOf(Cents amount, std::int64_t percent) {
  return MulDivHalfUp(amount, percent, 100);
}

// "$1,234.56" / "-$5.00": for documents and prompts.
std::string FormatDollars(Cents amount);

}  // namespace rxdesk
