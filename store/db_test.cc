// One suite, both stores: every DbTest runs against SQLite (temp file) and
// PostgreSQL (a throwaway server from tests/support/postgres_server.h, skipped
// with a visible message where the binaries are absent). Store-specific
// behaviour (WAL, busy timeout, reconnects, dollar quotes) follows at the end.
#include "store/db.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "tests/support/postgres_schema.h"
#include "tests/support/postgres_server.h"
#include "tests/support/server_process.h"

namespace rxdesk {
namespace {

namespace fs = std::filesystem;
using testing::FreshPostgresSchema;
using testing::TempDir;
using testing::TestPostgres;

// A secret no error message may ever contain (messages go to logs).
constexpr char kSecret[] = "secret-PHI-31337";

template <typename R>
std::string Describe(const R& r) {
  return r.ok() ? std::string("ok") : r.error().code + ": " + r.error().message;
}

class DbTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kPostgres) {
      if (!TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
      conninfo_ = FreshPostgresSchema("test");
      ASSERT_FALSE(conninfo_.empty());
    } else {
      ASSERT_FALSE(dir_.path().empty());
      path_ = dir_.path() + "/test.db";
    }
    conn_ = Connect();
    ASSERT_NE(conn_, nullptr);
  }

  // A new connection to this test's database (nullptr and a failure if it cannot open).
  std::unique_ptr<Connection> Connect() {
    auto c = GetParam() == Dialect::kPostgres ? OpenPostgres({.conninfo = conninfo_}) : OpenSqlite({.path = path_});
    if (!c.ok()) {
      ADD_FAILURE() << Describe(c);
      return nullptr;
    }
    return std::move(*c);
  }

  std::string BlobType() const { return GetParam() == Dialect::kSqlite ? "BLOB" : "BYTEA"; }

  // Creates v(id, i, r, t, b) with one column per value type.
  void CreateValuesTable() {
    const Status s = conn_->ExecScript(
        "CREATE TABLE v (id INTEGER PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, t TEXT, b " + BlobType() + ")");
    ASSERT_TRUE(s.ok()) << Describe(s);
  }

  // Stores `value` in `column` of a new row and reads it back.
  Value RoundTrip(const std::string& column, const Value& value) {
    const std::int64_t id = ++next_id_;
    auto ins = conn_->Exec("INSERT INTO v(id, " + column + ") VALUES (?, ?)", {Value(id), value});
    EXPECT_TRUE(ins.ok()) << Describe(ins);
    auto rows = conn_->Query("SELECT " + column + " FROM v WHERE id = ?", {Value(id)});
    EXPECT_TRUE(rows.ok()) << Describe(rows);
    if (!rows.ok() || rows->size() != 1) return Value("<missing>");
    return (*rows)[0].at(0);
  }

  std::int64_t Count(Connection& c, const std::string& table) {
    auto rows = c.Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << Describe(rows);
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  TempDir dir_;
  std::string path_;
  std::string conninfo_;
  std::unique_ptr<Connection> conn_;
  std::int64_t next_id_ = 0;
};

TEST_P(DbTest, ReportsItsDialect) { EXPECT_EQ(conn_->dialect(), GetParam()); }

TEST_P(DbTest, NullRoundTripsInEveryColumnType) {
  CreateValuesTable();
  for (const char* column : {"i", "r", "t", "b"}) EXPECT_TRUE(RoundTrip(column, Value()).is_null()) << column;
}

TEST_P(DbTest, IntegersRoundTripIncludingTheInt64Extremes) {
  CreateValuesTable();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  // 2^53 + 1 is the first integer a double cannot hold: it proves no float detour.
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{1}, std::int64_t{-1}, kMin, kMax, (std::int64_t{1} << 53) + 1}) {
    const Value back = RoundTrip("i", Value(v));
    EXPECT_TRUE(back.is_int()) << v;
    EXPECT_EQ(back.AsInt(), v);
  }
}

TEST_P(DbTest, BooleansAreStoredAsOneAndZero) {
  CreateValuesTable();
  EXPECT_EQ(RoundTrip("i", Value(true)), Value(1));
  EXPECT_EQ(RoundTrip("i", Value(false)), Value(0));
}

TEST_P(DbTest, RandomIntegersAndRealsRoundTripBitForBit) {
  CreateValuesTable();
  std::mt19937_64 rng(20260401);
  ASSERT_TRUE(conn_->Begin().ok());  // one commit, not 200 fsyncs
  for (int n = 0; n < 200; ++n) {
    const auto i = static_cast<std::int64_t>(rng());
    EXPECT_EQ(RoundTrip("i", Value(i)), Value(i));
    // Any finite double, from random bit patterns (NaN never equals itself: skipped).
    double r = 0;
    const std::uint64_t bits = rng();
    std::memcpy(&r, &bits, sizeof r);
    if (!std::isfinite(r)) continue;
    const Value back = RoundTrip("r", Value(r));
    ASSERT_TRUE(back.is_real()) << r;
    EXPECT_EQ(back.AsReal(), r) << "bits " << bits;
  }
  EXPECT_TRUE(conn_->Commit().ok());
}

