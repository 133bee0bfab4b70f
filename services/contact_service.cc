#include "services/contact_service.h"

#include "infra/ids.h"
#include "services/audit.h"
#include "services/references.h"

namespace rxdesk {
namespace {

constexpr const char* kChannels[] = {"call", "chat", "message", "portal"};

bool KnownChannel(const std::string& channel) {
  for (const char* c : kChannels) {
    if (channel == c) return true;
  }
  return false;
}

bool MayHold(const Caller& caller, const Contact& c) {
  return c.agent_id == caller.principal.user_id || caller.principal.role == Role::kSupervisor;
}

Error NotVerified(int attempts_left) {
  return MakeError("identity_not_verified", "the details given do not match our records for this caller")
      .With("attempts_left", std::to_string(attempts_left));
}

Error Locked() {
  return MakeError("contact_locked",
                   "identity verification failed too often: PHI is locked for this contact and a supervisor is notified");
}

}  // namespace

Result<Contact> ContactService::Open(const Caller& caller, const std::string& channel,
                                     const std::optional<std::string>& member_id, const CommitHook<Contact>& on_commit) {
  if (!KnownChannel(channel)) return InvalidField("channel", "must be call, chat, message or portal");
  const Instant now = clock_.Now();
  Contact c;
  c.id = NewId();
  c.channel = channel;
  c.agent_id = caller.principal.user_id;
  c.member_id = member_id.value_or("");
  c.opened_at = c.updated_at = FormatInstant(now);
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    if (!c.member_id.empty()) {
      RXD_ASSIGN_OR_RETURN(bool exists, MemberService::Exists(w.conn, c.member_id));
      if (!exists) return InvalidField("member_id", "no such member");
    }
    RXD_ASSIGN_OR_RETURN(c.reference, UniqueReference(w.conn, zone_.LocalDate(now), ReferenceEntropy));
    RXD_TRY(w.conn.Exec("INSERT INTO contacts(id, reference, channel, agent_id, member_id, status, verification, "
                        "opened_at, updated_at) VALUES (?, ?, ?, ?, ?, 'open', 'unverified', ?, ?)",
                        {Value(c.id), Value(c.reference), Value(c.channel), Value(c.agent_id),
                         c.member_id.empty() ? Value() : Value(c.member_id), Value(c.opened_at), Value(c.updated_at)}));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "contact.open", "contact", c.id, c.member_id)));
    return on_commit ? on_commit(w.conn, c) : OkStatus();
  }));
  return c;
}

Result<Contact> ContactService::LoadHeld(const Caller& caller, const std::string& id, std::string_view action) {
  RXD_ASSIGN_OR_RETURN(std::optional<Contact> c, store_.Read([&](Connection& conn) { return LoadContact(conn, id); }));
  if (!c) return MakeError("not_found", "no such contact");
  if (!MayHold(caller, *c)) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), std::string(action), "contact", id, "", "denied")));
    return MakeError("not_found", "no such contact");
  }
  return std::move(*c);
}

Result<Contact> ContactService::Get(const Caller& caller, const std::string& id) {
  return LoadHeld(caller, id, "contact.read");
}

