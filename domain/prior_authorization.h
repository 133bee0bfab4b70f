// Prior authorization (PRODUCT.md §5): a drug the plan flags PA needs an approved
// PA before it is filled, and the pharmacist decides a request within 24 hours
// (config). A request is pending until decided, then approved or denied for good.
//
//   const Instant due = PriorAuthDueAt(requested_at, PriorAuthPolicy{});   // +24 h
//   if (IsPriorAuthOverdue(PriorAuthStatus::kPending, due, clock.Now())) Flag(request);
//   RXD_ASSIGN_OR_RETURN(PriorAuthStatus next, DecidePriorAuth(current, "approved", reason));
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

struct PriorAuthPolicy {
  // PRODUCT.md §5 (config): decisions are communicated within 24 hours.
  std::chrono::seconds decision_within = std::chrono::hours{24};
};

// Checks the configuration: 1 minute to 30 days. Refusal: invalid_request naming
// "prior_auth.decision_within_hours".
Status ValidatePriorAuthPolicy(const PriorAuthPolicy& policy);

enum class PriorAuthStatus { kPending, kApproved, kDenied };

// "pending", "approved", "denied"; ParsePriorAuthStatus returns nullopt for anything else.
std::string_view ToString(PriorAuthStatus status);
std::optional<PriorAuthStatus> ParsePriorAuthStatus(std::string_view text);

// The longest reason or note a pharmacist or requester may write.
inline constexpr std::size_t kMaxPriorAuthText = 2000;

// When a request made at `requested_at` must be decided.
Instant PriorAuthDueAt(Instant requested_at, const PriorAuthPolicy& policy);

// A pending request is overdue from its due instant on (reached on the second, as
// every SLA of the desk): at exactly 24:00:00 it is overdue. Decided ones never are.
bool IsPriorAuthOverdue(PriorAuthStatus status, Instant due_at, Instant now);

// The status a decision moves a request to. `decision` is "approved" or "denied";
// both need a reason (1–kMaxPriorAuthText characters, not blank).
// Refusals: conflict (the request is already decided), invalid_request naming
// "decision" or "reason".
Result<PriorAuthStatus> DecidePriorAuth(PriorAuthStatus current, std::string_view decision, std::string_view reason);

}  // namespace rxdesk
