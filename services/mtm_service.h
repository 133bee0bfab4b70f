// Medication therapy management requests (PRODUCT.md §6: "MTM requests are
// routed to a pharmacist"). A member, or an agent in a verified contact, asks
// for a pharmacist; the request becomes a callback in the contact center's
// clinical_pharmacist queue (services/contact_center_service.h), which only
// pharmacists' skills reach, and is tracked here until a pharmacist completes it.
//
//   MtmService mtm(store, vault, clock, contact_center);
//   RXD_ASSIGN_OR_RETURN(MtmRequest r, mtm.Request(caller, member_id, {.topic = "medication_review"}));
//   Say("A pharmacist will call you back; your reference is " + r.reference);
//   ...
//   RXD_ASSIGN_OR_RETURN(MtmRequest done, mtm.Complete(pharmacist, r.id, "Reviewed the medication list ..."));
//
// The member's note and the pharmacist's outcome are sealed; every read and
// write is audited. The callback is routed before the request is stored: if
// the process stops in between, the member still gets the call (the contact
// is in the queue, restart-safe) and only this tracking row is missing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/acd.h"
#include "domain/clock.h"
#include "services/caller.h"
#include "services/phi_vault.h"
#include "services/prescription_service.h"
#include "store/store.h"

namespace rxdesk {

class ContactCenterService;

// The queue MTM requests wait in (API.md: IVR option 4's queue).
inline constexpr char kMtmQueue[] = "clinical_pharmacist";

struct NewMtmRequest {
  std::string topic;  // medication_review | new_medication | side_effects | cost | other
  std::string note;   // optional, ≤ 1000 characters, the member's words (sealed)
  Language language = Language::kEnglish;
};

struct MtmRequest {
  std::string id;
  std::string reference;  // the callback contact's reference number
  std::string member_id;
  std::string contact_id;  // the callback in the clinical_pharmacist queue
  std::string topic;
  std::string status;  // requested | completed
  std::string requested_by;
  std::string requested_at;
  std::string completed_by;
  std::string completed_at;
  std::string updated_at;
  std::string note;     // Get (pharmacists) and the creating response only
  std::string outcome;  // Get (pharmacists) only
  int position = 0;     // place in the queue when requested (0: already with a pharmacist)
};

class MtmService {
 public:
  MtmService(Store& store, const PhiVault& vault, const Clock& clock, ContactCenterService* contact_center)
      : store_(store), vault_(vault), clock_(clock), contact_center_(contact_center) {}

  // A member for themselves, or an agent in a verified contact for that member.
  // Refusals: invalid_request on "topic" or "note", not_found, verification_required.
  Result<MtmRequest> Request(const Caller& caller, const std::string& member_id, const NewMtmRequest& input);
  // A member's requests, newest first (members: their own; agents: verified contact).
  Result<Page<MtmRequest>> ListForMember(const Caller& caller, const std::string& member_id, int limit,
                                         const std::string& cursor);
  // The pharmacists' list by status (requested by default), oldest first.
  // Refusal: invalid_request on "status".
  Result<Page<MtmRequest>> Queue(const Caller& caller, const std::string& status, int limit, const std::string& cursor);
  // One request with the member's note and the outcome (pharmacists). Refusal: not_found.
  Result<MtmRequest> Get(const Caller& caller, const std::string& id);
  // The pharmacist's summary closes the request. Refusals: invalid_request on
  // "outcome" (1–2000 characters), not_found, conflict (already completed).
  Result<MtmRequest> Complete(const Caller& caller, const std::string& id, const std::string& outcome);

 private:
  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  ContactCenterService* contact_center_;
};

}  // namespace rxdesk
