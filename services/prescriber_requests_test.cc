// Mail-order switches and renewal requests on a real migrated store (SQLite, and
// PostgreSQL where its binaries are installed) with a manual clock: the approval's
// new prescription and what happens to the old one, the one-open-request rule
// (also enforced by the schema), sealing, notifications in the same transaction,
// the queue's order and paging, who may do what, and a store reopened as after a
// restart.
#include "services/prescriber_requests.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include "infra/ids.h"
#include "store/audit_coverage.h"
#include "store/audit_log.h"
#include "tests/support/postgres_schema.h"
#include "tests/support/server_process.h"

namespace rxdesk {
namespace {

using testing::TempDir;
using testing::TestPostgres;
using testing::TestStoreOptions;

constexpr auto kSwitch = PrescriberRequestKind::kMailOrderSwitch;
constexpr auto kRenewal = PrescriberRequestKind::kRenewal;

Instant At(const char* text) { return *ParseInstant(text); }

// A statement's outcome without its row count.
Status Ran(const Result<std::int64_t>& r) {
  if (!r.ok()) return r.error();
  return OkStatus();
}

class PrescriberRequestsTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    options_ = TestStoreOptions(GetParam(), dir_.path(), "prescriber_requests");
    Open();
    auto ring = LoadOrCreateKeyFile(dir_.path() + "/rxdesk.key", true);
    ASSERT_TRUE(ring.ok()) << ring.error().message;
    vault_ = std::make_unique<PhiVault>(std::move(*ring));
    MakeServices();
    pharmacist_ = CallerFor(AddUser("pharmacist"), Role::kPharmacist);
    agent_ = CallerFor(AddUser("agent"), Role::kAgent);
    supervisor_ = CallerFor(AddUser("supervisor"), Role::kSupervisor);
    member_a_ = AddMember();
    member_b_ = AddMember();
    member_user_ = CallerFor(AddUser("member", member_a_), Role::kMember, member_a_);
    const Status s = store_->Write([&](WriteContext& w) -> Status {
      RXD_TRY(
          w.conn.Exec("INSERT INTO drugs(ndc, name, strength, form, schedule, generic, maintenance) VALUES "
                      "('99999-0101-01', 'atorvastatin', '20 mg', 'tablet', 'none', 1, 1), "
                      "('99999-0115-01', 'clarithromycin', '500 mg', 'tablet', 'none', 1, 0)"));
      return OkStatus();
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  // (Re)opens the store as after a restart.
  void Open() {
    requests_.reset();
    prescriptions_.reset();
    members_.reset();
    store_.reset();
    auto store = Store::Open(options_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
  }
  void MakeServices() {
    members_ = std::make_unique<MemberService>(*store_, *vault_, clock_);
    prescriptions_ = std::make_unique<PrescriptionService>(*store_, *vault_, clock_, zone_, *members_, RefillPolicy{},
                                                           PrescriptionPolicy{});
    requests_ = std::make_unique<PrescriberRequestService>(*store_, *vault_, clock_, zone_, *members_, *prescriptions_,
                                                           PrescriberRequestPolicy{});
  }

  static Caller CallerFor(const std::string& user_id, Role role, const std::string& member_id = "") {
    Caller c;
    c.principal.user_id = user_id;
    c.principal.role = role;
    c.principal.member_id = member_id;
    c.request_id = "test";
    return c;
  }
  std::string AddUser(const std::string& role, const std::string& member_id = "") {
    const std::string id = NewId();
    const Status s = store_->Write([&](WriteContext& w) -> Status {
      return Ran(w.conn.Exec(
          "INSERT INTO users(id, username, role, password_hash, member_id, created_at) VALUES (?, ?, ?, 'x', ?, "
          "'t')",
          {Value(id), Value(role + "-" + id), Value(role), member_id.empty() ? Value() : Value(member_id)}));
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return id;
  }
  // A member with an email address on file (so notifications are queued).
  std::string AddMember() {
    const std::string id = NewId();
    const Status s = store_->Write([&](WriteContext& w) -> Status {
      const auto seal = [&](std::string_view f, std::string_view v) {
        return Value(vault_->Seal("members", id, f, v));
      };
      return Ran(w.conn.Exec(
          "INSERT INTO members(id, member_number_enc, member_number_index, first_name_enc, last_name_enc, "
          "date_of_birth_enc, address_enc, email_enc, name_dob_index, key_id, created_at, updated_at) VALUES "
          "(?, ?, ?, ?, ?, ?, ?, ?, 'ix', 1, 't', 't')",
          {Value(id), seal("member_number", "x"), Value("n-" + id), seal("first_name", "x"), seal("last_name", "x"),
           seal("date_of_birth", "1970-01-01"), seal("address", "{}"), seal("email", "member@example.test")}));
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return id;
  }
  // A prescription entered by the pharmacist, written ten days ago.
  std::string AddRx(const std::string& member, const char* ndc = "99999-0101-01", const char* schedule = "none",
                    int days = 30, int refills = 3, const char* quantity = "30") {
    NewPrescriptionInput in;
    in.drug = {ndc, "a drug", "20 mg", "tablet"};
    in.schedule = schedule;
    in.quantity = quantity;
    in.days_supply = days;
    in.refills_authorized = refills;
    const std::string written = FormatDate(Today() - Days{10});
    in.written_date = written;
    in.prescriber = {"1245319599", "Dr. Avery Quinn", std::string_view(schedule) == "none" ? "" : "AQ1234563"};
    auto rx = prescriptions_->Create(pharmacist_, member, in, nullptr);
    EXPECT_TRUE(rx.ok()) << rx.error().code << " " << rx.error().field;
    return rx.ok() ? rx->rx_number : "";
  }
  void Fill(const std::string& rx, Date day) {
    auto f = prescriptions_->RecordFill(
        pharmacist_, rx, {.fill_date = day, .quantity = Quantity::FromUnits(30), .days_supply = 30}, nullptr);
    ASSERT_TRUE(f.ok()) << f.error().code;
  }
  Date Today() const { return zone_.LocalDate(clock_.Now()); }
  std::string VerifiedContact(const std::string& member) {
    const std::string id = NewId();
    const Status s = store_->Write([&](WriteContext& w) -> Status {
      return Ran(w.conn.Exec(
          "INSERT INTO contacts(id, reference, channel, agent_id, member_id, status, verification, opened_at, "
          "updated_at) VALUES (?, ?, 'call', ?, ?, 'open', 'verified', 't', 't')",
          {Value(id), Value("REF-" + id), Value(agent_.principal.user_id), Value(member)}));
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return id;
  }
  std::string Code(const Status& s) const { return s.ok() ? "ok" : s.error().code; }
  template <typename T>
  std::string Code(const Result<T>& r) const {
    return r.ok() ? "ok" : r.error().code;
  }
  std::int64_t Count(const std::string& sql, std::initializer_list<Value> params) {
    auto rows = store_->Read([&](Connection& c) { return c.Query(sql, params); });
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }
  PrescriberRequestRecord Created(PrescriberRequestKind kind, const std::string& rx, const Caller& caller) {
    auto r = requests_->Create(caller, kind, rx, nullptr);
    EXPECT_TRUE(r.ok()) << r.error().code;
    return r.ok() ? *r : PrescriberRequestRecord{};
  }
  Result<PrescriberRequestRecord> Step(PrescriberRequestKind kind, const std::string& id, PrescriberRequestEvent e,
                                       const Caller* as = nullptr) {
    return requests_->Apply(as ? *as : pharmacist_, kind, id, e);
  }

  TempDir dir_;
  StoreOptions options_;
  ManualClock clock_{At("2026-11-02T15:00:00Z")};
  Zone zone_{date::locate_zone("America/Chicago")};
  std::unique_ptr<Store> store_;
  std::unique_ptr<PhiVault> vault_;
  std::unique_ptr<MemberService> members_;
  std::unique_ptr<PrescriptionService> prescriptions_;
  std::unique_ptr<PrescriberRequestService> requests_;
  Caller pharmacist_, agent_, supervisor_, member_user_;
  std::string member_a_, member_b_;
};

TEST_P(PrescriberRequestsTest, ASwitchApprovalCreatesTheNinetyDayRxCancelsTheRetailOneAndNotifiesInOneTransaction) {
  const std::string rx = AddRx(member_a_);
  const PrescriberRequestRecord r = Created(kSwitch, rx, member_user_);
  EXPECT_EQ(r.status, "requested");
  EXPECT_EQ(r.reference.rfind("RX-", 0), 0u);
  ASSERT_EQ(Code(Step(kSwitch, r.id, {.type = "sent_to_prescriber"})), "ok");
  clock_.Advance(std::chrono::hours{26});
  auto approved = Step(kSwitch, r.id, {.type = "approved", .refills_authorized = 3});
  ASSERT_TRUE(approved.ok()) << approved.error().code;
  EXPECT_EQ(approved->status, "approved");
  ASSERT_EQ(approved->new_rx_number.size(), 8u);
  EXPECT_NE(approved->new_rx_number, rx);

  auto fresh = prescriptions_->Get(pharmacist_, approved->new_rx_number);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->member_id, member_a_);
  EXPECT_EQ(fresh->rx.days_supply, 90);
  EXPECT_EQ(FormatQuantity(fresh->rx.quantity), "90");
  EXPECT_EQ(fresh->rx.refills_authorized, 3);
  EXPECT_EQ(fresh->rx.refills_remaining, 3);
  EXPECT_EQ(fresh->rx.written_date, Today());
  EXPECT_EQ(fresh->rx.status, RxStatus::kActive);
  EXPECT_EQ(fresh->rx.drug.ndc, "99999010101");
  EXPECT_EQ(prescriptions_->Get(pharmacist_, rx)->rx.status, RxStatus::kCancelled);

  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE member_id = ? AND template_id = "
                  "'mail_order_switch_approved'",
                  {Value(member_a_)}),
            1);
  // Every prescription row written or changed is covered by an audit entry.
  auto report = store_->Read([&](Connection& c) { return VerifyAuditedTables(c, AuditCheckpoint{}); });
  ASSERT_TRUE(report.ok()) << report.error().message;
  for (const auto& f : report->findings) {
    // This fixture writes its members by hand, without entries; the prescriptions are the subject.
    if (f.table != "members") ADD_FAILURE() << f.table << " " << f.record_id << " " << f.problem;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'mail_order_switch.approved' AND record_id = ?",
                  {Value(r.id)}),
            1);
}

TEST_P(PrescriberRequestsTest, TheQuantityScalesWithTheSupplyUnlessThePrescriberGaveOne) {
  const std::string twice_a_day = AddRx(member_a_, "99999-0101-01", "none", 30, 3, "60");
  const PrescriberRequestRecord r = Created(kSwitch, twice_a_day, pharmacist_);
  ASSERT_EQ(Code(Step(kSwitch, r.id, {.type = "sent_to_prescriber"})), "ok");
  auto approved = Step(kSwitch, r.id, {.type = "approved", .refills_authorized = 1});
  ASSERT_TRUE(approved.ok());
  EXPECT_EQ(FormatQuantity(prescriptions_->Get(pharmacist_, approved->new_rx_number)->rx.quantity), "180");

  const std::string other = AddRx(member_a_);
  const PrescriberRequestRecord r2 = Created(kSwitch, other, pharmacist_);
  ASSERT_EQ(Code(Step(kSwitch, r2.id, {.type = "sent_to_prescriber"})), "ok");
  auto given = Step(kSwitch, r2.id, {.type = "approved", .refills_authorized = 0, .quantity = Quantity::FromUnits(84)});
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(FormatQuantity(prescriptions_->Get(pharmacist_, given->new_rx_number)->rx.quantity), "84");
}

TEST_P(PrescriberRequestsTest, ASecondOpenRequestForTheSameRxIsRefusedWithTheOpenOnesId) {
  const std::string rx = AddRx(member_a_);
  const PrescriberRequestRecord first = Created(kSwitch, rx, member_user_);
  auto second = requests_->Create(pharmacist_, kSwitch, rx, nullptr);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, "conflict");
  ASSERT_EQ(second.error().details.size(), 1u);
  EXPECT_EQ(second.error().details[0].second, first.id);
  // The schema holds the rule too: a second open row cannot be written behind the service's back.
  const Status raw = store_->Write([&](WriteContext& w) -> Status {
    return Ran(w.conn.Exec(
        "INSERT INTO mail_order_switches(id, reference, member_id, rx_number, status, requested_by, created_at, "
        "updated_at) VALUES ('x', 'RX-X', ?, ?, 'sent_to_prescriber', 'u', 't', 't')",
        {Value(member_a_), Value(rx)}));
  });
  EXPECT_FALSE(raw.ok());
  // Once cancelled, the member may ask again.
  ASSERT_EQ(Code(Step(kSwitch, first.id, {.type = "cancelled"}, &member_user_)), "ok");
  EXPECT_EQ(Code(requests_->Create(member_user_, kSwitch, rx, nullptr)), "ok");
}

TEST_P(PrescriberRequestsTest, SwitchEligibilityFollowsTheDomain) {
  EXPECT_EQ(Code(requests_->Create(pharmacist_, kSwitch, AddRx(member_a_, "99999-0115-01"), nullptr)),
            "not_maintenance_medication");
  EXPECT_EQ(Code(requests_->Create(pharmacist_, kSwitch, AddRx(member_a_, "00093-7146-56"), nullptr)),
            "not_maintenance_medication");  // not in the formulary: not known as maintenance
  EXPECT_EQ(Code(requests_->Create(pharmacist_, kSwitch, AddRx(member_a_, "99999-0101-01", "none", 90), nullptr)),
            "days_supply_not_retail");
  EXPECT_EQ(Code(requests_->Create(pharmacist_, kSwitch, AddRx(member_a_, "99999-0101-01", "none", 34), nullptr)),
            "ok");
  EXPECT_EQ(Code(requests_->Create(pharmacist_, kSwitch, AddRx(member_a_, "99999-0101-01", "none", 35), nullptr)),
            "days_supply_not_retail");
  EXPECT_EQ(Code(requests_->Create(pharmacist_, kSwitch, AddRx(member_a_, "99999-0101-01", "II", 30, 0), nullptr)),
            "schedule_ii_not_eligible");
  EXPECT_EQ(Code(requests_->Create(pharmacist_, kSwitch, AddRx(member_a_, "99999-0101-01", "IV", 30, 5), nullptr)),
            "ok");
  EXPECT_EQ(Code(requests_->Create(pharmacist_, kSwitch, "99999995", nullptr)), "not_found");
  // Each refusal is audited.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'mail_order_switch.create' AND outcome LIKE "
                  "'refused:%'",
                  {}),
            5);
}

TEST_P(PrescriberRequestsTest, ADenialNeedsAReasonSealsItAndNotifiesTheMember) {
  const std::string rx = AddRx(member_a_);
  const PrescriberRequestRecord r = Created(kSwitch, rx, member_user_);
  ASSERT_EQ(Code(Step(kSwitch, r.id, {.type = "sent_to_prescriber"})), "ok");
  EXPECT_EQ(Code(Step(kSwitch, r.id, {.type = "denied"})), "invalid_request");
  auto denied = Step(kSwitch, r.id, {.type = "denied", .reason = "dose is being adjusted next month"});
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(denied->status, "denied");
  EXPECT_TRUE(denied->new_rx_number.empty());
  EXPECT_EQ(requests_->Get(member_user_, kSwitch, r.id)->reason, "dose is being adjusted next month");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_order_switches WHERE reason_enc IS NOT NULL", {}), 1);
  auto raw = store_->Read(
      [&](Connection& c) { return c.Query("SELECT reason_enc FROM mail_order_switches WHERE id = ?", {Value(r.id)}); });
  ASSERT_TRUE(raw.ok());
  const auto& blob = std::get<Blob>((*raw)[0].at(0).raw());
  EXPECT_EQ(blob.bytes.find("adjusted"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE template_id = 'mail_order_switch_denied'", {}), 1);
  EXPECT_EQ(prescriptions_->Get(pharmacist_, rx)->rx.status, RxStatus::kActive);  // the retail Rx stays
  EXPECT_EQ(Code(Step(kSwitch, r.id, {.type = "cancelled"}, &member_user_)), "invalid_transition");
}

TEST_P(PrescriberRequestsTest, OnlyAPharmacistRecordsThePrescribersSideAndFieldsMatchTheEvent) {
  const std::string rx = AddRx(member_a_);
  const PrescriberRequestRecord r = Created(kSwitch, rx, member_user_);
  const std::string contact = VerifiedContact(member_a_);
  Caller agent = agent_;
  agent.contact_id = contact;
  EXPECT_EQ(Code(Step(kSwitch, r.id, {.type = "sent_to_prescriber"}, &agent)), "forbidden");
  EXPECT_EQ(Code(Step(kSwitch, r.id, {.type = "sent_to_prescriber"}, &supervisor_)), "forbidden");
  EXPECT_EQ(Code(Step(kSwitch, r.id, {.type = "sent_to_prescriber"}, &member_user_)), "forbidden");
  EXPECT_EQ(Code(Step(kSwitch, r.id, {.type = "approved", .refills_authorized = 1})), "invalid_transition");
  EXPECT_EQ(Code(Step(kSwitch, r.id, {.type = "sent_to_prescriber", .refills_authorized = 1})), "invalid_request");
  EXPECT_EQ(Code(Step(kSwitch, r.id, {.type = "sent"})), "invalid_request");  // a renewal's event name
  EXPECT_EQ(Code(Step(kSwitch, r.id, {.type = "sent_to_prescriber", .reason = "x"})), "invalid_request");
  ASSERT_EQ(Code(Step(kSwitch, r.id, {.type = "sent_to_prescriber"})), "ok");
  EXPECT_EQ(Code(Step(kSwitch, r.id, {.type = "approved"})), "invalid_request");  // refills are the prescriber's
  EXPECT_EQ(Code(Step(kSwitch, r.id, {.type = "sent_to_prescriber"})), "invalid_transition");
  // The agent in a verified contact may cancel for the member; without the contact, not.
  EXPECT_EQ(Code(Step(kSwitch, r.id, {.type = "cancelled"}, &agent_)), "verification_required");
  auto cancelled = Step(kSwitch, r.id, {.type = "cancelled", .reason = "member prefers the local store"}, &agent);
  ASSERT_TRUE(cancelled.ok());
  EXPECT_EQ(cancelled->status, "cancelled");
  EXPECT_FALSE(cancelled->answered_at.empty());
}

TEST_P(PrescriberRequestsTest, MembersSeeOnlyTheirOwnAndAgentsOnlyInAVerifiedContact) {
  const std::string theirs = AddRx(member_b_);
  EXPECT_EQ(Code(requests_->Create(member_user_, kSwitch, theirs, nullptr)), "not_found");
  EXPECT_EQ(Code(requests_->Create(agent_, kSwitch, theirs, nullptr)), "verification_required");
  Caller agent = agent_;
  agent.contact_id = VerifiedContact(member_b_);
  const PrescriberRequestRecord r = Created(kSwitch, theirs, agent);
  EXPECT_EQ(Code(requests_->Get(member_user_, kSwitch, r.id)), "not_found");
  EXPECT_EQ(Code(requests_->Get(agent_, kSwitch, r.id)), "verification_required");
  EXPECT_EQ(Code(requests_->Get(agent, kSwitch, r.id)), "ok");
  EXPECT_EQ(Code(requests_->ListForMember(member_user_, kSwitch, member_b_, 50, "")), "not_found");
  EXPECT_EQ(Code(requests_->Get(pharmacist_, kRenewal, r.id)), "not_found");  // kinds do not mix
  EXPECT_EQ(Code(requests_->Queue(agent, kSwitch, std::nullopt, 50, "")), "forbidden");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'mail_order_switch.read' AND outcome = 'denied'", {}),
            2);
}

TEST_P(PrescriberRequestsTest, TheQueueIsOldestFirstPagedAndFilteredByStatus) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(Created(kSwitch, AddRx(i % 2 == 0 ? member_a_ : member_b_), pharmacist_).id);
    clock_.Advance(std::chrono::seconds{1});
  }
  ASSERT_EQ(Code(Step(kSwitch, ids[1], {.type = "sent_to_prescriber"})), "ok");
  ASSERT_EQ(Code(Step(kSwitch, ids[2], {.type = "cancelled"})), "ok");
  auto first = requests_->Queue(pharmacist_, kSwitch, std::nullopt, 2, "");
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].id, ids[0]);
  EXPECT_EQ(first->items[1].id, ids[1]);
  ASSERT_TRUE(first->next_cursor);
  auto second = requests_->Queue(supervisor_, kSwitch, std::nullopt, 2, *first->next_cursor);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->items.size(), 2u);  // the cancelled one is not open
  EXPECT_EQ(second->items[0].id, ids[3]);
  EXPECT_EQ(second->items[1].id, ids[4]);
  EXPECT_FALSE(second->next_cursor);
  auto sent = requests_->Queue(pharmacist_, kSwitch, "sent_to_prescriber", 50, "");
  ASSERT_TRUE(sent.ok());
  ASSERT_EQ(sent->items.size(), 1u);
  EXPECT_EQ(sent->items[0].id, ids[1]);
  EXPECT_EQ(requests_->Queue(pharmacist_, kSwitch, "cancelled", 50, "")->items.size(), 1u);
  EXPECT_EQ(Code(requests_->Queue(pharmacist_, kSwitch, "sent", 50, "")), "invalid_request");
  EXPECT_EQ(requests_->Queue(pharmacist_, kSwitch, "' OR 1=1 --", 50, "").error().field, "status");
  EXPECT_TRUE(requests_->Queue(pharmacist_, kRenewal, std::nullopt, 50, "")->items.empty());
  // A member's list is newest first.
  auto mine = requests_->ListForMember(member_user_, kSwitch, member_a_, 50, "");
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->items.size(), 3u);
  EXPECT_EQ(mine->items[0].id, ids[4]);
  EXPECT_EQ(mine->items[2].id, ids[0]);
}

