// Part D at a member's position and the monthly EOB, on a real migrated store
// (SQLite, and PostgreSQL where its binaries are installed) with a manual clock.
// Priced fills are written straight into fill_costs, as the benefits code writes
// them with each fill; the PDF's text is read back with pdftotext.
#include "services/part_d_service.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include <fstream>

#include "infra/ids.h"
#include "services/contact_service.h"
#include "services/eob_pdf.h"
#include "tests/support/service_env.h"

namespace rxdesk {
namespace {

using namespace std::chrono_literals;
using testing::RunCommand;
using testing::TempDir;
using testing::TestPostgres;

// Mid-afternoon in Chicago on Monday 2026-06-15.
Instant At(const char* text) { return *ParseInstant(text); }

// The text pdftotext finds in a PDF (layout kept, so a row stays on one line).
std::string PdfText(const std::string& pdf, const std::string& dir) {
  const std::string path = dir + "/eob-" + NewId() + ".pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  const testing::CommandResult r = RunCommand({"/usr/bin/pdftotext", "-layout", "-enc", "UTF-8", path, "-"});
  EXPECT_EQ(r.exit_code, 0) << "pdftotext (poppler-utils) failed: " << r.err;
  return r.out;
}

// How many times `needle` occurs in `text`.
int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

class PartDServiceTest : public ::testing::TestWithParam<Dialect>, protected testing::ServiceEnv {
 protected:
  PartDServiceTest() : ServiceEnv(At("2026-06-15T20:00:00Z")) {}

  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    ASSERT_TRUE(OpenServiceEnv(GetParam(), "partd"));
    contacts_ = std::make_unique<ContactService>(*store_, *members_, clock_, zone_, VerificationPolicy{});
    part_d_ = std::make_unique<PartDService>(*store_, *members_, clock_, zone_, PartDConfig{});
    Exec(
        "INSERT INTO plans(id, name, kind) VALUES ('pd', 'Medicare Part D 2026', 'medicare_part_d'), "
        "('cm', 'Commercial 2026', 'commercial')");
    agent_ = AddUser("agent");
    maria_ = AddMember("María José", "Núñez Peña", "pd");
    other_ = AddMember("Robert", "Smith", "pd");
    rx_ = AddPrescription(maria_, "atorvastatin", "20 mg");
    insulin_rx_ = AddPrescription(maria_, "insulin glargine", "100 units/mL");
  }

  std::int64_t CountRows(const std::string& sql, std::vector<Value> params = {}) {
    auto rows = store_->Read([&](Connection& c) { return c.Query(sql, params); });
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? rows->at(0).Int(0) : -1;
  }

  Caller MemberCaller(const std::string& member_id) { return CallerFor("u-" + member_id, Role::kMember, member_id); }

  std::string AddMember(const std::string& first, const std::string& last, const std::string& plan) {
    const Member m = AddPlanMember(first, last, plan);
    member_numbers_[m.id] = m.member_number;
    return m.id;
  }

  std::string AddPrescription(const std::string& member, const std::string& drug, const std::string& strength) {
    const std::string rx = std::to_string(10000000 + (++rx_serial_));
    Exec(
        "INSERT INTO prescriptions(rx_number, member_id, ndc, drug_name, strength, form, schedule, quantity_milli, "
        "days_supply, refills_authorized, refills_remaining, written_date, prescriber_npi, prescriber_name, daw, "
        "status, created_at, updated_at) VALUES (?, ?, '00093714656', ?, ?, 'tablet', 'none', 30000, 30, 11, 11, "
        "'2026-01-01', '1245319599', 'Dr. Quinn', 0, 'active', 't', 't')",
        {Value(rx), Value(member), Value(drug), Value(strength)});
    return rx;
  }

