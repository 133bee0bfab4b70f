#include "domain/staffing_plan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "domain/test_fixtures.h"

namespace rxdesk {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using test::Chicago;

constexpr Date kMonday = MakeDate(2026, 3, 9);
constexpr Date kSpringForward = MakeDate(2026, 3, 8);
constexpr Date kFallBack = MakeDate(2026, 11, 1);

QueueDayStaffing Plan(Date date, std::string_view queue, const StaffingPolicy& policy = {},
                      std::span<const IntervalCount> history = {}) {
  Result<QueueDayStaffing> day = PlanQueueDay(date, queue, history, Chicago(), policy);
  EXPECT_TRUE(day.ok()) << (day.ok() ? "" : day.error().field + ": " + day.error().message);
  return day.ok() ? *day : QueueDayStaffing{};
}

// The interval whose wall clock reads `local` (the first one on a fall-back day).
const IntervalStaffing& At(const QueueDayStaffing& day, minutes local) {
  for (const IntervalStaffing& i : day.intervals) {
    if (i.local_time == local) return i;
  }
  ADD_FAILURE() << "no interval at " << local.count() << " min";
  static const IntervalStaffing none{};
  return none;
}

std::string FieldOf(const Status& s) { return s.ok() ? "" : s.error().field; }

TEST(StaffingPlan, TheDefaultsAreTheMainLineQueuesAtThreeSixtySecondsAndEightyInTwenty) {
  const StaffingPolicy policy;
  std::vector<std::string> ids;
  double shares = 0;
  for (const StaffingQueue& q : policy.queues) {
    ids.push_back(q.id);
    shares += q.share;
    EXPECT_EQ(q.aht_s, 360) << q.id;
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"refills_delivery", "billing_insurance", "medicare_part_d",
                                           "clinical_pharmacist", "international", "representative"}));
  EXPECT_NEAR(shares, 1.0, 1e-12);
  EXPECT_EQ(policy.target_answer_s, 20);
  EXPECT_EQ(policy.target_service_level, 0.8);
  EXPECT_EQ(policy.shrinkage, 0.30);
  EXPECT_FALSE(policy.patience_s.has_value());
  EXPECT_TRUE(ValidateStaffingPolicy(policy).ok());
}

TEST(StaffingPlan, AnUnknownQueueIsNotFound) {
  for (std::string_view id : {"", "refills", "REFILLS_DELIVERY", "refills_delivery ", "secure_message"}) {
    Result<QueueDayStaffing> day = PlanQueueDay(kMonday, id, {}, Chicago(), StaffingPolicy{});
    ASSERT_FALSE(day.ok()) << id;
    EXPECT_EQ(day.error().code, "not_found");
    EXPECT_EQ(day.error().field, "queue");
  }
}

TEST(StaffingPlan, ANormalDayHasFortyEightIntervalsAndDstDaysFortySixAndFifty) {
  EXPECT_EQ(Plan(kMonday, "refills_delivery").intervals.size(), 48u);
  EXPECT_EQ(Plan(kSpringForward, "refills_delivery").intervals.size(), 46u);
  const QueueDayStaffing fall = Plan(kFallBack, "refills_delivery");
  ASSERT_EQ(fall.intervals.size(), 50u);
  // The repeated hour is two intervals an hour apart with the same wall clock and the same need.
  EXPECT_EQ(fall.intervals[2].local_time, fall.intervals[4].local_time);
  EXPECT_EQ(fall.intervals[4].start - fall.intervals[2].start, hours{1});
  EXPECT_EQ(fall.intervals[2].figures.agents, fall.intervals[4].figures.agents);
}

TEST(StaffingPlan, AQueueTakesItsShareOfTheLinesWeekdayVolume) {
  const StaffingPolicy policy;
  // Monday: 6,000 for the line; refills and delivery 50%, international 3%.
  EXPECT_NEAR(Plan(kMonday, "refills_delivery").Arrivals(), 3000, 1e-9);
  EXPECT_NEAR(Plan(kMonday, "international").Arrivals(), 180, 1e-9);
  // Sunday 1,600; on the spring-forward Sunday the skipped hour's contacts (weights 0.15 + 0.15) never come.
  EXPECT_NEAR(Plan(MakeDate(2026, 3, 15), "billing_insurance").Arrivals(), 320, 1e-9);
  EXPECT_NEAR(Plan(kSpringForward, "billing_insurance").Arrivals(), 320 * (1 - 0.30 / 25.49), 1e-9);
  EXPECT_EQ(Plan(kMonday, "refills_delivery").source, ForecastSource::kProfile);
}

