// Refill reminders and auto-refill (PRODUCT.md §2): when a prescription's supply
// cycle is due for its reminder, and what auto-refill does with a refill check.
//
//   const RefillReminderPolicy policy;                 // days_before = 7
//   const LastFill last{filled_on, 30};                // the cycle: the last fill
//   if (ReminderDue(last, today, policy)) Remind();    // 7 days before it runs out, through that day
//   switch (DecideAutoRefill(CheckRefillEligibility(rx, last, today, refill_policy))) {
//     case AutoRefillStep::kPlaceOrder: PlaceRefill(); break;   // eligible today
//     case AutoRefillStep::kWait: break;                         // too soon: a later run orders it
//     case AutoRefillStep::kTellMember: TellOnce(); break;       // waiting will not help
//   }
//
// A cycle is one dispensing: it starts with a fill and its supply runs out
// days_supply days later (a 30-day fill on Jan 1 covers Jan 1–30 and runs out
// Jan 31, the convention of domain/adherence.h). Each cycle gets at most one
// reminder and one automatic refill; the services key them by Rx and fill date.
#pragma once

#include <cstdint>
#include <string_view>

#include "domain/refill.h"
#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

struct RefillReminderPolicy {
  // PRODUCT.md §2 (config): "a reminder goes out 7 days before the supply runs
  // out". A week leaves time for a mail-order refill: standard delivery takes
  // 7–10 business days, expedited 3–5 (§4). Requires 0–90; 0 reminds on the day.
  int days_before = 7;
};

// Refusal: invalid_request naming "days_before" (outside 0–90).
Status ValidateRefillReminderPolicy(const RefillReminderPolicy& policy);

// The first day without medication: last.date + days supply (a negative days
// supply counts as 0: the supply runs out on the fill date).
Date SupplyRunsOutOn(const LastFill& last);

// Whether `as_of` lies in the cycle's reminder window: from days_before days
// before the supply runs out through the day it runs out, both included. Before
// it the reminder is not due yet; after it the supply has run out and "runs out
// soon" would be wrong (late refills are adherence outreach, domain/adherence.h).
bool ReminderDue(const LastFill& last, Date as_of, const RefillReminderPolicy& policy);

// What auto-refill does with a prescription whose cycle is due.
enum class AutoRefillStep : std::uint8_t {
  kPlaceOrder,  // eligible: place the refill through the normal refill path
  kWait,        // too soon with a next eligible date: a later run of the same cycle orders it
  kTellMember,  // any other refusal, which waiting will not lift: tell the member once per cycle
};

// "place_order" | "wait" | "tell_member".
std::string_view ToString(AutoRefillStep step);

// Eligible: kPlaceOrder. too_soon with a next_eligible_date: kWait (the date
// lies within the cycle, since the threshold is at most 100% of the supply).
// too_soon without one (the prescription expires first), Schedule II, not
// active, expired, no refills remaining, prior authorization: kTellMember.
AutoRefillStep DecideAutoRefill(const RefillEligibility& eligibility);

}  // namespace rxdesk
