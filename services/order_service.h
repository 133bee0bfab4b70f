// Orders: refills requested by members or by agents for them, reviewed,
// filled, shipped and delivered, every step an event the member can see.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/address.h"
#include "domain/order.h"
#include "domain/shipping.h"
#include "services/prescription_service.h"
#include "services/references.h"

namespace rxdesk {

struct OrderRecord {
  std::string id;
  std::string reference;
  std::string member_id;
  std::string rx_number;
  OrderStatus status = OrderStatus::kReceived;
  ShippingSpeed speed = ShippingSpeed::kStandard;
  Date ship_date{};
  Date eta_earliest{};
  Date eta_latest{};
  Cents fee;
  std::string carrier;
  std::string tracking_number;
  std::string created_at;
  std::string updated_at;
};

struct OrderEventRecord {
  std::string type;    // "created" or an OrderEventType name
  OrderStatus status;  // the status after the event
  std::string at;
  std::string carrier;
  std::string tracking_number;
  std::string note;
};

struct RefillRequest {
  std::string rx_number;
  ShippingSpeed speed = ShippingSpeed::kStandard;
  std::optional<Address> address;  // default: the member's address on file
};

class OrderService {
 public:
  OrderService(Store& store, const PhiVault& vault, const Clock& clock, const Zone& zone, const MemberService& members,
               const PrescriptionService& prescriptions, ShippingPolicy shipping)
      : store_(store), vault_(vault), clock_(clock), zone_(zone), members_(members), prescriptions_(prescriptions),
        shipping_(shipping) {}

  // A refill order: refused with the eligibility code (details.next_eligible_date),
  // refill_already_requested while an open order exists, not_found for another member's Rx.
  Result<OrderRecord> RequestRefill(const Caller& caller, const RefillRequest& request,
                                    const CommitHook<OrderRecord>& on_commit);
  Result<OrderRecord> Get(const Caller& caller, const std::string& order_id);
  Result<std::vector<OrderEventRecord>> Events(const Caller& caller, const std::string& order_id);
  Result<Page<OrderRecord>> ListForMember(const Caller& caller, const std::string& member_id, int limit,
                                          const std::string& cursor);
  // Moves the order by one event (domain/order.h). A fill records the dispensed fill.
  Result<OrderRecord> Apply(const Caller& caller, const std::string& order_id, const OrderEvent& event);

  const ShippingPolicy& shipping_policy() const { return shipping_; }

 private:
  Result<OrderRecord> LoadVisible(const Caller& caller, const std::string& order_id, std::string_view action);

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  const Zone& zone_;
  const MemberService& members_;
  const PrescriptionService& prescriptions_;
  ShippingPolicy shipping_;
};

}  // namespace rxdesk
