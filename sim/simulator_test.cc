#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "domain/erlang.h"

namespace rxdesk::sim {
namespace {

// One voice queue, one stream, one agent group with constant staffing.
DayConfig OneQueue(int intervals, double per_interval, double aht_s, int agents, double patience_s = 0) {
  DayConfig c;
  c.day.intervals = intervals;
  SimQueue q;
  q.id = "refills";
  q.required = {{"refills", 1}};
  q.wrap_up_seconds = 0;
  c.queues.push_back(q);
  ArrivalStream a;
  a.queue = "refills";
  a.per_interval.assign(static_cast<std::size_t>(intervals), per_interval);
  a.handle.mean_seconds = aht_s;
  a.patience_seconds = patience_s;
  c.arrivals.push_back(a);
  AgentGroup g;
  g.group = "refills";
  g.skills = {{"refills", 3}};
  g.on_shift.assign(static_cast<std::size_t>(intervals), agents);
  c.agents.push_back(g);
  return c;
}

std::int64_t Resolved(const Kpis& k) { return k.answered + k.abandoned + k.unanswered; }

TEST(Simulate, EmptyDayRunsAndReportsNothing) {
  DayConfig c;
  auto r = Simulate(c, 1);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->intervals.size(), 48u);
  EXPECT_EQ(r->day.offered, 0);
  EXPECT_EQ(r->day.ServiceLevel(), 0);
  EXPECT_EQ(r->day.Asa(), 0);
  EXPECT_EQ(r->day.Occupancy(), 0);
  EXPECT_EQ(r->events, 0);
}

TEST(Simulate, SameSeedSameDayOtherSeedOtherDay) {
  const DayConfig c = OneQueue(48, 100, 300, 20, 120);
  auto a = Simulate(c, 42), b = Simulate(c, 42), d = Simulate(c, 43);
  ASSERT_TRUE(a.ok() && b.ok() && d.ok());
  EXPECT_EQ(a->day.offered, b->day.offered);
  EXPECT_EQ(a->day.answered, b->day.answered);
  EXPECT_EQ(a->day.wait_seconds, b->day.wait_seconds);
  EXPECT_EQ(a->events, b->events);
  EXPECT_NE(a->day.wait_seconds, d->day.wait_seconds);
}

TEST(Simulate, EveryOfferedContactIsAnsweredAbandonedOrUnanswered) {
  const DayConfig c = OneQueue(48, 100, 300, 15, 60);  // understaffed: many abandon
  auto r = Simulate(c, 7);
  ASSERT_TRUE(r.ok());
  for (const Kpis& k : r->intervals) EXPECT_EQ(Resolved(k), k.offered);
  EXPECT_EQ(Resolved(r->day), r->day.offered);
  EXPECT_GT(r->day.abandoned, 0);
  EXPECT_EQ(r->day.handled, r->day.answered);  // the floor drains after the day
  ASSERT_EQ(r->queues.size(), 1u);
  EXPECT_EQ(r->queues[0].queue, "refills");
  EXPECT_EQ(r->queues[0].kpis.offered, r->day.offered);
}

TEST(Simulate, ArrivalsFollowThePlannedVolume) {
  DayConfig c = OneQueue(48, 0, 300, 30);
  for (int i = 16; i < 32; ++i) c.arrivals[0].per_interval[static_cast<std::size_t>(i)] = 200;  // 08:00–16:00
  auto r = Simulate(c, 3);
  ASSERT_TRUE(r.ok());
  for (int i = 0; i < 48; ++i) {
    const auto offered = r->intervals[static_cast<std::size_t>(i)].offered;
    if (i < 16 || i >= 32) {
      EXPECT_EQ(offered, 0) << i;
    } else {
      EXPECT_NEAR(static_cast<double>(offered), 200, 5 * std::sqrt(200.0)) << i;  // Poisson: sd = sqrt(mean)
    }
  }
  EXPECT_NEAR(static_cast<double>(r->day.offered), 3200, 4 * std::sqrt(3200.0));
}

TEST(Simulate, StaffedTimeFollowsThePlanPerInterval) {
  DayConfig c = OneQueue(4, 0, 300, 0);
  c.agents[0].on_shift = {2, 0, 5, 1};
  auto r = Simulate(c, 1);
  ASSERT_TRUE(r.ok());
  const double expected[] = {2 * 1800.0, 0, 5 * 1800.0, 1 * 1800.0};
  for (std::size_t i = 0; i < 4; ++i) EXPECT_DOUBLE_EQ(r->intervals[i].staffed_seconds, expected[i]) << i;
  EXPECT_EQ(r->day.occupied_seconds, 0);
}

TEST(Simulate, ShiftsLogAgentsInAndOutAtTheirTimes) {
  DayConfig c = OneQueue(48, 0, 300, 0);
  c.agents[0].on_shift.clear();
  c.agents[0].shifts = {{8 * 60, 12 * 60, 3}, {10 * 60 + 15, 11 * 60, 1}};
  auto r = Simulate(c, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->intervals[15].staffed_seconds, 0);               // 07:30
  EXPECT_DOUBLE_EQ(r->intervals[16].staffed_seconds, 3 * 1800);        // 08:00
  EXPECT_DOUBLE_EQ(r->intervals[20].staffed_seconds, 3 * 1800 + 900);  // 10:00, one joins at 10:15
  EXPECT_DOUBLE_EQ(r->intervals[21].staffed_seconds, 4 * 1800);        // 10:30
  EXPECT_DOUBLE_EQ(r->intervals[23].staffed_seconds, 3 * 1800);        // 11:30
  EXPECT_DOUBLE_EQ(r->intervals[24].staffed_seconds, 0);               // 12:00
}

TEST(Simulate, NobodyStaffedMeansEveryoneAbandonsOrStaysUnanswered) {
  DayConfig c = OneQueue(4, 50, 300, 0, 90);
  auto r = Simulate(c, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->day.answered, 0);
  EXPECT_EQ(r->day.abandoned, r->day.offered);
  EXPECT_NEAR(r->day.abandon_wait_seconds / static_cast<double>(r->day.abandoned), 90, 15);

  c = OneQueue(4, 50, 300, 0, 0);  // no patience, no agent ever: nothing more can happen
  r = Simulate(c, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->day.unanswered, r->day.offered);
  EXPECT_LE(r->end_seconds, 4 * 1800);
}

TEST(Simulate, DrainLimitStopsTheRunWithContactsStillWaiting) {
  DayConfig c = OneQueue(4, 50, 300, 1, 0);  // one agent for 25 erlangs, nobody gives up
  c.day.drain_limit_minutes = 10;
  auto r = Simulate(c, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->day.unanswered, 100);
  EXPECT_EQ(Resolved(r->day), r->day.offered);
  EXPECT_LE(r->end_seconds, 4 * 1800 + 600);
  EXPECT_GT(r->end_seconds, 4 * 1800 + 300);
}

TEST(Simulate, SpanishCallsNeedASpanishSpeakingAgent) {
  DayConfig c = OneQueue(8, 40, 120, 10, 300);
  ArrivalStream es = c.arrivals[0];
  es.language = Language::kSpanish;
  c.arrivals.push_back(es);
  auto r = Simulate(c, 9);
  ASSERT_TRUE(r.ok());
  // English-only agents: every Spanish caller abandons, every English one is answered.
  EXPECT_GT(r->day.abandoned, 0);
  AgentGroup bilingual = c.agents[0];
  bilingual.group = "bilingual";
  bilingual.languages = {Language::kEnglish, Language::kSpanish};
  bilingual.on_shift.assign(8, 5);
  c.agents.push_back(bilingual);
  auto with = Simulate(c, 9);
  ASSERT_TRUE(with.ok());
  EXPECT_LT(with->day.abandoned, r->day.abandoned / 10 + 1);
}

TEST(Simulate, AhtIsTalkPlusWrapUp) {
  DayConfig c = OneQueue(96, 150, 200, 40);
  c.queues[0].wrap_up_seconds = 30;
  auto r = Simulate(c, 11);
  ASSERT_TRUE(r.ok());
  const double n = static_cast<double>(r->day.handled);
  ASSERT_GT(n, 10000);
  EXPECT_NEAR(r->day.Aht(), 230, 4 * 200 / std::sqrt(n));  // exponential talk: sd = mean
}

TEST(Simulate, LognormalHandleTimeKeepsItsMean) {
  DayConfig c = OneQueue(96, 150, 200, 40);
  c.arrivals[0].handle = {Distribution::kLognormal, 200, 0.5};
  auto r = Simulate(c, 12);
  ASSERT_TRUE(r.ok());
  const double n = static_cast<double>(r->day.handled);
  EXPECT_NEAR(r->day.Aht(), 200, 4 * 0.5 * 200 / std::sqrt(n));
}

TEST(Simulate, ServiceLevelCountsAnswersWithinTheTargetOverOffered) {
  DayConfig c = OneQueue(48, 100, 300, 40);  // generously staffed: nearly all at once
  auto r = Simulate(c, 2);
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->day.ServiceLevel(), 0.99);
  c.day.service_level_seconds = 0;
  auto zero = Simulate(c, 2);
  ASSERT_TRUE(zero.ok());
  EXPECT_DOUBLE_EQ(zero->day.ServiceLevel(), static_cast<double>(zero->day.answered - zero->day.delayed) /
                                                 static_cast<double>(zero->day.offered));
}

