// Adherence (PRODUCT.md §6): proportion of days covered per member and drug
// class over a measurement period (domain ComputePdc, PQA method), and the
// at-risk list for outreach (domain AssessAdherenceRisk: PDC under 80% or a
// late refill).
//
//   AdherenceService adherence(store, clock, zone, policy);
//   RXD_ASSIGN_OR_RETURN(MemberAdherence a, adherence.ForMember(caller, member_id, std::nullopt, std::nullopt));
//   for (const ClassAdherence& c : a.classes) Show(ToString(c.drug_class), c.pdc.Fraction());
//   RXD_ASSIGN_OR_RETURN(Page<AtRiskEntry> page, adherence.AtRisk(caller, {.limit = 50}));
//
// Fills come from adherence_series (store migration 15): one row per member
// with every fill, kept by a trigger on fills, so the at-risk list reads one
// short row per member in member-id order and stops once a page is full. A
// drug counts in a class when domain/adherence_classes.h classifies its name;
// other fills are not measured. "Today" for the late-refill signal is the
// period's last day, which may not be after the operator's today.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/adherence.h"
#include "domain/adherence_classes.h"
#include "domain/clock.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/member_service.h"
#include "services/prescription_service.h"
#include "store/store.h"

namespace rxdesk {

struct AdherenceServicePolicy {
  AdherencePolicy pdc;            // threshold 80% and late-refill grace 7 days (config)
  int default_period_days = 365;  // (config) a period ending today, when `from` is not given
  int max_period_days = 731;      // a bound on one query, not a PQA rule
};

struct ClassAdherence {
  AdherenceClass drug_class = AdherenceClass::kStatins;
  PdcMeasure pdc;
  AdherenceRisk risk;
};

struct MemberAdherence {
  std::string member_id;
  MeasurementPeriod period{};
  std::vector<ClassAdherence> classes;  // classes with a fill in the period, in enum order
};

// Which at-risk entries a list keeps: reason `late_refill` keeps late refills
// (with or without a low PDC), `low_pdc` keeps low PDCs (with or without a late refill).
enum class AtRiskFilter { kAny, kLateRefill, kLowPdc };

struct AtRiskQuery {
  std::optional<Date> from;  // default: to − (default_period_days − 1)
  std::optional<Date> to;    // default: today; never after today
  std::optional<AdherenceClass> drug_class;
  AtRiskFilter reason = AtRiskFilter::kAny;
  int limit = 50;
  std::string cursor;  // next_cursor of the previous page
};

struct AtRiskEntry {
  std::string member_id;
  ClassAdherence adherence;
};

// "late_refill", "low_pdc", "late_refill_and_low_pdc" ("none" for kNone).
std::string_view ToString(RiskReason reason);

// Parses one member's series (adherence_series.series) and measures every class
// over `period`. Entries that are malformed, or whose days supply is outside
// 1..policy.max_days_supply, are skipped. Pure: exposed for tests and benchmarks.
std::vector<ClassAdherence> MeasureSeries(std::string_view series, MeasurementPeriod period,
                                          const AdherenceClassifier& classifier, const AdherencePolicy& policy,
                                          std::optional<AdherenceClass> only_class = std::nullopt);

class AdherenceService {
 public:
  AdherenceService(Store& store, const Clock& clock, const Zone& zone, AdherenceServicePolicy policy = {})
      : store_(store), clock_(clock), zone_(zone), policy_(policy) {}

  // One member's PDC per class (members: their own; agents: in a verified
  // contact). Audited. Refusals: not_found, verification_required,
  // invalid_request on "from"/"to".
  Result<MemberAdherence> ForMember(const Caller& caller, const std::string& member_id, std::optional<Date> from,
                                    std::optional<Date> to);

  // The outreach list in member-id order (each member's classes in enum order),
  // paged. Every listed member is audited in one transaction (a bulk read).
  // Refusals: forbidden (not a pharmacist or supervisor), invalid_request on
  // "from", "to" or "cursor".
  Result<Page<AtRiskEntry>> AtRisk(const Caller& caller, const AtRiskQuery& query);

  const AdherenceServicePolicy& policy() const { return policy_; }

 private:
  Result<MeasurementPeriod> PeriodOf(std::optional<Date> from, std::optional<Date> to) const;

  Store& store_;
  const Clock& clock_;
  const Zone& zone_;
  AdherenceServicePolicy policy_;
  const AdherenceClassifier classifier_;
};

}  // namespace rxdesk
