// Interaction holds and adherence on a real migrated store (SQLite, and
// PostgreSQL where its binaries are installed) with a manual clock: the fill
// trigger keeps each member's series whatever writes the fill, the at-risk list
// pages across scan chunks without gaps or repeats, a major interaction holds
// an order until an override, and the findings are sealed at rest.
#include <date/tz.h>
#include <gtest/gtest.h>

#include <set>

#include "infra/ids.h"
#include "services/adherence_service.h"
#include "services/interaction_holds.h"
#include "tests/support/postgres_schema.h"
#include "tests/support/server_process.h"

namespace rxdesk {
namespace {

using testing::TempDir;
using testing::TestPostgres;
using testing::TestStoreOptions;

class ClinicalStoreTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    auto store = Store::Open(TestStoreOptions(GetParam(), dir_.path(), "clinical"));
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    auto ring = LoadOrCreateKeyFile(dir_.path() + "/rxdesk.key", true);
    ASSERT_TRUE(ring.ok()) << ring.error().message;
    vault_ = std::make_unique<PhiVault>(std::move(*ring));
    members_ = std::make_unique<MemberService>(*store_, *vault_, clock_);
    prescriptions_ = std::make_unique<PrescriptionService>(*store_, *vault_, clock_, zone_, *members_, RefillPolicy{},
                                                           PrescriptionPolicy{});
    orders_ =
        std::make_unique<OrderService>(*store_, *vault_, clock_, zone_, *members_, *prescriptions_, ShippingPolicy{});
    pharmacist_.principal = {.user_id = "pharmacist-1", .username = "p", .role = Role::kPharmacist};
    supervisor_.principal = {.user_id = "supervisor-1", .username = "s", .role = Role::kSupervisor};
  }

  Date Today() const { return zone_.LocalDate(clock_.Now()); }

