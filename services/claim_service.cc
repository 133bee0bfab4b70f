#include "services/claim_service.h"

#include "domain/schedule.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/notifications.h"
#include "services/references.h"

namespace rxdesk {
namespace {

constexpr char kSelect[] =
    "SELECT c.id, c.order_id, o.reference, c.member_id, c.kind, c.status, c.controlled, c.return_required, "
    "c.reported_on, c.window_closes_on, c.description_enc, COALESCE(c.replacement_order_id, ''), "
    "COALESCE(r.reference, ''), c.decision_reason_enc, COALESCE(c.decided_by, ''), COALESCE(c.decided_at, ''), "
    "c.created_at, c.updated_at FROM order_claims c JOIN orders o ON o.id = c.order_id LEFT JOIN orders r ON r.id = "
    "c.replacement_order_id";

Date DateOr(const std::string& text) {
  auto d = ParseDate(text);
  return d.ok() ? *d : Date{};
}

Value SealedOrNull(const PhiVault& vault, const std::string& id, std::string_view field, const std::string& text) {
  return text.empty() ? Value() : Value(vault.Seal("order_claims", id, field, text));
}

}  // namespace

Result<ClaimRecord> ClaimService::FromRow(const Row& r) const {
  ClaimRecord c;
  c.id = r.Text(0);
  c.order_id = r.Text(1);
  c.order_reference = r.Text(2);
  c.member_id = r.Text(3);
  c.kind = ParseClaimKind(r.Text(4)).value_or(ClaimKind::kLost);
  c.state = ParseClaimState(r.Text(5)).value_or(ClaimState::kPendingApproval);
  c.controlled = r.Int(6) != 0;
  c.return_required = r.Int(7) != 0;
  c.reported_on = DateOr(r.Text(8));
  c.window_closes_on = DateOr(r.Text(9));
  if (!r.IsNull(10)) {
    RXD_ASSIGN_OR_RETURN(c.description, vault_.Open("order_claims", c.id, "description", r.at(10)));
  }
  c.replacement_order_id = r.Text(11);
  c.replacement_reference = r.Text(12);
  if (!r.IsNull(13)) {
    RXD_ASSIGN_OR_RETURN(c.decision_reason, vault_.Open("order_claims", c.id, "decision_reason", r.at(13)));
  }
  c.decided_by = r.Text(14);
  c.decided_at = r.Text(15);
  c.created_at = r.Text(16);
  c.updated_at = r.Text(17);
  return c;
}

Result<std::optional<ClaimRecord>> ClaimService::Load(Connection& conn, const std::string& claim_id) const {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string(kSelect) + " WHERE c.id = ?", {Value(claim_id)}));
  if (rows.empty()) return std::optional<ClaimRecord>();
  RXD_ASSIGN_OR_RETURN(ClaimRecord c, FromRow(rows[0]));
  return std::optional<ClaimRecord>(std::move(c));
}

Status ClaimService::PlaceReplacement(WriteContext& w, const Caller& caller, Instant now, ClaimRecord& claim) {
  RXD_ASSIGN_OR_RETURN(Rows rows, w.conn.Query("SELECT rx_number, speed, address_enc FROM orders WHERE id = ?",
                                               {Value(claim.order_id)}));
  if (rows.empty()) return MakeError("store_error", "claim without its order");
  RXD_ASSIGN_OR_RETURN(std::string address, vault_.Open("orders", claim.order_id, "address", rows[0].at(2)));
  auto speed = ParseShippingSpeed(rows[0].Text(1));
  const ShippingSpeed chosen = speed.ok() ? *speed : ShippingSpeed::kStandard;
  const ShippingQuote quote = QuoteShipping(now, chosen, shipping_, zone_);
  const std::string id = NewId();
  RXD_ASSIGN_OR_RETURN(std::string reference, UniqueReference(w.conn, zone_.LocalDate(now), ReferenceEntropy));
  const std::string at = FormatInstant(now);
  // Free, whatever the speed: the domain's decision says so (replacement_fee is always 0).
  RXD_TRY(w.conn.Exec(
      "INSERT INTO orders(id, reference, member_id, rx_number, status, speed, ship_date, eta_earliest, eta_latest, "
      "fee_cents, address_enc, replaces_order_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, "
      "'received', ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)",
      {Value(id), Value(reference), Value(claim.member_id), Value(rows[0].Text(0)), Value(ToString(chosen)),
       Value(FormatDate(quote.ship_date)), Value(FormatDate(quote.eta_earliest)), Value(FormatDate(quote.eta_latest)),
       Value(vault_.Seal("orders", id, "address", address)), Value(claim.order_id), Value(caller.principal.user_id),
       Value(at), Value(at)}));
  RXD_TRY(
      w.conn.Exec("INSERT INTO order_events(id, order_id, type, status, at, note, actor_id) VALUES (?, ?, "
                  "'created', 'received', ?, ?, ?)",
                  {Value(NewId()), Value(id), Value(at), Value("Free replacement for order " + claim.order_reference),
                   Value(caller.principal.user_id)}));
  RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "order.replacement", "order", id, claim.member_id)));
  claim.replacement_order_id = id;
  claim.replacement_reference = reference;
  return QueueNotification(
      w.conn, {.member_id = claim.member_id, .template_id = "claim_replacement", .params = {{"reference", reference}}});
}

