#include "services/part_d_service.h"

#include <algorithm>
#include <charconv>

#include "services/audit.h"

namespace rxdesk {
namespace {

constexpr std::string_view kPartDPlanKindName = "medicare_part_d";

// CMS CY 2025 Rate Announcement: the year before the 2026 defaults of PRODUCT.md §5.
PartDParameters Parameters2025() {
  PartDParameters p;
  p.year = 2025;
  p.deductible = Cents::FromDollars(590);
  p.out_of_pocket_threshold = Cents::FromDollars(2000);
  p.lis_generic_copay = Cents::FromDollars(4, 90);
  p.lis_brand_copay = Cents::FromDollars(12, 15);
  return p;
}

// What the service reads about a member besides the statement's rows.
struct BenefitPosition {
  std::string plan_name;
  bool part_d_plan = false;
  LowIncomeSubsidy lis = LowIncomeSubsidy::kNone;
};

Result<BenefitPosition> ReadPosition(Connection& conn, const std::string& member_id, const std::string& plan_id) {
  BenefitPosition position;
  if (!plan_id.empty()) {
    RXD_ASSIGN_OR_RETURN(Rows plan, conn.Query("SELECT name, kind FROM plans WHERE id = ?", {Value(plan_id)}));
    if (!plan.empty()) {
      position.plan_name = plan[0].Text(0);
      position.part_d_plan = plan[0].Text(1) == kPartDPlanKindName;
    }
  }
  RXD_ASSIGN_OR_RETURN(Rows lis, conn.Query("SELECT lis FROM member_benefits WHERE member_id = ?", {Value(member_id)}));
  if (!lis.empty()) position.lis = ParseLowIncomeSubsidy(lis[0].Text(0)).value_or(LowIncomeSubsidy::kNone);
  return position;
}

Date FirstDay(std::chrono::year_month m) { return Date{m / std::chrono::day{1}}; }
Date LastDay(std::chrono::year_month m) { return Date{m / std::chrono::last}; }

std::chrono::year_month MonthOf(Date d) {
  const std::chrono::year_month_day ymd{d};
  return ymd.year() / ymd.month();
}

// The benefit phase a TrOOP stands in (as domain/part_d.h names them).
PartDPhase PhaseAt(Cents troop, Cents deductible, Cents threshold) {
  if (troop >= threshold) return PartDPhase::kCatastrophic;
  if (troop < deductible) return PartDPhase::kDeductible;
  return PartDPhase::kInitial;
}

}  // namespace

std::vector<PartDYearConfig> PartDConfig::DefaultYears() {
  PartDParameters next;  // 2026's figures until the operator sets 2027's
  next.year = 2027;
  return {{Parameters2025(), true}, {PartDParameters{}, true}, {next, false}};
}

std::vector<PartDParameters> PartDConfig::Offered() const {
  std::vector<PartDParameters> offered;
  for (const PartDYearConfig& y : years) {
    if (y.offered) offered.push_back(y.parameters);
  }
  return offered;
}

Status ValidatePartDConfig(const PartDConfig& config) {
  for (std::size_t i = 0; i < config.years.size(); ++i) {
    RXD_TRY(ValidatePartDParameters(config.years[i].parameters));
    for (std::size_t j = 0; j < i; ++j) {
      if (config.years[j].parameters.year == config.years[i].parameters.year) {
        return InvalidField("part_d." + std::to_string(config.years[i].parameters.year), "is configured twice");
      }
    }
  }
  return OkStatus();
}

std::optional<std::chrono::year_month> ParseYearMonth(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int year = 0;
  unsigned month = 0;
  const auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(text.substr(0, 4)) || !digits(text.substr(5, 2))) return std::nullopt;
  std::from_chars(text.data(), text.data() + 4, year);
  std::from_chars(text.data() + 5, text.data() + 7, month);
  if (year < 1900 || month < 1 || month > 12) return std::nullopt;
  return std::chrono::year{year} / std::chrono::month{month};
}

std::string FormatYearMonth(std::chrono::year_month month) { return FormatDate(FirstDay(month)).substr(0, 7); }

Status PartDService::CheckAccess(const Caller& caller, const std::string& member_id, const std::string& action) const {
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), action, "member", member_id, member_id, "denied")));
    return NotVisible(own.error(), "no such member");
  }
  return OkStatus();
}

