// Properties every outcome of ValidateAddress must have, shared by the address
// and JSON-body fuzz targets.
//
//   const Result<Address> a = ValidateAddress(input);
//   rxdesk::fuzz::CheckAddressOutcome(a, "address");              // aborts when a property breaks
//   rxdesk::fuzz::CheckLettersDoNotMatter(input, a, "address");
//
// Accepted: every field normalized (trimmed, single spaces, at most 100
// characters, printable UTF-8), state a service-area code of the right kind,
// ZIP "12345" or "12345-6789", country "US", po_box as IsPoBox says, and
// validating the result again gives it back unchanged. Refused: a known code,
// a field under `field`, a printable message. CheckLettersDoNotMatter: the
// letters of the free text change neither the outcome nor the message.
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "domain/address.h"
#include "domain/contact_info.h"
#include "fuzz/fuzz_check.h"

namespace rxdesk::fuzz {

// Trimmed, no doubled or non-space blanks, at most 100 characters, printable UTF-8.
inline bool IsNormalizedField(std::string_view s) {
  if (!IsPrintableUtf8(s) || s.find('\t') != std::string_view::npos) return false;
  if (!s.empty() && (s.front() == ' ' || s.back() == ' ')) return false;
  if (s.find("  ") != std::string_view::npos || s.find("\xC2\xA0") != std::string_view::npos) return false;
  int chars = 0;
  for (const char c : s) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return chars <= kAddressFieldMaxChars;
}

inline bool IsCanonicalZip(std::string_view z) {
  const auto digits = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      if (z[i] < '0' || z[i] > '9') return false;
    }
    return true;
  };
  if (z.size() == 5) return digits(0, 5);
  return z.size() == 10 && z[5] == '-' && digits(0, 5) && digits(6, 10);
}

inline AddressKind ExpectedKind(std::string_view state) {
  if (state == "DC") return AddressKind::kDc;
  for (std::string_view t : {"PR", "GU", "VI", "AS", "MP"}) {
    if (state == t) return AddressKind::kTerritory;
  }
  for (std::string_view m : {"AA", "AE", "AP"}) {
    if (state == m) return AddressKind::kMilitary;
  }
  return AddressKind::kState;
}

inline void CheckAddressOutcome(const Result<Address>& result, std::string_view field) {
  if (!result.ok()) {
    const Error& e = result.error();
    RXD_FUZZ_CHECK(e.code == "invalid_request" || e.code == "address_outside_service_area", "address refusal code");
    bool known_field = false;
    for (std::string_view name : {"line1", "line2", "city", "state", "zip", "country"}) {
      known_field = known_field || e.field == std::string(field) + "." + std::string(name);
    }
    RXD_FUZZ_CHECK(known_field, "an address refusal names one of its fields");
    RXD_FUZZ_CHECK(IsSafeMessage(e.message), "an address refusal message is printable ASCII");
    return;
  }
  const Address& a = *result;
  for (const std::string* part : {&a.line1, &a.line2, &a.city, &a.state, &a.zip}) {
    RXD_FUZZ_CHECK(IsNormalizedField(*part), "accepted fields are normalized");
  }
  RXD_FUZZ_CHECK(!a.line1.empty() && !a.city.empty(), "line1 and city are present");
  RXD_FUZZ_CHECK(
      a.state.size() == 2 && a.state[0] >= 'A' && a.state[0] <= 'Z' && a.state[1] >= 'A' && a.state[1] <= 'Z',
      "state is a 2-letter upper-case code");
  RXD_FUZZ_CHECK(IsCanonicalZip(a.zip), "zip is 12345 or 12345-6789");
  RXD_FUZZ_CHECK(a.country == "US", "country is US");
  RXD_FUZZ_CHECK(a.kind == ExpectedKind(a.state), "kind matches the state code");
  const bool military_city = a.city == "APO" || a.city == "FPO" || a.city == "DPO";
  RXD_FUZZ_CHECK(military_city == (a.kind == AddressKind::kMilitary), "APO/FPO/DPO exactly for AA/AE/AP");
  RXD_FUZZ_CHECK(a.po_box == (IsPoBox(a.line1) || IsPoBox(a.line2)), "po_box is what IsPoBox says");

  for (const std::string_view country : {std::string_view("US"), std::string_view()}) {
    const AddressInput again{.line1 = a.line1,
                             .line2 = a.line2,
                             .city = a.city,
                             .state = a.state,
                             .zip = a.zip,
                             .country = std::string(country)};
    const Result<Address> b = ValidateAddress(again, field);
    RXD_FUZZ_CHECK(b.ok() && *b == a, "a normalized address validates to itself");
  }
}

// Other letters in line1, line2 and city (LettersRotated) must give the same
// outcome: the same refusal, message included (so it cannot be repeating the
// address), or the same address with those letters. The city keeps its letters
// when either spelling could be APO, FPO or DPO, which the rules read.
inline void CheckLettersDoNotMatter(const AddressInput& in, const Result<Address>& result, std::string_view field) {
  const auto could_be_military = [](std::string_view city) {
    for (std::string_view word : {"APO", "FPO", "DPO", "NCB", "SCB", "QCB"}) {
      if (city.size() < word.size()) continue;
      for (std::size_t i = 0; i + word.size() <= city.size(); ++i) {
        bool same = true;
        for (std::size_t k = 0; k < word.size() && same; ++k) {
          const char c = city[i + k];
          same = (c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c) == word[k];
        }
        if (same) return true;
      }
    }
    return false;
  };
  const bool rotate_city = !could_be_military(in.city);
  AddressInput other = in;
  other.line1 = LettersRotated(in.line1);
  other.line2 = LettersRotated(in.line2);
  if (rotate_city) other.city = LettersRotated(in.city);
  const Result<Address> b = ValidateAddress(other, field);
  RXD_FUZZ_CHECK(b.ok() == result.ok(), "the letters of line1, line2 and city do not decide acceptance");
  if (!b.ok()) {
    RXD_FUZZ_CHECK(b.error() == result.error(), "a refusal does not depend on the letters typed");
    return;
  }
  const Address& a = *result;
  RXD_FUZZ_CHECK(b->line1 == LettersRotated(a.line1) && b->line2 == LettersRotated(a.line2) &&
                     b->city == (rotate_city ? LettersRotated(a.city) : a.city) && b->state == a.state &&
                     b->zip == a.zip && b->kind == a.kind,
                 "other letters give the same address with those letters");
}

}  // namespace rxdesk::fuzz
