#include "domain/renewal_request.h"

#include <array>
#include <string>

#include "domain/enum_names.h"

namespace rxdesk {
namespace {

// The API answers every illegal state-machine move with this code (409), as for orders.
constexpr std::string_view kInvalidTransition = "invalid_transition";

constexpr std::array<std::string_view, 5> kStatusNames = {"requested", "sent", "approved", "denied", "cancelled"};
constexpr std::array<std::string_view, 4> kEventNames = {"sent", "approved", "denied", "cancelled"};

struct RenewalTransition {
  RenewalStatus from;
  RenewalEvent event;
  RenewalStatus to;
};

// PRODUCT.md §2: tracked with a status until the prescriber answers; the member
// or agent may withdraw the request until then.
constexpr std::array<RenewalTransition, 5> kTransitions = {{
    {RenewalStatus::kRequested, RenewalEvent::kSend, RenewalStatus::kSent},
    {RenewalStatus::kSent, RenewalEvent::kApprove, RenewalStatus::kApproved},
    {RenewalStatus::kSent, RenewalEvent::kDeny, RenewalStatus::kDenied},
    {RenewalStatus::kRequested, RenewalEvent::kCancel, RenewalStatus::kCancelled},
    {RenewalStatus::kSent, RenewalEvent::kCancel, RenewalStatus::kCancelled},
}};

}  // namespace

std::string_view ToString(RenewalStatus status) { return NameOf(kStatusNames, status); }
std::optional<RenewalStatus> ParseRenewalStatus(std::string_view text) {
  return ParseName<RenewalStatus>(kStatusNames, text);
}
std::string_view ToString(RenewalEvent event) { return NameOf(kEventNames, event); }
std::optional<RenewalEvent> ParseRenewalEvent(std::string_view text) {
  return ParseName<RenewalEvent>(kEventNames, text);
}

Status CheckRenewalEligibility(const RenewalCandidate& candidate) {
  if (candidate.schedule == Schedule::kII) {
    // 21 CFR 1306.12: no refills ever, so nothing to renew; the prescriber writes a new
    // prescription, which the pharmacy enters like any other.
    return MakeError(std::string(renewal_error::kScheduleIiNewPrescriptionRequired),
                     "a Schedule II prescription cannot be renewed: the prescriber must write a new one");
  }
  switch (candidate.refill.reason) {
    case RefillReason::kNoRefillsRemaining:
    case RefillReason::kExpired:
      return OkStatus();
    case RefillReason::kNotActive:
      return MakeError(std::string(renewal_error::kNotActive), "the prescription is not active");
    case RefillReason::kScheduleIiNoRefills:  // a Schedule II already refused above; kept for completeness
      return MakeError(std::string(renewal_error::kScheduleIiNewPrescriptionRequired),
                       "a Schedule II prescription cannot be renewed: the prescriber must write a new one");
    case RefillReason::kNone:
    case RefillReason::kTooSoon:
    case RefillReason::kPriorAuthRequired:
      break;
  }
  return MakeError(std::string(renewal_error::kRenewalNotNeeded), "the prescription can still be filled")
      .With("refills_remaining", std::to_string(candidate.refill.refills_remaining));
}

bool IsOpen(RenewalStatus status) { return status == RenewalStatus::kRequested || status == RenewalStatus::kSent; }

Result<RenewalStatus> TransitionRenewal(RenewalStatus current, RenewalEvent event) {
  for (const RenewalTransition& t : kTransitions) {
    if (t.from == current && t.event == event) return t.to;
  }
  return MakeError(std::string(kInvalidTransition), "event '" + std::string(ToString(event)) +
                                                        "' is not allowed when the request is " +
                                                        std::string(ToString(current)))
      .With("status", std::string(ToString(current)))
      .With("event", std::string(ToString(event)));
}

}  // namespace rxdesk
