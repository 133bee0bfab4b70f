// Adherence as proportion of days covered (PDC), PQA method (PRODUCT.md §6),
// and the at-risk signal that puts a member on the outreach list.
//
//   const MeasurementPeriod year{MakeDate(2026, 1, 1), today};     // year to date
//   RXD_ASSIGN_OR_RETURN(PdcMeasure pdc, ComputePdc(year, statin_fills, policy));
//   if (pdc.measured) Show(pdc.Fraction());                          // 0.0–1.0
//   AdherenceRisk risk = AssessAdherenceRisk(pdc, today, policy);
//   if (risk.reason != RiskReason::kNone) ListForOutreach(member, risk);
//
// The PQA method, as implemented (PQA PDC measure specifications):
// - Only fills dated inside the measurement period count. A fill before the
//   period start is ignored, supply and all: the index prescription start date
//   (IPSD) is the first fill *in* the period.
// - Treatment period: IPSD through the period's last day, inclusive.
// - A fill covers [fill date, fill date + days supply). A refill of the same drug
//   before the previous supply ran out starts when it runs out ("shifts
//   forward"); supply past the period's last day is not counted.
// - Fills of different drugs of one class (AdherenceFill::drug) do not shift one
//   another: they are concurrent therapy and a day counts once (PQA's worked
//   examples: metformin and glipizide filled the same day cover the same days).
// - Denominator: a member is measured only with at least two fills on different
//   dates in the period; otherwise the result says "not measured".
// - PDC = covered days / treatment days, compared with the threshold exactly
//   (integer arithmetic, no rounding).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

struct AdherencePolicy {
  // PRODUCT.md §6 (config): 80% is the adherent threshold (PQA's threshold for
  // diabetes, RAS antagonist and statin measures). Whole percent, 0–100.
  int adherent_threshold_percent = 80;
  // (config) A refill is late once today is more than this many days past the
  // day the supply ran out. PRODUCT.md §6 names late refills without a number;
  // 7 matches the refill-reminder lead time of PRODUCT.md §2.
  int late_refill_grace_days = 7;
  // Validation bound on one fill's days supply, not a PQA rule.
  int max_days_supply = 365;
};

// Inclusive on both ends: a calendar year is {Jan 1, Dec 31}.
struct MeasurementPeriod {
  Date first;
  Date last;
};

// One dispensed fill of a drug in the class being measured.
struct AdherenceFill {
  Date date;
  int days_supply = 0;
  std::uint32_t drug = 0;  // the caller's id for the drug (ingredient); fills of one id shift each other
};

struct PdcMeasure {
  bool measured = false;               // PQA denominator met: >= 2 fills on different dates in the period
  int fills_in_period = 0;
  std::optional<Date> index_date;      // IPSD: first fill in the period; empty when none
  int treatment_days = 0;              // IPSD..period.last inclusive; 0 when no fill in the period
  int covered_days = 0;                // 0..treatment_days
  bool adherent = false;               // measured and covered/treatment >= the threshold
  std::optional<Date> supply_runs_out; // first day without supply after the shifted fills, not truncated

  // covered_days / treatment_days, 0 when there is no treatment period.
  double Fraction() const { return treatment_days > 0 ? static_cast<double>(covered_days) / treatment_days : 0.0; }
};

// PDC of one member for one drug class over `period`, per the PQA method above.
// Fills may come in any order (already sorted by date is fastest: no copy).
// O(n) for sorted one-drug input, O(n log n) otherwise; allocates only past 64
// fills when it must sort. Requires a policy threshold of 0–100.
// Refusal: invalid_request on "period" (last before first) or
// "fills[i].days_supply" (outside 1..max_days_supply).
Result<PdcMeasure> ComputePdc(MeasurementPeriod period, std::span<const AdherenceFill> fills,
                              const AdherencePolicy& policy = {});

// Why a member is on the outreach list; a late refill ranks first because the
// member is out of medication now.
enum class RiskReason : std::uint8_t {
  kNone,
  kLateRefill,            // today is more than late_refill_grace_days past supply_runs_out
  kLowPdc,                // measured and below the adherent threshold
  kLateRefillAndLowPdc,
};

struct AdherenceRisk {
  RiskReason reason = RiskReason::kNone;
  int days_late = 0;  // today - supply_runs_out when positive, else 0 (reported even within the grace)
};

// The at-risk signal (PRODUCT.md §6: "PDC trend, late refills") for a measure
// computed over a period ending today. A member who is not measured can still be
// late (a first fill never refilled). Never refuses.
AdherenceRisk AssessAdherenceRisk(const PdcMeasure& pdc, Date today, const AdherencePolicy& policy = {});

}  // namespace rxdesk