TEST_P(DbTest, TextRoundTripsEmptyUnicodeAndHostileStrings) {
  CreateValuesTable();
  for (const char* text : {"", "plain", "héllo wörld", "日本語のテキスト", "pill \xF0\x9F\x92\x8A emoji", "O'Reilly",
                           "a ? b ?? c", "'; DROP TABLE v; --", "back\\slash \\x00", "$1 $$ $tag$"}) {
    const Value back = RoundTrip("t", Value(text));
    EXPECT_TRUE(back.is_text()) << text;  // the empty string is text, not NULL
    EXPECT_EQ(back.AsText(), text);
  }
  EXPECT_EQ(Count(*conn_, "v"), 10);  // and the table is still there
}

TEST_P(DbTest, BlobsRoundTripEmbeddedNulsAndEveryByteValue) {
  CreateValuesTable();
  std::string all_bytes;
  for (int b = 0; b < 256; ++b) all_bytes += static_cast<char>(b);
  for (const std::string& bytes : {std::string(), std::string("\0abc\0\0", 6), all_bytes, std::string("\\x41")}) {
    const Value back = RoundTrip("b", Value(Blob{bytes}));
    ASSERT_TRUE(back.is_blob()) << bytes.size();  // an empty blob is not NULL
    EXPECT_EQ(back.AsText(), bytes);
  }
}

TEST_P(DbTest, OneMegabyteBlobRoundTrips) {
  CreateValuesTable();
  std::mt19937 rng(7);
  std::string bytes(1 << 20, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  const Value back = RoundTrip("b", Value(Blob{bytes}));
  ASSERT_TRUE(back.is_blob());
  EXPECT_EQ(back.AsText().size(), std::size_t{1} << 20);
  EXPECT_TRUE(back.AsText() == bytes);  // not EXPECT_EQ: a failure would print a megabyte
}

TEST_P(DbTest, PlaceholdersInsideLiteralsIdentifiersAndCommentsAreNotParameters) {
  // Exactly one real placeholder; a miscount would be refused as a bind error.
  auto rows = conn_->Query(
      "SELECT '?' AS a, 'it''s ?' AS b, CAST(? AS TEXT) AS \"c?\" -- trailing ? comment\n"
      " /* and ? here */",
      {Value("x")});
  ASSERT_TRUE(rows.ok()) << Describe(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "?");
  EXPECT_EQ((*rows)[0].Text(1), "it's ?");
  EXPECT_EQ((*rows)[0].Text(2), "x");
}

TEST_P(DbTest, ExecReturnsTheNumberOfRowsChanged) {
  auto created = conn_->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n BIGINT)");
  ASSERT_TRUE(created.ok()) << Describe(created);
  EXPECT_EQ(*created, 0);  // DDL changes no rows
  for (int id = 1; id <= 3; ++id) {
    auto ins = conn_->Exec("INSERT INTO t(id, n) VALUES (?, ?)", {Value(id), Value(id * 10)});
    ASSERT_TRUE(ins.ok()) << Describe(ins);
    EXPECT_EQ(*ins, 1);
  }
  auto two = conn_->Exec("UPDATE t SET n = n + 1 WHERE id >= ?", {Value(2)});  // ids 2 and 3
  ASSERT_TRUE(two.ok()) << Describe(two);
  EXPECT_EQ(*two, 2);
  auto select = conn_->Exec("SELECT * FROM t");  // reads change nothing, right after an UPDATE of 2
  ASSERT_TRUE(select.ok()) << Describe(select);
  EXPECT_EQ(*select, 0);
  auto index = conn_->Exec("CREATE INDEX t_n ON t(n)");  // nor does DDL
  ASSERT_TRUE(index.ok()) << Describe(index);
  EXPECT_EQ(*index, 0);
  auto none = conn_->Exec("DELETE FROM t WHERE id > ?", {Value(100)});
  ASSERT_TRUE(none.ok()) << Describe(none);
  EXPECT_EQ(*none, 0);
  auto all = conn_->Exec("DELETE FROM t");
  ASSERT_TRUE(all.ok()) << Describe(all);
  EXPECT_EQ(*all, 3);
}

TEST_P(DbTest, UniqueViolationIsAConflictThatDoesNotQuoteTheValue) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE u (k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO u(k) VALUES (?)", {Value(kSecret)}).ok());
  auto dup = conn_->Exec("INSERT INTO u(k) VALUES (?)", {Value(kSecret)});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "conflict");
  EXPECT_TRUE(dup.error().message.starts_with("exec")) << dup.error().message;  // names the operation
  EXPECT_EQ(dup.error().message.find(kSecret), std::string::npos) << dup.error().message;
}

