// Lost or damaged packages (PRODUCT.md §4): a member (or an agent in a verified
// contact) reports a shipped order lost or damaged; the domain's rules
// (domain/claim.h) decide; an accepted claim gets a free replacement order, a
// controlled substance's only once a pharmacist approves it.
//
//   ClaimService claims(store, vault, clock, zone, members, shipping_policy, ClaimPolicy{});
//   RXD_ASSIGN_OR_RETURN(ClaimRecord c, claims.Report(caller, order_id, {.kind = ClaimKind::kLost}, nullptr));
//   // c.state == kApproved and c.replacement_order_id set, or kPendingApproval (controlled)
//   RXD_ASSIGN_OR_RETURN(c, claims.Decide(pharmacist, c.id, {.approve = true}));
//
// The replacement order: same prescription, same speed, the original's address,
// fee 0, a new reference and ETA from today; `replaces_order_id` links it to the
// original. Its fill uses no refill (OrderService::Apply): the lost fill never
// reached the member, so it stays the one dispensing the prescription authorized.
// It is created in the same transaction as the approval, so it exists exactly once.
// The member is told the outcome through the outbox in that transaction too:
// claim_replacement (reference: the replacement's), claim_received (waiting for a
// pharmacist; the original order's reference), claim_denied (the original's).
// Every read and write is audited ("claim.*"; the replacement "order.replacement").
#pragma once

#include <optional>
#include <string>

#include "domain/claim.h"
#include "domain/clock.h"
#include "domain/shipping.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/idempotency.h"
#include "services/member_service.h"
#include "services/phi_vault.h"
#include "services/prescription_service.h"
#include "store/store.h"

namespace rxdesk {

inline constexpr std::size_t kMaxClaimDescriptionLength = 1000;
inline constexpr std::size_t kMaxClaimReasonLength = 500;

struct ClaimRecord {
  std::string id;
  std::string order_id;
  std::string order_reference;
  std::string member_id;
  ClaimKind kind = ClaimKind::kLost;
  ClaimState state = ClaimState::kPendingApproval;
  bool controlled = false;
  bool return_required = false;
  Date reported_on{};
  Date window_closes_on{};
  std::string description;  // the reporter's account ("" when none)
  std::string replacement_order_id;
  std::string replacement_reference;
  std::string decision_reason;  // a denial's reason
  std::string decided_by;       // the pharmacist's user id
  std::string decided_at;
  std::string created_at;
  std::string updated_at;
};

struct NewClaim {
  ClaimKind kind = ClaimKind::kLost;
  std::optional<std::string> description;
};

struct ClaimDecisionInput {
  bool approve = false;
  std::optional<std::string> reason;  // required to deny
};

class ClaimService {
 public:
  ClaimService(Store& store, const PhiVault& vault, const Clock& clock, const Zone& zone, const MemberService& members,
               ShippingPolicy shipping, ClaimPolicy policy)
      : store_(store),
        vault_(vault),
        clock_(clock),
        zone_(zone),
        members_(members),
        shipping_(shipping),
        policy_(policy) {}

  // Reports order `order_id` lost or damaged today (operator-local day). Members:
  // their own orders; agents: in a verified contact. Refusals: not_found,
  // verification_required, the domain's codes (claim_exists, order_not_shipped,
  // order_returned, too_early_to_report_lost, order_not_delivered,
  // claim_window_closed, with their details). `on_commit` runs in the transaction.
  Result<ClaimRecord> Report(const Caller& caller, const std::string& order_id, const NewClaim& claim,
                             const CommitHook<ClaimRecord>& on_commit);

  // One claim (members: their own; agents: in a verified contact). Refusal: not_found.
  Result<ClaimRecord> Get(const Caller& caller, const std::string& claim_id);

  // A member's claims, newest first; the cursor is the last id of the previous page.
  Result<Page<ClaimRecord>> ListForMember(const Caller& caller, const std::string& member_id, int limit,
                                          const std::string& cursor);

  // Claims in `state`, oldest first: the pharmacists' queue (the route allows
  // pharmacists and supervisors). One audit entry per claim listed.
  Result<Page<ClaimRecord>> Queue(const Caller& caller, ClaimState state, int limit, const std::string& cursor);

  // A pharmacist approves (the replacement order is created) or denies (with a
  // reason, shown to the member) a claim pending approval. Refusals: not_found,
  // invalid_request (field "reason": required to deny), invalid_transition (409,
  // details.status: the claim is not pending).
  Result<ClaimRecord> Decide(const Caller& caller, const std::string& claim_id, const ClaimDecisionInput& decision);

  const ClaimPolicy& policy() const { return policy_; }

 private:
  Result<std::optional<ClaimRecord>> Load(Connection& conn, const std::string& claim_id) const;
  Result<ClaimRecord> FromRow(const Row& row) const;
  // Creates the free replacement of `order_id` and links it to the claim. Inside `w`'s transaction.
  Status PlaceReplacement(WriteContext& w, const Caller& caller, Instant now, ClaimRecord& claim);

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  const Zone& zone_;
  const MemberService& members_;
  ShippingPolicy shipping_;
  ClaimPolicy policy_;
};

}  // namespace rxdesk