  // One priced fill as the benefits code records it (Part D when `phase` is given).
  void AddFillCost(const std::string& member, const std::string& rx, const char* date, std::int64_t cost,
                   std::int64_t member_paid, std::int64_t ytd_after, const char* phase = "initial") {
    const std::string fill = NewId();
    Exec(
        "INSERT INTO fills(id, rx_number, fill_date, quantity_milli, days_supply, is_refill, created_by, created_at) "
        "VALUES (?, ?, ?, 30000, 30, 1, 'test', 't')",
        {Value(fill), Value(rx), Value(date)});
    Exec(
        "INSERT INTO fill_costs(fill_id, member_id, plan_id, benefit_year, fill_date, drug_cost_cents, "
        "plan_paid_cents, member_paid_cents, ytd_out_of_pocket_after_cents, phase_after, created_at) VALUES "
        "(?, ?, 'pd', ?, ?, ?, ?, ?, ?, ?, ?)",
        {Value(fill), Value(member), Value(std::stoi(std::string(date).substr(0, 4))), Value(date), Value(cost),
         Value(cost - member_paid), Value(member_paid), Value(ytd_after), phase ? Value(phase) : Value(),
         Value(FormatInstant(clock_.Now()))});
  }

  void SetLis(const std::string& member, const char* lis) {
    Exec("INSERT INTO member_benefits(member_id, lis, updated_at) VALUES (?, ?, 't')", {Value(member), Value(lis)});
  }

  // A call of agent_ in which `member` was verified.
  Caller AgentInContactWith(const std::string& member) {
    Caller agent = CallerFor(agent_, Role::kAgent);
    auto c = contacts_->Open(agent, "call", std::nullopt, nullptr);
    EXPECT_TRUE(c.ok());
    Exec("UPDATE contacts SET member_id = ?, verification = 'verified' WHERE id = ?", {Value(member), Value(c->id)});
    agent.contact_id = c->id;
    return agent;
  }

  std::int64_t Audits(const std::string& action, const std::string& outcome) {
    return CountRows("SELECT COUNT(*) FROM audit_log WHERE action = ? AND outcome = ?",
                     {Value(action), Value(outcome)});
  }

  std::unique_ptr<ContactService> contacts_;
  std::unique_ptr<PartDService> part_d_;
  std::map<std::string, std::string> member_numbers_;
  std::string agent_, maria_, other_, rx_, insulin_rx_;
  int rx_serial_ = 0;
};

// ---- the estimate at the member's position ----

TEST_P(PartDServiceTest, AMemberWithNoFillsThisYearStartsAtZeroInTheDeductible) {
  auto e = part_d_->EstimateForMember(MemberCaller(maria_), maria_, {.drug_cost = Cents(10000), .days_supply = 30});
  ASSERT_TRUE(e.ok()) << e.error().code;
  EXPECT_EQ(e->year, 2026);
  EXPECT_EQ(e->ytd_out_of_pocket, Cents(0));
  EXPECT_EQ(e->estimate.member_pays, Cents(10000));
  EXPECT_EQ(e->estimate.phase_after, PartDPhase::kDeductible);
  EXPECT_EQ(Audits("part_d.estimate", "ok"), 1);
}

TEST_P(PartDServiceTest, TheDeductibleIsCrossedWithinOneFillFromTheRecordedPosition) {
  AddFillCost(maria_, rx_, "2026-02-10", 30000, 30000, 30000, "deductible");
  AddFillCost(maria_, rx_, "2026-03-10", 30000, 30000, 60000, "deductible");
  // Last year's spending and another member's never count.
  AddFillCost(maria_, rx_, "2025-12-20", 150000, 150000, 150000, "initial");
  AddFillCost(other_, AddPrescription(other_, "lisinopril", "10 mg"), "2026-04-01", 90000, 90000, 90000);
  auto e = part_d_->EstimateForMember(MemberCaller(maria_), maria_, {.drug_cost = Cents(10000), .days_supply = 30});
  ASSERT_TRUE(e.ok()) << e.error().code;
  EXPECT_EQ(e->ytd_out_of_pocket, Cents(60000));
  // $15 finishes the $615 deductible, then 25% of $85 = $21.25.
  EXPECT_EQ(e->estimate.member_pays, Cents(3625));
  EXPECT_EQ(e->estimate.plan_pays, Cents(6375));
  EXPECT_EQ(e->estimate.ytd_out_of_pocket_after, Cents(63625));
  EXPECT_EQ(e->estimate.phase_after, PartDPhase::kInitial);
}

TEST_P(PartDServiceTest, TheCapIsReachedMidFillAndTheRestOfTheYearCostsNothing) {
  AddFillCost(maria_, rx_, "2026-05-01", 800000, 200000, 200000);
  auto e = part_d_->EstimateForMember(MemberCaller(maria_), maria_, {.drug_cost = Cents(100000), .days_supply = 30});
  ASSERT_TRUE(e.ok()) << e.error().code;
  EXPECT_EQ(e->estimate.member_pays, Cents(10000));  // $100 left to $2,100, not 25% of $1,000
  EXPECT_EQ(e->estimate.phase_after, PartDPhase::kCatastrophic);
  AddFillCost(maria_, rx_, "2026-06-01", 100000, 10000, 210000, "catastrophic");
  e = part_d_->EstimateForMember(MemberCaller(maria_), maria_, {.drug_cost = Cents(100000), .days_supply = 30});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->estimate.member_pays, Cents(0));
}

