#include "services/privacy_service.h"

#include "services/references.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <set>
#include <utility>

#include "domain/reference_number.h"
#include "infra/crypto.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/member_service.h"

namespace rxdesk {
namespace {

constexpr std::array<std::string_view, 4> kStatusNames = {"open", "investigating", "closed_no_breach",
                                                          "closed_breach_notified"};

// The only moves an incident makes; staying in the same status is no move.
constexpr std::pair<IncidentStatus, IncidentStatus> kIncidentTransitions[] = {
    {IncidentStatus::kOpen, IncidentStatus::kInvestigating},
    {IncidentStatus::kInvestigating, IncidentStatus::kClosedNoBreach},
    {IncidentStatus::kInvestigating, IncidentStatus::kClosedBreachNotified},
};

constexpr std::size_t kMaxAffectedMembers = 1000;

constexpr char kSelect[] =
    "SELECT id, reference, status, discovered_at, notification_due_on, reported_by_enc, summary_enc, phi_involved_enc, "
    "unauthorized_person_enc, phi_acquired_or_viewed, mitigation_enc, resolution_enc, COALESCE(notified_at, ''), "
    "COALESCE(closed_at, ''), created_by, created_at, updated_at FROM privacy_incidents";

bool IsAnswer(std::string_view v) {
  return std::find(std::begin(kPhiAcquiredAnswers), std::end(kPhiAcquiredAnswers), v) != std::end(kPhiAcquiredAnswers);
}

bool Allowed(IncidentStatus from, IncidentStatus to) {
  for (const auto& [a, b] : kIncidentTransitions) {
    if (a == from && b == to) return true;
  }
  return false;
}

std::string MemberField(std::size_t i) { return "affected_member_ids[" + std::to_string(i) + "]"; }

// Ids well formed, no duplicates, within bounds (the stored list is sorted and unique).
Result<std::vector<std::string>> CleanMemberIds(const std::vector<std::string>& ids) {
  if (ids.size() > kMaxAffectedMembers) {
    return InvalidField("affected_member_ids", "must list at most " + std::to_string(kMaxAffectedMembers) + " members");
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (!IsValidId(ids[i])) return InvalidField(MemberField(i), "is not a member id");
  }
  std::vector<std::string> out(ids);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Status CheckMembersExist(Connection& conn, const std::vector<std::string>& original,
                         const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    RXD_ASSIGN_OR_RETURN(bool exists, MemberService::Exists(conn, id));
    if (!exists) {
      const auto at = std::find(original.begin(), original.end(), id) - original.begin();
      return MakeError("unknown_member", "there is no member with that id", MemberField(static_cast<std::size_t>(at)));
    }
  }
  return OkStatus();
}

Status SaveMembers(Connection& conn, const std::string& incident_id, const std::vector<std::string>& ids) {
  RXD_TRY(conn.Exec("DELETE FROM privacy_incident_members WHERE incident_id = ?", {Value(incident_id)}));
  for (const std::string& m : ids) {
    RXD_TRY(conn.Exec("INSERT INTO privacy_incident_members(incident_id, member_id) VALUES (?, ?)",
                      {Value(incident_id), Value(m)}));
  }
  return OkStatus();
}

Status AddHistory(Connection& conn, const std::string& incident_id, std::optional<IncidentStatus> from,
                  IncidentStatus to, const std::string& at, const std::string& actor_id) {
  RXD_TRY(
      conn.Exec("INSERT INTO privacy_incident_history(id, incident_id, from_status, to_status, at, actor_id) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                {Value(NewId()), Value(incident_id), from ? Value(ToString(*from)) : Value(), Value(ToString(to)),
                 Value(at), Value(actor_id)}));
  return OkStatus();
}

std::string Trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::string_view ToString(IncidentStatus status) { return kStatusNames[static_cast<std::size_t>(status)]; }

std::optional<IncidentStatus> ParseIncidentStatus(std::string_view text) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == text) return static_cast<IncidentStatus>(i);
  }
  return std::nullopt;
}

