// Fuzz target: reference numbers, Rx numbers and member numbers.
//
// The input is parsed as typed text by all three parsers; what they accept must
// be canonical and parse back to itself. Its first bytes also seed a generated
// valid number of each kind, which must parse back, in its accepted spellings,
// and whose one-character changes and transpositions must be refused as typos.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/member_number.h"
#include "domain/reference_number.h"
#include "domain/rx_number.h"
#include "domain/time.h"
#include "fuzz/fuzz_check.h"

namespace rxdesk::fuzz {
namespace {

// Reads fixed-size numbers from the input; zeros once it runs out.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint64_t Next(int count) {
    std::uint64_t v = 0;
    for (int i = 0; i < count; ++i) {
      v = (v << 8) | (at_ < size_ ? data_[at_] : 0);
      ++at_;
    }
    return v;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

// A refusal message the parser also gives for one of a few fixed bad inputs: a
// message built from the input (which could repeat PHI typed in the wrong
// field) would not be among them.
bool IsFixedMessage(const std::string& message, const std::vector<std::string>& fixed) {
  return IsSafeMessage(message) && std::find(fixed.begin(), fixed.end(), message) != fixed.end();
}

std::string WithLastCharacter(std::string s, char c) {
  s.back() = c;
  return s;
}

// ---------------------------------------------------------------------------
// Reference numbers: "RX-YYMMDD-XXXXXX-C".

// Crockford's check alphabet (https://www.crockford.com/base32.html), as the
// published scheme defines it: values 0-31 are symbols, 32-36 check-only.
constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";
// Where the 13 value characters sit in the canonical form, and how many values each may take.
constexpr std::array<std::size_t, 13> kRefPositions = {3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 17};
constexpr std::array<int, 13> kRefAlphabet = {10, 10, 10, 10, 10, 10, 32, 32, 32, 32, 32, 32, 37};

// What ReferenceNumber::Parse says to a wrong shape, a typo and a date that is no calendar day.
const std::vector<std::string>& ReferenceMessages() {
  static const std::vector<std::string> messages = [] {
    const std::string valid(ReferenceNumber::Make(MakeDate(2026, 11, 23), 42).str());
    std::vector<std::string> m = {ReferenceNumber::Parse("").error().message};
    for (const char c : kCrockford) {  // "RX-261332-..." with each check character: a typo or a bad date
      const Result<ReferenceNumber> r = ReferenceNumber::Parse(WithLastCharacter("RX-261332" + valid.substr(9), c));
      if (!r.ok() && std::find(m.begin(), m.end(), r.error().message) == m.end()) m.push_back(r.error().message);
    }
    return m;
  }();
  return messages;
}

void CheckReferenceText(std::string_view text) {
  const Result<ReferenceNumber> r = ReferenceNumber::Parse(text);
  if (!r.ok()) {
    const Error& e = r.error();
    RXD_FUZZ_CHECK(e.code == "invalid_request" || e.code == "invalid_check_character", "reference refusal code");
    RXD_FUZZ_CHECK(e.field == "reference", "reference refusal names the field");
    RXD_FUZZ_CHECK(IsFixedMessage(e.message, ReferenceMessages()), "reference refusal message is a fixed text");
    return;
  }
  const std::string_view s = r->str();
  RXD_FUZZ_CHECK(s.size() == 18 && s.substr(0, 3) == "RX-" && s[9] == '-' && s[16] == '-', "canonical shape");
  RXD_FUZZ_CHECK(AllDigits(s.substr(3, 6)), "date part is digits");
  for (std::size_t i : kRefPositions) {
    RXD_FUZZ_CHECK(kCrockford.find(s[i]) != std::string_view::npos, "canonical characters are upper-case Crockford");
  }
  const std::string date = FormatDate(r->date());  // "20YY-MM-DD"
  RXD_FUZZ_CHECK(date.size() == 10 && date.substr(0, 2) == "20", "date in 2000-2099");
  RXD_FUZZ_CHECK(
      date.substr(2, 2) == s.substr(3, 2) && date.substr(5, 2) == s.substr(5, 2) && date.substr(8, 2) == s.substr(7, 2),
      "date() is the YYMMDD part");
  const Result<ReferenceNumber> again = ReferenceNumber::Parse(s);
  RXD_FUZZ_CHECK(again.ok() && *again == *r && again->date() == r->date(), "canonical form parses back to itself");
}

void CheckGeneratedReference(Bytes& in) {
  const Date day = MakeDate(2000, 1, 1) + Days{static_cast<int>(in.Next(4) % 36525)};  // through 2099-12-31
  const std::uint64_t entropy = in.Next(8);
  const ReferenceNumber made = ReferenceNumber::Make(day, entropy);
  const std::string s(made.str());
  RXD_FUZZ_CHECK(made.date() == day, "a made reference carries its date");
  RXD_FUZZ_CHECK(MakeReferenceNumber(day, entropy) == s, "MakeReferenceNumber is Make().str()");

  const auto parses_to_made = [&](std::string_view spelling) {
    const Result<ReferenceNumber> r = ReferenceNumber::Parse(spelling);
    return r.ok() && *r == made && r->date() == day;
  };
  RXD_FUZZ_CHECK(parses_to_made(s), "a made reference parses back");
  RXD_FUZZ_CHECK(parses_to_made(Lowered(s)), "lower case is accepted");
  RXD_FUZZ_CHECK(parses_to_made(" " + s.substr(3) + "\t"), "the RX prefix is optional, blanks trimmed");
  std::string compact = s;
  std::erase(compact, '-');
  RXD_FUZZ_CHECK(parses_to_made(compact), "hyphens are optional");
  std::string aliased = s;
  for (std::size_t i : kRefPositions) {
    if (aliased[i] == '0') aliased[i] = 'o';
    if (aliased[i] == '1') aliased[i] = (entropy & 1) != 0 ? 'I' : 'l';
  }
  RXD_FUZZ_CHECK(parses_to_made(aliased), "Crockford's aliases O, I, L are read as 0, 1, 1");

  const auto value_at = [&](std::size_t k) { return static_cast<int>(kCrockford.find(s[kRefPositions[k]])); };
  const auto refused_as_typo = [](const std::string& typo) {
    const Result<ReferenceNumber> r = ReferenceNumber::Parse(typo);
    return !r.ok() && r.error().code == "invalid_check_character";
  };
  // Every single-character substitution within a position's alphabet.
  const std::size_t k = in.Next(1) % kRefPositions.size();
  const int size = kRefAlphabet[k];
  const int changed = (value_at(k) + 1 + static_cast<int>(in.Next(1) % static_cast<std::uint64_t>(size - 1))) % size;
  std::string substituted = s;
  substituted[kRefPositions[k]] = kCrockford[static_cast<std::size_t>(changed)];
  RXD_FUZZ_CHECK(refused_as_typo(substituted), "a one-character change is caught");
  // Every transposition of two different values that fit each other's position.
  const std::size_t i = in.Next(1) % kRefPositions.size();
  const std::size_t j = in.Next(1) % kRefPositions.size();
  if (i != j && value_at(i) != value_at(j) && value_at(i) < kRefAlphabet[j] && value_at(j) < kRefAlphabet[i]) {
    std::string swapped = s;
    std::swap(swapped[kRefPositions[i]], swapped[kRefPositions[j]]);
    RXD_FUZZ_CHECK(refused_as_typo(swapped), "a transposition is caught");
  }
}

// ---------------------------------------------------------------------------
// Rx numbers: 7 digits + a Damm check digit.

// What RxNumber::Parse says to a wrong shape and to a typo.
const std::vector<std::string>& RxMessages() {
  static const std::vector<std::string> messages = [] {
    const std::string valid = RxNumber::FromSerial(1234567).str();
    const char typo = valid.back() == '9' ? '0' : static_cast<char>(valid.back() + 1);
    return std::vector<std::string>{RxNumber::Parse("").error().message,
                                    RxNumber::Parse(WithLastCharacter(valid, typo)).error().message};
  }();
  return messages;
}

void CheckRxText(std::string_view text) {
  const Result<RxNumber> rx = RxNumber::Parse(text);
  if (!rx.ok()) {
    const Error& e = rx.error();
    RXD_FUZZ_CHECK(e.code == "invalid_request" || e.code == "invalid_check_digit", "Rx refusal code");
    RXD_FUZZ_CHECK(e.field == "rx_number", "Rx refusal names the field");
    RXD_FUZZ_CHECK(IsFixedMessage(e.message, RxMessages()), "Rx refusal message is a fixed text");
    return;
  }
  RXD_FUZZ_CHECK(rx->str().size() == 8 && AllDigits(rx->str()), "canonical form is 8 digits");
  RXD_FUZZ_CHECK(DammCheckDigit(rx->str()) == 0, "an accepted number chains back to 0");
  RXD_FUZZ_CHECK(rx->serial() < 10'000'000, "serial has 7 digits");
  const RxNumber rebuilt = RxNumber::FromSerial(rx->serial());
  RXD_FUZZ_CHECK(rebuilt == *rx && rebuilt.str() == rx->str(), "FromSerial(serial()) is the same number");
}

void CheckGeneratedRx(Bytes& in) {
  const auto serial = static_cast<std::uint32_t>(in.Next(4) % 10'000'000);
  const RxNumber rx = RxNumber::FromSerial(serial);
  const std::string s = rx.str();
  RXD_FUZZ_CHECK(rx.serial() == serial && s.size() == 8 && AllDigits(s), "FromSerial gives 8 digits");
  const auto parses_to_rx = [&](const std::string& spelling) {
    const Result<RxNumber> r = RxNumber::Parse(spelling);
    return r.ok() && *r == rx && r->str() == s;
  };
  RXD_FUZZ_CHECK(parses_to_rx(s), "a made Rx number parses back");
  RXD_FUZZ_CHECK(parses_to_rx(s.substr(0, 7) + "-" + s.substr(7)), "1234567-1 is accepted");
  RXD_FUZZ_CHECK(parses_to_rx(" " + s.substr(0, 7) + " " + s.substr(7) + "\t"), "1234567 1 is accepted");

  const auto refused_as_typo = [](const std::string& typo) {
    const Result<RxNumber> r = RxNumber::Parse(typo);
    return !r.ok() && r.error().code == "invalid_check_digit";
  };
  const std::size_t k = in.Next(1) % 8;
  std::string substituted = s;
  substituted[k] = static_cast<char>('0' + (s[k] - '0' + 1 + static_cast<int>(in.Next(1) % 9)) % 10);
  RXD_FUZZ_CHECK(refused_as_typo(substituted), "a one-digit change is caught");
  const std::size_t t = in.Next(1) % 7;
  if (s[t] != s[t + 1]) {
    std::string swapped = s;
    std::swap(swapped[t], swapped[t + 1]);
    RXD_FUZZ_CHECK(refused_as_typo(swapped), "an adjacent transposition is caught");
  }
}

// ---------------------------------------------------------------------------
// Member numbers: "M" + 8-digit serial + a Damm check digit.

// What ParseMemberNumber says to a wrong shape and to a typo.
const std::vector<std::string>& MemberMessages() {
  static const std::vector<std::string> messages = [] {
    const std::string valid = MemberNumberFromSerial(12345);
    const char typo = valid.back() == '9' ? '0' : static_cast<char>(valid.back() + 1);
    return std::vector<std::string>{ParseMemberNumber("").error().message,
                                    ParseMemberNumber(WithLastCharacter(valid, typo)).error().message};
  }();
  return messages;
}

void CheckMemberText(std::string_view text) {
  const Result<std::string> m = ParseMemberNumber(text);
  if (!m.ok()) {
    RXD_FUZZ_CHECK(m.error().code == "invalid_request", "member number refusal code");
    RXD_FUZZ_CHECK(m.error().field == "member_number", "member number refusal names the field");
    RXD_FUZZ_CHECK(IsFixedMessage(m.error().message, MemberMessages()),
                   "member number refusal message is a fixed text");
    return;
  }
  const std::string& canonical = *m;
  RXD_FUZZ_CHECK(canonical.size() == 10 && canonical[0] == 'M' && AllDigits(canonical.substr(1)),
                 "canonical form is M + 9 digits");
  const Result<std::string> again = ParseMemberNumber(canonical);
  RXD_FUZZ_CHECK(again.ok() && *again == canonical, "canonical form parses back to itself");
  std::uint32_t serial = 0;
  for (char c : canonical.substr(1, 8)) serial = serial * 10 + static_cast<std::uint32_t>(c - '0');
  RXD_FUZZ_CHECK(MemberNumberFromSerial(serial) == canonical, "the serial rebuilds the same number");
}

void CheckGeneratedMember(Bytes& in) {
  const auto serial = static_cast<std::uint32_t>(in.Next(4) % 100'000'000);
  const std::string m = MemberNumberFromSerial(serial);
  RXD_FUZZ_CHECK(m.size() == 10 && m[0] == 'M' && AllDigits(m.substr(1)), "MemberNumberFromSerial gives M + 9 digits");
  const auto parses_to_m = [&](const std::string& spelling) {
    const Result<std::string> r = ParseMemberNumber(spelling);
    return r.ok() && *r == m;
  };
  RXD_FUZZ_CHECK(parses_to_m(m), "a made member number parses back");
  RXD_FUZZ_CHECK(parses_to_m("m-" + m.substr(1, 4) + " " + m.substr(5)), "lower-case m, hyphens and spaces accepted");

  const auto refused = [](const std::string& typo) { return !ParseMemberNumber(typo).ok(); };
  const std::size_t k = 1 + in.Next(1) % 9;
  std::string substituted = m;
  substituted[k] = static_cast<char>('0' + (m[k] - '0' + 1 + static_cast<int>(in.Next(1) % 9)) % 10);
  RXD_FUZZ_CHECK(refused(substituted), "a one-digit change is caught");
  const std::size_t t = 1 + in.Next(1) % 8;
  if (m[t] != m[t + 1]) {
    std::string swapped = m;
    std::swap(swapped[t], swapped[t + 1]);
    RXD_FUZZ_CHECK(refused(swapped), "an adjacent transposition is caught");
  }
}

}  // namespace
}  // namespace rxdesk::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rxdesk::fuzz;
  const std::string_view text = AsText(data, size);
  CheckReferenceText(text);
  CheckRxText(text);
  CheckMemberText(text);

  Bytes in(data, size);
  CheckGeneratedReference(in);
  CheckGeneratedRx(in);
  CheckGeneratedMember(in);
  return 0;
}
