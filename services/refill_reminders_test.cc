// The reminder pass on a real migrated store (SQLite, and PostgreSQL where its
// binaries are installed), with a manual clock: a reminder and an automatic
// refill once per cycle however many passes and services run, pages smaller
// than the data, the lease between two holders, a gone holder's lease taken
// over, and enrolment refusals.
#include "services/refill_reminders.h"

#include <gtest/gtest.h>

#include "domain/test_fixtures.h"
#include "tests/support/service_env.h"

namespace rxdesk {
namespace {

using testing::TestPostgres;

// Noon in Chicago on 2026-03-10.
const Instant kNow = test::At("2026-03-10T17:00:00Z");
const Date kToday = MakeDate(2026, 3, 10);

class RefillRemindersStoreTest : public ::testing::TestWithParam<Dialect>, protected testing::ServiceEnv {
 protected:
  RefillRemindersStoreTest() : ServiceEnv(kNow) {}

  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    ASSERT_TRUE(OpenServiceEnv(GetParam(), "reminders"));
    pharmacy_ =
        std::make_unique<PharmacyServices>(*store_, *vault_, clock_, test::Chicago(), *members_, PharmacyConfig{});
    pharmacist_.principal = {.user_id = "U-PHARMACIST", .username = "ph", .role = Role::kPharmacist};
  }

  std::unique_ptr<RefillReminderService> Service(std::string holder, RefillReminderOptions options = {}) {
    return std::make_unique<RefillReminderService>(*store_, clock_, test::Chicago(), *members_, *pharmacy_,
                                                   std::move(options), std::move(holder));
  }

  std::string AddMember() {
    Member m;
    m.id = "M" + std::to_string(++members_added_);
    m.member_number = "10000" + std::to_string(members_added_);
    m.first_name = "Ana";
    m.last_name = "Ruiz";
    m.date_of_birth = MakeDate(1960, 1, 2);
    m.address = {.line1 = "1 Main St", .city = "Austin", .state = "TX", .zip = "78701", .country = "US"};
    m.email = "ana" + std::to_string(members_added_) + "@example.com";
    m.created_at = m.updated_at = FormatInstant(clock_.Now());
    EXPECT_TRUE(store_->Write([&](WriteContext& w) { return members_->Save(w.conn, m); }).ok());
    return m.id;
  }

  // A 30-day prescription with its original fill `days_ago` days before kToday.
  std::string AddRx(const std::string& member_id, int days_ago, int refills = 3) {
    const std::string written = FormatDate(kToday - Days{days_ago + 3});
    NewPrescriptionInput in;
    in.drug = {.ndc = "00093714656", .name = "atorvastatin", .strength = "", .form = ""};
    in.schedule = "none";
    in.quantity = "30";
    in.days_supply = 30;
    in.refills_authorized = refills;
    in.written_date = written;
    in.prescriber = {.npi = "1245319599", .name = "Dr. Avery Quinn", .dea = ""};
    auto rx = pharmacy_->prescriptions.Create(pharmacist_, member_id, in, nullptr);
    EXPECT_TRUE(rx.ok()) << (rx.ok() ? "" : rx.error().code);
    if (!rx.ok()) return "";
    auto fill = pharmacy_->prescriptions.RecordFill(
        pharmacist_, rx->rx_number,
        {.fill_date = kToday - Days{days_ago}, .quantity = Quantity::FromUnits(30), .days_supply = 30}, nullptr);
    EXPECT_TRUE(fill.ok()) << (fill.ok() ? "" : fill.error().code);
    return rx->rx_number;
  }

  void Enrol(const std::string& rx_number) {
    Caller member;
    auto found = store_->Read([&](Connection& c) { return PrescriptionService::Load(c, rx_number); });
    ASSERT_TRUE(found.ok() && found->has_value());
    member.principal = {.user_id = "U-" + (*found)->member_id, .role = Role::kMember, .member_id = (*found)->member_id};
    auto set = Service("enrol")->SetAutoRefill(member, rx_number, true);
    ASSERT_TRUE(set.ok()) << set.error().code;
  }

