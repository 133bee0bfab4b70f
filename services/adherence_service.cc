#include "services/adherence_service.h"

#include <array>
#include <charconv>
#include <unordered_map>

#include "services/audit.h"
#include "services/contact_gate.h"

namespace rxdesk {
namespace {

constexpr char kEntrySeparator = '\x1e';
constexpr char kFieldSeparator = '\x1f';
constexpr int kScanChunk = 2000;  // members per read while filling a page

struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Classifies each distinct drug name once per scan.
class DrugCache {
 public:
  explicit DrugCache(const AdherenceClassifier& classifier) : classifier_(classifier) {}
  const std::optional<ClassifiedDrug>& Classify(std::string_view name) {
    if (auto it = cache_.find(name); it != cache_.end()) return it->second;
    return cache_.emplace(std::string(name), classifier_.Classify(name)).first->second;
  }

 private:
  const AdherenceClassifier& classifier_;
  std::unordered_map<std::string, std::optional<ClassifiedDrug>, TransparentHash, std::equal_to<>> cache_;
};

// "YYYY-MM-DD" without allocating; nullopt for anything else.
std::optional<Date> FastDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int y = 0, m = 0, d = 0;
  if (std::from_chars(s.data(), s.data() + 4, y).ptr != s.data() + 4) return std::nullopt;
  if (std::from_chars(s.data() + 5, s.data() + 7, m).ptr != s.data() + 7) return std::nullopt;
  if (std::from_chars(s.data() + 8, s.data() + 10, d).ptr != s.data() + 10) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  return Date{std::chrono::sys_days{ymd}};
}

std::vector<ClassAdherence> Measure(std::string_view series, MeasurementPeriod period, DrugCache& drugs,
                                    const AdherencePolicy& policy, std::optional<AdherenceClass> only_class,
                                    std::array<std::vector<AdherenceFill>, kAdherenceClassCount>& by_class) {
  for (auto& fills : by_class) fills.clear();
  std::size_t pos = 0;
  while (pos <= series.size()) {
    std::size_t end = series.find(kEntrySeparator, pos);
    if (end == std::string_view::npos) end = series.size();
    const std::string_view entry = series.substr(pos, end - pos);
    pos = end + 1;
    const std::size_t f1 = entry.find(kFieldSeparator);
    if (f1 == std::string_view::npos) continue;
    const std::size_t f2 = entry.find(kFieldSeparator, f1 + 1);
    if (f2 == std::string_view::npos) continue;
    const std::optional<ClassifiedDrug>& drug = drugs.Classify(entry.substr(0, f1));
    if (!drug || (only_class && drug->drug_class != *only_class)) continue;
    const std::optional<Date> date = FastDate(entry.substr(f1 + 1, f2 - f1 - 1));
    int days = 0;
    const std::string_view days_text = entry.substr(f2 + 1);
    const auto parsed = std::from_chars(days_text.data(), days_text.data() + days_text.size(), days);
    if (!date || parsed.ptr != days_text.data() + days_text.size() || days < 1 || days > policy.max_days_supply) {
      continue;
    }
    by_class[static_cast<std::size_t>(drug->drug_class)].push_back({*date, days, drug->ingredient_id});
  }
  std::vector<ClassAdherence> out;
  for (std::size_t c = 0; c < by_class.size(); ++c) {
    if (by_class[c].empty()) continue;
    Result<PdcMeasure> pdc = ComputePdc(period, by_class[c], policy);
    if (!pdc.ok() || pdc->fills_in_period == 0) continue;
    out.push_back({static_cast<AdherenceClass>(c), *pdc, AssessAdherenceRisk(*pdc, period.last, policy)});
  }
  return out;
}

bool Keeps(const ClassAdherence& a, AtRiskFilter filter) {
  const RiskReason r = a.risk.reason;
  switch (filter) {
    case AtRiskFilter::kAny:
      return r != RiskReason::kNone;
    case AtRiskFilter::kLateRefill:
      return r == RiskReason::kLateRefill || r == RiskReason::kLateRefillAndLowPdc;
    case AtRiskFilter::kLowPdc:
      return r == RiskReason::kLowPdc || r == RiskReason::kLateRefillAndLowPdc;
  }
  return false;
}

std::string CursorOf(const AtRiskEntry& e) { return e.member_id + "~" + std::string(ToString(e.adherence.drug_class)); }

}  // namespace

std::string_view ToString(RiskReason reason) {
  switch (reason) {
    case RiskReason::kNone:
      return "none";
    case RiskReason::kLateRefill:
      return "late_refill";
    case RiskReason::kLowPdc:
      return "low_pdc";
    case RiskReason::kLateRefillAndLowPdc:
      return "late_refill_and_low_pdc";
  }
  return "none";
}

std::vector<ClassAdherence> MeasureSeries(std::string_view series, MeasurementPeriod period,
                                          const AdherenceClassifier& classifier, const AdherencePolicy& policy,
                                          std::optional<AdherenceClass> only_class) {
  DrugCache drugs(classifier);
  std::array<std::vector<AdherenceFill>, kAdherenceClassCount> scratch;
  return Measure(series, period, drugs, policy, only_class, scratch);
}