TEST_P(DbTest, ForeignKeyViolationIsAConflict) {
  ASSERT_TRUE(conn_
                  ->ExecScript("CREATE TABLE parent (id INTEGER PRIMARY KEY);"
                               "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL "
                               "REFERENCES parent(id))")
                  .ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO parent(id) VALUES (1)").ok());
  EXPECT_TRUE(conn_->Exec("INSERT INTO child(id, parent_id) VALUES (1, ?)", {Value(1)}).ok());
  auto orphan = conn_->Exec("INSERT INTO child(id, parent_id) VALUES (2, ?)", {Value(999)});
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, "conflict");
  auto delete_parent = conn_->Exec("DELETE FROM parent WHERE id = 1");
  ASSERT_FALSE(delete_parent.ok());
  EXPECT_EQ(delete_parent.error().code, "conflict");
}

TEST_P(DbTest, CheckViolationsNeverQuoteTheRowsValues) {
  // PostgreSQL's DETAIL would say "Failing row contains (…secret…)".
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE c (id INTEGER PRIMARY KEY, name TEXT CHECK (length(name) < 5))").ok());
  auto bad = conn_->Exec("INSERT INTO c(id, name) VALUES (?, ?)", {Value(1), Value(kSecret)});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "conflict");
  EXPECT_EQ(bad.error().message.find(kSecret), std::string::npos) << bad.error().message;
}

TEST_P(DbTest, SyntaxErrorIsAStoreErrorWithoutParameterValues) {
  auto bad = conn_->Query("SELEC ? FROM nowhere", {Value(kSecret)});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "store_error");
  EXPECT_FALSE(bad.error().message.empty());
  EXPECT_EQ(bad.error().message.find(kSecret), std::string::npos) << bad.error().message;
}

TEST_P(DbTest, AWrongNumberOfValuesIsRefused) {
  auto too_few = conn_->Query("SELECT CAST(? AS TEXT), CAST(? AS TEXT)", {Value("only one")});
  ASSERT_FALSE(too_few.ok());
  EXPECT_EQ(too_few.error().code, "store_error");
  auto too_many = conn_->Query("SELECT 1", {Value(1)});
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code, "store_error");
}

TEST_P(DbTest, ExecRunsOneStatementAndExecScriptRunsMany) {
  auto two = conn_->Exec("CREATE TABLE a (x INTEGER); CREATE TABLE b (x INTEGER)");
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().code, "store_error");
  ASSERT_TRUE(
      conn_->ExecScript("CREATE TABLE a (x INTEGER);\nINSERT INTO a VALUES (1);\nINSERT INTO a VALUES (2);").ok());
  EXPECT_EQ(Count(*conn_, "a"), 2);
}

TEST_P(DbTest, ACommittedTransactionIsKept) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(conn_->Begin().ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (1)").ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (2)").ok());
  const Status committed = conn_->Commit();
  ASSERT_TRUE(committed.ok()) << Describe(committed);
  EXPECT_EQ(Count(*conn_, "t"), 2);
}

TEST_P(DbTest, ARolledBackTransactionLeavesNoTrace) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(conn_->Begin().ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (1)").ok());
  ASSERT_TRUE(conn_->Rollback().ok());
  EXPECT_EQ(Count(*conn_, "t"), 0);
}

TEST_P(DbTest, RollbackOutsideATransactionIsHarmlessButCommitIsAnError) {
  EXPECT_TRUE(conn_->Rollback().ok());
  const Status commit = conn_->Commit();
  ASSERT_FALSE(commit.ok());
  EXPECT_EQ(commit.error().code, "store_error");
}

TEST_P(DbTest, BeginInsideATransactionIsRefused) {
  ASSERT_TRUE(conn_->Begin().ok());
  EXPECT_FALSE(conn_->Begin().ok());
  EXPECT_TRUE(conn_->Rollback().ok());
}

