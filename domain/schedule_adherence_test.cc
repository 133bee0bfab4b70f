#include "domain/schedule_adherence.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "domain/test_fixtures.h"

namespace rxdesk {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using test::Chicago;

constexpr Date kDay = MakeDate(2026, 3, 9);  // a Monday, CDT

// Local wall-clock time on kDay.
Instant Local(int hour, int minute = 0) { return Chicago().ToInstant(kDay, hours{hour} + minutes{minute}); }

// 08:00–16:30 with a 15-minute break at 10:00, lunch 12:00–12:30 and a 15-minute
// break at 14:30: 510 scheduled minutes.
AgentShift DayShift() {
  return AgentShift{.start = Local(8),
                    .end = Local(16, 30),
                    .breaks = {{Local(10), minutes{15}, BreakKind::kBreak},
                               {Local(12), minutes{30}, BreakKind::kLunch},
                               {Local(14, 30), minutes{15}, BreakKind::kBreak}}};
}

ScheduleAdherence Adherence(const AgentShift& shift, const std::vector<AgentStateChange>& states,
                            const ScheduleAdherenceParams& params = {}) {
  Result<ScheduleAdherence> r = ComputeScheduleAdherence(shift, states, params);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().field + ": " + r.error().message);
  return r.ok() ? *r : ScheduleAdherence{};
}

std::string RefusedField(const Status& s) {
  EXPECT_FALSE(s.ok());
  if (s.ok()) return "";
  EXPECT_EQ(s.error().code, "invalid_request");
  return s.error().field;
}

constexpr AgentState kAvailable = AgentState::kAvailable;
constexpr AgentState kBusy = AgentState::kBusy;
constexpr AgentState kWrapUp = AgentState::kWrapUp;
constexpr AgentState kBreak = AgentState::kBreak;
constexpr AgentState kOffline = AgentState::kOffline;

// ---------------------------------------------------------------------------
// The scheduled state

TEST(ScheduleAdherenceTest, ScheduledStateAtEachMoment) {
  const AgentShift shift = DayShift();
  EXPECT_EQ(ScheduledAt(shift, Local(7, 59)), ScheduledActivity::kOff);
  EXPECT_EQ(ScheduledAt(shift, Local(8)), ScheduledActivity::kOnQueue);  // start included
  EXPECT_EQ(ScheduledAt(shift, Local(9, 59)), ScheduledActivity::kOnQueue);
  EXPECT_EQ(ScheduledAt(shift, Local(10)), ScheduledActivity::kBreak);
  EXPECT_EQ(ScheduledAt(shift, Local(10, 14)), ScheduledActivity::kBreak);
  EXPECT_EQ(ScheduledAt(shift, Local(10, 15)), ScheduledActivity::kOnQueue);  // break end excluded
  EXPECT_EQ(ScheduledAt(shift, Local(12, 10)), ScheduledActivity::kLunch);
  EXPECT_EQ(ScheduledAt(shift, Local(16, 29)), ScheduledActivity::kOnQueue);
  EXPECT_EQ(ScheduledAt(shift, Local(16, 30)), ScheduledActivity::kOff);  // end excluded
}

TEST(ScheduleAdherenceTest, WhichStatesKeepWhichSchedule) {
  for (AgentState s : {kAvailable, kBusy, kWrapUp}) {
    EXPECT_TRUE(Adheres(ScheduledActivity::kOnQueue, s));
    EXPECT_FALSE(Adheres(ScheduledActivity::kBreak, s));  // working through a break is off schedule
    EXPECT_FALSE(Adheres(ScheduledActivity::kLunch, s));
  }
  EXPECT_FALSE(Adheres(ScheduledActivity::kOnQueue, kBreak));
  EXPECT_TRUE(Adheres(ScheduledActivity::kBreak, kBreak));
  EXPECT_TRUE(Adheres(ScheduledActivity::kLunch, kBreak));
  for (ScheduledActivity a :
       {ScheduledActivity::kOnQueue, ScheduledActivity::kBreak, ScheduledActivity::kLunch, ScheduledActivity::kOff}) {
    EXPECT_FALSE(Adheres(a, kOffline));
  }
}

