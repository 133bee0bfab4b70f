// Transfers in and fax/mail intake on a real migrated store (SQLite, and
// PostgreSQL where its binaries are installed) with a manual clock: the overdue
// flag at the edge of the expected window, the law's refusals committed with their
// audit entries, completion in one transaction (prescription, link, outbox, audit),
// what is sealed at rest, the second-person rule, and nothing lost across a reopen.
#include <date/tz.h>
#include <gtest/gtest.h>

#include "infra/ids.h"
#include "services/intake_service.h"
#include "services/transfer_service.h"
#include "tests/support/service_env.h"

namespace rxdesk {
namespace {

using std::chrono::hours;
using std::chrono::seconds;
using testing::TestPostgres;

Instant At(const char* text) { return *ParseInstant(text); }

class TransferIntakeTest : public ::testing::TestWithParam<Dialect>, protected testing::ServiceEnv {
 protected:
  TransferIntakeTest() : ServiceEnv(At("2026-11-02T15:00:00Z")) {}

  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    ASSERT_TRUE(OpenServiceEnv(GetParam(), "transfers"));
    OpenServices();
    agent_ = AddUser("agent");
    pharmacist_ = AddUser("pharmacist");
    second_pharmacist_ = AddUser("pharmacist");
    // With an email on file, so notifications are queued for them.
    member_ = AddSealedMember(/*with_email=*/true);
  }

  // Reopens the store and the services over it, as a restarted server would.
  void Open() {
    transfers_.reset();
    intake_.reset();
    rxs_.reset();
    ASSERT_TRUE(ReopenStore());
    OpenServices();
  }

  // The services over store_ and members_.
  void OpenServices() {
    rxs_ = std::make_unique<PrescriptionService>(*store_, *vault_, clock_, zone_, *members_, RefillPolicy{},
                                                 PrescriptionPolicy{});
    transfers_ = std::make_unique<TransferService>(*store_, *vault_, clock_, zone_, *members_, *rxs_, TransferPolicy{},
                                                   PrescriptionPolicy{});
    intake_ = std::make_unique<IntakeService>(*store_, *vault_, clock_, zone_, *rxs_,
                                              IntakePolicy{.max_document_bytes = 4096}, PrescriptionPolicy{});
  }

  Caller As(const std::string& user_id, Role role, const std::string& member_id = "") {
    Caller c;
    c.principal.user_id = user_id;
    c.principal.role = role;
    c.principal.member_id = member_id;
    c.request_id = "test";
    return c;
  }

  static PrescriptionFields Rx(const std::string& schedule = "none", int refills = 3) {
    PrescriptionFields f;
    f.ndc = "00093-7146-56";
    f.drug_name = "atorvastatin";
    f.strength = "20 mg";
    f.schedule = schedule;
    f.quantity = "30";
    f.days_supply = 30;
    f.refills_authorized = refills;
    f.written_date = "2026-10-20";
    f.prescriber_npi = "1245319599";
    f.prescriber_name = "Dr. Avery Quinn";
    if (schedule != "none") f.prescriber_dea = "AQ1234563";
    return f;
  }

  static TransferDetails Details(const std::string& schedule = "none", int prior = 0) {
    TransferDetails d;
    d.pharmacy_name = "Corner Drug #12";
    d.pharmacy_phone = "+15125550199";
    d.pharmacy_rx_number = "OTHER-RX-55501";
    d.rx = Rx(schedule);
    d.refills_remaining = 2;
    d.prior_transfers = prior;
    return d;
  }

  std::int64_t Count(const std::string& sql, Params params = {}) {
    auto rows = store_->Read([&](Connection& c) { return c.Query(sql, params); });
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? rows->at(0).Int(0) : -1;
  }

