// Re-encryption under a new data key, on a real migrated store (SQLite, and
// PostgreSQL where its binaries are installed): what is re-encrypted, what is
// left alone, batches and their audit entries, unreadable rows, and the list
// of sealed tables checked against the schema itself.
#include "services/key_rotation.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "domain/clock.h"
#include "store/audit_log.h"
#include "tests/support/postgres_server.h"
#include "tests/support/server_process.h"

namespace rxdesk {
namespace {

using testing::TempDir;
using testing::TestPostgres;

const std::vector<std::string_view> kMemberFields = {"member_number", "first_name", "last_name", "date_of_birth",
                                                     "address",       "email",      "phone"};

class KeyRotationTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    StoreOptions options;
    if (GetParam() == Dialect::kPostgres) {
      if (!TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
      TestPostgres& pg = TestPostgres::Shared();
      ASSERT_TRUE(pg.ok()) << pg.error();
      auto conninfo = pg.CreateDatabase();
      ASSERT_TRUE(conninfo.ok()) << conninfo.error().message;
      options.postgres_conninfo = *conninfo;
    } else {
      options.sqlite_path = dir_.path() + "/rxdesk.db";
    }
    auto store = Store::Open(options);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    key_file_ = dir_.path() + "/rxdesk.key";
    auto ring = LoadOrCreateKeyFile(key_file_, true);
    ASSERT_TRUE(ring.ok()) << ring.error().message;
    old_vault_ = std::make_unique<PhiVault>(std::move(*ring));
  }

  // Adds key 2 to the key file; new_vault_ holds keys 2 (current) and 1.
  void Rotate() {
    auto lock = KeyFileLock::Acquire(key_file_);
    ASSERT_TRUE(lock.ok());
    ASSERT_TRUE(AddDataKey(*lock).ok());
    auto ring = LoadOrCreateKeyFile(key_file_, false);
    ASSERT_TRUE(ring.ok());
    new_vault_ = std::make_unique<PhiVault>(std::move(*ring));
  }

  std::string BlobType() const { return GetParam() == Dialect::kSqlite ? "BLOB" : "BYTEA"; }

