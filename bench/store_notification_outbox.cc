// The notification outbox on SQLite with durable commits (synchronous=FULL):
// queuing one notification in a write of its own (what a refill adds to its
// transaction is the insert; the commit is shared), and the worker's rate with a
// sender that answers at once (claim + address read + audit, then one mark per
// message), so the figure is the outbox's own cost, not a mail server's.
//
//   build/bench/infra_bench --benchmark_filter=Outbox
#include <benchmark/benchmark.h>

#include "bench/bench_store.h"
#include "services/notification_worker.h"
#include "services/notifications.h"

namespace rxdesk {
namespace {

class InstantEmail final : public EmailSender {
 public:
  SendOutcome Send(const EmailMessage&) override { return {.ok = true}; }
};

struct OutboxBench : BenchStore {
  OutboxBench() : BenchStore("outbox", Instant{std::chrono::seconds(1'800'000'000)}) {
    if (!ok()) return;
    for (int i = 0; i < 100; ++i) {
      Member m;
      m.id = "BENCHMEMBER" + std::to_string(i);
      m.member_number = "9" + std::to_string(100000 + i);
      m.first_name = "Ana";
      m.last_name = "Ruiz";
      m.date_of_birth = MakeDate(1960, 1, 2);
      m.address = {.line1 = "1 Main St", .city = "Austin", .state = "TX", .zip = "78701", .country = "US"};
      m.email = "member" + std::to_string(i) + "@example.com";
      m.created_at = m.updated_at = "2026-11-23T15:00:00Z";
      ids.push_back(m.id);
      (void)store->Write([&](WriteContext& w) { return members->Save(w.conn, m); });
    }
  }
  Status Queue(std::size_t i) {
    return store->Write([&](WriteContext& w) {
      return QueueNotification(w.conn, {.member_id = ids[i % ids.size()],
                                        .template_id = "refill_confirmed",
                                        .params = {{"reference", "RX-261123-4F7KQ2-8"}}});
    });
  }

  std::vector<std::string> ids;
};

OutboxBench& Bench() {
  static OutboxBench bench;
  return bench;
}

void BM_OutboxQueueInItsOwnDurableWrite(benchmark::State& state) {
  OutboxBench& b = Bench();
  if (!b.store) return state.SkipWithError("no store");
  std::size_t i = 0;
  for (auto _ : state) {
    if (!b.Queue(i++).ok()) return state.SkipWithError("queue failed");
  }
}
BENCHMARK(BM_OutboxQueueInItsOwnDurableWrite)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Messages delivered per second by one worker, batches of 10 (the default).
void BM_OutboxWorkerDeliversWithAnInstantSender(benchmark::State& state) {
  OutboxBench& b = Bench();
  if (!b.store) return state.SkipWithError("no store");
  InstantEmail email;
  NotificationWorker worker(*b.store, *b.vault, b.clock, {.unit_random = [] { return 0.0; }}, &email, nullptr, "bench");
  constexpr int kMessages = 500;
  std::int64_t delivered = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (int i = 0; i < kMessages; ++i) (void)b.Queue(static_cast<std::size_t>(i));
    state.ResumeTiming();
    for (;;) {
      auto round = worker.RunOnce();
      if (!round.ok()) return state.SkipWithError("round failed");
      delivered += round->sent;
      if (round->claimed == 0) break;
    }
  }
  state.SetItemsProcessed(delivered);
}
BENCHMARK(BM_OutboxWorkerDeliversWithAnInstantSender)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace rxdesk