// ---------------------------------------------------------------------------
// Adherence, scripted

TEST(ScheduleAdherenceTest, LateLoginLongBreakEarlyLogout) {
  // Scheduled: 08:00–16:30 = 510 min. Off schedule: 08:00–08:10 (logged in late),
  // 10:15–10:25 (break 10 min long), 16:20–16:30 (logged out early) = 30 min.
  // Busy and wrap-up are on-queue. Adherence = 480 / 510 = 94.1%: within 90–95%.
  const std::vector<AgentStateChange> log = {
      {Local(8, 10), kAvailable}, {Local(8, 40), kBusy},       {Local(8, 50), kWrapUp},   {Local(8, 55), kAvailable},
      {Local(10), kBreak},        {Local(10, 25), kAvailable}, {Local(12), kBreak},       {Local(12, 30), kAvailable},
      {Local(14, 30), kBreak},    {Local(14, 45), kBusy},      {Local(16, 20), kOffline},
  };
  const ScheduleAdherence a = Adherence(DayShift(), log);
  EXPECT_EQ(a.scheduled, minutes{510});
  EXPECT_EQ(a.adherent, minutes{480});
  EXPECT_DOUBLE_EQ(a.adherence, 480.0 / 510.0);
  EXPECT_EQ(a.band, AdherenceBand::kWithin);
  EXPECT_TRUE(a.in_target);
}

TEST(ScheduleAdherenceTest, LongLunchAndUnscheduledBreakFallBelowTarget) {
  // As above, plus lunch back at 12:45 instead of 12:30 (15 min) and an
  // unscheduled break 13:00–13:30 (30 min): 30 + 15 + 30 = 75 min off schedule.
  // Adherence = 435 / 510 = 85.3%.
  const std::vector<AgentStateChange> log = {
      {Local(8, 10), kAvailable},  {Local(10), kBreak},       {Local(10, 25), kAvailable}, {Local(12), kBreak},
      {Local(12, 45), kAvailable}, {Local(13), kBreak},       {Local(13, 30), kBusy},      {Local(14, 30), kBreak},
      {Local(14, 45), kAvailable}, {Local(16, 20), kOffline},
  };
  const ScheduleAdherence a = Adherence(DayShift(), log);
  EXPECT_EQ(a.adherent, minutes{435});
  EXPECT_EQ(a.band, AdherenceBand::kBelow);
  EXPECT_FALSE(a.in_target);
}

TEST(ScheduleAdherenceTest, PerfectDayIsAboveTheBandAndStillInTarget) {
  const std::vector<AgentStateChange> log = {
      {Local(7, 50), kAvailable},  // logged in early: the 10 minutes before 08:00 are not scheduled
      {Local(10), kBreak},        {Local(10, 15), kAvailable}, {Local(12), kBreak},   {Local(12, 30), kAvailable},
      {Local(14, 30), kBreak},    {Local(14, 45), kAvailable}, {Local(17), kOffline},  // stayed late: not counted
                                                                                       // either
  };
  const ScheduleAdherence a = Adherence(DayShift(), log);
  EXPECT_EQ(a.scheduled, minutes{510});
  EXPECT_EQ(a.adherent, minutes{510});
  EXPECT_EQ(a.band, AdherenceBand::kAbove);
  EXPECT_TRUE(a.in_target);
}