Result<Contact> ContactService::Verify(const Caller& caller, const std::string& id, const IdentityClaim& claim) {
  RXD_ASSIGN_OR_RETURN(const IdentityFact fact, ClaimedFact(claim));
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(Contact c, LoadHeld(caller, id, "contact.verify"));
  if (!c.open) return MakeError("conflict", "the contact is closed");
  if (c.verification.status == VerificationStatus::kVerified) {
    return MakeError("conflict", "the caller is already verified in this contact");
  }
  if (c.verification.status == VerificationStatus::kLocked) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "contact.verify", "contact", id, c.member_id,
                                         "refused:contact_locked")));
    return Locked();
  }

  // Which members fit the claim: the linked one, or those with this name and birth date.
  std::vector<std::string> matches;
  RXD_TRY(store_.Read([&](Connection& conn) -> Status {
    std::vector<std::string> candidates;
    if (!c.member_id.empty()) {
      candidates.push_back(c.member_id);
    } else {
      RXD_ASSIGN_OR_RETURN(candidates, members_.IdsByNameAndBirthDate(conn, claim.first_name, claim.last_name,
                                                                      claim.date_of_birth));
    }
    std::string rx_owner;
    if (fact == IdentityFact::kRxNumber) {
      RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT member_id FROM prescriptions WHERE rx_number = ?",
                                                 {Value(claim.rx_number)}));
      if (!rows.empty()) rx_owner = rows[0].Text(0);
    }
    for (const std::string& candidate : candidates) {
      RXD_ASSIGN_OR_RETURN(std::optional<Member> m, members_.Load(conn, candidate));
      if (!m) continue;
      const IdentityOnFile on_file{.first_name = m->first_name,
                                   .last_name = m->last_name,
                                   .date_of_birth = m->date_of_birth,
                                   .address = m->address,
                                   .member_number = m->member_number,
                                   .owns_claimed_rx = !rx_owner.empty() && rx_owner == m->id};
      if (MatchesIdentity(claim, on_file)) matches.push_back(m->id);
    }
    return OkStatus();
  }));
  if (matches.size() > 1) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "contact.verify", "contact", id, "", "refused:ambiguous")));
    return MakeError("conflict", "these details fit more than one member: verify with the member number or an Rx number");
  }

  // Apply the attempt to the contact's current state inside the write, so two
  // attempts at once cannot both count from the same number of failures.
  const bool matched = matches.size() == 1;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<Contact> fresh, LoadContact(w.conn, id));
    if (!fresh) return MakeError("not_found", "no such contact");
    c = std::move(*fresh);
    if (c.verification.status != VerificationStatus::kUnverified) {
      refusal = c.verification.status == VerificationStatus::kLocked
                    ? Locked()
                    : MakeError("conflict", "the caller is already verified in this contact");
      return OkStatus();
    }
    c.verification = AfterAttempt(c.verification, matched, policy_);
    c.updated_at = FormatInstant(now);
    if (matched) {
      c.member_id = matches.front();
      c.verified_by = std::string(ToString(fact));
      c.verified_at = c.updated_at;
    }
    c.flagged = c.verification.status == VerificationStatus::kLocked;
    RXD_TRY(w.conn.Exec("UPDATE contacts SET member_id = ?, verification = ?, verified_by = ?, failed_attempts = ?, "
                        "flagged = ?, verified_at = ?, updated_at = ? WHERE id = ?",
                        {c.member_id.empty() ? Value() : Value(c.member_id),
                         Value(std::string(ToString(c.verification.status))),
                         c.verified_by.empty() ? Value() : Value(c.verified_by),
                         Value(static_cast<std::int64_t>(c.verification.failed_attempts)),
                         Value(static_cast<std::int64_t>(c.flagged ? 1 : 0)),
                         c.verified_at.empty() ? Value() : Value(c.verified_at), Value(c.updated_at), Value(id)}));
    std::string outcome = "ok";
    if (!matched) {
      refusal = c.flagged ? Locked() : NotVerified(AttemptsLeft(c.verification, policy_));
      outcome = "refused:" + refusal->code;
    }
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "contact.verify", "contact", id, c.member_id, outcome)));
    if (c.flagged) {
      RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "contact.flagged", "contact", id, c.member_id)));
    }
    return OkStatus();
  }));
  if (refusal) return *refusal;
  return c;
}

Result<Contact> ContactService::GetHeld(const Caller& caller, const std::string& id, std::string_view action) {
  return LoadHeld(caller, id, action);
}

Result<Contact> ContactService::Close(const Caller& caller, const std::string& id, const ContactOutcome& outcome) {
  if (outcome.disposition.has_value() != outcome.issue.has_value()) {
    return outcome.disposition ? InvalidField("issue", "is required with a disposition")
                               : InvalidField("disposition", "is required with an issue");
  }
  if (!outcome.disposition && !outcome.order_ids.empty()) {
    return InvalidField("order_ids", "orders are linked together with a disposition and an issue");
  }
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(Contact c, LoadHeld(caller, id, "contact.close"));
  if (!c.open) return c;  // closing twice is harmless
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<Contact> fresh, LoadContact(w.conn, id));
    if (!fresh) return MakeError("not_found", "no such contact");
    c = std::move(*fresh);
    if (!c.open) return OkStatus();  // a twin request closed it first
    return CloseWithin(w, caller, c, outcome, now);
  }));
  return c;
}