Status PrivacyService::RequireOfficer(const Caller& caller, std::string_view action, const std::string& record_id) {
  if (caller.principal.role == Role::kPrivacyOfficer) return OkStatus();
  RXD_TRY(
      AuditAlone(store_, MakeAudit(caller, clock_.Now(), std::string(action), "audit_log", record_id, "", "denied")));
  return MakeError("forbidden", "only a privacy officer may do this");
}

// ---- audit search and access report ----

Result<Page<AuditRecord>> PrivacyService::SearchAudit(const Caller& caller, AuditQuery query,
                                                      const std::string& cursor) {
  RXD_TRY(RequireOfficer(caller, "audit.search", "-"));
  if (query.limit < 1 || query.limit > 500) return InvalidField("limit", "must be an integer from 1 to 500");
  if (!cursor.empty()) {
    std::int64_t seq = 0;
    const auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), seq);
    if (ec != std::errc() || end != cursor.data() + cursor.size() || seq < 1) {
      return InvalidField("cursor", "is not a cursor this API gave out");
    }
    query.before_seq = seq;
  }
  if (query.from && query.to && *query.from > *query.to) return InvalidField("to", "must not be earlier than from");
  const std::int64_t limit = query.limit;
  query.limit = limit + 1;  // one more tells whether there is a next page
  query.oldest_first = false;
  RXD_ASSIGN_OR_RETURN(std::vector<AuditRecord> found,
                       store_.Read([&](Connection& c) { return SearchAuditLog(c, query); }));
  Page<AuditRecord> page;
  for (AuditRecord& r : found) {
    if (static_cast<std::int64_t>(page.items.size()) == limit) {
      page.next_cursor = std::to_string(page.items.back().seq);
      break;
    }
    page.items.push_back(std::move(r));
  }
  // The member searched for is the record, not the entry's member: the officer's
  // own work stays out of the member's trail (and out of the next search's results).
  RXD_TRY(AuditAlone(store_,
                     MakeAudit(caller, clock_.Now(), "audit.search", query.member_id.empty() ? "audit_log" : "member",
                               query.member_id.empty() ? "-" : query.member_id, "")));
  return page;
}

Result<AccessReport> PrivacyService::AccessReportFor(const Caller& caller, const std::string& member_id,
                                                     std::optional<Instant> from, std::optional<Instant> to) {
  RXD_TRY(RequireOfficer(caller, "audit.access_report", member_id));
  if (from && to && *from > *to) return InvalidField("to", "must not be earlier than from");
  AccessReport report;
  report.member_id = member_id;
  report.from = from;
  report.to = to;
  report.generated_at = clock_.Now();
  const std::int64_t max = policy_.access_report_max_entries;
  RXD_TRY(store_.Read([&](Connection& c) -> Status {
    RXD_ASSIGN_OR_RETURN(bool exists, MemberService::Exists(c, member_id));
    if (!exists) return MakeError("not_found", "no such member", "member_id");
    RXD_ASSIGN_OR_RETURN(
        std::vector<AuditRecord> records,
        SearchAuditLog(c, {.member_id = member_id, .from = from, .to = to, .limit = max + 1, .oldest_first = true}));
    if (static_cast<std::int64_t>(records.size()) > max) {
      return MakeError("report_too_large",
                       "more than " + std::to_string(max) + " entries; ask for a shorter period with from and to")
          .With("max_entries", std::to_string(max));
    }
    // Usernames, one query per few hundred distinct actors.
    std::set<std::string> actors;
    for (const AuditRecord& r : records) actors.insert(r.entry.actor_id);
    std::map<std::string, std::string> usernames;
    std::vector<Value> batch;
    const auto flush = [&]() -> Status {
      if (batch.empty()) return OkStatus();
      std::string sql = "SELECT id, username FROM users WHERE id IN (";
      for (std::size_t i = 0; i < batch.size(); ++i) sql += i == 0 ? "?" : ", ?";
      sql += ")";
      RXD_ASSIGN_OR_RETURN(Rows rows, c.Query(sql, batch));
      for (const Row& r : rows) usernames[r.Text(0)] = r.Text(1);
      batch.clear();
      return OkStatus();
    };
    for (const std::string& a : actors) {
      batch.emplace_back(a);
      if (batch.size() == 200) RXD_TRY(flush());
    }
    RXD_TRY(flush());
    report.lines.reserve(records.size());
    for (AuditRecord& r : records) {
      const auto it = usernames.find(r.entry.actor_id);
      report.lines.push_back({std::move(r), it == usernames.end() ? std::string() : it->second});
    }
    return OkStatus();
  }));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "audit.access_report", "member", member_id, "")));
  return report;
}