TEST(ScheduleAdherenceTest, TeamAdherenceSumsMinutes) {
  // 480 + 435 = 915 of 1,020 scheduled minutes: 89.7%, just below 90%. One agent
  // in target and one below make a team below target.
  const ScheduleAdherence one{minutes{510}, minutes{480}};
  const ScheduleAdherence two{minutes{510}, minutes{435}};
  const std::vector<ScheduleAdherence> team = {one, two};
  const ScheduleAdherence t = TeamScheduleAdherence(team);
  EXPECT_EQ(t.scheduled, minutes{1020});
  EXPECT_EQ(t.adherent, minutes{915});
  EXPECT_DOUBLE_EQ(t.adherence, 915.0 / 1020.0);
  EXPECT_FALSE(t.in_target);
  // Unequal shifts weigh by their minutes: 4 h fully adherent + 8 h at 75% = 10 of 12 h.
  const std::vector<ScheduleAdherence> uneven = {{hours{4}, hours{4}}, {hours{8}, hours{6}}};
  EXPECT_DOUBLE_EQ(TeamScheduleAdherence(uneven).adherence, 10.0 / 12.0);
  const ScheduleAdherence empty = TeamScheduleAdherence({});
  EXPECT_EQ(empty.adherence, 0.0);
  EXPECT_FALSE(empty.in_target);
}

TEST(ScheduleAdherenceTest, TargetBandEdges) {
  // A 100-minute shift without breaks, logged in late by 11, 10, 5 and 4 minutes.
  const AgentShift shift{.start = Local(9), .end = Local(10, 40)};
  auto late_by = [&](int m) { return Adherence(shift, {{Local(9, m), kAvailable}}); };
  EXPECT_EQ(late_by(11).band, AdherenceBand::kBelow);   // 89%
  EXPECT_EQ(late_by(10).band, AdherenceBand::kWithin);  // 90%, on the lower edge
  EXPECT_TRUE(late_by(10).in_target);
  EXPECT_FALSE(late_by(11).in_target);
  EXPECT_EQ(late_by(5).band, AdherenceBand::kWithin);  // 95%, on the upper edge
  EXPECT_EQ(late_by(4).band, AdherenceBand::kAbove);   // 96%
  ScheduleAdherenceParams strict;
  strict.target_min = 0.95;
  EXPECT_FALSE(Adherence(shift, {{Local(9, 10), kAvailable}}, strict).in_target);
}

TEST(ScheduleAdherenceTest, NoStatesMeansOfflineAllShift) {
  const ScheduleAdherence a = Adherence(DayShift(), {});
  EXPECT_EQ(a.adherent, seconds{0});
  EXPECT_EQ(a.adherence, 0.0);
  EXPECT_EQ(a.band, AdherenceBand::kBelow);
}

TEST(ScheduleAdherenceTest, SimultaneousChangesKeepTheLast) {
  const AgentShift shift{.start = Local(9), .end = Local(10)};
  const ScheduleAdherence a = Adherence(shift, {{Local(9), kBreak}, {Local(9), kAvailable}, {Local(9, 30), kOffline}});
  EXPECT_EQ(a.adherent, minutes{30});
}

TEST(ScheduleAdherenceTest, ShiftAcrossTheFallBackNightCountsRealTime) {
  // 22:00 Oct 31 to 06:00 Nov 1 local is 9 hours of real time (01:00–02:00 twice).
  const AgentShift night{.start = Chicago().ToInstant(MakeDate(2026, 10, 31), hours{22}),
                         .end = Chicago().ToInstant(MakeDate(2026, 11, 1), hours{6})};
  const ScheduleAdherence a = Adherence(night, {{night.start, kAvailable}});
  EXPECT_EQ(a.scheduled, hours{9});
  EXPECT_EQ(a.adherence, 1.0);
}

TEST(ScheduleAdherenceTest, ThousandsOfFlappingChanges) {
  // An 8-hour shift flapping between available and offline every 10 seconds: half adherent.
  const AgentShift shift{.start = Local(8), .end = Local(16)};
  std::vector<AgentStateChange> log;
  for (int i = 0; i < 8 * 360; ++i) log.push_back({Local(8) + seconds{10 * i}, i % 2 == 0 ? kAvailable : kOffline});
  const ScheduleAdherence a = Adherence(shift, log);
  EXPECT_EQ(a.adherent, hours{4});
  EXPECT_DOUBLE_EQ(a.adherence, 0.5);
}