Status ContactService::CloseWithin(WriteContext& w, const Caller& caller, Contact& c, const ContactOutcome& outcome,
                                   Instant now) const {
  const bool verified = c.verification.status == VerificationStatus::kVerified && !c.member_id.empty();
  for (std::size_t i = 0; i < outcome.order_ids.size(); ++i) {
    RXD_ASSIGN_OR_RETURN(Rows rows, w.conn.Query("SELECT member_id FROM orders WHERE id = ?",
                                                 {Value(outcome.order_ids[i])}));
    if (!verified || rows.empty() || rows[0].Text(0) != c.member_id) {
      return MakeError("unknown_order", "not an order of this contact's verified member",
                       "order_ids[" + std::to_string(i) + "]");
    }
  }
  c.open = false;
  c.closed_at = c.updated_at = FormatInstant(now);
  Value resolved;
  if (outcome.disposition) {
    c.disposition = std::string(ToString(*outcome.disposition));
    c.issue = std::string(ToString(*outcome.issue));
    resolved = Value(IsResolved(*outcome.disposition));
  }
  RXD_TRY(w.conn.Exec("UPDATE contacts SET status = 'closed', closed_at = ?, updated_at = ?, disposition = ?, issue = ?, "
                      "resolved = ? WHERE id = ?",
                      {Value(c.closed_at), Value(c.updated_at), c.disposition.empty() ? Value() : Value(c.disposition),
                       c.issue.empty() ? Value() : Value(c.issue), resolved, Value(c.id)}));
  for (const std::string& order_id : outcome.order_ids) {
    RXD_ASSIGN_OR_RETURN(Rows linked, w.conn.Query("SELECT 1 FROM contact_orders WHERE contact_id = ? AND order_id = ?",
                                                   {Value(c.id), Value(order_id)}));
    if (!linked.empty()) continue;  // listed twice
    RXD_TRY(w.conn.Exec("INSERT INTO contact_orders(contact_id, order_id) VALUES (?, ?)", {Value(c.id), Value(order_id)}));
    c.order_ids.push_back(order_id);
  }
  RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "contact.close", "contact", c.id, c.member_id)));
  // First-contact resolution: this contact repeats the member's earlier resolved
  // ones on the same issue that closed within the window before it opened.
  if (outcome.issue && verified) {
    RXD_ASSIGN_OR_RETURN(const Instant opened, ParseInstant(c.opened_at, "opened_at"));
    const std::string window_start = FormatInstant(opened - fcr_.repeat_window);
    RXD_ASSIGN_OR_RETURN(Rows earlier,
                         w.conn.Query("SELECT id, closed_at FROM contacts WHERE member_id = ? AND issue = ? AND "
                                      "resolved = 1 AND id <> ? AND closed_at > ? AND opened_at <= ? AND "
                                      "(fcr IS NULL OR fcr <> 0)",
                                      {Value(c.member_id), Value(c.issue), Value(c.id), Value(window_start),
                                       Value(c.opened_at)}));
    for (const Row& e : earlier) {
      RXD_ASSIGN_OR_RETURN(const Instant closed, ParseInstant(e.Text(1), "closed_at"));
      if (!IsRepeatContact(closed, opened, fcr_)) continue;
      RXD_TRY(w.conn.Exec("UPDATE contacts SET fcr = 0 WHERE id = ?", {Value(e.Text(0))}));
      RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "contact.fcr_repeat", "contact", e.Text(0), c.member_id)));
    }
  }
  for (const ContactClosedHook& hook : closed_hooks_) RXD_TRY(hook(w.conn, c, now));
  return OkStatus();
}

Result<Page<Contact>> ContactService::List(const Caller& caller, const ContactFilter& filter) {
  std::string sql = "SELECT id FROM contacts WHERE 1 = 1";
  std::vector<Value> params;
  if (caller.principal.role != Role::kSupervisor) {
    sql += " AND agent_id = ?";
    params.emplace_back(caller.principal.user_id);
  }
  if (filter.flagged) {
    sql += " AND flagged = ?";
    params.emplace_back(static_cast<std::int64_t>(*filter.flagged ? 1 : 0));
  }
  if (filter.open) {
    sql += " AND status = ?";
    params.emplace_back(std::string(*filter.open ? "open" : "closed"));
  }
  if (!filter.cursor.empty()) {
    sql += " AND id < ?";
    params.emplace_back(filter.cursor);
  }
  sql += " ORDER BY id DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(filter.limit + 1));
  Page<Contact> page;
  RXD_TRY(store_.Read([&](Connection& conn) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, std::span<const Value>(params.data(), params.size())));
    for (const Row& r : rows) {
      if (static_cast<int>(page.items.size()) == filter.limit) {
        page.next_cursor = page.items.back().id;
        break;
      }
      RXD_ASSIGN_OR_RETURN(std::optional<Contact> c, LoadContact(conn, r.Text(0)));
      if (c) page.items.push_back(std::move(*c));
    }
    return OkStatus();
  }));
  return page;
}

Result<std::optional<MaskedIdentity>> ContactService::Masked(const Caller& caller, const Contact& contact) {
  if (contact.member_id.empty()) return std::optional<MaskedIdentity>();
  RXD_ASSIGN_OR_RETURN(std::optional<Member> m,
                       store_.Read([&](Connection& conn) { return members_.Load(conn, contact.member_id); }));
  if (!m) return std::optional<MaskedIdentity>();
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "member.read_masked", "member", m->id, m->id)));
  const IdentityOnFile on_file{.first_name = m->first_name,
                               .last_name = m->last_name,
                               .date_of_birth = m->date_of_birth,
                               .address = m->address,
                               .member_number = m->member_number};
  return std::optional<MaskedIdentity>(MaskIdentity(on_file));
}

}  // namespace rxdesk