  std::int64_t Count(const std::string& sql, std::initializer_list<Value> params = {}) {
    auto rows = store_->Read(
        [&](Connection& c) { return c.Query(sql, std::span<const Value>(params.begin(), params.size())); });
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() ? rows->at(0).Int(0) : -1;
  }

  std::unique_ptr<PharmacyServices> pharmacy_;
  Caller pharmacist_;
  int members_added_ = 0;
};

TEST_P(RefillRemindersStoreTest, AReminderIsQueuedOnceWithItsMarkAndAuditEntry) {
  const std::string member = AddMember();
  const std::string rx = AddRx(member, 23);  // runs out Mar 17: due from Mar 10
  auto service = Service("node-a");
  auto first = service->RunPass({});
  ASSERT_TRUE(first.ok()) << first.error().code;
  EXPECT_EQ(first->as_of, kToday);
  EXPECT_EQ(first->reminders_queued, 1);
  auto second = service->RunPass({});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->reminders_queued, 0);
  EXPECT_EQ(second->already_done, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE member_id = ? AND template_id = 'refill_reminder'",
                  {Value(member)}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM refill_cycle_actions WHERE rx_number = ? AND cycle_fill_date = ? AND kind = "
                  "'reminder' AND outcome = 'queued' AND channel = 'email'",
                  {Value(rx), Value(FormatDate(kToday - Days{23}))}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'refill_reminder.queue' AND record_id = ? AND "
                  "member_id = ? AND actor_id = 'system'",
                  {Value(rx), Value(member)}),
            1);
}

TEST_P(RefillRemindersStoreTest, TheDayBeforeTheWindowQueuesNothing) {
  const std::string member = AddMember();
  AddRx(member, 22);  // runs out Mar 18: due from Mar 11
  auto report = Service("node-a")->RunPass({.as_of = kToday});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->due, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE member_id = ?", {Value(member)}), 0);
  report = Service("node-a")->RunPass({.as_of = kToday + Days{1}});
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->reminders_queued, 1);
}

TEST_P(RefillRemindersStoreTest, PagesSmallerThanTheDataStillVisitEveryPrescriptionOnce) {
  std::vector<std::string> members;
  for (int i = 0; i < 7; ++i) {
    members.push_back(AddMember());
    AddRx(members.back(), 23);
    AddRx(members.back(), 2);  // not due
  }
  auto report = Service("node-a", {.page_size = 3})->RunPass({});
  ASSERT_TRUE(report.ok()) << report.error().code;
  EXPECT_EQ(report->scanned, 14);
  EXPECT_EQ(report->due, 7);
  EXPECT_EQ(report->reminders_queued, 7);
  for (const std::string& m : members) {
    EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE member_id = ?", {Value(m)}), 1) << m;
  }
}

TEST_P(RefillRemindersStoreTest, TwoServicesPlaceOneAutomaticRefillPerCycle) {
  const std::string member = AddMember();
  const std::string rx = AddRx(member, 25);  // eligible since Mar 8, runs out Mar 15
  Enrol(rx);
  auto a = Service("node-a")->RunPass({});
  auto b = Service("node-b")->RunPass({});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->orders_placed, 1);
  EXPECT_EQ(b->orders_placed, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM orders WHERE rx_number = ?", {Value(rx)}), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM refill_cycle_actions WHERE rx_number = ? AND outcome = 'ordered' AND order_id "
                  "IS NOT NULL",
                  {Value(rx)}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE member_id = ? AND template_id = 'refill_reminder'",
                  {Value(member)}),
            0);
}

TEST_P(RefillRemindersStoreTest, ManyEnrolledPrescriptionsOrderedAtOnceEachGetOneOrder) {
  std::vector<std::string> rxs;
  for (int i = 0; i < 12; ++i) {
    rxs.push_back(AddRx(AddMember(), 25));
    Enrol(rxs.back());
  }
  auto a = Service("node-a", {.page_size = 5, .order_threads = 4})->RunPass({});
  auto b = Service("node-b", {.page_size = 5, .order_threads = 4})->RunPass({});
  ASSERT_TRUE(a.ok()) << a.error().code;
  ASSERT_TRUE(b.ok()) << b.error().code;
  EXPECT_EQ(a->orders_placed, 12);
  EXPECT_EQ(b->orders_placed, 0);
  EXPECT_EQ(b->already_done, 12);
  for (const std::string& rx : rxs) EXPECT_EQ(Count("SELECT COUNT(*) FROM orders WHERE rx_number = ?", {Value(rx)}), 1);
}

