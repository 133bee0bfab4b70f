// Member numbers as printed on the member's card: "M" + 8-digit serial + a Damm
// check digit (domain/rx_number.h), so a mistyped number is caught at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace rxdesk {

// Requires serial < 100,000,000. E.g. serial 1 -> "M00000001" + check digit.
std::string MemberNumberFromSerial(std::uint32_t serial);

// Accepts "M" or "m" + 9 digits (spaces and hyphens ignored); returns the canonical
// form. Refusal: invalid_request on `field` (also for a wrong check digit).
Result<std::string> ParseMemberNumber(std::string_view text, std::string_view field = "member_number");

}  // namespace rxdesk