TEST_P(PartDServiceTest, AStoredPositionPastTheThresholdIsHeldAtIt) {
  AddFillCost(maria_, rx_, "2026-05-01", 900000, 250000, 250000);
  auto e = part_d_->EstimateForMember(MemberCaller(maria_), maria_, {.drug_cost = Cents(5000), .days_supply = 30});
  ASSERT_TRUE(e.ok()) << e.error().code;
  EXPECT_EQ(e->ytd_out_of_pocket, Cents(210000));
  EXPECT_EQ(e->estimate.member_pays, Cents(0));
}

TEST_P(PartDServiceTest, AFullLowIncomeSubsidyMemberPaysTheCopayFromTheirRecord) {
  SetLis(maria_, "full");
  auto brand = part_d_->EstimateForMember(MemberCaller(maria_), maria_, {.drug_cost = Cents(40000), .days_supply = 30});
  ASSERT_TRUE(brand.ok()) << brand.error().code;
  EXPECT_EQ(brand->lis, LowIncomeSubsidy::kFull);
  EXPECT_EQ(brand->estimate.member_pays, Cents(1265));
  auto generic = part_d_->EstimateForMember(MemberCaller(maria_), maria_,
                                            {.drug_cost = Cents(40000), .days_supply = 30, .generic = true});
  ASSERT_TRUE(generic.ok());
  EXPECT_EQ(generic->estimate.member_pays, Cents(510));
}

TEST_P(PartDServiceTest, InsulinSkipsTheDeductibleAndCostsAtMostThirtyFiveDollarsAMonth) {
  auto e = part_d_->EstimateForMember(MemberCaller(maria_), maria_,
                                      {.drug_cost = Cents(60000), .days_supply = 31, .insulin = true});
  ASSERT_TRUE(e.ok()) << e.error().code;
  EXPECT_EQ(e->estimate.member_pays, Cents(7000));  // 31 days are two started months
}

TEST_P(PartDServiceTest, AMemberOutsidePartDIsRefusedWithItsOwnCode) {
  const std::string commercial = AddMember("Ana", "Lopez", "cm");
  auto e =
      part_d_->EstimateForMember(MemberCaller(commercial), commercial, {.drug_cost = Cents(100), .days_supply = 30});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, part_d_error::kNoPartDPlan);
}

TEST_P(PartDServiceTest, AYearWithoutOfferedParametersIsUnsupported) {
  clock_.Set(At("2027-01-01T07:00:00Z"));  // 1 a.m. in Chicago: 2027, which ships not offered
  auto e = part_d_->EstimateForMember(MemberCaller(maria_), maria_, {.drug_cost = Cents(100), .days_supply = 30});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, part_d_error::kUnsupportedYear);
  clock_.Set(At("2027-01-01T05:59:59Z"));  // still New Year's Eve in Chicago
  EXPECT_TRUE(
      part_d_->EstimateForMember(MemberCaller(maria_), maria_, {.drug_cost = Cents(100), .days_supply = 30}).ok());
}

TEST_P(PartDServiceTest, TheFillIsCheckedByTheDomainAndNamesTheField) {
  auto e = part_d_->EstimateForMember(MemberCaller(maria_), maria_, {.drug_cost = Cents(100), .days_supply = 0});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().field, "days_supply");
  e = part_d_->EstimateForMember(MemberCaller(maria_), maria_, {.drug_cost = Cents(-1), .days_supply = 30});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().field, "drug_cost_cents");
}

TEST_P(PartDServiceTest, AnotherMemberLearnsNothingAndTheAttemptIsAudited) {
  auto e = part_d_->EstimateForMember(MemberCaller(other_), maria_, {.drug_cost = Cents(100), .days_supply = 30});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, "not_found");
  auto s = part_d_->Statement(MemberCaller(other_), maria_, 2026y / std::chrono::June);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "not_found");
  EXPECT_EQ(Audits("part_d.estimate", "denied"), 1);
  EXPECT_EQ(Audits("eob.read", "denied"), 1);
}

