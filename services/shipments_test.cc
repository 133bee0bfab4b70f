// Orders on their way on a real migrated store (SQLite, and PostgreSQL where its
// binaries are installed) with a manual clock: lost or damaged claims at the edges
// of their window, controlled substances waiting for a pharmacist, free
// replacements that use no refill, the pharmacists' order queue, and tracking
// lookups whose carrier failures leave the order as it was.
#include <date/tz.h>
#include <gtest/gtest.h>

#include "infra/ids.h"
#include "services/claim_service.h"
#include "services/fake_carrier.h"
#include "services/order_service.h"
#include "services/shipment_service.h"
#include "tests/support/service_env.h"

namespace rxdesk {
namespace {

using std::chrono::hours;
using testing::TestPostgres;

// The ETA's last day used throughout: Tuesday 2026-03-10.
constexpr Date kEta = MakeDate(2026, 3, 10);

class ShipmentsTest : public ::testing::TestWithParam<Dialect>, protected testing::ServiceEnv {
 protected:
  ShipmentsTest() : ServiceEnv(Instant{kEta}) {}

  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    ASSERT_TRUE(OpenServiceEnv(GetParam(), "shipments"));
    rxs_ = std::make_unique<PrescriptionService>(*store_, *vault_, clock_, zone_, *members_, RefillPolicy{},
                                                 PrescriptionPolicy{});
    orders_ = std::make_unique<OrderService>(*store_, *vault_, clock_, zone_, *members_, *rxs_, ShippingPolicy{});
    shipments_ = std::make_unique<ShipmentService>(*store_, clock_, *members_, carrier_);
    claims_ =
        std::make_unique<ClaimService>(*store_, *vault_, clock_, zone_, *members_, ShippingPolicy{}, ClaimPolicy{});
    member_ = AddSealedMember(/*with_email=*/true);
    pharmacist_ = Caller{.principal = {.user_id = "rph-1", .role = Role::kPharmacist}, .request_id = "t"};
    agent_ = Caller{.principal = {.user_id = "agent-1", .role = Role::kAgent}, .request_id = "t"};
    member_caller_ =
        Caller{.principal = {.user_id = "m-1", .role = Role::kMember, .member_id = member_}, .request_id = "t"};
  }

  // A prescription of `schedule` with `refills_remaining` left, already filled once.
  std::string AddRx(const std::string& schedule, int refills_remaining) {
    const std::string rx = std::to_string(1000000 + (++rx_serial_)) + "0";
    Exec(
        "INSERT INTO prescriptions(rx_number, member_id, ndc, drug_name, strength, form, schedule, quantity_milli, "
        "days_supply, refills_authorized, refills_remaining, written_date, prescriber_npi, prescriber_name, "
        "prescriber_dea, daw, status, created_at, updated_at) VALUES (?, ?, '00093714656', 'drug', '', '', ?, "
        "30000, 30, 5, ?, '2026-01-05', '1245319599', 'Dr. Q', 'AQ1234563', 0, 'active', 't', 't')",
        {Value(rx), Value(member_), Value(schedule), Value(refills_remaining)});
    Exec(
        "INSERT INTO fills(id, rx_number, fill_date, quantity_milli, days_supply, is_refill, created_by, "
        "created_at) VALUES (?, ?, '2026-02-20', 30000, 30, 0, 'seed', 't')",
        {Value(NewId()), Value(rx)});
    return rx;
  }

