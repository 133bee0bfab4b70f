// Fill pricing on a real migrated store (SQLite, and PostgreSQL where its binaries
// are installed): the fill_costs row each recorded fill gets in its own transaction,
// commercial tiers retail vs mail, Part D crossing the deductible and the cap within
// one fill, LIS copays, insulin, the seed path's pricing of fills without a row, and
// the formulary's prior-authorization flag on a new prescription.
#include "services/fill_pricing.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include "infra/ids.h"
#include "services/benefits_service.h"
#include "tests/support/service_env.h"

namespace rxdesk {
namespace {

using testing::TestPostgres;

constexpr char kGeneric[] = "11111000101";   // $0.10 a unit, tier 1
constexpr char kBrand[] = "11111000201";     // $10.00 a unit, tier 3, A-rated generic kGeneric
constexpr char kPaBrand[] = "11111000301";   // $20.00 a unit, tier 4, PA
constexpr char kInsulin[] = "11111000401";   // $10.00 a unit, tier 3, insulin
constexpr char kUnpriced[] = "11111000501";  // on the formulary, no price
constexpr char kOffList[] = "11111000601";   // priced, on no formulary

class FillPricingTest : public ::testing::TestWithParam<Dialect>, protected testing::ServiceEnv {
 protected:
  FillPricingTest() : ServiceEnv(*ParseInstant("2026-12-30T18:00:00Z")) {}

  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    ASSERT_TRUE(OpenServiceEnv(GetParam(), "pricing"));
    rxs_ = std::make_unique<PrescriptionService>(*store_, *vault_, clock_, zone_, *members_, RefillPolicy{},
                                                 PrescriptionPolicy{});
    rxs_->SetHooks(pricer_.Hooks());
    Exec(
        "INSERT INTO plans(id, name, kind) VALUES ('cm', 'Commercial', 'commercial'), "
        "('pd', 'Part D', 'medicare_part_d')");
    // Commercial: $5 / $15 / $45 copays, 40% up to $150 a month, 25% specialty; mail 2 ×.
    Exec(
        "INSERT INTO plan_tiers(plan_id, tier, retail_kind, retail_copay_cents, retail_coinsurance_bp, "
        "retail_max_cents) VALUES ('cm', 1, 'copay', 500, 0, NULL), ('cm', 2, 'copay', 1500, 0, NULL), "
        "('cm', 3, 'copay', 4500, 0, NULL), ('cm', 4, 'coinsurance', 0, 4000, 15000), "
        "('cm', 5, 'coinsurance', 0, 2500, NULL)");
    AddDrug(kGeneric, "genericstatin", true, false, 10'000, "");
    AddDrug(kBrand, "Brandstatin", false, false, 1'000'000, kGeneric);
    AddDrug(kPaBrand, "Glucobrand", false, false, 2'000'000, "");
    AddDrug(kInsulin, "insulin test", false, true, 1'000'000, "");
    AddDrug(kUnpriced, "unpricedol", true, false, -1, "");
    AddDrug(kOffList, "offlistine", true, false, 10'000, "");
    for (const char* plan : {"cm", "pd"}) {
      Exec(
          "INSERT INTO formulary(plan_id, ndc, tier, prior_authorization) VALUES (?, ?, 1, 0), (?, ?, 3, 0), "
          "(?, ?, 4, 1), (?, ?, 3, 0), (?, ?, 2, 0)",
          {Value(plan), Value(kGeneric), Value(plan), Value(kBrand), Value(plan), Value(kPaBrand), Value(plan),
           Value(kInsulin), Value(plan), Value(kUnpriced)});
    }
    pharmacist_.principal = {.user_id = "rph", .username = "rph", .role = Role::kPharmacist};
    pharmacist_.request_id = "test";
    Exec(
        "INSERT INTO users(id, username, role, password_hash, created_at) VALUES ('rph', 'rph', 'pharmacist', 'x', "
        "'t')");
  }

  void AddDrug(const char* ndc, const char* name, bool generic, bool insulin, std::int64_t unit_cost,
               const char* a_rated) {
    Exec(
        "INSERT INTO drugs(ndc, name, schedule, generic, maintenance, insulin, unit_cost_millicents, "
        "a_rated_generic_ndc) VALUES (?, ?, 'none', ?, 1, ?, ?, ?)",
        {Value(ndc), Value(name), Value(generic), Value(insulin), unit_cost < 0 ? Value() : Value(unit_cost),
         std::string_view(a_rated).empty() ? Value() : Value(a_rated)});
  }

  std::string AddMember(const std::string& plan, const char* lis = nullptr) {
    const Member m = AddPlanMember("Ana", "Diaz", plan);
    if (lis)
      Exec("INSERT INTO member_benefits(member_id, lis, updated_at) VALUES (?, ?, 't')", {Value(m.id), Value(lis)});
    return m.id;
  }

  PrescriptionRecord NewRx(const std::string& member, const char* ndc, int daw = 0, int days = 30) {
    const std::string quantity = std::to_string(days);
    NewPrescriptionInput in;
    in.drug = {.ndc = ndc, .name = "test drug", .strength = "", .form = ""};
    in.schedule = "none";
    in.quantity = quantity;
    in.days_supply = days;
    in.refills_authorized = 11;
    in.written_date = "2026-01-02";
    in.prescriber = {.npi = "1245319599", .name = "Dr. Quinn", .dea = ""};
    in.daw = daw;
    auto rx = rxs_->Create(pharmacist_, member, in, nullptr);
    EXPECT_TRUE(rx.ok()) << rx.error().code << " " << rx.error().field << " " << rx.error().message;
    return rx.ok() ? *rx : PrescriptionRecord{};
  }

  // Records a fill (overriding eligibility: these tests are about money) and returns its fill_costs row:
  // pricing, drug cost, member paid, plan paid, ytd after, phase, dispensed NDC, channel.
  Row Fill(const PrescriptionRecord& rx, const char* date, std::int64_t units, int days = 30) {
    FillInput in{.fill_date = *ParseDate(date),
                 .quantity = Quantity::FromUnits(units),
                 .days_supply = days,
                 .override_reason = "pricing test fill"};
    auto f = rxs_->RecordFill(pharmacist_, rx.rx_number, in, nullptr);
    EXPECT_TRUE(f.ok()) << f.error().code << " " << f.error().field << " " << f.error().message;
    const Rows rows = Query(
        "SELECT pricing, drug_cost_cents, member_paid_cents, plan_paid_cents, "
        "ytd_out_of_pocket_after_cents, COALESCE(phase_after, ''), COALESCE(dispensed_ndc, ''), "
        "channel, position FROM fill_costs WHERE fill_id = ?",
        {Value(f.ok() ? f->fill.id : "")});
    EXPECT_EQ(rows.size(), 1u);
    return rows.empty() ? Row({}) : rows[0];
  }

  std::unique_ptr<PrescriptionService> rxs_;
  FillPricer pricer_{{PartDParameters{}}};
  Caller pharmacist_;
};

TEST_P(FillPricingTest, ACommercialRetailFillPaysTheTierCopayAndThePlanTheRest) {
  const PrescriptionRecord rx = NewRx(AddMember("cm"), kGeneric);
  const Row r = Fill(rx, "2026-03-01", 30);
  EXPECT_EQ(r.Text(0), "covered");
  EXPECT_EQ(r.Int(1), 300);  // 30 × $0.10
  EXPECT_EQ(r.Int(2), 300);  // the $5 copay is more than the drug: never above the cost
  EXPECT_EQ(r.Int(3), 0);
  EXPECT_EQ(r.Text(7), "retail30");
  const Row dear = Fill(NewRx(AddMember("cm"), kPaBrand), "2026-03-01", 30);
  EXPECT_EQ(dear.Int(1), 60000);  // 30 × $20
  EXPECT_EQ(dear.Int(2), 15000);  // 40% = $240, held at the $150 monthly ceiling
  EXPECT_EQ(dear.Int(3), 45000);
}

TEST_P(FillPricingTest, AnOrdersFillIsPricedAtTheMailShareTwiceTheRetailCopay) {
  const PrescriptionRecord rx = NewRx(AddMember("cm"), kBrand, 1, 90);
  // A fill of an order (fills.order_id set) goes by mail: priced by the hook after the row exists.
  const std::string fill = NewId();
  Exec(
      "INSERT INTO fills(id, rx_number, fill_date, quantity_milli, days_supply, is_refill, order_id, created_by, "
      "created_at) VALUES (?, ?, '2026-03-01', 90000, 90, 0, 'order-1', 'rph', 't')",
      {Value(fill), Value(rx.rx_number)});
  const FillRecord record{.id = fill,
                          .rx_number = rx.rx_number,
                          .fill_date = MakeDate(2026, 3, 1),
                          .quantity = Quantity::FromUnits(90),
                          .days_supply = 90,
                          .created_at = "t"};
  const Status s = store_->Write([&](WriteContext& w) { return rxs_->FillRecorded(w.conn, rx, record); });
  ASSERT_TRUE(s.ok()) << s.error().message;
  const Rows rows =
      Query("SELECT channel, member_paid_cents, dispensed_ndc FROM fill_costs WHERE fill_id = ?", {Value(fill)});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].Text(0), "mail90");
  EXPECT_EQ(rows[0].Int(1), 9000);  // DAW 1 keeps the brand: 2 × $45
  EXPECT_EQ(rows[0].Text(2), kBrand);
  // The same 90 days at retail are three 30-day copays.
  EXPECT_EQ(Fill(NewRx(AddMember("cm"), kBrand, 1, 90), "2026-03-01", 90, 90).Int(2), 13500);
}

TEST_P(FillPricingTest, DawZeroDispensesTheGenericAndDawOneOrTwoKeepTheBrand) {
  const Row daw0 = Fill(NewRx(AddMember("cm"), kBrand, 0), "2026-03-01", 30);
  EXPECT_EQ(daw0.Text(6), kGeneric);
  EXPECT_EQ(daw0.Int(1), 300);
  EXPECT_EQ(daw0.Int(2), 300);
  for (int daw : {1, 2}) {
    const Row kept = Fill(NewRx(AddMember("cm"), kBrand, daw), "2026-03-01", 30);
    EXPECT_EQ(kept.Text(6), kBrand) << daw;
    EXPECT_EQ(kept.Int(1), 30000) << daw;
    EXPECT_EQ(kept.Int(2), 4500) << daw;
  }
}

TEST_P(FillPricingTest, APartDFillThatCrossesTheDeductibleIsSplitThere) {
  const std::string m = AddMember("pd");
  const PrescriptionRecord rx = NewRx(m, kPaBrand, 0);
  // $600 first: all deductible.
  const Row first = Fill(rx, "2026-02-01", 30);  // $600
  EXPECT_EQ(first.Int(2), 60000);
  EXPECT_EQ(first.Text(5), "deductible");
  // Next $600: $15 finishes the $615 deductible, 25% of $585 = $146.25.
  const Row second = Fill(rx, "2026-03-01", 30);
  EXPECT_EQ(second.Int(2), 1500 + 14625);
  EXPECT_EQ(second.Int(3), 60000 - 16125);
  EXPECT_EQ(second.Int(4), 60000 + 16125);
  EXPECT_EQ(second.Text(5), "initial");
  EXPECT_EQ(second.Int(8), 2);
}

TEST_P(FillPricingTest, ReachingTheCapMidFillChargesOnlyUpToItThenNothing) {
  const std::string m = AddMember("pd");
  const PrescriptionRecord rx = NewRx(m, kPaBrand, 0, 90);
  // $6,000: $615 + 25% of $5,385 = $1,961.25 (TrOOP $1,961.25).
  EXPECT_EQ(Fill(rx, "2026-01-10", 300, 90).Int(4), 196125);
  // $6,000 more: only $138.75 is left to the $2,100 threshold.
  const Row capped = Fill(rx, "2026-04-10", 300, 90);
  EXPECT_EQ(capped.Int(2), 13875);
  EXPECT_EQ(capped.Int(4), 210000);
  EXPECT_EQ(capped.Text(5), "catastrophic");
  const Row free = Fill(rx, "2026-07-10", 300, 90);
  EXPECT_EQ(free.Int(2), 0);
  EXPECT_EQ(free.Int(3), 600000);
  EXPECT_EQ(free.Int(4), 210000);
}

TEST_P(FillPricingTest, AFullLisMemberPaysTheYearsCopaysAndInsulinIsCappedWithoutDeductible) {
  const std::string lis = AddMember("pd", "full");
  EXPECT_EQ(Fill(NewRx(lis, kBrand, 1), "2026-03-01", 30).Int(2), 1265);  // brand: $12.65
  EXPECT_EQ(Fill(NewRx(lis, kBrand, 0), "2026-03-01", 30).Int(2), 300);   // generic costs $3 < $5.10
  const Row insulin = Fill(NewRx(AddMember("pd"), kInsulin, 0), "2026-03-01", 30);
  EXPECT_EQ(insulin.Int(1), 30000);
  EXPECT_EQ(insulin.Int(2), 3500);  // $35 a month, no deductible
  EXPECT_EQ(insulin.Text(5), "deductible");
}

TEST_P(FillPricingTest, UnpricedOffFormularyAndPlanlessFillsAreRecordedAsSuch) {
  const Row unpriced = Fill(NewRx(AddMember("pd"), kUnpriced), "2026-03-01", 30);
  EXPECT_EQ(unpriced.Text(0), "unpriced");
  EXPECT_EQ(unpriced.Int(1), 0);
  EXPECT_EQ(unpriced.Int(4), 0);
  const Row off = Fill(NewRx(AddMember("pd"), kOffList), "2026-03-01", 30);
  EXPECT_EQ(off.Text(0), "not_covered");
  EXPECT_EQ(off.Int(2), 300);
  EXPECT_EQ(off.Int(4), 0);  // not toward the Part D threshold
  const Row planless = Fill(NewRx(AddMember(""), kGeneric), "2026-03-01", 30);
  EXPECT_EQ(planless.Text(0), "no_plan");
  EXPECT_EQ(planless.Int(2), 300);
}

TEST_P(FillPricingTest, ANewPrescriptionOfAPaDrugNeedsPriorAuthorizationButItsGenericRouteDoesNot) {
  EXPECT_EQ(NewRx(AddMember("cm"), kPaBrand).rx.prior_auth, PriorAuth::kPending);
  EXPECT_EQ(NewRx(AddMember("cm"), kBrand).rx.prior_auth, PriorAuth::kNotRequired);
  EXPECT_EQ(NewRx(AddMember(""), kPaBrand).rx.prior_auth, PriorAuth::kNotRequired);
  const Rows stored = Query("SELECT COUNT(*) FROM prescriptions WHERE prior_auth_required = 1");
  EXPECT_EQ(stored[0].Int(0), 1);
}

TEST_P(FillPricingTest, TheSeedPathPricesEveryFillWithoutARowInDateOrderAndOnlyOnce) {
  const std::string m = AddMember("pd");
  const PrescriptionRecord rx = NewRx(m, kPaBrand, 0);
  Fill(rx, "2026-01-05", 30);  // priced by the hook: $600, deductible
  // Two historical fills inserted without rows, out of insertion order.
  for (const char* date : {"2026-05-01", "2026-02-01"}) {
    Exec(
        "INSERT INTO fills(id, rx_number, fill_date, quantity_milli, days_supply, is_refill, created_by, "
        "created_at) VALUES (?, ?, ?, 30000, 30, 1, 'seed', 't')",
        {Value(NewId()), Value(rx.rx_number), Value(date)});
  }
  auto priced = pricer_.PriceUnpricedFills(*store_, clock_.Now(), 1);
  ASSERT_TRUE(priced.ok()) << priced.error().message;
  EXPECT_EQ(*priced, 2);
  const Rows rows = Query(
      "SELECT fill_date, member_paid_cents, ytd_out_of_pocket_after_cents, position FROM "
      "fill_costs WHERE member_id = ? ORDER BY position",
      {Value(m)});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1].Text(0), "2026-02-01");
  EXPECT_EQ(rows[1].Int(1), 16125);  // continues from $600: crosses the deductible
  EXPECT_EQ(rows[2].Text(0), "2026-05-01");
  EXPECT_EQ(rows[2].Int(2), 76125 + 15000);
  EXPECT_EQ(rows[2].Int(3), 3);
  auto again = pricer_.PriceUnpricedFills(*store_, clock_.Now());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST_P(FillPricingTest, TheBenefitYearSumsTheRowsAndShowsPartDProgress) {
  const std::string m = AddMember("pd");
  const PrescriptionRecord rx = NewRx(m, kPaBrand, 0);
  Fill(rx, "2026-02-01", 30);
  Fill(rx, "2026-03-01", 30);
  BenefitsService benefits(*store_, clock_, zone_, *members_, pricer_);
  auto y = benefits.Year(pharmacist_, m, 2026);
  ASSERT_TRUE(y.ok()) << y.error().message;
  EXPECT_EQ(y->fills, 2);
  EXPECT_EQ(y->drug_cost.value(), 120000);
  EXPECT_EQ(y->member_paid.value(), 76125);
  EXPECT_EQ(y->out_of_pocket.value(), 76125);
  EXPECT_EQ(y->deductible_met.value(), 61500);
  EXPECT_EQ(y->phase, PartDPhase::kInitial);
  auto empty = benefits.Year(pharmacist_, m, 2025);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->fills, 0);
  EXPECT_FALSE(empty->part_d.has_value());  // no 2025 parameters in this test's configuration
}