// ---- incidents ----

Result<Incident> PrivacyService::Decrypt(const Row& r) const {
  Incident i;
  i.id = r.Text(0);
  const auto open = [&](const char* field, std::size_t col) -> Result<std::string> {
    if (r.IsNull(col)) return std::string();
    return vault_.Open("privacy_incidents", i.id, field, r.at(col));
  };
  i.reference = r.Text(1);
  i.status = ParseIncidentStatus(r.Text(2)).value_or(IncidentStatus::kOpen);
  i.discovered_at = r.Text(3);
  RXD_ASSIGN_OR_RETURN(i.notification_due_on, ParseDate(r.Text(4), "notification_due_on"));
  RXD_ASSIGN_OR_RETURN(i.reported_by, open("reported_by", 5));
  RXD_ASSIGN_OR_RETURN(i.summary, open("summary", 6));
  RXD_ASSIGN_OR_RETURN(i.phi_involved, open("phi_involved", 7));
  RXD_ASSIGN_OR_RETURN(i.unauthorized_person, open("unauthorized_person", 8));
  i.phi_acquired_or_viewed = r.Text(9);
  RXD_ASSIGN_OR_RETURN(i.mitigation, open("mitigation", 10));
  RXD_ASSIGN_OR_RETURN(i.resolution, open("resolution", 11));
  i.notified_at = r.Text(12);
  i.closed_at = r.Text(13);
  i.created_by = r.Text(14);
  i.created_at = r.Text(15);
  i.updated_at = r.Text(16);
  return i;
}

Result<std::optional<Incident>> PrivacyService::Load(Connection& conn, const std::string& id, bool with_history) const {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string(kSelect) + " WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::optional<Incident>();
  RXD_ASSIGN_OR_RETURN(Incident i, Decrypt(rows[0]));
  RXD_ASSIGN_OR_RETURN(Rows members, conn.Query("SELECT member_id FROM privacy_incident_members WHERE incident_id = ? "
                                                "ORDER BY member_id",
                                                {Value(id)}));
  for (const Row& m : members) i.affected_member_ids.push_back(m.Text(0));
  if (with_history) {
    RXD_ASSIGN_OR_RETURN(Rows history, conn.Query("SELECT COALESCE(from_status, ''), to_status, at, actor_id FROM "
                                                  "privacy_incident_history WHERE incident_id = ? ORDER BY at, id",
                                                  {Value(id)}));
    for (const Row& h : history) i.history.push_back({h.Text(0), h.Text(1), h.Text(2), h.Text(3)});
  }
  return std::optional<Incident>(std::move(i));
}

Status PrivacyService::ValidateText(const Incident& i) const {
  if (Trimmed(i.reported_by).empty()) return InvalidField("reported_by", "is required");
  if (Trimmed(i.summary).empty()) return InvalidField("summary", "is required");
  if (!IsAnswer(i.phi_acquired_or_viewed)) {
    return InvalidField("phi_acquired_or_viewed", "must be unknown, yes or no");
  }
  return OkStatus();
}

