// Fax and mail intake on SQLite with durable commits (synchronous=FULL): receiving
// a scanned prescription (type check, SHA-256, sealing, insert and audit entry in
// one write) and downloading it again (read, open, audit), for a one-page fax
// (100 KB) and a document at the 1 MiB limit. No target in the issue: the figures
// show what a document costs the writer.
//
//   build/bench/infra_bench --benchmark_filter=Intake
#include <benchmark/benchmark.h>

#include <memory>

#include "bench/bench_store.h"
#include "services/intake_service.h"

namespace rxdesk {
namespace {

struct IntakeBench : BenchStore {
  IntakeBench() : BenchStore("intake", Instant{std::chrono::seconds(1'800'000'000)}) {
    if (!ok()) return;
    rxs = std::make_unique<PrescriptionService>(*store, *vault, clock, zone, *members, RefillPolicy{},
                                                PrescriptionPolicy{});
    intake = std::make_unique<IntakeService>(*store, *vault, clock, zone, *rxs, IntakePolicy{}, PrescriptionPolicy{});
    caller.principal.user_id = "bench-agent";
    caller.principal.role = Role::kAgent;
  }
  static std::string Scan(std::size_t bytes) {
    std::string pdf = "%PDF-1.4\n";
    pdf.resize(bytes, 'x');
    return pdf;
  }

  std::unique_ptr<PrescriptionService> rxs;
  std::unique_ptr<IntakeService> intake;
  Caller caller;
};

void BM_IntakeReceive(benchmark::State& state) {
  IntakeBench b;
  if (!b.intake) {
    state.SkipWithError("cannot open the store");
    return;
  }
  const std::string scan = IntakeBench::Scan(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto r = b.intake->Receive(b.caller, "application/pdf", scan, nullptr);
    if (!r.ok()) state.SkipWithError(r.error().code.c_str());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_IntakeReceive)->Arg(100 << 10)->Arg(1 << 20)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_IntakeDownload(benchmark::State& state) {
  IntakeBench b;
  if (!b.intake) {
    state.SkipWithError("cannot open the store");
    return;
  }
  auto doc = b.intake->Receive(b.caller, "application/pdf", IntakeBench::Scan(static_cast<std::size_t>(state.range(0))),
                               nullptr);
  if (!doc.ok()) {
    state.SkipWithError(doc.error().code.c_str());
    return;
  }
  for (auto _ : state) {
    auto r = b.intake->Document(b.caller, doc->id);
    if (!r.ok()) state.SkipWithError(r.error().code.c_str());
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_IntakeDownload)->Arg(100 << 10)->Arg(1 << 20)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rxdesk
