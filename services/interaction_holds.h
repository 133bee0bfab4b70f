// Drug–drug interaction screening of every new prescription and refill order
// against the member's active medications (PRODUCT.md §6, domain/ddi.h with the
// shipped table of domain/interaction_table.h), and the pharmacists' queue of
// the holds it makes.
//
//   // In OrderService::RequestRefill: screened before its transaction, recorded in it
//   // once the order row exists:
//   RXD_ASSIGN_OR_RETURN(RefillScreening s, store.Read([&](Connection& c) { return ScreenRefill(c, rx_number); }));
//   RXD_TRY(ScreenRefillOrder(w, vault_, caller, order, now, s));  // in the order's transaction; major: in_review
//   // In OrderService::Apply, before the state machine runs:
//   RXD_ASSIGN_OR_RETURN(guards.interaction_hold, OrderHasOpenInteractionHold(w.conn, order_id));
//   // The pharmacist's side:
//   InteractionHoldService holds(store, vault, clock, {});
//   RXD_ASSIGN_OR_RETURN(InteractionHold h, holds.Override(caller, hold_id, "Prescriber confirmed ..."));
//
// A screening that finds a major interaction opens a hold: a refill order moves
// to in_review with a neutral event ("In pharmacist review") and cannot be
// filled until a pharmacist overrides the hold with a documented reason; a
// cancel cancels the order (or, for a screening made when the prescription was
// entered, the prescription) and tells the member. Moderate and minor findings
// are kept as advisory, and a drug the table does not know as unscreened:
// neither holds anything (every order passes pharmacist review anyway). The
// findings and reasons are sealed and shown to pharmacists only; members and
// agents never see more than the order's status and its neutral event.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/ddi.h"
#include "services/caller.h"
#include "services/order_service.h"
#include "services/phi_vault.h"
#include "services/prescription_service.h"
#include "store/store.h"

namespace rxdesk {

// The order event note the member and agents see on a held order: never clinical detail.
inline constexpr char kInteractionReviewNote[] = "In pharmacist review";
// The note of the cancelled event when a pharmacist cancels a held order.
inline constexpr char kInteractionCancelNote[] = "Cancelled after pharmacist review";

struct InteractionFindingView {
  std::string severity;          // major | moderate | minor
  std::string new_agent;         // the screened drug's matching ingredient or class
  std::string active_rx_number;  // the active medication it interacts with
  std::string active_drug;
  std::string active_agent;
  std::string effect;
  std::string management;
  std::string source;
};

struct InteractionHold {
  std::string id;
  std::string member_id;
  std::string rx_number;
  std::string order_id;      // "" for a screening made when the prescription was entered
  std::string screened_for;  // refill | prescription
  std::string status;        // open | overridden | cancelled | advisory | unscreened
  std::string severity;      // the most severe finding; "" when none (unscreened)
  std::string created_at;
  std::string resolved_by;
  std::string resolved_at;
  // Get() only (pharmacists): the screened drug, the findings and the resolution's reason.
  std::string drug;
  std::vector<InteractionFindingView> findings;
  std::string reason;
  std::string updated_at;
};

// What screening a refill's drug found, before anything is recorded.
struct RefillScreening {
  std::string status;  // "" (nothing found), open, advisory, unscreened
  std::string severity;
  std::string findings_json;
};

// Screens the refill of `rx_number` against its member's other active
// prescriptions, on a read connection before the order's transaction, so the
// store's one writer thread only records the outcome. An Rx that is not there
// screens as nothing found (the order's own checks refuse it).
Result<RefillScreening> ScreenRefill(Connection& c, const std::string& rx_number);

// Records a refill's screening inside the transaction that created the order
// (order row and its created event written). A major finding opens a hold and
// moves the order to in_review (updating `order`); others are recorded as
// advisory or unscreened. Audited in the same transaction.
Status ScreenRefillOrder(WriteContext& w, const PhiVault& vault, const Caller& caller, OrderRecord& order, Instant now,
                         const RefillScreening& screening);

// Screens a newly entered prescription inside the transaction that inserted it.
// A major finding opens a hold on the prescription (no order yet).
Status ScreenNewPrescription(WriteContext& w, const PhiVault& vault, const Caller& caller, const PrescriptionRecord& rx,
                             Instant now);

// True while a hold on this order is open: filling it is refused (interaction_hold).
Result<bool> OrderHasOpenInteractionHold(Connection& conn, const std::string& order_id);

class InteractionHoldService {
 public:
  InteractionHoldService(Store& store, const PhiVault& vault, const Clock& clock, InteractionOverridePolicy policy)
      : store_(store), vault_(vault), clock_(clock), policy_(policy) {}

  // The queue, oldest first, without findings (status default "open"). One audit
  // entry per listed hold. Refusal: invalid_request on "status".
  Result<Page<InteractionHold>> List(const Caller& caller, const std::string& status, int limit,
                                     const std::string& cursor);
  // One hold with its findings, audited. Refusal: not_found.
  Result<InteractionHold> Get(const Caller& caller, const std::string& id);
  // Releases an open hold with the pharmacist's documented reason (domain
  // ValidateInteractionOverride). Refusals: forbidden (not a pharmacist),
  // invalid_request on "reason", not_found, conflict (not open).
  Result<InteractionHold> Override(const Caller& caller, const std::string& id, const std::string& reason);
  // Cancels the held order (or prescription) and notifies the member. The
  // reason is optional. Refusals: forbidden, invalid_request on "reason",
  // not_found, conflict (not open), invalid_transition (the order moved on).
  Result<InteractionHold> Cancel(const Caller& caller, const std::string& id, const std::string& reason);

 private:
  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  InteractionOverridePolicy policy_;
};

}  // namespace rxdesk
