// Transfers of a prescription in from another pharmacy (PRODUCT.md §3): whether the
// law lets it move, and when the member can expect it done.
//
//   RXD_TRY(CheckTransferIn({.schedule = Schedule::kIV, .prior_transfers = 0, .refills_remaining = 2}));
//   const TransferWindow eta = ExpectedTransferCompletion(requested_at, Schedule::kIV, TransferPolicy{});
//   // eta.earliest = requested_at + 24 h, eta.latest = requested_at + 96 h
#pragma once

#include <chrono>

#include "domain/result.h"
#include "domain/schedule.h"
#include "domain/time.h"

namespace rxdesk {

struct TransferInRequest {
  Schedule schedule = Schedule::kNone;
  // Earlier transfers of the same kind: for an initial-fill transfer, earlier
  // initial-fill transfers (21 CFR 1306.08(e)); otherwise earlier transfers for
  // refill dispensing (21 CFR 1306.25(a)). As reported by the transferring pharmacy.
  int prior_transfers = 0;
  // Refills left at the transferring pharmacy: what a refill transfer carries.
  int refills_remaining = 0;
  // An electronic prescription never dispensed, moved for its first fill at the
  // patient's request. 21 CFR 1306.08(e) (since 2023) allows this once for
  // Schedules II–V, and it is the only way a Schedule II prescription moves.
  bool electronic_initial_fill = false;
  // Pharmacies sharing a real-time online database may move a III–V prescription
  // more than once, up to the refills authorized (21 CFR 1306.25(a)).
  bool shares_realtime_database = false;
};

// Whether the prescription may be transferred in. Non-controlled: any number of
// times while refills remain. Refusal, first that applies: invalid_request for a
// negative count; `schedule_ii_not_transferable` (II other than an electronic initial
// fill); `transfer_limit_reached` (a second III–V transfer, 1306.25(a), or a second
// initial-fill transfer, 1306.08(e)); `no_refills_remaining` (nothing left to move).
Status CheckTransferIn(const TransferInRequest& request);

struct TransferPolicy {
  // Not in PRODUCT.md: "processed within 24 hours" sets only an upper bound, so the
  // earliest completion is the request itself.
  std::chrono::hours processing_min{0};
  // PRODUCT.md §3 (config): a non-controlled transfer is processed within 24 hours.
  std::chrono::hours processing_max{24};
  // PRODUCT.md §3 (config): a controlled (III–V) transfer adds 24–72 hours for
  // verification with the transferring pharmacy.
  std::chrono::hours controlled_verification_min{24};
  std::chrono::hours controlled_verification_max{72};
};

struct TransferWindow {
  Instant earliest;
  Instant latest;

  bool operator==(const TransferWindow&) const = default;
};

// When a transfer requested at `requested` should complete: processing alone for a
// non-controlled drug ([+0 h, +24 h] by default); processing plus verification for a
// controlled one, Schedule II's initial fill included ([+24 h, +96 h] by default).
// Elapsed hours, not business hours: the pharmacy works around the clock.
TransferWindow ExpectedTransferCompletion(Instant requested, Schedule schedule, const TransferPolicy& policy);

}  // namespace rxdesk