  // Every stored byte of a table's rows, for looking for text in the clear.
  std::string RawRows(const std::string& table, const std::vector<std::string>& columns) {
    std::string out;
    auto rows = store_->Read([&](Connection& c) {
      std::string sql = "SELECT ";
      for (std::size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
      return c.Query(sql + " FROM " + table);
    });
    EXPECT_TRUE(rows.ok());
    if (!rows.ok()) return out;
    for (const Row& r : *rows) {
      for (std::size_t i = 0; i < columns.size(); ++i) {
        out += r.Text(i);  // a blob's bytes, a text's characters
      }
    }
    return out;
  }

  std::unique_ptr<PrescriptionService> rxs_;
  std::unique_ptr<TransferService> transfers_;
  std::unique_ptr<IntakeService> intake_;
  std::string agent_, pharmacist_, second_pharmacist_, member_;
};

TEST_P(TransferIntakeTest, APendingTransferIsOverdueOnlyAfterTheLastInstantOfItsWindow) {
  const auto plain = transfers_->Request(As(pharmacist_, Role::kPharmacist), member_, Details(), nullptr);
  const auto controlled = transfers_->Request(As(pharmacist_, Role::kPharmacist), member_, Details("III"), nullptr);
  ASSERT_TRUE(plain.ok()) << plain.error().code;
  ASSERT_TRUE(controlled.ok()) << controlled.error().code;
  EXPECT_EQ(plain->expected_latest, At("2026-11-03T15:00:00Z"));
  EXPECT_EQ(controlled->expected_earliest, At("2026-11-03T15:00:00Z"));
  EXPECT_EQ(controlled->expected_latest, At("2026-11-06T15:00:00Z"));
  const auto overdue = [&](const std::string& id) {
    auto t = transfers_->Get(As(pharmacist_, Role::kPharmacist), id);
    EXPECT_TRUE(t.ok());
    return t.ok() && t->overdue;
  };
  clock_.Set(At("2026-11-03T15:00:00Z"));
  EXPECT_FALSE(overdue(plain->id)) << "on the last instant it is still on time";
  clock_.Advance(seconds{1});
  EXPECT_TRUE(overdue(plain->id));
  EXPECT_FALSE(overdue(controlled->id));
  clock_.Set(At("2026-11-06T15:00:01Z"));
  EXPECT_TRUE(overdue(controlled->id));
  // A decided transfer is never overdue.
  ASSERT_TRUE(transfers_->Fail(As(pharmacist_, Role::kPharmacist), plain->id, "other", "", nullptr).ok());
  EXPECT_FALSE(overdue(plain->id));
}

TEST_P(TransferIntakeTest, TheLawsRefusalIsCommittedWithItsAuditEntryAndNothingElse) {
  const auto ii = transfers_->Request(As(pharmacist_, Role::kPharmacist), member_, Details("II"), nullptr);
  ASSERT_FALSE(ii.ok());
  EXPECT_EQ(ii.error().code, "schedule_ii_not_transferable");
  const auto again = transfers_->Request(As(pharmacist_, Role::kPharmacist), member_, Details("V", 1), nullptr);
  EXPECT_EQ(again.error().code, "transfer_limit_reached");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM transfers_in"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.request' AND outcome = ?",
                  {Value("refused:schedule_ii_not_transferable")}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.request' AND outcome = ?",
                  {Value("refused:transfer_limit_reached")}),
            1);
}

TEST_P(TransferIntakeTest, CompletingMakesTheLinkedPrescriptionAndQueuesTheNoticeInOneTransaction) {
  const auto t = transfers_->Request(As(pharmacist_, Role::kPharmacist), member_, Details("IV", 0), nullptr);
  ASSERT_TRUE(t.ok());
  const auto done = transfers_->Complete(As(pharmacist_, Role::kPharmacist), t->id, "called them", nullptr);
  ASSERT_TRUE(done.ok()) << done.error().code << " " << done.error().message;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM prescriptions WHERE rx_number = ? AND status = 'active' AND transfer_count = 1 "
                  "AND refills_remaining = 2",
                  {Value(done->rx_number)}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM transfers_in WHERE id = ? AND status = 'completed' AND rx_number = ?",
                  {Value(t->id), Value(done->rx_number)}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE member_id = ? AND template_id = "
                  "'transfer_confirmed'",
                  {Value(member_)}),
            1);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM audit_log WHERE record_id = ? AND action = 'transfer.complete'", {Value(t->id)}), 1);
  // A second decision changes nothing.
  const auto twice = transfers_->Complete(As(second_pharmacist_, Role::kPharmacist), t->id, "", nullptr);
  EXPECT_EQ(twice.error().code, "invalid_transition");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM prescriptions WHERE member_id = ?", {Value(member_)}), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notification_outbox WHERE member_id = ?", {Value(member_)}), 1);
}

TEST_P(TransferIntakeTest, WhatTheMemberGaveAndThePharmacistsNoteAreSealedAtRest) {
  const auto t = transfers_->Request(As(pharmacist_, Role::kPharmacist), member_, Details(), nullptr);
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE(
      transfers_->Fail(As(pharmacist_, Role::kPharmacist), t->id, "other", "spoke to Mrs Quillonbert", nullptr).ok());
  const std::string raw = RawRows("transfers_in", {"request_enc", "note_enc", "failure_reason"});
  for (const char* clear : {"OTHER-RX-55501", "Corner Drug", "Avery Quinn", "Quillonbert", "+15125550199"}) {
    EXPECT_EQ(raw.find(clear), std::string::npos) << clear;
  }
  const auto back = transfers_->Get(As(pharmacist_, Role::kPharmacist), t->id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->details.pharmacy_rx_number, "OTHER-RX-55501");
  EXPECT_EQ(back->note, "spoke to Mrs Quillonbert");
}

