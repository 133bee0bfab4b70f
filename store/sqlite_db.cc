// SQLite implementation of Connection (declared in store/db.h).
//
// One connection per thread (SQLITE_OPEN_NOMUTEX). WAL journal so readers never
// block the writer, foreign keys on, a busy timeout so a second writer waits for
// the lock instead of failing at once, and `synchronous` from the options
// (FULL by default: an acknowledged commit survives power loss).
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <unordered_map>

#include "store/db.h"

namespace rxdesk {
namespace {

// Bounds the statement cache: SQL in rxdesk is a fixed set of literals, so this
// is only reached if someone builds SQL dynamically; then the cache starts over.
constexpr std::size_t kMaxCachedStatements = 512;

// The error code for an SQLite result code (primary code in the low byte).
const char* CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return "conflict";
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return "store_busy";
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return "store_unavailable";
    default:
      return "store_error";
  }
}

// SQLite's messages name constraints and columns, never bound values.
Error SqliteError(int rc, sqlite3* db, std::string_view operation) {
  std::string message(operation);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return MakeError(CodeFor(rc), std::move(message));
}

bool IsIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

// Resets a cached statement and drops its bindings when a call ends, so the
// borrowed parameter buffers (bound SQLITE_STATIC) are never read afterwards.
class StmtLease {
 public:
  explicit StmtLease(sqlite3_stmt* s) : s_(s) {}
  ~StmtLease() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  StmtLease(const StmtLease&) = delete;
  StmtLease& operator=(const StmtLease&) = delete;
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    cache_.clear();  // statements must be finalized before the handle closes
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<std::int64_t> Exec(std::string_view sql, std::span<const Value> params) override {
    RXD_ASSIGN_OR_RETURN(sqlite3_stmt * raw, Prepare(sql));
    StmtLease stmt(raw);
    RXD_TRY(Bind(stmt.get(), params));
    const sqlite3_int64 before = sqlite3_total_changes64(db_);
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return SqliteError(rc, db_, "exec");
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so a
    // statement that changed nothing (DDL, SELECT) must report 0 explicitly.
    if (sqlite3_total_changes64(db_) == before) return std::int64_t{0};
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }

  Result<Rows> Query(std::string_view sql, std::span<const Value> params) override {
    RXD_ASSIGN_OR_RETURN(sqlite3_stmt * raw, Prepare(sql));
    StmtLease stmt(raw);
    RXD_TRY(Bind(stmt.get(), params));
    Rows rows;
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      // Read after step: a schema change re-prepares the statement inside the
      // first step, and `SELECT *` may then have more columns than before.
      const int columns = sqlite3_column_count(stmt.get());
      std::vector<Value> values;
      values.reserve(static_cast<std::size_t>(columns));
      for (int c = 0; c < columns; ++c) values.push_back(ReadColumn(stmt.get(), c));
      rows.emplace_back(std::move(values));
    }
    if (rc != SQLITE_DONE) return SqliteError(rc, db_, "query");
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    const std::string text(sql);  // sqlite3_exec needs a terminated string
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqliteError(rc, db_, "script");
    return OkStatus();
  }

  Status Begin() override { return Simple("BEGIN IMMEDIATE", "begin"); }
  Status Commit() override { return Simple("COMMIT", "commit"); }
  Status Rollback() override {
    // Some failures (I/O, disk full, busy) end the transaction on their own;
    // rolling back what is already gone is success, not a second error.
    if (sqlite3_get_autocommit(db_) != 0) return OkStatus();
    return Simple("ROLLBACK", "rollback");
  }
  Status Savepoint(std::string_view name) override { return NamedSavepoint("SAVEPOINT ", name, "savepoint"); }
  Status ReleaseSavepoint(std::string_view name) override {
    return NamedSavepoint("RELEASE SAVEPOINT ", name, "release savepoint");
  }
  Status RollbackToSavepoint(std::string_view name) override {
    return NamedSavepoint("ROLLBACK TO SAVEPOINT ", name, "rollback to savepoint");
  }

 private:
  Status Simple(std::string_view sql, std::string_view operation) {
    RXD_ASSIGN_OR_RETURN(sqlite3_stmt * raw, Prepare(sql));
    StmtLease stmt(raw);
    const int rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_DONE) return SqliteError(rc, db_, operation);
    return OkStatus();
  }

  Status NamedSavepoint(std::string_view verb, std::string_view name, std::string_view operation) {
    // Names are spliced into SQL, so only plain identifiers are accepted.
    if (!IsIdentifier(name)) return MakeError("store_error", std::string(operation) + ": invalid savepoint name");
    std::string sql(verb);
    sql += name;
    return Simple(sql, operation);
  }

  // The cached statement for `sql`, prepared on first use.
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second.get();
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    StmtPtr stmt(raw);
    if (rc != SQLITE_OK) return SqliteError(rc, db_, "prepare");
    if (stmt == nullptr) return MakeError("store_error", "prepare: empty statement");
    // Exec/Query run exactly one statement; a second one would be silently ignored.
    const char* const end = sql.data() + sql.size();
    if (tail != nullptr && tail < end) {
      sqlite3_stmt* extra = nullptr;
      rc = sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &extra, nullptr);
      StmtPtr extra_owner(extra);
      if (rc != SQLITE_OK || extra != nullptr) {
        return MakeError("store_error", "prepare: more than one statement (use ExecScript)");
      }
    }
    if (cache_.size() >= kMaxCachedStatements) cache_.clear();
    sqlite3_stmt* const out = stmt.get();
    cache_.emplace(std::string(sql), std::move(stmt));
    return out;
  }

  Status Bind(sqlite3_stmt* stmt, std::span<const Value> params) {
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (expected != static_cast<int>(params.size())) {
      return MakeError("store_error", "bind: the statement has " + std::to_string(expected) + " placeholders but " +
                                          std::to_string(params.size()) + " values were given");
    }
    for (int i = 0; i < expected; ++i) {
      const Value& v = params[static_cast<std::size_t>(i)];
      const int slot = i + 1;
      int rc = SQLITE_OK;
      switch (v.raw().index()) {
        case 0:
          rc = sqlite3_bind_null(stmt, slot);
          break;
        case 1:
          rc = sqlite3_bind_int64(stmt, slot, std::get<1>(v.raw()));
          break;
        case 2:
          rc = sqlite3_bind_double(stmt, slot, std::get<2>(v.raw()));
          break;
        case 3: {
          const std::string& s = std::get<3>(v.raw());
          // SQLITE_STATIC: the caller's values outlive the call and StmtLease clears the bindings.
          rc = sqlite3_bind_text64(stmt, slot, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
          break;
        }
        case 4: {
          const std::string& b = std::get<4>(v.raw()).bytes;
          // data() is never null, so an empty blob stays an empty blob, not NULL.
          rc = sqlite3_bind_blob64(stmt, slot, b.data(), b.size(), SQLITE_STATIC);
          break;
        }
      }
      if (rc != SQLITE_OK) return SqliteError(rc, db_, "bind");
    }
    return OkStatus();
  }

  static Value ReadColumn(sqlite3_stmt* stmt, int c) {
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_INTEGER:
        return Value(static_cast<std::int64_t>(sqlite3_column_int64(stmt, c)));
      case SQLITE_FLOAT:
        return Value(sqlite3_column_double(stmt, c));
      case SQLITE_TEXT: {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
        return Value(std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
      }
      case SQLITE_BLOB: {
        const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt, c));
        const auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt, c));
        return Value(Blob{size == 0 ? std::string() : std::string(bytes, size)});
      }
      default:
        return Value();
    }
  }

  sqlite3* db_;
  std::unordered_map<std::string, StmtPtr, StringHash, std::equal_to<>> cache_;
};

