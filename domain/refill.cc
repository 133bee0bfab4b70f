#include "domain/refill.h"

#include <algorithm>
#include <array>
#include <cassert>

namespace rxdesk {
namespace {

// 21 CFR 1306.22(a): no Schedule III–IV fill "more than six months after" issue.
constexpr int kControlledLifeMonths = 6;

struct RefillFacts {
  const Prescription& rx;
  bool dispensed;  // false: the request is for the original fill
  Date today;
  Date last_valid_day;
  Date next_eligible_date;  // meaningful only when dispensed
};

struct RefillRule {
  RefillReason reason;
  bool (*applies)(const RefillFacts&);
  std::string_view code;
  std::string_view message;  // for people, never PHI
};

// PRODUCT.md §2, in its order: the first rule that applies is the answer.
constexpr std::array<RefillRule, 6> kRefillRules{{
    {RefillReason::kScheduleIiNoRefills,
     [](const RefillFacts& f) { return f.dispensed && f.rx.schedule == Schedule::kII; }, "schedule_ii_no_refills",
     "a Schedule II prescription cannot be refilled (21 CFR 1306.12); a new prescription is needed"},
    {RefillReason::kNotActive,
     [](const RefillFacts& f) {
       return f.rx.status == RxStatus::kOnHold || f.rx.status == RxStatus::kCancelled ||
              f.rx.status == RxStatus::kTransferredOut;
     },
     "not_active", "the prescription is on hold, cancelled or transferred out"},
    {RefillReason::kExpired,
     [](const RefillFacts& f) { return f.rx.status == RxStatus::kExpired || f.today > f.last_valid_day; },
     "expired", "the prescription has expired; a new prescription is needed"},
    {RefillReason::kNoRefillsRemaining,
     [](const RefillFacts& f) { return f.dispensed && f.rx.refills_remaining <= 0; }, "no_refills_remaining",
     "no refills remain; a renewal can be requested from the prescriber"},
    {RefillReason::kTooSoon, [](const RefillFacts& f) { return f.dispensed && f.today < f.next_eligible_date; },
     "too_soon", "it is too soon to refill this prescription"},
    {RefillReason::kPriorAuthRequired,
     [](const RefillFacts& f) {
       return f.rx.prior_auth == PriorAuth::kPending || f.rx.prior_auth == PriorAuth::kDenied;
     },
     "prior_auth_required", "the plan requires an approved prior authorization"},
}};

const RefillRule* FindRule(RefillReason reason) {
  for (const RefillRule& rule : kRefillRules) {
    if (rule.reason == reason) return &rule;
  }
  return nullptr;
}

// The same day-of-month `months` later, clamped to the end of a shorter month.
Date AddMonthsClamped(Date date, int months) {
  using namespace std::chrono;
  const year_month_day ymd{date};
  const year_month target = year_month{ymd.year(), ymd.month()} + std::chrono::months{months};
  const day last = year_month_day_last{target.year(), month_day_last{target.month()}}.day();
  return sys_days{target / std::min(ymd.day(), last)};
}

}  // namespace

std::string_view ToString(RefillReason reason) {
  const RefillRule* rule = FindRule(reason);
  return rule == nullptr ? std::string_view() : rule->code;
}

Date LastValidDay(Schedule schedule, Date written, const RefillPolicy& policy) {
  switch (schedule) {
    case Schedule::kIII:
    case Schedule::kIV:
      return AddMonthsClamped(written, kControlledLifeMonths);
    case Schedule::kV:
      return written + Days{policy.schedule_v_expiry_days};
    case Schedule::kNone:
    case Schedule::kII:
      break;
  }
  return written + Days{policy.non_controlled_expiry_days};
}

Date NextEligibleDate(const LastFill& last, Schedule schedule, const RefillPolicy& policy) {
  const std::int64_t percent =
      IsControlled(schedule) ? policy.controlled_threshold_percent : policy.non_controlled_threshold_percent;
  const std::int64_t supply = std::max(last.days_supply, 0);
  // ceil(supply × percent / 100) without floating point.
  const std::int64_t wait = (supply * percent + 99) / 100;
  return last.date + Days{wait};
}

RefillEligibility CheckRefillEligibility(const Prescription& rx, const std::optional<LastFill>& last_fill,
                                         Date today, const RefillPolicy& policy) {
  const RefillFacts facts{
      .rx = rx,
      .dispensed = last_fill.has_value(),
      .today = today,
      .last_valid_day = LastValidDay(rx.schedule, rx.written_date, policy),
      .next_eligible_date = last_fill ? NextEligibleDate(*last_fill, rx.schedule, policy) : today,
  };
  RefillEligibility result;
  result.refills_remaining = rx.refills_remaining;
  for (const RefillRule& rule : kRefillRules) {
    if (!rule.applies(facts)) continue;
    result.reason = rule.reason;
    if (rule.reason == RefillReason::kTooSoon && facts.next_eligible_date <= facts.last_valid_day) {
      result.next_eligible_date = facts.next_eligible_date;
    }
    return result;
  }
  result.eligible = true;
  return result;
}

Error RefusalError(const RefillEligibility& eligibility) {
  assert(!eligibility.eligible);
  const RefillRule* rule = FindRule(eligibility.reason);
  if (rule == nullptr) return MakeError("internal", "refusal without a reason");
  Error error = MakeError(std::string(rule->code), std::string(rule->message));
  if (eligibility.next_eligible_date) {
    error.details.emplace_back("next_eligible_date", FormatDate(*eligibility.next_eligible_date));
  }
  // PRODUCT.md §2: no refills left offers a renewal request to the prescriber.
  if (eligibility.reason == RefillReason::kNoRefillsRemaining) error.details.emplace_back("renewal", "available");
  return error;
}

Result<FillOutcome> ApplyFill(const Prescription& rx, bool previously_dispensed) {
  if (!previously_dispensed) return FillOutcome{FillKind::kOriginal, rx.refills_remaining};
  if (rx.schedule == Schedule::kII) {
    return MakeError("schedule_ii_no_refills", std::string(FindRule(RefillReason::kScheduleIiNoRefills)->message));
  }
  if (rx.refills_remaining <= 0) {
    return MakeError("no_refills_remaining", std::string(FindRule(RefillReason::kNoRefillsRemaining)->message));
  }
  return FillOutcome{FillKind::kRefill, rx.refills_remaining - 1};
}

}  // namespace rxdesk