TEST_P(DbTest, RollingBackToASavepointKeepsTheOuterTransaction) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(conn_->Begin().ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (1)").ok());
  ASSERT_TRUE(conn_->Savepoint("job").ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (2)").ok());
  ASSERT_TRUE(conn_->RollbackToSavepoint("job").ok());
  ASSERT_TRUE(conn_->ReleaseSavepoint("job").ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (3)").ok());
  ASSERT_TRUE(conn_->Commit().ok());
  auto ids = conn_->Query("SELECT id FROM t ORDER BY id");
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 2u);  // 1 and 3; 2 was undone with its savepoint
  EXPECT_EQ((*ids)[0].Int(0), 1);
  EXPECT_EQ((*ids)[1].Int(0), 3);
}

TEST_P(DbTest, AFailedJobInsideASavepointDoesNotSpoilTheBatch) {
  // The writer's pattern (store/writer.cc): a job's constraint error is undone
  // alone, and the batch still commits. PostgreSQL needs the savepoint for it.
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(conn_->Begin().ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (1)").ok());
  ASSERT_TRUE(conn_->Savepoint("job").ok());
  auto dup = conn_->Exec("INSERT INTO t(id) VALUES (1)");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, "conflict");
  ASSERT_TRUE(conn_->RollbackToSavepoint("job").ok());
  ASSERT_TRUE(conn_->ReleaseSavepoint("job").ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (2)").ok());
  const Status committed = conn_->Commit();
  ASSERT_TRUE(committed.ok()) << Describe(committed);
  EXPECT_EQ(Count(*conn_, "t"), 2);
}

TEST_P(DbTest, SavepointNamesMustBePlainIdentifiers) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(conn_->Begin().ok());
  for (const char* bad : {"", "1abc", "a b", "x; DROP TABLE t", "a\"b", "sp-1"}) {
    const Status s = conn_->Savepoint(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, "store_error");
  }
  EXPECT_TRUE(conn_->Savepoint("Job_2").ok());
  ASSERT_TRUE(conn_->Commit().ok());
  EXPECT_EQ(Count(*conn_, "t"), 0);
}

TEST_P(DbTest, ACommittedWriteIsVisibleOnASecondConnectionAndAnUncommittedOneIsNot) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY)").ok());
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(conn_->Begin().ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (1)").ok());
  EXPECT_EQ(Count(*other, "t"), 0);  // readers are not blocked by the writer, and see only commits
  ASSERT_TRUE(conn_->Commit().ok());
  EXPECT_EQ(Count(*other, "t"), 1);
}

TEST_P(DbTest, AStatementIsReusedTenThousandTimes) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY, n BIGINT)").ok());
  ASSERT_TRUE(conn_->Begin().ok());
  for (int i = 0; i < 10000; ++i) {
    auto ins = conn_->Exec("INSERT INTO t(id, n) VALUES (?, ?)", {Value(i), Value(i * 2)});
    ASSERT_TRUE(ins.ok()) << i << " " << Describe(ins);
  }
  ASSERT_TRUE(conn_->Commit().ok());
  auto sum = conn_->Query("SELECT COUNT(*), SUM(n) FROM t");
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ((*sum)[0].Int(0), 10000);
  EXPECT_EQ((*sum)[0].Int(1), 99990000);  // 2 * (0 + … + 9999) = 2 * 9999 * 10000 / 2
}

TEST_P(DbTest, ACachedStatementSurvivesASchemaChange) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)").ok());
  auto before = conn_->Query("SELECT * FROM t");
  ASSERT_TRUE(before.ok()) << Describe(before);
  EXPECT_EQ((*before)[0].size(), 1u);
  ASSERT_TRUE(conn_->ExecScript("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'new'").ok());
  // PostgreSQL's prepared plan now fails with "cached plan must not change result type": re-prepared.
  auto after = conn_->Query("SELECT * FROM t");
  ASSERT_TRUE(after.ok()) << Describe(after);
  ASSERT_EQ((*after)[0].size(), 2u);
  EXPECT_EQ((*after)[0].Text(1), "new");
}

TEST_P(DbTest, AnEmptyStatementIsRefused) {
  for (const char* empty : {"", "   ", "-- only a comment"}) {
    auto r = conn_->Exec(empty);
    ASSERT_FALSE(r.ok()) << "'" << empty << "'";
    EXPECT_EQ(r.error().code, "store_error");
  }
  EXPECT_TRUE(conn_->ExecScript("").ok());  // an empty migration script is fine
}

std::string StoreName(const ::testing::TestParamInfo<Dialect>& param_info) {
  return param_info.param == Dialect::kSqlite ? "Sqlite" : "Postgres";
}

INSTANTIATE_TEST_SUITE_P(BothStores, DbTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres), StoreName);

// ---- Value accessors (store/db.cc) ----

