#include "services/ticket_service.h"

#include "domain/contact_info.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/notifications.h"
#include "services/references.h"

namespace rxdesk {
namespace {

constexpr char kSelect[] =
    "SELECT id, reference, contact_id, COALESCE(member_id, ''), path, reason, summary_enc, status, "
    "COALESCE(owner_id, ''), due_at, created_by, created_at, updated_at, COALESCE(closed_at, '') FROM tickets";

Error NoTicket() { return MakeError("not_found", "no such ticket"); }

// The paths a role sees, as SQL values.
std::vector<std::string> VisiblePaths(Role role) {
  std::vector<std::string> paths;
  for (EscalationPath p : {EscalationPath::kSupervisor, EscalationPath::kPharmacyManager, EscalationPath::kClinicalRisk,
                           EscalationPath::kPrivacyOfficer}) {
    if (MaySeeTicket(role, p)) paths.emplace_back(ToString(p));
  }
  return paths;
}

Status AddHistory(Connection& conn, const Ticket& t, const std::string& from, const std::string& actor_id) {
  RXD_TRY(
      conn.Exec("INSERT INTO ticket_history(id, ticket_id, from_status, to_status, owner_id, at, actor_id) VALUES "
                "(?, ?, ?, ?, ?, ?, ?)",
                {Value(NewId()), Value(t.id), from.empty() ? Value() : Value(from), Value(ToString(t.status)),
                 t.owner_id.empty() ? Value() : Value(t.owner_id), Value(t.updated_at), Value(actor_id)}));
  return OkStatus();
}

// The columns of kSelect but the sealed summary (6), which only a full read opens.
Result<Ticket> TicketOf(const Row& r) {
  Ticket t{.id = r.Text(0), .reference = r.Text(1), .contact_id = r.Text(2), .member_id = r.Text(3)};
  RXD_ASSIGN_OR_RETURN(t.path, ParseEscalationPath(r.Text(4)));
  t.reason = r.Text(5);
  RXD_ASSIGN_OR_RETURN(t.status, ParseTicketStatus(r.Text(7)));
  t.owner_id = r.Text(8);
  t.due_at = r.Text(9);
  t.created_by = r.Text(10);
  t.created_at = r.Text(11);
  t.updated_at = r.Text(12);
  t.closed_at = r.Text(13);
  return t;
}

}  // namespace

Result<std::optional<Ticket>> TicketService::Load(Connection& conn, const std::string& id, bool with_history) const {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string(kSelect) + " WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::optional<Ticket>();
  const Row& r = rows[0];
  RXD_ASSIGN_OR_RETURN(Ticket t, TicketOf(r));
  if (with_history) {
    RXD_ASSIGN_OR_RETURN(t.summary, vault_.Open("tickets", t.id, "summary", r.at(6)));
  }
  if (with_history) {
    RXD_ASSIGN_OR_RETURN(Rows history,
                         conn.Query("SELECT COALESCE(from_status, ''), to_status, COALESCE(owner_id, ''), "
                                    "at, actor_id FROM ticket_history WHERE ticket_id = ? ORDER BY id",
                                    {Value(id)}));
    for (const Row& h : history) t.history.push_back({h.Text(0), h.Text(1), h.Text(2), h.Text(3), h.Text(4)});
  }
  return std::optional<Ticket>(std::move(t));
}

// What the caller is shown: the summary only to the path's handlers; breached as of now.
void TicketService::Present(const Caller& caller, Ticket& t) const {
  if (!MayReadTicketSummary(caller.principal.role, t.path)) {
    t.summary.clear();
    t.summary_withheld = true;
  }
  const auto due = ParseInstant(t.due_at, "due_at");
  t.breached = due.ok() && IsTicketBreached(t.status, *due, clock_.Now());
}

Result<Ticket> TicketService::Escalate(const Caller& caller, const std::string& contact_id,
                                       const EscalationInput& input, const CommitHook<Ticket>& on_commit) {
  RXD_TRY(ValidateEscalationReason(input.path, input.reason));
  if (input.summary.find_first_not_of(" \t\r\n") == std::string::npos) return InvalidField("summary", "is required");
  if (input.summary.size() > kMaxTicketSummaryBytes) {
    return InvalidField("summary", "must be at most " + std::to_string(kMaxTicketSummaryBytes) + " bytes");
  }
  std::string flat = input.summary;
  for (char& c : flat) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (!IsPrintableUtf8(flat)) return InvalidField("summary", "must be UTF-8 text without control characters");
  RXD_ASSIGN_OR_RETURN(Contact contact, contacts_.GetHeld(caller, contact_id, "ticket.create"));
  const Instant now = clock_.Now();
  Ticket t{
      .id = NewId(), .contact_id = contact.id, .path = input.path, .reason = input.reason, .summary = input.summary};
  if (contact.verification.status == VerificationStatus::kVerified) t.member_id = contact.member_id;
  t.due_at = FormatInstant(TicketDueAt(input.path, now, policy_));
  t.created_by = caller.principal.user_id;
  t.created_at = t.updated_at = FormatInstant(now);
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(t.reference, UniqueReference(w.conn, zone_.LocalDate(now), ReferenceEntropy));
    RXD_TRY(w.conn.Exec(
        "INSERT INTO tickets(id, reference, contact_id, member_id, path, reason, summary_enc, status, "
        "due_at, key_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, "
        "?, ?, ?, ?)",
        {Value(t.id), Value(t.reference), Value(t.contact_id), t.member_id.empty() ? Value() : Value(t.member_id),
         Value(ToString(t.path)), Value(t.reason), Value(vault_.Seal("tickets", t.id, "summary", t.summary)),
         Value(t.due_at), Value(static_cast<std::int64_t>(vault_.current_key_id())), Value(t.created_by),
         Value(t.created_at), Value(t.updated_at)}));
    RXD_TRY(AddHistory(w.conn, t, "", caller.principal.user_id));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "ticket.create", "ticket", t.id, t.member_id)));
    if (!t.member_id.empty()) {
      RXD_TRY(QueueNotification(
          w.conn, {.member_id = t.member_id, .template_id = "ticket_opened", .params = {{"reference", t.reference}}}));
    }
    RXD_ASSIGN_OR_RETURN(std::optional<Ticket> stored, Load(w.conn, t.id, true));
    if (!stored) return MakeError("store_error", "the new ticket is missing");
    t = std::move(*stored);
    Present(caller, t);
    return on_commit ? on_commit(w.conn, t) : OkStatus();
  }));
  return t;
}