Result<ClaimRecord> ClaimService::Report(const Caller& caller, const std::string& order_id, const NewClaim& in,
                                         const CommitHook<ClaimRecord>& on_commit) {
  const Instant now = clock_.Now();
  ClaimRecord claim;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows orders, w.conn.Query("SELECT member_id, status, eta_latest, rx_number, reference FROM "
                                                   "orders WHERE id = ?",
                                                   {Value(order_id)}));
    if (orders.empty()) {
      refusal = MakeError("not_found", "no such order");
      return OkStatus();
    }
    const Row& o = orders[0];
    const std::string member_id = o.Text(0);
    if (Status own = members_.CheckOwnership(w.conn, caller, member_id); !own.ok()) {
      refusal = NotVisible(own.error(), "no such order");
      return w.audit.Append(w.conn, MakeAudit(caller, now, "claim.create", "order", order_id, member_id, "denied"));
    }
    // The day it was delivered: the latest event that left it delivered (seeded orders name it by status only).
    RXD_ASSIGN_OR_RETURN(Rows delivered, w.conn.Query("SELECT MAX(at) FROM order_events WHERE order_id = ? AND "
                                                      "status = 'delivered'",
                                                      {Value(order_id)}));
    RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> rx, PrescriptionService::Load(w.conn, o.Text(3)));
    if (!rx) return MakeError("store_error", "order without its prescription");
    RXD_ASSIGN_OR_RETURN(Rows existing,
                         w.conn.Query("SELECT 1 FROM order_claims WHERE order_id = ?", {Value(order_id)}));
    ClaimInput input{.kind = in.kind,
                     .order_status = ParseOrderStatus(o.Text(1)).value_or(OrderStatus::kReceived),
                     .eta_latest = DateOr(o.Text(2)),
                     .reported_on = zone_.LocalDate(now),
                     .controlled = IsControlled(rx->rx.schedule),
                     .already_claimed = !existing.empty()};
    if (!delivered.empty() && !delivered[0].IsNull(0)) {
      if (auto at = ParseInstant(delivered[0].Text(0)); at.ok()) input.delivered_on = zone_.LocalDate(*at);
    }
    Result<ClaimDecision> decision = CheckPackageClaim(input, policy_);
    if (!decision.ok()) {
      refusal = std::move(decision).error();
      return w.audit.Append(
          w.conn, MakeAudit(caller, now, "claim.create", "order", order_id, member_id, "refused:" + refusal->code));
    }
    claim.id = NewId();
    claim.order_id = order_id;
    claim.order_reference = o.Text(4);
    claim.member_id = member_id;
    claim.kind = in.kind;
    claim.state = decision->state;
    claim.controlled = input.controlled;
    claim.return_required = decision->return_required;
    claim.reported_on = input.reported_on;
    claim.window_closes_on = decision->window_closes_on;
    claim.description = in.description.value_or("");
    claim.created_at = claim.updated_at = FormatInstant(now);
    if (claim.state == ClaimState::kApproved) {
      RXD_TRY(PlaceReplacement(w, caller, now, claim));
    } else {
      RXD_TRY(QueueNotification(
          w.conn,
          {.member_id = member_id, .template_id = "claim_received", .params = {{"reference", claim.order_reference}}}));
    }
    RXD_TRY(w.conn.Exec(
        "INSERT INTO order_claims(id, order_id, member_id, kind, status, controlled, return_required, reported_on, "
        "window_closes_on, description_enc, replacement_order_id, created_by, created_at, updated_at) VALUES (?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {Value(claim.id), Value(order_id), Value(member_id), Value(ToString(claim.kind)), Value(ToString(claim.state)),
         Value(claim.controlled), Value(claim.return_required), Value(FormatDate(claim.reported_on)),
         Value(FormatDate(claim.window_closes_on)), SealedOrNull(vault_, claim.id, "description", claim.description),
         claim.replacement_order_id.empty() ? Value() : Value(claim.replacement_order_id),
         Value(caller.principal.user_id), Value(claim.created_at), Value(claim.updated_at)}));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "claim.create", "claim", claim.id, member_id)));
    return on_commit ? on_commit(w.conn, claim) : OkStatus();
  }));
  if (refusal) return std::move(*refusal);
  return claim;
}

