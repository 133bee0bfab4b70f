#include "domain/address.h"

#include <array>
#include <cstdint>
#include <iterator>
#include <optional>

namespace rxdesk {
namespace {

// ---------------------------------------------------------------------------
// The service area (PRODUCT.md §4) and USPS ZIP prefixes.

// Real USPS codes outside the service area: the Freely Associated States
// (Micronesia, Marshall Islands, Palau) are served by USPS but are sovereign
// countries, and PRODUCT.md §4 does not list them.
constexpr std::string_view kUspsOutsideServiceArea[] = {"FM", "MH", "PW"};

struct ZipRange {
  std::string_view state;
  std::uint32_t first;  // 5-digit ZIP, inclusive
  std::uint32_t last;
};

// A range of 3-digit prefixes, e.g. Prefixes("NY", 100, 149) = 10000–14999.
constexpr ZipRange Prefixes(std::string_view state, std::uint32_t first3, std::uint32_t last3) {
  return {state, first3 * 100, last3 * 100 + 99};
}

// The service area is exactly the jurisdictions in this table: the 50 states,
// DC, the five inhabited territories and the military AA/AE/AP (USPS
// Publication 28, Appendix B). Their 3-digit ZIP prefixes are the USPS
// Sectional Center Facility assignments (USPS labeling list L002). Unassigned
// prefixes inside a state's block are kept with it: refusing a real address is
// worse than accepting an unused prefix. Where one prefix is shared the 5-digit split is
// given: 967xx is Hawaii except 96799 (American Samoa); 969xx holds Guam and
// the Northern Marianas (and Palau/Micronesia/Marshalls, outside the area);
// 06390 is Fishers Island, NY inside Connecticut's 063.
constexpr ZipRange kZipRanges[] = {
    Prefixes("AL", 350, 369), Prefixes("AK", 995, 999), Prefixes("AZ", 850, 865), Prefixes("AR", 716, 729),
    Prefixes("CA", 900, 961), Prefixes("CO", 800, 816), Prefixes("CT", 60, 69),   Prefixes("DE", 197, 199),
    Prefixes("DC", 200, 200), Prefixes("DC", 202, 205), Prefixes("DC", 569, 569), Prefixes("FL", 320, 339),
    Prefixes("FL", 341, 349), Prefixes("GA", 300, 319), Prefixes("GA", 398, 399), {"HI", 96700, 96798},
    {"HI", 96800, 96899},     Prefixes("ID", 832, 838), Prefixes("IL", 600, 629), Prefixes("IN", 460, 479),
    Prefixes("IA", 500, 528), Prefixes("KS", 660, 679), Prefixes("KY", 400, 427), Prefixes("LA", 700, 714),
    Prefixes("ME", 39, 49),   Prefixes("MD", 206, 219), Prefixes("MA", 10, 27),   Prefixes("MA", 55, 55),
    Prefixes("MI", 480, 499), Prefixes("MN", 550, 567), Prefixes("MS", 386, 397), Prefixes("MO", 630, 658),
    Prefixes("MT", 590, 599), Prefixes("NE", 680, 693), Prefixes("NV", 889, 898), Prefixes("NH", 30, 38),
    Prefixes("NJ", 70, 89),   Prefixes("NM", 870, 884), Prefixes("NY", 5, 5),     Prefixes("NY", 100, 149),
    {"NY", 6390, 6390},       Prefixes("NC", 270, 289), Prefixes("ND", 580, 588), Prefixes("OH", 430, 459),
    Prefixes("OK", 730, 731), Prefixes("OK", 734, 749), Prefixes("OR", 970, 979), Prefixes("PA", 150, 196),
    Prefixes("RI", 28, 29),   Prefixes("SC", 290, 299), Prefixes("SD", 570, 577), Prefixes("TN", 370, 385),
    Prefixes("TX", 733, 733), Prefixes("TX", 750, 799), Prefixes("TX", 885, 885), Prefixes("UT", 840, 847),
    Prefixes("VT", 50, 54),   Prefixes("VT", 56, 59),   Prefixes("VA", 201, 201), Prefixes("VA", 220, 246),
    Prefixes("WA", 980, 994), Prefixes("WV", 247, 268), Prefixes("WI", 530, 549), Prefixes("WY", 820, 831),
    Prefixes("PR", 6, 7),     Prefixes("PR", 9, 9),     Prefixes("VI", 8, 8),     {"GU", 96910, 96932},
    {"AS", 96799, 96799},     {"MP", 96950, 96952},     Prefixes("AA", 340, 340), Prefixes("AE", 90, 98),
    Prefixes("AP", 962, 966),
};

constexpr std::size_t CountJurisdictions() {
  std::size_t count = 0;
  for (std::size_t i = 0; i < std::size(kZipRanges); ++i) {
    bool seen = false;
    for (std::size_t j = 0; j < i; ++j) seen = seen || kZipRanges[j].state == kZipRanges[i].state;
    if (!seen) ++count;
  }
  return count;
}
static_assert(CountJurisdictions() == 50 + 1 + 5 + 3, "PRODUCT.md §4: 50 states, DC, 5 territories, AA/AE/AP");

constexpr std::string_view kTerritories[] = {"PR", "GU", "VI", "AS", "MP"};
constexpr std::string_view kMilitary[] = {"AA", "AE", "AP"};

std::optional<AddressKind> ServiceAreaKind(std::string_view code) {
  bool known = false;
  for (const ZipRange& r : kZipRanges) {
    if (r.state == code) {
      known = true;
      break;
    }
  }
  if (!known) return std::nullopt;
  if (code == "DC") return AddressKind::kDc;
  for (std::string_view t : kTerritories) {
    if (t == code) return AddressKind::kTerritory;
  }
  for (std::string_view m : kMilitary) {
    if (m == code) return AddressKind::kMilitary;
  }
  return AddressKind::kState;
}

bool ZipBelongsTo(std::string_view state, std::uint32_t zip5) {
  for (const ZipRange& r : kZipRanges) {
    if (r.state == state && zip5 >= r.first && zip5 <= r.last) return true;
  }
  return false;
}

// Names and codes a country field may carry that are inside the service area:
// the US itself, and the territories under their ISO 3166 codes and names
// (API.md: "territories may be given as a state code or as their country code").
// Keys are as CountryState builds them: upper case, dots dropped, other
// punctuation as one space.
struct CountryName {
  std::string_view key;
  std::string_view state;  // "" for the US itself
};
constexpr CountryName kCountryNames[] = {
    {"US", ""},
    {"USA", ""},
    {"UNITED STATES", ""},
    {"UNITED STATES OF AMERICA", ""},
    {"PR", "PR"},
    {"PRI", "PR"},
    {"PUERTO RICO", "PR"},
    {"GU", "GU"},
    {"GUM", "GU"},
    {"GUAM", "GU"},
    {"VI", "VI"},
    {"VIR", "VI"},
    {"VIRGIN ISLANDS US", "VI"},  // ISO short name "Virgin Islands (U.S.)"
    {"US VIRGIN ISLANDS", "VI"},
    {"UNITED STATES VIRGIN ISLANDS", "VI"},
    {"AS", "AS"},
    {"ASM", "AS"},
    {"AMERICAN SAMOA", "AS"},
    {"MP", "MP"},
    {"MNP", "MP"},
    {"NORTHERN MARIANA ISLANDS", "MP"},
    {"CNMI", "MP"},
};

// ---------------------------------------------------------------------------
// Text hygiene.

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Decodes one UTF-8 scalar value at s[i], strictly (no overlong forms, no
// surrogates, nothing above U+10FFFF). Returns its length, 0 when invalid.
std::size_t DecodeUtf8(std::string_view s, std::size_t i, char32_t& cp) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) {
    cp = c;
    return 1;
  }
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 1;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 2;
    cp = c & 0x0F;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 3;
    cp = c & 0x07;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n >= s.size()) return 0;
  for (std::size_t k = 1; k <= n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  return n + 1;
}

bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

bool IsBlank(char32_t cp) { return cp == ' ' || cp == '\t' || cp == 0xA0; }

// What a US shipping label can carry: ASCII and Latin letters with their
// diacritics (Spanish in Puerto Rico, the Hawaiian ʻokina and macrons), and the
// dashes and curly quotes phones type. Everything else (emoji, other scripts,
// zero-width and bidi controls that could disguise a label) is refused.
bool IsLabelCharacter(char32_t cp) {
  return (cp >= 0x20 && cp <= 0x7E) || (cp >= 0xA1 && cp <= 0x24F && cp != 0xAD) || cp == 0x2BB || cp == 0x2BC ||
         (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2018 || cp == 0x2019 ||
         cp == 0x201C || cp == 0x201D;
}

// Trims, collapses inner blanks to one space, and checks the characters and the
// length. Returns a refusal message, or nullptr with `out` filled.
const char* NormalizeField(std::string_view raw, std::string& out) {
  const std::string_view s = TrimAscii(raw);
  out.clear();
  out.reserve(s.size() < 4 * kAddressFieldMaxChars ? s.size() : 4 * kAddressFieldMaxChars);
  int chars = 0;
  bool pending_space = false;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t n = DecodeUtf8(s, i, cp);
    if (n == 0) return "must be valid UTF-8 text";
    if (IsBlank(cp)) {
      pending_space = !out.empty();
      i += n;
      continue;
    }
    if (IsControl(cp)) return "must be one line of text without control characters";
    if (!IsLabelCharacter(cp)) return "must use Latin letters, digits and punctuation, as printed on a US label";
    if (chars + (pending_space ? 1 : 0) + 1 > kAddressFieldMaxChars) return "must be at most 100 characters";
    if (pending_space) {
      out.push_back(' ');
      ++chars;
      pending_space = false;
    }
    out.append(s.substr(i, n));
    ++chars;
    i += n;
  }
  return nullptr;
}

char ToUpperAscii(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool EqualsIgnoringCase(std::string_view a, std::string_view upper) {
  if (a.size() != upper.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToUpperAscii(a[i]) != upper[i]) return false;
  }
  return true;
}

// The state a country field names: "" for the US, a territory code, or nullopt
// for anywhere else.
std::optional<std::string_view> CountryState(std::string_view country) {
  if (country.empty()) return std::string_view();
  std::array<char, 48> key{};
  std::size_t len = 0;
  bool gap = false;
  for (char c : country) {
    const bool word_char = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                           static_cast<unsigned char>(c) >= 0x80;
    if (c == '.') continue;  // "U.S.A." is "USA"
    if (!word_char) {
      gap = len > 0;
      continue;
    }
    if (len + (gap ? 2 : 1) > key.size()) return std::nullopt;  // longer than any name we know
    if (gap) key[len++] = ' ';
    gap = false;
    key[len++] = ToUpperAscii(c);
  }
  const std::string_view k(key.data(), len);
  for (const CountryName& name : kCountryNames) {
    if (name.key == k) return name.state;
  }
  return std::nullopt;
}

bool IsMilitaryCity(std::string_view city) {
  return EqualsIgnoringCase(city, "APO") || EqualsIgnoringCase(city, "FPO") || EqualsIgnoringCase(city, "DPO");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "12345", "12345-6789" or "123456789": rewrites `zip` in the canonical form
// ("12345-6789" for the last) and returns its 5-digit value; nullopt otherwise.
std::optional<std::uint32_t> CanonicalizeZip(std::string& zip) {
  const bool five = zip.size() == 5;
  const bool plus4 = zip.size() == 10 && zip[5] == '-';
  const bool nine = zip.size() == 9;
  if (!five && !plus4 && !nine) return std::nullopt;
  std::uint32_t zip5 = 0;
  for (std::size_t i = 0; i < zip.size(); ++i) {
    if (plus4 && i == 5) continue;
    if (!IsDigit(zip[i])) return std::nullopt;
    if (i < 5) zip5 = zip5 * 10 + static_cast<std::uint32_t>(zip[i] - '0');
  }
  if (nine) zip.insert(5, 1, '-');
  return zip5;
}

std::string FieldName(std::string_view prefix, std::string_view name) {
  std::string f;
  f.reserve(prefix.size() + 1 + name.size());
  f.append(prefix).append(".").append(name);
  return f;
}

}  // namespace

std::string_view ToString(AddressKind kind) {
  switch (kind) {
    case AddressKind::kState: return "state";
    case AddressKind::kDc: return "dc";
    case AddressKind::kTerritory: return "territory";
    case AddressKind::kMilitary: return "military";
  }
  return "state";
}

Result<Address> ValidateAddress(const AddressInput& input, std::string_view field) {
  Address a;
  std::string country;
  struct Part {
    std::string_view name;
    const std::string& raw;
    std::string& out;
    bool required;
  };
  // State and country are required only in combination (a territory's country
  // code may stand in for the state), so they are checked below.
  const std::array<Part, 6> parts{{{"line1", input.line1, a.line1, true},
                                   {"line2", input.line2, a.line2, false},
                                   {"city", input.city, a.city, true},
                                   {"state", input.state, a.state, false},
                                   {"zip", input.zip, a.zip, true},
                                   {"country", input.country, country, false}}};
  for (const Part& p : parts) {
    if (const char* problem = NormalizeField(p.raw, p.out)) return InvalidField(FieldName(field, p.name), problem);
    if (p.required && p.out.empty()) return InvalidField(FieldName(field, p.name), "is required");
  }

  // Country first: a foreign address is refused as such, whatever its
  // province and postal code look like (PRODUCT.md §4).
  const std::optional<std::string_view> country_state = CountryState(country);
  if (!country_state) {
    return MakeError("address_outside_service_area",
                     "we ship only to the 50 states, DC, US territories and APO/FPO/DPO addresses",
                     FieldName(field, "country"));
  }
  if (!country_state->empty()) {
    if (a.state.empty()) {
      a.state = std::string(*country_state);
    } else if (!EqualsIgnoringCase(a.state, *country_state)) {
      return InvalidField(FieldName(field, "state"), "does not match the territory given as country");
    }
  }
  if (a.state.empty()) return InvalidField(FieldName(field, "state"), "is required");
  for (char& c : a.state) c = ToUpperAscii(c);
  const std::optional<AddressKind> kind = ServiceAreaKind(a.state);
  if (!kind) {
    for (std::string_view outside : kUspsOutsideServiceArea) {
      if (a.state == outside) {
        return MakeError("address_outside_service_area",
                         "we ship only to the 50 states, DC, US territories and APO/FPO/DPO addresses",
                         FieldName(field, "state"));
      }
    }
    return InvalidField(FieldName(field, "state"), "must be a 2-letter US state, territory or AA/AE/AP code");
  }
  a.kind = *kind;

  // Military mail is addressed "APO AE 09012": the city names the post office
  // type, the state the theatre (USPS Publication 28, section 225). One without
  // the other is a mistake.
  const bool military_city = IsMilitaryCity(a.city);
  if (a.kind == AddressKind::kMilitary && !military_city) {
    return InvalidField(FieldName(field, "city"), "must be APO, FPO or DPO for state AA, AE or AP");
  }
  if (military_city && a.kind != AddressKind::kMilitary) {
    return InvalidField(FieldName(field, "state"), "must be AA, AE or AP for an APO, FPO or DPO address");
  }
  if (military_city) {
    for (char& c : a.city) c = ToUpperAscii(c);
  }

  const std::optional<std::uint32_t> zip5 = CanonicalizeZip(a.zip);
  if (!zip5) return InvalidField(FieldName(field, "zip"), "must be 5 digits, or ZIP+4 as 12345-6789");
  if (!ZipBelongsTo(a.state, *zip5)) {
    return InvalidField(FieldName(field, "zip"), "is not a ZIP code of the state given");
  }

  a.po_box = IsPoBox(a.line1) || IsPoBox(a.line2);
  return a;
}

bool IsPoBox(std::string_view line) {
  // Words split at blanks and ",;#:-/", dots ignored inside a word ("P.O." is "PO").
  constexpr std::size_t kMaxWords = 64;
  std::array<std::string_view, kMaxWords> words;
  std::size_t count = 0;
  std::size_t start = 0;
  const auto is_separator = [](char c) {
    return IsAsciiSpace(c) || c == ',' || c == ';' || c == '#' || c == ':' || c == '-' || c == '/';
  };
  for (std::size_t i = 0; i <= line.size() && count < kMaxWords; ++i) {
    if (i == line.size() || is_separator(line[i])) {
      if (i > start) words[count++] = line.substr(start, i - start);
      start = i + 1;
    }
  }
  const auto is = [&](std::size_t i, std::string_view upper) {
    if (i >= count) return false;
    std::size_t k = 0;
    for (char c : words[i]) {
      if (c == '.') continue;
      if (k >= upper.size() || ToUpperAscii(c) != upper[k]) return false;
      ++k;
    }
    return k == upper.size();
  };
  const auto starts_with_digit = [&](std::size_t i) {
    return i < count && !words[i].empty() && IsDigit(words[i].front());
  };
  const auto is_pobox_with_number = [&](std::size_t i) {
    // "POBox123": the words run together with the box number.
    std::size_t k = 0;
    constexpr std::string_view kPoBox = "POBOX";
    for (char c : words[i]) {
      if (c == '.') continue;
      if (k < kPoBox.size()) {
        if (ToUpperAscii(c) != kPoBox[k]) return false;
      } else if (!IsDigit(c)) {
        return false;
      }
      ++k;
    }
    return k > kPoBox.size();
  };
  for (std::size_t i = 0; i < count; ++i) {
    if ((is(i, "PO") && is(i + 1, "BOX")) || (is(i, "P") && is(i + 1, "O") && is(i + 2, "BOX")) ||
        is(i, "POBOX") || is_pobox_with_number(i) ||
        (is(i, "POST") && is(i + 1, "OFFICE") && is(i + 2, "BOX")) ||
        (is(i, "POB") && starts_with_digit(i + 1))) {
      return true;
    }
  }
  return false;
}

}  // namespace rxdesk