TEST_P(PrescriberRequestsTest, ARenewalIsForAnRxWithNoRefillsLeftAndItsApprovalWritesANewOne) {
  const std::string rx = AddRx(member_a_, "99999-0115-01", "none", 30, 1);  // not maintenance: renewals do not care
  const auto not_needed = requests_->Create(member_user_, kRenewal, rx, nullptr);
  ASSERT_FALSE(not_needed.ok());
  EXPECT_EQ(not_needed.error().code, "renewal_not_needed");
  Fill(rx, Today() - Days{70});
  Fill(rx, Today() - Days{40});  // the one refill: none remain
  const PrescriberRequestRecord r = Created(kRenewal, rx, member_user_);
  EXPECT_EQ(Code(requests_->Create(member_user_, kRenewal, rx, nullptr)), "conflict");
  EXPECT_EQ(Code(Step(kRenewal, r.id, {.type = "sent_to_prescriber"})), "invalid_request");
  ASSERT_EQ(Code(Step(kRenewal, r.id, {.type = "sent"})), "ok");
  EXPECT_EQ(Code(Step(kRenewal, r.id, {.type = "approved", .refills_authorized = 100})), "invalid_request");
  auto approved = Step(kRenewal, r.id, {.type = "approved", .refills_authorized = 2});
  ASSERT_TRUE(approved.ok()) << approved.error().code;
  auto fresh = prescriptions_->Get(pharmacist_, approved->new_rx_number);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->rx.days_supply, 30);
  EXPECT_EQ(FormatQuantity(fresh->rx.quantity), "30");
  EXPECT_EQ(fresh->rx.refills_remaining, 2);
  EXPECT_EQ(prescriptions_->Get(pharmacist_, rx)->rx.status, RxStatus::kActive);  // the old one is left as it was
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE template_id = 'renewal_approved'", {}), 1);
  // The new prescription can be filled today.
  EXPECT_TRUE(prescriptions_->Eligibility(pharmacist_, approved->new_rx_number)->eligible);
}

