#include "domain/forecast.h"

#include <gtest/gtest.h>

#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "domain/test_fixtures.h"

namespace rxdesk {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using test::At;
using test::Chicago;

constexpr Date kMonday = MakeDate(2026, 3, 9);
constexpr Date kSpringForward = MakeDate(2026, 3, 8);  // a Sunday: 23 hours in CT
constexpr Date kFallBack = MakeDate(2026, 11, 1);      // a Sunday: 25 hours in CT

double ProfileWeight() {
  const auto p = DefaultArrivalProfile();
  return std::accumulate(p.begin(), p.end(), 0.0);
}

DayForecast Forecast(Date date, const std::vector<IntervalCount>& history, const ForecastParams& params = {}) {
  Result<DayForecast> r = ForecastDay(date, history, Chicago(), params);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().field + ": " + r.error().message);
  return r.ok() ? *r : DayForecast{};
}

// Every interval of `date` with `count(interval index)` contacts.
template <typename Count>
void AddDay(std::vector<IntervalCount>& history, Date date, Count count) {
  const int n = IntervalsInLocalDay(date, Chicago());
  for (int i = 0; i < n; ++i) history.push_back({date, i, static_cast<std::int64_t>(count(i))});
}

// The same weekday `weeks` weeks before `date`.
Date WeeksBefore(Date date, int weeks) { return date - Days{7 * weeks}; }

std::string RefusedField(const Result<DayForecast>& r) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, "invalid_request");
  return r.error().field;
}

// ---------------------------------------------------------------------------
// The local day

TEST(ForecastTest, ChicagoDaysHave48IntervalsAnd46Or50OnTheDstDays) {
  EXPECT_EQ(IntervalsInLocalDay(kMonday, Chicago()), 48);
  EXPECT_EQ(IntervalsInLocalDay(MakeDate(2026, 3, 7), Chicago()), 48);
  EXPECT_EQ(IntervalsInLocalDay(kSpringForward, Chicago()), 46);
  EXPECT_EQ(IntervalsInLocalDay(kFallBack, Chicago()), 50);
  EXPECT_EQ(IntervalsInLocalDay(MakeDate(2026, 11, 2), Chicago()), 48);
}

// ---------------------------------------------------------------------------
// From the profile

TEST(ForecastTest, ProfileSpreadsTheWeekdayVolumeOverFortyEightHalfHours) {
  const DayForecast day = *ForecastFromProfile(kMonday, Chicago());
  ASSERT_EQ(day.intervals.size(), 48u);
  EXPECT_EQ(day.source, ForecastSource::kProfile);
  EXPECT_NEAR(day.Total(), 6000, 1e-9);                           // Monday's default volume
  EXPECT_EQ(day.intervals[0].start, At("2026-03-09T05:00:00Z"));  // local midnight, CDT
  for (std::size_t i = 0; i < day.intervals.size(); ++i) {
    EXPECT_EQ(day.intervals[i].start, day.intervals[0].start + i * minutes{30});
    EXPECT_EQ(day.intervals[i].local_time, i * minutes{30});
  }
}

TEST(ForecastTest, DefaultProfilePeaksFromNineToTwoCentral) {
  const DayForecast day = *ForecastFromProfile(kMonday, Chicago());
  double peak = 0;
  for (const ForecastInterval& i : day.intervals) peak = std::max(peak, i.arrivals);
  for (const ForecastInterval& i : day.intervals) {
    const bool in_peak_hours = i.local_time >= hours{9} && i.local_time < hours{14};
    EXPECT_EQ(i.arrivals == peak, in_peak_hours) << i.local_time.count();
  }
  EXPECT_NEAR(peak, 6000 * 1.0 / ProfileWeight(), 1e-9);
}

TEST(ForecastTest, SpringForwardDayLosesTheSkippedHour) {
  const DayForecast day = *ForecastFromProfile(kSpringForward, Chicago());
  ASSERT_EQ(day.intervals.size(), 46u);
  EXPECT_EQ(day.intervals[3].local_time, hours{1} + minutes{30});
  EXPECT_EQ(day.intervals[4].local_time, hours{3});               // 02:00 and 02:30 never happen
  EXPECT_EQ(day.intervals[0].start, At("2026-03-08T06:00:00Z"));  // midnight CST
  EXPECT_EQ(day.intervals[4].start, At("2026-03-08T08:00:00Z"));  // 03:00 CDT
  EXPECT_EQ(day.intervals[45].local_time, hours{23} + minutes{30});
  // Sunday's 1,600 contacts less the 02:00 and 02:30 slots (0.15 each).
  EXPECT_NEAR(day.Total(), 1600 * (ProfileWeight() - 0.30) / ProfileWeight(), 1e-9);
}

