// Lost or damaged package claims (PRODUCT.md §4): may the member have a free
// replacement, must the damaged package come back, must a pharmacist approve.
//
//   const ClaimInput claim{.kind = ClaimKind::kLost, .order_status = order.status,
//                          .eta_latest = order.eta_latest, .reported_on = today_local,
//                          .controlled = IsControlled(rx.schedule)};
//   RXD_ASSIGN_OR_RETURN(ClaimDecision decision, CheckPackageClaim(claim, config.claims));
//   // decision.state: kApproved (place the replacement now) or kPendingApproval.
//
// Error codes, in the order they are checked (the first that applies wins):
//   invalid_request            inconsistent input (field: kind, delivered_on, reported_on)
//   claim_exists               the order already has a claim; one per order
//   order_not_shipped          received, in review, filled or cancelled: nothing to lose
//   order_returned             the package came back to the pharmacy
//   too_early_to_report_lost   lost, not marked delivered, ETA's last day not yet over
//                              (details.earliest_report_date)
//   order_not_delivered        damaged, but the order is not marked delivered
//   claim_window_closed        reported after the window (details.window_closed_on)
// ResolveClaim adds invalid_transition for a claim that is not pending.
#pragma once

#include <optional>
#include <string_view>

#include "domain/money.h"
#include "domain/order.h"
#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

enum class ClaimKind { kLost, kDamaged };

// A claim needing no approval is born kApproved; a controlled one kPendingApproval
// until a pharmacist approves or denies it.
enum class ClaimState { kPendingApproval, kApproved, kDenied };

namespace claim_error {
inline constexpr std::string_view kClaimExists = "claim_exists";
inline constexpr std::string_view kOrderNotShipped = "order_not_shipped";
inline constexpr std::string_view kOrderReturned = "order_returned";
inline constexpr std::string_view kTooEarlyToReportLost = "too_early_to_report_lost";
inline constexpr std::string_view kOrderNotDelivered = "order_not_delivered";
inline constexpr std::string_view kClaimWindowClosed = "claim_window_closed";
}  // namespace claim_error

struct ClaimPolicy {
  // PRODUCT.md §4: reported within 30 days (config) of the ETA's last day.
  int window_days = 30;
  // PRODUCT.md §4: damaged packages "may be asked back" (config).
  bool return_damaged = true;
  // A pharmacy may take controlled substances back from a patient only as a
  // DEA-registered collector (21 CFR 1317.30, 1317.40; mail-back 1317.70), so
  // by default a damaged controlled package is not asked back.
  bool return_damaged_controlled = false;
};

struct ClaimInput {
  ClaimKind kind = ClaimKind::kLost;
  OrderStatus order_status = OrderStatus::kReceived;
  Date eta_latest = {};                        // last day of the delivery window quoted for the order
  std::optional<Date> delivered_on = std::nullopt;  // set when the order is (or was) marked delivered
  Date reported_on = {};                       // the operator-local day the member reported it
  bool controlled = false;                     // Schedule II–V drug in the package
  bool already_claimed = false;                // a claim exists for this order, whatever its state
};

struct ClaimDecision {
  ClaimState state = ClaimState::kApproved;
  // Every accepted claim gets a replacement order, free (PRODUCT.md §4): always 0.
  Cents replacement_fee = Cents(0);
  bool return_required = false;              // damaged, and the policy asks it back
  bool needs_pharmacist_approval = false;    // controlled: approve before replacing
  Date window_closes_on = {};                // last day a claim on this order is accepted
};

// "lost", "damaged" (the API's names); Parse takes exactly those, else nullopt.
std::string_view ToString(ClaimKind kind);
std::optional<ClaimKind> ParseClaimKind(std::string_view text);

// "pending_approval", "approved", "denied"; Parse takes exactly those, else nullopt.
std::string_view ToString(ClaimState state);
std::optional<ClaimState> ParseClaimState(std::string_view text);

// Config-load check: window_days must be 0..365. Refusal: invalid_request on
// "claims.window_days".
Status ValidateClaimPolicy(const ClaimPolicy& policy);

// Decides a claim. The window runs from the ETA's last day, or from the delivery
// day when the package arrived later than that, and includes its last day.
// Requires a policy that passed ValidateClaimPolicy. Refusals: the list above.
Result<ClaimDecision> CheckPackageClaim(const ClaimInput& input, const ClaimPolicy& policy);

// A pharmacist's answer to a pending claim: kApproved or kDenied.
// Refusal: invalid_transition when `current` is not kPendingApproval.
Result<ClaimState> ResolveClaim(ClaimState current, bool approve);

}  // namespace rxdesk
