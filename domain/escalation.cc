#include "domain/escalation.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>

namespace rxdesk {
namespace {

constexpr std::array<std::string_view, 4> kPaths = {"supervisor", "pharmacy_manager", "clinical_risk",
                                                    "privacy_officer"};
constexpr std::array<std::string_view, 4> kStatuses = {"open", "in_progress", "resolved", "closed"};

// The only moves a ticket makes.
constexpr std::pair<TicketStatus, TicketStatus> kTransitions[] = {
    {TicketStatus::kOpen, TicketStatus::kInProgress},
    {TicketStatus::kInProgress, TicketStatus::kResolved},
    {TicketStatus::kInProgress, TicketStatus::kClosed},
    {TicketStatus::kResolved, TicketStatus::kClosed},
};

}  // namespace

std::string_view ToString(EscalationPath path) { return kPaths[static_cast<std::size_t>(path)]; }
std::string_view ToString(TicketStatus status) { return kStatuses[static_cast<std::size_t>(status)]; }

Result<EscalationPath> ParseEscalationPath(std::string_view text, std::string_view field) {
  for (std::size_t i = 0; i < kPaths.size(); ++i) {
    if (kPaths[i] == text) return static_cast<EscalationPath>(i);
  }
  return InvalidField(std::string(field), "must be supervisor, pharmacy_manager, clinical_risk or privacy_officer");
}

Result<TicketStatus> ParseTicketStatus(std::string_view text, std::string_view field) {
  for (std::size_t i = 0; i < kStatuses.size(); ++i) {
    if (kStatuses[i] == text) return static_cast<TicketStatus>(i);
  }
  return InvalidField(std::string(field), "must be open, in_progress, resolved or closed");
}

const std::vector<std::string_view>& EscalationReasons(EscalationPath path) {
  static const std::vector<std::string_view> kSupervisor = {"complaint", "billing_dispute", "other"};
  static const std::vector<std::string_view> kPharmacyManager = {"dispensing_error", "other"};
  static const std::vector<std::string_view> kClinicalRisk = {"adverse_event", "safety_concern", "other"};
  static const std::vector<std::string_view> kPrivacyOfficer = {"suspected_privacy_incident", "other"};
  switch (path) {
    case EscalationPath::kSupervisor:
      return kSupervisor;
    case EscalationPath::kPharmacyManager:
      return kPharmacyManager;
    case EscalationPath::kClinicalRisk:
      return kClinicalRisk;
    case EscalationPath::kPrivacyOfficer:
      return kPrivacyOfficer;
  }
  return kSupervisor;
}

Status ValidateEscalationReason(EscalationPath path, std::string_view reason) {
  const auto& reasons = EscalationReasons(path);
  if (std::find(reasons.begin(), reasons.end(), reason) != reasons.end()) return OkStatus();
  std::string list;
  for (std::string_view r : reasons) list += (list.empty() ? "" : ", ") + std::string(r);
  return InvalidField("reason", "for the " + std::string(ToString(path)) + " path must be one of " + list);
}

std::chrono::seconds TicketSla(EscalationPath path, const EscalationPolicy& policy) {
  switch (path) {
    case EscalationPath::kSupervisor:
      return policy.supervisor;
    case EscalationPath::kPharmacyManager:
      return policy.pharmacy_manager;
    case EscalationPath::kClinicalRisk:
      return policy.clinical_risk;
    case EscalationPath::kPrivacyOfficer:
      return policy.privacy_officer;
  }
  return policy.supervisor;
}

Status CheckTicketTransition(TicketStatus from, TicketStatus to) {
  for (const auto& [a, b] : kTransitions) {
    if (a == from && b == to) return OkStatus();
  }
  return MakeError("invalid_transition",
                   "a ticket cannot move from " + std::string(ToString(from)) + " to " + std::string(ToString(to)),
                   "status");
}

}  // namespace rxdesk
