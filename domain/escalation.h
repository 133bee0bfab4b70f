// Escalation paths and tickets (PRODUCT.md section 8): supervisor (complaints,
// billing disputes), pharmacy manager (dispensing errors), clinical risk
// (adverse events, safety), privacy officer (suspected privacy incidents). Each
// ticket has an SLA per path (config), an owner and a status history:
// open -> in_progress -> resolved -> closed (in_progress may also close at once).
//
//   RXD_ASSIGN_OR_RETURN(EscalationPath path, ParseEscalationPath(text));
//   RXD_TRY(ValidateEscalationReason(path, reason));
//   const Instant due = TicketDueAt(path, now, EscalationPolicy{});
//   RXD_TRY(CheckTicketTransition(TicketStatus::kOpen, TicketStatus::kInProgress));
//   if (!MaySeeTicket(caller_role, path)) return NotFound();
#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "domain/role.h"
#include "domain/time.h"

namespace rxdesk {

enum class EscalationPath { kSupervisor, kPharmacyManager, kClinicalRisk, kPrivacyOfficer };
enum class TicketStatus { kOpen, kInProgress, kResolved, kClosed };

// "supervisor", "pharmacy_manager", "clinical_risk", "privacy_officer".
std::string_view ToString(EscalationPath path);
// "open", "in_progress", "resolved", "closed".
std::string_view ToString(TicketStatus status);
// Refusals: invalid_request naming `field`.
Result<EscalationPath> ParseEscalationPath(std::string_view text, std::string_view field = "path");
Result<TicketStatus> ParseTicketStatus(std::string_view text, std::string_view field = "status");

// The reason codes a path takes (what PRODUCT.md sends down that path, and "other").
const std::vector<std::string_view>& EscalationReasons(EscalationPath path);
// Refusal: invalid_request naming "reason" when the path does not take it.
Status ValidateEscalationReason(EscalationPath path, std::string_view reason);

struct EscalationPolicy {
  // (config) Time to resolve a ticket, per path. Safety first: a clinical risk
  // (an adverse event) within the shift, a dispensing error before the next
  // dose is likely taken, complaints and privacy reports within a day
  // (docs/contact-center.md explains the defaults).
  std::chrono::seconds supervisor = std::chrono::hours{24};
  std::chrono::seconds pharmacy_manager = std::chrono::hours{8};
  std::chrono::seconds clinical_risk = std::chrono::hours{4};
  std::chrono::seconds privacy_officer = std::chrono::hours{24};
};

std::chrono::seconds TicketSla(EscalationPath path, const EscalationPolicy& policy);
inline Instant TicketDueAt(EscalationPath path, Instant opened_at, const EscalationPolicy& policy) {
  return opened_at + TicketSla(path, policy);
}

constexpr bool IsTicketDone(TicketStatus s) { return s == TicketStatus::kResolved || s == TicketStatus::kClosed; }
// A ticket not yet resolved or closed breaches on the second its due time comes.
constexpr bool IsTicketBreached(TicketStatus status, Instant due_at, Instant now) {
  return !IsTicketDone(status) && now >= due_at;
}

// The allowed moves. Refusal: invalid_transition (409) for any other, and for no move.
Status CheckTicketTransition(TicketStatus from, TicketStatus to);

// The role that works a path's tickets: supervisor; pharmacist (pharmacy
// manager, clinical risk); privacy_officer.
constexpr Role HandlerRole(EscalationPath path) {
  switch (path) {
    case EscalationPath::kSupervisor:
      return Role::kSupervisor;
    case EscalationPath::kPharmacyManager:
    case EscalationPath::kClinicalRisk:
      return Role::kPharmacist;
    case EscalationPath::kPrivacyOfficer:
      return Role::kPrivacyOfficer;
  }
  return Role::kSupervisor;
}
// Who sees a ticket exists: its handlers, and supervisors for every path (oversight).
constexpr bool MaySeeTicket(Role role, EscalationPath path) {
  return role == HandlerRole(path) || role == Role::kSupervisor;
}
// Who reads the (sealed) summary: the path's handlers only. A supervisor
// overseeing another path sees the ticket without it (minimum necessary).
constexpr bool MayReadTicketSummary(Role role, EscalationPath path) { return role == HandlerRole(path); }
// Who changes the status: the path's handlers. Who assigns: they and supervisors.
constexpr bool MayWorkTicket(Role role, EscalationPath path) { return role == HandlerRole(path); }
constexpr bool MayAssignTicket(Role role, EscalationPath path) { return MaySeeTicket(role, path); }

}  // namespace rxdesk