TEST(Simulate, OverflowAndChatsRunThroughTheAcd) {
  DayConfig c = OneQueue(16, 60, 300, 2, 600);
  c.queues[0].overflow = {{"general", 2}};
  c.queues[0].overflow_after_seconds = 30;
  AgentGroup general;
  general.group = "general";
  general.skills = {{"general", 2}};
  general.on_shift.assign(16, 10);
  c.agents.push_back(general);
  ArrivalStream chat = c.arrivals[0];
  chat.channel = Channel::kChat;
  c.arrivals.push_back(chat);
  auto r = Simulate(c, 4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Resolved(r->day), r->day.offered);
  EXPECT_GT(r->day.answered, r->day.offered * 9 / 10);  // 2 skilled agents alone could not
  EXPECT_LE(r->day.Occupancy(), 1.0);
}

TEST(Simulate, ProgressRisesToOne) {
  const DayConfig c = OneQueue(48, 20, 300, 5);
  std::vector<double> seen;
  auto r = Simulate(c, 1, [&](double f) { seen.push_back(f); });
  ASSERT_TRUE(r.ok());
  ASSERT_FALSE(seen.empty());
  for (std::size_t i = 1; i < seen.size(); ++i) EXPECT_GE(seen[i], seen[i - 1]);
  EXPECT_EQ(seen.back(), 1.0);
  EXPECT_LE(seen.size(), 50u);
}

