#include "domain/reference_number.h"

#include <cassert>

namespace rxdesk {
namespace {

// The check character.
//
// A reference carries 13 values: the six date digits v1..v6 (0–9), the six
// symbols v7..v12 (0–31) and the check v13 (0–36, Crockford's check alphabet).
// With the weights w = (12, 11, ..., 1, -1) a reference is valid iff
//
//     w1·v1 + w2·v2 + ... + w12·v12 - v13 ≡ 0   (mod 37),
//
// i.e. the check is Σ wi·vi mod 37. 37 is prime, so the residues mod 37 form
// a field, where a product is 0 only if a factor is.
//  * A single substitution at position i, v -> v' with v ≠ v', moves the sum by
//    wi·(v' - v). wi ∈ {12..1, 36} is not 0 mod 37, nor is v' - v (0 < |v' - v| ≤ 36):
//    the sum is no longer 0, the typo is caught.
//  * Swapping positions i ≠ j holding a ≠ b moves the sum by (wi - wj)·(b - a).
//    The 13 weights are distinct residues (-1 ≡ 36), so wi - wj ≢ 0, and b - a ≢ 0:
//    every transposition is caught, adjacent or not, across the hyphens too.
// (Symbols outside a position's alphabet are refused as a wrong shape first.)
// The weights run downward so that the spec's example, RX-261123-4F7KQ2-8, is valid.
constexpr int kCheckModulus = 37;
constexpr std::size_t kDateDigits = 6;
constexpr std::size_t kSymbols = 6;
constexpr std::size_t kValues = kDateDigits + kSymbols;  // before the check character
constexpr int kSymbolBits = 5;

// Crockford base32 (https://www.crockford.com/base32.html): values 0–31 are
// the symbols, 32–36 exist only as check characters.
constexpr std::string_view kCheckAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

// Value of each byte as a check character; -1 when none. Symbols and date
// digits use the same table and then check the range.
constexpr std::array<std::int8_t, 256> kDecode = [] {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (std::size_t i = 0; i < kCheckAlphabet.size(); ++i) {
    const char c = kCheckAlphabet[i];
    t[static_cast<unsigned char>(c)] = static_cast<std::int8_t>(i);
    if (c >= 'A' && c <= 'Z') t[static_cast<unsigned char>(c - 'A' + 'a')] = static_cast<std::int8_t>(i);
  }
  // Crockford's aliases: letters a person may type for the digits they resemble.
  for (char c : {'O', 'o'}) t[static_cast<unsigned char>(c)] = 0;
  for (char c : {'I', 'i', 'L', 'l'}) t[static_cast<unsigned char>(c)] = 1;
  return t;
}();

int CheckValue(const std::array<int, kValues>& values) {
  int sum = 0;
  for (std::size_t i = 0; i < kValues; ++i) sum += static_cast<int>(kValues - i) * values[i];
  return sum % kCheckModulus;
}

bool IsSeparator(char c) { return c == '-' || c == ' '; }

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Writes "RX-YYMMDD-XXXXXX-C" from the 12 values and the check.
template <std::size_t N>
void Render(const std::array<int, kValues>& values, int check, std::array<char, N>& out) {
  static_assert(N == 3 + kDateDigits + 1 + kSymbols + 2);
  std::size_t k = 0;
  out[k++] = 'R';
  out[k++] = 'X';
  out[k++] = '-';
  for (std::size_t i = 0; i < kValues; ++i) {
    if (i == kDateDigits) out[k++] = '-';
    out[k++] = kCheckAlphabet[static_cast<std::size_t>(values[i])];
  }
  out[k++] = '-';
  out[k++] = kCheckAlphabet[static_cast<std::size_t>(check)];
}

}  // namespace

Result<ReferenceNumber> ReferenceNumber::Parse(std::string_view text, std::string_view field) {
  const auto bad_shape = [&] {
    return InvalidField(std::string(field), "must look like RX-261123-4F7KQ2-8");
  };
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  if (text.size() > 2 * kLength) return bad_shape();  // no reasonable spacing makes it longer

  // The characters that carry values, separators dropped, the "RX" prefix taken off.
  std::array<char, kValues + 1> chars{};
  std::size_t n = 0;
  bool prefix_allowed = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (IsSeparator(c)) continue;
    if (prefix_allowed && (c == 'R' || c == 'r')) {
      // Only as the first value character, and only followed by X.
      std::size_t j = i + 1;
      while (j < text.size() && IsSeparator(text[j])) ++j;
      if (j < text.size() && (text[j] == 'X' || text[j] == 'x')) {
        i = j;
        prefix_allowed = false;
        continue;
      }
    }
    prefix_allowed = false;
    if (n == chars.size()) return bad_shape();
    chars[n++] = c;
  }
  if (n != chars.size()) return bad_shape();

  std::array<int, kValues> values{};
  for (std::size_t i = 0; i < kValues; ++i) {
    const int v = kDecode[static_cast<unsigned char>(chars[i])];
    const int limit = i < kDateDigits ? 10 : 1 << kSymbolBits;
    if (v < 0 || v >= limit) return bad_shape();
    values[i] = v;
  }
  const int check = kDecode[static_cast<unsigned char>(chars[kValues])];
  if (check < 0) return bad_shape();
  if (check != CheckValue(values)) {
    return MakeError("invalid_check_character", "is not a valid reference (check character); check it for a typo",
                     std::string(field));
  }

  const int yy = values[0] * 10 + values[1];
  const unsigned mm = static_cast<unsigned>(values[2] * 10 + values[3]);
  const unsigned dd = static_cast<unsigned>(values[4] * 10 + values[5]);
  const std::chrono::year_month_day ymd{std::chrono::year{2000 + yy}, std::chrono::month{mm}, std::chrono::day{dd}};
  if (!ymd.ok()) return InvalidField(std::string(field), "has a date part that is not a calendar day");

  std::array<char, kLength> canonical{};
  Render(values, check, canonical);
  return ReferenceNumber(Date{ymd}, canonical);
}

ReferenceNumber ReferenceNumber::Make(Date contact_local_date, std::uint64_t entropy) {
  const std::chrono::year_month_day ymd{contact_local_date};
  const int year = static_cast<int>(ymd.year());
  assert(year >= 2000 && year <= 2099);
  const int yy = ((year % 100) + 100) % 100;
  const int mm = static_cast<int>(static_cast<unsigned>(ymd.month()));
  const int dd = static_cast<int>(static_cast<unsigned>(ymd.day()));

  std::array<int, kValues> values{yy / 10, yy % 10, mm / 10, mm % 10, dd / 10, dd % 10};
  constexpr int kBits = kSymbolBits * static_cast<int>(kSymbols);  // 30
  constexpr std::uint64_t kMask = (std::uint64_t{1} << kBits) - 1;
  std::uint64_t random = (entropy ^ (entropy >> kBits) ^ (entropy >> (2 * kBits))) & kMask;
  for (std::size_t i = kValues; i-- > kDateDigits;) {
    values[i] = static_cast<int>(random & ((1u << kSymbolBits) - 1));
    random >>= kSymbolBits;
  }
  std::array<char, kLength> text{};
  Render(values, CheckValue(values), text);
  const Date date = Date{std::chrono::year{2000 + yy} / ymd.month() / ymd.day()};
  return ReferenceNumber(date, text);
}

std::string MakeReferenceNumber(Date contact_local_date, std::uint64_t entropy) {
  return std::string(ReferenceNumber::Make(contact_local_date, entropy).str());
}

}  // namespace rxdesk
