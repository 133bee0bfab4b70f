#include "domain/shipping.h"

#include <array>
#include <cassert>
#include <string>

#include "domain/business_days.h"

namespace rxdesk {
namespace {

constexpr std::array<std::string_view, 3> kSpeedNames = {"standard", "expedited", "specialty"};
// A sanity bound for configured windows: a year of business days is already absurd.
constexpr int kMaxBusinessDays = 365;

Status ValidateTerms(const DeliveryTerms& terms, ShippingSpeed speed) {
  const std::string prefix = "shipping." + std::string(ToString(speed)) + ".";
  if (terms.min_business_days < 0 || terms.min_business_days > kMaxBusinessDays) {
    return InvalidField(prefix + "min_business_days", "must be between 0 and 365");
  }
  if (terms.max_business_days < terms.min_business_days || terms.max_business_days > kMaxBusinessDays) {
    return InvalidField(prefix + "max_business_days", "must be at least min_business_days and at most 365");
  }
  if (terms.fee < Cents(0)) return InvalidField(prefix + "fee", "must not be negative");
  return OkStatus();
}

}  // namespace

Result<ShippingSpeed> ParseShippingSpeed(std::string_view text, std::string_view field) {
  for (std::size_t i = 0; i < kSpeedNames.size(); ++i) {
    if (text == kSpeedNames[i]) return static_cast<ShippingSpeed>(i);
  }
  return InvalidField(std::string(field), "must be one of standard, expedited, specialty");
}

std::string_view ToString(ShippingSpeed speed) { return kSpeedNames[static_cast<std::size_t>(speed)]; }

const DeliveryTerms& ShippingPolicy::For(ShippingSpeed speed) const {
  switch (speed) {
    case ShippingSpeed::kStandard:
      return standard;
    case ShippingSpeed::kExpedited:
      return expedited;
    case ShippingSpeed::kSpecialty:
      return specialty;
  }
  assert(false && "unknown ShippingSpeed");
  return standard;
}

Status ValidateShippingPolicy(const ShippingPolicy& policy) {
  if (policy.cutoff < std::chrono::minutes{0} || policy.cutoff > std::chrono::hours{24}) {
    return InvalidField("shipping.cutoff", "must be a time of day between 00:00 and 24:00");
  }
  for (const ShippingSpeed speed : {ShippingSpeed::kStandard, ShippingSpeed::kExpedited, ShippingSpeed::kSpecialty}) {
    RXD_TRY(ValidateTerms(policy.For(speed), speed));
  }
  return OkStatus();
}

Date ShipDate(Instant placed_at, std::chrono::minutes cutoff, const Zone& zone, std::span<const Date> closures) {
  const LocalDateTime local = zone.ToLocal(placed_at);
  if (local.time_of_day < cutoff && IsBusinessDay(local.date, closures)) return local.date;
  return NextBusinessDay(local.date, closures);
}

ShippingQuote QuoteShipping(Instant placed_at, ShippingSpeed speed, const ShippingPolicy& policy, const Zone& zone,
                            std::span<const Date> closures) {
  const DeliveryTerms& terms = policy.For(speed);
  assert(terms.min_business_days >= 0 && terms.min_business_days <= terms.max_business_days);
  const Date ship = ShipDate(placed_at, policy.cutoff, zone, closures);
  const Date earliest = AddBusinessDays(ship, terms.min_business_days, closures);
  // Continue from the earliest date rather than counting again from the ship date.
  const Date latest = AddBusinessDays(earliest, terms.max_business_days - terms.min_business_days, closures);
  return ShippingQuote{.ship_date = ship, .eta_earliest = earliest, .eta_latest = latest, .fee = terms.fee};
}

Result<ShippingQuote> QuoteScheduledSpecialty(Instant placed_at, Date delivery_date, const ShippingPolicy& policy,
                                              const Zone& zone, std::span<const Date> closures,
                                              std::string_view field) {
  const Date ship = ShipDate(placed_at, policy.cutoff, zone, closures);
  if (delivery_date <= ship || !IsBusinessDay(delivery_date, closures)) {
    return InvalidField(std::string(field), "must be a business day after the ship date")
        .With("earliest_date", FormatDate(NextBusinessDay(ship, closures)));
  }
  return ShippingQuote{
      .ship_date = ship, .eta_earliest = delivery_date, .eta_latest = delivery_date, .fee = policy.specialty.fee};
}

}  // namespace rxdesk