Result<MemberPartDEstimate> PartDService::EstimateForMember(const Caller& caller, const std::string& member_id,
                                                            const MemberPartDQuery& query) {
  RXD_TRY(CheckAccess(caller, member_id, "part_d.estimate"));
  const Instant now = clock_.Now();
  MemberPartDEstimate out;
  out.year = static_cast<int>(std::chrono::year_month_day{zone_.LocalDate(now)}.year());
  BenefitPosition position;
  Status read = store_.Read([&](Connection& c) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<Member> member, members_.Load(c, member_id));
    if (!member) return MakeError("not_found", "no such member");
    RXD_ASSIGN_OR_RETURN(position, ReadPosition(c, member_id, member->plan_id));
    // TrOOP only grows within a year, so the highest recorded is the latest.
    RXD_ASSIGN_OR_RETURN(Rows ytd, c.Query("SELECT MAX(ytd_out_of_pocket_after_cents) FROM fill_costs WHERE "
                                           "member_id = ? AND benefit_year = ? AND phase_after IS NOT NULL",
                                           {Value(member_id), Value(out.year)}));
    if (!ytd.empty() && !ytd[0].IsNull(0)) out.ytd_out_of_pocket = Cents(ytd[0].Int(0));
    return OkStatus();
  });
  RXD_TRY(read);
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "part_d.estimate", "member", member_id, member_id)));
  if (!position.part_d_plan) {
    return MakeError(std::string(part_d_error::kNoPartDPlan), "the member's plan is not a Medicare Part D plan");
  }
  out.lis = position.lis;
  PartDInput input{.year = out.year,
                   .ytd_out_of_pocket = out.ytd_out_of_pocket,
                   .drug_cost = query.drug_cost,
                   .days_supply = query.days_supply,
                   .generic = query.generic,
                   .insulin = query.insulin,
                   .lis = position.lis};
  RXD_ASSIGN_OR_RETURN(PartDParameters parameters, FindPartDParameters(offered_, out.year));
  // Nobody pays past the threshold; a stored position beyond it is held at it.
  out.ytd_out_of_pocket = Min(out.ytd_out_of_pocket, parameters.out_of_pocket_threshold);
  input.ytd_out_of_pocket = out.ytd_out_of_pocket;
  RXD_ASSIGN_OR_RETURN(out.estimate, EstimatePartD(input, parameters));
  return out;
}

Result<Page<EobMonthSummary>> PartDService::ListMonths(const Caller& caller, const std::string& member_id, int limit,
                                                       const std::string& cursor) {
  std::optional<std::chrono::year_month> before;
  if (!cursor.empty()) {
    before = ParseYearMonth(cursor);
    if (!before) return InvalidField("cursor", "is not a cursor of this list");
  }
  RXD_TRY(CheckAccess(caller, member_id, "eob.list"));
  Page<EobMonthSummary> page;
  Status read = store_.Read([&](Connection& c) -> Status {
    RXD_ASSIGN_OR_RETURN(bool exists, MemberService::Exists(c, member_id));
    if (!exists) return MakeError("not_found", "no such member");
    std::vector<Value> params = {Value(member_id)};
    std::string sql =
        "SELECT substr(fill_date, 1, 7), COUNT(*), CAST(SUM(drug_cost_cents) AS BIGINT), "
        "CAST(SUM(plan_paid_cents) AS BIGINT), CAST(SUM(member_paid_cents) AS BIGINT) FROM fill_costs "
        "WHERE member_id = ?";
    if (before) {
      sql += " AND fill_date < ?";
      params.emplace_back(FormatDate(FirstDay(*before)));
    }
    sql += " GROUP BY substr(fill_date, 1, 7) ORDER BY 1 DESC LIMIT ?";
    params.emplace_back(static_cast<std::int64_t>(limit) + 1);
    RXD_ASSIGN_OR_RETURN(Rows rows, c.Query(sql, params));
    for (const Row& r : rows) {
      const std::optional<std::chrono::year_month> month = ParseYearMonth(r.Text(0));
      if (!month) return MakeError("store_error", "a priced fill has a malformed date");
      page.items.push_back({.month = *month,
                            .fills = r.Int(1),
                            .drug_cost = Cents(r.Int(2)),
                            .plan_paid = Cents(r.Int(3)),
                            .member_paid = Cents(r.Int(4))});
    }
    return OkStatus();
  });
  RXD_TRY(read);
  if (page.items.size() > static_cast<std::size_t>(limit)) {
    page.items.resize(static_cast<std::size_t>(limit));
    page.next_cursor = FormatYearMonth(page.items.back().month);
  }
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "eob.list", "member", member_id, member_id)));
  return page;
}

