// The store as the services see it: a pool of read connections and the one
// group-commit writer, over SQLite (default) or PostgreSQL.
//
//   RXD_ASSIGN_OR_RETURN(auto store, Store::Open({.sqlite_path = "data/rxdesk.db"}));
//   auto rows = store->Read([&](Connection& c) { return c.Query("SELECT ...", {...}); });
//   RXD_TRY(store->Write([&](WriteContext& w) -> Status { ... }));
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/db.h"
#include "store/writer.h"

namespace rxdesk {

struct StoreOptions {
  std::string sqlite_path;        // used when postgres_conninfo is empty
  std::string postgres_conninfo;  // libpq conninfo; selects PostgreSQL
  std::string sqlite_synchronous = "FULL";
  int busy_timeout_ms = 5000;
  bool migrate = true;            // apply missing migrations at open
  // PostgreSQL only: the most read sessions this process holds open; readers
  // beyond it wait for one to come back. Every node's sessions (these plus the
  // writer's) count against the server's max_connections (100 by default), and
  // one per worker thread would exhaust it with two nodes. 0: no limit.
  int postgres_read_connections = 16;
};

class Store {
 public:
  // Opens (and by default migrates) the store. Refusals: store_unavailable,
  // schema_too_new, and the connection's errors.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);

  Dialect dialect() const { return dialect_; }

  // Runs fn(Connection&) on a pooled read connection and returns what it returns.
  template <typename F>
  auto Read(F&& fn) -> decltype(fn(std::declval<Connection&>())) {
    const auto start = std::chrono::steady_clock::now();
    Lease lease(*this);
    if (!lease.conn) return Error{"store_unavailable", "cannot open a read connection", ""};
    auto result = fn(*lease.conn);
    Observe("read", start);
    return result;
  }

  // See Writer::Write. The time includes waiting for the group commit.
  Status Write(WriteJob job) {
    const auto start = std::chrono::steady_clock::now();
    Status s = writer_->Write(std::move(job));
    Observe("write", start);
    return s;
  }

  // See Writer::WriteAsync. The time observed includes waiting for the group commit.
  void WriteAsync(WriteJob job, std::function<void(Status)> done) {
    const auto start = std::chrono::steady_clock::now();
    writer_->WriteAsync(std::move(job), [this, start, done = std::move(done)](Status s) {
      Observe("write", start);
      done(std::move(s));
    });
  }

  // Receives (kind, seconds) for every read and write, e.g. for /metrics. Set before use.
  void SetObserver(std::function<void(const char* kind, double seconds)> observer) { observer_ = std::move(observer); }

  WriterStats writer_stats() const { return writer_->stats(); }

  // A fresh connection (for tools: seed, audit verify).
  Result<std::unique_ptr<Connection>> Connect() const;

 private:
  struct Lease {
    explicit Lease(Store& s);
    ~Lease();
    Store& store;
    std::unique_ptr<Connection> conn;
  };

  Store(StoreOptions options, Dialect dialect);
  void Observe(const char* kind, std::chrono::steady_clock::time_point start) const {
    if (observer_) observer_(kind, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

  StoreOptions options_;
  Dialect dialect_;
  std::unique_ptr<Writer> writer_;
  std::function<void(const char*, double)> observer_;
  std::size_t max_read_connections_;  // 0: no limit
  std::mutex pool_mu_;
  std::condition_variable pool_returned_;
  std::vector<std::unique_ptr<Connection>> pool_;  // guarded by pool_mu_: idle read connections
  std::size_t read_connections_ = 0;               // guarded by pool_mu_: idle, leased or being opened
};

}  // namespace rxdesk
