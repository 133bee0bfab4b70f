// Requests the pharmacy sends a prescriber and tracks to the answer: the 90-day
// mail-order switch (PRODUCT.md §4, domain/mail_order_switch.h) and the renewal of
// a prescription with no refills left (PRODUCT.md §2, domain/renewal_request.h).
//
//   PrescriberRequestService requests(store, vault, clock, zone, members, prescriptions, {});
//   RXD_ASSIGN_OR_RETURN(PrescriberRequestRecord r,
//                        requests.Create(member, PrescriberRequestKind::kMailOrderSwitch, "10000007", nullptr));
//   RXD_ASSIGN_OR_RETURN(r, requests.Apply(pharmacist, r.kind, r.id, {.type = "sent_to_prescriber"}));
//   RXD_ASSIGN_OR_RETURN(r, requests.Apply(pharmacist, r.kind, r.id, {.type = "approved", .refills_authorized = 3}));
//   r.new_rx_number;  // the new 90-day prescription
//
// There is no e-prescribing network: the pharmacist records that the request was
// sent and then the prescriber's answer. Who may do what:
//   - create: the member for their own prescription, an agent in a verified
//     contact (X-Contact-Id), a pharmacist or supervisor;
//   - sent / approved / denied: pharmacists only (forbidden otherwise);
//   - cancelled: anyone who may create, until the prescriber answers.
// Each request is one store transaction with its audit entry (the request names a
// member's prescription: PHI); a refusal is audited too. An approval creates the
// new prescription (new Rx number, written today) in the same transaction, and an
// approval or a denial queues the member's notification there as well. A switch's
// approval cancels the old retail prescription (the new one replaces it); a
// renewal's leaves the old one as it is (it has no refills left or has expired).
// The denial or cancellation reason is sealed (it may be clinical).
#pragma once

#include <optional>
#include <string>

#include "domain/clock.h"
#include "domain/mail_order_switch.h"
#include "domain/prescription.h"
#include "domain/renewal_request.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/idempotency.h"
#include "services/member_service.h"
#include "services/phi_vault.h"
#include "services/prescription_service.h"
#include "store/store.h"

namespace rxdesk {

enum class PrescriberRequestKind { kMailOrderSwitch, kRenewal };

struct PrescriberRequestRecord {
  PrescriberRequestKind kind = PrescriberRequestKind::kMailOrderSwitch;
  std::string id;
  std::string reference;  // RX-YYMMDD-XXXXXX-C: what the member quotes
  std::string member_id;
  std::string rx_number;      // the prescription the request is about
  std::string status;         // the kind's status names (ToString of its domain enum)
  std::string new_rx_number;  // set once approved
  std::string reason;         // why denied or cancelled; may be empty
  std::string requested_by;   // user id
  std::string created_at;
  std::string sent_at;      // empty until sent to the prescriber
  std::string answered_at;  // empty until approved, denied or cancelled
  std::string updated_at;
};

// One step of a request (POST .../events).
struct PrescriberRequestEvent {
  std::string type;  // switch: sent_to_prescriber | approved | denied | cancelled; renewal: sent | approved | ...
  std::optional<int> refills_authorized;  // approved: required (the prescriber's), 0–99, the law's limits apply
  std::optional<Quantity> quantity;       // approved: the prescriber's quantity if it differs from the default
  std::optional<std::string> reason;      // denied: required; cancelled: optional; at most 500 characters
};

struct PrescriberRequestPolicy {
  MailOrderSwitchPolicy mail_order;  // the retail month and the mail supply (90 days)
  PrescriptionPolicy prescription;   // the checks an approval's new prescription passes
};

class PrescriberRequestService {
 public:
  PrescriberRequestService(Store& store, const PhiVault& vault, const Clock& clock, const Zone& zone,
                           const MemberService& members, const PrescriptionService& prescriptions,
                           PrescriberRequestPolicy policy)
      : store_(store),
        vault_(vault),
        clock_(clock),
        zone_(zone),
        members_(members),
        prescriptions_(prescriptions),
        policy_(policy) {}

  // Opens a request for the prescription. Refusals: not_found (field rx_number; also
  // another member's Rx), verification_required (an agent without a verified
  // contact), not_active, the domain's eligibility codes (switch:
  // schedule_ii_not_eligible, not_maintenance_medication — also for a drug the
  // formulary does not know —, days_supply_not_retail; renewal:
  // schedule_ii_new_prescription_required, renewal_not_needed), conflict (409) while
  // another request of the kind is open for the Rx (details.id names it).
  Result<PrescriberRequestRecord> Create(const Caller& caller, PrescriberRequestKind kind, const std::string& rx_number,
                                         const CommitHook<PrescriberRequestRecord>& on_commit);

  // One request. Refusal: not_found (also another member's), verification_required.
  Result<PrescriberRequestRecord> Get(const Caller& caller, PrescriberRequestKind kind, const std::string& id);

  // A member's requests of the kind, newest first. Refusals as Get (not_found for no such member).
  Result<Page<PrescriberRequestRecord>> ListForMember(const Caller& caller, PrescriberRequestKind kind,
                                                      const std::string& member_id, int limit,
                                                      const std::string& cursor);

  // The pharmacist's queue: requests in `status` (default: the open ones, requested
  // and sent), oldest first. Refusal: invalid_request (field status) for an unknown status.
  Result<Page<PrescriberRequestRecord>> Queue(const Caller& caller, PrescriberRequestKind kind,
                                              const std::optional<std::string>& status, int limit,
                                              const std::string& cursor);

  // Moves the request by one event (the domain's state machine). Refusals:
  // invalid_request (unknown type; a field the type does not take or needs),
  // forbidden (a prescriber step by anyone but a pharmacist), not_found,
  // verification_required, invalid_transition (409), not_active (approving a switch
  // whose retail Rx is no longer active), the law's codes for the new prescription
  // (ValidateNewPrescription, e.g. controlled_refill_limit).
  Result<PrescriberRequestRecord> Apply(const Caller& caller, PrescriberRequestKind kind, const std::string& id,
                                        const PrescriberRequestEvent& event);

 private:
  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  const Zone& zone_;
  const MemberService& members_;
  const PrescriptionService& prescriptions_;
  PrescriberRequestPolicy policy_;
};

}  // namespace rxdesk
