// ACD routing (domain/acd.h).
//
// Target: p99 < 100 µs per routing decision with 5,000 agents and 10,000
// waiting contacts. Each call that routes is timed on its own and the
// percentiles are reported as counters (p50_us, p99_us, max_us).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <vector>

#include "domain/acd.h"

namespace rxdesk {
namespace {

constexpr int kQueues = 20;
constexpr int kSkills = 24;  // one per queue, plus a few general ones used for overflow
constexpr int kAgents = 5000;
constexpr int kWaiting = 10'000;

struct Floor {
  Acd acd;
  std::mt19937_64 rng{20261123};
  std::uint64_t next_contact = 1;
  AcdInstant now{};
  std::vector<ContactId> assigned;  // contacts with an agent, any order

  Floor() {
    for (int q = 0; q < kQueues; ++q) {
      QueueParams p;
      p.id = QueueId{static_cast<std::uint32_t>(q)};
      p.required = {{SkillId{static_cast<std::uint32_t>(q)}, 2}};
      p.overflow = {{SkillId{static_cast<std::uint32_t>(kQueues + q % 4)}, 3}};
      p.overflow_after = std::chrono::seconds{60};
      p.wrap_up = std::chrono::seconds{0};  // decisions come straight from EndContact
      (void)acd.AddQueue(p);
    }
    std::uniform_int_distribution<int> skill(0, kSkills - 1), level(1, 5), percent(0, 99);
    for (int a = 0; a < kAgents; ++a) {
      AgentParams p;
      p.id = AgentId{static_cast<std::uint64_t>(a)};
      while (p.skills.size() < 5) {
        const SkillId s{static_cast<std::uint32_t>(skill(rng))};
        if (std::none_of(p.skills.begin(), p.skills.end(), [&](const SkillLevel& l) { return l.skill == s; })) {
          p.skills.push_back({s, level(rng)});
        }
      }
      if (percent(rng) < 25) p.languages.push_back(Language::kSpanish);
      (void)acd.AddAgent(p, now);
      Record(acd.SetPresence(p.id, Presence::kAvailable, "login", now));
    }
  }

  ContactParams NextContact() {
    std::uniform_int_distribution<int> queue(0, kQueues - 1), percent(0, 99), priority(0, 3);
    ContactParams c;
    c.id = ContactId{next_contact++};
    c.queue = QueueId{static_cast<std::uint32_t>(queue(rng))};
    const int kind = percent(rng);
    c.channel = kind < 70 ? Channel::kVoice : kind < 90 ? Channel::kChat : Channel::kMessage;
    if (percent(rng) < 15) c.language = Language::kSpanish;
    c.priority = priority(rng);
    return c;
  }

  int Record(const Result<AcdOutcome>& out) {
    if (!out.ok()) return 0;
    for (const Assignment& a : out->assignments) assigned.push_back(a.contact);
    return static_cast<int>(out->assignments.size());
  }

  ContactId TakeRandomAssigned() {
    std::uniform_int_distribution<std::size_t> pick(0, assigned.size() - 1);
    const std::size_t i = pick(rng);
    const ContactId c = assigned[i];
    assigned[i] = assigned.back();
    assigned.pop_back();
    return c;
  }
};

double Percentile(std::vector<double>& v, double p) {
  const std::size_t k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

// Steady state: all agents busy, 10,000 contacts waiting. Each step an agent
// ends a contact (and takes the best waiting one it is eligible for), then, while
// fewer than 10,000 wait, a new contact arrives (and waits, or goes to an agent
// with a free slot).
void BM_AcdRouting5kAgents10kWaiting(benchmark::State& state) {
  Floor floor;
  while (floor.acd.Waiting() < kWaiting) floor.Record(floor.acd.Enqueue(floor.NextContact(), floor.now));
  constexpr int kSteps = 200'000;
  std::vector<double> micros;
  micros.reserve(2 * kSteps);
  std::int64_t decisions = 0;
  for (auto _ : state) {
    for (int step = 0; step < kSteps; ++step) {
      floor.now += std::chrono::milliseconds{5};
      const ContactId done = floor.TakeRandomAssigned();
      auto t0 = std::chrono::steady_clock::now();
      auto ended = floor.acd.EndContact(done, floor.now);
      auto t1 = std::chrono::steady_clock::now();
      int made = floor.Record(ended);
      if (made > 0) micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count() / made);
      decisions += made;

      if (floor.acd.Waiting() >= kWaiting) continue;  // hold the queue at 10,000
      const ContactParams next = floor.NextContact();
      t0 = std::chrono::steady_clock::now();
      auto arrived = floor.acd.Enqueue(next, floor.now);
      t1 = std::chrono::steady_clock::now();
      made = floor.Record(arrived);
      if (made > 0) micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count() / made);
      decisions += made;
    }
  }
  state.counters["decisions"] = static_cast<double>(decisions);
  state.counters["waiting_at_end"] = floor.acd.Waiting();
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
  state.counters["max_us"] = *std::max_element(micros.begin(), micros.end());
}
BENCHMARK(BM_AcdRouting5kAgents10kWaiting)->Iterations(1)->Unit(benchmark::kMillisecond);

// One arrival routed to an idle agent among 5,000, then its end: the common
// case when the floor is not saturated.
void BM_AcdArrivalToIdleAgentAndEnd(benchmark::State& state) {
  Floor floor;
  for (auto _ : state) {
    floor.now += std::chrono::milliseconds{1};
    ContactParams c = floor.NextContact();
    c.language.reset();
    auto out = floor.acd.Enqueue(c, floor.now);
    benchmark::DoNotOptimize(out);
    if (out.ok() && !out->assignments.empty()) (void)floor.acd.EndContact(c.id, floor.now);
  }
}
BENCHMARK(BM_AcdArrivalToIdleAgentAndEnd);

}  // namespace
}  // namespace rxdesk
