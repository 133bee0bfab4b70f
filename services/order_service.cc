#include "services/order_service.h"

#include "domain/reference_number.h"
#include "infra/crypto.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/carrier.h"
#include "services/interaction_holds.h"
#include "services/notifications.h"

namespace rxdesk {
namespace {

constexpr char kSelect[] =
    "SELECT id, reference, member_id, rx_number, status, speed, ship_date, eta_earliest, eta_latest, fee_cents, "
    "COALESCE(carrier, ''), COALESCE(tracking_number, ''), created_at, updated_at FROM orders";

Date DateOr(const std::string& text) {
  auto d = ParseDate(text);
  return d.ok() ? *d : Date{};
}

OrderRecord FromRow(const Row& r) {
  OrderRecord o;
  o.id = r.Text(0);
  o.reference = r.Text(1);
  o.member_id = r.Text(2);
  o.rx_number = r.Text(3);
  o.status = ParseOrderStatus(r.Text(4)).value_or(OrderStatus::kReceived);
  auto speed = ParseShippingSpeed(r.Text(5));
  o.speed = speed.ok() ? *speed : ShippingSpeed::kStandard;
  o.ship_date = DateOr(r.Text(6));
  o.eta_earliest = DateOr(r.Text(7));
  o.eta_latest = DateOr(r.Text(8));
  o.fee = Cents(r.Int(9));
  o.carrier = r.Text(10);
  o.tracking_number = r.Text(11);
  o.created_at = r.Text(12);
  o.updated_at = r.Text(13);
  return o;
}

Result<std::optional<OrderRecord>> LoadOrder(Connection& c, const std::string& id) {
  RXD_ASSIGN_OR_RETURN(Rows rows, c.Query(std::string(kSelect) + " WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::optional<OrderRecord>();
  return std::optional<OrderRecord>(FromRow(rows[0]));
}

}  // namespace

Result<OrderRecord> OrderService::LoadVisible(const Caller& caller, const std::string& order_id, std::string_view action) {
  RXD_ASSIGN_OR_RETURN(std::optional<OrderRecord> o, store_.Read([&](Connection& c) { return LoadOrder(c, order_id); }));
  if (!o) return MakeError("not_found", "no such order");
  if (Status own = members_.CheckOwnership(caller, o->member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), std::string(action), "order", order_id, o->member_id, "denied")));
    return NotVisible(own.error(), "no such order");
  }
  return std::move(*o);
}

Result<OrderRecord> OrderService::RequestRefill(const Caller& caller, const RefillRequest& request,
                                                const CommitHook<OrderRecord>& on_commit) {
  const Instant now = clock_.Now();
  const Date today = zone_.LocalDate(now);
  OrderRecord order;
  std::optional<Error> refusal;
  // Interaction screening reads the member's medicines: done here, on a read
  // connection, so the one writer thread only records what it found.
  RXD_ASSIGN_OR_RETURN(RefillScreening screening,
                       store_.Read([&](Connection& c) { return ScreenRefill(c, request.rx_number); }));
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> rx, PrescriptionService::Load(w.conn, request.rx_number));
    const Status own = rx ? members_.CheckOwnership(w.conn, caller, rx->member_id) : OkStatus();
    if (!rx || !own.ok()) {
      refusal = rx ? NotVisible(own.error(), "no such prescription") : MakeError("not_found", "no such prescription");
      refusal->field = refusal->code == "not_found" ? "rx_number" : "";
      return w.audit.Append(w.conn, MakeAudit(caller, now, "refill.create", "prescription", request.rx_number,
                                              rx ? rx->member_id : "", "denied"));
    }
    const auto refuse = [&](Error e) {
      refusal = std::move(e);
      return w.audit.Append(w.conn, MakeAudit(caller, now, "refill.create", "prescription", request.rx_number,
                                              rx->member_id, "refused:" + refusal->code));
    };
    RXD_ASSIGN_OR_RETURN(std::optional<LastFill> last,
                         PrescriptionService::LastFillOnOrBefore(w.conn, request.rx_number, today));
    const RefillEligibility eligibility = CheckRefillEligibility(rx->rx, last, today, prescriptions_.refill_policy());
    if (!eligibility.eligible) return refuse(RefusalError(eligibility));
    RXD_ASSIGN_OR_RETURN(Rows open, w.conn.Query("SELECT id FROM orders WHERE rx_number = ? AND status IN "
                                                 "('received', 'in_review', 'filled') LIMIT 1",
                                                 {Value(request.rx_number)}));
    if (!open.empty()) {
      return refuse(MakeError("refill_already_requested", "a refill of this prescription is already on its way")
                        .With("order_id", open[0].Text(0)));
    }
    Address address;
    if (request.address) {
      address = *request.address;
    } else {
      RXD_ASSIGN_OR_RETURN(std::optional<Member> member, members_.Load(w.conn, rx->member_id));
      if (!member) return MakeError("store_error", "prescription without its member");
      address = member->address;
    }
    const ShippingQuote quote = QuoteShipping(now, request.speed, shipping_, zone_);
    order.id = NewId();
    RXD_ASSIGN_OR_RETURN(order.reference, UniqueReference(w.conn, today, ReferenceEntropy));
    order.member_id = rx->member_id;
    order.rx_number = request.rx_number;
    order.status = OrderStatus::kReceived;
    order.speed = request.speed;
    order.ship_date = quote.ship_date;
    order.eta_earliest = quote.eta_earliest;
    order.eta_latest = quote.eta_latest;
    order.fee = quote.fee;
    order.created_at = order.updated_at = FormatInstant(now);
    RXD_TRY(w.conn.Exec(
        "INSERT INTO orders(id, reference, member_id, rx_number, status, speed, ship_date, eta_earliest, eta_latest, "
        "fee_cents, address_enc, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, 'received', ?, ?, ?, ?, ?, ?, "
        "?, ?, ?)",
        {Value(order.id), Value(order.reference), Value(order.member_id), Value(order.rx_number),
         Value(ToString(order.speed)), Value(FormatDate(order.ship_date)), Value(FormatDate(order.eta_earliest)),
         Value(FormatDate(order.eta_latest)), Value(order.fee.value()),
         Value(vault_.Seal("orders", order.id, "address", AddressToJson(address).dump())),
         Value(caller.principal.user_id), Value(order.created_at), Value(order.updated_at)}));
    RXD_TRY(w.conn.Exec("INSERT INTO order_events(id, order_id, type, status, at, actor_id) VALUES (?, ?, 'created', "
                        "'received', ?, ?)",
                        {Value(NewId()), Value(order.id), Value(order.created_at), Value(caller.principal.user_id)}));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "refill.create", "order", order.id, order.member_id)));
    RXD_TRY(ScreenRefillOrder(w, vault_, caller, order, now, screening));  // a major interaction holds it
    // Refills are confirmed at once (PRODUCT.md §8), sent after this commits.
    RXD_TRY(QueueNotification(w.conn, {.member_id = order.member_id, .template_id = "refill_confirmed",
                                       .params = {{"reference", order.reference}}}));
    return on_commit ? on_commit(w.conn, order) : OkStatus();
  }));
  if (refusal) return std::move(*refusal);
  return order;
}