  // A member whose every field is sealed by `vault`; email and phone NULL when !full.
  void InsertMember(const PhiVault& vault, const std::string& id, bool full = true) {
    const auto seal = [&](std::string_view field) {
      return Value(vault.Seal("members", id, field, std::string(field) + " of " + id));
    };
    const Status s = store_->Write([&](WriteContext& w) -> Status {
      RXD_TRY(w.conn.Exec(
          "INSERT INTO members(id, member_number_enc, member_number_index, first_name_enc, last_name_enc, "
          "date_of_birth_enc, address_enc, email_enc, phone_enc, name_dob_index, key_id, created_at, updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ix', ?, 't', 't')",
          {Value(id), seal("member_number"), Value("n-" + id), seal("first_name"), seal("last_name"),
           seal("date_of_birth"), seal("address"), full ? seal("email") : Value(), full ? seal("phone") : Value(),
           Value(static_cast<std::int64_t>(vault.current_key_id()))}));
      return OkStatus();
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  void InsertUser(const PhiVault& vault, const std::string& id, bool with_totp) {
    const Status s = store_->Write([&](WriteContext& w) -> Status {
      RXD_TRY(
          w.conn.Exec("INSERT INTO users(id, username, role, password_hash, totp_secret_enc, created_at) "
                      "VALUES (?, ?, 'agent', 'x', ?, 't')",
                      {Value(id), Value("user-" + id),
                       with_totp ? Value(vault.Seal("users", id, "totp_secret", "secret of " + id)) : Value()}));
      return OkStatus();
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  Rows Query(const std::string& sql, std::vector<Value> params = {}) {
    auto rows = store_->Read([&](Connection& c) { return c.Query(sql, params); });
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() ? std::move(*rows) : Rows{};
  }

  // key id -> number of non-NULL member values under it.
  std::map<std::uint32_t, int> MemberKeyIds() {
    std::map<std::uint32_t, int> out;
    for (const Row& r : Query("SELECT member_number_enc, first_name_enc, last_name_enc, date_of_birth_enc, "
                              "address_enc, email_enc, phone_enc FROM members")) {
      for (std::size_t i = 0; i < r.size(); ++i) {
        if (!r.IsNull(i)) ++out[FieldCipher::KeyIdOf(r.Text(i)).value_or(0)];
      }
    }
    return out;
  }

  // Every member field opens under `vault` to what InsertMember sealed.
  void ExpectMembersOpen(const PhiVault& vault) {
    for (const Row& r : Query("SELECT id, member_number_enc, first_name_enc, last_name_enc, date_of_birth_enc, "
                              "address_enc, email_enc, phone_enc FROM members")) {
      for (std::size_t i = 0; i < kMemberFields.size(); ++i) {
        if (r.IsNull(i + 1)) continue;
        auto plain = vault.Open("members", r.Text(0), kMemberFields[i], r.at(i + 1));
        ASSERT_TRUE(plain.ok()) << r.Text(0) << " " << kMemberFields[i] << ": " << plain.error().message;
        EXPECT_EQ(*plain, std::string(kMemberFields[i]) + " of " + r.Text(0));
      }
    }
  }

  std::vector<std::string> ReencryptAuditRecordIds() {
    std::vector<std::string> out;
    for (const Row& r : Query("SELECT record_type, record_id, actor_id, actor_role, request_id FROM audit_log "
                              "WHERE action = 'keys.reencrypt' ORDER BY seq")) {
      EXPECT_EQ(r.Text(2), "system");
      EXPECT_EQ(r.Text(3), "system");
      EXPECT_EQ(r.Text(4), "run-1");
      out.push_back(r.Text(0) + ":" + r.Text(1));
    }
    return out;
  }

  TempDir dir_;
  ManualClock clock_{Instant{std::chrono::seconds(1'800'000'000)}};
  std::unique_ptr<Store> store_;
  std::string key_file_;
  std::unique_ptr<PhiVault> old_vault_;
  std::unique_ptr<PhiVault> new_vault_;
};

INSTANTIATE_TEST_SUITE_P(Dialects, KeyRotationTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         [](const auto& param_info) {
                           return param_info.param == Dialect::kSqlite ? "Sqlite" : "Postgres";
                         });

TEST_P(KeyRotationTest, ReencryptsEveryValueUnderTheOldKeyInBatchesEachAudited) {
  for (int i = 1; i <= 7; ++i) InsertMember(*old_vault_, "m" + std::to_string(i), /*full=*/i % 2 == 1);
  InsertUser(*old_vault_, "u1", true);
  InsertUser(*old_vault_, "u2", false);  // no sealed value: nothing to do
  Rotate();
  const KeyRotation rotation(*store_, *new_vault_, clock_, {.batch_rows = 3});

  auto pending = rotation.CountPending();
  ASSERT_TRUE(pending.ok()) << pending.error().message;
  std::map<std::string, std::int64_t> by_table;
  for (const TableProgress& p : *pending) by_table[p.table] = p.total;
  EXPECT_EQ(by_table["members"], 7);
  EXPECT_EQ(by_table["users"], 1);
  EXPECT_EQ(by_table["orders"], 0);

  std::vector<std::pair<std::string, std::int64_t>> calls;
  auto report = rotation.Run("run-1", [&](const TableProgress& p) {
    calls.emplace_back(p.table, p.done);
    EXPECT_LE(p.done, p.total);
  });
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->key_id, 2u);
  EXPECT_EQ(report->rows, 8);
  EXPECT_EQ(report->values, 4 * 7 + 3 * 5 + 1);  // full members 7 values, the others 5, one TOTP secret
  EXPECT_EQ(report->batches, 4);                 // members 3 + 3 + 1, users 1
  EXPECT_EQ(report->left, 0);
  EXPECT_TRUE(report->unreadable.empty());
  EXPECT_EQ(calls, (std::vector<std::pair<std::string, std::int64_t>>{
                       {"members", 3}, {"members", 6}, {"members", 7}, {"users", 1}}));

  EXPECT_EQ(MemberKeyIds(), (std::map<std::uint32_t, int>{{2, 4 * 7 + 3 * 5}}));
  for (const Row& r : Query("SELECT key_id FROM members")) EXPECT_EQ(r.Int(0), 2);
  ExpectMembersOpen(*new_vault_);
  const Rows users = Query("SELECT id, totp_secret_enc FROM users ORDER BY id");
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(FieldCipher::KeyIdOf(users[0].Text(1)), 2u);
  EXPECT_EQ(*new_vault_->Open("users", "u1", "totp_secret", users[0].at(1)), "secret of u1");
  EXPECT_TRUE(users[1].IsNull(1)) << "a NULL stays NULL";
  // The old key alone opens nothing any more: the data is under the new key.
  EXPECT_FALSE(old_vault_->Open("users", "u1", "totp_secret", users[0].at(1)).ok());

  EXPECT_EQ(ReencryptAuditRecordIds(),
            (std::vector<std::string>{"members:m1..m3", "members:m4..m6", "members:m7..m7", "users:u1..u1"}));
  auto conn = store_->Connect();
  ASSERT_TRUE(conn.ok());
  auto verified = VerifyAuditLog(**conn);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;

  // Running again finds nothing to do and writes nothing.
  auto again = rotation.Run("run-2");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rows, 0);
  EXPECT_EQ(again->batches, 0);
  EXPECT_EQ(ReencryptAuditRecordIds().size(), 4u);
}

TEST_P(KeyRotationTest, ValuesAlreadyUnderTheCurrentKeyAreLeftByteForByte) {
  InsertMember(*old_vault_, "a-old");
  Rotate();
  InsertMember(*new_vault_, "b-new");
  // A row half done: its name under the new key, the rest under the old one.
  const Blob half = new_vault_->Seal("members", "c-half", "first_name", "first_name of c-half");
  InsertMember(*old_vault_, "c-half");
  ASSERT_TRUE(store_
                  ->Write([&](WriteContext& w) -> Status {
                    RXD_TRY(w.conn.Exec("UPDATE members SET first_name_enc = ? WHERE id = 'c-half'", {Value(half)}));
                    return OkStatus();
                  })
                  .ok());
  const Rows before = Query("SELECT member_number_enc, first_name_enc FROM members ORDER BY id");

  auto report = KeyRotation(*store_, *new_vault_, clock_).Run("run-1");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->rows, 2);        // a-old and c-half
  EXPECT_EQ(report->values, 7 + 6);  // c-half's first name was already done
  const Rows after = Query("SELECT member_number_enc, first_name_enc FROM members ORDER BY id");
  ASSERT_EQ(after.size(), 3u);
  EXPECT_NE(after[0].at(0), before[0].at(0)) << "a-old re-encrypted";
  EXPECT_EQ(after[1].at(0), before[1].at(0)) << "b-new untouched";
  EXPECT_EQ(after[1].at(1), before[1].at(1));
  EXPECT_EQ(after[2].at(1), before[2].at(1)) << "c-half's new-key value untouched";
  EXPECT_NE(after[2].at(0), before[2].at(0));
  EXPECT_EQ(MemberKeyIds(), (std::map<std::uint32_t, int>{{2, 21}}));
  ExpectMembersOpen(*new_vault_);
}

TEST_P(KeyRotationTest, BatchSizesAtTheEdges) {
  Rotate();
  // batch = 1: one batch a row; = the row count: one batch; above it: still one.
  for (const auto& [batch, batches] : std::vector<std::pair<int, int>>{{1, 5}, {5, 1}, {6, 1}}) {
    ASSERT_TRUE(store_
                    ->Write([](WriteContext& w) -> Status {
                      RXD_TRY(w.conn.Exec("DELETE FROM members"));
                      return OkStatus();
                    })
                    .ok());
    for (int i = 0; i < 5; ++i) InsertMember(*old_vault_, "m" + std::to_string(i));
    auto report = KeyRotation(*store_, *new_vault_, clock_, {.batch_rows = batch}).Run("run-1");
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->batches, batches) << "batch " << batch;
    EXPECT_EQ(report->rows, 5);
  }
  for (const int bad : {0, -1, 100001}) {
    auto r = KeyRotation(*store_, *new_vault_, clock_, {.batch_rows = bad}).Run("run-1");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_request");
    EXPECT_EQ(r.error().field, "batch_rows");
  }
  EXPECT_TRUE(KeyRotation(*store_, *new_vault_, clock_, {.batch_rows = 100000}).Run("run-1").ok());
  for (const int bad : {0, 11}) {
    auto r = KeyRotation(*store_, *new_vault_, clock_, {.max_passes = bad}).Run("run-1");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, "max_passes");
  }
}

TEST_P(KeyRotationTest, AnEmptyDatabaseHasNothingToDo) {
  Rotate();
  const KeyRotation rotation(*store_, *new_vault_, clock_);
  auto pending = rotation.CountPending();
  ASSERT_TRUE(pending.ok()) << pending.error().message;
  EXPECT_EQ(pending->size(), SealedTables().size());
  for (const TableProgress& p : *pending) EXPECT_EQ(p.total, 0) << p.table;
  auto report = rotation.Run("run-1");
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows, 0);
  EXPECT_EQ(report->left, 0);
  EXPECT_TRUE(ReencryptAuditRecordIds().empty());
}

TEST_P(KeyRotationTest, RowsThatWillNotOpenAreLeftAsTheyWereAndReported) {
  InsertMember(*old_vault_, "m1");
  InsertMember(*old_vault_, "m2-tampered");
  InsertMember(*old_vault_, "m3-moved");
  InsertMember(*old_vault_, "m4");
  // One ciphertext byte flipped; and a value copied from another row (its associated data differs).
  Rows m2 = Query("SELECT last_name_enc FROM members WHERE id = 'm2-tampered'");
  std::string tampered = m2[0].Text(0);
  tampered[tampered.size() - 1] ^= 1;
  ASSERT_TRUE(store_
                  ->Write([&](WriteContext& w) -> Status {
                    RXD_TRY(w.conn.Exec("UPDATE members SET last_name_enc = ? WHERE id = 'm2-tampered'",
                                        {Value(Blob{tampered})}));
                    RXD_TRY(
                        w.conn.Exec("UPDATE members SET phone_enc = (SELECT phone_enc FROM members WHERE id = "
                                    "'m1') WHERE id = 'm3-moved'"));
                    return OkStatus();
                  })
                  .ok());
  const Rows before = Query("SELECT id, first_name_enc FROM members ORDER BY id");
  Rotate();
  auto report = KeyRotation(*store_, *new_vault_, clock_, {.batch_rows = 2}).Run("run-1");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->rows, 2);
  EXPECT_EQ(report->unreadable, (std::vector<std::string>{"members/m2-tampered", "members/m3-moved"}));
  EXPECT_EQ(report->left, 2);
  const Rows after = Query("SELECT id, first_name_enc, key_id FROM members ORDER BY id");
  EXPECT_EQ(after[1].at(1), before[1].at(1)) << "nothing of an unreadable row changes";
  EXPECT_EQ(after[1].Int(2), 1);
  EXPECT_EQ(after[2].at(1), before[2].at(1));
  EXPECT_EQ(FieldCipher::KeyIdOf(after[3].Text(1)), 2u);
  // The batch holding only unreadable rows wrote no audit entry.
  EXPECT_EQ(ReencryptAuditRecordIds(), (std::vector<std::string>{"members:m1..m1", "members:m4..m4"}));
}

TEST_P(KeyRotationTest, AValueUnderAKeyMissingFromTheFileIsUnreadableNotFatal) {
  const KeyRing stranger = KeyRing::Generate(99);
  InsertMember(*old_vault_, "m1");
  ASSERT_TRUE(store_
                  ->Write([&](WriteContext& w) -> Status {
                    RXD_TRY(w.conn.Exec("UPDATE members SET email_enc = ? WHERE id = 'm1'",
                                        {Value(Blob{stranger.Current().Encrypt("x", "members/m1/email")})}));
                    return OkStatus();
                  })
                  .ok());
  Rotate();
  auto report = KeyRotation(*store_, *new_vault_, clock_).Run("run-1");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->unreadable, std::vector<std::string>{"members/m1"});
  EXPECT_EQ(report->rows, 0);
}

TEST_P(KeyRotationTest, AnotherTableWithItsOwnAssociatedDataRuleAndHostileIds) {
  ASSERT_TRUE(store_
                  ->Write([&](WriteContext& w) -> Status {
                    return w.conn.ExecScript("CREATE TABLE notes (note_id TEXT PRIMARY KEY, body_enc " + BlobType() +
                                             ")");
                  })
                  .ok());
  const std::vector<std::string> ids = {"x' OR '1'='1", "a;DROP TABLE notes;--", "\xc3\xa9t\xc3\xa9", "%_", "z"};
  for (const std::string& id : ids) {
    ASSERT_TRUE(store_
                    ->Write([&](WriteContext& w) -> Status {
                      RXD_TRY(
                          w.conn.Exec("INSERT INTO notes(note_id, body_enc) VALUES (?, ?)",
                                      {Value(id), Value(old_vault_->Seal("contact_notes", id, "body", "b:" + id))}));
                      return OkStatus();
                    })
                    .ok());
  }
  Rotate();
  const std::vector<SealedTable> tables = {{"notes", "note_id", {"body"}, {}, "contact_notes"}};
  auto report = KeyRotation(*store_, *new_vault_, clock_, {.batch_rows = 2}, tables).Run("run-1");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->rows, 5);
  EXPECT_TRUE(report->unreadable.empty());
  const Rows rows = Query("SELECT note_id, body_enc FROM notes");
  ASSERT_EQ(rows.size(), ids.size());
  for (const Row& r : rows) {
    EXPECT_EQ(FieldCipher::KeyIdOf(r.Text(1)), 2u);
    auto plain = new_vault_->Open("contact_notes", r.Text(0), "body", r.at(1));
    ASSERT_TRUE(plain.ok()) << r.Text(0);
    EXPECT_EQ(*plain, "b:" + r.Text(0));
  }
}

TEST_P(KeyRotationTest, ThreeThousandRowsInBatchesOfFiveHundred) {
  ASSERT_TRUE(store_
                  ->Write([&](WriteContext& w) -> Status {
                    return w.conn.ExecScript("CREATE TABLE notes (id TEXT PRIMARY KEY, body_enc " + BlobType() + ")");
                  })
                  .ok());
  ASSERT_TRUE(store_
                  ->Write([&](WriteContext& w) -> Status {
                    for (int i = 0; i < 3000; ++i) {
                      char id[16];
                      std::snprintf(id, sizeof id, "n%05d", i);
                      RXD_TRY(w.conn.Exec("INSERT INTO notes(id, body_enc) VALUES (?, ?)",
                                          {Value(id), Value(old_vault_->Seal("notes", id, "body", id))}));
                    }
                    return OkStatus();
                  })
                  .ok());
  Rotate();
  const std::vector<SealedTable> tables = {{"notes", "id", {"body"}}};
  auto report = KeyRotation(*store_, *new_vault_, clock_, {.batch_rows = 500}, tables).Run("run-1");
  ASSERT_TRUE(report.ok()) << report.error().message;
  EXPECT_EQ(report->rows, 3000);
  EXPECT_EQ(report->batches, 6);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM notes WHERE substr(body_enc, 2, 4) <> ?",
                  {Value(Blob{std::string("\0\0\0\2", 4)})})[0]
                .Int(0),
            0);
}

