// The audit log against both stores: the purpose field and old chains, the
// append-only guard, retention's guarded prune at its edges, search filters,
// and the check that no audited table changed without an entry.
#include "store/audit_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "infra/crypto.h"
#include "store/audit_coverage.h"
#include "store/migrations.h"
#include "tests/support/postgres_schema.h"
#include "tests/support/postgres_server.h"
#include "tests/support/server_process.h"

namespace rxdesk {
namespace {

namespace fs = std::filesystem;
using testing::FreshPostgresSchema;
using testing::TempDir;
using testing::TestPostgres;

template <typename R>
std::string Describe(const R& r) {
  return r.ok() ? std::string("ok") : r.error().code + ": " + r.error().message;
}

Instant At(const char* text) {
  auto t = ParseInstant(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : Instant{};
}

// The entry hash as rxdesk computed it before entries had a purpose (schema 1):
// an independent copy, so that a change to AuditEntryHash cannot hide here.
std::string HashBeforePurpose(std::int64_t seq, const AuditEntry& e, const std::string& prev) {
  std::string buf;
  for (const std::string& f : {std::to_string(seq), FormatInstant(e.at), e.actor_id, e.actor_role, e.action,
                               e.record_type, e.record_id, e.member_id, e.request_id, e.outcome, prev}) {
    buf += std::to_string(f.size()) + ":" + f + "|";
  }
  return Sha256Hex(buf);
}

AuditEntry Entry(const char* at, std::string action = "member.read", std::string member_id = "M1",
                 std::string actor_id = "U1", std::string outcome = "ok") {
  AuditEntry e;
  e.at = At(at);
  e.actor_id = std::move(actor_id);
  e.actor_role = "agent";
  e.action = std::move(action);
  e.record_type = "member";
  e.record_id = member_id.empty() ? "-" : member_id;
  e.member_id = std::move(member_id);
  e.request_id = "req";
  e.outcome = std::move(outcome);
  return e;
}

class AuditLogTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kPostgres) {
      if (!TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
      const std::string conninfo = FreshPostgresSchema("audit");
      ASSERT_FALSE(conninfo.empty());
      auto c = OpenPostgres({.conninfo = conninfo});
      ASSERT_TRUE(c.ok()) << Describe(c);
      conn_ = std::move(*c);
    } else {
      ASSERT_FALSE(dir_.path().empty());
      auto c = OpenSqlite({.path = dir_.path() + "/rxdesk.db"});
      ASSERT_TRUE(c.ok()) << Describe(c);
      conn_ = std::move(*c);
    }
    auto migrated = Migrate(*conn_);
    ASSERT_TRUE(migrated.ok()) << Describe(migrated);
  }

  // Appends the entries in one transaction, as the writer does.
  void Append(const std::vector<AuditEntry>& entries) {
    ASSERT_TRUE(conn_->Begin().ok());
    AuditChain chain;
    ASSERT_TRUE(chain.Load(*conn_).ok());
    for (const AuditEntry& e : entries) {
      const Status s = chain.Append(*conn_, e);
      ASSERT_TRUE(s.ok()) << Describe(s);
    }
    ASSERT_TRUE(chain.Save(*conn_).ok());
    ASSERT_TRUE(conn_->Commit().ok());
  }

  AuditPruneResult Prune(Instant cutoff, std::int64_t limit = 1000) {
    EXPECT_TRUE(conn_->Begin().ok());
    auto pruned = PruneAuditLog(*conn_, cutoff, limit, At("2032-01-01T00:00:00Z"));
    EXPECT_TRUE(pruned.ok()) << Describe(pruned);
    EXPECT_TRUE(conn_->Commit().ok());
    return pruned.ok() ? *pruned : AuditPruneResult{};
  }

  AuditVerifyReport Verify() {
    auto report = VerifyAuditLog(*conn_);
    EXPECT_TRUE(report.ok()) << Describe(report);
    return report.ok() ? *report : AuditVerifyReport{.ok = false};
  }

  std::vector<std::int64_t> Seqs() {
    auto rows = conn_->Query("SELECT seq FROM audit_log ORDER BY seq");
    EXPECT_TRUE(rows.ok()) << Describe(rows);
    std::vector<std::int64_t> out;
    if (rows.ok()) {
      for (const Row& r : *rows) out.push_back(r.Int(0));
    }
    return out;
  }