TEST(Value, AsIntTruncatesRealsAndReadsNumericText) {
  EXPECT_EQ(Value(42).AsInt(), 42);
  EXPECT_EQ(Value(2.9).AsInt(), 2);  // truncation toward zero, not rounding
  EXPECT_EQ(Value(-2.9).AsInt(), -2);
  EXPECT_EQ(Value("123").AsInt(), 123);
  EXPECT_EQ(Value("-9223372036854775808").AsInt(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(Value("12.5").AsInt(), 12);  // PostgreSQL numeric arrives as text when cast
  EXPECT_EQ(Value("1e3").AsInt(), 1000);
}

TEST(Value, AsIntIsZeroForNullAndNonNumbersAndSaturatesOutOfRange) {
  EXPECT_EQ(Value().AsInt(), 0);
  EXPECT_EQ(Value("").AsInt(), 0);
  EXPECT_EQ(Value("12abc").AsInt(), 0);  // not entirely a number
  EXPECT_EQ(Value(" 12").AsInt(), 0);
  EXPECT_EQ(Value(Blob{"12"}).AsInt(), 0);
  EXPECT_EQ(Value(std::nan("")).AsInt(), 0);
  EXPECT_EQ(Value(1e300).AsInt(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(Value(-1e300).AsInt(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(Value("99999999999999999999").AsInt(), std::numeric_limits<std::int64_t>::max());  // via the real path
}

TEST(Value, AsRealReadsIntsRealsAndNumericText) {
  EXPECT_EQ(Value(3).AsReal(), 3.0);
  EXPECT_EQ(Value(0.25).AsReal(), 0.25);
  EXPECT_EQ(Value("0.125").AsReal(), 0.125);
  EXPECT_EQ(Value("x").AsReal(), 0.0);
  EXPECT_EQ(Value().AsReal(), 0.0);
}

TEST(Value, AsTextGivesTextOrBlobBytesAndEmptyOtherwise) {
  EXPECT_EQ(Value("abc").AsText(), "abc");
  EXPECT_EQ(Value(Blob{std::string("a\0b", 3)}).AsText(), std::string("a\0b", 3));
  EXPECT_EQ(Value().AsText(), "");
  EXPECT_EQ(Value(7).AsText(), "");
}

TEST(Value, KindsAreDistinctEvenWhenTheBytesAgree) {
  EXPECT_NE(Value("1"), Value(1));
  EXPECT_NE(Value("ab"), Value(Blob{"ab"}));
  EXPECT_NE(Value(), Value(""));
  EXPECT_TRUE(Value(true).is_int());
}

// ---- SQLite only ----

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()); }
  std::string Path() const { return dir_.path() + "/rxdesk.db"; }
  std::unique_ptr<Connection> Open(SqliteOptions options = {}) {
    if (options.path.empty()) options.path = Path();
    auto c = OpenSqlite(options);
    if (!c.ok()) {
      ADD_FAILURE() << Describe(c);
      return nullptr;
    }
    return std::move(*c);
  }
  static std::string One(Connection& c, const char* sql) {
    auto rows = c.Query(sql);
    EXPECT_TRUE(rows.ok()) << Describe(rows);
    if (!rows.ok() || rows->empty()) return "<none>";
    const Value& v = (*rows)[0].at(0);
    return v.is_int() ? std::to_string(v.AsInt()) : v.AsText();
  }
  TempDir dir_;
};

TEST_F(SqliteTest, JournalModeIsWalAndForeignKeysAreOn) {
  auto c = Open();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(One(*c, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(One(*c, "PRAGMA foreign_keys"), "1");
  EXPECT_TRUE(fs::exists(Path()));
}

TEST_F(SqliteTest, SynchronousIsAsConfigured) {
  // PRAGMA synchronous reads back as a number: NORMAL 1, FULL 2, EXTRA 3 (sqlite.org/pragma.html).
  const struct {
    const char* configured;
    const char* expected;
  } kCases[] = {{"NORMAL", "1"}, {"FULL", "2"}, {"EXTRA", "3"}, {"normal", "1"}, {"Full", "2"}};
  for (const auto& tc : kCases) {
    auto c = Open({.path = Path(), .synchronous = tc.configured});
    ASSERT_NE(c, nullptr) << tc.configured;
    EXPECT_EQ(One(*c, "PRAGMA synchronous"), tc.expected) << tc.configured;
  }
  auto by_default = Open();
  ASSERT_NE(by_default, nullptr);
  EXPECT_EQ(One(*by_default, "PRAGMA synchronous"), "2");  // FULL unless configured
}

TEST_F(SqliteTest, SynchronousOffAndNonsenseAreRefused) {
  for (const char* bad : {"OFF", "0", "2", "", "FULL; DROP TABLE x", "FULLER"}) {
    auto c = OpenSqlite({.path = Path(), .synchronous = bad});
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(c.error().code, "invalid_request");
    EXPECT_EQ(c.error().field, "synchronous");
  }
}

TEST_F(SqliteTest, ANegativeBusyTimeoutAndAnEmptyPathAreRefused) {
  auto negative = OpenSqlite({.path = Path(), .busy_timeout_ms = -1});
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().field, "busy_timeout_ms");
  auto empty = OpenSqlite({.path = ""});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().field, "path");
}

TEST_F(SqliteTest, AMissingDirectoryIsStoreUnavailableAndSaysWhich) {
  const std::string missing = dir_.path() + "/no/such/dir";
  auto c = OpenSqlite({.path = missing + "/rxdesk.db"});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "store_unavailable");
  EXPECT_NE(c.error().message.find(missing), std::string::npos) << c.error().message;
  EXPECT_FALSE(fs::exists(dir_.path() + "/no"));  // nothing was created on the way
}

TEST_F(SqliteTest, AFileThatIsNotADatabaseIsStoreUnavailable) {
  std::ofstream(Path()) << "this is not an SQLite database, just some text that is long enough to have a header";
  auto c = OpenSqlite({.path = Path()});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "store_unavailable");
}

TEST_F(SqliteTest, AnInMemoryDatabaseWorks) {
  auto c = Open({.path = ":memory:"});
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->ExecScript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (5)").ok());
  EXPECT_EQ(One(*c, "SELECT x FROM t"), "5");
}

TEST_F(SqliteTest, AReadOnlyConnectionReadsButCannotWrite) {
  auto writer = Open();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->ExecScript("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)").ok());
  auto reader = Open({.path = Path(), .read_only = true});
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(One(*reader, "SELECT COUNT(*) FROM t"), "1");
  auto write = reader->Exec("INSERT INTO t VALUES (2)");
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().code, "store_unavailable");  // SQLITE_READONLY
}

