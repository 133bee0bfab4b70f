// Switching a maintenance drug from 30-day retail to 90-day mail order
// (PRODUCT.md §4): who may ask, and the tracked request to the prescriber.
//
//   RXD_TRY(CheckMailOrderSwitchEligibility(
//       {.maintenance = drug.maintenance, .schedule = rx.schedule, .days_supply = rx.days_supply}, policy));
//   // store a request in kRequested, then as the prescriber answers:
//   RXD_ASSIGN_OR_RETURN(request.status,
//                        TransitionMailOrderSwitch(request.status, MailOrderSwitchEvent::kSendToPrescriber));
//
// The switch always needs a new 90-day prescription or the prescriber's
// approval, so the request goes requested → sent_to_prescriber → approved |
// denied, and can be cancelled until the prescriber answers.
//
// Error codes, in the order they are checked:
//   invalid_request            days_supply ≤ 0 or an unknown schedule (field names it)
//   schedule_ii_not_eligible   Schedule II (see below)
//   not_maintenance_medication acute drugs are not switched
//   days_supply_not_retail     the current fill is already longer than a retail month
//   invalid_transition         from TransitionMailOrderSwitch
#pragma once

#include <optional>
#include <string_view>

#include "domain/prescription.h"
#include "domain/result.h"
#include "domain/schedule.h"

namespace rxdesk {

enum class MailOrderSwitchStatus { kRequested, kSentToPrescriber, kApproved, kDenied, kCancelled };
enum class MailOrderSwitchEvent { kSendToPrescriber, kApprove, kDeny, kCancel };

namespace mail_order_switch_error {
inline constexpr std::string_view kScheduleIiNotEligible = "schedule_ii_not_eligible";
inline constexpr std::string_view kNotMaintenanceMedication = "not_maintenance_medication";
inline constexpr std::string_view kDaysSupplyNotRetail = "days_supply_not_retail";
}  // namespace mail_order_switch_error

struct MailOrderSwitchPolicy {
  // A "30-day" retail prescription: PBMs, and CMS for Part D's one-month
  // supply, count up to 34 days as one month. Not in PRODUCT.md; shipped default.
  int max_retail_days_supply = 34;
  // PRODUCT.md §4 ("90-day mail order"): the days supply of the new mail prescription.
  int mail_days_supply = 90;
};

// The current retail prescription being considered.
struct MailOrderSwitchCandidate {
  bool maintenance = false;             // chronic-use drug per the formulary
  Schedule schedule = Schedule::kNone;
  int days_supply = 0;                  // of the current retail prescription
};

// "requested", "sent_to_prescriber", "approved", "denied", "cancelled"; Parse takes
// exactly those, else nullopt.
std::string_view ToString(MailOrderSwitchStatus status);
std::optional<MailOrderSwitchStatus> ParseMailOrderSwitchStatus(std::string_view text);

// "sent_to_prescriber", "approved", "denied", "cancelled"; Parse likewise.
std::string_view ToString(MailOrderSwitchEvent event);
std::optional<MailOrderSwitchEvent> ParseMailOrderSwitchEvent(std::string_view text);

// May this prescription be switched? OK, or the first refusal in the list above.
// Requires policy.max_retail_days_supply > 0.
Status CheckMailOrderSwitchEligibility(const MailOrderSwitchCandidate& candidate,
                                       const MailOrderSwitchPolicy& policy);

// The quantity of the new mail prescription: the retail quantity × mail_days_supply /
// retail_days_supply, the same daily dose for the longer supply, rounded up (a retail
// quantity in whole units stays in whole units: tablets are not split; 30 tablets for
// 30 days make 90, 45 for 28 make 145, 2.5 mL for 30 days make 7.5 mL).
// Refusal: invalid_request naming "days_supply" (≤ 0), "mail_days_supply" (outside
// 1–365) or "quantity" (the result exceeds Quantity::kMaxThousandths).
Result<Quantity> ScaleQuantityToMailSupply(Quantity retail_quantity, int retail_days_supply,
                                           const MailOrderSwitchPolicy& policy);

// The next status of a switch request. Approved, denied and cancelled are final.
// Refusal: invalid_transition (details: status, event).
Result<MailOrderSwitchStatus> TransitionMailOrderSwitch(MailOrderSwitchStatus current, MailOrderSwitchEvent event);

}  // namespace rxdesk
