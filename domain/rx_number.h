// Rx numbers: 7 digits of serial + 1 check digit, printed on the label and as a
// barcode. The check digit uses the Damm algorithm, which catches every
// single-digit error and every adjacent transposition.
//
//   RXD_ASSIGN_OR_RETURN(RxNumber rx, RxNumber::Parse(typed));   // "1234567-1", "12345671"
//   RxNumber next = RxNumber::FromSerial(42);                     // "00000427": serial 0000042, check 7
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "domain/result.h"

namespace rxdesk {

class RxNumber {
 public:
  // Accepts the 8 digits alone or with one '-' or space before the check digit,
  // surrounding blanks trimmed. Refusal: invalid_request (field `field`) for a
  // wrong length or character, `invalid_check_digit` for a typo.
  static Result<RxNumber> Parse(std::string_view text, std::string_view field = "rx_number");

  // The Rx number for a 7-digit serial, with its check digit appended.
  // Requires serial < 10,000,000 (asserted; reduced modulo 10,000,000 in release builds).
  static RxNumber FromSerial(std::uint32_t serial);

  std::uint32_t serial() const { return serial_; }
  // The canonical 8-digit form, e.g. "12345671".
  const std::string& str() const { return text_; }

  bool operator==(const RxNumber& o) const { return serial_ == o.serial_; }
  auto operator<=>(const RxNumber& o) const { return serial_ <=> o.serial_; }

 private:
  RxNumber(std::uint32_t serial, std::string text) : serial_(serial), text_(std::move(text)) {}
  std::uint32_t serial_ = 0;
  std::string text_;
};

// The Damm check digit (0–9) of a string of decimal digits; 0 for an empty one.
// A number that ends in its own check digit gives 0. Returns -1 if any
// character is not an ASCII digit.
int DammCheckDigit(std::string_view digits);

}  // namespace rxdesk