TEST(DrugCost, IsUnitCostTimesQuantityHalfUpToTheCentAndRefusesTheAbsurd) {
  EXPECT_EQ(DrugCostOf(12'000, Quantity::FromUnits(30))->value(), 360);
  EXPECT_EQ(DrugCostOf(1'500, Quantity::FromThousandths(1'000))->value(), 2);  // 1.5 cents → 2
  EXPECT_EQ(DrugCostOf(1'499, Quantity::FromThousandths(1'000))->value(), 1);
  EXPECT_EQ(DrugCostOf(0, Quantity::FromUnits(30))->value(), 0);
  EXPECT_EQ(DrugCostOf(-1, Quantity::FromUnits(1)).error().field, "unit_cost_millicents");
  EXPECT_EQ(DrugCostOf(kMaxUnitCostMillicents + 1, Quantity::FromUnits(1)).error().field, "unit_cost_millicents");
  EXPECT_EQ(DrugCostOf(kMaxUnitCostMillicents, Quantity::FromUnits(11)).error().field, "drug_cost_cents");
  EXPECT_EQ(DrugCostOf(kMaxUnitCostMillicents, Quantity::FromUnits(10))->value(), kMaxDrugCost.value());
  EXPECT_FALSE(DrugCostOf(kMaxUnitCostMillicents, Quantity::FromThousandths(Quantity::kMaxThousandths)).ok());
}

INSTANTIATE_TEST_SUITE_P(Stores, FillPricingTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<Dialect>& p) {
                           return p.param == Dialect::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace rxdesk