Status PrivacyService::Save(Connection& conn, const Incident& i, bool insert) const {
  const auto seal = [&](const char* field, const std::string& text) {
    return text.empty() ? Value() : Value(vault_.Seal("privacy_incidents", i.id, field, text));
  };
  const Value key_id(static_cast<std::int64_t>(vault_.current_key_id()));
  const Value notified = i.notified_at.empty() ? Value() : Value(i.notified_at);
  const Value closed = i.closed_at.empty() ? Value() : Value(i.closed_at);
  if (insert) {
    RXD_TRY(conn.Exec(
        "INSERT INTO privacy_incidents(id, reference, status, discovered_at, notification_due_on, reported_by_enc, "
        "summary_enc, phi_involved_enc, unauthorized_person_enc, phi_acquired_or_viewed, mitigation_enc, "
        "resolution_enc, notified_at, closed_at, key_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {Value(i.id), Value(i.reference), Value(ToString(i.status)), Value(i.discovered_at),
         Value(FormatDate(i.notification_due_on)), seal("reported_by", i.reported_by), seal("summary", i.summary),
         seal("phi_involved", i.phi_involved), seal("unauthorized_person", i.unauthorized_person),
         Value(i.phi_acquired_or_viewed), seal("mitigation", i.mitigation), seal("resolution", i.resolution), notified,
         closed, key_id, Value(i.created_by), Value(i.created_at), Value(i.updated_at)}));
    return OkStatus();
  }
  RXD_TRY(conn.Exec(
      "UPDATE privacy_incidents SET status = ?, discovered_at = ?, notification_due_on = ?, reported_by_enc = ?, "
      "summary_enc = ?, phi_involved_enc = ?, unauthorized_person_enc = ?, phi_acquired_or_viewed = ?, "
      "mitigation_enc = ?, resolution_enc = ?, notified_at = ?, closed_at = ?, key_id = ?, updated_at = ? WHERE id = ?",
      {Value(ToString(i.status)), Value(i.discovered_at), Value(FormatDate(i.notification_due_on)),
       seal("reported_by", i.reported_by), seal("summary", i.summary), seal("phi_involved", i.phi_involved),
       seal("unauthorized_person", i.unauthorized_person), Value(i.phi_acquired_or_viewed),
       seal("mitigation", i.mitigation), seal("resolution", i.resolution), notified, closed, key_id,
       Value(i.updated_at), Value(i.id)}));
  return OkStatus();
}

Result<Incident> PrivacyService::CreateIncident(const Caller& caller, const IncidentInput& in,
                                                const CommitHook<Incident>& on_commit) {
  RXD_TRY(RequireOfficer(caller, "privacy_incident.create", "-"));
  const Instant now = clock_.Now();
  if (in.discovered_at > now) return InvalidField("discovered_at", "must not be in the future");
  RXD_ASSIGN_OR_RETURN(std::vector<std::string> members, CleanMemberIds(in.affected_member_ids));
  Incident inc;
  inc.id = NewId();
  inc.status = IncidentStatus::kOpen;
  inc.discovered_at = FormatInstant(in.discovered_at);
  inc.notification_due_on = zone_.LocalDate(in.discovered_at) + Days{policy_.breach_notification_days};
  inc.reported_by = Trimmed(in.reported_by);
  inc.summary = Trimmed(in.summary);
  inc.phi_involved = Trimmed(in.phi_involved.value_or(""));
  inc.unauthorized_person = Trimmed(in.unauthorized_person.value_or(""));
  inc.phi_acquired_or_viewed = in.phi_acquired_or_viewed.value_or("unknown");
  inc.mitigation = Trimmed(in.mitigation.value_or(""));
  inc.created_by = caller.principal.user_id;
  inc.created_at = inc.updated_at = FormatInstant(now);
  RXD_TRY(ValidateText(inc));
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(CheckMembersExist(w.conn, in.affected_member_ids, members));
    RXD_ASSIGN_OR_RETURN(inc.reference, UniqueReference(w.conn, zone_.LocalDate(now), ReferenceEntropy));
    RXD_TRY(Save(w.conn, inc, /*insert=*/true));
    RXD_TRY(SaveMembers(w.conn, inc.id, members));
    RXD_TRY(AddHistory(w.conn, inc.id, std::nullopt, inc.status, inc.created_at, inc.created_by));
    RXD_ASSIGN_OR_RETURN(std::optional<Incident> stored, Load(w.conn, inc.id, /*with_history=*/true));
    if (!stored) return MakeError("store_error", "the new incident is missing");
    inc = std::move(*stored);
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "privacy_incident.create", "privacy_incident", inc.id, "")));
    return on_commit ? on_commit(w.conn, inc) : OkStatus();
  }));
  return inc;
}

