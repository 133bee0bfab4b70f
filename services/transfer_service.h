// Prescription transfers in from another pharmacy (PRODUCT.md §3): a member (for
// themselves) or an agent in a verified contact asks; the law decides at once
// (domain/transfer.h: Schedule II not transferable, III–V once); a pharmacist
// works the queue, oldest first, and completes the transfer (a new active
// prescription here) or fails it with a reason. The member is notified either way
// through the outbox, in the transaction of the decision.
//
//   TransferService transfers(store, vault, clock, zone, members, prescriptions, TransferPolicy{}, rx_policy);
//   RXD_ASSIGN_OR_RETURN(TransferRecord t, transfers.Request(caller, member_id, details, nullptr));
//   t.expected_latest;  // requested + 24 h, or + 96 h for a controlled drug (default policy)
//   RXD_ASSIGN_OR_RETURN(TransferRecord done, transfers.Complete(pharmacist, t.id, "", nullptr));
//   done.rx_number;     // the prescription created here, transfer_count = prior transfers + 1
//
// What the member gave (the other pharmacy, the Rx and its number there, the
// prescriber, a pharmacist's note) is sealed; the schedule, the prior-transfer count
// and the dates are in clear for the queue. Every read and write is audited.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.h"
#include "domain/refill.h"
#include "domain/transfer.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/idempotency.h"
#include "services/member_service.h"
#include "services/prescription_fields.h"
#include "services/prescription_service.h"
#include "store/store.h"

namespace rxdesk {

// What the member or agent gives about the prescription to move.
struct TransferDetails {
  std::string pharmacy_name;       // the transferring pharmacy
  std::string pharmacy_phone;      // E.164, US
  std::string pharmacy_rx_number;  // its Rx number there, as printed on the label
  PrescriptionFields rx;           // refills_authorized as originally written
  int refills_remaining = 0;       // left at the transferring pharmacy
  int prior_transfers = 0;         // as reported by the transferring pharmacy
  bool electronic_initial_fill = false;
  bool shares_realtime_database = false;
  // The transferring pharmacy's last dispensing (21 CFR 1306.25(b) records it): kept
  // as a fill here at completion, so "too soon" and the refill count go on from it.
  std::optional<LastFill> last_fill;
};

enum class TransferStatus { kPending, kCompleted, kFailed };
std::string_view ToString(TransferStatus status);
std::optional<TransferStatus> ParseTransferStatus(std::string_view text);

// Why a pharmacist fails a transfer: the codes the API accepts.
const std::vector<std::string_view>& TransferFailureReasons();

struct TransferRecord {
  std::string id;
  std::string reference;  // quoted by the member (domain/reference_number.h)
  std::string member_id;
  TransferStatus status = TransferStatus::kPending;
  Schedule schedule = Schedule::kNone;
  TransferDetails details;
  Instant requested_at{};
  Instant expected_earliest{};
  Instant expected_latest{};
  bool overdue = false;        // still pending after expected_latest (as of the read)
  std::string rx_number;       // once completed
  std::string failure_reason;  // once failed
  std::string note;            // the deciding pharmacist's, if any
  std::string requested_by;    // user id
  std::string decided_by;      // user id, once decided
  std::string decided_at;
  std::string updated_at;
};

class TransferService {
 public:
  TransferService(Store& store, const PhiVault& vault, const Clock& clock, const Zone& zone,
                  const MemberService& members, PrescriptionService& prescriptions, TransferPolicy policy,
                  PrescriptionPolicy rx_policy)
      : store_(store),
        vault_(vault),
        clock_(clock),
        zone_(zone),
        members_(members),
        prescriptions_(prescriptions),
        policy_(policy),
        rx_policy_(rx_policy) {}

  // A member for themselves, or the workforce (agents in a verified contact).
  // Refusals: not_found / verification_required (the member); invalid_request for a
  // malformed field; the law (CheckTransferIn): schedule_ii_not_transferable,
  // transfer_limit_reached, no_refills_remaining (committed with an audit entry);
  // then the prescription's own validation (ValidateNewPrescription).
  Result<TransferRecord> Request(const Caller& caller, const std::string& member_id, const TransferDetails& details,
                                 const CommitHook<TransferRecord>& on_commit);
  // The member's own, or the workforce's (agents in a verified contact). Refusal: not_found.
  Result<TransferRecord> Get(const Caller& caller, const std::string& id);
  // A member's transfers, newest first.
  Result<Page<TransferRecord>> ListForMember(const Caller& caller, const std::string& member_id, int limit,
                                             const std::string& cursor);
  // The pharmacists' work queue: transfers with this status, oldest first; each listed
  // transfer's read is audited.
  Result<Page<TransferRecord>> Queue(const Caller& caller, TransferStatus status, int limit, const std::string& cursor);
  // Pharmacist. Creates the prescription (active, the refills left, transfer_count =
  // prior transfers + 1) and queues transfer_confirmed. Refusals: not_found;
  // invalid_transition unless pending; the prescription's validation as of today.
  Result<TransferRecord> Complete(const Caller& caller, const std::string& id, const std::string& note,
                                  const CommitHook<TransferRecord>& on_commit);
  // Pharmacist, with one of TransferFailureReasons(); queues transfer_failed.
  // Refusals: not_found; invalid_transition unless pending.
  Result<TransferRecord> Fail(const Caller& caller, const std::string& id, const std::string& reason,
                              const std::string& note, const CommitHook<TransferRecord>& on_commit);

  const TransferPolicy& policy() const { return policy_; }

 private:
  Result<std::optional<TransferRecord>> Load(Connection& conn, const std::string& id) const;
  Result<TransferRecord> FromRow(const Row& row) const;
  Result<TransferRecord> LoadVisible(const Caller& caller, const std::string& id, std::string_view action);
  // Loads a pending transfer in `w`, or refuses (not_found, invalid_transition with
  // its refused audit entry kept in `refusal`).
  Result<TransferRecord> LoadPending(WriteContext& w, const Caller& caller, const std::string& id,
                                     std::string_view action, Instant now, std::optional<Error>& refusal) const;

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  const Zone& zone_;
  const MemberService& members_;
  PrescriptionService& prescriptions_;
  TransferPolicy policy_;
  PrescriptionPolicy rx_policy_;
};

}  // namespace rxdesk