Result<OrderRecord> OrderService::Get(const Caller& caller, const std::string& order_id) {
  RXD_ASSIGN_OR_RETURN(OrderRecord o, LoadVisible(caller, order_id, "order.read"));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "order.read", "order", order_id, o.member_id)));
  return o;
}

Result<std::vector<OrderEventRecord>> OrderService::Events(const Caller& caller, const std::string& order_id) {
  RXD_ASSIGN_OR_RETURN(OrderRecord o, LoadVisible(caller, order_id, "order.events"));
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query("SELECT type, status, at, COALESCE(carrier, ''), COALESCE(tracking_number, ''), COALESCE(note, '') "
                   "FROM order_events WHERE order_id = ? ORDER BY at, id",
                   {Value(order_id)});
  }));
  std::vector<OrderEventRecord> events;
  for (const Row& r : rows) {
    events.push_back({r.Text(0), ParseOrderStatus(r.Text(1)).value_or(OrderStatus::kReceived), r.Text(2), r.Text(3),
                      r.Text(4), r.Text(5)});
  }
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "order.events", "order", order_id, o.member_id)));
  return events;
}

Result<Page<OrderRecord>> OrderService::ListForMember(const Caller& caller, const std::string& member_id, int limit,
                                                      const std::string& cursor) {
  const Instant now = clock_.Now();
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "order.list", "member", member_id, member_id, "denied")));
    return own.error();
  }
  RXD_ASSIGN_OR_RETURN(bool exists, store_.Read([&](Connection& c) { return MemberService::Exists(c, member_id); }));
  if (!exists) return MakeError("not_found", "no such member");
  // Newest first; the cursor is the last id seen (ids sort by creation time).
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    if (cursor.empty()) {
      return c.Query(std::string(kSelect) + " WHERE member_id = ? ORDER BY id DESC LIMIT ?",
                     {Value(member_id), Value(limit + 1)});
    }
    return c.Query(std::string(kSelect) + " WHERE member_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                   {Value(member_id), Value(cursor), Value(limit + 1)});
  }));
  Page<OrderRecord> page;
  for (const Row& r : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = page.items.back().id;
      break;
    }
    page.items.push_back(FromRow(r));
  }
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "order.list", "member", member_id, member_id)));
  return page;
}