// ---- validation against queueing theory ----

// Batch means over consecutive intervals: each batch's ratio estimate, then a
// confidence interval on their mean from their spread (Student t, 99%).
struct Estimate {
  double mean = 0;
  double half_width = 0;
};

template <typename Ratio>
Estimate BatchMeans(const SimResult& r, int first_interval, int batch_size, Ratio ratio) {
  std::vector<double> batches;
  for (int b = first_interval; b + batch_size <= static_cast<int>(r.intervals.size()); b += batch_size) {
    Kpis sum;
    for (int i = b; i < b + batch_size; ++i) sum += r.intervals[static_cast<std::size_t>(i)];
    batches.push_back(ratio(sum));
  }
  const double n = static_cast<double>(batches.size());
  double mean = 0;
  for (double x : batches) mean += x / n;
  double var = 0;
  for (double x : batches) var += (x - mean) * (x - mean) / (n - 1);
  const double t99 = 2.68;  // Student t, 0.995 quantile, 48 degrees of freedom (49 batches)
  return {mean, t99 * std::sqrt(var / n)};
}

// 1,000 half-hours of one queue at a constant 300 calls per interval, exponential
// handle time of 240 s (40 Erlangs), 45 agents, no wrap-up. Interval 0 starts
// empty and is left out as warm-up; 49 batches of 20 intervals (10 hours each,
// far longer than the queue's memory) give the confidence intervals. (Across 60
// seeds these 99% intervals held the Erlang figure 58 to 60 times per KPI.)
constexpr int kLongRunIntervals = 1000;
constexpr double kCallsPerInterval = 300;
constexpr double kAhtSeconds = 240;
constexpr int kAgents = 45;
constexpr int kBatch = 20;