TEST_P(TransferIntakeTest, TheQueueIsOldestFirstAndPagesWithoutRepeats) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    clock_.Advance(seconds{1});
    ids.push_back(transfers_->Request(As(pharmacist_, Role::kPharmacist), member_, Details(), nullptr)->id);
  }
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto p = transfers_->Queue(As(pharmacist_, Role::kPharmacist), TransferStatus::kPending, 2, cursor);
    ASSERT_TRUE(p.ok());
    for (const auto& t : p->items) seen.push_back(t.id);
    if (!p->next_cursor) break;
    cursor = *p->next_cursor;
  }
  EXPECT_EQ(seen, ids);
  auto none = transfers_->Queue(As(pharmacist_, Role::kPharmacist), TransferStatus::kCompleted, 50, "");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->items.empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'transfer.queue' AND member_id = ?", {Value(member_)}),
            3);
}

TEST_P(TransferIntakeTest, ADocumentIsSealedHashedAndVerifiedBySomeoneElse) {
  const std::string scan = std::string("%PDF-1.7\n\0binary\0", 18) + "Dr-Marvolenta-Ixquisite-scan";
  const auto d = intake_->Receive(As(agent_, Role::kAgent), "application/pdf", scan, nullptr);
  ASSERT_TRUE(d.ok()) << d.error().code;
  EXPECT_EQ(d->size_bytes, static_cast<std::int64_t>(scan.size()));
  EXPECT_EQ(RawRows("intake_documents", {"document_enc"}).find("Marvolenta"), std::string::npos);
  const auto bytes = intake_->Document(As(pharmacist_, Role::kPharmacist), d->id);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->second, scan);
  EXPECT_EQ(bytes->first, DocumentType::kPdf);

  ASSERT_TRUE(intake_->KeyFields(As(pharmacist_, Role::kPharmacist), d->id, member_, Rx()).ok());
  const auto same = intake_->Verify(As(pharmacist_, Role::kPharmacist), d->id, {.approve = true});
  EXPECT_EQ(same.error().code, "same_user_cannot_verify");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM prescriptions"), 0);
  const auto approved = intake_->Verify(As(second_pharmacist_, Role::kPharmacist), d->id, {.approve = true});
  ASSERT_TRUE(approved.ok()) << approved.error().code;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM prescriptions WHERE rx_number = ? AND member_id = ? AND status = 'active'",
                  {Value(approved->rx_number), Value(member_)}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE record_id = ? AND outcome = 'refused:same_user_cannot_verify'",
                  {Value(d->id)}),
            1);
}

TEST_P(TransferIntakeTest, KeyedFieldsAreRefusedAsANewPrescriptionWouldBeAndTheDocumentStaysReceived) {
  const auto d = intake_->Receive(As(agent_, Role::kAgent), "image/png", std::string("\x89PNG\r\n\x1a\n", 8), nullptr);
  ASSERT_TRUE(d.ok());
  PrescriptionFields bad = Rx("II", 1);
  EXPECT_EQ(intake_->KeyFields(As(agent_, Role::kAgent), d->id, member_, bad).error().code, "schedule_ii_no_refills");
  PrescriptionFields future = Rx();
  future.written_date = "2026-11-03";
  EXPECT_EQ(intake_->KeyFields(As(agent_, Role::kAgent), d->id, member_, future).error().field, "written_date");
  EXPECT_EQ(intake_->KeyFields(As(agent_, Role::kAgent), d->id, NewId(), Rx()).error().code, "not_found");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM intake_documents WHERE status = 'received'"), 1);
}

TEST_P(TransferIntakeTest, NothingAcknowledgedIsLostWhenTheStoreIsReopened) {
  const auto t = transfers_->Request(As(pharmacist_, Role::kPharmacist), member_, Details(), nullptr);
  const auto d =
      intake_->Receive(As(agent_, Role::kAgent), "image/jpeg", std::string("\xFF\xD8\xFF\xE0jpeg", 8), nullptr);
  ASSERT_TRUE(t.ok() && d.ok());
  Open();
  const auto queue = transfers_->Queue(As(pharmacist_, Role::kPharmacist), TransferStatus::kPending, 50, "");
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->items.size(), 1u);
  EXPECT_EQ(queue->items[0].reference, t->reference);
  const auto docs = intake_->List(As(agent_, Role::kAgent), IntakeStatus::kReceived, 50, "");
  ASSERT_TRUE(docs.ok());
  ASSERT_EQ(docs->items.size(), 1u);
  EXPECT_EQ(docs->items[0].sha256, d->sha256);
}

INSTANTIATE_TEST_SUITE_P(Stores, TransferIntakeTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& p) { return p.param == Dialect::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace rxdesk
