// The official-channel check (PRODUCT.md §8): anyone may ask whether a phone
// number, an email sender, a domain or a web address is one of the operator's
// official channels; lookalikes of the official domains are flagged as likely scams.
//
//   OfficialChannels official{.domains = {"caremark.com", "cvs.com"},
//                             .phones = {{"+18002372765", "main"}}};
//   RXD_ASSIGN_OR_RETURN(OfficialCheck c, CheckOfficialChannel("https://caremark.com.evil.net/login", official));
//   // c.official == false, c.kind == CheckedKind::kUrl, c.lookalike_of == "caremark.com"
//
// What counts: a host that is an official domain or a subdomain of one (after
// lower-casing, a trailing dot and the part of a URL before '@' removed). Lookalikes:
// edit distance 1-2 on the name (1 for names of four letters or fewer), swapped
// letters, homoglyphs (0/o, 1/l/i, rn/m, vv/w, Cyrillic and Greek letters,
// punycode xn-- labels decoded), the official name with another top-level
// domain, or embedded in another domain ("caremark-support.com",
// "caremark.com.evil.net"). Pure: no DNS, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace rxdesk {

struct OfficialPhone {
  std::string e164;     // "+18002372765"
  std::string channel;  // the channel id it belongs to, e.g. "main"

  bool operator==(const OfficialPhone&) const = default;
};

// The official list (config): PRODUCT.md §8's domains and the phone lines of §7.
struct OfficialChannels {
  std::vector<std::string> domains = {"caremark.com", "cvs.com", "cvshealth.com", "cvsspecialty.com"};
  std::vector<OfficialPhone> phones;
  std::size_t max_input_bytes = 2048;  // longer input is refused: no real address is that long
};

enum class CheckedKind : std::uint8_t { kPhone, kEmail, kDomain, kUrl };
std::string_view ToString(CheckedKind kind);

struct OfficialCheck {
  bool official = false;
  CheckedKind kind = CheckedKind::kDomain;
  std::string channel;       // official phones: the channel id ("main"); else ""
  std::string lookalike_of;  // not official but imitating this official domain; else ""

  bool operator==(const OfficialCheck&) const = default;
};

// Classifies `value` (phone, email sender with or without a display name, domain
// or URL) and checks it against `official`. Refusal: invalid_request on field
// "value" for empty or over-long input, control characters, invalid UTF-8, or
// text that is none of the four kinds.
Result<OfficialCheck> CheckOfficialChannel(std::string_view value, const OfficialChannels& official);

// A US/NANP number in any common form ("+1 800.237.2765", "(800) 237-2765",
// "1-800-PHARMACY": letters read as on a keypad; letters past the tenth national
// digit are ignored, as vanity numbers print them) as E.164 "+18007427622".
// Refusal: invalid_request naming `field`.
Result<std::string> NormalizeDialedNumber(std::string_view text, std::string_view field = "number");

// The host's lookalike skeleton: confusable letters and digits replaced by the
// ASCII letter they imitate ("c4rernark.com" -> "carernark.com" -> "caremark.com").
// Input is a lower-case host whose labels are already decoded to UTF-8.
std::string ConfusableSkeleton(std::string_view host);

// Edit distance counting an insertion, deletion, substitution or swap of two
// adjacent characters as one (optimal string alignment).
int EditDistance(std::string_view a, std::string_view b);

}  // namespace rxdesk
