// Prescriptions: the value type and the checks a new one must pass.
//
//   NewPrescriptionInput in;
//   in.drug = {.ndc = "0002-3227-30", .name = "Atomoxetine", .strength = "40 mg", .form = "capsule"};
//   in.schedule = "none";  in.quantity = "30";  in.days_supply = 30;  in.refills_authorized = 3;
//   in.written_date = "2026-11-20";  in.prescriber = {.npi = "1234567893", .name = "Dr. Ana Ruiz"};
//   RXD_ASSIGN_OR_RETURN(Prescription rx, ValidateNewPrescription(in, today, PrescriptionPolicy{}));
//   rx.drug.ndc;   // "00002322730": always the 11-digit 5-4-2 form, no hyphens
//
// The Rx number is not part of the value: the store assigns it (domain/rx_number.h)
// when it persists the prescription, and keys the record by it. A prescription being
// validated has no number yet, and no rule reads one.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.h"
#include "domain/schedule.h"
#include "domain/time.h"

namespace rxdesk {

// A dispensed quantity in thousandths of the unit (tablets, mL, g), so 2.5 mL is
// 2500. Three decimals is the precision of NCPDP field 442-E7 (Quantity Dispensed,
// 9999999.999), which is what claims carry; no floating point is ever stored.
class Quantity {
 public:
  static constexpr std::int64_t kPerUnit = 1000;
  // NCPDP 442-E7 holds at most 7 whole digits: 9,999,999.999 units.
  static constexpr std::int64_t kMaxThousandths = 9'999'999'999;

  constexpr Quantity() = default;
  static constexpr Quantity FromThousandths(std::int64_t thousandths) { return Quantity(thousandths); }
  static constexpr Quantity FromUnits(std::int64_t units) { return Quantity(units * kPerUnit); }

  constexpr std::int64_t thousandths() const { return thousandths_; }
  constexpr auto operator<=>(const Quantity&) const = default;