  std::vector<std::int64_t> Search(const AuditQuery& q) {
    auto found = SearchAuditLog(*conn_, q);
    EXPECT_TRUE(found.ok()) << Describe(found);
    std::vector<std::int64_t> out;
    if (found.ok()) {
      for (const AuditRecord& r : *found) out.push_back(r.seq);
    }
    return out;
  }

  // Lets the test change the log as an attacker with SQL access would.
  void DropGuards() {
    const Status s = GetParam() == Dialect::kSqlite
                         ? conn_->ExecScript(
                               "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; "
                               "DROP TRIGGER audit_checkpoint_forward_only;")
                         : conn_->ExecScript(
                               "DROP TRIGGER audit_log_no_update ON audit_log; DROP TRIGGER "
                               "audit_log_no_delete ON audit_log; DROP TRIGGER audit_checkpoint_guard "
                               "ON audit_checkpoint;");
    ASSERT_TRUE(s.ok()) << Describe(s);
  }

  TempDir dir_;
  std::unique_ptr<Connection> conn_;
};

// ---- purpose and old chains ----

TEST_P(AuditLogTest, AnEntryWithoutAPurposeHashesExactlyAsBeforePurposeExisted) {
  AuditEntry e =
      Entry("2026-11-23T10:00:00Z", "member.read", "01MEMBER000000000000000000", "01AGENT0000000000000000000");
  e.request_id = "req-1";
  // Golden value: SHA-256 of the schema-1 serialisation of this entry, computed outside rxdesk.
  EXPECT_EQ(AuditEntryHash(1, e, kAuditGenesisHash),
            "b0b42d0e97b4c75312564e873d669cbead853bad6b3fc476299593508f5d401c");
  EXPECT_EQ(AuditEntryHash(1, e, kAuditGenesisHash), HashBeforePurpose(1, e, kAuditGenesisHash));
}

TEST_P(AuditLogTest, APurposeIsCoveredByTheHashAndCannotPoseAsAnotherField) {
  AuditEntry plain = Entry("2026-11-23T10:00:00Z");
  AuditEntry with = plain;
  with.purpose = "contact:RX-261123-4F7KQ2-8";
  EXPECT_NE(AuditEntryHash(1, plain, kAuditGenesisHash), AuditEntryHash(1, with, kAuditGenesisHash));
  AuditEntry other = with;
  other.purpose = "contact:RX-261123-4F7KQ2-9";
  EXPECT_NE(AuditEntryHash(1, with, kAuditGenesisHash), AuditEntryHash(1, other, kAuditGenesisHash));
  // Moving text between the outcome and the purpose changes the hash (fields are length-prefixed).
  AuditEntry shifted = plain;
  shifted.outcome = "o";
  shifted.purpose = "k";
  AuditEntry joined = plain;
  joined.outcome = "ok";
  EXPECT_NE(AuditEntryHash(1, shifted, kAuditGenesisHash), AuditEntryHash(1, joined, kAuditGenesisHash));
}

TEST_P(AuditLogTest, AChainWrittenBeforePurposeExistedStillVerifiesAndGrowsWithPurposes) {
  // Rows as the schema-1 binary wrote them: no purpose column in the INSERT, its hash formula.
  std::string prev = kAuditGenesisHash;
  for (std::int64_t seq = 1; seq <= 3; ++seq) {
    const AuditEntry e = Entry("2026-11-23T10:00:00Z", "member.read", "M" + std::to_string(seq));
    const std::string hash = HashBeforePurpose(seq, e, prev);
    ASSERT_TRUE(
        conn_
            ->Exec("INSERT INTO audit_log(seq, at, actor_id, actor_role, action, record_type, record_id, "
                   "member_id, request_id, outcome, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   {Value(seq), Value(FormatInstant(e.at)), Value(e.actor_id), Value(e.actor_role), Value(e.action),
                    Value(e.record_type), Value(e.record_id), Value(e.member_id), Value(e.request_id), Value(e.outcome),
                    Value(prev), Value(hash)})
            .ok());
    prev = hash;
  }
  ASSERT_TRUE(conn_->Exec("UPDATE audit_head SET seq = 3, hash = ? WHERE id = 1", {Value(prev)}).ok());
  AuditVerifyReport before = Verify();
  EXPECT_TRUE(before.ok) << before.problem;
  EXPECT_EQ(before.entries, 3);