TEST(SimulateValidation, SingleQueueWithoutAbandonmentAgreesWithErlangC) {
  const DayConfig c = OneQueue(kLongRunIntervals, kCallsPerInterval, kAhtSeconds, kAgents);
  auto r = Simulate(c, 2026);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->day.abandoned + r->day.unanswered, 0);
  ErlangParams p{.arrivals = kCallsPerInterval, .interval_s = 1800, .aht_s = kAhtSeconds, .target_answer_s = 20};
  auto erlang = FiguresAt(p, kAgents);
  ASSERT_TRUE(erlang.ok());

  const auto sl = BatchMeans(*r, 1, kBatch, [](const Kpis& k) { return k.ServiceLevel(); });
  const auto wait = BatchMeans(*r, 1, kBatch, [](const Kpis& k) { return double(k.delayed) / double(k.answered); });
  const auto asa = BatchMeans(*r, 1, kBatch, [](const Kpis& k) { return k.Asa(); });
  const auto occupancy = BatchMeans(*r, 1, kBatch, [](const Kpis& k) { return k.Occupancy(); });
  EXPECT_NEAR(sl.mean, erlang->service_level, sl.half_width);
  EXPECT_NEAR(wait.mean, erlang->probability_wait, wait.half_width);
  EXPECT_NEAR(asa.mean, erlang->asa_s, asa.half_width);
  EXPECT_NEAR(occupancy.mean, erlang->occupancy, occupancy.half_width);
  // The check has teeth: the interval is narrower than one agent's difference.
  auto one_more = FiguresAt(p, kAgents + 1);
  ASSERT_TRUE(one_more.ok());
  EXPECT_LT(2 * sl.half_width, one_more->service_level - erlang->service_level);
}

// The same queue with callers who give up (exponential patience, mean 120 s) and
// three agents fewer: M/M/n+M, which domain/erlang.h solves exactly (Erlang A).
TEST(SimulateValidation, SingleQueueWithPatienceAgreesWithErlangA) {
  const DayConfig c = OneQueue(kLongRunIntervals, kCallsPerInterval, kAhtSeconds, kAgents - 3, 120);
  auto r = Simulate(c, 2027);
  ASSERT_TRUE(r.ok());
  ErlangParams p{.arrivals = kCallsPerInterval,
                 .interval_s = 1800,
                 .aht_s = kAhtSeconds,
                 .target_answer_s = 20,
                 .patience_s = 120};
  auto erlang = FiguresAt(p, kAgents - 3);
  ASSERT_TRUE(erlang.ok());

  const auto sl = BatchMeans(*r, 1, kBatch, [](const Kpis& k) { return k.ServiceLevel(); });
  const auto abandon = BatchMeans(*r, 1, kBatch, [](const Kpis& k) { return k.AbandonRate(); });
  const auto asa = BatchMeans(*r, 1, kBatch, [](const Kpis& k) { return k.Asa(); });
  EXPECT_NEAR(sl.mean, erlang->service_level, sl.half_width);
  EXPECT_NEAR(abandon.mean, erlang->abandon_rate, abandon.half_width);
  EXPECT_NEAR(asa.mean, erlang->asa_s, asa.half_width);
  EXPECT_GT(abandon.mean, 0.01);  // the abandonment path is exercised
}

// ---- refusals name the key of the file ----

