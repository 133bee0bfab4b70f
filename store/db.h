// The one database interface rxdesk's storage code is written against.
// Two implementations: SQLite (store/sqlite_db.cc, the embedded default) and
// PostgreSQL (store/postgres_db.cc). SQL is written once, portably, with `?`
// placeholders; the PostgreSQL connection rewrites them to $1, $2, ….
//
//   auto conn = OpenSqlite({.path = "data/rxdesk.db"});
//   RXD_TRY((*conn)->Exec("INSERT INTO t(a, b) VALUES (?, ?)", {Value(1), Value("x")}));
//   RXD_ASSIGN_OR_RETURN(Rows rows, (*conn)->Query("SELECT a, b FROM t WHERE a = ?", {Value(1)}));
//   for (const Row& r : rows) Use(r.Int(0), r.Text(1));
//
// Errors: code "store_unavailable" (cannot connect / I/O error / disk full),
// "conflict" (unique or foreign-key violation), "store_busy" (lock timeout),
// "store_error" (anything else). Messages are for logs: they may contain SQL,
// never values, and are never sent to clients.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/result.h"

namespace rxdesk {

enum class Dialect { kSqlite, kPostgres };

struct Blob {
  std::string bytes;  // raw bytes
  bool operator==(const Blob&) const = default;
};

// A bound parameter or a column value. Text is UTF-8; Blob is raw bytes.
class Value {
 public:
  Value() = default;  // SQL NULL
  Value(std::nullptr_t) {}
  Value(int v) : v_(static_cast<std::int64_t>(v)) {}
  Value(std::int64_t v) : v_(v) {}
  Value(bool v) : v_(static_cast<std::int64_t>(v ? 1 : 0)) {}
  Value(double v) : v_(v) {}
  Value(std::string v) : v_(std::move(v)) {}
  Value(std::string_view v) : v_(std::string(v)) {}
  Value(const char* v) : v_(std::string(v)) {}
  Value(Blob v) : v_(std::move(v)) {}

  bool is_null() const { return v_.index() == 0; }
  bool is_int() const { return v_.index() == 1; }
  bool is_real() const { return v_.index() == 2; }
  bool is_text() const { return v_.index() == 3; }
  bool is_blob() const { return v_.index() == 4; }

  std::int64_t AsInt() const;        // int, real (truncated, saturating) or numeric text; 0 otherwise
  double AsReal() const;             // real, int or numeric text; 0.0 otherwise
  const std::string& AsText() const; // text or blob bytes; "" for NULL and for numbers (use AsInt/AsReal)
  const std::variant<std::monostate, std::int64_t, double, std::string, Blob>& raw() const { return v_; }
  bool operator==(const Value&) const = default;

 private:
  std::variant<std::monostate, std::int64_t, double, std::string, Blob> v_;
};

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  std::size_t size() const { return values_.size(); }
  const Value& at(std::size_t i) const { return values_.at(i); }
  bool IsNull(std::size_t i) const { return values_.at(i).is_null(); }
  std::int64_t Int(std::size_t i) const { return values_.at(i).AsInt(); }
  double Real(std::size_t i) const { return values_.at(i).AsReal(); }
  const std::string& Text(std::size_t i) const { return values_.at(i).AsText(); }

 private:
  std::vector<Value> values_;
};

using Rows = std::vector<Row>;
using Params = std::initializer_list<Value>;

// One connection. Not thread-safe: one thread uses a connection at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;

  // Runs a statement (no result rows wanted); returns the number of rows changed.
  virtual Result<std::int64_t> Exec(std::string_view sql, std::span<const Value> params) = 0;
  Result<std::int64_t> Exec(std::string_view sql, Params params = {}) {
    return Exec(sql, std::span<const Value>(params.begin(), params.size()));
  }
  // Runs a query and returns all its rows.
  virtual Result<Rows> Query(std::string_view sql, std::span<const Value> params) = 0;
  Result<Rows> Query(std::string_view sql, Params params = {}) {
    return Query(sql, std::span<const Value>(params.begin(), params.size()));
  }
  // Runs several statements with no parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;

  // Transactions. Begin() takes the write lock at once on SQLite (BEGIN IMMEDIATE).
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // Nested scopes inside a transaction (SAVEPOINT name / RELEASE / ROLLBACK TO).
  virtual Status Savepoint(std::string_view name) = 0;
  virtual Status ReleaseSavepoint(std::string_view name) = 0;
  virtual Status RollbackToSavepoint(std::string_view name) = 0;
};

struct SqliteOptions {
  std::string path;              // file path; ":memory:" for tests
  bool read_only = false;
  int busy_timeout_ms = 5000;
  // FULL: every commit is fsync'd (WAL), so neither kill -9 nor power loss
  // loses an acknowledged write. Group commit amortises the cost.
  std::string synchronous = "FULL";
};

struct PostgresOptions {
  std::string conninfo;  // libpq connection string, e.g. "host=/tmp/pg port=5433 dbname=rxdesk"
};

// Opens (creating if needed) an SQLite file in WAL mode with foreign keys on.
// Refusals: invalid_request (field "synchronous": not NORMAL/FULL/EXTRA; "busy_timeout_ms" < 0;
// empty "path"), store_unavailable (missing directory, unreadable or not a database).
Result<std::unique_ptr<Connection>> OpenSqlite(const SqliteOptions& options);
// Connects with libpq (connect_timeout 10 s unless the conninfo says otherwise).
// Refusal: store_unavailable with libpq's reason. A dropped session is re-established
// by the next call made outside a transaction.
Result<std::unique_ptr<Connection>> OpenPostgres(const PostgresOptions& options);

}  // namespace rxdesk