  AuditEntry with = Entry("2026-11-23T10:05:00Z");
  with.purpose = "contact:RX-261123-4F7KQ2-8";
  Append({with, Entry("2026-11-23T10:06:00Z")});
  const AuditVerifyReport after = Verify();
  EXPECT_TRUE(after.ok) << after.problem;
  EXPECT_EQ(after.entries, 5);
  auto found = SearchAuditLog(*conn_, {.limit = 10});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ((*found)[1].entry.purpose, "contact:RX-261123-4F7KQ2-8");  // newest first: seq 5, then 4
  EXPECT_EQ((*found)[0].entry.purpose, "");
}

TEST_P(AuditLogTest, ChangingAPurposeIsCaughtByVerify) {
  AuditEntry with = Entry("2026-11-23T10:00:00Z");
  with.purpose = "contact:RX-261123-4F7KQ2-8";
  Append({Entry("2026-11-23T09:00:00Z"), with, Entry("2026-11-23T11:00:00Z")});
  ASSERT_TRUE(Verify().ok);
  ASSERT_NO_FATAL_FAILURE(DropGuards());
  ASSERT_TRUE(conn_->Exec("UPDATE audit_log SET purpose = 'contact:RX-261123-AAAAAA-0' WHERE seq = 2").ok());
  const AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 2);
  EXPECT_EQ(report.problem, "its contents do not match its hash");
}

// ---- the append-only guard ----

TEST_P(AuditLogTest, OrdinaryUpdateDeleteAndTruncateAreRefused) {
  Append({Entry("2020-01-01T00:00:00Z"), Entry("2020-01-02T00:00:00Z")});
  EXPECT_FALSE(conn_->Exec("UPDATE audit_log SET outcome = 'denied' WHERE seq = 1").ok());
  EXPECT_FALSE(conn_->Exec("DELETE FROM audit_log WHERE seq = 1").ok());
  EXPECT_FALSE(conn_->Exec("DELETE FROM audit_log").ok());
  if (GetParam() == Dialect::kPostgres) {
    EXPECT_FALSE(conn_->ExecScript("TRUNCATE audit_log").ok());
  }
  EXPECT_FALSE(conn_->Exec("DELETE FROM audit_checkpoint").ok());
  EXPECT_EQ(Seqs(), (std::vector<std::int64_t>{1, 2}));
}

TEST_P(AuditLogTest, TheCheckpointMovesOnlyForwardAndOnlyOntoAnEntryOfTheChain) {
  Append({Entry("2020-01-01T00:00:00Z"), Entry("2020-01-02T00:00:00Z"), Entry("2020-01-03T00:00:00Z")});
  auto second = conn_->Query("SELECT hash FROM audit_log WHERE seq = 2");
  ASSERT_TRUE(second.ok());
  const std::string hash2 = (*second)[0].Text(0);
  // Not onto a made-up hash, nor onto a seq with another entry's hash.
  EXPECT_FALSE(
      conn_->Exec("UPDATE audit_checkpoint SET seq = 2, hash = ? WHERE id = 1", {Value(std::string(64, 'a'))}).ok());
  EXPECT_FALSE(conn_->Exec("UPDATE audit_checkpoint SET seq = 3, hash = ? WHERE id = 1", {Value(hash2)}).ok());
  ASSERT_TRUE(conn_->Exec("UPDATE audit_checkpoint SET seq = 2, hash = ? WHERE id = 1", {Value(hash2)}).ok());
  // Back, or staying put, is refused.
  auto first = conn_->Query("SELECT hash FROM audit_log WHERE seq = 1");
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(conn_->Exec("UPDATE audit_checkpoint SET seq = 1, hash = ? WHERE id = 1", {(*first)[0].at(0)}).ok());
  EXPECT_FALSE(conn_->Exec("UPDATE audit_checkpoint SET seq = 2, hash = ? WHERE id = 1", {Value(hash2)}).ok());
  // Rows at or below the checkpoint may go; the rest may not.
  EXPECT_FALSE(conn_->Exec("DELETE FROM audit_log WHERE seq = 3").ok());
  EXPECT_TRUE(conn_->Exec("DELETE FROM audit_log WHERE seq <= 2").ok());
  EXPECT_EQ(Seqs(), (std::vector<std::int64_t>{3}));
  EXPECT_TRUE(Verify().ok);
}

// ---- retention's prune ----

