// Fax and mail intake (PRODUCT.md §7): a scanned prescription is received (its
// type judged by its bytes, domain/intake_document.h), intake staff key its fields
// (checked as any new prescription, domain/prescription.h), and a pharmacist other
// than the one who keyed verifies: approved, it becomes an active prescription with
// a new Rx number; rejected, it keeps the reason.
//
//   IntakeService intake(store, vault, clock, zone, prescriptions, IntakePolicy{}, rx_policy);
//   RXD_ASSIGN_OR_RETURN(IntakeRecord doc, intake.Receive(agent, "application/pdf", bytes, nullptr));
//   RXD_TRY(intake.KeyFields(agent, doc.id, member_id, fields));
//   RXD_ASSIGN_OR_RETURN(IntakeRecord done, intake.Verify(pharmacist, doc.id, {.approve = true}));
//   done.rx_number;  // the new prescription
//
// The document is PHI: it is stored sealed in the store (never in a file), with its
// SHA-256. Every step and every download of the document is audited.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.h"
#include "domain/intake_document.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/idempotency.h"
#include "services/prescription_fields.h"
#include "services/prescription_service.h"
#include "store/store.h"

namespace rxdesk {

enum class IntakeStatus { kReceived, kKeyed, kApproved, kRejected };
std::string_view ToString(IntakeStatus status);
std::optional<IntakeStatus> ParseIntakeStatus(std::string_view text);

// Why a pharmacist rejects a keyed document: the codes the API accepts.
const std::vector<std::string_view>& IntakeRejectionReasons();

struct IntakeRecord {
  std::string id;
  IntakeStatus status = IntakeStatus::kReceived;
  DocumentType type = DocumentType::kPdf;
  std::int64_t size_bytes = 0;
  std::string sha256;                        // hex, of the document as received
  std::string member_id;                     // once keyed
  std::optional<PrescriptionFields> fields;  // once keyed (full reads only)
  std::string keyed_by, keyed_at;
  std::string verified_by, verified_at;
  std::string rx_number;         // once approved
  std::string rejection_reason;  // once rejected
  std::string note;              // the verifying pharmacist's, if any (full reads only)
  std::string received_by, received_at, updated_at;
};

struct IntakeDecision {
  bool approve = false;
  std::string reason;  // one of IntakeRejectionReasons() when rejecting
  std::string note;    // optional
};

class IntakeService {
 public:
  IntakeService(Store& store, const PhiVault& vault, const Clock& clock, const Zone& zone,
                const PrescriptionService& prescriptions, IntakePolicy policy, PrescriptionPolicy rx_policy)
      : store_(store),
        vault_(vault),
        clock_(clock),
        zone_(zone),
        prescriptions_(prescriptions),
        policy_(policy),
        rx_policy_(rx_policy) {}

  // Stores the document sealed. Refusals: those of CheckIntakeDocument.
  Result<IntakeRecord> Receive(const Caller& caller, std::string_view content_type, std::string_view bytes,
                               const CommitHook<IntakeRecord>& on_commit);
  // Documents with this status, oldest first (no fields: the list is a work queue).
  Result<Page<IntakeRecord>> List(const Caller& caller, IntakeStatus status, int limit, const std::string& cursor);
  // One document with its keyed fields. Refusal: not_found.
  Result<IntakeRecord> Get(const Caller& caller, const std::string& id);
  // The document's bytes and type (audited as intake.document.read). Refusal: not_found.
  Result<std::pair<DocumentType, std::string>> Document(const Caller& caller, const std::string& id);
  // Keys (or re-keys, until verified) the prescription. Refusals: not_found (document or
  // member); invalid_transition once verified; ValidateNewPrescription's refusals.
  Result<IntakeRecord> KeyFields(const Caller& caller, const std::string& id, const std::string& member_id,
                                 const PrescriptionFields& fields);
  // A pharmacist's verification. Refusals: not_found; invalid_transition unless keyed;
  // same_user_cannot_verify when the caller keyed it; invalid_request for an unknown
  // reason; on approval, ValidateNewPrescription's refusals as of today.
  Result<IntakeRecord> Verify(const Caller& caller, const std::string& id, const IntakeDecision& decision);

  const IntakePolicy& policy() const { return policy_; }

 private:
  Result<std::optional<IntakeRecord>> Load(Connection& conn, const std::string& id, bool full) const;

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  const Zone& zone_;
  const PrescriptionService& prescriptions_;
  IntakePolicy policy_;
  PrescriptionPolicy rx_policy_;
};

}  // namespace rxdesk