TEST(StaffingPlan, EveryIntervalIsTheFewestAgentsForItsOwnInputs) {
  const QueueDayStaffing day = Plan(kMonday, "medicare_part_d");
  ASSERT_EQ(day.intervals.size(), 48u);
  for (const IntervalStaffing& i : day.intervals) {
    EXPECT_EQ(i.inputs.interval_s, 1800);
    EXPECT_EQ(i.inputs.aht_s, 360);
    EXPECT_EQ(i.inputs.target_answer_s, 20);
    EXPECT_EQ(i.inputs.target_service_level, 0.8);
    EXPECT_EQ(i.inputs.shrinkage, 0.30);
    EXPECT_GE(i.figures.service_level, 0.8 - kServiceLevelTolerance);
    const Result<StaffingFigures> one_less = FiguresAt(i.inputs, i.figures.agents - 1);
    ASSERT_TRUE(one_less.ok());
    EXPECT_LT(one_less->service_level, 0.8) << i.local_time.count();
  }
}

TEST(StaffingPlan, ThePeakNeedsMoreAgentsThanThreeInTheMorning) {
  const QueueDayStaffing day = Plan(kMonday, "refills_delivery");
  const int night = At(day, hours{3}).figures.agents;
  for (minutes t = hours{9}; t < hours{14}; t += minutes{30}) {
    EXPECT_GT(At(day, t).figures.agents, night) << t.count();
    EXPECT_EQ(At(day, t).figures.agents, day.PeakAgents()) << t.count();
  }
  // The documented example: 3,000 contacts on Monday, peak 117.7 per interval (23.5 Erlangs).
  EXPECT_NEAR(At(day, hours{10}).inputs.arrivals, 3000.0 / 25.49, 1e-9);
  EXPECT_EQ(day.PeakAgents(), 29);
  EXPECT_EQ(night, 6);
  EXPECT_EQ(At(day, hours{10}).figures.scheduled_agents, 42);  // ceil(29 / 0.7)
}

TEST(StaffingPlan, TotalsAddTheIntervalsInAgentHours) {
  const QueueDayStaffing day = Plan(kMonday, "billing_insurance");
  double agents = 0, scheduled = 0;
  for (const IntervalStaffing& i : day.intervals) {
    agents += i.figures.agents;
    scheduled += i.figures.scheduled_agents;
  }
  EXPECT_DOUBLE_EQ(day.AgentHours(), agents / 2);
  EXPECT_DOUBLE_EQ(day.ScheduledAgentHours(), scheduled / 2);
  EXPECT_EQ(QueueDayStaffing{}.PeakAgents(), 0);
  EXPECT_EQ(QueueDayStaffing{}.Arrivals(), 0);
}

TEST(StaffingPlan, AQueueWithNoShareNeedsNobody) {
  StaffingPolicy policy;
  policy.queues[4].share = 0;  // international
  const QueueDayStaffing day = Plan(kMonday, "international", policy);
  ASSERT_EQ(day.intervals.size(), 48u);
  for (const IntervalStaffing& i : day.intervals) {
    EXPECT_EQ(i.figures.agents, 0);
    EXPECT_EQ(i.figures.scheduled_agents, 0);
  }
}

TEST(StaffingPlan, ThePatienceSwitchesToErlangAWhichNeedsFewerAgents) {
  StaffingPolicy policy;
  const QueueDayStaffing erlang_c = Plan(kMonday, "refills_delivery", policy);
  policy.patience_s = 120;
  const QueueDayStaffing erlang_a = Plan(kMonday, "refills_delivery", policy);
  const IntervalStaffing& c = At(erlang_c, hours{10});
  const IntervalStaffing& a = At(erlang_a, hours{10});
  EXPECT_EQ(a.inputs.patience_s, 120);
  EXPECT_LT(a.figures.agents, c.figures.agents);
  EXPECT_GT(a.figures.abandon_rate, 0);
  EXPECT_EQ(c.figures.abandon_rate, 0);
}

TEST(StaffingPlan, TheQueuesOwnHistoryReplacesTheProfileUnscaled) {
  // Four Mondays back, 100 contacts at 10:00 (interval 20) and nothing else.
  std::vector<IntervalCount> history;
  for (int w = 1; w <= 4; ++w) history.push_back({kMonday - Days{7 * w}, 20, 100});
  const QueueDayStaffing day = Plan(kMonday, "international", StaffingPolicy{}, history);
  EXPECT_EQ(day.source, ForecastSource::kHistory);
  EXPECT_NEAR(day.Arrivals(), 100, 1e-9);  // not 3% of it
  EXPECT_NEAR(At(day, hours{10}).inputs.arrivals, 100, 1e-9);
  EXPECT_EQ(At(day, hours{3}).figures.agents, 0);
  EXPECT_GT(At(day, hours{10}).figures.agents, 0);
  // A bad entry is refused by name.
  history.push_back({kMonday - Days{7}, 48, 1});
  Result<QueueDayStaffing> bad = PlanQueueDay(kMonday, "international", history, Chicago(), StaffingPolicy{});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "history[4].interval");
}

