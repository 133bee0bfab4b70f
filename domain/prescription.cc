#include "domain/prescription.h"

#include <array>
#include <utility>

#include "domain/contact_info.h"

namespace rxdesk {
namespace {

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
constexpr bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

bool AllDigits(std::string_view s) {
  for (const char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// People key identifiers in from faxes: a stray blank at either end is not a fault.
std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Free text such as a drug name: trimmed, printable UTF-8, at most `max_bytes`.
Result<std::string> ValidateText(std::string_view text, std::string_view field, bool required,
                                 std::size_t max_bytes) {
  const std::string_view trimmed = TrimBlanks(text);
  if (!IsPrintableUtf8(trimmed)) return InvalidField(std::string(field), "must be text without control characters");
  if (required && trimmed.empty()) return InvalidField(std::string(field), "is required");
  if (trimmed.size() > max_bytes) {
    return InvalidField(std::string(field), "must be at most " + std::to_string(max_bytes) + " characters");
  }
  return std::string(trimmed);
}

constexpr std::array<std::pair<RxStatus, std::string_view>, 5> kStatusNames{{
    {RxStatus::kActive, "active"},
    {RxStatus::kOnHold, "on_hold"},
    {RxStatus::kExpired, "expired"},
    {RxStatus::kTransferredOut, "transferred_out"},
    {RxStatus::kCancelled, "cancelled"},
}};

// The three 10-digit NDC labels and the 11-digit one, as segment lengths, each
// with the segment that takes a leading zero to reach 5-4-2 (FDA, 21 CFR 207.35).
struct NdcLayout {
  std::size_t labeler, product, package;
};
constexpr std::array<NdcLayout, 4> kNdcLayouts{{{4, 4, 2}, {5, 3, 2}, {5, 4, 1}, {5, 4, 2}}};

constexpr std::size_t kMaxDrugNameBytes = 200;
constexpr std::size_t kMaxDrugDetailBytes = 100;

}  // namespace

Result<Quantity> ParseQuantity(std::string_view text, std::string_view field) {
  const auto bad = [&] {
    return InvalidField(std::string(field), "must be a decimal number such as 30 or 2.5, with at most 3 decimals");
  };
  constexpr std::int64_t kMaxWhole = Quantity::kMaxThousandths / Quantity::kPerUnit;
  std::size_t i = 0;
  std::int64_t whole = 0;
  while (i < text.size() && IsDigit(text[i])) {
    whole = whole * 10 + (text[i] - '0');
    if (whole > kMaxWhole) return InvalidField(std::string(field), "must be at most 9999999.999");
    ++i;
  }
  if (i == 0) return bad();
  std::int64_t fraction = 0;
  std::int64_t place = Quantity::kPerUnit;
  if (i < text.size() && text[i] == '.') {
    const std::size_t first = ++i;
    for (; i < text.size() && IsDigit(text[i]); ++i) {
      place /= 10;
      if (place == 0) {
        if (text[i] != '0') return bad();  // a fourth decimal is finer than NCPDP can carry
        continue;
      }
      fraction += (text[i] - '0') * place;
    }
    if (i == first) return bad();
  }
  if (i != text.size()) return bad();
  const std::int64_t thousandths = whole * Quantity::kPerUnit + fraction;
  if (thousandths == 0) return InvalidField(std::string(field), "must be more than 0");
  return Quantity::FromThousandths(thousandths);
}

std::string FormatQuantity(Quantity quantity) {
  const std::int64_t t = quantity.thousandths();
  std::string out = std::to_string(t / Quantity::kPerUnit);
  std::int64_t fraction = t % Quantity::kPerUnit;
  if (fraction == 0) return out;
  char digits[4] = {static_cast<char>('0' + fraction / 100), static_cast<char>('0' + fraction / 10 % 10),
                    static_cast<char>('0' + fraction % 10), '\0'};
  std::size_t n = 3;
  while (digits[n - 1] == '0') --n;
  out.push_back('.');
  out.append(digits, n);
  return out;
}

Result<std::string> NormalizeNdc(std::string_view text, std::string_view field) {
  const auto bad = [&] {
    return InvalidField(std::string(field),
                        "must be an NDC of 10 digits with hyphens (4-4-2, 5-3-2, 5-4-1) or 11 digits (5-4-2)");
  };
  const std::string_view ndc = TrimBlanks(text);
  std::string out;
  if (ndc.size() == 11 && AllDigits(ndc)) {
    out = std::string(ndc);
  } else {
    const std::size_t first = ndc.find('-');
    const std::size_t second = first == std::string_view::npos ? first : ndc.find('-', first + 1);
    if (second == std::string_view::npos || ndc.find('-', second + 1) != std::string_view::npos) return bad();
    const std::string_view labeler = ndc.substr(0, first);
    const std::string_view product = ndc.substr(first + 1, second - first - 1);
    const std::string_view package = ndc.substr(second + 1);
    if (!AllDigits(labeler) || !AllDigits(product) || !AllDigits(package)) return bad();
    bool known = false;
    for (const NdcLayout& l : kNdcLayouts) {
      known = known || (labeler.size() == l.labeler && product.size() == l.product && package.size() == l.package);
    }
    if (!known) return bad();
    out.reserve(11);
    out.append(5 - labeler.size(), '0').append(labeler);
    out.append(4 - product.size(), '0').append(product);
    out.append(2 - package.size(), '0').append(package);
  }
  if (out.compare(0, 5, "00000") == 0) return InvalidField(std::string(field), "has no labeler code (all zeros)");
  return out;
}

bool IsValidNpi(std::string_view npi) {
  if (npi.size() != 10 || !AllDigits(npi)) return false;
  // The "80840" prefix always contributes 24 to the Luhn sum (CMS, NPI check digit).
  int sum = 24;
  for (int i = 8, k = 0; i >= 0; --i, ++k) {
    int d = npi[static_cast<std::size_t>(i)] - '0';
    if (k % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - sum % 10) % 10 == npi[9] - '0';
}

bool IsValidDeaNumber(std::string_view dea) {
  if (dea.size() != 9 || !IsUpper(dea[0]) || !(IsUpper(dea[1]) || dea[1] == '9')) return false;
  const std::string_view digits = dea.substr(2);
  if (!AllDigits(digits)) return false;
  const auto d = [&](std::size_t i) { return digits[i] - '0'; };
  const int check = d(0) + d(2) + d(4) + 2 * (d(1) + d(3) + d(5));
  return check % 10 == d(6);
}

std::string_view ToString(RxStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "active";
}

std::optional<RxStatus> ParseRxStatus(std::string_view text) {
  for (const auto& [status, name] : kStatusNames) {
    if (name == text) return status;
  }
  return std::nullopt;
}

Result<Prescription> ValidateNewPrescription(const NewPrescriptionInput& input, Date today,
                                             const PrescriptionPolicy& policy) {
  Prescription rx;
  RXD_ASSIGN_OR_RETURN(rx.drug.ndc, NormalizeNdc(input.drug.ndc, "drug.ndc"));
  RXD_ASSIGN_OR_RETURN(rx.drug.name, ValidateText(input.drug.name, "drug.name", true, kMaxDrugNameBytes));
  RXD_ASSIGN_OR_RETURN(rx.drug.strength,
                       ValidateText(input.drug.strength, "drug.strength", false, kMaxDrugDetailBytes));
  RXD_ASSIGN_OR_RETURN(rx.drug.form, ValidateText(input.drug.form, "drug.form", false, kMaxDrugDetailBytes));

  const std::optional<Schedule> schedule = ParseSchedule(input.schedule);
  if (!schedule) return InvalidField("schedule", "must be one of none, II, III, IV, V");
  rx.schedule = *schedule;

  RXD_ASSIGN_OR_RETURN(rx.quantity, ParseQuantity(input.quantity, "quantity"));

  if (input.days_supply < 1 || input.days_supply > policy.max_days_supply) {
    return InvalidField("days_supply", "must be from 1 to " + std::to_string(policy.max_days_supply) + " days");
  }
  rx.days_supply = static_cast<int>(input.days_supply);

  if (input.refills_authorized < 0 || input.refills_authorized > kMaxRefillsAuthorized) {
    return InvalidField("refills_authorized", "must be from 0 to " + std::to_string(kMaxRefillsAuthorized));
  }
  rx.refills_authorized = static_cast<int>(input.refills_authorized);
  rx.refills_remaining = rx.refills_authorized;

  RXD_ASSIGN_OR_RETURN(rx.written_date, ParseDate(input.written_date, "written_date"));
  if (rx.written_date > today) return InvalidField("written_date", "must not be in the future");

  const std::string_view npi = TrimBlanks(input.prescriber.npi);
  if (!IsValidNpi(npi)) return InvalidField("prescriber.npi", "must be a 10-digit NPI with a valid check digit");
  rx.prescriber.npi = std::string(npi);
  RXD_ASSIGN_OR_RETURN(rx.prescriber.name, ValidatePersonName(input.prescriber.name, "prescriber.name"));

  std::string dea(TrimBlanks(input.prescriber.dea));
  for (char& c : dea) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  if (dea.empty() && IsControlled(rx.schedule)) {
    // 21 CFR 1306.05(a): a controlled-substance prescription bears the prescriber's DEA number.
    return InvalidField("prescriber.dea", "is required for a controlled substance");
  }
  if (!dea.empty() && !IsValidDeaNumber(dea)) {
    return InvalidField("prescriber.dea", "must be a DEA number: 2 letters and 7 digits with a valid check digit");
  }
  rx.prescriber.dea = std::move(dea);

  if (input.daw < 0 || input.daw > 9) return InvalidField("daw", "must be a DAW code from 0 to 9");
  rx.daw = static_cast<DawCode>(input.daw);

  if (rx.schedule == Schedule::kII && rx.refills_authorized > 0) {
    return MakeError("schedule_ii_no_refills", "a Schedule II prescription cannot have refills (21 CFR 1306.12)",
                     "refills_authorized");
  }
  if ((rx.schedule == Schedule::kIII || rx.schedule == Schedule::kIV) &&
      rx.refills_authorized > kMaxControlledRefills) {
    return MakeError("controlled_refill_limit",
                     "a Schedule III or IV prescription may have at most 5 refills (21 CFR 1306.22(a))",
                     "refills_authorized");
  }
  return rx;
}

}  // namespace rxdesk
