#include "domain/money.h"

namespace rxdesk {

std::string FormatDollars(Cents amount) {
  std::int64_t v = amount.value();
  const bool negative = v < 0;
  if (negative) v = -v;
  std::string whole = std::to_string(v / 100);
  for (int i = static_cast<int>(whole.size()) - 3; i > 0; i -= 3) whole.insert(static_cast<std::size_t>(i), ",");
  const std::int64_t frac = v % 100;
  return std::string(negative ? "-$" : "$") + whole + "." + (frac < 10 ? "0" : "") + std::to_string(frac);
}

}  // namespace rxdesk