Result<Page<Ticket>> TicketService::List(const Caller& caller, const TicketFilter& filter) {
  if (!filter.cursor.empty() && !IsValidId(filter.cursor)) {
    return InvalidField("cursor", "is not a cursor this API gave out");
  }
  Page<Ticket> page;
  std::vector<std::string> paths = VisiblePaths(caller.principal.role);
  if (filter.path) {
    const std::string wanted(ToString(*filter.path));
    paths = std::find(paths.begin(), paths.end(), wanted) == paths.end() ? std::vector<std::string>{}
                                                                         : std::vector<std::string>{wanted};
  }
  if (paths.empty()) return page;
  std::string sql = std::string(kSelect) + " WHERE path IN (";
  std::vector<Value> params;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    sql += i == 0 ? "?" : ", ?";
    params.emplace_back(paths[i]);
  }
  sql += ")";
  if (filter.status) {
    sql += " AND status = ?";
    params.emplace_back(ToString(*filter.status));
  }
  if (filter.breached) {
    sql += *filter.breached ? " AND status IN ('open', 'in_progress') AND due_at <= ?"
                            : " AND NOT (status IN ('open', 'in_progress') AND due_at <= ?)";
    params.emplace_back(FormatInstant(clock_.Now()));
  }
  if (!filter.cursor.empty()) {
    sql += " AND id < ?";
    params.emplace_back(filter.cursor);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(filter.limit + 1);
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) { return c.Query(sql, params); }));
  for (const Row& r : rows) {
    if (static_cast<int>(page.items.size()) == filter.limit) {
      page.next_cursor = page.items.back().id;
      break;
    }
    RXD_ASSIGN_OR_RETURN(Ticket t, TicketOf(r));
    Present(caller, t);
    page.items.push_back(std::move(t));
  }
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "ticket.list", "ticket", "-", "")));
  return page;
}