TEST(ValidateDayConfig, RefusalsNameTheKey) {
  const DayConfig good = OneQueue(48, 10, 300, 5);
  ASSERT_TRUE(ValidateDayConfig(good).ok());
  struct Case {
    const char* field;
    void (*spoil)(DayConfig&);
  };
  const Case cases[] = {
      {"day.interval_minutes", [](DayConfig& c) { c.day.interval_minutes = 0; }},
      {"day.intervals", [](DayConfig& c) { c.day.intervals = kMaxIntervals + 1; }},
      {"day.service_level_seconds",
       [](DayConfig& c) { c.day.service_level_seconds = std::numeric_limits<double>::quiet_NaN(); }},
      {"day.drain_limit_minutes", [](DayConfig& c) { c.day.drain_limit_minutes = -1; }},
      {"queues[0].id", [](DayConfig& c) { c.queues[0].id = ""; }},
      {"queues[1].id", [](DayConfig& c) { c.queues.push_back(c.queues[0]); }},
      {"queues[0].required[0].min", [](DayConfig& c) { c.queues[0].required[0].min = 6; }},
      {"queues[0].overflow[1].skill",
       [](DayConfig& c) {
         c.queues[0].overflow = {{"a", 1}, {"a", 2}};
       }},
      {"queues[0].wrap_up_seconds", [](DayConfig& c) { c.queues[0].wrap_up_seconds = -0.5; }},
      {"queues[0].priority.tty", [](DayConfig& c) { c.queues[0].priority.tty = 64; }},
      {"arrivals[0].queue", [](DayConfig& c) { c.arrivals[0].queue = "nope"; }},
      {"arrivals[0].per_interval", [](DayConfig& c) { c.arrivals[0].per_interval.pop_back(); }},
      {"arrivals[0].per_interval[3]", [](DayConfig& c) { c.arrivals[0].per_interval[3] = -1; }},
      {"arrivals[0].per_interval[4]",
       [](DayConfig& c) { c.arrivals[0].per_interval[4] = std::numeric_limits<double>::infinity(); }},
      {"arrivals",
       [](DayConfig& c) {
         c.arrivals[0].per_interval.assign(48, 1e6);  // 48 M expected: allowed alone,
         c.arrivals.push_back(c.arrivals[0]);         // not twice
       }},
      {"arrivals[0].handle.mean_seconds", [](DayConfig& c) { c.arrivals[0].handle.mean_seconds = 0; }},
      {"arrivals[0].handle.cv",
       [](DayConfig& c) {
         c.arrivals[0].handle = {Distribution::kLognormal, 300, 0};
       }},
      {"arrivals[0].patience_seconds", [](DayConfig& c) { c.arrivals[0].patience_seconds = -1; }},
      {"agents[0].group", [](DayConfig& c) { c.agents[0].group = ""; }},
      {"agents[0].skills[0].level", [](DayConfig& c) { c.agents[0].skills[0].level = 0; }},
      {"agents[0].languages", [](DayConfig& c) { c.agents[0].languages.clear(); }},
      {"agents[0].capacity.chat", [](DayConfig& c) { c.agents[0].capacity.chat = 17; }},
      {"agents[0].on_shift",
       [](DayConfig& c) {
         c.agents[0].shifts = {{0, 60, 1}};
       }},
      {"agents[0].on_shift", [](DayConfig& c) { c.agents[0].on_shift.clear(); }},
      {"agents[0].on_shift[2]", [](DayConfig& c) { c.agents[0].on_shift[2] = -1; }},
      {"agents[0].shifts[0].end",
       [](DayConfig& c) {
         c.agents[0].on_shift.clear();
         c.agents[0].shifts = {{600, 600, 1}};
       }},
      {"agents[1]",
       [](DayConfig& c) {
         c.agents[0].on_shift.assign(48, kMaxAgents);  // allowed alone, not twice
         c.agents.push_back(c.agents[0]);
       }},
  };
  for (const Case& k : cases) {
    DayConfig c = good;
    k.spoil(c);
    const Status s = ValidateDayConfig(c);
    ASSERT_FALSE(s.ok()) << k.field;
    EXPECT_EQ(s.error().code, "invalid_request") << k.field;
    EXPECT_EQ(s.error().field, k.field);
    EXPECT_FALSE(Simulate(c, 1).ok()) << k.field;
  }
}

}  // namespace
}  // namespace rxdesk::sim