// ---------------------------------------------------------------------------
// Validation

TEST(ScheduleAdherenceTest, RefusesShiftsThatEndBeforeTheyStartOrRunTooLong) {
  EXPECT_EQ(RefusedField(ValidateShift({.start = Local(9), .end = Local(9)})), "shift.end");
  EXPECT_EQ(RefusedField(ValidateShift({.start = Local(9), .end = Local(8)})), "shift.end");
  EXPECT_TRUE(ValidateShift({.start = Local(0), .end = Local(16)}).ok());  // on the bound
  EXPECT_EQ(RefusedField(ValidateShift({.start = Local(0), .end = Local(16) + seconds{1}})), "shift.end");
}

TEST(ScheduleAdherenceTest, RefusesBreaksOutsideTheShiftOrOverlapping) {
  auto with = [](std::vector<ShiftBreak> breaks) {
    return ValidateShift({.start = Local(8), .end = Local(16), .breaks = std::move(breaks)});
  };
  EXPECT_EQ(RefusedField(with({{Local(7, 55), minutes{15}}})), "shift.breaks[0].start");
  EXPECT_EQ(RefusedField(with({{Local(15, 50), minutes{15}}})), "shift.breaks[0].start");
  EXPECT_EQ(RefusedField(with({{Local(17), minutes{15}}})), "shift.breaks[0].start");
  EXPECT_EQ(RefusedField(with({{Local(10), minutes{0}}})), "shift.breaks[0].length");
  EXPECT_EQ(RefusedField(with({{Local(10), -minutes{5}}})), "shift.breaks[0].length");
  EXPECT_EQ(RefusedField(with({{Local(10), minutes{15}}, {Local(10, 14), minutes{30}}})), "shift.breaks[1].start");
  EXPECT_EQ(RefusedField(with({{Local(12), minutes{30}}, {Local(11, 45), minutes{30}}})), "shift.breaks[1].start");
  EXPECT_EQ(RefusedField(with({{Local(10), seconds::max()}})), "shift.breaks[0].start");  // no overflow
  EXPECT_TRUE(with({{Local(10), minutes{15}}, {Local(10, 15), minutes{30}}}).ok());       // touching
  EXPECT_TRUE(with({{Local(15, 45), minutes{15}}, {Local(8), minutes{15}}}).ok());        // edges, any order
}

TEST(ScheduleAdherenceTest, BreaksInAnyOrderGiveTheSameAdherence) {
  AgentShift reversed = DayShift();
  std::reverse(reversed.breaks.begin(), reversed.breaks.end());
  const std::vector<AgentStateChange> log = {{Local(8), kAvailable}, {Local(10), kBreak}, {Local(10, 15), kBusy}};
  EXPECT_EQ(Adherence(reversed, log).adherent, Adherence(DayShift(), log).adherent);
  EXPECT_EQ(Adherence(DayShift(), log).adherent, minutes{510 - 30 - 15});  // worked through lunch and 14:30
}

TEST(ScheduleAdherenceTest, RefusesStateChangesOutOfOrderAndBadTargets) {
  auto field = [](const std::vector<AgentStateChange>& log, const ScheduleAdherenceParams& params) {
    const Result<ScheduleAdherence> r = ComputeScheduleAdherence(DayShift(), log, params);
    EXPECT_FALSE(r.ok());
    return r.ok() ? std::string() : r.error().field;
  };
  EXPECT_EQ(field({{Local(9), kAvailable}, {Local(8, 59), kBreak}}, {}), "states[1].at");
  ScheduleAdherenceParams params;
  params.target_min = 1.2;
  EXPECT_EQ(field({}, params), "target_min");
  params.target_min = 0.9;
  params.target_max = 0.8;
  EXPECT_EQ(field({}, params), "target_max");
  params.target_max = 1.0000001;
  EXPECT_EQ(field({}, params), "target_max");
}

}  // namespace
}  // namespace rxdesk
