// A day's staffing for one queue (domain/staffing_plan.h): what GET /v1/staffing
// computes per request. Forecast, zone layout and RequiredAgents for each of the
// day's 48 intervals, with the shipped settings (refills_delivery, Monday,
// 3,000 contacts, 6 to 29 agents).
#include <benchmark/benchmark.h>
#include <date/tz.h>

#include "domain/staffing_plan.h"

namespace rxdesk {
namespace {

const Zone& StaffingBenchZone() {
  static const Zone zone(date::locate_zone("America/Chicago"));
  return zone;
}

void RunPlan(benchmark::State& state, const StaffingPolicy& policy) {
  const Zone& zone = StaffingBenchZone();
  for (auto _ : state) {
    Result<QueueDayStaffing> day = PlanQueueDay(MakeDate(2026, 3, 9), "refills_delivery", {}, zone, policy);
    if (!day.ok()) state.SkipWithError("plan refused");
    benchmark::DoNotOptimize(day);
  }
}

void BM_StaffingPlanQueueDayErlangC(benchmark::State& state) { RunPlan(state, StaffingPolicy{}); }
BENCHMARK(BM_StaffingPlanQueueDayErlangC)->Unit(benchmark::kMicrosecond);

void BM_StaffingPlanQueueDayErlangA(benchmark::State& state) {
  StaffingPolicy policy;
  policy.patience_s = 120;
  RunPlan(state, policy);
}
BENCHMARK(BM_StaffingPlanQueueDayErlangA)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace rxdesk
