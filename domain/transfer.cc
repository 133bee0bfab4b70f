#include "domain/transfer.h"

namespace rxdesk {

Status CheckTransferIn(const TransferInRequest& request) {
  if (request.prior_transfers < 0) return InvalidField("prior_transfers", "must not be negative");
  if (request.refills_remaining < 0) return InvalidField("refills_remaining", "must not be negative");

  const Schedule s = request.schedule;
  if (s == Schedule::kII && !request.electronic_initial_fill) {
    return MakeError("schedule_ii_not_transferable",
                     "a Schedule II prescription cannot be transferred, except an unfilled electronic "
                     "prescription for its initial fill (21 CFR 1306.08(e))");
  }
  if (IsControlled(s) && request.prior_transfers > 0) {
    if (request.electronic_initial_fill) {
      return MakeError("transfer_limit_reached",
                       "an electronic controlled-substance prescription may be transferred for its initial fill "
                       "only once (21 CFR 1306.08(e))");
    }
    if (!request.shares_realtime_database) {
      return MakeError("transfer_limit_reached",
                       "a Schedule III-V prescription may be transferred only once (21 CFR 1306.25(a))");
    }
  }
  if (!request.electronic_initial_fill && request.refills_remaining == 0) {
    return MakeError("no_refills_remaining", "no refills remain to transfer; a new prescription is needed");
  }
  return OkStatus();
}

TransferWindow ExpectedTransferCompletion(Instant requested, Schedule schedule, const TransferPolicy& policy) {
  TransferWindow window{requested + policy.processing_min, requested + policy.processing_max};
  if (IsControlled(schedule)) {
    window.earliest += policy.controlled_verification_min;
    window.latest += policy.controlled_verification_max;
  }
  return window;
}

}  // namespace rxdesk
