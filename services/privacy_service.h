// The privacy officer's tools (PRODUCT.md sections 1 and 10): audit-log search,
// a member's access report, and privacy incident tickets with the breach risk
// assessment of 45 CFR 164.402. Only the privacy_officer role may use them; every
// use is itself audited, and the officer sees ids and usernames, never a
// member's decrypted PHI.
//
//   PrivacyService privacy(store, vault, clock, zone, PrivacyPolicy{});
//   RXD_ASSIGN_OR_RETURN(Page<AuditRecord> page, privacy.SearchAudit(caller, {.member_id = id, .limit = 50}, ""));
//   RXD_ASSIGN_OR_RETURN(AccessReport report, privacy.AccessReportFor(caller, id, std::nullopt, std::nullopt));
//   RXD_ASSIGN_OR_RETURN(Incident i, privacy.CreateIncident(caller, input, nullptr));
//   RXD_ASSIGN_OR_RETURN(i, privacy.UpdateIncident(caller, i.id, {.status = IncidentStatus::kInvestigating}));
//
// Incidents move open -> investigating -> closed_no_breach | closed_breach_notified
// (kIncidentTransitions in privacy_service.cc); closed ones no longer change.
// Free-text fields are sealed with the PHI vault: a report of an incident may
// describe the PHI involved.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/idempotency.h"
#include "services/phi_vault.h"
#include "services/prescription_service.h"
#include "store/audit_log.h"
#include "store/store.h"

namespace rxdesk {

struct PrivacyPolicy {
  // The largest access report served in one piece; a larger one is refused
  // (report_too_large) so the officer narrows the time window.
  std::int64_t access_report_max_entries = 20000;
  // Breach notification is due without unreasonable delay and at the latest this
  // many days after discovery (45 CFR 164.404(b)). Law, not configuration.
  int breach_notification_days = 60;
};

// ---- access report ----

struct AccessReportLine {
  AuditRecord record;
  std::string username;  // the actor's username; "" for system or unknown actors
};

struct AccessReport {
  std::string member_id;
  std::optional<Instant> from;
  std::optional<Instant> to;
  Instant generated_at{};
  std::vector<AccessReportLine> lines;  // oldest first
};

// ---- incidents ----

enum class IncidentStatus { kOpen, kInvestigating, kClosedNoBreach, kClosedBreachNotified };
std::string_view ToString(IncidentStatus status);
std::optional<IncidentStatus> ParseIncidentStatus(std::string_view text);
constexpr bool IsClosed(IncidentStatus s) {
  return s == IncidentStatus::kClosedNoBreach || s == IncidentStatus::kClosedBreachNotified;
}

// Factor 3 of the risk assessment: was the PHI actually acquired or viewed?
inline constexpr const char* kPhiAcquiredAnswers[] = {"unknown", "yes", "no"};

struct IncidentInput {
  Instant discovered_at{};
  std::string reported_by;                            // who reported it (free text)
  std::string summary;                                // what happened
  std::optional<std::string> phi_involved;            // factor 1: nature and extent of the PHI
  std::optional<std::string> unauthorized_person;     // factor 2: who used it or received it
  std::optional<std::string> phi_acquired_or_viewed;  // factor 3: "unknown" (default), "yes", "no"
  std::optional<std::string> mitigation;              // factor 4: extent to which the risk was mitigated
  std::vector<std::string> affected_member_ids;
};

struct IncidentPatch {
  std::optional<IncidentStatus> status;
  std::optional<Instant> discovered_at;
  std::optional<std::string> reported_by;
  std::optional<std::string> summary;
  std::optional<std::string> phi_involved;
  std::optional<std::string> unauthorized_person;
  std::optional<std::string> phi_acquired_or_viewed;
  std::optional<std::string> mitigation;
  std::optional<Instant> notified_at;
  std::optional<std::string> resolution;
  std::optional<std::vector<std::string>> affected_member_ids;  // replaces the list
};

struct IncidentHistoryItem {
  std::string from_status;  // "" for the creation
  std::string to_status;
  std::string at;
  std::string actor_id;
};

struct Incident {
  std::string id;
  std::string reference;
  IncidentStatus status = IncidentStatus::kOpen;
  std::string discovered_at;
  Date notification_due_on{};  // local date of discovery + 60 days
  std::string reported_by;
  std::string summary;
  std::string phi_involved;
  std::string unauthorized_person;
  std::string phi_acquired_or_viewed = "unknown";
  std::string mitigation;
  std::string resolution;
  std::string notified_at;  // "" until notified
  std::string closed_at;    // "" until closed
  std::vector<std::string> affected_member_ids;
  std::string created_by;
  std::string created_at;
  std::string updated_at;
  std::vector<IncidentHistoryItem> history;  // oldest first (filled by Get/Create/Update)
};

class PrivacyService {
 public:
  PrivacyService(Store& store, const PhiVault& vault, const Clock& clock, const Zone& zone, PrivacyPolicy policy)
      : store_(store), vault_(vault), clock_(clock), zone_(zone), policy_(policy) {}

  // Newest first; `cursor` is the next_cursor of the previous page ("" for the
  // first). query.limit 1-500. Audited as "audit.search" before it returns.
  // Refusals: forbidden (not a privacy officer), invalid_request (cursor, limit, from > to).
  Result<Page<AuditRecord>> SearchAudit(const Caller& caller, AuditQuery query, const std::string& cursor);

  // Every entry about the member in [from, to), oldest first, with usernames.
  // Audited as "audit.access_report". Refusals: forbidden, not_found (no such
  // member), report_too_large (more than access_report_max_entries: narrow the window).
  Result<AccessReport> AccessReportFor(const Caller& caller, const std::string& member_id, std::optional<Instant> from,
                                       std::optional<Instant> to);

  // Refusals: forbidden, invalid_request (a field), unknown_member (422, field
  // affected_member_ids[i]).
  Result<Incident> CreateIncident(const Caller& caller, const IncidentInput& input,
                                  const CommitHook<Incident>& on_commit);
  // Newest first, optionally of one status; `cursor` is the last id of the previous page.
  Result<Page<Incident>> ListIncidents(const Caller& caller, std::optional<IncidentStatus> status, int limit,
                                       const std::string& cursor);
  Result<Incident> GetIncident(const Caller& caller, const std::string& id);
  // Applies the patch, then the status change if any. Refusals: not_found,
  // conflict (the incident is closed), invalid_transition (409, e.g. open ->
  // closed_*), resolution_required, risk_assessment_incomplete (closing as no
  // breach needs all four factors, with factor 3 answered), notification_required
  // (closing as breach notified needs notified_at), unknown_member, invalid_request.
  // Refusals are audited.
  Result<Incident> UpdateIncident(const Caller& caller, const std::string& id, const IncidentPatch& patch);

  const PrivacyPolicy& policy() const { return policy_; }

 private:
  Status RequireOfficer(const Caller& caller, std::string_view action, const std::string& record_id);
  Result<Incident> Decrypt(const Row& row) const;
  Result<std::optional<Incident>> Load(Connection& conn, const std::string& id, bool with_history) const;
  Status Save(Connection& conn, const Incident& incident, bool insert) const;
  Status ValidateText(const Incident& incident) const;

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  const Zone& zone_;
  PrivacyPolicy policy_;
};

}  // namespace rxdesk
