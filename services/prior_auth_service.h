// Prior authorization requests (PRODUCT.md §5): asked for a member's prescription
// whose drug the plan flags PA (by the member, an agent in a verified contact, a
// pharmacist or supervisor), decided by a pharmacist within the SLA
// (domain/prior_authorization.h). An approval lets refill eligibility's rule 6
// pass; the member is told a decision was made (outbox, "prior_auth_decided").
// The request's note and the decision's reason are PHI: sealed, and every read
// and write is audited.
//
//   PriorAuthService pa(store, vault, clock, zone, members, PriorAuthPolicy{});
//   RXD_ASSIGN_OR_RETURN(PriorAuthRecord r, pa.Request(caller, "10000011", "tried metformin", nullptr));
//   RXD_ASSIGN_OR_RETURN(r, pa.Decide(pharmacist, r.id, "approved", "criteria met"));
#pragma once

#include <optional>
#include <string>

#include "domain/clock.h"
#include "domain/prior_authorization.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/idempotency.h"
#include "services/member_service.h"
#include "services/phi_vault.h"
#include "services/prescription_service.h"
#include "store/store.h"

namespace rxdesk {

namespace prior_auth_error {
// 422: the prescription's drug needs no prior authorization under the member's plan.
inline constexpr char kNotRequired[] = "prior_auth_not_required";
}  // namespace prior_auth_error

// [prior_auth] (docs/configuration.md).
struct PriorAuthConfig {
  int decision_within_hours = 24;  // PRODUCT.md §5 (config): decisions within 24 hours
  PriorAuthPolicy Policy() const { return {.decision_within = std::chrono::hours{decision_within_hours}}; }
};

struct PriorAuthRecord {
  std::string id;
  std::string reference;  // quoted by the member (PRODUCT.md §8)
  std::string rx_number;
  std::string member_id;
  PriorAuthStatus status = PriorAuthStatus::kPending;
  std::string note;    // the request's justification ("" if none); PHI
  std::string reason;  // the decision's reason ("" while pending); PHI
  std::string requested_by;
  Instant requested_at{};
  Instant due_at{};
  std::optional<Instant> decided_at;
  std::string decided_by;
  bool overdue = false;  // as of the read
};

struct PriorAuthListQuery {
  PriorAuthStatus status = PriorAuthStatus::kPending;
  std::optional<Instant> at;  // evaluate `overdue` at this instant (default now)
  int limit = 50;
  std::string cursor;  // from the previous page
};

class PriorAuthService {
 public:
  PriorAuthService(Store& store, const PhiVault& vault, const Clock& clock, const Zone& zone,
                   const MemberService& members, PriorAuthPolicy policy)
      : store_(store), vault_(vault), clock_(clock), zone_(zone), members_(members), policy_(policy) {}

  // Opens a pending request, due after the policy's window. Refusals: not_found (the
  // prescription, or another member's), verification_required, prior_auth_not_required
  // (422), conflict (one is pending or already approved), invalid_request naming "note".
  Result<PriorAuthRecord> Request(const Caller& caller, const std::string& rx_number,
                                  const std::optional<std::string>& note, const CommitHook<PriorAuthRecord>& on_commit);
  // Refusals: not_found, verification_required.
  Result<PriorAuthRecord> Get(const Caller& caller, const std::string& id);
  // The work queue, soonest due first, without the PHI fields (note, reason).
  // Refusal: invalid_request naming "cursor".
  Result<Page<PriorAuthRecord>> List(const Caller& caller, const PriorAuthListQuery& query);
  // A pharmacist's decision (domain DecidePriorAuth). An approval sets the
  // prescription's prior_auth_approved. Refusals: not_found, conflict (decided),
  // invalid_request naming "decision" or "reason".
  Result<PriorAuthRecord> Decide(const Caller& caller, const std::string& id, const std::string& decision,
                                 const std::string& reason);

 private:
  Result<PriorAuthRecord> FromRow(const Row& row, Instant now, bool with_phi) const;

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  const Zone& zone_;
  const MemberService& members_;
  PriorAuthPolicy policy_;
};

}  // namespace rxdesk
