// The IVR engine (domain/ivr.h): one webhook event is one StepIvrCall.
//
// Target (issue: contact center): the IVR webhook handles >= 10,000 events/s.
// These measure the engine alone (no HTTP, no store), events per second of one
// core; infra_voice_http.cc measures the whole webhook over HTTP.
#include <benchmark/benchmark.h>

#include "domain/ivr.h"

namespace rxdesk {
namespace {

// A pharmacy that answers at once, as the engine sees it.
class InstantBackend final : public IvrBackend {
 public:
  Result<IvrQueued> Enqueue(const std::string&, Language) override {
    return IvrQueued{.position = 4, .expected_wait = std::chrono::seconds(120)};
  }
  Status RequestCallback(const std::string&, Language) override { return OkStatus(); }
  Result<std::optional<std::string>> VerifyMember(const std::string&, Date) override {
    return std::optional<std::string>("m-1");
  }
  Result<IvrRefillOutcome> Refill(const std::string&, const std::string&) override {
    return IvrRefillOutcome{.placed = true,
                            .reference = "RX-261123-4F7KQ2-8",
                            .eta_earliest = MakeDate(2026, 11, 25),
                            .eta_latest = MakeDate(2026, 11, 27)};
  }
  Result<std::optional<IvrOrderStatus>> LatestOrder(const std::string&) override {
    return std::optional<IvrOrderStatus>();
  }
  Status Abandon() override { return OkStatus(); }
};

// An invalid key: the menu is replayed (the most common event of a menu).
void BM_IvrStepInvalidKeyReplaysTheMenu(benchmark::State& state) {
  const IvrFlow& flow = MainLineFlow();
  const IvrPolicy policy;
  InstantBackend backend;
  IvrCallState call;
  (void)StartIvrCall(flow, {.reference = "RX-261123-4F7KQ2-8"}, call);
  const IvrEvent event{.type = IvrEventType::kDigits, .digits = "7"};
  for (auto _ : state) {
    call.failures = 0;
    auto actions = StepIvrCall(flow, policy, call, event, backend);
    benchmark::DoNotOptimize(actions);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IvrStepInvalidKeyReplaysTheMenu);

// A whole call of four events: answer, 9 (Spanish), 1 (enqueue with the wait announced), hang-up.
void BM_IvrCallAnswerSpanishEnqueueHangup(benchmark::State& state) {
  const IvrFlow& flow = MainLineFlow();
  const IvrPolicy policy;
  InstantBackend backend;
  for (auto _ : state) {
    IvrCallState call;
    auto start = StartIvrCall(flow, {.reference = "RX-261123-4F7KQ2-8"}, call);
    auto spanish = StepIvrCall(flow, policy, call, {.type = IvrEventType::kDigits, .digits = "9"}, backend);
    auto queued = StepIvrCall(flow, policy, call, {.type = IvrEventType::kDigits, .digits = "1"}, backend);
    auto hangup = StepIvrCall(flow, policy, call, {.type = IvrEventType::kHangup}, backend);
    benchmark::DoNotOptimize(start);
    benchmark::DoNotOptimize(spanish);
    benchmark::DoNotOptimize(queued);
    benchmark::DoNotOptimize(hangup);
  }
  state.SetItemsProcessed(state.iterations() * 4);  // events
}
BENCHMARK(BM_IvrCallAnswerSpanishEnqueueHangup);

// Keypad self-service: verification and a refill read back (the longest sentences).
void BM_IvrSelfServiceRefill(benchmark::State& state) {
  const IvrFlow& flow = MainLineFlow();
  const IvrPolicy policy;
  InstantBackend backend;
  for (auto _ : state) {
    IvrCallState call;
    (void)StartIvrCall(flow, {.reference = "RX-261123-4F7KQ2-8"}, call);
    for (const char* keys : {"6", "1", "000000013", "04011961", "12345671"}) {
      auto r = StepIvrCall(flow, policy, call, {.type = IvrEventType::kDigits, .digits = keys}, backend);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(state.iterations() * 5);
}
BENCHMARK(BM_IvrSelfServiceRefill);

}  // namespace
}  // namespace rxdesk
