// Carriers: who moves a shipped order, what a tracking number of theirs looks
// like, and where a package is now (PRODUCT.md §4, "shipped (carrier + tracking
// number)"). Every tracking lookup goes through the Carrier interface, so a real
// carrier's web API can replace the local fake (services/fake_carrier.h) without
// touching the services or the routes.
//
//   RXD_TRY(ValidateTrackingNumber("UPS", "1Z999AA10123456784"));   // on `shipped`
//   const ShipmentRef ref{.carrier = "UPS", .tracking_number = "1Z999AA10123456784",
//                         .shipped_at = shipped_at, .eta_earliest = e, .eta_latest = l};
//   RXD_ASSIGN_OR_RETURN(TrackingReport report, carrier.Track(ref, clock.Now()));
//   // report.status == TrackingStatus::kInTransit, report.scans oldest first
//
// Error codes (the API's, with their HTTP status):
//   unknown_carrier          400  not a carrier we ship with (field "carrier")
//   invalid_tracking_number  400  not that carrier's format (field "tracking"; details.format)
//   carrier_error            502  the carrier answered, but with a refusal or nonsense
//   carrier_unavailable      503  the carrier did not answer (outage, timeout); try again
// A carrier's failure never changes an order: lookups only read.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

namespace carrier_error {
inline constexpr std::string_view kUnknownCarrier = "unknown_carrier";
inline constexpr std::string_view kInvalidTrackingNumber = "invalid_tracking_number";
inline constexpr std::string_view kCarrierError = "carrier_error";
inline constexpr std::string_view kCarrierUnavailable = "carrier_unavailable";
}  // namespace carrier_error

// The carriers mail order ships with.
enum class CarrierId { kUsps, kUps, kFedex };

// "USPS", "UPS", "FedEx" (the names stored on orders).
std::string_view ToString(CarrierId carrier);
// The carrier's name in any letter case ("usps", "FedEx", "FEDEX"); nullopt for others.
std::optional<CarrierId> ParseCarrier(std::string_view name);

// Checks a tracking number against its carrier's format, exactly (no spaces):
//   USPS   20 to 22 digits (IMpb, e.g. 9400 1000 0000 0000 0000 00)
//   UPS    "1Z" then 16 letters or digits (upper case)
//   FedEx  12 or 15 digits
// Refusals: unknown_carrier (field "carrier"), invalid_tracking_number (field
// "tracking", details.format names the expected format). Never echoes the input.
Status ValidateTrackingNumber(std::string_view carrier, std::string_view tracking);

// Where a package stands, from the carrier's scans.
enum class TrackingStatus { kPreTransit, kInTransit, kOutForDelivery, kDelivered, kException };

// "pre_transit", "in_transit", "out_for_delivery", "delivered", "exception".
std::string_view ToString(TrackingStatus status);

// One scan of the package. Carriers name facilities by city, never the member's address.
struct TrackingScan {
  Instant at{};
  TrackingStatus status = TrackingStatus::kInTransit;
  std::string description;
  std::string location;
};

struct TrackingReport {
  TrackingStatus status = TrackingStatus::kPreTransit;
  std::optional<Instant> delivered_at;    // with kDelivered
  std::optional<Date> expected_delivery;  // the carrier's estimate while under way
  std::vector<TrackingScan> scans;        // oldest first, none later than the lookup's `now`
};

// What a lookup knows of the package. A real carrier needs only the first two;
// the ship time and quoted window let a fake answer like one.
struct ShipmentRef {
  std::string carrier;
  std::string tracking_number;
  Instant shipped_at{};
  Date eta_earliest{};
  Date eta_latest{};
};

class Carrier {
 public:
  virtual ~Carrier() = default;
  // The package's status and scans as of `now`. Refusals: carrier_error,
  // carrier_unavailable (see the list above). Must be thread-safe: handlers call
  // it concurrently. Callers hold no store transaction while it runs.
  virtual Result<TrackingReport> Track(const ShipmentRef& shipment, Instant now) const = 0;
};

}  // namespace rxdesk
