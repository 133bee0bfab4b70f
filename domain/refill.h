// Refill eligibility (PRODUCT.md §2): may this prescription be filled again today,
// and if not, why and from when.
//
//   const RefillEligibility e = CheckRefillEligibility(rx, LastFill{filled_on, 30}, today, policy);
//   if (!e.eligible) return RefusalError(e);   // 422 too_soon, details.next_eligible_date
//   RXD_ASSIGN_OR_RETURN(FillOutcome fill, ApplyFill(rx, /*previously_dispensed=*/true));
//   rx.refills_remaining = fill.refills_remaining;
//
// A prescription never dispensed is asking for its original fill, which is not a
// refill: the refill-only rules (Schedule II, refills remaining, too soon) do not
// apply to it, so a new Schedule II or zero-refill prescription can be filled once.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "domain/prescription.h"
#include "domain/result.h"
#include "domain/schedule.h"
#include "domain/time.h"

namespace rxdesk {

struct RefillPolicy {
  // PRODUCT.md §2 (config per state; state law, not federal): a non-controlled
  // prescription expires 365 days after it was written. Federal law sets no limit
  // for Schedule II either, so an unfilled one uses this figure too.
  int non_controlled_expiry_days = 365;
  // PRODUCT.md §2 (config per state): Schedule V has no federal limit; same default.
  int schedule_v_expiry_days = 365;
  // PRODUCT.md §2 (config per plan; Mississippi Medicaid rule 23-214-1-7): share of the
  // last fill's days supply that must elapse before a refill. Requires 0–100.
  int non_controlled_threshold_percent = 75;
  int controlled_threshold_percent = 85;  // Schedules III–V (and II, were it refillable)
};

// The most recent dispensing of the prescription, at any pharmacy: a transferred-in
// prescription carries the transferring pharmacy's last fill (21 CFR 1306.25(b)).
struct LastFill {
  Date date;
  int days_supply = 0;
};

// Why a refill is refused, in the order PRODUCT.md §2 checks them: the first that
// applies wins. kNone when eligible.
enum class RefillReason : std::uint8_t {
  kNone,
  kScheduleIiNoRefills,
  kNotActive,
  kExpired,
  kNoRefillsRemaining,
  kTooSoon,
  kPriorAuthRequired,
};

// The API's code: "schedule_ii_no_refills", "not_active", "expired",
// "no_refills_remaining", "too_soon", "prior_auth_required"; "" for kNone.
std::string_view ToString(RefillReason reason);

struct RefillEligibility {
  bool eligible = false;
  RefillReason reason = RefillReason::kNone;
  // Set only for too_soon, and only when that day is still within the prescription's
  // life: "the next possible date where one exists" (PRODUCT.md §2).
  std::optional<Date> next_eligible_date;
  int refills_remaining = 0;  // the prescription's, before this fill

  bool operator==(const RefillEligibility&) const = default;
};

// Decides whether `rx` may be dispensed on `today`. `last_fill` is nullopt when it has
// never been dispensed (the next fill is then the original). Never fails: a refusal is
// an answer, carried in the result. Does not allocate.
RefillEligibility CheckRefillEligibility(const Prescription& rx, const std::optional<LastFill>& last_fill,
                                         Date today, const RefillPolicy& policy);

// The last day a prescription written on `written` may be dispensed. III–IV: the same
// day-of-month 6 calendar months later, clamped to that month's end (2024-08-31 ->
// 2025-02-28); 21 CFR 1306.22(a) forbids filling "more than six months after" issue,
// so that day itself is still valid. Others: written + the policy's expiry days.
Date LastValidDay(Schedule schedule, Date written, const RefillPolicy& policy);

// last.date + ceil(days supply × threshold% / 100), in integer arithmetic: 30 days at
// 75% gives day 23 (22.5 rounded up). Negative days supply counts as 0.
Date NextEligibleDate(const LastFill& last, Schedule schedule, const RefillPolicy& policy);

// The 422 body for a refusal: code = ToString(reason), details.next_eligible_date
// (YYYY-MM-DD) when known, details.renewal = "available" for no_refills_remaining
// (a renewal request may be made, domain/renewal_request.h). Requires !eligibility.eligible.
Error RefusalError(const RefillEligibility& eligibility);

enum class FillKind { kOriginal, kRefill };

struct FillOutcome {
  FillKind kind = FillKind::kOriginal;
  int refills_remaining = 0;  // after this fill
};

// Counts one more dispensing: the first is the original fill and uses no refill
// ("3 refills" means 4 fills, PRODUCT.md §2); every later one uses one refill.
// Refusal: schedule_ii_no_refills for a second Schedule II fill, else
// no_refills_remaining when a refill is needed and none remain.
Result<FillOutcome> ApplyFill(const Prescription& rx, bool previously_dispensed);

}  // namespace rxdesk
