// A FAKE carrier, for tests, the demo and any installation without a carrier
// account: it answers tracking lookups locally, deterministically from the
// tracking number and the clock, without any network. It is not a carrier's
// API and its scans are invented; production wiring swaps in a real Carrier
// (services/carrier.h) per carrier.
//
//   FakeCarrier carrier;
//   RXD_ASSIGN_OR_RETURN(TrackingReport r, carrier.Track(ref, clock.Now()));
//
// How it answers, for a tracking number valid for its carrier (ValidateTrackingNumber):
//   - last character 9: carrier_error ("unknown to the carrier"), always;
//   - last character 8: carrier_unavailable (an outage), always;
//   - last character 7: accepted and departed like any package, then from
//     shipped_at + 36 h an exception (weather delay) that never clears;
//   - anything else: a normal journey. The delivery day D is a day of the quoted
//     window picked by a hash of the tracking number (eta_earliest + hash mod
//     (window days + 1)), never before the day after shipping. Scans: accepted at
//     shipped_at, departed origin at +12 h, arrived at a regional facility halfway
//     to D, out for delivery at D 13:00 UTC, delivered at D 21:00 UTC (always at
//     least 24 h and 32 h after shipped_at).
// Only scans at or before `now` are reported; before the first one, pre_transit.
// A malformed tracking number (e.g. stored before numbers were checked) is a
// carrier_error. Thread-safe: it holds no state.
#pragma once

#include "services/carrier.h"

namespace rxdesk {

class FakeCarrier final : public Carrier {
 public:
  Result<TrackingReport> Track(const ShipmentRef& shipment, Instant now) const override;

  // The day a normal journey ends (see above), for tests and the demo.
  static Date DeliveryDay(const ShipmentRef& shipment);
};

}  // namespace rxdesk
