// One refill reminder and auto-refill pass (services/refill_reminders.h) over the
// 100k-member demo data: `rxdesk seed --demo --members 100000` (not timed), one
// prescription in ten enrolled in auto-refill, then RunPass for today on the
// SQLite store with durable commits (synchronous=FULL), as `serve` runs it.
// Needs the rxdesk binary ($RXDESK_BIN, else build/rxdesk); skipped with a
// message when it is absent. RXDESK_BENCH_REMINDER_MEMBERS overrides the size.
//
//   build/bench/infra_bench --benchmark_filter=RefillReminder
#include <benchmark/benchmark.h>
#include <date/tz.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "infra/key_file.h"
#include "infra/system_clock.h"
#include "services/refill_reminders.h"
#include "tests/support/server_process.h"

namespace rxdesk {
namespace {

int BenchMembers() {
  const char* env = std::getenv("RXDESK_BENCH_REMINDER_MEMBERS");
  return env != nullptr && std::atoi(env) > 0 ? std::atoi(env) : 100'000;
}

void BM_RefillReminderPass100kMembers(benchmark::State& state) {
  using testing::RunCommand;
  std::string binary;
  try {
    binary = testing::RxdeskBinary();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  testing::TempDir dir;
  const int members = BenchMembers();
  const testing::CommandResult seeded =
      RunCommand({binary, "seed", "--demo", "--members", std::to_string(members), "--data-dir", dir.path()});
  if (seeded.exit_code != 0) {
    state.SkipWithError(("seed failed: " + seeded.err).c_str());
    return;
  }
  auto store = Store::Open({.sqlite_path = dir.path() + "/rxdesk.db", .sqlite_synchronous = "FULL"});
  auto keys = LoadOrCreateKeyFile(dir.path() + "/rxdesk.key", false);
  if (!store.ok() || !keys.ok()) {
    state.SkipWithError("cannot open the seeded store");
    return;
  }
  Status enrolled = (*store)->Write([](WriteContext& w) -> Status {
    RXD_TRY(
        w.conn.Exec("INSERT INTO auto_refill_enrollments(rx_number, member_id, enabled, updated_by, updated_at) "
                    "SELECT rx_number, member_id, 1, 'bench', '2026-01-01T00:00:00Z' FROM prescriptions WHERE "
                    "schedule <> 'II' AND CAST(substr(rx_number, 1, 7) AS INTEGER) % 10 = 0"));
    return OkStatus();
  });
  if (!enrolled.ok()) {
    state.SkipWithError("cannot enrol prescriptions");
    return;
  }
  PhiVault vault(std::move(*keys));
  SystemClock clock;
  const Zone zone(date::locate_zone("America/Chicago"));
  MemberService member_service(**store, vault, clock);
  PharmacyServices pharmacy(**store, vault, clock, zone, member_service, PharmacyConfig{});
  RefillReminderService service(**store, clock, zone, member_service, pharmacy, {}, "bench");
  RefillReminderReport report;
  for (auto _ : state) {
    auto r = service.RunPass({});
    if (!r.ok()) {
      state.SkipWithError(("pass failed: " + r.error().code).c_str());
      return;
    }
    report = *r;
  }
  state.counters["members"] = members;
  state.counters["scanned"] = static_cast<double>(report.scanned);
  state.counters["reminders"] = static_cast<double>(report.reminders_queued);
  state.counters["orders"] = static_cast<double>(report.orders_placed);
  state.counters["told"] = static_cast<double>(report.members_told);
}
BENCHMARK(BM_RefillReminderPass100kMembers)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace rxdesk
