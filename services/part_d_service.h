// Medicare Part D for one member (PRODUCT.md §5): what a drug would cost them at
// their year-to-date position, and the monthly Explanation of Benefits built from
// the priced fills (table fill_costs, written with each fill by the benefits code).
//
//   PartDService part_d(store, members, clock, zone, config.part_d);
//   RXD_ASSIGN_OR_RETURN(MemberPartDEstimate e, part_d.EstimateForMember(caller, member_id,
//       {.drug_cost = Cents::FromDollars(100), .days_supply = 30}));
//   RXD_ASSIGN_OR_RETURN(EobStatement s, part_d.Statement(caller, member_id, {2026y / std::chrono::March}));
//   RXD_ASSIGN_OR_RETURN(std::string pdf, RenderEobPdf(s));   // services/eob_pdf.h
//
// The pricing rules are domain/part_d.h's; this class reads the member's position
// and hands it over. Every call reads PHI and is audited (a refusal as "denied");
// an agent needs a verified contact for the member (services/contact_gate.h).
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/part_d.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/eob_pdf.h"
#include "services/member_service.h"
#include "services/prescription_service.h"  // Page<T>
#include "store/store.h"

namespace rxdesk {

namespace part_d_error {
// 422: the member's plan is not a Medicare Part D plan (no Part D position to price from).
inline constexpr std::string_view kNoPartDPlan = "no_part_d_plan";
// 404: an EOB for a month that has not started yet.
inline constexpr std::string_view kMonthInFuture = "month_in_future";
}  // namespace part_d_error

// [part_d.<year>] (docs/configuration.md): the benefit years rxdesk knows. Only
// offered years price an estimate or show Part D progress on an EOB; a year's
// figures are set before it is offered (CMS publishes them each April).
struct PartDYearConfig {
  PartDParameters parameters;
  bool offered = true;
};

struct PartDConfig {
  // 2025 and 2026 as CMS announced them; 2027 holds 2026's figures, not offered.
  std::vector<PartDYearConfig> years = DefaultYears();

  // The offered years' parameters, for domain/part_d.h.
  std::vector<PartDParameters> Offered() const;
  static std::vector<PartDYearConfig> DefaultYears();
};

// Checks every year, offered or not (ValidatePartDParameters; field "part_d.<year>.<key>").
Status ValidatePartDConfig(const PartDConfig& config);

// POST /v1/members/{id}/part-d/estimate: the fill to price; the rest is the member's.
struct MemberPartDQuery {
  Cents drug_cost{};
  std::int64_t days_supply = 0;
  bool generic = false;
  bool insulin = false;
};

struct MemberPartDEstimate {
  std::int64_t year = 0;      // the operator's current calendar year
  Cents ytd_out_of_pocket{};  // TrOOP before this fill
  LowIncomeSubsidy lis = LowIncomeSubsidy::kNone;
  PartDEstimate estimate;
};

// One month of the EOB list: GET /v1/members/{id}/eob.
struct EobMonthSummary {
  std::chrono::year_month month;
  std::int64_t fills = 0;
  Cents drug_cost{};
  Cents plan_paid{};
  Cents member_paid{};
};

class PartDService {
 public:
  PartDService(Store& store, const MemberService& members, const Clock& clock, const Zone& zone,
               const PartDConfig& config)
      : store_(store), members_(members), clock_(clock), zone_(zone), offered_(config.Offered()) {}

  // The offered years, for POST /v1/part-d/estimate (no member involved, nothing read).
  std::span<const PartDParameters> offered() const { return offered_; }

  // Prices one fill at the member's position this year: TrOOP so far (the highest
  // year-to-date of their priced fills this year) and their LIS level.
  // Refusals: not_found (member, or another member's), verification_required
  // (agent without a verified contact), no_part_d_plan (422), unsupported_year
  // (422: this year not offered), invalid_request naming drug_cost_cents or days_supply.
  Result<MemberPartDEstimate> EstimateForMember(const Caller& caller, const std::string& member_id,
                                                const MemberPartDQuery& query);

  // The months with priced fills, newest first; `cursor` is the last month of the
  // previous page ("YYYY-MM"). Refusals: as above (ownership), invalid_request
  // naming cursor.
  Result<Page<EobMonthSummary>> ListMonths(const Caller& caller, const std::string& member_id, int limit,
                                           const std::string& cursor);

  // Everything the month's EOB shows; a month with no fills is a valid, empty
  // statement. Refusals: as above (ownership), month_in_future (404) for a month
  // after the operator's current one.
  Result<EobStatement> Statement(const Caller& caller, const std::string& member_id, std::chrono::year_month month);

 private:
  // Refuses (and audits as denied) a caller who may not see this member's records.
  Status CheckAccess(const Caller& caller, const std::string& member_id, const std::string& action) const;

  Store& store_;
  const MemberService& members_;
  const Clock& clock_;
  const Zone& zone_;
  const std::vector<PartDParameters> offered_;
};

// "YYYY-MM" (a month of years 1900–9999); nullopt for anything else.
std::optional<std::chrono::year_month> ParseYearMonth(std::string_view text);
std::string FormatYearMonth(std::chrono::year_month month);

}  // namespace rxdesk
