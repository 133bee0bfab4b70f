#include "services/carrier.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace rxdesk {
namespace {

constexpr std::array<std::string_view, 3> kCarrierNames = {"USPS", "UPS", "FedEx"};
constexpr std::array<std::string_view, 5> kStatusNames = {"pre_transit", "in_transit", "out_for_delivery", "delivered",
                                                          "exception"};

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool UpperAlnum(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); });
}

bool SameLetters(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

Error Malformed(CarrierId carrier, std::string format) {
  return MakeError(std::string(carrier_error::kInvalidTrackingNumber),
                   "not a " + std::string(ToString(carrier)) + " tracking number: expected " + format, "tracking")
      .With("format", std::move(format));
}

}  // namespace

std::string_view ToString(CarrierId carrier) {
  const auto i = static_cast<std::size_t>(carrier);
  return i < kCarrierNames.size() ? kCarrierNames[i] : std::string_view("unknown");
}

std::optional<CarrierId> ParseCarrier(std::string_view name) {
  for (std::size_t i = 0; i < kCarrierNames.size(); ++i) {
    if (SameLetters(kCarrierNames[i], name)) return static_cast<CarrierId>(i);
  }
  return std::nullopt;
}

Status ValidateTrackingNumber(std::string_view carrier_name, std::string_view tracking) {
  const std::optional<CarrierId> carrier = ParseCarrier(carrier_name);
  if (!carrier) {
    return MakeError(std::string(carrier_error::kUnknownCarrier), "carrier must be USPS, UPS or FedEx", "carrier");
  }
  switch (*carrier) {
    case CarrierId::kUsps:
      if (tracking.size() < 20 || tracking.size() > 22 || !AllDigits(tracking)) {
        return Malformed(*carrier, "20 to 22 digits");
      }
      break;
    case CarrierId::kUps:
      if (tracking.size() != 18 || !tracking.starts_with("1Z") || !UpperAlnum(tracking.substr(2))) {
        return Malformed(*carrier, "1Z then 16 upper-case letters or digits");
      }
      break;
    case CarrierId::kFedex:
      if ((tracking.size() != 12 && tracking.size() != 15) || !AllDigits(tracking)) {
        return Malformed(*carrier, "12 or 15 digits");
      }
      break;
  }
  return OkStatus();
}

std::string_view ToString(TrackingStatus status) {
  const auto i = static_cast<std::size_t>(status);
  return i < kStatusNames.size() ? kStatusNames[i] : std::string_view("unknown");
}

}  // namespace rxdesk
