// Orders on their way (PRODUCT.md §4): the pharmacist's work list of orders to
// review, fill and ship, and tracking lookups through the carrier.
//
//   ShipmentService shipments(store, clock, members, carrier);
//   RXD_ASSIGN_OR_RETURN(Page<QueuedOrder> work, shipments.Queue(caller, {OrderStatus::kReceived}, 50, ""));
//   RXD_ASSIGN_OR_RETURN(OrderTracking t, shipments.Track(caller, order_id));
//
// Both read PHI (which member has which prescription on its way) and audit it:
// the queue one entry per order listed, a lookup one entry whatever its outcome.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/order.h"
#include "services/caller.h"
#include "services/carrier.h"
#include "services/member_service.h"
#include "services/prescription_service.h"
#include "store/store.h"

namespace rxdesk {

// One order of the work list: no drug, no name, no address; the pharmacist opens
// the order and its prescription for those.
struct QueuedOrder {
  std::string id;
  std::string reference;
  std::string member_id;
  std::string rx_number;
  OrderStatus status = OrderStatus::kReceived;
  std::string speed;
  Date ship_date{};
  Date eta_latest{};
  bool replacement = false;  // a free replacement for a lost or damaged package
  std::string created_at;
  std::int64_t age_s = 0;  // seconds since the order was placed
};

struct OrderTracking {
  std::string order_id;
  std::string carrier;
  std::string tracking_number;
  TrackingReport report;
  Instant checked_at{};
};

class ShipmentService {
 public:
  ShipmentService(Store& store, const Clock& clock, const MemberService& members, const Carrier& carrier)
      : store_(store), clock_(clock), members_(members), carrier_(carrier) {}

  // Orders in any of `statuses` (received, in_review, filled or shipped), oldest
  // first; the cursor is the last id of the previous page. The route allows
  // pharmacists and supervisors. Refusal: invalid_request (field "status") for a
  // status outside the four or an empty list; invalid_request (field "cursor")
  // for a cursor that names no order.
  Result<Page<QueuedOrder>> Queue(const Caller& caller, const std::vector<OrderStatus>& statuses, int limit,
                                  const std::string& cursor);

  // The carrier's status and scans of a shipped (or delivered, or returned) order.
  // Members: their own; agents: in a verified contact. Refusals: not_found,
  // verification_required, order_not_shipped (422: nothing handed to a carrier
  // yet), carrier_error (502), carrier_unavailable (503). Never changes the order.
  Result<OrderTracking> Track(const Caller& caller, const std::string& order_id);

 private:
  Store& store_;
  const Clock& clock_;
  const MemberService& members_;
  const Carrier& carrier_;
};

}  // namespace rxdesk