  // `count` members, each with one prescription of `drug` and fills on the given days before today
  // (`days_supply` each), written straight into the tables as a tool would.
  std::vector<std::string> AddMembers(int count, const std::string& drug, std::vector<int> days_ago, int days_supply) {
    std::vector<std::string> ids;
    const Status s = store_->Write([&](WriteContext& w) -> Status {
      for (int i = 0; i < count; ++i) {
        const std::string id = NewId();
        const std::string rx = "R" + id;
        Member m;
        m.id = id;
        m.member_number = "n-" + id;
        m.first_name = "Ana";
        m.last_name = "Rivera";
        m.date_of_birth = MakeDate(1960, 1, 1);
        m.address.line1 = "1 Main St";
        m.address.city = "Austin";
        m.address.state = "TX";
        m.address.zip = "78701";
        m.created_at = m.updated_at = "t";
        RXD_TRY(members_->Save(w.conn, m));
        RXD_TRY(w.conn.Exec(
            "INSERT INTO prescriptions(rx_number, member_id, ndc, drug_name, schedule, quantity_milli, days_supply, "
            "refills_authorized, refills_remaining, written_date, prescriber_npi, prescriber_name, daw, status, "
            "created_at, updated_at) VALUES (?, ?, '1', ?, 'none', 30000, 30, 11, 11, '2026-01-01', '1', 'Dr', 0, "
            "'active', 't', 't')",
            {Value(rx), Value(id), Value(drug)}));
        for (int ago : days_ago) {
          RXD_TRY(
              w.conn.Exec("INSERT INTO fills(id, rx_number, fill_date, quantity_milli, days_supply, is_refill, "
                          "created_by, created_at) VALUES (?, ?, ?, 30000, ?, 0, 'tool', 't')",
                          {Value(NewId()), Value(rx), Value(FormatDate(Today() - Days{ago})), Value(days_supply)}));
        }
        ids.push_back(id);
      }
      return OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return ids;
  }

  std::string Series(const std::string& member_id) {
    auto rows = store_->Read([&](Connection& c) {
      return c.Query("SELECT series FROM adherence_series WHERE member_id = ?", {Value(member_id)});
    });
    EXPECT_TRUE(rows.ok());
    return rows.ok() && !rows->empty() ? (*rows)[0].Text(0) : "";
  }

  std::string EnterRx(const std::string& member_id, const std::string& drug) {
    NewPrescriptionInput in;
    in.drug = {"00093-7146-56", drug, "", ""};
    in.schedule = "none";
    in.quantity = "30";
    in.days_supply = 30;
    in.refills_authorized = 3;
    const std::string written = FormatDate(Today() - Days{10});
    in.written_date = written;
    in.prescriber = {"1245319599", "Dr. Avery Quinn", ""};
    auto rx = prescriptions_->Create(pharmacist_, member_id, in, nullptr);
    EXPECT_TRUE(rx.ok()) << rx.error().code << " " << rx.error().field;
    return rx.ok() ? rx->rx_number : "";
  }

  TempDir dir_;
  ManualClock clock_{*ParseInstant("2026-06-15T15:00:00Z")};
  Zone zone_{date::locate_zone("America/Chicago")};
  std::unique_ptr<Store> store_;
  std::unique_ptr<PhiVault> vault_;
  std::unique_ptr<MemberService> members_;
  std::unique_ptr<PrescriptionService> prescriptions_;
  std::unique_ptr<OrderService> orders_;
  Caller pharmacist_, supervisor_;
};

TEST_P(ClinicalStoreTest, TheFillTriggerKeepsEveryFillOfTheMemberWhateverWritesIt) {
  const std::vector<std::string> ids = AddMembers(1, "atorvastatin 20 mg", {60, 30}, 30);
  const std::string series = Series(ids[0]);
  EXPECT_EQ(std::count(series.begin(), series.end(), '\x1e'), 1) << series;
  EXPECT_NE(series.find("atorvastatin 20 mg\x1f" + FormatDate(Today() - Days{60}) +
                        "\x1f"
                        "30"),
            std::string::npos);
  // A fill recorded through the service lands in the same row.
  auto rx = store_->Read([&](Connection& c) {
    return c.Query("SELECT rx_number FROM prescriptions WHERE member_id = ?", {Value(ids[0])});
  });
  ASSERT_TRUE(rx.ok());
  auto fill = prescriptions_->RecordFill(pharmacist_, (*rx)[0].Text(0),
                                         {.fill_date = Today(), .quantity = Quantity::FromUnits(30), .days_supply = 30},
                                         nullptr);
  ASSERT_TRUE(fill.ok()) << fill.error().code;
  const std::string after = Series(ids[0]);
  EXPECT_EQ(std::count(after.begin(), after.end(), '\x1e'), 2) << after;
}

TEST_P(ClinicalStoreTest, TheAtRiskListPagesAcrossScanChunksWithoutGapsOrRepeats) {
  // 2,003 late members (more than one scan chunk) and 5 on time; nobody else is at risk.
  const std::vector<std::string> late = AddMembers(2003, "lisinopril 10 mg", {100, 70}, 30);
  AddMembers(5, "lisinopril 10 mg", {50, 20}, 30);
  AdherenceService adherence(*store_, clock_, zone_);
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = adherence.AtRisk(supervisor_, {.reason = AtRiskFilter::kLateRefill, .limit = 500, .cursor = cursor});
    ASSERT_TRUE(page.ok()) << page.error().code;
    for (const AtRiskEntry& e : page->items) {
      EXPECT_TRUE(seen.insert(e.member_id).second) << e.member_id;
      EXPECT_EQ(e.adherence.drug_class, AdherenceClass::kRasAntagonists);
    }
    cursor = page->next_cursor.value_or("");
    ++pages;
  } while (!cursor.empty() && pages < 20);
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(seen.size(), late.size());
  for (const std::string& id : late) EXPECT_TRUE(seen.contains(id));
  // Agents are refused by the service too, whatever the route says.
  Caller agent;
  agent.principal.role = Role::kAgent;
  EXPECT_EQ(adherence.AtRisk(agent, {}).error().code, "forbidden");
}

TEST_P(ClinicalStoreTest, AMajorInteractionHoldsTheOrderUntilAnOverrideAndTheFindingsAreSealed) {
  const std::vector<std::string> ids = AddMembers(1, "warfarin 5 mg", {10}, 30);
  const std::string rx = EnterRx(ids[0], "naproxen 500 mg");
  Caller member;
  member.principal = {.user_id = "m", .username = "m", .role = Role::kMember, .member_id = ids[0]};
  auto order = orders_->RequestRefill(member, {.rx_number = rx}, nullptr);
  ASSERT_TRUE(order.ok()) << order.error().code;
  EXPECT_EQ(order->status, OrderStatus::kInReview);
  auto held = store_->Read([&](Connection& c) { return OrderHasOpenInteractionHold(c, order->id); });
  ASSERT_TRUE(held.ok());
  EXPECT_TRUE(*held);
  // Sealed at rest: the drug pair is not in the row.
  auto raw = store_->Read([&](Connection& c) {
    return c.Query("SELECT id, findings_enc FROM interaction_holds WHERE order_id = ?", {Value(order->id)});
  });
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->size(), 1u);
  EXPECT_EQ((*raw)[0].Text(1).find("warfarin"), std::string::npos);
  const std::string hold_id = (*raw)[0].Text(0);

