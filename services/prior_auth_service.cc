#include "services/prior_auth_service.h"

#include "domain/contact_info.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/notifications.h"
#include "services/references.h"

namespace rxdesk {
namespace {

constexpr char kSelect[] =
    "SELECT id, reference, rx_number, member_id, status, note_enc, requested_by, requested_at, due_at, "
    "COALESCE(decided_by, ''), COALESCE(decided_at, ''), reason_enc FROM prior_authorizations";

// The list's cursor: "<due_at>,<id>" of the previous page's last item.
Result<std::pair<std::string, std::string>> ParseCursor(const std::string& cursor) {
  const std::size_t comma = cursor.find(',');
  if (comma == std::string::npos) return InvalidField("cursor", "is not a cursor of this list");
  std::string due = cursor.substr(0, comma), id = cursor.substr(comma + 1);
  if (!ParseInstant(due, "cursor").ok() || !IsValidId(id))
    return InvalidField("cursor", "is not a cursor of this list");
  return std::make_pair(std::move(due), std::move(id));
}

}  // namespace

Result<PriorAuthRecord> PriorAuthService::FromRow(const Row& r, Instant now, bool with_phi) const {
  PriorAuthRecord p;
  p.id = r.Text(0);
  p.reference = r.Text(1);
  p.rx_number = r.Text(2);
  p.member_id = r.Text(3);
  p.status = ParsePriorAuthStatus(r.Text(4)).value_or(PriorAuthStatus::kPending);
  if (with_phi && !r.IsNull(5)) {
    RXD_ASSIGN_OR_RETURN(p.note, vault_.Open("prior_authorizations", p.id, "note", r.at(5)));
  }
  p.requested_by = r.Text(6);
  RXD_ASSIGN_OR_RETURN(p.requested_at, ParseInstant(r.Text(7)));
  RXD_ASSIGN_OR_RETURN(p.due_at, ParseInstant(r.Text(8)));
  p.decided_by = r.Text(9);
  if (!r.Text(10).empty()) {
    RXD_ASSIGN_OR_RETURN(const Instant decided, ParseInstant(r.Text(10)));
    p.decided_at = decided;
  }
  if (with_phi && !r.IsNull(11)) {
    RXD_ASSIGN_OR_RETURN(p.reason, vault_.Open("prior_authorizations", p.id, "reason", r.at(11)));
  }
  p.overdue = IsPriorAuthOverdue(p.status, p.due_at, now);
  return p;
}

Result<PriorAuthRecord> PriorAuthService::Request(const Caller& caller, const std::string& rx_number,
                                                  const std::optional<std::string>& note,
                                                  const CommitHook<PriorAuthRecord>& on_commit) {
  if (note && (note->empty() || note->size() > kMaxPriorAuthText || !IsPrintableUtf8(*note))) {
    return InvalidField("note", "must be 1 to " + std::to_string(kMaxPriorAuthText) + " characters of text");
  }
  const Instant now = clock_.Now();
  PriorAuthRecord out;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> rx, PrescriptionService::Load(w.conn, rx_number));
    if (!rx) return MakeError("not_found", "no such prescription");
    const auto refuse = [&](Error e, const std::string& outcome) {
      refusal = std::move(e);
      return w.audit.Append(
          w.conn, MakeAudit(caller, now, "prior_auth.request", "prescription", rx_number, rx->member_id, outcome));
    };
    if (Status own = members_.CheckOwnership(w.conn, caller, rx->member_id); !own.ok()) {
      return refuse(NotVisible(own.error(), "no such prescription"), "denied");
    }
    if (rx->rx.prior_auth == PriorAuth::kNotRequired) {
      return refuse(MakeError(prior_auth_error::kNotRequired,
                              "this prescription's drug needs no prior authorization under the member's plan"),
                    std::string("refused:") + prior_auth_error::kNotRequired);
    }
    if (rx->rx.prior_auth == PriorAuth::kApproved) {
      return refuse(MakeError("conflict", "a prior authorization is already approved for this prescription"),
                    "refused:conflict");
    }
    RXD_ASSIGN_OR_RETURN(Rows pending, w.conn.Query("SELECT id FROM prior_authorizations WHERE rx_number = ? AND "
                                                    "status = 'pending'",
                                                    {Value(rx_number)}));
    if (!pending.empty()) {
      return refuse(MakeError("conflict", "a prior authorization request is already pending for this prescription")
                        .With("prior_authorization_id", pending[0].Text(0)),
                    "refused:conflict");
    }
    out.id = NewId();
    RXD_ASSIGN_OR_RETURN(out.reference, UniqueReference(w.conn, zone_.LocalDate(now), ReferenceEntropy));
    out.rx_number = rx_number;
    out.member_id = rx->member_id;
    out.note = note.value_or("");
    out.requested_by = caller.principal.user_id;
    out.requested_at = now;
    out.due_at = PriorAuthDueAt(now, policy_);
    RXD_TRY(w.conn.Exec(
        "INSERT INTO prior_authorizations(id, reference, rx_number, member_id, status, note_enc, requested_by, "
        "requested_at, due_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)",
        {Value(out.id), Value(out.reference), Value(rx_number), Value(out.member_id),
         note ? Value(vault_.Seal("prior_authorizations", out.id, "note", *note)) : Value(), Value(out.requested_by),
         Value(FormatInstant(now)), Value(FormatInstant(out.due_at)), Value(FormatInstant(now))}));
    RXD_TRY(w.audit.Append(w.conn,
                           MakeAudit(caller, now, "prior_auth.request", "prior_authorization", out.id, out.member_id)));
    return on_commit ? on_commit(w.conn, out) : OkStatus();
  }));
  if (refusal) return std::move(*refusal);
  return out;
}