Result<Page<Incident>> PrivacyService::ListIncidents(const Caller& caller, std::optional<IncidentStatus> status,
                                                     int limit, const std::string& cursor) {
  RXD_TRY(RequireOfficer(caller, "privacy_incident.list", "-"));
  if (!cursor.empty() && !IsValidId(cursor)) return InvalidField("cursor", "is not a cursor this API gave out");
  // The list shows no free text: nothing is decrypted.
  std::string sql =
      "SELECT id, reference, status, discovered_at, notification_due_on, COALESCE(notified_at, ''), "
      "COALESCE(closed_at, ''), created_by, created_at, updated_at, (SELECT COUNT(*) FROM privacy_incident_members m "
      "WHERE m.incident_id = privacy_incidents.id) FROM privacy_incidents WHERE 1 = 1";
  std::vector<Value> params;
  if (status) {
    sql += " AND status = ?";
    params.emplace_back(ToString(*status));
  }
  if (!cursor.empty()) {
    sql += " AND id < ?";
    params.emplace_back(cursor);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(limit + 1);
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) { return c.Query(sql, params); }));
  Page<Incident> page;
  for (const Row& r : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = page.items.back().id;
      break;
    }
    Incident i;
    i.id = r.Text(0);
    i.reference = r.Text(1);
    i.status = ParseIncidentStatus(r.Text(2)).value_or(IncidentStatus::kOpen);
    i.discovered_at = r.Text(3);
    auto due = ParseDate(r.Text(4));
    i.notification_due_on = due.ok() ? *due : Date{};
    i.notified_at = r.Text(5);
    i.closed_at = r.Text(6);
    i.created_by = r.Text(7);
    i.created_at = r.Text(8);
    i.updated_at = r.Text(9);
    i.affected_member_ids.resize(static_cast<std::size_t>(r.Int(10)));  // count only: ids are in the detail
    page.items.push_back(std::move(i));
  }
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "privacy_incident.list", "privacy_incident", "-", "")));
  return page;
}

Result<Incident> PrivacyService::GetIncident(const Caller& caller, const std::string& id) {
  RXD_TRY(RequireOfficer(caller, "privacy_incident.read", id));
  RXD_ASSIGN_OR_RETURN(std::optional<Incident> inc,
                       store_.Read([&](Connection& c) { return Load(c, id, /*with_history=*/true); }));
  if (!inc) return MakeError("not_found", "no such incident");
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "privacy_incident.read", "privacy_incident", id, "")));
  return std::move(*inc);
}