Result<Ticket> TicketService::Get(const Caller& caller, const std::string& id) {
  if (!IsValidId(id)) return NoTicket();
  RXD_ASSIGN_OR_RETURN(std::optional<Ticket> t, store_.Read([&](Connection& c) { return Load(c, id, true); }));
  if (!t || !MaySeeTicket(caller.principal.role, t->path)) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "ticket.read", "ticket", id, "", "denied")));
    return NoTicket();
  }
  Present(caller, *t);
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "ticket.read", "ticket", id, t->member_id)));
  return std::move(*t);
}

Result<Ticket> TicketService::Change(const Caller& caller, const std::string& id, std::string_view action,
                                     const std::function<Status(Connection&, Ticket&)>& change) {
  if (!IsValidId(id)) return NoTicket();
  const Instant now = clock_.Now();
  Ticket result;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<Ticket> t, Load(w.conn, id, false));
    if (!t || !MaySeeTicket(caller.principal.role, t->path)) {
      refusal = NoTicket();
      return w.audit.Append(w.conn, MakeAudit(caller, now, std::string(action), "ticket", id, "", "denied"));
    }
    const std::string from(ToString(t->status));
    t->updated_at = FormatInstant(now);
    if (Status s = change(w.conn, *t); !s.ok()) {
      refusal = s.error();
      return w.audit.Append(
          w.conn, MakeAudit(caller, now, std::string(action), "ticket", id, t->member_id, "refused:" + refusal->code));
    }
    if (IsTicketDone(t->status) && t->closed_at.empty()) t->closed_at = t->updated_at;
    RXD_TRY(w.conn.Exec("UPDATE tickets SET status = ?, owner_id = ?, updated_at = ?, closed_at = ? WHERE id = ?",
                        {Value(ToString(t->status)), t->owner_id.empty() ? Value() : Value(t->owner_id),
                         Value(t->updated_at), t->closed_at.empty() ? Value() : Value(t->closed_at), Value(id)}));
    RXD_TRY(AddHistory(w.conn, *t, from, caller.principal.user_id));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, std::string(action), "ticket", id, t->member_id)));
    RXD_ASSIGN_OR_RETURN(std::optional<Ticket> stored, Load(w.conn, id, true));
    result = std::move(*stored);
    Present(caller, result);
    return OkStatus();
  }));
  if (refusal) return *refusal;
  return result;
}

Result<Ticket> TicketService::Assign(const Caller& caller, const std::string& id, const std::string& owner_id) {
  if (!IsValidId(owner_id)) return MakeError("invalid_owner", "no user of this path's role has that id", "owner_id");
  return Change(caller, id, "ticket.assign", [&](Connection& conn, Ticket& t) -> Status {
    if (!MayAssignTicket(caller.principal.role, t.path)) return MakeError("forbidden", "you do not work this path");
    if (IsTicketDone(t.status)) return MakeError("conflict", "the ticket is " + std::string(ToString(t.status)));
    RXD_ASSIGN_OR_RETURN(Rows rows,
                         conn.Query("SELECT role FROM users WHERE id = ? AND disabled = 0", {Value(owner_id)}));
    if (rows.empty() || rows[0].Text(0) != ToString(HandlerRole(t.path))) {
      return MakeError("invalid_owner", "no user of this path's role has that id", "owner_id");
    }
    t.owner_id = owner_id;
    return OkStatus();
  });
}

Result<Ticket> TicketService::SetStatus(const Caller& caller, const std::string& id, TicketStatus to) {
  return Change(caller, id, "ticket.status", [&](Connection&, Ticket& t) -> Status {
    if (!MayWorkTicket(caller.principal.role, t.path)) {
      return MakeError("forbidden",
                       "only the " + std::string(ToString(HandlerRole(t.path))) + " role moves tickets of this path");
    }
    RXD_TRY(CheckTicketTransition(t.status, to));
    if (t.owner_id.empty()) t.owner_id = caller.principal.user_id;
    t.status = to;
    return OkStatus();
  });
}

}  // namespace rxdesk