Result<ClaimRecord> ClaimService::Get(const Caller& caller, const std::string& claim_id) {
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(std::optional<ClaimRecord> claim, store_.Read([&](Connection& c) { return Load(c, claim_id); }));
  if (!claim) return MakeError("not_found", "no such claim");
  if (Status own = members_.CheckOwnership(caller, claim->member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "claim.read", "claim", claim_id, claim->member_id, "denied")));
    return NotVisible(own.error(), "no such claim");
  }
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "claim.read", "claim", claim_id, claim->member_id)));
  return std::move(*claim);
}

Result<Page<ClaimRecord>> ClaimService::ListForMember(const Caller& caller, const std::string& member_id, int limit,
                                                      const std::string& cursor) {
  const Instant now = clock_.Now();
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "claim.list", "member", member_id, member_id, "denied")));
    return own.error();
  }
  RXD_ASSIGN_OR_RETURN(bool exists, store_.Read([&](Connection& c) { return MemberService::Exists(c, member_id); }));
  if (!exists) return MakeError("not_found", "no such member");
  // Newest first; ids sort by creation time.
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    if (cursor.empty()) {
      return c.Query(std::string(kSelect) + " WHERE c.member_id = ? ORDER BY c.id DESC LIMIT ?",
                     {Value(member_id), Value(limit + 1)});
    }
    return c.Query(std::string(kSelect) + " WHERE c.member_id = ? AND c.id < ? ORDER BY c.id DESC LIMIT ?",
                   {Value(member_id), Value(cursor), Value(limit + 1)});
  }));
  Page<ClaimRecord> page;
  for (const Row& r : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = page.items.back().id;
      break;
    }
    RXD_ASSIGN_OR_RETURN(ClaimRecord c, FromRow(r));
    page.items.push_back(std::move(c));
  }
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "claim.list", "member", member_id, member_id)));
  return page;
}

Result<Page<ClaimRecord>> ClaimService::Queue(const Caller& caller, ClaimState state, int limit,
                                              const std::string& cursor) {
  const Instant now = clock_.Now();
  Page<ClaimRecord> page;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows rows,
                         w.conn.Query(std::string(kSelect) + " WHERE c.status = ? AND c.id > ? ORDER BY c.id LIMIT ?",
                                      {Value(ToString(state)), Value(cursor), Value(limit + 1)}));
    for (const Row& r : rows) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_cursor = page.items.back().id;
        break;
      }
      RXD_ASSIGN_OR_RETURN(ClaimRecord c, FromRow(r));
      RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "claim.queue", "claim", c.id, c.member_id)));
      page.items.push_back(std::move(c));
    }
    return OkStatus();
  }));
  return page;
}

Result<ClaimRecord> ClaimService::Decide(const Caller& caller, const std::string& claim_id,
                                         const ClaimDecisionInput& decision) {
  if (!decision.approve && (!decision.reason || decision.reason->empty())) {
    return InvalidField("reason", "is required to deny a claim");
  }
  const Instant now = clock_.Now();
  const std::string action = decision.approve ? "claim.approve" : "claim.deny";
  ClaimRecord claim;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<ClaimRecord> found, Load(w.conn, claim_id));
    if (!found) {
      refusal = MakeError("not_found", "no such claim");
      return OkStatus();
    }
    claim = std::move(*found);
    Result<ClaimState> next = ResolveClaim(claim.state, decision.approve);
    if (!next.ok()) {
      refusal = std::move(next).error();
      return w.audit.Append(
          w.conn, MakeAudit(caller, now, action, "claim", claim_id, claim.member_id, "refused:" + refusal->code));
    }
    claim.state = *next;
    claim.decided_by = caller.principal.user_id;
    claim.decided_at = claim.updated_at = FormatInstant(now);
    if (claim.state == ClaimState::kApproved) {
      RXD_TRY(PlaceReplacement(w, caller, now, claim));
    } else {
      claim.decision_reason = *decision.reason;
      RXD_TRY(QueueNotification(w.conn, {.member_id = claim.member_id,
                                         .template_id = "claim_denied",
                                         .params = {{"reference", claim.order_reference}}}));
    }
    RXD_TRY(w.conn.Exec(
        "UPDATE order_claims SET status = ?, replacement_order_id = ?, decision_reason_enc = ?, decided_by = ?, "
        "decided_at = ?, updated_at = ? WHERE id = ? AND status = 'pending_approval'",
        {Value(ToString(claim.state)), claim.replacement_order_id.empty() ? Value() : Value(claim.replacement_order_id),
         SealedOrNull(vault_, claim.id, "decision_reason", claim.decision_reason), Value(claim.decided_by),
         Value(claim.decided_at), Value(claim.updated_at), Value(claim_id)}));
    return w.audit.Append(w.conn, MakeAudit(caller, now, action, "claim", claim_id, claim.member_id));
  }));
  if (refusal) return std::move(*refusal);
  return claim;
}

}  // namespace rxdesk
