#include "domain/member_number.h"

#include <cstdio>

#include "domain/rx_number.h"

namespace rxdesk {

std::string MemberNumberFromSerial(std::uint32_t serial) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%08u", serial);
  return std::string("M") + digits + static_cast<char>('0' + DammCheckDigit(digits));
}

Result<std::string> ParseMemberNumber(std::string_view text, std::string_view field) {
  std::string digits;
  bool prefix = false;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    if (!prefix && digits.empty() && (c == 'M' || c == 'm')) {
      prefix = true;
      continue;
    }
    if (c < '0' || c > '9' || digits.size() >= 9) {
      return InvalidField(std::string(field), "must be M followed by 9 digits, as on the member card");
    }
    digits.push_back(c);
  }
  if (!prefix || digits.size() != 9) {
    return InvalidField(std::string(field), "must be M followed by 9 digits, as on the member card");
  }
  if (DammCheckDigit(std::string_view(digits).substr(0, 8)) != digits[8] - '0') {
    return InvalidField(std::string(field), "is not a valid member number (check digit); check it for a typo");
  }
  return "M" + digits;
}

}  // namespace rxdesk
