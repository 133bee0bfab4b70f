#include "domain/mail_order_switch.h"

#include <array>
#include <cstdint>
#include <string>

#include "domain/enum_names.h"

namespace rxdesk {
namespace {

// The API answers every illegal state-machine move with this code (409), as for orders.
constexpr std::string_view kInvalidTransition = "invalid_transition";

constexpr std::array<std::string_view, 5> kStatusNames = {"requested", "sent_to_prescriber", "approved", "denied",
                                                          "cancelled"};
constexpr std::array<std::string_view, 4> kEventNames = {"sent_to_prescriber", "approved", "denied", "cancelled"};

struct SwitchTransition {
  MailOrderSwitchStatus from;
  MailOrderSwitchEvent event;
  MailOrderSwitchStatus to;
};

// PRODUCT.md §4: the prescriber must answer (a new 90-day prescription or a
// refusal); the member or agent may withdraw the request until then.
constexpr std::array<SwitchTransition, 5> kTransitions = {{
    {MailOrderSwitchStatus::kRequested, MailOrderSwitchEvent::kSendToPrescriber,
     MailOrderSwitchStatus::kSentToPrescriber},
    {MailOrderSwitchStatus::kSentToPrescriber, MailOrderSwitchEvent::kApprove, MailOrderSwitchStatus::kApproved},
    {MailOrderSwitchStatus::kSentToPrescriber, MailOrderSwitchEvent::kDeny, MailOrderSwitchStatus::kDenied},
    {MailOrderSwitchStatus::kRequested, MailOrderSwitchEvent::kCancel, MailOrderSwitchStatus::kCancelled},
    {MailOrderSwitchStatus::kSentToPrescriber, MailOrderSwitchEvent::kCancel, MailOrderSwitchStatus::kCancelled},
}};

}  // namespace

std::string_view ToString(MailOrderSwitchStatus status) { return NameOf(kStatusNames, status); }
std::optional<MailOrderSwitchStatus> ParseMailOrderSwitchStatus(std::string_view text) {
  return ParseName<MailOrderSwitchStatus>(kStatusNames, text);
}
std::string_view ToString(MailOrderSwitchEvent event) { return NameOf(kEventNames, event); }
std::optional<MailOrderSwitchEvent> ParseMailOrderSwitchEvent(std::string_view text) {
  return ParseName<MailOrderSwitchEvent>(kEventNames, text);
}

Status CheckMailOrderSwitchEligibility(const MailOrderSwitchCandidate& candidate, const MailOrderSwitchPolicy& policy) {
  if (candidate.days_supply <= 0) return InvalidField("days_supply", "must be a positive number of days");
  if (static_cast<unsigned>(candidate.schedule) > static_cast<unsigned>(Schedule::kV)) {
    return InvalidField("schedule", "must be none, II, III, IV or V");
  }
  if (candidate.schedule == Schedule::kII) {
    // No refills ever (21 CFR 1306.12): every Schedule II fill needs its own
    // prescription, so there is no standing supply to move to mail order.
    return MakeError(std::string(mail_order_switch_error::kScheduleIiNotEligible),
                     "Schedule II prescriptions cannot be switched to 90-day mail order");
  }
  if (!candidate.maintenance) {
    return MakeError(std::string(mail_order_switch_error::kNotMaintenanceMedication),
                     "only maintenance medications can be switched to 90-day mail order");
  }
  if (candidate.days_supply > policy.max_retail_days_supply) {
    return MakeError(std::string(mail_order_switch_error::kDaysSupplyNotRetail),
                     "only a prescription of up to " + std::to_string(policy.max_retail_days_supply) +
                         " days supply can be switched");
  }
  return OkStatus();
}

Result<Quantity> ScaleQuantityToMailSupply(Quantity retail_quantity, int retail_days_supply,
                                           const MailOrderSwitchPolicy& policy) {
  if (retail_days_supply <= 0) return InvalidField("days_supply", "must be a positive number of days");
  if (policy.mail_days_supply <= 0 || policy.mail_days_supply > 365) {
    return InvalidField("mail_days_supply", "must be 1 to 365 days");
  }
  // At most 9,999,999,999 × 365 thousandths: far inside 64 bits, so no overflow.
  const std::int64_t numerator = retail_quantity.thousandths() * policy.mail_days_supply;
  std::int64_t scaled = (numerator + retail_days_supply - 1) / retail_days_supply;
  if (retail_quantity.thousandths() % Quantity::kPerUnit == 0) {
    scaled = (scaled + Quantity::kPerUnit - 1) / Quantity::kPerUnit * Quantity::kPerUnit;
  }
  if (scaled > Quantity::kMaxThousandths) {
    return InvalidField("quantity", "the 90-day quantity exceeds the largest quantity a claim can carry");
  }
  return Quantity::FromThousandths(scaled);
}

Result<MailOrderSwitchStatus> TransitionMailOrderSwitch(MailOrderSwitchStatus current, MailOrderSwitchEvent event) {
  for (const SwitchTransition& t : kTransitions) {
    if (t.from == current && t.event == event) return t.to;
  }
  return MakeError(std::string(kInvalidTransition), "event '" + std::string(ToString(event)) +
                                                        "' is not allowed when the request is " +
                                                        std::string(ToString(current)))
      .With("status", std::string(ToString(current)))
      .With("event", std::string(ToString(event)));
}

}  // namespace rxdesk
