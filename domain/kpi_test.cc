#include "domain/kpi.h"

#include <gtest/gtest.h>

#include <vector>

namespace rxdesk {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// 09:00:00 of the scripted day is t = 9 h; T(9, 5, 10) is 09:05:10.
AcdInstant T(int h, int m, int s = 0) { return AcdInstant{hours{h} + minutes{m} + seconds{s}}; }

RoutedContact Answered(std::string queue, std::string agent, AcdInstant in, AcdInstant answered, AcdInstant ended,
                       AcdInstant wrap_end) {
  return RoutedContact{.queue = std::move(queue),
                       .agent = std::move(agent),
                       .enqueued_at = in,
                       .assigned_at = answered,
                       .ended_at = ended,
                       .wrap_up_until = wrap_end};
}

RoutedContact Waiting(std::string queue, AcdInstant in) {
  return RoutedContact{.queue = std::move(queue), .enqueued_at = in};
}

// The scripted hour, 09:00–10:00, as of 10:00:00 (A = refills_delivery, B = billing_insurance):
//  #1 A  09:00:00 answered 09:00:10 by x (wait 10), ends 09:05:10, wrap-up to 09:05:40: handle 300 + 30 = 330
//  #2 A  09:01:00 answered 09:01:20 by y (wait 20, the edge: in time), ends 09:07:20, wrap to 09:07:50: 360 + 30 = 390
//  #3 A  09:02:00 abandoned 09:02:45
//  #4 B  09:06:00 answered 09:06:00 by x (wait 0), ends 09:16:00, wrap to 09:16:30: 600 + 30 = 630
//  #5 B  09:40:00 answered 09:40:30 by y (wait 30: late), ends 09:50:30, wrap to 09:51:00: 630
//  #6 A  09:59:50 still waiting (10 s ≤ 20 s: outcome open, not offered)
//  #7 A  09:59:30 still waiting (30 s > 20 s: offered, missed)
//  #8 A  08:59:00 before the window: ignored
//  #9 A  09:50:00 answered 09:50:05 by x (wait 5), ends 09:58:00, wrap-up until 10:00:30: not handled yet
// Resolution and surveys: #1 resolved (repeat unknown), #2 resolved but repeated, #4 resolved first time,
// #5 not resolved; CSAT answers #1 5, #2 3, #4 4, #5 1.
std::vector<RoutedContact> Day() {
  std::vector<RoutedContact> c;
  c.push_back(Answered("A", "x", T(9, 0, 0), T(9, 0, 10), T(9, 5, 10), T(9, 5, 40)));
  c.back().resolved = true;
  c.back().csat = 5;
  c.push_back(Answered("A", "y", T(9, 1, 0), T(9, 1, 20), T(9, 7, 20), T(9, 7, 50)));
  c.back().resolved = true;
  c.back().first_contact_resolved = false;
  c.back().csat = 3;
  c.push_back(Waiting("A", T(9, 2, 0)));
  c.back().abandoned_at = T(9, 2, 45);
  c.push_back(Answered("B", "x", T(9, 6, 0), T(9, 6, 0), T(9, 16, 0), T(9, 16, 30)));
  c.back().resolved = true;
  c.back().first_contact_resolved = true;
  c.back().csat = 4;
  c.push_back(Answered("B", "y", T(9, 40, 0), T(9, 40, 30), T(9, 50, 30), T(9, 51, 0)));
  c.back().resolved = false;
  c.back().csat = 1;
  c.push_back(Waiting("A", T(9, 59, 50)));
  c.push_back(Waiting("A", T(9, 59, 30)));
  c.push_back(Answered("A", "x", T(8, 59, 0), T(8, 59, 1), T(8, 59, 30), T(8, 59, 30)));
  c.push_back(Answered("A", "x", T(9, 50, 0), T(9, 50, 5), T(9, 58, 0), T(10, 0, 30)));
  return c;
}

// x: available since 08:30, busy/wrap-up with #1 and #4, break 09:30–09:45, then #9.
// y: offline until 09:01, #2, available, #5, offline from 09:55.
std::vector<AgentStateChange> States() {
  const auto s = [](std::string a, AgentState st, AcdInstant at) { return AgentStateChange{std::move(a), st, at}; };
  using S = AgentState;
  return {s("x", S::kAvailable, T(8, 30)),     s("x", S::kBusy, T(9, 0, 10)),   s("x", S::kWrapUp, T(9, 5, 10)),
          s("x", S::kAvailable, T(9, 5, 40)),  s("x", S::kBusy, T(9, 6, 0)),    s("x", S::kWrapUp, T(9, 16, 0)),
          s("x", S::kAvailable, T(9, 16, 30)), s("x", S::kBreak, T(9, 30, 0)),  s("x", S::kAvailable, T(9, 45, 0)),
          s("x", S::kBusy, T(9, 50, 5)),       s("x", S::kWrapUp, T(9, 58, 0)), s("y", S::kOffline, T(8, 0)),
          s("y", S::kAvailable, T(9, 1, 0)),   s("y", S::kBusy, T(9, 1, 20)),   s("y", S::kWrapUp, T(9, 7, 20)),
          s("y", S::kAvailable, T(9, 7, 50)),  s("y", S::kBusy, T(9, 40, 30)),  s("y", S::kWrapUp, T(9, 50, 30)),
          s("y", S::kAvailable, T(9, 51, 0)),  s("y", S::kOffline, T(9, 55, 0))};
}

KpiWindow Hour() { return KpiWindow{.from = T(9, 0), .to = T(10, 0), .now = T(10, 0)}; }

KpiReport Report(const KpiWindow& w = Hour()) {
  const auto contacts = Day();
  const auto states = States();
  auto r = ComputeKpis(contacts, states, w, KpiParams{});
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : KpiReport{};
}

TEST(Kpi, ScriptedHourTotalsMatchTheHandComputation) {
  const KpiFigures t = Report().total;
  // Arrived in the window: #1 #2 #3 #4 #5 #6 #7 #9 = 8; #6 has waited only 10 s: offered 7.
  EXPECT_EQ(t.offered, 7);
  EXPECT_EQ(t.waiting, 2);
  // Answered #1 #2 #4 #5 #9 = 5; within 20 s: #1 (10) #2 (20) #4 (0) #9 (5) = 4. SL = 4/7.
  EXPECT_EQ(t.answered, 5);
  EXPECT_DOUBLE_EQ(*t.ServiceLevel(), 4.0 / 7);
  // ASA = (10 + 20 + 0 + 30 + 5) / 5 = 13 s. Abandonment = 1/7.
  EXPECT_DOUBLE_EQ(*t.Asa(), 13);
  EXPECT_DOUBLE_EQ(*t.Abandonment(), 1.0 / 7);
  // Handled #1 #2 #4 #5 (#9's wrap-up runs past now): AHT = (330 + 390 + 630 + 630) / 4 = 495 s.
  EXPECT_EQ(t.handled, 4);
  EXPECT_DOUBLE_EQ(*t.Aht(), 495);
  // FCR: resolved #1 #2 #4; #2 was repeated: 2/3. CSAT: 5, 3, 4, 1 → 2 of 4 are 4–5.
  EXPECT_DOUBLE_EQ(*t.Fcr(), 2.0 / 3);
  EXPECT_DOUBLE_EQ(*t.Csat(), 0.5);
  // Occupancy: x busy 300 + 600 + 475 = 1375, wrap 30 + 30 + 120 = 180, available 10 + 20 + 810 + 305 = 1145
  // (break 900 excluded): staffed 2700. y busy 360 + 600 = 960, wrap 60, available 20 + 1960 + 240 = 2220
  // (offline excluded): staffed 3240. (1375 + 180 + 960 + 60) / (2700 + 3240) = 2575 / 5940.
  EXPECT_DOUBLE_EQ(t.busy_s, 2335);
  EXPECT_DOUBLE_EQ(t.staffed_s, 5940);
  EXPECT_DOUBLE_EQ(*t.Occupancy(), 2575.0 / 5940);
}

TEST(Kpi, ScriptedHourPerQueueMatchesTheHandComputation) {
  const KpiReport r = Report();
  ASSERT_EQ(r.per_queue.size(), 2u);
  const KpiFigures& a = r.per_queue.at("A");
  // A: #1 #2 #3 #7 #9 offered (5); answered #1 #2 #9, all in time: 3/5; ASA (10 + 20 + 5) / 3; AHT (330 + 390) / 2.
  EXPECT_EQ(a.offered, 5);
  EXPECT_DOUBLE_EQ(*a.ServiceLevel(), 0.6);
  EXPECT_DOUBLE_EQ(*a.Asa(), 35.0 / 3);
  EXPECT_DOUBLE_EQ(*a.Abandonment(), 0.2);
  EXPECT_DOUBLE_EQ(*a.Aht(), 360);
  EXPECT_FALSE(a.Occupancy().has_value());
  const KpiFigures& b = r.per_queue.at("B");
  // B: #4 (0 s) and #5 (30 s): SL 1/2, ASA 15, AHT 630, no abandonment.
  EXPECT_DOUBLE_EQ(*b.ServiceLevel(), 0.5);
  EXPECT_DOUBLE_EQ(*b.Asa(), 15);
  EXPECT_DOUBLE_EQ(*b.Aht(), 630);
  EXPECT_DOUBLE_EQ(*b.Abandonment(), 0);
}

TEST(Kpi, ScriptedHourPerAgentMatchesTheHandComputation) {
  const KpiReport r = Report();
  const KpiFigures& x = r.per_agent.at("x");
  // x answered #1 #4 #9: all in time; handled #1 #4: (330 + 630) / 2 = 480; occupancy 1555 / 2700.
  EXPECT_EQ(x.answered, 3);
  EXPECT_DOUBLE_EQ(*x.Aht(), 480);
  EXPECT_DOUBLE_EQ(*x.Occupancy(), 1555.0 / 2700);
  const KpiFigures& y = r.per_agent.at("y");
  // y: occupancy (960 + 60) / 3240.
  EXPECT_DOUBLE_EQ(*y.Occupancy(), 1020.0 / 3240);
}

TEST(Kpi, ScriptedHourPerHalfHourMatchesTheHandComputation) {
  const KpiReport r = Report();
  ASSERT_EQ(r.intervals.size(), 2u);
  EXPECT_EQ(r.intervals[0].start, T(9, 0));
  EXPECT_EQ(r.intervals[1].start, T(9, 30));
  const KpiFigures& first = r.intervals[0].figures;
  // 09:00–09:30: #1 #2 #3 #4 offered, #1 #2 #4 in time: 3/4; abandonment 1/4.
  EXPECT_EQ(first.offered, 4);
  EXPECT_DOUBLE_EQ(*first.ServiceLevel(), 0.75);
  EXPECT_DOUBLE_EQ(*first.Abandonment(), 0.25);
  // Occupancy: x busy 900 wrap 60 of 1800 staffed; y busy 360 wrap 30 of 1740: 1350 / 3540.
  EXPECT_DOUBLE_EQ(*first.Occupancy(), 1350.0 / 3540);
  const KpiFigures& second = r.intervals[1].figures;
  // 09:30–10:00: #5 #7 #9 offered (#6 open), #9 in time: 1/3; 2 waiting.
  EXPECT_EQ(second.offered, 3);
  EXPECT_EQ(second.waiting, 2);
  EXPECT_DOUBLE_EQ(*second.ServiceLevel(), 1.0 / 3);
}

TEST(Kpi, AnAgentFilterKeepsOnlyTheContactsItAnswered) {
  KpiWindow w = Hour();
  w.agent = "x";
  const KpiReport r = Report(w);
  EXPECT_EQ(r.total.offered, 3);
  EXPECT_DOUBLE_EQ(*r.total.ServiceLevel(), 1);
  EXPECT_DOUBLE_EQ(*r.total.Occupancy(), 1555.0 / 2700);
  EXPECT_FALSE(r.per_agent.contains("y"));
}

TEST(Kpi, AQueueFilterLeavesOccupancyOut) {
  KpiWindow w = Hour();
  w.queue = "B";
  const KpiReport r = Report(w);
  EXPECT_EQ(r.total.offered, 2);
  EXPECT_FALSE(r.total.Occupancy().has_value());
}

TEST(Kpi, AContactWaitingExactlyTheTargetIsNotYetOfferedAndOneMoreMillisecondIs) {
  const std::vector<RoutedContact> one = {Waiting("A", T(9, 0, 0))};
  KpiWindow w{.from = T(9, 0), .to = T(10, 0), .now = T(9, 0, 20)};
  auto r = ComputeKpis(one, {}, w, KpiParams{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total.offered, 0);
  EXPECT_FALSE(r->total.ServiceLevel().has_value());
  w.now += std::chrono::milliseconds{1};
  r = ComputeKpis(one, {}, w, KpiParams{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total.offered, 1);
  EXPECT_DOUBLE_EQ(*r->total.ServiceLevel(), 0);
}

TEST(Kpi, AnAnswerOneMillisecondPastTheTargetIsLate) {
  const AcdInstant in = T(9, 0, 0);
  const std::vector<RoutedContact> c = {
      Answered("A", "x", in, in + seconds{20}, in + seconds{30}, in + seconds{30}),
      Answered("A", "x", in, in + seconds{20} + std::chrono::milliseconds{1}, in + seconds{30}, in + seconds{30})};
  auto r = ComputeKpis(c, {}, KpiWindow{.from = T(9, 0), .to = T(10, 0), .now = T(10, 0)}, KpiParams{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total.answered_in_time, 1);
}

TEST(Kpi, AnEmptyWindowHasNoRatiosAndEveryInterval) {
  auto r = ComputeKpis({}, {}, KpiWindow{.from = T(0, 0), .to = T(24, 0), .now = T(24, 0)}, KpiParams{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->intervals.size(), 48u);
  EXPECT_FALSE(r->total.Aht().has_value());
  EXPECT_FALSE(r->total.ServiceLevel().has_value());
  EXPECT_FALSE(r->total.Occupancy().has_value());
  EXPECT_FALSE(r->total.Fcr().has_value());
  EXPECT_FALSE(r->total.Csat().has_value());
}

TEST(Kpi, ContactsArrivingAtTheWindowsEndOrAfterNowAreLeftOut) {
  const std::vector<RoutedContact> c = {Waiting("A", T(10, 0)), Waiting("A", T(9, 40))};
  auto r = ComputeKpis(c, {}, KpiWindow{.from = T(9, 0), .to = T(10, 0), .now = T(9, 30)}, KpiParams{});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->total.waiting, 0);
}

TEST(Kpi, ABadWindowIsRefusedByField) {
  auto r = ComputeKpis({}, {}, KpiWindow{.from = T(10, 0), .to = T(10, 0), .now = T(10, 0)}, KpiParams{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "from");
  r = ComputeKpis({}, {}, KpiWindow{.from = T(0, 0), .to = T(24, 0), .now = T(24, 0), .interval = seconds{1}},
                  KpiParams{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "interval");
  r = ComputeKpis({}, {}, KpiWindow{.from = T(0, 0), .to = T(1, 0), .now = T(1, 0), .interval = seconds{0}},
                  KpiParams{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "interval");
}

}  // namespace
}  // namespace rxdesk