TEST_P(PartDServiceTest, AnAgentNeedsAContactInWhichTheMemberWasVerified) {
  auto refused = part_d_->Statement(CallerFor(agent_, Role::kAgent), maria_, 2026y / std::chrono::June);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "verification_required");
  // A contact verified for another member does not open this one's.
  auto wrong = part_d_->Statement(AgentInContactWith(other_), maria_, 2026y / std::chrono::June);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, "verification_required");
  EXPECT_TRUE(part_d_->Statement(AgentInContactWith(maria_), maria_, 2026y / std::chrono::June).ok());
}

// ---- the statement ----

TEST_P(PartDServiceTest, AStatementHoldsTheMonthsFillsAndTheYearToDateThroughItsLastDay) {
  AddFillCost(maria_, rx_, "2026-01-31", 70000, 61500, 61500, "initial");
  AddFillCost(maria_, rx_, "2026-03-01", 10000, 2500, 64000);
  AddFillCost(maria_, insulin_rx_, "2026-03-31", 60000, 3500, 67500);
  AddFillCost(maria_, rx_, "2026-04-01", 10000, 2500, 70000);  // after the month: in neither
  auto s = part_d_->Statement(MemberCaller(maria_), maria_, 2026y / std::chrono::March);
  ASSERT_TRUE(s.ok()) << s.error().code;
  EXPECT_EQ(s->member_name, "María José Núñez Peña");
  EXPECT_EQ(s->plan_name, "Medicare Part D 2026");
  ASSERT_EQ(s->lines.size(), 2u);
  EXPECT_EQ(s->lines[0].fill_date, MakeDate(2026, 3, 1));
  EXPECT_EQ(s->lines[0].drug, "atorvastatin 20 mg");
  EXPECT_EQ(s->lines[1].rx_number, insulin_rx_);
  EXPECT_EQ(s->month_totals, (EobTotals{2, Cents(70000), Cents(64000), Cents(6000)}));
  EXPECT_EQ(s->year_to_date, (EobTotals{3, Cents(140000), Cents(72500), Cents(67500)}));
  ASSERT_TRUE(s->part_d.has_value());
  EXPECT_EQ(s->part_d->out_of_pocket, Cents(67500));
  EXPECT_EQ(s->part_d->deductible, Cents(61500));
  EXPECT_EQ(s->part_d->out_of_pocket_threshold, Cents(210000));
  EXPECT_EQ(s->part_d->phase, PartDPhase::kInitial);
  EXPECT_EQ(Audits("eob.read", "ok"), 1);
}

TEST_P(PartDServiceTest, AMonthWithoutFillsIsAnEmptyStatementNotAnError) {
  AddFillCost(maria_, rx_, "2026-01-10", 10000, 10000, 10000, "deductible");
  auto s = part_d_->Statement(MemberCaller(maria_), maria_, 2026y / std::chrono::February);
  ASSERT_TRUE(s.ok()) << s.error().code;
  EXPECT_TRUE(s->lines.empty());
  EXPECT_EQ(s->month_totals, EobTotals{});
  EXPECT_EQ(s->year_to_date.fills, 1);
  EXPECT_EQ(s->part_d->phase, PartDPhase::kDeductible);
}

TEST_P(PartDServiceTest, TheCurrentMonthRendersAndTheNextOneIsRefused) {
  EXPECT_TRUE(part_d_->Statement(MemberCaller(maria_), maria_, 2026y / std::chrono::June).ok());
  auto next = part_d_->Statement(MemberCaller(maria_), maria_, 2026y / std::chrono::July);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error().code, part_d_error::kMonthInFuture);
  // The operator's month, not UTC's: 2026-07-01T03:00Z is still June 30 in Chicago.
  clock_.Set(At("2026-07-01T03:00:00Z"));
  EXPECT_FALSE(part_d_->Statement(MemberCaller(maria_), maria_, 2026y / std::chrono::July).ok());
  clock_.Set(At("2026-07-01T05:00:00Z"));
  EXPECT_TRUE(part_d_->Statement(MemberCaller(maria_), maria_, 2026y / std::chrono::July).ok());
}

