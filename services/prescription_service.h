// Prescriptions and their fills: created and dispensed by pharmacists, read by
// the member they belong to and by the workforce serving members, every access
// audited. Refill eligibility is the domain's rule (domain/refill.h) applied to
// the stored prescription and its last fill.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/prescription.h"
#include "domain/refill.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/idempotency.h"
#include "services/member_service.h"
#include "store/store.h"

namespace rxdesk {

struct PrescriptionRecord {
  std::string rx_number;
  std::string member_id;
  Prescription rx;
  int transfer_count = 0;
  std::string created_at;
  std::string updated_at;
};

struct FillRecord {
  std::string id;
  std::string rx_number;
  Date fill_date{};
  Quantity quantity;
  int days_supply = 0;
  bool is_refill = false;
  bool overridden = false;
  std::string created_at;
};

struct FillInput {
  Date fill_date{};
  Quantity quantity;
  int days_supply = 0;
  std::optional<std::string> override_reason;  // pharmacist's documented reason to dispense anyway
};

struct FillResult {
  FillRecord fill;
  int refills_remaining = 0;
};

// Benefit hooks, run inside the transaction that creates a prescription or records
// a fill (services/fill_pricing.h provides them): on_created may set the
// prescription's prior-authorization flag from the member's formulary (and updates
// the record it is given); on_filled writes the fill's cost. A refusal rolls the
// whole transaction back.
struct PrescriptionHooks {
  std::function<Status(Connection&, PrescriptionRecord&)> on_created;
  std::function<Status(Connection&, const PrescriptionRecord&, const FillRecord&)> on_filled;
};

// A page of a list (API.md: ?limit=&cursor=).
template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

class PrescriptionService {
 public:
  PrescriptionService(Store& store, const PhiVault& vault, const Clock& clock, const Zone& zone,
                      const MemberService& members, RefillPolicy refill_policy, PrescriptionPolicy rx_policy)
      : store_(store), vault_(vault), clock_(clock), zone_(zone), members_(members),
        refill_policy_(refill_policy), rx_policy_(rx_policy) {}

  // Pharmacist. Refusals: the domain's validation codes, not_found (member).
  Result<PrescriptionRecord> Create(const Caller& caller, const std::string& member_id,
                                    const NewPrescriptionInput& input, const CommitHook<PrescriptionRecord>& on_commit);
  Result<PrescriptionRecord> Get(const Caller& caller, const std::string& rx_number);
  Result<Page<PrescriptionRecord>> ListForMember(const Caller& caller, const std::string& member_id, int limit,
                                                 const std::string& cursor);
  // Records a dispensed fill (also a historical one). Refused with the eligibility
  // code as of the fill date unless an override reason is given.
  Result<FillResult> RecordFill(const Caller& caller, const std::string& rx_number, const FillInput& input,
                                const CommitHook<FillResult>& on_commit);
  Result<std::vector<FillRecord>> Fills(const Caller& caller, const std::string& rx_number);
  // Eligibility as of today in the operator's time zone.
  Result<RefillEligibility> Eligibility(const Caller& caller, const std::string& rx_number);

  // Create inside another service's transaction (a transfer completed, a faxed
  // prescription approved): validates as of `now`, assigns the Rx number, inserts,
  // runs the on_created hook and appends the prescription.create audit entry.
  // Refusals: those of Create.
  Result<PrescriptionRecord> CreateIn(WriteContext& w, const Caller& caller, const std::string& member_id,
                                      const NewPrescriptionInput& input, Instant now) const;

  // Unaudited building blocks for other services (they audit their own use).
  static Result<std::optional<PrescriptionRecord>> Load(Connection& conn, const std::string& rx_number);
  static Result<std::optional<LastFill>> LastFillOnOrBefore(Connection& conn, const std::string& rx_number, Date day);
  const RefillPolicy& refill_policy() const { return refill_policy_; }
  // Set once at wiring, before any request. FillRecorded runs on_filled for a fill
  // another service wrote in `conn`'s transaction (an order's fill); OK without hooks.
  void SetHooks(PrescriptionHooks hooks) { hooks_ = std::move(hooks); }
  Status FillRecorded(Connection& conn, const PrescriptionRecord& rx, const FillRecord& fill) const {
    return hooks_.on_filled ? hooks_.on_filled(conn, rx, fill) : OkStatus();
  }

 private:
  // Loads the prescription and checks the caller may see it (members: their own).
  // `also`, if given, runs on the same read connection (one lease for the whole read).
  Result<PrescriptionRecord> LoadVisible(const Caller& caller, const std::string& rx_number, std::string_view action,
                                         const std::function<Status(Connection&)>& also = nullptr);

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  const Zone& zone_;
  const MemberService& members_;
  RefillPolicy refill_policy_;
  PrescriptionPolicy rx_policy_;
  PrescriptionHooks hooks_;
};

}  // namespace rxdesk