 private:
  constexpr explicit Quantity(std::int64_t thousandths) : thousandths_(thousandths) {}
  std::int64_t thousandths_ = 0;
};

// Parses a plain decimal ("30", "2.5", "0.125"): digits, at most one '.', at most 3
// decimals, no sign, exponent or blanks; the JSON number's text fits. Refusal:
// invalid_request naming `field`, also for 0 and for more than 9,999,999.999.
Result<Quantity> ParseQuantity(std::string_view text, std::string_view field = "quantity");

// "30", "2.5", "0.125": the shortest decimal that reads back to the same quantity.
std::string FormatQuantity(Quantity quantity);

// Normalizes an NDC to its 11-digit billing form (5-4-2, no hyphens). Accepts the
// 10-digit labels with hyphens (4-4-2, 5-3-2, 5-4-1: the short segment gets a
// leading zero) and 11 digits with or without 5-4-2 hyphens; surrounding blanks are
// trimmed. Ten bare digits are refused: the segment to pad is unknowable.
// Refusal: invalid_request naming `field` (also for an all-zero labeler code).
Result<std::string> NormalizeNdc(std::string_view text, std::string_view field = "drug.ndc");

// True for 10 digits whose last is the Luhn check digit over "80840" + the first
// nine (the NPI standard, 45 CFR 162.406, ISO/IEC 7812 card-issuer prefix).
bool IsValidNpi(std::string_view npi);

// True for a DEA registration number: a registrant-type letter, the registrant's
// last-name initial (or '9' for a business), six digits and a check digit equal to
// the last digit of (d1 + d3 + d5) + 2 × (d2 + d4 + d6). Letters in upper case.
bool IsValidDeaNumber(std::string_view dea);

enum class RxStatus { kActive, kOnHold, kExpired, kTransferredOut, kCancelled };

// "active", "on_hold", "expired", "transferred_out", "cancelled" (the API's spelling).
std::string_view ToString(RxStatus status);
// The reverse of ToString; nullopt for anything else.
std::optional<RxStatus> ParseRxStatus(std::string_view text);

// NCPDP field 408-D8, Dispense As Written / product selection code: 0–9.
enum class DawCode : std::uint8_t {
  kNoProductSelectionIndicated = 0,
  kSubstitutionNotAllowedByPrescriber = 1,
  kPatientRequestedProduct = 2,
  kPharmacistSelectedProduct = 3,
  kGenericNotInStock = 4,
  kBrandDispensedAsGeneric = 5,
  kOverride = 6,
  kBrandMandatedByLaw = 7,
  kGenericNotAvailableInMarketplace = 8,
  kPlanRequestsBrand = 9,
};

// Whether the plan's prior authorization (PRODUCT.md §5) stands in the way of a fill.
enum class PriorAuth { kNotRequired, kPending, kApproved, kDenied };

struct Drug {
  std::string ndc;       // 11 digits, 5-4-2, no hyphens
  std::string name;
  std::string strength;  // may be empty, e.g. "10 mg", "5 mg/5 mL"
  std::string form;      // may be empty, e.g. "tablet"
};

struct Prescriber {
  std::string npi;   // 10 digits, Luhn-checked
  std::string name;
  std::string dea;   // empty unless given; always present for a controlled drug
};

// A prescription as the pharmacy holds it (PRODUCT.md §2). `refills_remaining` counts
// refills only: the original fill is not a refill, so 3 refills make 4 fills.
struct Prescription {
  Drug drug;
  Schedule schedule = Schedule::kNone;
  Quantity quantity;
  int days_supply = 0;
  int refills_authorized = 0;
  int refills_remaining = 0;
  Date written_date{};
  Prescriber prescriber;
  DawCode daw = DawCode::kNoProductSelectionIndicated;
  RxStatus status = RxStatus::kActive;
  // The formulary, not the prescriber, decides whether PA applies: set by the service.
  PriorAuth prior_auth = PriorAuth::kNotRequired;
};

// The body of POST /v1/members/{id}/prescriptions (API.md), borrowed from the parsed
// request. Numbers are int64 so that out-of-range JSON values reach the checks.
struct NewPrescriptionInput {
  struct DrugInput {
    std::string_view ndc;
    std::string_view name;
    std::string_view strength;
    std::string_view form;
  };
  struct PrescriberInput {
    std::string_view npi;
    std::string_view name;
    std::string_view dea;
  };
  DrugInput drug;
  std::string_view schedule;      // "none" | "II" | "III" | "IV" | "V"
  std::string_view quantity;      // decimal text, see ParseQuantity
  std::int64_t days_supply = 0;
  std::int64_t refills_authorized = 0;
  std::string_view written_date;  // YYYY-MM-DD
  PrescriberInput prescriber;
  std::int64_t daw = 0;           // absent in the request means 0
};

struct PrescriptionPolicy {
  // Not in PRODUCT.md: a year's supply in one fill is the most any plan we know of
  // pays for, and a longer one would outlive the 365-day expiry (PRODUCT.md §2).
  int max_days_supply = 365;
};

// NCPDP field 415-DF (Number of Refills Authorized) is two digits.
inline constexpr int kMaxRefillsAuthorized = 99;
// 21 CFR 1306.22(a): a Schedule III or IV prescription may be refilled at most 5 times.
inline constexpr int kMaxControlledRefills = 5;

// Checks a new prescription and returns it normalized: active, refills_remaining =
// refills_authorized, NDC in 11 digits, DEA upper-cased, text trimmed. Fields are
// checked in the order of the request body; the first fault is reported.
// Refusal: invalid_request with the field's path (`drug.ndc`, `prescriber.dea`,
// `written_date` when after `today`, ...); then the law: `schedule_ii_no_refills`
// (21 CFR 1306.12) and `controlled_refill_limit` (III–IV over 5, 21 CFR 1306.22(a)).
Result<Prescription> ValidateNewPrescription(const NewPrescriptionInput& input, Date today,
                                             const PrescriptionPolicy& policy);

}  // namespace rxdesk
