#include "services/shipment_service.h"

#include "domain/claim.h"
#include "services/audit.h"

namespace rxdesk {
namespace {

bool InWorkList(OrderStatus s) {
  return s == OrderStatus::kReceived || s == OrderStatus::kInReview || s == OrderStatus::kFilled ||
         s == OrderStatus::kShipped;
}

Date DateOr(const std::string& text) {
  auto d = ParseDate(text);
  return d.ok() ? *d : Date{};
}

}  // namespace

Result<Page<QueuedOrder>> ShipmentService::Queue(const Caller& caller, const std::vector<OrderStatus>& statuses,
                                                 int limit, const std::string& cursor) {
  if (statuses.empty()) return InvalidField("status", "names no status");
  std::string in;
  std::vector<Value> params;
  for (OrderStatus s : statuses) {
    if (!InWorkList(s)) return InvalidField("status", "must be received, in_review, filled or shipped");
    in += in.empty() ? "?" : ", ?";
    params.emplace_back(ToString(s));
  }
  std::string sql =
      "SELECT id, reference, member_id, rx_number, status, speed, ship_date, eta_latest, replaces_order_id, "
      "created_at FROM orders WHERE status IN (" +
      in + ")";
  if (!cursor.empty()) {
    sql +=
        " AND (created_at > (SELECT created_at FROM orders WHERE id = ?) OR (created_at = (SELECT created_at "
        "FROM orders WHERE id = ?) AND id > ?))";
    params.emplace_back(cursor);
    params.emplace_back(cursor);
    params.emplace_back(cursor);
  }
  sql += " ORDER BY created_at, id LIMIT ?";
  params.emplace_back(limit + 1);
  const Instant now = clock_.Now();
  Page<QueuedOrder> page;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    if (!cursor.empty()) {
      RXD_ASSIGN_OR_RETURN(Rows known, w.conn.Query("SELECT 1 FROM orders WHERE id = ?", {Value(cursor)}));
      if (known.empty()) return InvalidField("cursor", "is not a cursor this list returned");
    }
    RXD_ASSIGN_OR_RETURN(Rows rows, w.conn.Query(sql, params));
    for (const Row& r : rows) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_cursor = page.items.back().id;
        break;
      }
      QueuedOrder o;
      o.id = r.Text(0);
      o.reference = r.Text(1);
      o.member_id = r.Text(2);
      o.rx_number = r.Text(3);
      o.status = ParseOrderStatus(r.Text(4)).value_or(OrderStatus::kReceived);
      o.speed = r.Text(5);
      o.ship_date = DateOr(r.Text(6));
      o.eta_latest = DateOr(r.Text(7));
      o.replacement = !r.IsNull(8);
      o.created_at = r.Text(9);
      if (auto placed = ParseInstant(o.created_at); placed.ok())
        o.age_s = std::max<std::int64_t>(0, (now - *placed).count());
      // Each listed order names a member and their prescription: one access entry per order.
      RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "order.queue", "order", o.id, o.member_id)));
      page.items.push_back(std::move(o));
    }
    return OkStatus();
  }));
  return page;
}

Result<OrderTracking> ShipmentService::Track(const Caller& caller, const std::string& order_id) {
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query(
        "SELECT member_id, status, COALESCE(carrier, ''), COALESCE(tracking_number, ''), eta_earliest, eta_latest, "
        "(SELECT MAX(at) FROM order_events e WHERE e.order_id = orders.id AND e.type = 'shipped'), updated_at "
        "FROM orders WHERE id = ?",
        {Value(order_id)});
  }));
  if (rows.empty()) return MakeError("not_found", "no such order");
  const Row& r = rows[0];
  const std::string member_id = r.Text(0);
  const auto audit = [&](std::string outcome) {
    return AuditAlone(store_,
                      MakeAudit(caller, now, "order.tracking", "order", order_id, member_id, std::move(outcome)));
  };
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(audit("denied"));
    return NotVisible(own.error(), "no such order");
  }
  const OrderStatus status = ParseOrderStatus(r.Text(1)).value_or(OrderStatus::kReceived);
  const bool handed_over =
      status == OrderStatus::kShipped || status == OrderStatus::kDelivered || status == OrderStatus::kReturned;
  if (!handed_over || r.Text(3).empty()) {
    RXD_TRY(audit("refused:" + std::string(claim_error::kOrderNotShipped)));
    return MakeError(std::string(claim_error::kOrderNotShipped), "the order has not been handed to a carrier yet");
  }
  ShipmentRef ref{.carrier = r.Text(2),
                  .tracking_number = r.Text(3),
                  .eta_earliest = DateOr(r.Text(4)),
                  .eta_latest = DateOr(r.Text(5))};
  // Orders shipped before their events were kept (seeded ones) count from their last change.
  auto shipped_at = ParseInstant(r.IsNull(6) ? r.Text(7) : r.Text(6));
  ref.shipped_at = shipped_at.ok() ? *shipped_at : now;
  // The carrier is asked outside any transaction; its failure changes nothing.
  Result<TrackingReport> report = carrier_.Track(ref, now);
  if (!report.ok()) {
    RXD_TRY(audit("failed:" + report.error().code));
    return std::move(report).error();
  }
  RXD_TRY(audit("ok"));
  return OrderTracking{order_id, ref.carrier, ref.tracking_number, std::move(*report), now};
}

}  // namespace rxdesk
