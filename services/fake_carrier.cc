#include "services/fake_carrier.h"

#include <algorithm>
#include <cstdint>

namespace rxdesk {
namespace {

using std::chrono::hours;

// FNV-1a, 64 bits: stable across builds and platforms, unlike std::hash.
std::uint64_t Fnv1a(std::string_view text) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

Error Refused() {
  return MakeError(std::string(carrier_error::kCarrierError), "the carrier does not know this tracking number");
}

}  // namespace

Date FakeCarrier::DeliveryDay(const ShipmentRef& s) {
  const Date first = std::max(s.eta_earliest, std::chrono::floor<Days>(s.shipped_at) + Days{1});
  const Date last = std::max(first, s.eta_latest);
  const auto span = static_cast<std::uint64_t>((last - first).count()) + 1;
  return first + Days{static_cast<int>(Fnv1a(s.tracking_number) % span)};
}

Result<TrackingReport> FakeCarrier::Track(const ShipmentRef& s, Instant now) const {
  if (!ValidateTrackingNumber(s.carrier, s.tracking_number).ok()) return Refused();
  const char last = s.tracking_number.back();
  if (last == '9') return Refused();
  if (last == '8') {
    return MakeError(std::string(carrier_error::kCarrierUnavailable), "the carrier is not answering; try again later");
  }
  const Instant departed = s.shipped_at + hours{12};
  std::vector<TrackingScan> journey = {
      {s.shipped_at, TrackingStatus::kInTransit, "Accepted at origin facility", "Origin facility"},
      {departed, TrackingStatus::kInTransit, "Departed origin facility", "Origin facility"},
  };
  TrackingReport report;
  if (last == '7') {
    journey.push_back({s.shipped_at + hours{36}, TrackingStatus::kException,
                       "Delivery exception: weather delay; the carrier will reattempt", "Regional facility"});
  } else {
    const Date day = DeliveryDay(s);
    const Instant out = std::max(Instant{day} + hours{13}, s.shipped_at + hours{24});
    const Instant delivered = std::max(Instant{day} + hours{21}, s.shipped_at + hours{32});
    journey.push_back({departed + (out - departed) / 2, TrackingStatus::kInTransit, "Arrived at regional facility",
                       "Regional facility"});
    journey.push_back({out, TrackingStatus::kOutForDelivery, "Out for delivery", "Local post office"});
    journey.push_back({delivered, TrackingStatus::kDelivered, "Delivered", "Local post office"});
    report.expected_delivery = day;
  }
  for (TrackingScan& scan : journey) {
    if (scan.at > now) break;
    report.status = scan.status;
    if (scan.status == TrackingStatus::kDelivered) {
      report.delivered_at = scan.at;
      report.expected_delivery.reset();
    }
    report.scans.push_back(std::move(scan));
  }
  if (report.status == TrackingStatus::kException) report.expected_delivery.reset();
  return report;
}

}  // namespace rxdesk