  // An order in `status` whose quoted window ends on kEta; `delivered_on` adds its delivered event.
  std::string AddOrder(const std::string& status, const std::string& schedule = "none",
                       std::optional<Date> delivered_on = std::nullopt, int refills_remaining = 3,
                       const std::string& created_at = "2026-03-02T15:00:00Z") {
    const std::string id = NewId();
    const std::string rx = AddRx(schedule, refills_remaining);
    Exec(
        "INSERT INTO orders(id, reference, member_id, rx_number, status, speed, ship_date, eta_earliest, "
        "eta_latest, fee_cents, address_enc, carrier, tracking_number, created_by, created_at, updated_at) VALUES "
        "(?, ?, ?, ?, ?, 'expedited', '2026-03-02', '2026-03-05', ?, 1495, ?, 'USPS', '9400100000000000000000', "
        "'t', ?, ?)",
        {Value(id), Value("REF-" + id), Value(member_), Value(rx), Value(status), Value(FormatDate(kEta)),
         Value(vault_->Seal("orders", id, "address", R"({"line1":"1 Main St"})")), Value(created_at),
         Value(created_at)});
    Exec(
        "INSERT INTO order_events(id, order_id, type, status, at, actor_id) VALUES (?, ?, 'shipped', 'shipped', "
        "'2026-03-02T15:00:00Z', 't')",
        {Value(NewId()), Value(id)});
    if (delivered_on) {
      Exec(
          "INSERT INTO order_events(id, order_id, type, status, at, actor_id) VALUES (?, ?, 'delivered', "
          "'delivered', ?, 't')",
          {Value(NewId()), Value(id), Value(FormatInstant(Instant{*delivered_on} + hours{20}))});
    }
    return id;
  }

  // Noon in Chicago on `day`.
  void Today(Date day) { clock_.Set(zone_.ToInstant(day, hours{12})); }

  std::string Code(const Result<ClaimRecord>& r) { return r.ok() ? "ok" : r.error().code; }

  Result<ClaimRecord> Report(const std::string& order, ClaimKind kind, const Caller* who = nullptr) {
    return claims_->Report(who ? *who : member_caller_, order, {.kind = kind, .description = "box was empty"}, nullptr);
  }

  std::int64_t Outbox(const std::string& template_id) {
    return Query("SELECT COUNT(*) FROM notification_outbox WHERE template_id = ?", {Value(template_id)})[0].Int(0);
  }

  FakeCarrier carrier_;
  std::unique_ptr<PrescriptionService> rxs_;
  std::unique_ptr<OrderService> orders_;
  std::unique_ptr<ShipmentService> shipments_;
  std::unique_ptr<ClaimService> claims_;
  std::string member_;
  Caller pharmacist_, agent_, member_caller_;
  int rx_serial_ = 0;
};

TEST_P(ShipmentsTest, ALostPackageIsDueTheDayAfterTheEtaAndClaimableThroughDayThirty) {
  const std::string on_eta = AddOrder("shipped"), day1 = AddOrder("shipped"), day30 = AddOrder("shipped"),
                    day31 = AddOrder("shipped");
  Today(kEta);
  const auto early = Report(on_eta, ClaimKind::kLost);
  EXPECT_EQ(Code(early), "too_early_to_report_lost");
  Today(kEta + Days{1});
  EXPECT_EQ(Code(Report(day1, ClaimKind::kLost)), "ok");
  Today(kEta + Days{30});
  const auto last_day = Report(day30, ClaimKind::kLost);
  ASSERT_EQ(Code(last_day), "ok");
  EXPECT_EQ(last_day->window_closes_on, kEta + Days{30});
  Today(kEta + Days{31});
  const auto late = Report(day31, ClaimKind::kLost);
  ASSERT_EQ(Code(late), "claim_window_closed");
  EXPECT_EQ(late.error().details.at(0).second, "2026-04-09");
  // Refusals are audited as such, with no claim row.
  EXPECT_EQ(Query("SELECT COUNT(*) FROM order_claims WHERE order_id = ?", {Value(day31)})[0].Int(0), 0);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM audit_log WHERE action = 'claim.create' AND outcome = "
                  "'refused:claim_window_closed'")[0]
                .Int(0),
            1);
}