Result<Incident> PrivacyService::UpdateIncident(const Caller& caller, const std::string& id, const IncidentPatch& p) {
  RXD_TRY(RequireOfficer(caller, "privacy_incident.update", id));
  const Instant now = clock_.Now();
  if (p.discovered_at && *p.discovered_at > now) return InvalidField("discovered_at", "must not be in the future");
  if (p.notified_at && *p.notified_at > now) return InvalidField("notified_at", "must not be in the future");
  std::optional<std::vector<std::string>> members;
  if (p.affected_member_ids) {
    RXD_ASSIGN_OR_RETURN(members, CleanMemberIds(*p.affected_member_ids));
  }
  Incident inc;
  std::optional<Error> refusal;  // committed with its audit entry, then returned
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    const auto refuse = [&](Error e) {
      refusal = std::move(e);
      return w.audit.Append(w.conn, MakeAudit(caller, now, "privacy_incident.update", "privacy_incident", id, "",
                                              "refused:" + refusal->code));
    };
    RXD_ASSIGN_OR_RETURN(std::optional<Incident> found, Load(w.conn, id, /*with_history=*/false));
    if (!found) return MakeError("not_found", "no such incident");
    inc = std::move(*found);
    const IncidentStatus from = inc.status;
    if (IsClosed(from)) return refuse(MakeError("conflict", "a closed incident no longer changes"));
    if (p.discovered_at) {
      inc.discovered_at = FormatInstant(*p.discovered_at);
      inc.notification_due_on = zone_.LocalDate(*p.discovered_at) + Days{policy_.breach_notification_days};
    }
    if (p.reported_by) inc.reported_by = Trimmed(*p.reported_by);
    if (p.summary) inc.summary = Trimmed(*p.summary);
    if (p.phi_involved) inc.phi_involved = Trimmed(*p.phi_involved);
    if (p.unauthorized_person) inc.unauthorized_person = Trimmed(*p.unauthorized_person);
    if (p.phi_acquired_or_viewed) inc.phi_acquired_or_viewed = *p.phi_acquired_or_viewed;
    if (p.mitigation) inc.mitigation = Trimmed(*p.mitigation);
    if (p.notified_at) inc.notified_at = FormatInstant(*p.notified_at);
    if (p.resolution) inc.resolution = Trimmed(*p.resolution);
    RXD_TRY(ValidateText(inc));
    if (!inc.notified_at.empty() && inc.notified_at < inc.discovered_at) {
      return refuse(InvalidField("notified_at", "must not be earlier than discovered_at"));
    }
    const IncidentStatus to = p.status.value_or(from);
    if (to != from) {
      if (!Allowed(from, to)) {
        return refuse(MakeError("invalid_transition",
                                "an incident in status " + std::string(ToString(from)) + " cannot move to " +
                                    std::string(ToString(to)),
                                "status")
                          .With("from", std::string(ToString(from)))
                          .With("to", std::string(ToString(to))));
      }
      if (IsClosed(to) && inc.resolution.empty()) {
        return refuse(MakeError("resolution_required", "closing an incident needs its resolution", "resolution"));
      }
      if (to == IncidentStatus::kClosedBreachNotified && inc.notified_at.empty()) {
        return refuse(MakeError("notification_required",
                                "closing as a notified breach needs notified_at, when the individuals were notified",
                                "notified_at"));
      }
      if (to == IncidentStatus::kClosedNoBreach) {
        // 45 CFR 164.402(2): an incident is presumed a breach unless a risk assessment
        // of all four factors shows a low probability that the PHI was compromised.
        const std::pair<const char*, bool> factors[] = {
            {"phi_involved", inc.phi_involved.empty()},
            {"unauthorized_person", inc.unauthorized_person.empty()},
            {"phi_acquired_or_viewed", inc.phi_acquired_or_viewed == "unknown"},
            {"mitigation", inc.mitigation.empty()}};
        for (const auto& [field, missing] : factors) {
          if (missing) {
            return refuse(MakeError("risk_assessment_incomplete",
                                    "closing without a breach needs all four risk assessment factors", field));
          }
        }
      }
      inc.status = to;
      if (IsClosed(to)) inc.closed_at = FormatInstant(now);
    }
    if (members) RXD_TRY(CheckMembersExist(w.conn, *p.affected_member_ids, *members));
    inc.updated_at = FormatInstant(now);
    RXD_TRY(Save(w.conn, inc, /*insert=*/false));
    if (members) RXD_TRY(SaveMembers(w.conn, inc.id, *members));
    if (to != from) RXD_TRY(AddHistory(w.conn, inc.id, from, to, inc.updated_at, caller.principal.user_id));
    RXD_ASSIGN_OR_RETURN(std::optional<Incident> stored, Load(w.conn, inc.id, /*with_history=*/true));
    if (!stored) return MakeError("store_error", "the incident is missing after its update");
    inc = std::move(*stored);
    return w.audit.Append(w.conn, MakeAudit(caller, now, "privacy_incident.update", "privacy_incident", id, "",
                                            to != from ? "ok:" + std::string(ToString(to)) : "ok"));
  }));
  if (refusal) return std::move(*refusal);
  return inc;
}

}  // namespace rxdesk