// The list of sealed tables must match the schema: every *_enc column of every
// table is listed (or rotation would leave it under the old key for ever), and
// every listed table, column and key-id column exists.
TEST(SealedTables, CoverEveryEncryptedColumnOfTheSchema) {
  TempDir dir;
  auto store = Store::Open({.sqlite_path = dir.path() + "/rxdesk.db"});
  ASSERT_TRUE(store.ok()) << store.error().message;
  auto conn = (*store)->Connect();
  ASSERT_TRUE(conn.ok());
  auto tables = (*conn)->Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  ASSERT_TRUE(tables.ok());
  std::map<std::string, std::set<std::string>> schema;
  for (const Row& t : *tables) {
    auto columns = (*conn)->Query("SELECT name FROM pragma_table_info(?)", {t.at(0)});
    ASSERT_TRUE(columns.ok());
    for (const Row& c : *columns) schema[t.Text(0)].insert(c.Text(0));
  }
  std::set<std::string> listed;
  for (const SealedTable& t : SealedTables()) {
    const std::string table(t.table);
    ASSERT_TRUE(schema.count(table)) << "no table " << table;
    EXPECT_TRUE(schema[table].count(std::string(t.primary_key))) << table;
    if (!t.key_id_column.empty()) {
      EXPECT_TRUE(schema[table].count(std::string(t.key_id_column))) << table;
    }
    for (const std::string_view f : t.fields) {
      const std::string column = std::string(f) + "_enc";
      EXPECT_TRUE(schema[table].count(column)) << table << "." << column << " is listed but not in the schema";
      listed.insert(table + "." + column);
    }
  }
  for (const auto& [table, columns] : schema) {
    for (const std::string& column : columns) {
      if (column.size() > 4 && column.ends_with("_enc")) {
        EXPECT_TRUE(listed.count(table + "." + column))
            << table << "." << column << " is sealed but missing from SealedTables(): add its table there";
      }
    }
  }
}

}  // namespace
}  // namespace rxdesk
