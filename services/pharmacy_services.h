// The pharmacy's use cases wired together, with their configuration.
#pragma once

#include "domain/prescription.h"
#include "domain/refill.h"
#include "domain/shipping.h"
#include "services/order_service.h"
#include "services/prescription_service.h"

namespace rxdesk {

struct PharmacyConfig {
  RefillPolicy refill;
  PrescriptionPolicy prescription;
  ShippingPolicy shipping;
};

struct PharmacyServices {
  PharmacyServices(Store& store, const PhiVault& vault, const Clock& clock, const Zone& zone,
                   const MemberService& members, const PharmacyConfig& config)
      : prescriptions(store, vault, clock, zone, members, config.refill, config.prescription),
        orders(store, vault, clock, zone, members, prescriptions, config.shipping) {}

  PrescriptionService prescriptions;
  OrderService orders;
};

}  // namespace rxdesk