// Runs a pragma that must not fail; returns its first result column as text.
Result<std::string> Pragma(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) return SqliteError(rc, db, "open");
  std::string first;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    if (first.empty() && sqlite3_column_type(stmt.get(), 0) != SQLITE_NULL) {
      first = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), 0));
    }
  }
  if (rc != SQLITE_DONE) return SqliteError(rc, db, "open");
  return first;
}

}  // namespace

Result<std::unique_ptr<Connection>> OpenSqlite(const SqliteOptions& options) {
  // ARCHITECTURE.md: SQLite runs with synchronous=NORMAL or stronger; OFF could
  // lose acknowledged writes on power loss, so it is refused.
  const std::string synchronous = Upper(options.synchronous);
  if (synchronous != "NORMAL" && synchronous != "FULL" && synchronous != "EXTRA") {
    return InvalidField("synchronous", "synchronous must be NORMAL, FULL or EXTRA");
  }
  if (options.busy_timeout_ms < 0) return InvalidField("busy_timeout_ms", "busy_timeout_ms must not be negative");
  if (options.path.empty()) return InvalidField("path", "the SQLite path is empty");

  const bool in_memory = options.path == ":memory:";
  if (!in_memory) {
    // SQLite's own message for a missing directory is only "unable to open database file".
    const std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
    std::error_code ec;
    if (!parent.empty() && !std::filesystem::is_directory(parent, ec)) {
      return MakeError("store_unavailable", "open: the directory " + parent.string() + " does not exist");
    }
  }

  const int flags =
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(options.path.c_str(), &raw, flags, nullptr);
  auto conn = std::make_unique<SqliteConnection>(raw);  // owns the handle even on failure
  if (rc != SQLITE_OK) return SqliteError(rc, raw, "open " + options.path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);  // first: the pragmas below may wait for locks

  if (!options.read_only) {
    RXD_ASSIGN_OR_RETURN(const std::string mode, Pragma(raw, "PRAGMA journal_mode=WAL"));
    if (!in_memory && mode != "wal") {
      return MakeError("store_unavailable", "open: cannot switch to WAL (journal_mode is " + mode + ")");
    }
  }
  RXD_TRY(Pragma(raw, "PRAGMA foreign_keys=ON"));
  RXD_TRY(Pragma(raw, "PRAGMA synchronous=" + synchronous));
  // A read-only open succeeds even for a file that is not a database; touching
  // the schema makes "not a database" surface here rather than on first query.
  RXD_TRY(Pragma(raw, "SELECT count(*) FROM sqlite_schema"));
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace rxdesk