Result<EobStatement> PartDService::Statement(const Caller& caller, const std::string& member_id,
                                             std::chrono::year_month month) {
  RXD_TRY(CheckAccess(caller, member_id, "eob.read"));
  const Instant now = clock_.Now();
  const Date today = zone_.LocalDate(now);
  if (month > MonthOf(today)) {
    return MakeError(std::string(part_d_error::kMonthInFuture), "that month has not started yet", "month");
  }
  const int year = static_cast<int>(month.year());
  const Date month_start = FirstDay(month);
  EobStatement s;
  s.member_id = member_id;
  s.month = month;
  s.issued_on = today;
  BenefitPosition position;
  bool any_part_d_row = false;
  Cents troop{};
  Status read = store_.Read([&](Connection& c) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<Member> member, members_.Load(c, member_id));
    if (!member) return MakeError("not_found", "no such member");
    s.member_name = member->first_name + " " + member->last_name;
    s.member_number = member->member_number;
    RXD_ASSIGN_OR_RETURN(position, ReadPosition(c, member_id, member->plan_id));
    s.plan_name = position.plan_name;
    RXD_ASSIGN_OR_RETURN(
        Rows rows,
        c.Query(
            "SELECT fc.fill_date, fc.drug_cost_cents, fc.plan_paid_cents, fc.member_paid_cents, "
            "fc.ytd_out_of_pocket_after_cents, fc.phase_after, f.rx_number, p.drug_name, p.strength "
            "FROM fill_costs fc JOIN fills f ON f.id = fc.fill_id JOIN prescriptions p ON p.rx_number = f.rx_number "
            "WHERE fc.member_id = ? AND fc.benefit_year = ? AND fc.fill_date <= ? "
            "ORDER BY fc.fill_date, fc.created_at, fc.fill_id",
            {Value(member_id), Value(year), Value(FormatDate(LastDay(month)))}));
    for (const Row& r : rows) {
      RXD_ASSIGN_OR_RETURN(Date fill_date, ParseDate(r.Text(0)));
      const Cents cost(r.Int(1)), plan(r.Int(2)), paid(r.Int(3));
      s.year_to_date.fills += 1;
      s.year_to_date.drug_cost += cost;
      s.year_to_date.plan_paid += plan;
      s.year_to_date.member_paid += paid;
      if (!r.IsNull(5)) {
        any_part_d_row = true;
        troop = Max(troop, Cents(r.Int(4)));
      }
      if (fill_date < month_start) continue;
      std::string drug = r.Text(7);
      if (!r.IsNull(8) && !r.Text(8).empty()) drug += " " + r.Text(8);
      s.lines.push_back({.fill_date = fill_date,
                         .drug = std::move(drug),
                         .rx_number = r.Text(6),
                         .drug_cost = cost,
                         .plan_paid = plan,
                         .member_paid = paid});
      s.month_totals.fills += 1;
      s.month_totals.drug_cost += cost;
      s.month_totals.plan_paid += plan;
      s.month_totals.member_paid += paid;
    }
    return OkStatus();
  });
  RXD_TRY(read);
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "eob.read", "member", member_id, member_id)));

  // Part D progress where the member is (or was this year) in Part D and the year is offered.
  const auto parameters =
      std::find_if(offered_.begin(), offered_.end(), [&](const PartDParameters& p) { return p.year == year; });
  if ((position.part_d_plan || any_part_d_row) && parameters != offered_.end()) {
    EobPartDProgress progress;
    progress.year = year;
    progress.low_income_subsidy = position.lis == LowIncomeSubsidy::kFull;
    progress.deductible = progress.low_income_subsidy ? Cents{0} : parameters->deductible;
    progress.out_of_pocket_threshold = parameters->out_of_pocket_threshold;
    progress.out_of_pocket = troop;
    progress.phase = PhaseAt(troop, progress.deductible, progress.out_of_pocket_threshold);
    s.part_d = progress;
  }
  return s;
}

}  // namespace rxdesk
