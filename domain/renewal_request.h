// Renewal requests to the prescriber (PRODUCT.md §2, last bullet): when a
// prescription has no refills left (or has expired), the member or an agent asks
// the prescriber for a new one, and the request is tracked to the answer.
//
//   const RefillEligibility refill = CheckRefillEligibility(rx, last_fill, today, refill_policy);
//   RXD_TRY(CheckRenewalEligibility({.schedule = rx.schedule, .refill = refill}));
//   // store a request in kRequested, then as the pharmacist records each step:
//   RXD_ASSIGN_OR_RETURN(request.status, TransitionRenewal(request.status, RenewalEvent::kSend));
//
// There is no e-prescribing network: the pharmacist records that the request was
// sent, then the prescriber's answer. requested → sent → approved | denied; the
// member or agent may cancel until the prescriber answers.
//
// Error codes, in the order they are checked:
//   schedule_ii_new_prescription_required  Schedule II is never renewed: every fill needs
//                                          its own written prescription (21 CFR 1306.12)
//   not_active                             on hold, cancelled or transferred out
//   renewal_not_needed                     the prescription can still be filled
//                                          (details: refills_remaining)
//   invalid_transition                     from TransitionRenewal (details: status, event)
#pragma once

#include <optional>
#include <string_view>

#include "domain/refill.h"
#include "domain/result.h"
#include "domain/schedule.h"

namespace rxdesk {

enum class RenewalStatus { kRequested, kSent, kApproved, kDenied, kCancelled };
enum class RenewalEvent { kSend, kApprove, kDeny, kCancel };

namespace renewal_error {
inline constexpr std::string_view kScheduleIiNewPrescriptionRequired = "schedule_ii_new_prescription_required";
inline constexpr std::string_view kNotActive = "not_active";
inline constexpr std::string_view kRenewalNotNeeded = "renewal_not_needed";
}  // namespace renewal_error

// The prescription a renewal is asked for, as refill eligibility sees it today.
struct RenewalCandidate {
  Schedule schedule = Schedule::kNone;
  RefillEligibility refill;  // CheckRefillEligibility(rx, last fill, today, policy)
};

// "requested", "sent", "approved", "denied", "cancelled"; Parse takes exactly those, else nullopt.
std::string_view ToString(RenewalStatus status);
std::optional<RenewalStatus> ParseRenewalStatus(std::string_view text);

// "sent", "approved", "denied", "cancelled" (the status each event leads to); Parse likewise.
std::string_view ToString(RenewalEvent event);
std::optional<RenewalEvent> ParseRenewalEvent(std::string_view text);

// May a renewal be asked for? OK when refill eligibility says no_refills_remaining
// or expired (the prescriber must write again); else the first refusal above.
Status CheckRenewalEligibility(const RenewalCandidate& candidate);

// True while the prescriber has not answered (requested or sent): such a request
// blocks a second one for the same prescription.
bool IsOpen(RenewalStatus status);

// The next status of a renewal request. Approved, denied and cancelled are final.
// Refusal: invalid_transition (details: status, event).
Result<RenewalStatus> TransitionRenewal(RenewalStatus current, RenewalEvent event);

}  // namespace rxdesk