TEST_P(ShipmentsTest, AnAcceptedClaimPlacesOneFreeReplacementOfTheSamePrescription) {
  const std::string order = AddOrder("shipped");
  Today(kEta + Days{3});
  const auto claim = Report(order, ClaimKind::kLost);
  ASSERT_EQ(Code(claim), "ok");
  EXPECT_EQ(claim->state, ClaimState::kApproved);
  EXPECT_FALSE(claim->return_required);
  ASSERT_FALSE(claim->replacement_order_id.empty());
  const Rows r = Query("SELECT rx_number, fee_cents, status, replaces_order_id, speed FROM orders WHERE id = ?",
                       {Value(claim->replacement_order_id)});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].Text(0), Query("SELECT rx_number FROM orders WHERE id = ?", {Value(order)})[0].Text(0));
  EXPECT_EQ(r[0].Int(1), 0) << "free, although the original went expedited";
  EXPECT_EQ(r[0].Text(2), "received");
  EXPECT_EQ(r[0].Text(3), order);
  EXPECT_EQ(r[0].Text(4), "expedited");
  EXPECT_EQ(Outbox("claim_replacement"), 1);
  // The description is sealed at rest and opens for the member.
  const Rows raw = Query("SELECT description_enc FROM order_claims WHERE id = ?", {Value(claim->id)});
  EXPECT_EQ(raw[0].Text(0).find("box was empty"), std::string::npos);
  auto read = claims_->Get(member_caller_, claim->id);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->description, "box was empty");
}

TEST_P(ShipmentsTest, ASecondClaimOnTheSameOrderIsRefused) {
  const std::string order = AddOrder("delivered", "none", kEta);
  Today(kEta + Days{2});
  ASSERT_EQ(Code(Report(order, ClaimKind::kDamaged)), "ok");
  EXPECT_EQ(Code(Report(order, ClaimKind::kLost)), "claim_exists");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM orders WHERE replaces_order_id = ?", {Value(order)})[0].Int(0), 1);
}

TEST_P(ShipmentsTest, DamagedNeedsADeliveryAndThenAsksTheNonControlledPackageBack) {
  const std::string in_transit = AddOrder("shipped");
  Today(kEta + Days{2});
  EXPECT_EQ(Code(Report(in_transit, ClaimKind::kDamaged)), "order_not_delivered");
  const std::string delivered = AddOrder("delivered", "none", kEta - Days{1});
  const auto claim = Report(delivered, ClaimKind::kDamaged);
  ASSERT_EQ(Code(claim), "ok");
  EXPECT_TRUE(claim->return_required);
  const std::string controlled = AddOrder("delivered", "IV", kEta - Days{1});
  const auto c2 = Report(controlled, ClaimKind::kDamaged);
  ASSERT_EQ(Code(c2), "ok");
  EXPECT_FALSE(c2->return_required) << "a pharmacy takes controlled drugs back only as a DEA collector";
}

TEST_P(ShipmentsTest, ALateDeliveryMovesTheWindowToTheDeliveryDay) {
  const std::string order = AddOrder("delivered", "none", kEta + Days{5});
  Today(kEta + Days{35});
  EXPECT_EQ(Code(Report(order, ClaimKind::kDamaged)), "ok");
  const std::string order2 = AddOrder("delivered", "none", kEta + Days{5});
  Today(kEta + Days{36});
  EXPECT_EQ(Code(Report(order2, ClaimKind::kDamaged)), "claim_window_closed");
}

TEST_P(ShipmentsTest, NothingShippedNothingReturnedCanBeClaimed) {
  Today(kEta + Days{2});
  for (const char* status : {"received", "in_review", "filled", "cancelled"}) {
    EXPECT_EQ(Code(Report(AddOrder(status), ClaimKind::kLost)), "order_not_shipped") << status;
  }
  EXPECT_EQ(Code(Report(AddOrder("returned"), ClaimKind::kLost)), "order_returned");
  EXPECT_EQ(Code(Report("no-such-order", ClaimKind::kLost)), "not_found");
}