TEST_P(PartDServiceTest, AFullSubsidyMemberHasNoDeductibleOnTheStatement) {
  SetLis(maria_, "full");
  AddFillCost(maria_, rx_, "2026-03-02", 40000, 1265, 1265);
  auto s = part_d_->Statement(MemberCaller(maria_), maria_, 2026y / std::chrono::March);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->part_d->low_income_subsidy);
  EXPECT_EQ(s->part_d->deductible, Cents(0));
  EXPECT_EQ(s->part_d->phase, PartDPhase::kInitial);
}

TEST_P(PartDServiceTest, ACommercialMemberGetsTotalsButNoPartDProgress) {
  const std::string ana = AddMember("Ana", "Lopez", "cm");
  const std::string rx = AddPrescription(ana, "metformin", "500 mg");
  AddFillCost(ana, rx, "2026-03-02", 4000, 1000, 1000, nullptr);
  auto s = part_d_->Statement(MemberCaller(ana), ana, 2026y / std::chrono::March);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->lines.size(), 1u);
  EXPECT_FALSE(s->part_d.has_value());
}

// ---- the list of months ----

TEST_P(PartDServiceTest, TheMonthsWithFillsAreListedNewestFirstAndPaged) {
  AddFillCost(maria_, rx_, "2025-12-05", 1000, 1000, 1000);
  AddFillCost(maria_, rx_, "2026-01-05", 1000, 1000, 1000);
  AddFillCost(maria_, rx_, "2026-01-25", 2000, 500, 1500);
  AddFillCost(maria_, rx_, "2026-03-05", 1000, 250, 1750);
  AddFillCost(other_, AddPrescription(other_, "lisinopril", "10 mg"), "2026-02-01", 1000, 1000, 1000);
  auto first = part_d_->ListMonths(MemberCaller(maria_), maria_, 2, "");
  ASSERT_TRUE(first.ok()) << first.error().code;
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(FormatYearMonth(first->items[0].month), "2026-03");
  EXPECT_EQ(FormatYearMonth(first->items[1].month), "2026-01");
  EXPECT_EQ(first->items[1].fills, 2);
  EXPECT_EQ(first->items[1].drug_cost, Cents(3000));
  EXPECT_EQ(first->items[1].member_paid, Cents(1500));
  EXPECT_EQ(first->items[1].plan_paid, Cents(1500));
  ASSERT_TRUE(first->next_cursor.has_value());
  auto second = part_d_->ListMonths(MemberCaller(maria_), maria_, 2, *first->next_cursor);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(FormatYearMonth(second->items[0].month), "2025-12");
  EXPECT_FALSE(second->next_cursor.has_value());
  auto bad = part_d_->ListMonths(MemberCaller(maria_), maria_, 2, "2026-13");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "cursor");
  EXPECT_TRUE(part_d_->ListMonths(MemberCaller(other_), other_, 50, "")->items.size() == 1);
}

// ---- the PDF ----