Result<OrderRecord> OrderService::Apply(const Caller& caller, const std::string& order_id, const OrderEvent& event_in) {
  const Instant now = clock_.Now();
  OrderEvent event = event_in;
  event.at = now;
  OrderRecord order;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<OrderRecord> found, LoadOrder(w.conn, order_id));
    if (!found) return MakeError("not_found", "no such order");
    order = std::move(*found);
    RXD_ASSIGN_OR_RETURN(Rows last, w.conn.Query("SELECT MAX(at) FROM order_events WHERE order_id = ?", {Value(order_id)}));
    OrderGuards guards;
    RXD_ASSIGN_OR_RETURN(guards.interaction_hold, OrderHasOpenInteractionHold(w.conn, order_id));
    if (!last.empty() && !last[0].IsNull(0)) {
      auto t = ParseInstant(last[0].Text(0));
      if (t.ok()) guards.last_event_at = *t;
    }
    auto next = TransitionOrder(order.status, event, guards);
    // A tracking number the carrier cannot know is a typo: refused, not shipped (services/carrier.h).
    if (next.ok() && event.type == OrderEventType::kShip) {
      if (Status s = ValidateTrackingNumber(event.carrier.value_or(""), event.tracking.value_or("")); !s.ok()) {
        next = std::move(s).error();
      }
    }
    if (!next.ok()) {
      refusal = std::move(next).error();
      return w.audit.Append(w.conn, MakeAudit(caller, now, "order." + std::string(ToString(event.type)), "order",
                                              order_id, order.member_id, "refused:" + refusal->code));
    }
    if (event.type == OrderEventType::kFill) {
      RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> rx, PrescriptionService::Load(w.conn, order.rx_number));
      if (!rx) return MakeError("store_error", "order without its prescription");
      RXD_ASSIGN_OR_RETURN(Rows any, w.conn.Query("SELECT COUNT(*) FROM fills WHERE rx_number = ?", {Value(order.rx_number)}));
      // A free replacement for a lost or damaged package re-dispenses that fill: it uses no refill
      // (services/claim_service.h).
      RXD_ASSIGN_OR_RETURN(Rows replaces, w.conn.Query("SELECT 1 FROM orders WHERE id = ? AND replaces_order_id IS "
                                                       "NOT NULL", {Value(order_id)}));
      auto outcome = replaces.empty() ? ApplyFill(rx->rx, any[0].Int(0) > 0)
                                      : Result<FillOutcome>(FillOutcome{.kind = FillKind::kOriginal,
                                                                        .refills_remaining = rx->rx.refills_remaining});
      if (!outcome.ok()) {
        refusal = std::move(outcome).error();
        return w.audit.Append(w.conn, MakeAudit(caller, now, "order.filled", "order", order_id, order.member_id,
                                                "refused:" + refusal->code));
      }
      const std::string fill_id = NewId();
      RXD_TRY(w.conn.Exec("INSERT INTO fills(id, rx_number, fill_date, quantity_milli, days_supply, is_refill, order_id, "
                          "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          {Value(fill_id), Value(order.rx_number), Value(FormatDate(zone_.LocalDate(now))),
                           Value(rx->rx.quantity.thousandths()), Value(rx->rx.days_supply),
                           Value(outcome->kind == FillKind::kRefill), Value(order_id), Value(caller.principal.user_id),
                           Value(FormatInstant(now))}));
      // What the fill cost, in this transaction (the prescription hooks: services/fill_pricing.h).
      RXD_TRY(prescriptions_.FillRecorded(w.conn, *rx,
                                          {.id = fill_id, .rx_number = order.rx_number, .fill_date = zone_.LocalDate(now),
                                           .quantity = rx->rx.quantity, .days_supply = rx->rx.days_supply,
                                           .created_at = FormatInstant(now)}));
      RXD_TRY(w.conn.Exec("UPDATE prescriptions SET refills_remaining = ?, updated_at = ? WHERE rx_number = ?",
                          {Value(outcome->refills_remaining), Value(FormatInstant(now)), Value(order.rx_number)}));
    }
    order.status = *next;
    order.updated_at = FormatInstant(now);
    if (event.type == OrderEventType::kShip) {
      order.carrier = event.carrier.value_or("");
      order.tracking_number = event.tracking.value_or("");
    }
    RXD_TRY(w.conn.Exec("UPDATE orders SET status = ?, carrier = ?, tracking_number = ?, updated_at = ? WHERE id = ?",
                        {Value(ToString(order.status)), order.carrier.empty() ? Value() : Value(order.carrier),
                         order.tracking_number.empty() ? Value() : Value(order.tracking_number), Value(order.updated_at),
                         Value(order_id)}));
    RXD_TRY(w.conn.Exec("INSERT INTO order_events(id, order_id, type, status, at, carrier, tracking_number, note, "
                        "actor_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        {Value(NewId()), Value(order_id), Value(ToString(event.type)), Value(ToString(order.status)),
                         Value(order.updated_at), event.carrier ? Value(*event.carrier) : Value(),
                         event.tracking ? Value(*event.tracking) : Value(), event.note ? Value(*event.note) : Value(),
                         Value(caller.principal.user_id)}));
    return w.audit.Append(w.conn, MakeAudit(caller, now, "order." + std::string(ToString(event.type)), "order",
                                            order_id, order.member_id));
  }));
  if (refusal) return std::move(*refusal);
  return order;
}

}  // namespace rxdesk