TEST_P(ShipmentsTest, AControlledReplacementWaitsForAPharmacistWhoApprovesOnce) {
  const std::string order = AddOrder("shipped", "II");
  Today(kEta + Days{4});
  const auto claim = Report(order, ClaimKind::kLost);
  ASSERT_EQ(Code(claim), "ok");
  EXPECT_EQ(claim->state, ClaimState::kPendingApproval);
  EXPECT_TRUE(claim->replacement_order_id.empty());
  EXPECT_EQ(Query("SELECT COUNT(*) FROM orders WHERE replaces_order_id = ?", {Value(order)})[0].Int(0), 0);
  EXPECT_EQ(Outbox("claim_received"), 1);
  auto queue = claims_->Queue(pharmacist_, ClaimState::kPendingApproval, 50, "");
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->items.size(), 1u);
  EXPECT_EQ(queue->items[0].id, claim->id);

  auto approved = claims_->Decide(pharmacist_, claim->id, {.approve = true});
  ASSERT_TRUE(approved.ok()) << approved.error().code;
  EXPECT_EQ(approved->state, ClaimState::kApproved);
  EXPECT_FALSE(approved->replacement_order_id.empty());
  EXPECT_EQ(approved->decided_by, "rph-1");
  EXPECT_EQ(Outbox("claim_replacement"), 1);
  auto again = claims_->Decide(pharmacist_, claim->id, {.approve = true});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "invalid_transition");
  EXPECT_EQ(Query("SELECT COUNT(*) FROM orders WHERE replaces_order_id = ?", {Value(order)})[0].Int(0), 1);
  EXPECT_TRUE(claims_->Queue(pharmacist_, ClaimState::kPendingApproval, 50, "")->items.empty());
}

TEST_P(ShipmentsTest, ADenialKeepsItsReasonSealedAndTellsTheMember) {
  const std::string order = AddOrder("shipped", "III");
  Today(kEta + Days{4});
  const auto claim = Report(order, ClaimKind::kLost);
  ASSERT_EQ(Code(claim), "ok");
  auto no_reason = claims_->Decide(pharmacist_, claim->id, {.approve = false});
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.error().field, "reason");
  auto denied = claims_->Decide(pharmacist_, claim->id, {.approve = false, .reason = "third report this year"});
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->state, ClaimState::kDenied);
  EXPECT_TRUE(denied->replacement_order_id.empty());
  EXPECT_EQ(Outbox("claim_denied"), 1);
  const Rows raw = Query("SELECT decision_reason_enc FROM order_claims WHERE id = ?", {Value(claim->id)});
  EXPECT_EQ(raw[0].Text(0).find("third report"), std::string::npos);
  EXPECT_EQ(claims_->Get(member_caller_, claim->id)->decision_reason, "third report this year");
  EXPECT_EQ(claims_->Decide(pharmacist_, claim->id, {.approve = true}).error().code, "invalid_transition");
}

TEST_P(ShipmentsTest, TheReplacementsFillUsesNoRefillEvenWhenNoneRemain) {
  const std::string order = AddOrder("shipped", "none", std::nullopt, /*refills_remaining=*/0);
  Today(kEta + Days{2});
  const auto claim = Report(order, ClaimKind::kLost);
  ASSERT_EQ(Code(claim), "ok");
  const std::string rx = Query("SELECT rx_number FROM orders WHERE id = ?", {Value(order)})[0].Text(0);
  clock_.Advance(hours{1});
  ASSERT_TRUE(orders_->Apply(pharmacist_, claim->replacement_order_id, {.type = OrderEventType::kStartReview}).ok());
  clock_.Advance(hours{1});
  auto filled = orders_->Apply(pharmacist_, claim->replacement_order_id, {.type = OrderEventType::kFill});
  ASSERT_TRUE(filled.ok()) << filled.error().code;
  EXPECT_EQ(Query("SELECT refills_remaining FROM prescriptions WHERE rx_number = ?", {Value(rx)})[0].Int(0), 0);
  const Rows fill = Query("SELECT is_refill FROM fills WHERE order_id = ?", {Value(claim->replacement_order_id)});
  ASSERT_EQ(fill.size(), 1u) << "the re-dispensing is recorded";
  EXPECT_EQ(fill[0].Int(0), 0);
}

TEST_P(ShipmentsTest, AnAgentWithoutAVerifiedContactCannotClaimOrTrack) {
  const std::string order = AddOrder("shipped");
  Today(kEta + Days{2});
  EXPECT_EQ(Code(Report(order, ClaimKind::kLost, &agent_)), "verification_required");
  auto t = shipments_->Track(agent_, order);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "verification_required");
  Caller other = member_caller_;
  other.principal.member_id = "someone-else";
  EXPECT_EQ(Code(Report(order, ClaimKind::kLost, &other)), "not_found");
}