TEST(ForecastTest, FallBackDayRepeatsOneOClock) {
  const DayForecast day = *ForecastFromProfile(kFallBack, Chicago());
  ASSERT_EQ(day.intervals.size(), 50u);
  EXPECT_EQ(day.intervals[2].start, At("2026-11-01T06:00:00Z"));  // 01:00 CDT
  EXPECT_EQ(day.intervals[4].start, At("2026-11-01T07:00:00Z"));  // 01:00 CST
  EXPECT_EQ(day.intervals[2].local_time, hours{1});
  EXPECT_EQ(day.intervals[4].local_time, hours{1});
  EXPECT_EQ(day.intervals[5].local_time, hours{1} + minutes{30});
  EXPECT_EQ(day.intervals[6].local_time, hours{2});
  EXPECT_EQ(day.intervals[2].arrivals, day.intervals[4].arrivals);
  EXPECT_NEAR(day.Total(), 1600 * (ProfileWeight() + 0.30) / ProfileWeight(), 1e-9);
}

// ---------------------------------------------------------------------------
// From history

TEST(ForecastTest, FlatHistoryForecastsItsAverage) {
  std::vector<IntervalCount> history;
  for (int k = 1; k <= 4; ++k) AddDay(history, WeeksBefore(kMonday, k), [](int) { return 10; });
  const DayForecast day = Forecast(kMonday, history);
  EXPECT_EQ(day.source, ForecastSource::kHistory);
  EXPECT_EQ(day.weeks_used, 4);
  EXPECT_DOUBLE_EQ(day.trend_factor, 1.0);
  ASSERT_EQ(day.intervals.size(), 48u);
  for (const ForecastInterval& i : day.intervals) EXPECT_DOUBLE_EQ(i.arrivals, 10.0);
}

TEST(ForecastTest, RisingHistoryIsProjectedOneWeekOn) {
  // Weeks back k = 4, 3, 2, 1 had 8, 9, 10, 11 per interval: totals 384, 432, 480,
  // 528 at x = −4 … −1, a line of slope 48 that reads 576 (12 per interval) at x = 0.
  // Mean total 456, so the factor is 576 / 456 and each slot's mean 9.5 becomes 12.
  std::vector<IntervalCount> history;
  for (int k = 1; k <= 4; ++k) AddDay(history, WeeksBefore(kMonday, k), [k](int) { return 12 - k; });
  const DayForecast day = Forecast(kMonday, history);
  EXPECT_NEAR(day.trend_factor, 576.0 / 456.0, 1e-12);
  for (const ForecastInterval& i : day.intervals) EXPECT_NEAR(i.arrivals, 12.0, 1e-9);
}

TEST(ForecastTest, FallingHistoryNeverForecastsBelowZero) {
  // 12, 8, 4, 0 per interval for k = 4 … 1: the line reads −4 per interval at x = 0.
  std::vector<IntervalCount> history;
  for (int k = 1; k <= 4; ++k) AddDay(history, WeeksBefore(kMonday, k), [k](int) { return 4 * (k - 1); });
  const DayForecast day = Forecast(kMonday, history);
  EXPECT_EQ(day.trend_factor, 0.0);
  for (const ForecastInterval& i : day.intervals) EXPECT_EQ(i.arrivals, 0.0);
}

TEST(ForecastTest, TrendNeedsTheMinimumNumberOfWeeks) {
  std::vector<IntervalCount> history;
  AddDay(history, WeeksBefore(kMonday, 1), [](int) { return 11; });
  AddDay(history, WeeksBefore(kMonday, 2), [](int) { return 10; });
  const DayForecast two = Forecast(kMonday, history);  // below the default 3: plain average
  EXPECT_EQ(two.weeks_used, 2);
  EXPECT_DOUBLE_EQ(two.trend_factor, 1.0);
  for (const ForecastInterval& i : two.intervals) EXPECT_DOUBLE_EQ(i.arrivals, 10.5);
  ForecastParams params;
  params.min_trend_weeks = 2;  // on the threshold: the line through both weeks
  for (const ForecastInterval& i : Forecast(kMonday, history, params).intervals) EXPECT_NEAR(i.arrivals, 12.0, 1e-9);
}

TEST(ForecastTest, AMissingWeekIsLeftOutOfTheLine) {
  // k = 1, 3, 4 observed with 11, 9, 8: still the line y = 12 − k, read at k = 0.
  std::vector<IntervalCount> history;
  for (int k : {1, 3, 4}) AddDay(history, WeeksBefore(kMonday, k), [k](int) { return 12 - k; });
  const DayForecast day = Forecast(kMonday, history);
  EXPECT_EQ(day.weeks_used, 3);
  for (const ForecastInterval& i : day.intervals) EXPECT_NEAR(i.arrivals, 12.0, 1e-9);
}

