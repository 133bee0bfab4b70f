// Contacts (PRODUCT.md section 8) and the identity-verification gate in front of
// every agent's PHI access.
//
//   Contact c = *contacts.Open(caller, "call", std::nullopt, nullptr);      // reference read to the caller
//   auto v = contacts.Verify(caller, c.id, claim);  // identity_not_verified (422) / contact_locked (423)
//   caller.contact_id = c.id;                       // then: X-Contact-Id on every PHI request
//   RXD_TRY(CheckContactGate(store, caller, member_id));   // in MemberService::CheckOwnership
//
// An agent sees a member's PHI only through an open contact of their own whose
// caller was verified as that member. Three failed attempts lock PHI for the
// contact and flag it for the supervisor. Pharmacists and supervisors may act in
// a contact too (it becomes the audited purpose), but are not gated by one:
// their clinical and review work happens outside calls (fax intake, review queues).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/contact_outcome.h"
#include "domain/identity_verification.h"
#include "services/contact_gate.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/idempotency.h"
#include "services/member_service.h"
#include "services/prescription_service.h"
#include "store/store.h"

namespace rxdesk {

struct ContactFilter {
  std::optional<bool> flagged;
  std::optional<bool> open;
  int limit = 50;
  std::string cursor;  // the id of the last item of the previous page (ids sort by creation)
};

// How a contact ended, given on close. Disposition and issue come together or
// not at all: a contact closed without them stays undocumented (resolved NULL).
struct ContactOutcome {
  std::optional<Disposition> disposition;
  std::optional<Issue> issue;
  std::vector<std::string> order_ids;  // orders of the contact's member it was about
};

// Runs inside the closing transaction, after the contact row changed (e.g. the
// CSAT survey of services/survey_service.h). An error rolls the close back.
using ContactClosedHook = std::function<Status(Connection& tx, const Contact& closed, Instant now)>;

class ContactService {
 public:
  ContactService(Store& store, const MemberService& members, const Clock& clock, const Zone& zone,
                 VerificationPolicy policy, FcrPolicy fcr = {})
      : store_(store), members_(members), clock_(clock), zone_(zone), policy_(policy), fcr_(fcr) {}

  // Opens a contact held by the caller. `member_id` links a member known from
  // the channel (e.g. caller id), still to be verified. Refusal: invalid_request
  // (unknown channel or member).
  Result<Contact> Open(const Caller& caller, const std::string& channel, const std::optional<std::string>& member_id,
                       const CommitHook<Contact>& on_commit);
  // The holder, or a supervisor, sees a contact; others: not_found.
  Result<Contact> Get(const Caller& caller, const std::string& id);
  // One verification attempt (audited). Refusals: identity_not_verified (with
  // details.attempts_left), contact_locked (this attempt or an earlier one locked
  // it), conflict (closed, or the facts fit more than one member: ask for
  // another fact; not counted as a failure).
  Result<Contact> Verify(const Caller& caller, const std::string& id, const IdentityClaim& claim);
  // Closes a contact the caller holds (closing twice returns it unchanged).
  // With an outcome: records disposition and issue, links the orders, and marks
  // an earlier resolved contact of the same member on the same issue as not
  // resolved at first contact (fcr = 0) when this one came within the FCR
  // window. Refusals: not_found; invalid_request (disposition without issue or
  // the reverse, field named); unknown_order (422, field order_ids[i]: not an
  // order of the contact's verified member).
  Result<Contact> Close(const Caller& caller, const std::string& id, const ContactOutcome& outcome = {});
  // The same inside the caller's transaction, with no holder check: for a
  // service that checked access itself (a secure-message thread's pool).
  Status CloseWithin(WriteContext& w, const Caller& caller, Contact& contact, const ContactOutcome& outcome,
                     Instant now) const;
  // The contact, when the caller holds it (supervisors: any). A refusal is
  // audited under `action`. Refusal: not_found.
  Result<Contact> GetHeld(const Caller& caller, const std::string& id, std::string_view action);
  // Adds a hook run by every close (set at startup, before serving).
  void OnClosed(ContactClosedHook hook) { closed_hooks_.push_back(std::move(hook)); }
  // Newest first. Agents see their own contacts, supervisors everyone's.
  Result<Page<Contact>> List(const Caller& caller, const ContactFilter& filter);
  // What the holder may see of the linked member before verification (nullopt
  // when none is linked). Audited as a masked read.
  Result<std::optional<MaskedIdentity>> Masked(const Caller& caller, const Contact& contact);

  const VerificationPolicy& policy() const { return policy_; }

 private:
  Result<Contact> LoadHeld(const Caller& caller, const std::string& id, std::string_view action);

  Store& store_;
  const MemberService& members_;
  const Clock& clock_;
  const Zone& zone_;
  VerificationPolicy policy_;
  FcrPolicy fcr_;
  std::vector<ContactClosedHook> closed_hooks_;
};

}  // namespace rxdesk