TEST_P(AuditLogTest, PruneKeepsAnEntryExactlyAtTheCutoffAndRemovesOneASecondOlder) {
  const Instant cutoff = At("2020-11-23T09:30:00Z");
  Append({Entry("2020-11-23T09:29:58Z"), Entry("2020-11-23T09:29:59Z"), Entry("2020-11-23T09:30:00Z"),
          Entry("2020-11-23T09:30:01Z")});
  auto count = CountPrunableAuditEntries(*conn_, cutoff);
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 2);
  const AuditPruneResult pruned = Prune(cutoff);
  EXPECT_EQ(pruned.removed, 2);
  EXPECT_EQ(pruned.checkpoint.seq, 2);
  EXPECT_EQ(pruned.checkpoint.at, "2020-11-23T09:29:59Z");
  EXPECT_EQ(Seqs(), (std::vector<std::int64_t>{3, 4}));
  const AuditVerifyReport report = Verify();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 2);
  EXPECT_EQ(report.checkpoint.seq, 2);
  EXPECT_EQ(Prune(cutoff).removed, 0);  // nothing more is old enough
}

TEST_P(AuditLogTest, PruneOnAnEmptyLogAndAWholeLogOfOldEntries) {
  EXPECT_EQ(Prune(At("2030-01-01T00:00:00Z")).removed, 0);
  EXPECT_TRUE(Verify().ok);
  Append({Entry("2020-01-01T00:00:00Z"), Entry("2020-01-02T00:00:00Z")});
  EXPECT_EQ(Prune(At("2030-01-01T00:00:00Z")).removed, 2);
  EXPECT_TRUE(Seqs().empty());
  AuditVerifyReport empty = Verify();
  EXPECT_TRUE(empty.ok) << empty.problem;  // the head is the checkpoint
  EXPECT_EQ(empty.entries, 0);
  Append({Entry("2030-01-02T00:00:00Z")});  // the chain goes on from the checkpoint
  const AuditVerifyReport grown = Verify();
  EXPECT_TRUE(grown.ok) << grown.problem;
  EXPECT_EQ(grown.entries, 1);
}

TEST_P(AuditLogTest, PruneWorksInBatchesOfItsLimit) {
  std::vector<AuditEntry> old;
  for (int i = 0; i < 7; ++i) old.push_back(Entry("2020-01-01T00:00:00Z"));
  old.push_back(Entry("2029-01-01T00:00:00Z"));
  Append(old);
  const Instant cutoff = At("2025-01-01T00:00:00Z");
  EXPECT_EQ(Prune(cutoff, 3).removed, 3);
  EXPECT_TRUE(Verify().ok);
  EXPECT_EQ(Prune(cutoff, 3).removed, 3);
  EXPECT_EQ(Prune(cutoff, 3).removed, 1);
  EXPECT_EQ(Prune(cutoff, 3).removed, 0);
  EXPECT_EQ(Seqs(), (std::vector<std::int64_t>{8}));
  EXPECT_TRUE(Verify().ok);
}

TEST_P(AuditLogTest, AnOldEntryAfterANewerOneWaitsSoTheChainStaysWhole) {
  // Clock skew between nodes: entry 3 is older than entry 2.
  Append({Entry("2020-01-01T00:00:00Z"), Entry("2029-01-01T00:00:00Z"), Entry("2020-01-02T00:00:00Z")});
  EXPECT_EQ(Prune(At("2025-01-01T00:00:00Z")).removed, 1);
  EXPECT_EQ(Seqs(), (std::vector<std::int64_t>{2, 3}));
  EXPECT_TRUE(Verify().ok);
}

TEST_P(AuditLogTest, TamperingAfterRetentionIsStillDetected) {
  Append({Entry("2020-01-01T00:00:00Z"), Entry("2020-01-02T00:00:00Z"), Entry("2029-01-01T00:00:00Z"),
          Entry("2029-01-02T00:00:00Z")});
  ASSERT_EQ(Prune(At("2025-01-01T00:00:00Z")).removed, 2);
  ASSERT_TRUE(Verify().ok);
  ASSERT_NO_FATAL_FAILURE(DropGuards());
  ASSERT_TRUE(conn_->Exec("UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 4").ok());
  AuditVerifyReport changed = Verify();
  EXPECT_FALSE(changed.ok);
  EXPECT_EQ(changed.first_bad_seq, 4);
  // Removing the first entry after the checkpoint shows as a gap.
  ASSERT_TRUE(conn_->Exec("DELETE FROM audit_log WHERE seq = 3").ok());
  AuditVerifyReport gap = Verify();
  EXPECT_FALSE(gap.ok);
  EXPECT_EQ(gap.first_bad_seq, 3);
  EXPECT_EQ(gap.problem, "entry 3 is missing");
}

