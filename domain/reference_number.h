// Contact reference numbers (PRODUCT.md §8): what a member quotes to pick up a
// call, chat or message later, e.g. "RX-261123-4F7KQ2-8".
//
//   RX  - 261123 - 4F7KQ2 - 8
//         YYMMDD   random   check character
//
//   std::string ref = MakeReferenceNumber(zone.LocalDate(now), rng());   // the domain has no RNG
//   RXD_ASSIGN_OR_RETURN(ReferenceNumber r, ReferenceNumber::Parse(" rx-261123-4f7kq2-8 "));
//   Date contact_day = r.date();                                        // 2026-11-23
//
// The date is the contact's local date in the operator's time zone. The six
// random symbols are Crockford base32 (0-9, A-Z without I L O U: no symbol can
// be misread as another), 2^30 per day. The check character catches every
// single-character typo and every transposition; see reference_number.cc.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

class ReferenceNumber {
 public:
  // Reads a reference as typed: case-insensitive, Crockford's aliases (O for 0,
  // I and L for 1), hyphens and spaces anywhere ignored, the "RX" prefix optional.
  // Refusal: invalid_request (field `field`) for a wrong shape or a date part
  // that is no calendar day; `invalid_check_character` for a typo.
  static Result<ReferenceNumber> Parse(std::string_view text, std::string_view field = "reference");

  // A new reference for a contact on `contact_local_date`, its symbols taken
  // from `entropy` (all 64 bits are folded into the 30 the symbols carry).
  // Requires a date in 2000–2099 (asserted; the year is taken modulo 100 in release builds).
  static ReferenceNumber Make(Date contact_local_date, std::uint64_t entropy);

  // The contact's local date, from the YYMMDD part (years 2000–2099).
  Date date() const { return date_; }
  // The canonical form "RX-YYMMDD-XXXXXX-C", upper case.
  std::string_view str() const { return std::string_view(text_.data(), text_.size()); }

  bool operator==(const ReferenceNumber& o) const { return text_ == o.text_; }

 private:
  static constexpr std::size_t kLength = 18;  // "RX-261123-4F7KQ2-8"
  ReferenceNumber(Date date, const std::array<char, kLength>& text) : date_(date), text_(text) {}
  Date date_;
  std::array<char, kLength> text_;
};

// ReferenceNumber::Make(...).str() as a string, for storing and showing.
std::string MakeReferenceNumber(Date contact_local_date, std::uint64_t entropy);

}  // namespace rxdesk