TEST_P(PartDServiceTest, ThePdfShowsTheMemberEachFillTheTotalsAndTheYearToDate) {
  AddFillCost(maria_, rx_, "2026-01-31", 70000, 61500, 61500, "initial");
  AddFillCost(maria_, rx_, "2026-03-01", 12345, 3086, 64586);
  AddFillCost(maria_, insulin_rx_, "2026-03-31", 60000, 3500, 68086);
  auto s = part_d_->Statement(MemberCaller(maria_), maria_, 2026y / std::chrono::March);
  ASSERT_TRUE(s.ok());
  auto pdf = RenderEobPdf(*s);
  ASSERT_TRUE(pdf.ok()) << pdf.error().message;
  EXPECT_EQ(pdf->substr(0, 5), "%PDF-");
  const std::string text = PdfText(*pdf, dir_.path());
  EXPECT_NE(text.find("Explanation of Benefits"), std::string::npos) << text;
  EXPECT_NE(text.find("María José Núñez Peña"), std::string::npos) << text;
  EXPECT_NE(text.find(member_numbers_[maria_]), std::string::npos) << text;
  EXPECT_NE(text.find("March 1, 2026 – March 31, 2026"), std::string::npos) << text;
  EXPECT_NE(text.find("03/01/2026"), std::string::npos) << text;
  EXPECT_NE(text.find("atorvastatin 20 mg"), std::string::npos) << text;
  EXPECT_NE(text.find(rx_), std::string::npos) << text;
  EXPECT_NE(text.find(insulin_rx_), std::string::npos) << text;
  // The row of the first fill: cost, plan paid, member paid.
  EXPECT_NE(text.find("$123.45"), std::string::npos) << text;
  EXPECT_NE(text.find("$92.59"), std::string::npos) << text;
  EXPECT_NE(text.find("$30.86"), std::string::npos) << text;
  // The month: 2 fills, $723.45 cost, $657.59 plan, $65.86 member.
  EXPECT_NE(text.find("Total for March 2026 (2 fills)"), std::string::npos) << text;
  EXPECT_NE(text.find("$723.45"), std::string::npos) << text;
  EXPECT_NE(text.find("$657.59"), std::string::npos) << text;
  EXPECT_NE(text.find("$65.86"), std::string::npos) << text;
  // The year: $1,423.45 cost, $742.59 plan, $680.86 member, TrOOP $680.86.
  EXPECT_NE(text.find("$1,423.45"), std::string::npos) << text;
  EXPECT_NE(text.find("$742.59"), std::string::npos) << text;
  EXPECT_EQ(Count(text, "$680.86"), 3) << text;  // you paid, out-of-pocket, threshold line
  EXPECT_NE(text.find("$615.00 of $615.00 met"), std::string::npos) << text;
  EXPECT_NE(text.find("$680.86 of $2,100.00 ($1,419.14 to go)"), std::string::npos) << text;
}

TEST_P(PartDServiceTest, ThePdfOfAMonthWithoutFillsSaysSo) {
  auto s = part_d_->Statement(MemberCaller(maria_), maria_, 2026y / std::chrono::February);
  ASSERT_TRUE(s.ok());
  auto pdf = RenderEobPdf(*s);
  ASSERT_TRUE(pdf.ok());
  const std::string text = PdfText(*pdf, dir_.path());
  EXPECT_NE(text.find("No prescriptions were filled in February 2026."), std::string::npos) << text;
  EXPECT_NE(text.find("$0.00 of $615.00 met so far"), std::string::npos) << text;
  EXPECT_EQ(text.find("Total for"), std::string::npos) << text;
}

