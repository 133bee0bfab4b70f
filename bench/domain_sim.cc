// Contact-center day simulator (sim/simulator.h) driving the real ACD.
//
// Target: a day of 1 million contacts with 1,000 agents in < 5 s on one core.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "sim/simulator.h"

namespace rxdesk::sim {
namespace {

// Four voice queues with English and Spanish callers, 1,000 agents (a quarter
// bilingual) logged in all day, overflow to a general skill after 60 s,
// lognormal talk time, exponential patience: about 1 M contacts in 48 intervals.
DayConfig MillionContactDay() {
  DayConfig c;
  const std::vector<std::string> queues = {"refills_delivery", "billing_insurance", "medicare_part_d",
                                           "representative"};
  for (const std::string& id : queues) {
    SimQueue q;
    q.id = id;
    q.required = {{id, 2}};
    q.overflow = {{"general", 2}};
    q.overflow_after_seconds = 60;
    q.wrap_up_seconds = 5;
    c.queues.push_back(q);
    for (const Language language : {Language::kEnglish, Language::kSpanish}) {
      ArrivalStream a;
      a.queue = id;
      a.language = language;
      a.per_interval.assign(48, language == Language::kEnglish ? 4400.0 : 808.0);  // 5,208 per queue
      a.handle = {Distribution::kLognormal, 75, 0.8};
      a.patience_seconds = 180;
      c.arrivals.push_back(a);
    }
  }
  for (std::size_t g = 0; g < queues.size(); ++g) {
    for (const bool bilingual : {false, true}) {
      AgentGroup group;
      group.group = queues[g] + (bilingual ? "_es" : "_en");
      group.skills = {{queues[g], 4}, {"general", 2}};
      if (bilingual) group.languages = {Language::kEnglish, Language::kSpanish};
      group.on_shift.assign(48, bilingual ? 62 : 188);  // 250 per queue, 1,000 in all
      c.agents.push_back(group);
    }
  }
  return c;
}

void BM_Sim1MContacts1kAgents(benchmark::State& state) {
  const DayConfig day = MillionContactDay();
  SimResult last;
  for (auto _ : state) {
    auto r = Simulate(day, 20261123);
    if (!r.ok()) {
      state.SkipWithError(r.error().message.c_str());
      return;
    }
    last = std::move(*r);
  }
  state.counters["contacts"] = static_cast<double>(last.day.offered);
  state.counters["events"] = static_cast<double>(last.events);
  state.counters["service_level"] = last.day.ServiceLevel();
  state.counters["occupancy"] = last.day.Occupancy();
  state.counters["abandon_rate"] = last.day.AbandonRate();
}
BENCHMARK(BM_Sim1MContacts1kAgents)->Iterations(1)->Unit(benchmark::kSecond);

}  // namespace
}  // namespace rxdesk::sim