TEST_F(SqliteTest, ACommitSurvivesACrashBeforeAnyCheckpoint) {
  // A child process commits and dies without closing (no checkpoint, no cleanup),
  // as kill -9 would leave it; the committed row must be in the WAL file.
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto c = OpenSqlite({.path = Path()});
    if (!c.ok()) _exit(2);
    if (!(*c)->ExecScript("CREATE TABLE t (x TEXT)").ok()) _exit(3);
    if (!(*c)->Begin().ok()) _exit(4);
    if (!(*c)->Exec("INSERT INTO t VALUES (?)", {Value("acknowledged")}).ok()) _exit(5);
    if (!(*c)->Commit().ok()) _exit(6);
    _exit(0);  // skips destructors: the connection is never closed
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  ASSERT_TRUE(fs::exists(Path() + "-wal"));
  EXPECT_GT(fs::file_size(Path() + "-wal"), 0u);  // the commit lives in the WAL, not yet in the main file
  auto c = Open();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(One(*c, "SELECT x FROM t"), "acknowledged");
}

TEST_F(SqliteTest, ASecondWriterGetsStoreBusyAfterItsBusyTimeout) {
  auto holder = Open();
  ASSERT_NE(holder, nullptr);
  ASSERT_TRUE(holder->ExecScript("CREATE TABLE t (x INTEGER)").ok());
  auto waiter = Open({.path = Path(), .busy_timeout_ms = 100});
  ASSERT_NE(waiter, nullptr);
  ASSERT_TRUE(holder->Begin().ok());  // BEGIN IMMEDIATE: the write lock, now
  const auto start = std::chrono::steady_clock::now();
  const Status blocked = waiter->Begin();
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, "store_busy");
  EXPECT_GE(waited, std::chrono::milliseconds(90)) << "it waited for its busy timeout first";
  EXPECT_LT(waited, std::chrono::seconds(5));
  EXPECT_EQ(One(*waiter, "SELECT COUNT(*) FROM t"), "0");  // WAL: reading is not blocked
  ASSERT_TRUE(holder->Commit().ok());
  EXPECT_TRUE(waiter->Begin().ok());  // the lock is free again
  EXPECT_TRUE(waiter->Rollback().ok());
}

TEST_F(SqliteTest, ReopeningFindsEverythingCommitted) {
  {
    auto c = Open();
    ASSERT_NE(c, nullptr);
    ASSERT_TRUE(c->ExecScript("CREATE TABLE t (x INTEGER)").ok());
    ASSERT_TRUE(c->Begin().ok());
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(c->Exec("INSERT INTO t VALUES (?)", {Value(i)}).ok());
    ASSERT_TRUE(c->Commit().ok());
  }
  auto again = Open();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(One(*again, "SELECT SUM(x) FROM t"), "4950");  // 0 + … + 99 = 99 * 100 / 2
}

// ---- PostgreSQL only ----

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    conninfo_ = FreshPostgresSchema("test");
    ASSERT_FALSE(conninfo_.empty());
    conn_ = Open();
    ASSERT_NE(conn_, nullptr);
  }
  std::unique_ptr<Connection> Open() {
    auto c = OpenPostgres({.conninfo = conninfo_});
    if (!c.ok()) {
      ADD_FAILURE() << Describe(c);
      return nullptr;
    }
    return std::move(*c);
  }
  // Ends `victim`'s server session from another connection, as a restart or a
  // network failure would.
  void KillSession(Connection& victim) {
    auto pid = victim.Query("SELECT pg_backend_pid()");
    ASSERT_TRUE(pid.ok()) << Describe(pid);
    auto killer = Open();
    ASSERT_NE(killer, nullptr);
    auto killed = killer->Query("SELECT pg_terminate_backend(CAST(? AS INTEGER), 5000)", {(*pid)[0].at(0)});
    ASSERT_TRUE(killed.ok()) << Describe(killed);
    ASSERT_EQ((*killed)[0].Int(0), 1);
  }
  std::string conninfo_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(PostgresTest, DollarQuotesEscapeStringsAndNestedCommentsKeepTheirQuestionMarks) {
  auto rows = conn_->Query(
      "SELECT $$a?b$$, $tag$ ? $$ ? $tag$, E'\\'?', /* outer /* inner ? */ still ? */ CAST(? AS TEXT), "
      "CAST(? AS BIGINT)",
      {Value("p1"), Value(2)});
  ASSERT_TRUE(rows.ok()) << Describe(rows);
  EXPECT_EQ((*rows)[0].Text(0), "a?b");
  EXPECT_EQ((*rows)[0].Text(1), " ? $$ ? ");
  EXPECT_EQ((*rows)[0].Text(2), "'?");
  EXPECT_EQ((*rows)[0].Text(3), "p1");
  EXPECT_EQ((*rows)[0].at(4), Value(2));
}