TEST_P(PartDServiceTest, ThePdfOfAFullSubsidyMemberPastTheCapSaysSo) {
  SetLis(maria_, "full");
  AddFillCost(maria_, rx_, "2026-03-02", 900000, 210000, 210000, "catastrophic");
  auto s = part_d_->Statement(MemberCaller(maria_), maria_, 2026y / std::chrono::March);
  ASSERT_TRUE(s.ok());
  const std::string text = PdfText(*RenderEobPdf(*s), dir_.path());
  EXPECT_NE(text.find("none: you get Extra Help"), std::string::npos) << text;
  EXPECT_NE(text.find("$2,100.00 of $2,100.00 reached"), std::string::npos) << text;
  EXPECT_NE(text.find("catastrophic coverage"), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(Stores, PartDServiceTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& p) { return p.param == Dialect::kSqlite ? "Sqlite" : "Postgres"; });

// ---- rendering on its own ----

EobStatement Statement(int fills) {
  EobStatement s;
  s.member_name = "Zoë O'Brien-Ñúñez";
  s.member_number = "RX1234567";
  s.month = 2026y / std::chrono::March;
  s.issued_on = MakeDate(2026, 4, 2);
  for (int i = 0; i < fills; ++i) {
    s.lines.push_back({.fill_date = MakeDate(2026, 3, 1 + i % 28),
                       .drug = "drug number " + std::to_string(i),
                       .rx_number = std::to_string(20000000 + i),
                       .drug_cost = Cents(1000 + i),
                       .plan_paid = Cents(750),
                       .member_paid = Cents(250 + i)});
    s.month_totals.fills += 1;
  }
  s.year_to_date = s.month_totals;
  return s;
}

TEST(EobPdf, AMonthTooLongForOnePageGoesOnOverTheNextPagesWithEveryFill) {
  TempDir dir;
  const EobStatement s = Statement(90);
  auto pdf = RenderEobPdf(s);
  ASSERT_TRUE(pdf.ok());
  const std::string text = PdfText(*pdf, dir.path());
  for (const EobLine& line : s.lines) EXPECT_NE(text.find(line.rx_number), std::string::npos) << line.rx_number;
  EXPECT_NE(text.find("Page 3"), std::string::npos);
  EXPECT_NE(text.find("March 2026 (continued)"), std::string::npos);
  EXPECT_NE(text.find("Zoë O'Brien-Ñúñez"), std::string::npos) << text;
}

TEST(EobPdf, ADrugNameTooWideForItsColumnIsShortenedNotSpilledIntoTheNext) {
  TempDir dir;
  EobStatement s = Statement(1);
  s.lines[0].drug = std::string(200, 'W');
  const std::string text = PdfText(*RenderEobPdf(s), dir.path());
  EXPECT_NE(text.find("WWW..."), std::string::npos) << text;
  EXPECT_EQ(text.find(std::string(60, 'W')), std::string::npos) << text;
  EXPECT_NE(text.find(s.lines[0].rx_number), std::string::npos);
}

TEST(EobPdf, TextOutsideLatinOneAndMalformedUtf8PrintAsQuestionMarks) {
  EXPECT_EQ(ToWinAnsi("Peña"),
            "Pe\xF1"
            "a");
  EXPECT_EQ(ToWinAnsi("\xE2\x82\xAC 5 \xE2\x80\x93 6"), "\x80 5 \x96 6");  // € and – exist in Windows-1252
  EXPECT_EQ(ToWinAnsi("李"), "?");
  EXPECT_EQ(ToWinAnsi("\xF0\x9F\x92\x8A"), "?");             // an emoji: one character, one '?'
  EXPECT_EQ(ToWinAnsi("a\xC3"), "a?");                       // cut short
  EXPECT_EQ(ToWinAnsi("\xC0\xAF"), "??");                    // overlong '/'
  EXPECT_EQ(ToWinAnsi("\xED\xA0\x80"), "???");               // a surrogate
  EXPECT_EQ(ToWinAnsi(std::string("a\0b\nc", 5)), "a?b?c");  // control characters
  EXPECT_EQ(ToWinAnsi(""), "");
}

TEST(EobPdf, HostileTextIsPrintedNotInterpreted) {
  TempDir dir;
  EobStatement s = Statement(1);
  s.member_name = ") Tj (injected) Tj \\ (";
  const std::string text = PdfText(*RenderEobPdf(s), dir.path());
  EXPECT_NE(text.find(") Tj (injected) Tj \\ ("), std::string::npos) << text;
}

TEST(YearMonth, OnlyYyyyDashMmOfARealMonthParses) {
  EXPECT_EQ(ParseYearMonth("2026-03"), 2026y / std::chrono::March);
  EXPECT_EQ(ParseYearMonth("2026-12"), 2026y / std::chrono::December);
  for (const char* bad : {"2026-13", "2026-00", "2026-3", "2026/03", "202603", "2026-03-01", "+026-03", "1899-12", "",
                          "2026-0a", " 2026-03"}) {
    EXPECT_FALSE(ParseYearMonth(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatYearMonth(2026y / std::chrono::March), "2026-03");
}

TEST(PartDConfig, ShipsTwoOfferedYearsAndTheNextOneWaitingForItsFigures) {
  const PartDConfig config;
  ASSERT_EQ(config.Offered().size(), 2u);
  EXPECT_EQ(config.Offered()[0].year, 2025);
  EXPECT_EQ(config.Offered()[0].deductible, Cents::FromDollars(590));
  EXPECT_EQ(config.Offered()[1].year, 2026);
  EXPECT_EQ(config.Offered()[1].deductible, Cents::FromDollars(615));
  EXPECT_EQ(config.Offered()[1].out_of_pocket_threshold, Cents::FromDollars(2100));
  EXPECT_TRUE(ValidatePartDConfig(config).ok());
  PartDConfig twice = config;
  twice.years[2].parameters.year = 2026;
  EXPECT_FALSE(ValidatePartDConfig(twice).ok());
  PartDConfig inverted = config;
  inverted.years[1].parameters.deductible = Cents::FromDollars(3000);
  ASSERT_FALSE(ValidatePartDConfig(inverted).ok());
  EXPECT_EQ(ValidatePartDConfig(inverted).error().field, "part_d.2026.deductible");
}

}  // namespace
}  // namespace rxdesk
