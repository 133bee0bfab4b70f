// PostgreSQL implementation of Connection (declared in store/db.h), on libpq.
//
// SQL arrives with SQLite-style `?` placeholders and is rewritten once to
// $1..$n, prepared once per connection (PQprepare) and run with
// PQexecPrepared afterwards. Integers and reals travel as text, blobs in
// binary; results come back as text and are converted by column type.
// A dropped connection is re-established on the next call made outside a
// transaction (always on Begin()); inside one, calls fail with
// store_unavailable until the caller rolls back.
#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>

#include "store/db.h"

namespace rxdesk {
namespace {

// Type OIDs from the PostgreSQL catalog (pg_type.dat); stable across versions.
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

// rxdesk's SQL is a fixed set of literals; the bound only matters for SQL built
// at run time. On overflow the session's statements are deallocated.
constexpr std::size_t kMaxCachedStatements = 512;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
}

bool IsIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;  // NAMEDATALEN - 1
  if (!std::isalpha(static_cast<unsigned char>(name[0])) && name[0] != '_') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Copies `sql`, turning each `?` outside string literals ('…', E'…'), quoted
// identifiers ("…"), dollar-quoted bodies ($tag$…$tag$) and comments into $1,
// $2, …; `count` receives n. (jsonb's ? operators must be written as
// jsonb_exists() etc. in portable SQL.)
std::string RewritePlaceholders(std::string_view sql, int& count) {
  std::string out;
  out.reserve(sql.size() + 16);
  count = 0;
  const std::size_t n = sql.size();
  std::size_t i = 0;
  const auto copy_to = [&](std::size_t end) {
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    const char c = sql[i];
    const char next = i + 1 < n ? sql[i + 1] : '\0';
    if (c == '\'') {
      // E'…' strings treat backslash as an escape; plain ones only double quotes.
      const bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i == 1 || !IsIdentChar(sql[i - 2]));
      std::size_t j = i + 1;
      while (j < n) {
        if (escapes && sql[j] == '\\') {
          j += 2;
        } else if (sql[j] == '\'') {
          if (j + 1 < n && sql[j + 1] == '\'') {
            j += 2;
          } else {
            ++j;
            break;
          }
        } else {
          ++j;
        }
      }
      copy_to(std::min(j, n));
    } else if (c == '"') {
      std::size_t j = i + 1;
      while (j < n) {
        if (sql[j] == '"') {
          if (j + 1 < n && sql[j + 1] == '"') {
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        ++j;
      }
      copy_to(j);
    } else if (c == '-' && next == '-') {
      const std::size_t eol = sql.find('\n', i);
      copy_to(eol == std::string_view::npos ? n : eol);
    } else if (c == '/' && next == '*') {
      int depth = 1;  // PostgreSQL block comments nest
      std::size_t j = i + 2;
      while (j < n && depth > 0) {
        if (sql[j] == '/' && j + 1 < n && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < n && sql[j + 1] == '/') {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      }
      copy_to(j);
    } else if (c == '$' && (i == 0 || !IsIdentChar(sql[i - 1]))) {
      // $tag$ opens a dollar-quoted string; $1 is a numbered parameter.
      std::size_t j = i + 1;
      if (j < n && !std::isdigit(static_cast<unsigned char>(sql[j]))) {
        while (j < n && sql[j] != '$' && IsIdentChar(sql[j])) ++j;
      }
      if (j < n && sql[j] == '$') {
        const std::string_view tag = sql.substr(i, j - i + 1);
        const std::size_t close = sql.find(tag, j + 1);
        copy_to(close == std::string_view::npos ? n : close + tag.size());
      } else {
        copy_to(i + 1);
      }
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++count);
      ++i;
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

const char* CodeForSqlstate(std::string_view state) {
  // Class 23 integrity constraint violation (23505 unique, 23503 foreign key, …).
  if (state.starts_with("23")) return "conflict";
  // Class 08 connection exception.
  if (state.starts_with("08")) return "store_unavailable";
  // Serialization failure, deadlock detected, lock not available.
  if (state == "40001" || state == "40P01" || state == "55P03") return "store_busy";
  // Disk full, I/O error, server shutting down or starting, too many connections,
  // read-only standby: like SQLite's FULL/IOERR/CANTOPEN/READONLY, the store is unavailable.
  if (state == "53100" || state == "58030" || state == "57P01" || state == "57P02" || state == "57P03" ||
      state == "53300" || state == "25006") {
    return "store_unavailable";
  }
  return "store_error";
}

std::string TrimmedErrorMessage(const PGconn* conn) {
  std::string m = PQerrorMessage(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  const std::size_t eol = m.find('\n');
  return eol == std::string::npos ? m : m.substr(0, eol);
}

// Formats a double so that PostgreSQL's float8 input reads back the same value.
std::string_view FormatReal(double d, std::array<char, 32>& buf) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  const auto res = std::to_chars(buf.data(), buf.data() + buf.size() - 1, d);
  *res.ptr = '\0';
  return {buf.data(), static_cast<std::size_t>(res.ptr - buf.data())};
}

Value ReadCell(const PGresult* res, int row, int col, Oid type) {
  if (PQgetisnull(res, row, col)) return Value();
  const char* text = PQgetvalue(res, row, col);
  const auto len = static_cast<std::size_t>(PQgetlength(res, row, col));
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      std::int64_t v = 0;
      std::from_chars(text, text + len, v);
      return Value(v);
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: {
      // from_chars, unlike strtod, ignores the C locale; it also reads "NaN", "Infinity", "-Infinity".
      double v = 0;
      if (std::from_chars(text, text + len, v).ec != std::errc()) v = std::strtod(text, nullptr);  // ±HUGE_VAL, 0
      return Value(v);
    }
    case kBoolOid:
      return Value(static_cast<std::int64_t>(text[0] == 't' ? 1 : 0));
    case kByteaOid: {
      std::size_t size = 0;
      unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size);
      if (raw == nullptr) return Value(Blob{});
      Blob blob{std::string(reinterpret_cast<const char*>(raw), size)};
      PQfreemem(raw);
      return Value(std::move(blob));
    }
    default:
      return Value(std::string(text, len));
  }
}

void IgnoreNotice(void*, const char*) {}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(ConnPtr conn) : conn_(std::move(conn)) { Configure(); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<std::int64_t> Exec(std::string_view sql, std::span<const Value> params) override {
    RXD_ASSIGN_OR_RETURN(ResultPtr res, Run(sql, params, "exec"));
    // PQcmdTuples also counts SELECTed rows; only statements that change rows count here,
    // matching SQLite's sqlite3_changes.
    const std::string_view tag = PQcmdStatus(res.get());
    if (!tag.starts_with("INSERT") && !tag.starts_with("UPDATE") && !tag.starts_with("DELETE") &&
        !tag.starts_with("MERGE")) {
      return std::int64_t{0};
    }
    const std::string_view count = PQcmdTuples(res.get());
    std::int64_t changed = 0;
    std::from_chars(count.data(), count.data() + count.size(), changed);
    return changed;
  }

  Result<Rows> Query(std::string_view sql, std::span<const Value> params) override {
    RXD_ASSIGN_OR_RETURN(ResultPtr res, Run(sql, params, "query"));
    const int rows_n = PQntuples(res.get());
    const int cols_n = PQnfields(res.get());
    types_.resize(static_cast<std::size_t>(cols_n));
    for (int c = 0; c < cols_n; ++c) types_[static_cast<std::size_t>(c)] = PQftype(res.get(), c);
    Rows rows;
    rows.reserve(static_cast<std::size_t>(rows_n));
    for (int r = 0; r < rows_n; ++r) {
      std::vector<Value> values;
      values.reserve(static_cast<std::size_t>(cols_n));
      for (int c = 0; c < cols_n; ++c) values.push_back(ReadCell(res.get(), r, c, types_[static_cast<std::size_t>(c)]));
      rows.emplace_back(std::move(values));
    }
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    RXD_TRY(EnsureConnected());
    const std::string text(sql);
    ResultPtr res(PQexec(conn_.get(), text.c_str()));
    RXD_TRY(Check(res.get(), "script"));
    return OkStatus();
  }

  Status Begin() override {
    if (PQstatus(conn_.get()) != CONNECTION_OK) in_transaction_ = false;  // it died with the connection
    RXD_TRY(EnsureConnected());
    if (PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) {
      return MakeError("store_error", "begin: a transaction is already open");
    }
    Status begun = Simple("BEGIN", "begin");
    if (!begun.ok() && PQstatus(conn_.get()) != CONNECTION_OK) {
      // The session died while idle (server restart, failover) and libpq only
      // noticed now. Nothing had started, so reconnecting and retrying is safe.
      RXD_TRY(EnsureConnected());
      begun = Simple("BEGIN", "begin");
    }
    RXD_TRY(begun);
    in_transaction_ = true;
    abort_code_.clear();
    return OkStatus();
  }

  Status Commit() override {
    RXD_TRY(EnsureConnected());
    if (PQtransactionStatus(conn_.get()) == PQTRANS_INERROR) {
      // PostgreSQL would answer COMMIT with ROLLBACK; say so instead of succeeding.
      const std::string code = abort_code_.empty() ? "store_error" : abort_code_;
      (void)Simple("ROLLBACK", "rollback");
      in_transaction_ = false;
      return MakeError(code, "commit: the transaction was rolled back because a statement in it failed");
    }
    if (PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) {
      in_transaction_ = false;
      return MakeError("store_error", "commit: no transaction is open");  // as SQLite says
    }
    ResultPtr res(PQexec(conn_.get(), "COMMIT"));
    in_transaction_ = false;
    RXD_TRY(Check(res.get(), "commit"));
    if (std::string_view(PQcmdStatus(res.get())) == "ROLLBACK") {
      return MakeError("store_error", "commit: the server rolled the transaction back");
    }
    return OkStatus();
  }

  Status Rollback() override {
    in_transaction_ = false;
    // A lost connection has already rolled the transaction back on the server.
    if (PQstatus(conn_.get()) != CONNECTION_OK) return OkStatus();
    if (PQtransactionStatus(conn_.get()) == PQTRANS_IDLE) return OkStatus();
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
  struct Prepared {
    std::string name;
    int param_count = 0;
  };

  void Configure() {
    // Notices (e.g. "there is no transaction in progress") would go to stderr.
    PQsetNoticeProcessor(conn_.get(), IgnoreNotice, nullptr);
    PQsetClientEncoding(conn_.get(), "UTF8");
  }

  // Reconnects a dropped connection unless a transaction was open on it.
  Status EnsureConnected() {
    if (PQstatus(conn_.get()) == CONNECTION_OK) return OkStatus();
    if (in_transaction_) {
      return MakeError("store_unavailable", "the connection was lost inside a transaction; roll back and retry");
    }
    prepared_.clear();  // server-side statements died with the session
    PQreset(conn_.get());
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      return MakeError("store_unavailable", "reconnect: " + TrimmedErrorMessage(conn_.get()));
    }
    Configure();
    return OkStatus();
  }

  // Maps a failed result to an Error; remembers what aborted an open transaction.
  Status Check(const PGresult* res, std::string_view operation) {
    const ExecStatusType st = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return OkStatus();
    Error e = ErrorFor(res, operation);
    if (PQtransactionStatus(conn_.get()) == PQTRANS_INERROR && abort_code_.empty()) abort_code_ = e.code;
    return e;
  }

  Error ErrorFor(const PGresult* res, std::string_view operation) const {
    std::string message(operation);
    message += ": ";
    const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      message += TrimmedErrorMessage(conn_.get());
      return MakeError("store_unavailable", std::move(message));
    }
    if (state == nullptr) {  // refused by libpq itself, e.g. too many parameters
      message += TrimmedErrorMessage(conn_.get());
      return MakeError("store_error", std::move(message));
    }
    // Only the primary message: DETAIL repeats key values ("Key (id)=(5) already
    // exists"), and class 22 primaries quote the offending input, so those are
    // replaced by the SQLSTATE alone. Values must never reach a log.
    const std::string_view sqlstate(state);
    const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    if (sqlstate.starts_with("22") || primary == nullptr) {
      message += "invalid data";
    } else {
      message += primary;
    }
    message += " (SQLSTATE ";
    message += sqlstate;
    message += ')';
    return MakeError(CodeForSqlstate(sqlstate), std::move(message));
  }

  Status Simple(const char* sql, std::string_view operation) {
    ResultPtr res(PQexec(conn_.get(), sql));
    return Check(res.get(), operation);
  }

  Status NamedSavepoint(std::string_view verb, std::string_view name, std::string_view operation) {
    // Names are spliced into SQL, so only plain identifiers are accepted.
    if (!IsIdentifier(name)) return MakeError("store_error", std::string(operation) + ": invalid savepoint name");
    RXD_TRY(EnsureConnected());
    std::string sql(verb);
    sql += name;
    return Simple(sql.c_str(), operation);
  }

  Result<const Prepared*> Prepare(std::string_view sql) {
    if (auto it = prepared_.find(sql); it != prepared_.end()) return &it->second;
    if (prepared_.size() >= kMaxCachedStatements) {
      ResultPtr gone(PQexec(conn_.get(), "DEALLOCATE ALL"));
      prepared_.clear();
    }
    Prepared p;
    const std::string rewritten = RewritePlaceholders(sql, p.param_count);
    p.name = "rxd_" + std::to_string(++statement_counter_);
    ResultPtr res(PQprepare(conn_.get(), p.name.c_str(), rewritten.c_str(), 0, nullptr));
    RXD_TRY(Check(res.get(), "prepare"));
    auto [it, inserted] = prepared_.emplace(std::string(sql), std::move(p));
    return &it->second;
  }

  // Prepares (once) and runs `sql` with `params`; returns the successful result.
  Result<ResultPtr> Run(std::string_view sql, std::span<const Value> params, std::string_view operation) {
    RXD_TRY(EnsureConnected());
    for (int attempt = 0;; ++attempt) {
      RXD_ASSIGN_OR_RETURN(const Prepared* p, Prepare(sql));
      if (p->param_count != static_cast<int>(params.size())) {
        return MakeError("store_error", std::string(operation) + ": the statement has " +
                                            std::to_string(p->param_count) + " placeholders but " +
                                            std::to_string(params.size()) + " values were given");
      }
      RXD_TRY(BindParams(params, operation));
      ResultPtr res(PQexecPrepared(conn_.get(), p->name.c_str(), p->param_count, values_.data(), lengths_.data(),
                                   formats_.data(), 0));
      Status s = Check(res.get(), operation);
      if (s.ok()) {
        if (PQresultStatus(res.get()) == PGRES_EMPTY_QUERY) {
          return MakeError("store_error", std::string(operation) + ": empty statement");  // as SQLite says
        }
        return res;
      }
      // A schema change can invalidate a prepared plan ("cached plan must not
      // change result type"); re-prepare and retry once when no transaction is
      // affected, otherwise just forget the statement for next time.
      const char* state = res != nullptr ? PQresultErrorField(res.get(), PG_DIAG_SQLSTATE) : nullptr;
      const bool stale = state != nullptr && (std::string_view(state) == "0A000" || std::string_view(state) == "26000");
      if (!stale) return std::move(s).error();
      if (auto it = prepared_.find(sql); it != prepared_.end()) {
        const std::string deallocate = "DEALLOCATE " + it->second.name;
        ResultPtr gone(PQexec(conn_.get(), deallocate.c_str()));
        prepared_.erase(it);
      }
      if (attempt > 0 || PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) return std::move(s).error();
    }
  }

  // Fills values_/lengths_/formats_ for PQexecPrepared, reusing their capacity.
  Status BindParams(std::span<const Value> params, std::string_view operation) {
    const std::size_t n = params.size();
    values_.assign(n, nullptr);
    lengths_.assign(n, 0);
    formats_.assign(n, 0);
    if (scratch_.size() < n) scratch_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& raw = params[i].raw();
      switch (raw.index()) {
        case 0:
          break;  // NULL: a null pointer
        case 1: {
          auto& buf = scratch_[i];
          const auto res = std::to_chars(buf.data(), buf.data() + buf.size() - 1, std::get<1>(raw));
          *res.ptr = '\0';
          values_[i] = buf.data();
          break;
        }
        case 2:
          values_[i] = FormatReal(std::get<2>(raw), scratch_[i]).data();
          break;
        case 3: {
          const std::string& s = std::get<3>(raw);
          // Text parameters are NUL-terminated C strings on the wire: a NUL would
          // silently cut the value short. Binary data belongs in a Blob.
          if (std::memchr(s.data(), '\0', s.size()) != nullptr) {
            return MakeError("store_error", std::string(operation) + ": text parameter " + std::to_string(i + 1) +
                                                " contains a NUL byte; bind it as a Blob");
          }
          values_[i] = s.c_str();
          break;
        }
        case 4: {
          const std::string& b = std::get<4>(raw).bytes;
          if (b.size() > static_cast<std::size_t>(INT_MAX)) {
            return MakeError("store_error", std::string(operation) + ": blob parameter is larger than 2 GiB");
          }
          values_[i] = b.data();
          lengths_[i] = static_cast<int>(b.size());
          formats_[i] = 1;  // binary: bytes go as they are, no escaping
          break;
        }
      }
    }
    return OkStatus();
  }

  ConnPtr conn_;
  std::unordered_map<std::string, Prepared, StringHash, std::equal_to<>> prepared_;
  std::uint64_t statement_counter_ = 0;
  bool in_transaction_ = false;
  std::string abort_code_;  // code of the error that aborted the open transaction
  // Reused per call so a hot statement does not allocate for its parameters.
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<std::array<char, 32>> scratch_;
  std::vector<Oid> types_;
};

}  // namespace

Result<std::unique_ptr<Connection>> OpenPostgres(const PostgresOptions& options) {
  // Keywords before "dbname" are defaults the conninfo string may override.
  const char* const keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
  const char* const values[] = {"10", "rxdesk", options.conninfo.c_str(), nullptr};
  ConnPtr conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (conn == nullptr) return MakeError("store_unavailable", "connect: out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return MakeError("store_unavailable", "connect: " + TrimmedErrorMessage(conn.get()));
  }
  return std::unique_ptr<Connection>(std::make_unique<PostgresConnection>(std::move(conn)));
}

}  // namespace rxdesk