  EXPECT_EQ(orders_->Apply(pharmacist_, order->id, {.type = OrderEventType::kFill}).error().code, "interaction_hold");
  InteractionHoldService holds(*store_, *vault_, clock_, {});
  EXPECT_EQ(holds.Override(supervisor_, hold_id, "Prescriber confirmed the combination").error().code, "forbidden");
  EXPECT_EQ(holds.Override(pharmacist_, hold_id, "  too short  ").error().field, "reason");
  auto overridden = holds.Override(pharmacist_, hold_id, "Prescriber confirmed the combination");
  ASSERT_TRUE(overridden.ok()) << overridden.error().code;
  auto detail = holds.Get(pharmacist_, hold_id);
  ASSERT_TRUE(detail.ok());
  ASSERT_EQ(detail->findings.size(), 1u);
  EXPECT_EQ(detail->findings[0].active_agent, "warfarin");
  EXPECT_EQ(detail->reason, "Prescriber confirmed the combination");
  clock_.Advance(std::chrono::seconds(60));
  auto filled = orders_->Apply(pharmacist_, order->id, {.type = OrderEventType::kFill});
  EXPECT_TRUE(filled.ok()) << filled.error().code;
}

INSTANTIATE_TEST_SUITE_P(Dialects, ClinicalStoreTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& p) { return p.param == Dialect::kSqlite ? "Sqlite" : "Postgres"; });

// ---- the series parser (pure) ----------------------------------------------------------------

TEST(MeasureSeries, MalformedEntriesAndUnmeasuredDrugsAreSkipped) {
  const AdherenceClassifier classifier;
  const std::string series = std::string(
                                 "atorvastatin\x1f"
                                 "2026-01-01\x1f"
                                 "30\x1e") +
                             "atorvastatin\x1f"
                             "2026-02-31\x1f"
                             "30\x1e"  // no such date
                             "atorvastatin\x1f"
                             "2026-02-01\x1f"
                             "0\x1e"  // days supply out of range
                             "atorvastatin\x1f"
                             "2026-02-01\x1e"  // a field missing
                             "sertraline\x1f"
                             "2026-02-01\x1f"
                             "30\x1e"  // not a measured class
                             "\x1e\x1e"
                             "Lipitor 20 mg\x1f"
                             "2026-01-31\x1f"
                             "30";
  const auto classes = MeasureSeries(series, {MakeDate(2026, 1, 1), MakeDate(2026, 3, 1)}, classifier, {});
  ASSERT_EQ(classes.size(), 1u);
  EXPECT_EQ(classes[0].drug_class, AdherenceClass::kStatins);
  EXPECT_EQ(classes[0].pdc.fills_in_period, 2);
  EXPECT_EQ(classes[0].pdc.covered_days, 60);
  EXPECT_TRUE(MeasureSeries("", {MakeDate(2026, 1, 1), MakeDate(2026, 3, 1)}, classifier, {}).empty());
}

}  // namespace
}  // namespace rxdesk
