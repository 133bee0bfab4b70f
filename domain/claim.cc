#include "domain/claim.h"

#include <array>
#include <string>
#include <utility>

namespace rxdesk {
namespace {

constexpr std::array<std::string_view, 2> kKindNames = {"lost", "damaged"};
constexpr std::array<std::string_view, 3> kStateNames = {"pending_approval", "approved", "denied"};

// PRODUCT.md gives no bound; a year keeps a typo (3000) from opening claims forever.
constexpr int kMaxWindowDays = 365;

Error Refuse(std::string_view code, std::string message) {
  return MakeError(std::string(code), std::move(message));
}

// The day the claim window starts counting from: the ETA's last day, or the
// delivery day when the carrier was late (a package cannot be reported damaged
// before it arrives, so its window must not close before then).
Date WindowAnchor(const ClaimInput& input) {
  if (input.delivered_on && *input.delivered_on > input.eta_latest) return *input.delivered_on;
  return input.eta_latest;
}

Status CheckConsistency(const ClaimInput& input) {
  if (input.kind != ClaimKind::kLost && input.kind != ClaimKind::kDamaged) {
    return InvalidField("kind", "must be lost or damaged");
  }
  const bool may_have_delivery = input.order_status == OrderStatus::kDelivered ||
                                 input.order_status == OrderStatus::kReturned;
  if (input.order_status == OrderStatus::kDelivered && !input.delivered_on) {
    return InvalidField("delivered_on", "is required for a delivered order");
  }
  if (input.delivered_on && !may_have_delivery) {
    return InvalidField("delivered_on", "is only known for a delivered order");
  }
  if (input.delivered_on && input.reported_on < *input.delivered_on) {
    return InvalidField("reported_on", "must not be before the delivery day");
  }
  return OkStatus();
}

}  // namespace

std::string_view ToString(ClaimKind kind) {
  const auto i = static_cast<unsigned>(kind);
  return i < kKindNames.size() ? kKindNames[i] : std::string_view("unknown");
}

std::optional<ClaimKind> ParseClaimKind(std::string_view text) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == text) return static_cast<ClaimKind>(i);
  }
  return std::nullopt;
}

std::string_view ToString(ClaimState state) {
  const auto i = static_cast<unsigned>(state);
  return i < kStateNames.size() ? kStateNames[i] : std::string_view("unknown");
}

std::optional<ClaimState> ParseClaimState(std::string_view text) {
  for (std::size_t i = 0; i < kStateNames.size(); ++i) {
    if (kStateNames[i] == text) return static_cast<ClaimState>(i);
  }
  return std::nullopt;
}

Status ValidateClaimPolicy(const ClaimPolicy& policy) {
  if (policy.window_days < 0 || policy.window_days > kMaxWindowDays) {
    return InvalidField("claims.window_days", "must be 0 to " + std::to_string(kMaxWindowDays) + " days");
  }
  return OkStatus();
}

Result<ClaimDecision> CheckPackageClaim(const ClaimInput& input, const ClaimPolicy& policy) {
  RXD_TRY(CheckConsistency(input));
  if (input.already_claimed) {
    return Refuse(claim_error::kClaimExists, "this order already has a lost or damaged package claim");
  }
  switch (input.order_status) {
    case OrderStatus::kShipped:
    case OrderStatus::kDelivered:
      break;
    case OrderStatus::kReturned:
      return Refuse(claim_error::kOrderReturned, "the package was returned to the pharmacy");
    default:
      return Refuse(claim_error::kOrderNotShipped, "the order has not shipped");
  }
  const bool delivered = input.order_status == OrderStatus::kDelivered;
  if (input.kind == ClaimKind::kLost && !delivered && input.reported_on <= input.eta_latest) {
    // Not yet due is not lost. A package marked delivered but not found (porch
    // theft, wrong door) is different: the carrier is done, so it may be
    // reported at once.
    return Refuse(claim_error::kTooEarlyToReportLost, "the package is still within its delivery window")
        .With("earliest_report_date", FormatDate(input.eta_latest + Days{1}));
  }
  if (input.kind == ClaimKind::kDamaged && !delivered) {
    return Refuse(claim_error::kOrderNotDelivered, "a damaged package can be reported once it is delivered");
  }
  const Date closes_on = WindowAnchor(input) + Days{policy.window_days};
  if (input.reported_on > closes_on) {
    return Refuse(claim_error::kClaimWindowClosed,
                  "claims are accepted up to " + std::to_string(policy.window_days) +
                      " days after the delivery window")
        .With("window_closed_on", FormatDate(closes_on));
  }
  ClaimDecision decision;
  decision.needs_pharmacist_approval = input.controlled;
  decision.state = input.controlled ? ClaimState::kPendingApproval : ClaimState::kApproved;
  decision.return_required = input.kind == ClaimKind::kDamaged &&
                             (input.controlled ? policy.return_damaged_controlled : policy.return_damaged);
  decision.window_closes_on = closes_on;
  return decision;
}

Result<ClaimState> ResolveClaim(ClaimState current, bool approve) {
  if (current != ClaimState::kPendingApproval) {
    return MakeError(std::string(order_error::kInvalidTransition), "only a claim pending approval can be approved or denied")
        .With("status", std::string(ToString(current)));
  }
  return approve ? ClaimState::kApproved : ClaimState::kDenied;
}

}  // namespace rxdesk