TEST_F(PostgresTest, ColumnsAreConvertedByTheirType) {
  auto rows = conn_->Query(
      "SELECT true, false, CAST(2 AS SMALLINT), CAST(3 AS INTEGER), CAST(4 AS BIGINT), CAST(5 AS OID), "
      "CAST(1.5 AS REAL), CAST(2.25 AS DOUBLE PRECISION), CAST(12.75 AS NUMERIC), CAST('\\x00ff' AS BYTEA), "
      "DATE '2026-11-23', CAST('NaN' AS DOUBLE PRECISION), CAST('-Infinity' AS DOUBLE PRECISION), "
      "CAST('1e400' AS NUMERIC), CAST('-1e400' AS NUMERIC)");
  ASSERT_TRUE(rows.ok()) << Describe(rows);
  const Row& r = (*rows)[0];
  EXPECT_EQ(r.at(0), Value(1));
  EXPECT_EQ(r.at(1), Value(0));
  EXPECT_EQ(r.at(2), Value(2));
  EXPECT_EQ(r.at(3), Value(3));
  EXPECT_EQ(r.at(4), Value(4));
  EXPECT_EQ(r.at(5), Value(5));
  EXPECT_EQ(r.at(6), Value(1.5));
  EXPECT_EQ(r.at(7), Value(2.25));
  EXPECT_EQ(r.at(8), Value(12.75));
  EXPECT_EQ(r.at(9), Value(Blob{std::string("\x00\xff", 2)}));
  EXPECT_EQ(r.at(10), Value("2026-11-23"));  // everything else is text
  EXPECT_TRUE(r.at(11).is_real() && std::isnan(r.Real(11)));
  EXPECT_EQ(r.at(12), Value(-std::numeric_limits<double>::infinity()));
  EXPECT_EQ(r.at(13), Value(std::numeric_limits<double>::infinity()));  // numeric beyond double: saturates
  EXPECT_EQ(r.at(14), Value(-std::numeric_limits<double>::infinity()));
}

TEST_F(PostgresTest, NonFiniteRealsAreSentInPostgresSpelling) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE f (id INTEGER PRIMARY KEY, r DOUBLE PRECISION)").ok());
  const double kInf = std::numeric_limits<double>::infinity();
  ASSERT_TRUE(
      conn_->Exec("INSERT INTO f VALUES (1, ?), (2, ?), (3, ?)", {Value(kInf), Value(-kInf), Value(std::nan(""))})
          .ok());
  auto rows = conn_->Query("SELECT r FROM f ORDER BY id");
  ASSERT_TRUE(rows.ok()) << Describe(rows);
  EXPECT_EQ((*rows)[0].Real(0), kInf);
  EXPECT_EQ((*rows)[1].Real(0), -kInf);
  EXPECT_TRUE(std::isnan((*rows)[2].Real(0)));
}

TEST_F(PostgresTest, TextWithANulByteIsRefusedInsteadOfCutShort) {
  auto r = conn_->Query("SELECT CAST(? AS TEXT)", {Value(std::string("ab\0cd", 5))});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "store_error");
}

TEST_F(PostgresTest, DataErrorsDoNotQuoteTheOffendingValue) {
  // PostgreSQL's own message would be: invalid input syntax for type integer: "secret-…".
  auto bad = conn_->Query("SELECT CAST(? AS INTEGER)", {Value(kSecret)});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "store_error");
  EXPECT_EQ(bad.error().message.find(kSecret), std::string::npos) << bad.error().message;
  EXPECT_NE(bad.error().message.find("22P02"), std::string::npos) << bad.error().message;
}

TEST_F(PostgresTest, AStatementIsPreparedOnceForAllItsCalls) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY)").ok());
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (?)", {Value(i)}).ok());
  auto prepared = conn_->Query("SELECT statement FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO t%'");
  ASSERT_TRUE(prepared.ok()) << Describe(prepared);
  ASSERT_EQ(prepared->size(), 1u);
  EXPECT_EQ((*prepared)[0].Text(0), "INSERT INTO t(id) VALUES ($1)");  // the rewritten text
}

