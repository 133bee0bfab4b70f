#include "domain/prior_authorization.h"

#include <algorithm>

namespace rxdesk {

Status ValidatePriorAuthPolicy(const PriorAuthPolicy& policy) {
  if (policy.decision_within < std::chrono::minutes{1} || policy.decision_within > std::chrono::days{30}) {
    return InvalidField("prior_auth.decision_within_hours", "must be from 1 minute to 30 days");
  }
  return OkStatus();
}

std::string_view ToString(PriorAuthStatus status) {
  switch (status) {
    case PriorAuthStatus::kPending:
      return "pending";
    case PriorAuthStatus::kApproved:
      return "approved";
    case PriorAuthStatus::kDenied:
      return "denied";
  }
  return "pending";
}

std::optional<PriorAuthStatus> ParsePriorAuthStatus(std::string_view text) {
  for (PriorAuthStatus s : {PriorAuthStatus::kPending, PriorAuthStatus::kApproved, PriorAuthStatus::kDenied}) {
    if (ToString(s) == text) return s;
  }
  return std::nullopt;
}

Instant PriorAuthDueAt(Instant requested_at, const PriorAuthPolicy& policy) {
  return requested_at + policy.decision_within;
}

bool IsPriorAuthOverdue(PriorAuthStatus status, Instant due_at, Instant now) {
  return status == PriorAuthStatus::kPending && now >= due_at;
}

Result<PriorAuthStatus> DecidePriorAuth(PriorAuthStatus current, std::string_view decision, std::string_view reason) {
  std::optional<PriorAuthStatus> next = ParsePriorAuthStatus(decision);
  if (!next || *next == PriorAuthStatus::kPending) return InvalidField("decision", "must be approved or denied");
  const bool blank = std::all_of(reason.begin(), reason.end(), [](char c) { return c == ' ' || c == '\t'; });
  if (reason.empty() || blank || reason.size() > kMaxPriorAuthText) {
    return InvalidField("reason", "must be 1 to " + std::to_string(kMaxPriorAuthText) + " characters");
  }
  if (current != PriorAuthStatus::kPending) return MakeError("conflict", "this request was already decided");
  return *next;
}

}  // namespace rxdesk
