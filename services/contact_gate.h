// The identity-verification gate (PRODUCT.md sections 8 and 10): the contact
// record it reads, and the check MemberService::CheckOwnership applies to agents.
// services/contact_service.h opens, verifies and closes contacts.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "domain/identity_verification.h"
#include "services/caller.h"
#include "store/store.h"

namespace rxdesk {

struct Contact {
  std::string id;
  std::string reference;
  std::string channel;   // call | chat | message | portal
  std::string agent_id;  // the user who holds the contact
  std::string member_id; // set once verified (or when opened for a known member)
  bool open = true;
  VerificationState verification;
  std::string verified_by;  // address | rx_number | member_number, once verified
  bool flagged = false;     // locked by failed verification: for the supervisor
  std::string opened_at;
  std::string verified_at;
  std::string closed_at;
  std::string updated_at;
  // How it ended (services/contact_service.h Close; "" while open or when closed undocumented).
  std::string disposition;  // resolved | unresolved | escalated | transferred | no_action
  std::string issue;        // refill | transfer | billing | shipping | clinical | complaint | other
  std::optional<bool> fcr;  // false once a repeat on the same issue came within 7 days; else unknown
  std::vector<std::string> order_ids;  // linked orders, filled by LoadContact
};

// The gate, for MemberService::CheckOwnership: an agent acting on `member_id`
// must name (X-Contact-Id) an open contact they hold whose caller was verified
// as that member. Refusal: verification_required (403). Other roles pass.
Status CheckContactGate(Store& store, const Caller& caller, const std::string& member_id);
// The same inside a transaction (e.g. a write job).
Status CheckContactGate(Connection& conn, const Caller& caller, const std::string& member_id);

// Reads one contact without access checks (for the gate and tools).
Result<std::optional<Contact>> LoadContact(Connection& conn, const std::string& id);

}  // namespace rxdesk
