// Store micro-benchmarks: a point select by primary key on a 100k-row table,
// and inserts at 1 vs 100 rows per transaction with durable commits (SQLite
// synchronous=FULL; PostgreSQL with fsync on), which is what the group-commit
// writer (store/writer.h) buys. PostgreSQL runs only where its binaries exist.
//
//   build/bench/infra_bench --benchmark_filter=Store
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/db.h"
#include "tests/support/postgres_server.h"

namespace rxdesk {
namespace {

namespace fs = std::filesystem;

constexpr int kTableRows = 100'000;
constexpr char kPayload[] = "a row of about the size of a prescription's plain columns, 64 b";

// One temp dir for the SQLite files of this run, removed at exit.
class StoreBenchDir {
 public:
  StoreBenchDir() {
    std::string tmpl = (fs::temp_directory_path() / "rxdesk-bench-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~StoreBenchDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& StoreBenchPath() {
  static const StoreBenchDir dir;
  return dir.path();
}

// The durable server shared by the PostgreSQL benchmarks (nullptr when absent).
testing::TestPostgres* StoreBenchPostgres() {
  static const std::unique_ptr<testing::TestPostgres> pg =
      testing::TestPostgres::Available()
          ? std::make_unique<testing::TestPostgres>(testing::TestPostgresOptions{.durable = true})
          : nullptr;
  return pg != nullptr && pg->ok() ? pg.get() : nullptr;
}

std::unique_ptr<Connection> StoreBenchOpen(Dialect dialect, benchmark::State& state) {
  auto conn = [&]() -> Result<std::unique_ptr<Connection>> {
    if (dialect == Dialect::kSqlite) {
      return OpenSqlite({.path = StoreBenchPath() + "/bench.db", .synchronous = "FULL"});
    }
    testing::TestPostgres* pg = StoreBenchPostgres();
    if (pg == nullptr) return MakeError("store_unavailable", testing::TestPostgres::NotFoundMessage());
    return OpenPostgres({.conninfo = pg->conninfo()});
  }();
  if (!conn.ok()) {
    state.SkipWithError(conn.error().message.c_str());
    return nullptr;
  }
  return std::move(*conn);
}

// Creates and fills `lookup` once per dialect.
bool StoreBenchFillLookup(Connection& conn) {
  if (!conn.ExecScript("DROP TABLE IF EXISTS lookup; CREATE TABLE lookup (id BIGINT PRIMARY KEY, name TEXT, n BIGINT)")
           .ok()) {
    return false;
  }
  if (!conn.Begin().ok()) return false;
  for (int i = 0; i < kTableRows; ++i) {
    if (!conn.Exec("INSERT INTO lookup(id, name, n) VALUES (?, ?, ?)", {Value(i), Value(kPayload), Value(i * 7)})
             .ok()) {
      return false;
    }
  }
  return conn.Commit().ok();
}

void StorePointSelect(benchmark::State& state, Dialect dialect) {
  auto conn = StoreBenchOpen(dialect, state);
  if (conn == nullptr) return;
  if (!StoreBenchFillLookup(*conn)) {
    state.SkipWithError("cannot fill the lookup table");
    return;
  }
  std::uint64_t x = 88172645463325252ULL;  // xorshift64: spread keys over the whole table
  for (auto _ : state) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const auto id = static_cast<std::int64_t>(x % kTableRows);
    auto rows = conn->Query("SELECT name, n FROM lookup WHERE id = ?", {Value(id)});
    if (!rows.ok() || rows->size() != 1) {
      state.SkipWithError("point select failed");
      return;
    }
    benchmark::DoNotOptimize(rows);
  }
  state.SetItemsProcessed(state.iterations());
}

// state.range(0) rows per durable commit.
void StoreInsertPerTransaction(benchmark::State& state, Dialect dialect) {
  auto conn = StoreBenchOpen(dialect, state);
  if (conn == nullptr) return;
  if (!conn->ExecScript("DROP TABLE IF EXISTS journal; CREATE TABLE journal (id BIGINT PRIMARY KEY, body TEXT)")
           .ok()) {
    state.SkipWithError("cannot create the journal table");
    return;
  }
  const std::int64_t per_txn = state.range(0);
  std::int64_t next_id = 0;
  for (auto _ : state) {
    bool ok = conn->Begin().ok();
    for (std::int64_t i = 0; ok && i < per_txn; ++i) {
      ok = conn->Exec("INSERT INTO journal(id, body) VALUES (?, ?)", {Value(next_id++), Value(kPayload)}).ok();
    }
    if (!ok || !conn->Commit().ok()) {
      state.SkipWithError("insert failed");
      return;
    }
  }
  state.SetItemsProcessed(state.iterations() * per_txn);
  state.counters["rows_per_txn"] = static_cast<double>(per_txn);
}

void BM_StoreSqlitePointSelect(benchmark::State& state) { StorePointSelect(state, Dialect::kSqlite); }
void BM_StoreSqliteInsert(benchmark::State& state) { StoreInsertPerTransaction(state, Dialect::kSqlite); }
void BM_StorePostgresPointSelect(benchmark::State& state) { StorePointSelect(state, Dialect::kPostgres); }
void BM_StorePostgresInsert(benchmark::State& state) { StoreInsertPerTransaction(state, Dialect::kPostgres); }

BENCHMARK(BM_StoreSqlitePointSelect);
BENCHMARK(BM_StoreSqliteInsert)->Arg(1)->Arg(100)->UseRealTime();
BENCHMARK(BM_StorePostgresPointSelect)->UseRealTime();
BENCHMARK(BM_StorePostgresInsert)->Arg(1)->Arg(100)->UseRealTime();

}  // namespace
}  // namespace rxdesk