TEST(ForecastTest, UnlistedIntervalsOfAnObservedDayCountZero) {
  std::vector<IntervalCount> history;
  for (int k = 1; k <= 4; ++k) history.push_back({WeeksBefore(kMonday, k), 20, 48});
  const DayForecast day = Forecast(kMonday, history);
  for (std::size_t i = 0; i < day.intervals.size(); ++i) EXPECT_NEAR(day.intervals[i].arrivals, i == 20 ? 48 : 0, 1e-9);
}

TEST(ForecastTest, WithoutSameWeekdayHistoryTheProfileIsUsed) {
  std::vector<IntervalCount> history;
  AddDay(history, kMonday - Days{1}, [](int) { return 99; });        // a Sunday
  AddDay(history, kMonday, [](int) { return 99; });                  // the day itself
  AddDay(history, kMonday + Days{7}, [](int) { return 99; });        // a later Monday
  AddDay(history, WeeksBefore(kMonday, 5), [](int) { return 99; });  // beyond the 4 weeks read
  const DayForecast day = Forecast(kMonday, history);
  EXPECT_EQ(day.source, ForecastSource::kProfile);
  EXPECT_EQ(day.weeks_used, 0);
  EXPECT_NEAR(day.Total(), 6000, 1e-9);
  EXPECT_EQ(Forecast(kMonday, {}).source, ForecastSource::kProfile);
  ForecastParams five;
  five.history_weeks = 5;  // now the fifth week back is read
  EXPECT_EQ(Forecast(kMonday, history, five).weeks_used, 1);
}

TEST(ForecastTest, SpringForwardWeekDoesNotCountForTheSkippedSlots) {
  // Target Sunday March 15. Week 1 back is March 8 (46 intervals, 20 each); weeks
  // 2–4 have 48 intervals of 10. No trend (min 5 weeks). Slots 02:00 and 02:30:
  // only weeks 2–4 have them, mean 10. Every other slot: (20 + 3 × 10) / 4 = 12.5.
  const Date target = MakeDate(2026, 3, 15);
  std::vector<IntervalCount> history;
  AddDay(history, kSpringForward, [](int) { return 20; });
  for (int k = 2; k <= 4; ++k) AddDay(history, WeeksBefore(target, k), [](int) { return 10; });
  ForecastParams params;
  params.min_trend_weeks = 5;
  const DayForecast day = Forecast(target, history, params);
  ASSERT_EQ(day.intervals.size(), 48u);
  for (std::size_t i = 0; i < day.intervals.size(); ++i) {
    EXPECT_DOUBLE_EQ(day.intervals[i].arrivals, (i == 4 || i == 5) ? 10.0 : 12.5) << i;
  }
}

TEST(ForecastTest, SkippedSlotsSeenInNoWeekTakeTheSlotBefore) {
  // Only March 8 observed: interval i had i + 1 contacts; 01:30 (interval 3) had 4.
  const Date target = MakeDate(2026, 3, 15);
  std::vector<IntervalCount> history;
  AddDay(history, kSpringForward, [](int i) { return i + 1; });
  const DayForecast day = Forecast(target, history);
  EXPECT_DOUBLE_EQ(day.intervals[3].arrivals, 4.0);
  EXPECT_DOUBLE_EQ(day.intervals[4].arrivals, 4.0);  // 02:00, never seen
  EXPECT_DOUBLE_EQ(day.intervals[5].arrivals, 4.0);  // 02:30, never seen
  EXPECT_DOUBLE_EQ(day.intervals[6].arrivals, 5.0);  // 03:00 was March 8's interval 4
}

TEST(ForecastTest, FallBackWeekAveragesTheRepeatedSlots) {
  // Target Sunday November 8; only November 1 observed: 01:00 CDT 4, 01:30 CDT 8,
  // 01:00 CST 6, 01:30 CST 2. Slot 01:00 = (4 + 6) / 2 = 5; 01:30 = (8 + 2) / 2 = 5.
  const std::vector<IntervalCount> history = {
      {kFallBack, 2, 4}, {kFallBack, 3, 8}, {kFallBack, 4, 6}, {kFallBack, 5, 2}};
  const DayForecast day = Forecast(MakeDate(2026, 11, 8), history);
  ASSERT_EQ(day.intervals.size(), 48u);
  EXPECT_DOUBLE_EQ(day.intervals[2].arrivals, 5.0);
  EXPECT_DOUBLE_EQ(day.intervals[3].arrivals, 5.0);
  EXPECT_DOUBLE_EQ(day.intervals[4].arrivals, 0.0);  // 02:00
}