TEST_P(ShipmentsTest, TheQueueListsOrdersOldestFirstPageByPageAndAuditsEach) {
  const std::string newer = AddOrder("received", "none", std::nullopt, 3, "2026-03-03T10:00:00Z");
  const std::string oldest = AddOrder("in_review", "none", std::nullopt, 3, "2026-03-01T10:00:00Z");
  const std::string middle = AddOrder("filled", "none", std::nullopt, 3, "2026-03-02T10:00:00Z");
  AddOrder("shipped", "none", std::nullopt, 3, "2026-02-01T10:00:00Z");
  clock_.Set(*ParseInstant("2026-03-03T12:00:00Z"));
  const std::vector<OrderStatus> work = {OrderStatus::kReceived, OrderStatus::kInReview, OrderStatus::kFilled};
  auto first = shipments_->Queue(pharmacist_, work, 2, "");
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].id, oldest);
  EXPECT_EQ(first->items[0].age_s, 2 * 86400 + 2 * 3600);
  EXPECT_EQ(first->items[1].id, middle);
  ASSERT_TRUE(first->next_cursor.has_value());
  auto second = shipments_->Queue(pharmacist_, work, 2, *first->next_cursor);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].id, newer);
  EXPECT_FALSE(second->next_cursor.has_value());
  EXPECT_EQ(Query("SELECT COUNT(*) FROM audit_log WHERE action = 'order.queue'")[0].Int(0), 3);
  EXPECT_EQ(shipments_->Queue(pharmacist_, {OrderStatus::kDelivered}, 2, "").error().field, "status");
  EXPECT_EQ(shipments_->Queue(pharmacist_, work, 2, "nope").error().field, "cursor");
}

TEST_P(ShipmentsTest, ACarrierFailureIsReportedAndLeavesTheOrderAsItWas) {
  const std::string order = AddOrder("shipped");
  Exec("UPDATE orders SET tracking_number = '9400100000000000000008' WHERE id = ?", {Value(order)});
  const Rows before = Query("SELECT status, updated_at FROM orders WHERE id = ?", {Value(order)});
  clock_.Set(*ParseInstant("2026-03-04T12:00:00Z"));
  auto t = shipments_->Track(member_caller_, order);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, "carrier_unavailable");
  const Rows after = Query("SELECT status, updated_at FROM orders WHERE id = ?", {Value(order)});
  EXPECT_EQ(after[0].Text(0), before[0].Text(0));
  EXPECT_EQ(after[0].Text(1), before[0].Text(1));
  EXPECT_EQ(Query("SELECT COUNT(*) FROM audit_log WHERE action = 'order.tracking' AND outcome = "
                  "'failed:carrier_unavailable'")[0]
                .Int(0),
            1);
  Exec("UPDATE orders SET tracking_number = '9400100000000000000000' WHERE id = ?", {Value(order)});
  auto ok = shipments_->Track(member_caller_, order);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->report.status, TrackingStatus::kInTransit);
  EXPECT_EQ(shipments_->Track(member_caller_, AddOrder("filled")).error().code, "order_not_shipped");
}

TEST_P(ShipmentsTest, AShippedEventWithAMalformedTrackingNumberIsRefusedAndAudited) {
  const std::string order = AddOrder("filled");
  clock_.Set(*ParseInstant("2026-03-04T12:00:00Z"));
  auto bad = orders_->Apply(pharmacist_, order,
                            {.type = OrderEventType::kShip, .carrier = "UPS", .tracking = "1Z999AA1012345678"});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_tracking_number");
  EXPECT_EQ(bad.error().field, "tracking");
  EXPECT_EQ(Query("SELECT status FROM orders WHERE id = ?", {Value(order)})[0].Text(0), "filled");
  auto good = orders_->Apply(pharmacist_, order,
                             {.type = OrderEventType::kShip, .carrier = "UPS", .tracking = "1Z999AA10123456784"});
  ASSERT_TRUE(good.ok()) << good.error().code;
  EXPECT_EQ(good->status, OrderStatus::kShipped);
}

INSTANTIATE_TEST_SUITE_P(Dialects, ShipmentsTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& p) { return p.param == Dialect::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace rxdesk