TEST_P(AuditLogTest, AForgedCheckpointIsCaughtAtTheFirstEntryAfterIt) {
  Append({Entry("2020-01-01T00:00:00Z"), Entry("2029-01-01T00:00:00Z")});
  ASSERT_EQ(Prune(At("2025-01-01T00:00:00Z")).removed, 1);
  ASSERT_NO_FATAL_FAILURE(DropGuards());
  ASSERT_TRUE(conn_->Exec("UPDATE audit_checkpoint SET hash = ? WHERE id = 1", {Value(std::string(64, 'f'))}).ok());
  const AuditVerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.first_bad_seq, 2);
  EXPECT_EQ(report.problem, "its previous-hash does not match the retention checkpoint");
}

TEST_P(AuditLogTest, PruneRefusesALimitBelowOne) {
  auto pruned = PruneAuditLog(*conn_, At("2030-01-01T00:00:00Z"), 0, At("2030-01-01T00:00:00Z"));
  ASSERT_FALSE(pruned.ok());
  EXPECT_EQ(pruned.error().field, "limit");
}

// ---- search ----

TEST_P(AuditLogTest, SearchFiltersByMemberActorTimeActionAndOutcome) {
  Append({Entry("2026-11-01T10:00:00Z", "member.read", "M1", "U1"),            // 1
          Entry("2026-11-02T10:00:00Z", "member.update", "M1", "U2"),          // 2
          Entry("2026-11-03T10:00:00Z", "prescription.read", "M2", "U1"),      // 3
          Entry("2026-11-04T10:00:00Z", "member.read", "M2", "U2", "denied"),  // 4
          Entry("2026-11-05T10:00:00Z", "member_x.read", "M1", "U1"),          // 5
          Entry("2026-11-06T10:00:00Z", "login", "", "U1")});                  // 6
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(Search({.limit = 50}), (V{6, 5, 4, 3, 2, 1}));
  EXPECT_EQ(Search({.member_id = "M1", .limit = 50}), (V{5, 2, 1}));
  EXPECT_EQ(Search({.actor_id = "U2", .limit = 50}), (V{4, 2}));
  EXPECT_EQ(Search({.member_id = "M1", .actor_id = "U1", .limit = 50}), (V{5, 1}));
  // from inclusive, to exclusive.
  EXPECT_EQ(Search({.from = At("2026-11-02T10:00:00Z"), .to = At("2026-11-04T10:00:00Z"), .limit = 50}), (V{3, 2}));
  EXPECT_EQ(Search({.action = "member.read", .limit = 50}), (V{4, 1}));
  EXPECT_EQ(Search({.action = "member.", .limit = 50}), (V{4, 2, 1}));  // a prefix; member_x. is not in it
  EXPECT_EQ(Search({.action = "member_", .limit = 50}), (V{}));         // no trailing dot: exact
  EXPECT_EQ(Search({.action = "member%.", .limit = 50}), (V{}));        // % and _ mean themselves
  EXPECT_EQ(Search({.outcome = "denied", .limit = 50}), (V{4}));
  EXPECT_EQ(Search({.member_id = "nobody", .limit = 50}), (V{}));
}

TEST_P(AuditLogTest, SearchPagesBackwardsFromACursorAndForwardsWhenOldestFirst) {
  std::vector<AuditEntry> entries;
  for (int i = 0; i < 5; ++i) entries.push_back(Entry("2026-11-01T10:00:00Z"));
  Append(entries);
  using V = std::vector<std::int64_t>;
  EXPECT_EQ(Search({.limit = 2}), (V{5, 4}));
  EXPECT_EQ(Search({.before_seq = 4, .limit = 2}), (V{3, 2}));
  EXPECT_EQ(Search({.before_seq = 2, .limit = 2}), (V{1}));
  EXPECT_EQ(Search({.before_seq = 1, .limit = 2}), (V{}));
  EXPECT_EQ(Search({.limit = 2, .oldest_first = true}), (V{1, 2}));
  EXPECT_EQ(Search({.before_seq = 2, .limit = 2, .oldest_first = true}), (V{3, 4}));
}

