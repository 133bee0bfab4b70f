// Escalation tickets (PRODUCT.md section 8): the holder of a contact escalates
// it down one path (supervisor, pharmacy manager, clinical risk, privacy
// officer); the ticket gets its own reference number, a due time from the
// path's SLA (config [escalations]), an owner and a status history, and the
// member is told the reference ("ticket_opened").
//
//   TicketService tickets(store, vault, clock, zone, contacts, EscalationPolicy{});
//   RXD_ASSIGN_OR_RETURN(Ticket t, tickets.Escalate(agent, contact_id, {.path = EscalationPath::kClinicalRisk,
//                                                   .reason = "adverse_event", .summary = "..."}, nullptr));
//   RXD_ASSIGN_OR_RETURN(t, tickets.Assign(pharmacist, t.id, pharmacist.principal.user_id));
//   RXD_ASSIGN_OR_RETURN(t, tickets.SetStatus(pharmacist, t.id, TicketStatus::kInProgress));
//
// Who sees what (domain/escalation.h): each role its own paths, supervisors
// every path for oversight but the summary (sealed) only of their own path.
// Tickets a caller may not see do not exist for them (not_found).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/escalation.h"
#include "domain/zone.h"
#include "services/contact_service.h"
#include "services/idempotency.h"
#include "services/phi_vault.h"

namespace rxdesk {

inline constexpr std::size_t kMaxTicketSummaryBytes = 4000;

struct EscalationInput {
  EscalationPath path = EscalationPath::kSupervisor;
  std::string reason;   // a code of the path (EscalationReasons)
  std::string summary;  // what happened, for the handler (sealed)
};

struct TicketHistoryItem {
  std::string from_status;  // "" for the creation
  std::string to_status;
  std::string owner_id;  // the owner after this step ("" for none)
  std::string at;
  std::string actor_id;
};

struct Ticket {
  std::string id;
  std::string reference;
  std::string contact_id;
  std::string member_id;  // "" when the contact had no verified member
  EscalationPath path = EscalationPath::kSupervisor;
  std::string reason;
  std::string summary;            // "" when withheld
  bool summary_withheld = false;  // the caller oversees the path without working it
  TicketStatus status = TicketStatus::kOpen;
  std::string owner_id;
  std::string due_at;
  bool breached = false;  // at the time it was read
  std::string created_by;
  std::string created_at;
  std::string updated_at;
  std::string closed_at;                   // when it was resolved or closed
  std::vector<TicketHistoryItem> history;  // oldest first; detail only
};

struct TicketFilter {
  std::optional<EscalationPath> path;
  std::optional<TicketStatus> status;
  std::optional<bool> breached;
  int limit = 50;
  std::string cursor;  // the last id of the previous page
};

class TicketService {
 public:
  TicketService(Store& store, const PhiVault& vault, const Clock& clock, const Zone& zone, ContactService& contacts,
                EscalationPolicy policy)
      : store_(store), vault_(vault), clock_(clock), zone_(zone), contacts_(contacts), policy_(policy) {}

  // Refusals: not_found (the contact is not the caller's), invalid_request
  // (reason, summary).
  Result<Ticket> Escalate(const Caller& caller, const std::string& contact_id, const EscalationInput& input,
                          const CommitHook<Ticket>& on_commit);
  // Newest first, only the paths the caller sees; no summaries. Refusal: invalid_request (cursor).
  Result<Page<Ticket>> List(const Caller& caller, const TicketFilter& filter);
  // With the history (and the summary where the caller works the path). Refusal: not_found.
  Result<Ticket> Get(const Caller& caller, const std::string& id);
  // Makes `owner_id` (a user of the path's handling role) the owner. Refusals:
  // not_found, invalid_owner (422, field owner_id), conflict (the ticket is done).
  Result<Ticket> Assign(const Caller& caller, const std::string& id, const std::string& owner_id);
  // Moves the ticket on; starting work without an owner makes the caller the
  // owner. Refusals: not_found, forbidden (a supervisor overseeing another
  // path), invalid_transition (409).
  Result<Ticket> SetStatus(const Caller& caller, const std::string& id, TicketStatus to);

  const EscalationPolicy& policy() const { return policy_; }

 private:
  Result<std::optional<Ticket>> Load(Connection& conn, const std::string& id, bool with_history) const;
  Result<Ticket> Change(const Caller& caller, const std::string& id, std::string_view action,
                        const std::function<Status(Connection&, Ticket&)>& change);
  void Present(const Caller& caller, Ticket& t) const;

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  const Zone& zone_;
  ContactService& contacts_;
  EscalationPolicy policy_;
};

}  // namespace rxdesk
