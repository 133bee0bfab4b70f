// The demo's plans, formulary and drug prices (docs/pharmacy-services.md "Plans,
// formulary and prior authorization"), part of `rxdesk seed --demo`. Deterministic:
// the same tables every time. The prices are invented, of a plausible size.
//
//   RXD_TRY(store.Write([&](WriteContext& w) { return SeedDemoBenefits(w, now); }));
//   RXD_ASSIGN_OR_RETURN(std::int64_t priced, FillPricer(years).PriceUnpricedFills(store, now));
#pragma once

#include "domain/time.h"
#include "store/writer.h"

namespace rxdesk {

// Requires the demo's plans and drug list (app/seed.cc) in the store. Adds tier cost
// shares to commercial-2026, prices to every drug, five brands (two of them A-rated
// to a listed generic, two flagged for prior authorization) and both plans'
// formularies; each plan passes ValidatePlanCostSharing before it is written.
// Refusal: store errors; invalid_request if the tables below were edited wrong.
Status SeedDemoBenefits(WriteContext& w, Instant now);

}  // namespace rxdesk