Result<PriorAuthRecord> PriorAuthService::Get(const Caller& caller, const std::string& id) {
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query(std::string(kSelect) + " WHERE id = ?", {Value(id)});
  }));
  if (rows.empty()) return MakeError("not_found", "no such prior authorization");
  const std::string member_id = rows[0].Text(3);
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(
        AuditAlone(store_, MakeAudit(caller, now, "prior_auth.read", "prior_authorization", id, member_id, "denied")));
    return NotVisible(own.error(), "no such prior authorization");
  }
  RXD_ASSIGN_OR_RETURN(PriorAuthRecord p, FromRow(rows[0], now, true));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "prior_auth.read", "prior_authorization", id, member_id)));
  return p;
}

Result<Page<PriorAuthRecord>> PriorAuthService::List(const Caller& caller, const PriorAuthListQuery& query) {
  const Instant now = clock_.Now();
  std::pair<std::string, std::string> after{"", ""};
  if (!query.cursor.empty()) {
    RXD_ASSIGN_OR_RETURN(after, ParseCursor(query.cursor));
  }
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query(std::string(kSelect) +
                       " WHERE status = ? AND (due_at > ? OR (due_at = ? AND id > ?)) ORDER BY due_at, id LIMIT ?",
                   {Value(ToString(query.status)), Value(after.first), Value(after.first), Value(after.second),
                    Value(query.limit + 1)});
  }));
  Page<PriorAuthRecord> page;
  for (const Row& r : rows) {
    if (static_cast<int>(page.items.size()) == query.limit) {
      page.next_cursor = FormatInstant(page.items.back().due_at) + "," + page.items.back().id;
      break;
    }
    RXD_ASSIGN_OR_RETURN(PriorAuthRecord p, FromRow(r, query.at.value_or(now), false));
    page.items.push_back(std::move(p));
  }
  // The queue names members and prescriptions: its reading is an access event.
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "prior_auth.list", "prior_authorization", "-", "")));
  return page;
}

Result<PriorAuthRecord> PriorAuthService::Decide(const Caller& caller, const std::string& id,
                                                 const std::string& decision, const std::string& reason) {
  const Instant now = clock_.Now();
  PriorAuthRecord out;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows rows, w.conn.Query(std::string(kSelect) + " WHERE id = ?", {Value(id)}));
    if (rows.empty()) return MakeError("not_found", "no such prior authorization");
    RXD_ASSIGN_OR_RETURN(out, FromRow(rows[0], now, true));
    auto next = DecidePriorAuth(out.status, decision, reason);
    if (!next.ok()) {
      refusal = std::move(next).error();
      return w.audit.Append(w.conn, MakeAudit(caller, now, "prior_auth.decide", "prior_authorization", id,
                                              out.member_id, "refused:" + refusal->code));
    }
    out.status = *next;
    out.reason = reason;
    out.decided_at = now;
    out.decided_by = caller.principal.user_id;
    out.overdue = false;
    RXD_TRY(w.conn.Exec(
        "UPDATE prior_authorizations SET status = ?, decided_by = ?, decided_at = ?, reason_enc = ?, "
        "updated_at = ? WHERE id = ?",
        {Value(ToString(out.status)), Value(out.decided_by), Value(FormatInstant(now)),
         Value(vault_.Seal("prior_authorizations", id, "reason", reason)), Value(FormatInstant(now)), Value(id)}));
    if (out.status == PriorAuthStatus::kApproved) {
      RXD_TRY(w.conn.Exec("UPDATE prescriptions SET prior_auth_approved = 1, updated_at = ? WHERE rx_number = ?",
                          {Value(FormatInstant(now)), Value(out.rx_number)}));
      // The prescription changed: its own entry (store/audit_coverage.h).
      RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "prescription.prior_auth_approved", "prescription",
                                               out.rx_number, out.member_id)));
    }
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "prior_auth.decide", "prior_authorization", id, out.member_id,
                                             "ok:" + std::string(ToString(out.status)))));
    // The message says a decision was made, never which: the member reads it signed in.
    return QueueNotification(
        w.conn,
        {.member_id = out.member_id, .template_id = "prior_auth_decided", .params = {{"reference", out.reference}}});
  }));
  if (refusal) return std::move(*refusal);
  return out;
}

}  // namespace rxdesk
