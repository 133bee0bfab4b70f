// Validating what a person tells us about themselves: names, email, phone.
//
//   RXD_ASSIGN_OR_RETURN(std::string phone, NormalizeUsPhone(input, "phone"));   // "+15125550100"
#pragma once

#include <string>
#include <string_view>

#include "domain/result.h"

namespace rxdesk {

// A personal name: 1–100 bytes after trimming, valid UTF-8, no control
// characters or digits-only text. Returns it trimmed, inner spaces collapsed.
Result<std::string> ValidatePersonName(std::string_view name, std::string_view field);

// A plausible email address (local@domain.tld, ≤ 254 bytes, no spaces). Returns it
// with the domain lower-cased. Deliverability is checked by sending, not here.
Result<std::string> ValidateEmail(std::string_view email, std::string_view field);

// A US/NANP phone number in any common format ("(512) 555-0100", "512.555.0100",
// "+1 512 555 0100", "1-800-237-2765"), returned as E.164 "+15125550100".
// Area and exchange codes must not start with 0 or 1.
Result<std::string> NormalizeUsPhone(std::string_view phone, std::string_view field);

// True for UTF-8 text without control characters (tab allowed).
bool IsPrintableUtf8(std::string_view text);

}  // namespace rxdesk