Result<MeasurementPeriod> AdherenceService::PeriodOf(std::optional<Date> from, std::optional<Date> to) const {
  const Date today = zone_.LocalDate(clock_.Now());
  const Date last = to.value_or(today);
  if (last > today) return InvalidField("to", "must not be after today");
  const Date first = from.value_or(last - Days{policy_.default_period_days - 1});
  if (first > last) return InvalidField("from", "must not be after to");
  if (DaysBetween(first, last) + 1 > policy_.max_period_days) {
    return InvalidField("from", "the period may be at most " + std::to_string(policy_.max_period_days) + " days");
  }
  return MeasurementPeriod{first, last};
}

Result<MemberAdherence> AdherenceService::ForMember(const Caller& caller, const std::string& member_id,
                                                    std::optional<Date> from, std::optional<Date> to) {
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(MeasurementPeriod period, PeriodOf(from, to));
  // Members see their own record only; agents need a verified contact for this member.
  Result<std::string> series = store_.Read([&](Connection& c) -> Result<std::string> {
    if (caller.principal.role == Role::kMember && caller.principal.member_id != member_id) {
      return MakeError("not_found", "no such member");
    }
    RXD_TRY(CheckContactGate(c, caller, member_id));
    RXD_ASSIGN_OR_RETURN(bool exists, MemberService::Exists(c, member_id));
    if (!exists) return MakeError("not_found", "no such member");
    RXD_ASSIGN_OR_RETURN(Rows rows,
                         c.Query("SELECT series FROM adherence_series WHERE member_id = ?", {Value(member_id)}));
    return rows.empty() ? std::string() : rows[0].Text(0);
  });
  if (!series.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "adherence.read", "member", member_id, member_id, "denied")));
    return std::move(series).error();
  }
  MemberAdherence out;
  out.member_id = member_id;
  out.period = period;
  out.classes = MeasureSeries(*series, period, classifier_, policy_.pdc);
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "adherence.read", "member", member_id, member_id)));
  return out;
}

Result<Page<AtRiskEntry>> AdherenceService::AtRisk(const Caller& caller, const AtRiskQuery& query) {
  if (caller.principal.role != Role::kPharmacist && caller.principal.role != Role::kSupervisor) {
    return MakeError("forbidden", "the at-risk list is for pharmacists and supervisors");
  }
  RXD_ASSIGN_OR_RETURN(MeasurementPeriod period, PeriodOf(query.from, query.to));
  // The cursor is "<member id>~<class>": resume after that class of that member.
  std::string after_member;
  int after_class = -1;
  if (!query.cursor.empty()) {
    const std::size_t tilde = query.cursor.rfind('~');
    const auto c = tilde == std::string::npos ? std::nullopt : ParseAdherenceClass(query.cursor.substr(tilde + 1));
    if (!c || tilde == 0) return InvalidField("cursor", "is not a cursor this API gave out");
    after_member = query.cursor.substr(0, tilde);
    after_class = static_cast<int>(*c);
  }
  DrugCache drugs(classifier_);
  std::array<std::vector<AdherenceFill>, kAdherenceClassCount> scratch;
  Page<AtRiskEntry> page;
  std::string next_member = after_member;
  bool first_chunk = true;
  bool more = true;
  while (more && static_cast<int>(page.items.size()) <= query.limit) {
    RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
      return c.Query(std::string("SELECT member_id, series FROM adherence_series WHERE member_id ") +
                         (first_chunk && !after_member.empty() ? ">=" : ">") + " ? ORDER BY member_id LIMIT ?",
                     {Value(next_member), Value(kScanChunk)});
    }));
    first_chunk = false;
    more = static_cast<int>(rows.size()) == kScanChunk;
    for (const Row& r : rows) {
      const std::string& member = r.Text(0);
      next_member = member;
      for (ClassAdherence& a : Measure(r.Text(1), period, drugs, policy_.pdc, query.drug_class, scratch)) {
        if (member == after_member && static_cast<int>(a.drug_class) <= after_class) continue;
        if (!Keeps(a, query.reason)) continue;
        page.items.push_back({member, a});
      }
      if (static_cast<int>(page.items.size()) > query.limit) break;
    }
  }
  if (static_cast<int>(page.items.size()) > query.limit) {
    page.items.resize(static_cast<std::size_t>(query.limit));
    page.next_cursor = CursorOf(page.items.back());
  }
  const Instant now = clock_.Now();
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(w.audit.Append(
        w.conn, MakeAudit(caller, now, "adherence.at_risk", "member_batch", std::to_string(page.items.size()), "")));
    std::string last;
    for (const AtRiskEntry& e : page.items) {
      if (e.member_id == last) continue;
      last = e.member_id;
      RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "adherence.at_risk", "member", e.member_id, e.member_id)));
    }
    return OkStatus();
  }));
  return page;
}

}  // namespace rxdesk