TEST_P(PrescriberRequestsTest, RenewalsFollowTheLawForControlledDrugs) {
  // Schedule II is never renewed: a new written prescription is needed.
  const std::string c2 = AddRx(member_a_, "99999-0201-01", "II", 7, 0);
  Fill(c2, Today() - Days{20});
  EXPECT_EQ(Code(requests_->Create(member_user_, kRenewal, c2, nullptr)), "schedule_ii_new_prescription_required");
  // Schedule III–IV: the new prescription keeps to five refills.
  const std::string c4 = AddRx(member_a_, "99999-0203-01", "IV", 30, 0);
  Fill(c4, Today() - Days{40});
  const PrescriberRequestRecord r = Created(kRenewal, c4, member_user_);
  ASSERT_EQ(Code(Step(kRenewal, r.id, {.type = "sent"})), "ok");
  EXPECT_EQ(Code(Step(kRenewal, r.id, {.type = "approved", .refills_authorized = 6})), "controlled_refill_limit");
  EXPECT_EQ(requests_->Get(pharmacist_, kRenewal, r.id)->status, "sent");  // nothing changed
  auto approved = Step(kRenewal, r.id, {.type = "approved", .refills_authorized = 5});
  ASSERT_TRUE(approved.ok());
  EXPECT_EQ(prescriptions_->Get(pharmacist_, approved->new_rx_number)->rx.refills_remaining, 5);
}

TEST_P(PrescriberRequestsTest, ADeniedRenewalNotifiesAndRequestsSurviveARestart) {
  const std::string rx = AddRx(member_a_, "99999-0101-01", "none", 30, 0);
  Fill(rx, Today() - Days{40});
  const PrescriberRequestRecord r = Created(kRenewal, rx, member_user_);
  ASSERT_EQ(Code(Step(kRenewal, r.id, {.type = "sent"})), "ok");
  Open();
  MakeServices();
  auto after = requests_->Get(member_user_, kRenewal, r.id);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, "sent");
  EXPECT_FALSE(after->sent_at.empty());
  EXPECT_EQ(after->reference, r.reference);
  auto denied = Step(kRenewal, r.id, {.type = "denied", .reason = "patient must be seen first"});
  ASSERT_TRUE(denied.ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE template_id = 'renewal_denied'", {}), 1);
  // A denied request is closed: another may be asked for.
  EXPECT_EQ(Code(requests_->Create(member_user_, kRenewal, rx, nullptr)), "ok");
}

INSTANTIATE_TEST_SUITE_P(Dialects, PrescriberRequestsTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& p) { return p.param == Dialect::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace rxdesk