TEST(ForecastTest, DstTargetDaysFollowTheWallClockOfOrdinaryHistory) {
  // Ordinary Sundays with "slot number" contacts in each slot.
  auto by_slot = [](Date target) {
    std::vector<IntervalCount> history;
    for (int k = 1; k <= 4; ++k) AddDay(history, WeeksBefore(target, k), [](int i) { return i; });
    return history;
  };
  const DayForecast fall = Forecast(kFallBack, by_slot(kFallBack));
  ASSERT_EQ(fall.intervals.size(), 50u);
  EXPECT_DOUBLE_EQ(fall.intervals[2].arrivals, 2.0);  // 01:00 CDT
  EXPECT_DOUBLE_EQ(fall.intervals[4].arrivals, 2.0);  // 01:00 CST, the same slot again
  EXPECT_DOUBLE_EQ(fall.intervals[49].arrivals, 47.0);
  const DayForecast spring = Forecast(kSpringForward, by_slot(kSpringForward));
  ASSERT_EQ(spring.intervals.size(), 46u);
  EXPECT_DOUBLE_EQ(spring.intervals[4].arrivals, 6.0);  // 03:00 is slot 6
  EXPECT_DOUBLE_EQ(spring.intervals[45].arrivals, 47.0);
}

TEST(ForecastTest, ReadsAYearOfHistory) {
  std::vector<IntervalCount> history;
  for (int d = 1; d <= 7 * 52; ++d) AddDay(history, kMonday - Days{d}, [](int) { return 3; });
  ForecastParams params;
  params.history_weeks = 52;
  const DayForecast day = Forecast(kMonday, history, params);
  EXPECT_EQ(day.weeks_used, 52);
  for (const ForecastInterval& i : day.intervals) EXPECT_NEAR(i.arrivals, 3.0, 1e-9);
}

// ---------------------------------------------------------------------------
// Validation

TEST(ForecastTest, RefusesIntervalsOutsideTheirLocalDay) {
  auto field = [](IntervalCount entry) {
    const std::vector<IntervalCount> history = {{WeeksBefore(kMonday, 1), 0, 1}, entry};
    return RefusedField(ForecastDay(kMonday, history, Chicago()));
  };
  EXPECT_EQ(field({WeeksBefore(kMonday, 2), 48, 1}), "history[1].interval");
  EXPECT_EQ(field({WeeksBefore(kMonday, 2), -1, 1}), "history[1].interval");
  EXPECT_EQ(field({kSpringForward, 46, 1}), "history[1].interval");
  EXPECT_EQ(field({kFallBack, 50, 1}), "history[1].interval");
  EXPECT_TRUE(ForecastDay(kMonday, std::vector<IntervalCount>{{kFallBack, 49, 1}}, Chicago()).ok());
  EXPECT_TRUE(ForecastDay(kMonday, std::vector<IntervalCount>{{kSpringForward, 45, 1}}, Chicago()).ok());
}

TEST(ForecastTest, RefusesNegativeCountsAndDuplicates) {
  const Date week1 = WeeksBefore(kMonday, 1);
  EXPECT_EQ(RefusedField(ForecastDay(kMonday, std::vector<IntervalCount>{{week1, 0, 1}, {week1, 1, -1}}, Chicago())),
            "history[1].count");
  EXPECT_EQ(RefusedField(ForecastDay(kMonday, std::vector<IntervalCount>{{week1, 0, 1}, {week1, 1, 1}, {week1, 0, 2}},
                                     Chicago())),
            "history[2]");
}

TEST(ForecastTest, RefusesInvalidParams) {
  auto field = [](void (*change)(ForecastParams&)) {
    ForecastParams p;
    change(p);
    return RefusedField(ForecastFromProfile(kMonday, Chicago(), p));
  };
  EXPECT_EQ(field([](ForecastParams& p) { p.daily_volume[3] = -1; }), "daily_volume[3]");
  EXPECT_EQ(field([](ForecastParams& p) { p.profile[7] = std::numeric_limits<double>::quiet_NaN(); }), "profile[7]");
  EXPECT_EQ(field([](ForecastParams& p) { p.profile.fill(0); }), "profile");
  EXPECT_EQ(field([](ForecastParams& p) { p.profile.fill(1e308); }), "profile");  // the sum overflows
  EXPECT_EQ(field([](ForecastParams& p) { p.history_weeks = 0; }), "history_weeks");
  EXPECT_EQ(field([](ForecastParams& p) { p.history_weeks = 53; }), "history_weeks");
  EXPECT_EQ(field([](ForecastParams& p) { p.min_trend_weeks = 1; }), "min_trend_weeks");
  ForecastParams edge;
  edge.history_weeks = 52;
  edge.min_trend_weeks = 2;
  edge.profile.fill(0);
  edge.profile[20] = 1;  // one slot carries the whole day
  const Result<DayForecast> day = ForecastFromProfile(kMonday, Chicago(), edge);
  ASSERT_TRUE(day.ok());
  EXPECT_DOUBLE_EQ(day->intervals[20].arrivals, 6000);
}

}  // namespace
}  // namespace rxdesk