// ---- no audited table changed without an entry ----

class AuditCoverageTest : public AuditLogTest {
 protected:
  void InsertMember(const std::string& id, const char* updated_at) {
    auto inserted = conn_->Exec(
        "INSERT INTO members(id, member_number_enc, member_number_index, first_name_enc, last_name_enc, "
        "date_of_birth_enc, address_enc, name_dob_index, key_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
        "?, "
        "1, ?, ?)",
        {Value(id), Value(Blob{"x"}), Value("idx-" + id), Value(Blob{"x"}), Value(Blob{"x"}), Value(Blob{"x"}),
         Value(Blob{"x"}), Value("nd-" + id), Value(updated_at), Value(updated_at)});
    ASSERT_TRUE(inserted.ok()) << Describe(inserted);
  }
  AuditEntry Write(const char* at, const char* action, const std::string& member_id) {
    AuditEntry e = Entry(at, action, member_id);
    return e;
  }
  AuditCoverageReport Coverage() {
    auto cp = LoadAuditCheckpoint(*conn_);
    EXPECT_TRUE(cp.ok());
    auto report = VerifyAuditedTables(*conn_, cp.ok() ? *cp : AuditCheckpoint{});
    EXPECT_TRUE(report.ok()) << Describe(report);
    return report.ok() ? *report : AuditCoverageReport{};
  }
};

TEST_P(AuditCoverageTest, RowsWrittenWithTheirEntriesPass) {
  InsertMember("M1", "2026-11-23T10:00:00Z");
  Append({Write("2026-11-23T10:00:00Z", "member.create", "M1")});
  const AuditCoverageReport r = Coverage();
  EXPECT_TRUE(r.ok()) << r.findings.front().problem;
  EXPECT_EQ(r.rows_checked.front(), (std::pair<std::string, std::int64_t>("members", 1)));
}

TEST_P(AuditCoverageTest, AnInsertWithoutAnEntryIsReportedWithTableAndId) {
  InsertMember("M1", "2026-11-23T10:00:00Z");
  Append({Write("2026-11-23T10:00:00Z", "member.read", "M1")});  // a read is not a write
  const AuditCoverageReport r = Coverage();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].table, "members");
  EXPECT_EQ(r.findings[0].record_id, "M1");
  EXPECT_EQ(r.findings[0].problem, "no write entry names this row");
}

TEST_P(AuditCoverageTest, AnUpdatedAtLaterThanTheLatestWriteIsReportedAndASecondLaterIsTheEdge) {
  InsertMember("M1", "2026-11-23T10:00:00Z");
  InsertMember("M2", "2026-11-23T10:00:01Z");
  Append({Write("2026-11-23T10:00:00Z", "member.create", "M1"), Write("2026-11-23T10:00:00Z", "member.create", "M2")});
  const AuditCoverageReport r = Coverage();
  ASSERT_EQ(r.findings.size(), 1u);  // M1 is on its entry; M2 one second after it
  EXPECT_EQ(r.findings[0].record_id, "M2");
  EXPECT_EQ(r.findings[0].problem,
            "updated_at 2026-11-23T10:00:01Z is later than its latest write entry (2026-11-23T10:00:00Z)");
}

TEST_P(AuditCoverageTest, ARefusedOrDeniedWriteDoesNotCoverARow) {
  InsertMember("M1", "2026-11-23T10:00:00Z");
  AuditEntry denied = Write("2026-11-23T10:00:00Z", "member.update", "M1");
  denied.outcome = "denied";
  Append({denied});
  EXPECT_EQ(Coverage().findings.size(), 1u);
}

TEST_P(AuditCoverageTest, ARemovedRowIsReported) {
  InsertMember("M1", "2026-11-23T10:00:00Z");
  Append({Write("2026-11-23T10:00:00Z", "member.create", "M1"), Write("2026-11-23T10:00:00Z", "member.create", "M9")});
  const AuditCoverageReport r = Coverage();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].record_id, "M9");
  EXPECT_EQ(r.findings[0].problem, "the row was removed; no entry removes it");
}

TEST_P(AuditCoverageTest, ANonCanonicalUpdatedAtIsReportedEvenWhenItLooksOld) {
  InsertMember("M1", "2026-11-23 23:59:59");  // sorts before "2026-11-23T..." as text
  Append({Write("2026-11-23T10:00:00Z", "member.create", "M1")});
  const AuditCoverageReport r = Coverage();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].problem, "updated_at is not an RFC 3339 UTC instant");
}

