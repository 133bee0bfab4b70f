#include "domain/rx_number.h"

#include <array>
#include <cassert>

namespace rxdesk {
namespace {

// Damm (2004): a weakly totally anti-symmetric quasigroup of order 10, the table
// from his thesis. Chaining digits through it and appending the digit that
// brings the chain back to 0 catches every single-digit substitution (each row
// and column is a permutation) and every adjacent transposition (weak total
// anti-symmetry: (c*x)*y == (c*y)*x implies x == y).
constexpr std::array<std::array<std::uint8_t, 10>, 10> kDamm{{
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2},
    {7, 0, 9, 2, 1, 5, 4, 8, 6, 3},
    {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6},
    {6, 1, 2, 3, 0, 4, 5, 9, 7, 8},
    {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4},
    {8, 9, 4, 5, 3, 6, 2, 0, 1, 7},
    {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
}};

constexpr std::size_t kSerialDigits = 7;
constexpr std::uint32_t kSerialLimit = 10'000'000;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

int DammCheckDigit(std::string_view digits) {
  std::uint8_t interim = 0;
  for (char c : digits) {
    if (!IsDigit(c)) return -1;
    interim = kDamm[interim][static_cast<std::size_t>(c - '0')];
  }
  return interim;
}

Result<RxNumber> RxNumber::Parse(std::string_view text, std::string_view field) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);

  // "12345671" or "1234567-1" / "1234567 1" as printed under the barcode.
  std::array<char, kSerialDigits + 1> digits{};
  const bool separated = text.size() == kSerialDigits + 2 && (text[kSerialDigits] == '-' || text[kSerialDigits] == ' ');
  if (text.size() != kSerialDigits + 1 && !separated) {
    return InvalidField(std::string(field), "must be 8 digits: the 7-digit Rx number and its check digit");
  }
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (separated && i == kSerialDigits) continue;
    if (!IsDigit(text[i])) {
      return InvalidField(std::string(field), "must be 8 digits: the 7-digit Rx number and its check digit");
    }
    digits[n++] = text[i];
  }
  const std::string_view all(digits.data(), digits.size());
  if (DammCheckDigit(all) != 0) {  // a valid number chains back to 0 through its own check digit
    return MakeError("invalid_check_digit", "is not a valid Rx number (check digit); check it for a typo",
                     std::string(field));
  }
  std::uint32_t serial = 0;
  for (char c : all.substr(0, kSerialDigits)) serial = serial * 10 + static_cast<std::uint32_t>(c - '0');
  return RxNumber(serial, std::string(all));
}

RxNumber RxNumber::FromSerial(std::uint32_t serial) {
  assert(serial < kSerialLimit);
  serial %= kSerialLimit;  // keeps release builds in range; the contract forbids larger
  std::string text(kSerialDigits + 1, '0');
  std::uint32_t rest = serial;
  for (std::size_t i = kSerialDigits; i-- > 0;) {
    text[i] = static_cast<char>('0' + rest % 10);
    rest /= 10;
  }
  text[kSerialDigits] = static_cast<char>('0' + DammCheckDigit(std::string_view(text).substr(0, kSerialDigits)));
  return RxNumber(serial, std::move(text));
}

}  // namespace rxdesk