TEST(StaffingPlan, QueueIdsMustBePresentShortAndUnique) {
  StaffingPolicy policy;
  policy.queues[1].id = "";
  EXPECT_EQ(FieldOf(ValidateStaffingPolicy(policy)), "queues[1].id");
  policy.queues[1].id = std::string(64, 'q');
  EXPECT_TRUE(ValidateStaffingPolicy(policy).ok());
  policy.queues[1].id = std::string(65, 'q');
  EXPECT_EQ(FieldOf(ValidateStaffingPolicy(policy)), "queues[1].id");
  policy.queues[1].id = "refills_delivery";
  EXPECT_EQ(FieldOf(ValidateStaffingPolicy(policy)), "queues[1].id");
  // The check runs on every plan too.
  EXPECT_EQ(PlanQueueDay(kMonday, "refills_delivery", {}, Chicago(), policy).error().field, "queues[1].id");
}

TEST(StaffingPlan, SharesMustLieBetweenZeroAndOne) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (double bad : {-0.01, 1.01, nan}) {
    StaffingPolicy policy;
    policy.queues[2].share = bad;
    EXPECT_EQ(FieldOf(ValidateStaffingPolicy(policy)), "queues[2].share") << bad;
  }
  for (double good : {0.0, 1.0}) {
    StaffingPolicy policy;
    policy.queues[2].share = good;
    EXPECT_TRUE(ValidateStaffingPolicy(policy).ok()) << good;
  }
}

TEST(StaffingPlan, HandleTimesMustBePositiveAndFinite) {
  for (double bad : {0.0, -1.0, std::numeric_limits<double>::infinity()}) {
    StaffingPolicy policy;
    policy.queues[0].aht_s = bad;
    EXPECT_EQ(FieldOf(ValidateStaffingPolicy(policy)), "queues[0].aht_s") << bad;
  }
  StaffingPolicy policy;
  policy.queues[0].aht_s = 0.001;
  EXPECT_TRUE(ValidateStaffingPolicy(policy).ok());
}

TEST(StaffingPlan, TheLineWideSettingsAreCheckedByTheirErlangNames) {
  StaffingPolicy policy;
  policy.target_service_level = 0;
  EXPECT_EQ(FieldOf(ValidateStaffingPolicy(policy)), "target_service_level");
  policy.target_service_level = 1.0;
  EXPECT_TRUE(ValidateStaffingPolicy(policy).ok());
  policy.target_service_level = 1.0000001;
  EXPECT_EQ(FieldOf(ValidateStaffingPolicy(policy)), "target_service_level");
  policy = {};
  policy.shrinkage = 1.0;
  EXPECT_EQ(FieldOf(ValidateStaffingPolicy(policy)), "shrinkage");
  policy.shrinkage = 0.95;
  EXPECT_TRUE(ValidateStaffingPolicy(policy).ok());
  policy = {};
  policy.patience_s = 0;
  EXPECT_EQ(FieldOf(ValidateStaffingPolicy(policy)), "patience_s");
  policy = {};
  policy.target_answer_s = -1;
  EXPECT_EQ(FieldOf(ValidateStaffingPolicy(policy)), "target_answer_s");
  policy = {};
  policy.forecast.daily_volume[3] = -1;
  EXPECT_EQ(FieldOf(ValidateStaffingPolicy(policy)), "forecast.daily_volume[3]");
  policy = {};
  policy.forecast.profile.fill(0);
  EXPECT_EQ(FieldOf(ValidateStaffingPolicy(policy)), "forecast.profile");
}

TEST(StaffingPlan, ABusiestIntervalAboveTheTrafficBoundIsRefusedAtLoadNamingTheQueue) {
  // A flat profile: every interval gets volume / 48. At AHT 1800 s an interval's
  // Erlangs equal its arrivals, so the bound sits at 48 × 100,000 contacts a day.
  StaffingPolicy policy;
  policy.forecast.profile.fill(1.0);
  policy.queues = {{.id = "big", .share = 1.0, .aht_s = 1800}};
  policy.forecast.daily_volume.fill(0);
  policy.forecast.daily_volume[1] = 48 * kMaxTrafficErlangs;
  EXPECT_TRUE(ValidateStaffingPolicy(policy).ok());
  policy.forecast.daily_volume[1] = 48 * kMaxTrafficErlangs * 1.001;
  const Status s = ValidateStaffingPolicy(policy);
  EXPECT_EQ(FieldOf(s), "queues[0]");
  EXPECT_NE(s.error().message.find("big"), std::string::npos) << s.error().message;
}

TEST(StaffingPlan, AnEmptyQueueListFindsNothing) {
  StaffingPolicy policy;
  policy.queues.clear();
  EXPECT_TRUE(ValidateStaffingPolicy(policy).ok());
  EXPECT_EQ(FindStaffingQueue(policy, "refills_delivery"), nullptr);
  EXPECT_EQ(PlanQueueDay(kMonday, "refills_delivery", {}, Chicago(), policy).error().code, "not_found");
}

}  // namespace
}  // namespace rxdesk