TEST_P(AuditCoverageTest, RowsOfABulkSeedBatchAreCoveredByItsEntryAtTheSameInstantOnly) {
  InsertMember("M1", "2026-11-23T10:00:00Z");
  InsertMember("M2", "2026-11-23T10:00:05Z");
  AuditEntry batch = Entry("2026-11-23T10:00:00Z", "seed.members", "", "system");
  Append({batch});
  const AuditCoverageReport r = Coverage();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].record_id, "M2");
}

TEST_P(AuditCoverageTest, RowsOlderThanTheRetentionCheckpointAreExempt) {
  InsertMember("M1", "2020-01-01T00:00:00Z");
  InsertMember("M2", "2029-01-01T00:00:00Z");
  Append({Write("2020-01-01T00:00:00Z", "member.create", "M1"), Write("2029-01-01T00:00:00Z", "member.create", "M2")});
  ASSERT_EQ(Prune(At("2025-01-01T00:00:00Z")).removed, 1);  // M1's entry goes
  EXPECT_TRUE(Coverage().ok());
  // A row changed after the cut-off still needs its entry.
  ASSERT_TRUE(conn_->Exec("UPDATE members SET updated_at = '2029-06-01T00:00:00Z' WHERE id = 'M1'").ok());
  const AuditCoverageReport r = Coverage();
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].record_id, "M1");
}

TEST_P(AuditCoverageTest, EachFillNeedsItsOwnCreatingEntry) {
  InsertMember("M1", "2026-11-23T10:00:00Z");
  ASSERT_TRUE(conn_
                  ->Exec("INSERT INTO prescriptions(rx_number, member_id, ndc, drug_name, schedule, quantity_milli, "
                         "days_supply, refills_authorized, refills_remaining, written_date, prescriber_npi, "
                         "prescriber_name, daw, status, created_at, updated_at) VALUES ('1000000-4', 'M1', 'n', 'd', "
                         "'none', 30000, 30, 3, 2, '2026-11-01', '1', 'p', 0, 'active', ?, ?)",
                         {Value("2026-11-23T10:00:00Z"), Value("2026-11-23T11:00:00Z")})
                  .ok());
  const auto fill = [&](const char* id) {
    return conn_
        ->Exec(
            "INSERT INTO fills(id, rx_number, fill_date, quantity_milli, days_supply, is_refill, created_by, "
            "created_at) VALUES (?, '1000000-4', '2026-11-23', 30000, 30, 1, 'U1', '2026-11-23T11:00:00Z')",
            {Value(id)})
        .ok();
  };
  ASSERT_TRUE(fill("F1"));
  AuditEntry created = Entry("2026-11-23T10:00:00Z", "member.create", "M1");
  AuditEntry rx = Entry("2026-11-23T10:00:00Z", "prescription.create", "M1");
  rx.record_type = "prescription";
  rx.record_id = "1000000-4";
  AuditEntry filled = Entry("2026-11-23T11:00:00Z", "fill.create", "M1");
  filled.record_type = "prescription";
  filled.record_id = "1000000-4";
  filled.outcome = "ok:override";
  Append({created, rx, filled});
  AuditCoverageReport r = Coverage();
  EXPECT_TRUE(r.ok()) << (r.findings.empty() ? "" : r.findings[0].table + " " + r.findings[0].problem);
  ASSERT_TRUE(fill("F2"));  // a second fill at the same instant, with no entry of its own
  r = Coverage();
  ASSERT_EQ(r.findings.size(), 2u);  // both fills of that instant are named: which one is forged is unknowable
  EXPECT_EQ(r.findings[0].table, "fills");
  EXPECT_EQ(r.findings[0].problem, "more fills at 2026-11-23T11:00:00Z than entries creating them");
}

std::string StoreName(const ::testing::TestParamInfo<Dialect>& info) {
  return info.param == Dialect::kSqlite ? "Sqlite" : "Postgres";
}

INSTANTIATE_TEST_SUITE_P(BothStores, AuditLogTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres), StoreName);
INSTANTIATE_TEST_SUITE_P(BothStores, AuditCoverageTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         StoreName);

}  // namespace
}  // namespace rxdesk
