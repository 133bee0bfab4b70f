#include "domain/refill_reminder.h"

#include <algorithm>

namespace rxdesk {

Status ValidateRefillReminderPolicy(const RefillReminderPolicy& policy) {
  if (policy.days_before < 0 || policy.days_before > 90) {
    return InvalidField("days_before", "must be from 0 to 90 days");
  }
  return OkStatus();
}

Date SupplyRunsOutOn(const LastFill& last) { return last.date + Days{std::max(0, last.days_supply)}; }

bool ReminderDue(const LastFill& last, Date as_of, const RefillReminderPolicy& policy) {
  const Date runs_out = SupplyRunsOutOn(last);
  return as_of >= runs_out - Days{policy.days_before} && as_of <= runs_out;
}

std::string_view ToString(AutoRefillStep step) {
  switch (step) {
    case AutoRefillStep::kPlaceOrder:
      return "place_order";
    case AutoRefillStep::kWait:
      return "wait";
    case AutoRefillStep::kTellMember:
      return "tell_member";
  }
  return "tell_member";
}

AutoRefillStep DecideAutoRefill(const RefillEligibility& eligibility) {
  if (eligibility.eligible) return AutoRefillStep::kPlaceOrder;
  if (eligibility.reason == RefillReason::kTooSoon && eligibility.next_eligible_date) return AutoRefillStep::kWait;
  return AutoRefillStep::kTellMember;
}

}  // namespace rxdesk
