// Ship dates, delivery windows and fees for mail order (PRODUCT.md §4).
//
//   const ShippingPolicy policy;                      // §4 defaults; config may override
//   const ShippingQuote q = QuoteShipping(placed_at, ShippingSpeed::kExpedited, policy, zone, closures);
//   // Mon 10:00 CT → ship Mon, ETA Thu–Mon, $14.95
//
// The order's date and time are read on the operator's wall clock (zone). An
// order placed on a business day before the cutoff ships that day; at or after
// the cutoff, or on a non-business day, it ships the next business day. The ship
// date is day 0 and the ETA window counts business days after it.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

#include "domain/money.h"
#include "domain/result.h"
#include "domain/time.h"
#include "domain/zone.h"

namespace rxdesk {

enum class ShippingSpeed : std::uint8_t { kStandard, kExpedited, kSpecialty };

// "standard" | "expedited" | "specialty", exactly. Refusal: invalid_request naming `field`.
Result<ShippingSpeed> ParseShippingSpeed(std::string_view text, std::string_view field = "speed");
std::string_view ToString(ShippingSpeed speed);

// How long a speed takes, in business days after the ship date, and what it costs.
struct DeliveryTerms {
  int min_business_days = 0;
  int max_business_days = 0;
  Cents fee;

  bool operator==(const DeliveryTerms&) const = default;
};

struct ShippingPolicy {
  // PRODUCT.md §4: orders after 3:00 pm operator time ship the next business day (config).
  std::chrono::minutes cutoff{15 * 60};
  // PRODUCT.md §4: standard 7–10 business days, free (config).
  DeliveryTerms standard{.min_business_days = 7, .max_business_days = 10, .fee = Cents(0)};
  // PRODUCT.md §4: expedited 3–5 business days, $14.95 (config).
  DeliveryTerms expedited{.min_business_days = 3, .max_business_days = 5, .fee = Cents::FromDollars(14, 95)};
  // PRODUCT.md §4: specialty 10–14 business days unless an agent schedules a date;
  // the spec names no fee, so none by default (config).
  DeliveryTerms specialty{.min_business_days = 10, .max_business_days = 14, .fee = Cents(0)};

  // The terms of `speed`.
  const DeliveryTerms& For(ShippingSpeed speed) const;
};

// Checks a configured policy: 0 ≤ cutoff ≤ 24 h, 0 ≤ min ≤ max ≤ 365 business
// days, fee ≥ 0. Refusal: invalid_request naming e.g. "shipping.expedited.max_business_days".
Status ValidateShippingPolicy(const ShippingPolicy& policy);

struct ShippingQuote {
  Date ship_date;
  Date eta_earliest;
  Date eta_latest;
  Cents fee;

  bool operator==(const ShippingQuote&) const = default;
};

// The business day an order placed at `placed_at` leaves the pharmacy (see above).
// `closures` are operator closure dates on top of federal holidays (business_days.h).
Date ShipDate(Instant placed_at, std::chrono::minutes cutoff, const Zone& zone, std::span<const Date> closures = {});

// Ship date, ETA window and fee for an order. Requires a policy that passes
// ValidateShippingPolicy. Allocation-free.
ShippingQuote QuoteShipping(Instant placed_at, ShippingSpeed speed, const ShippingPolicy& policy, const Zone& zone,
                            std::span<const Date> closures = {});

// A specialty order whose cold-chain delivery an agent scheduled for `delivery_date`:
// the ship date as usual, both ETA bounds on the scheduled date, the specialty fee.
// Refusal: invalid_request on `field` unless the date is a business day after the
// ship date (detail "earliest_date": the first one allowed).
Result<ShippingQuote> QuoteScheduledSpecialty(Instant placed_at, Date delivery_date, const ShippingPolicy& policy,
                                              const Zone& zone, std::span<const Date> closures = {},
                                              std::string_view field = "scheduled_date");

}  // namespace rxdesk