TEST_P(RefillRemindersStoreTest, ALeaseHeldByAnotherLiveHolderRefusesThePass) {
  ASSERT_TRUE(store_
                  ->Write([&](WriteContext& w) -> Status {
                    RXD_TRY(
                        w.conn.Exec("UPDATE job_leases SET holder = 'node-a', expires_at = ? WHERE name = "
                                    "'refill_reminders'",
                                    {Value(FormatInstant(kNow + std::chrono::minutes(5)))}));
                    return OkStatus();
                  })
                  .ok());
  auto refused = Service("node-b")->RunPass({});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "conflict");
  // The same holder renews its own lease; a gone holder's lease is taken over at once.
  EXPECT_TRUE(Service("node-a")->RunPass({}).ok());
  ASSERT_TRUE(store_
                  ->Write([&](WriteContext& w) -> Status {
                    RXD_TRY(
                        w.conn.Exec("UPDATE job_leases SET holder = 'node-a', expires_at = ? WHERE name = "
                                    "'refill_reminders'",
                                    {Value(FormatInstant(kNow + std::chrono::minutes(5)))}));
                    return OkStatus();
                  })
                  .ok());
  auto taken = Service("node-b", {.holder_gone = [](const std::string& h) { return h == "node-a"; }})->RunPass({});
  EXPECT_TRUE(taken.ok()) << taken.error().code;
  // A finished pass releases the lease.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM job_leases WHERE name = 'refill_reminders' AND holder IS NULL"), 1);
}

TEST_P(RefillRemindersStoreTest, AnExpiredLeaseIsFree) {
  ASSERT_TRUE(store_
                  ->Write([&](WriteContext& w) -> Status {
                    RXD_TRY(
                        w.conn.Exec("UPDATE job_leases SET holder = 'node-a', expires_at = ? WHERE name = "
                                    "'refill_reminders'",
                                    {Value(FormatInstant(kNow - std::chrono::seconds(1)))}));
                    return OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(Service("node-b")->RunPass({}).ok());
}

TEST_P(RefillRemindersStoreTest, ACancelledPassStopsAndReleasesTheLease) {
  AddRx(AddMember(), 23);
  std::atomic<bool> cancel{true};
  auto r = Service("node-a")->RunPass({.cancel = &cancel});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "cancelled");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox"), 0);
  EXPECT_TRUE(Service("node-b")->RunPass({}).ok());
}

TEST_P(RefillRemindersStoreTest, EnrolmentIsRefusedForAnotherMembersPrescription) {
  const std::string rx = AddRx(AddMember(), 5);
  Caller other;
  other.principal = {.user_id = "U-OTHER", .role = Role::kMember, .member_id = AddMember()};
  auto set = Service("x")->SetAutoRefill(other, rx, true);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code, "not_found");
  auto get = Service("x")->GetAutoRefill(other, rx);
  ASSERT_FALSE(get.ok());
  EXPECT_EQ(get.error().code, "not_found");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM auto_refill_enrollments"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'auto_refill.%' AND outcome = 'denied'"), 2);
}

TEST_P(RefillRemindersStoreTest, AnAdminMayNotEnrolAMembersPrescription) {
  const std::string rx = AddRx(AddMember(), 5);
  Caller admin;
  admin.principal = {.user_id = "U-ADMIN", .role = Role::kAdmin};
  auto set = Service("x")->SetAutoRefill(admin, rx, true);
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().code, "not_found");
}

INSTANTIATE_TEST_SUITE_P(Dialects, RefillRemindersStoreTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& param_info) {
                           return param_info.param == Dialect::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace rxdesk
