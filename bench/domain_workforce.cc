// Workforce planning (domain/erlang.h, domain/forecast.h, domain/schedule_adherence.h).
//
// Target: required agents for a whole day of a whole center, 48 intervals x 50
// queues (from under 1 to about 800 Erlangs), in under 10 ms on one core.
#include <benchmark/benchmark.h>
#include <date/tz.h>

#include <cstdint>
#include <optional>
#include <vector>

#include "domain/erlang.h"
#include "domain/forecast.h"
#include "domain/schedule_adherence.h"

namespace rxdesk {
namespace {

constexpr int kWorkforceQueues = 50;

// A fixed linear congruential sequence, so every run staffs the same grid.
class WorkforceBenchRandom {
 public:
  double Uniform() {
    state_ = state_ * 6364136223846793005u + 1442695040888963407u;
    return static_cast<double>(state_ >> 11) / 9007199254740992.0;
  }

 private:
  std::uint64_t state_ = 2026;
};

// 50 queues: peak loads spread from 2 to ~790 Erlangs, each shaped over the day by
// the default profile (peak 9:00–14:00), AHT 3–10 min, targets 80/20, 80/30 or 90/20.
std::vector<ErlangParams> WorkforceGrid(std::optional<double> patience_s) {
  WorkforceBenchRandom random;
  const auto profile = DefaultArrivalProfile();
  std::vector<ErlangParams> grid;
  for (int q = 0; q < kWorkforceQueues; ++q) {
    const double peak_erlangs = 2 + 16 * q * (0.9 + 0.2 * random.Uniform());
    const double aht_s = 180 + 420 * random.Uniform();
    const int target = q % 3;
    for (int slot = 0; slot < kSlotsPerDay; ++slot) {
      const double erlangs = peak_erlangs * profile[slot];
      grid.push_back(ErlangParams{.arrivals = erlangs * 1800 / aht_s,
                                  .interval_s = 1800,
                                  .aht_s = aht_s,
                                  .target_answer_s = target == 1 ? 30.0 : 20.0,
                                  .target_service_level = target == 2 ? 0.9 : 0.8,
                                  .shrinkage = 0.3,
                                  .patience_s = patience_s});
    }
  }
  return grid;
}

void StaffGrid(benchmark::State& state, const std::vector<ErlangParams>& grid) {
  for (auto _ : state) {
    long long agents = 0;
    for (const ErlangParams& p : grid) agents += RequiredAgents(p)->scheduled_agents;
    benchmark::DoNotOptimize(agents);
  }
  state.counters["intervals"] = static_cast<double>(grid.size());
  long long agents = 0;
  for (const ErlangParams& p : grid) agents += RequiredAgents(p)->agents;
  state.counters["agent_intervals"] = static_cast<double>(agents);
}

void BM_WorkforceErlangCGrid48x50(benchmark::State& state) { StaffGrid(state, WorkforceGrid(std::nullopt)); }
BENCHMARK(BM_WorkforceErlangCGrid48x50)->Unit(benchmark::kMillisecond);

// The same grid with callers who give up after 2 minutes on average (Erlang A).
void BM_WorkforceErlangAGrid48x50(benchmark::State& state) { StaffGrid(state, WorkforceGrid(120.0)); }
BENCHMARK(BM_WorkforceErlangAGrid48x50)->Unit(benchmark::kMillisecond);

void BM_WorkforceErlangC10000Erlangs(benchmark::State& state) {
  const ErlangParams p{.arrivals = 100'000, .interval_s = 1800, .aht_s = 180};
  for (auto _ : state) benchmark::DoNotOptimize(RequiredAgents(p));
}
BENCHMARK(BM_WorkforceErlangC10000Erlangs)->Unit(benchmark::kMicrosecond);

// Four same weekdays of counts, 48 intervals each, in America/Chicago.
void BM_WorkforceForecastFromFourWeeks(benchmark::State& state) {
  const Zone zone(date::locate_zone("America/Chicago"));
  const Date day = MakeDate(2026, 3, 9);
  std::vector<IntervalCount> history;
  for (int k = 1; k <= 4; ++k) {
    for (int i = 0; i < 48; ++i) history.push_back({day - Days{7 * k}, i, 10 + i + k});
  }
  for (auto _ : state) benchmark::DoNotOptimize(ForecastDay(day, history, zone));
}
BENCHMARK(BM_WorkforceForecastFromFourWeeks)->Unit(benchmark::kMicrosecond);

// One agent's 8.5-hour shift with three breaks and 300 state changes.
void BM_WorkforceScheduleAdherenceShift(benchmark::State& state) {
  const Instant start = Instant{std::chrono::seconds{1'773'057'600}};  // 2026-03-09T12:00:00Z
  using std::chrono::minutes;
  const AgentShift shift{.start = start,
                         .end = start + minutes{510},
                         .breaks = {{start + minutes{120}, minutes{15}, BreakKind::kBreak},
                                    {start + minutes{240}, minutes{30}, BreakKind::kLunch},
                                    {start + minutes{390}, minutes{15}, BreakKind::kBreak}}};
  std::vector<AgentStateChange> log;
  const AgentState cycle[] = {AgentState::kAvailable, AgentState::kBusy, AgentState::kWrapUp};
  for (int i = 0; i < 300; ++i) log.push_back({start + std::chrono::seconds{100 * i}, cycle[i % 3]});
  for (auto _ : state) benchmark::DoNotOptimize(ComputeScheduleAdherence(shift, log));
}
BENCHMARK(BM_WorkforceScheduleAdherenceShift)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace rxdesk