TEST_F(PostgresTest, CommitAfterAFailedStatementReportsTheFailureAndKeepsNothing) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(conn_->Begin().ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (1)").ok());
  ASSERT_FALSE(conn_->Exec("INSERT INTO t(id) VALUES (1)").ok());
  const Status commit = conn_->Commit();
  ASSERT_FALSE(commit.ok());
  EXPECT_EQ(commit.error().code, "conflict");  // what aborted it
  auto rows = conn_->Query("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(rows.ok()) << Describe(rows);
  EXPECT_EQ((*rows)[0].Int(0), 0);
  EXPECT_TRUE(conn_->Begin().ok());  // and the connection is usable again
  EXPECT_TRUE(conn_->Rollback().ok());
}

TEST_F(PostgresTest, ALockNotAvailableIsStoreBusy) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)").ok());
  auto other = Open();
  ASSERT_NE(other, nullptr);
  ASSERT_TRUE(conn_->Begin().ok());
  ASSERT_TRUE(conn_->Query("SELECT id FROM t WHERE id = 1 FOR UPDATE").ok());
  ASSERT_TRUE(other->Begin().ok());
  auto nowait = other->Query("SELECT id FROM t WHERE id = 1 FOR UPDATE NOWAIT");  // SQLSTATE 55P03
  ASSERT_FALSE(nowait.ok());
  EXPECT_EQ(nowait.error().code, "store_busy");
  EXPECT_TRUE(other->Rollback().ok());
  EXPECT_TRUE(conn_->Rollback().ok());
}

TEST_F(PostgresTest, AnUnreachableServerIsStoreUnavailable) {
  // Port 1 on loopback: nothing listens there, so the connection is refused at once.
  auto c = OpenPostgres({.conninfo = "host=127.0.0.1 port=1 dbname=x user=x connect_timeout=2"});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, "store_unavailable");
  auto garbage = OpenPostgres({.conninfo = "this is = not a conninfo"});
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, "store_unavailable");
}

TEST_F(PostgresTest, ALostConnectionIsStoreUnavailableOnceThenReconnects) {
  ASSERT_NO_FATAL_FAILURE(KillSession(*conn_));
  auto lost = conn_->Query("SELECT 1");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code, "store_unavailable");
  auto again = conn_->Query("SELECT CAST(? AS BIGINT)", {Value(7)});  // a new session, statements re-prepared
  ASSERT_TRUE(again.ok()) << Describe(again);
  EXPECT_EQ((*again)[0].Int(0), 7);
}

TEST_F(PostgresTest, ALostConnectionInsideATransactionFailsUntilRolledBack) {
  ASSERT_TRUE(conn_->ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(conn_->Begin().ok());
  ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (1)").ok());
  ASSERT_NO_FATAL_FAILURE(KillSession(*conn_));
  for (int i = 0; i < 2; ++i) {  // no silent reconnect: the transaction's work is gone
    auto r = conn_->Exec("INSERT INTO t(id) VALUES (2)");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "store_unavailable");
  }
  const Status commit = conn_->Commit();
  ASSERT_FALSE(commit.ok());
  EXPECT_EQ(commit.error().code, "store_unavailable");
  EXPECT_TRUE(conn_->Rollback().ok());
  ASSERT_TRUE(conn_->Begin().ok());  // reconnects
  ASSERT_TRUE(conn_->Exec("INSERT INTO t(id) VALUES (3)").ok());
  ASSERT_TRUE(conn_->Commit().ok());
  auto rows = conn_->Query("SELECT id FROM t");
  ASSERT_TRUE(rows.ok()) << Describe(rows);
  ASSERT_EQ(rows->size(), 1u);  // 1 died with the session; only 3 is there
  EXPECT_EQ((*rows)[0].Int(0), 3);
}

TEST_F(PostgresTest, BeginAfterALostConnectionReconnects) {
  ASSERT_NO_FATAL_FAILURE(KillSession(*conn_));
  const Status begun = conn_->Begin();
  ASSERT_TRUE(begun.ok()) << Describe(begun);
  EXPECT_TRUE(conn_->Commit().ok());
}

TEST(TestPostgresSupport, ReportsWhereItLookedWhenBinariesAreMissing) {
  EXPECT_NE(TestPostgres::NotFoundMessage().find("/usr/lib/postgresql"), std::string::npos);
  if (!TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
  EXPECT_TRUE(fs::exists(TestPostgres::BinDir() + "/initdb"));
}

TEST(TestPostgresSupport, CreatesSeparateDatabases) {
  if (!TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
  TestPostgres& pg = TestPostgres::Shared();
  ASSERT_TRUE(pg.ok()) << pg.error();
  auto a = pg.CreateDatabase();
  auto b = pg.CreateDatabase();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  auto ca = OpenPostgres({.conninfo = *a});
  auto cb = OpenPostgres({.conninfo = *b});
  ASSERT_TRUE(ca.ok() && cb.ok());
  ASSERT_TRUE((*ca)->ExecScript("CREATE TABLE only_in_a (x INTEGER)").ok());
  EXPECT_FALSE((*cb)->Query("SELECT * FROM only_in_a").ok());
}

}  // namespace
}  // namespace rxdesk
