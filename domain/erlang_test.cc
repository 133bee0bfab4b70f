#include "domain/erlang.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace rxdesk {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The worked example of Call Centre Helper's "Erlang C Formula – Made Simple":
// 100 calls in 30 minutes, AHT 180 s, 80% answered within 20 s, 30% shrinkage.
ErlangParams WorkedExample() {
  return ErlangParams{
      .arrivals = 100, .interval_s = 1800, .aht_s = 180, .target_answer_s = 20, .target_service_level = 0.8};
}

// Params whose traffic is exactly `erlangs` (AHT 180 s, 30-minute interval, 80/20).
ErlangParams Load(double erlangs) {
  ErlangParams p = WorkedExample();
  p.arrivals = erlangs * 10;  // 10 calls of 180 s per 1800 s = 1 Erlang
  return p;
}

StaffingFigures At(const ErlangParams& p, int agents) {
  Result<StaffingFigures> r = FiguresAt(p, agents);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().field + ": " + r.error().message);
  return r.ok() ? *r : StaffingFigures{};
}

StaffingFigures Required(const ErlangParams& p) {
  Result<StaffingFigures> r = RequiredAgents(p);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().field + ": " + r.error().message);
  return r.ok() ? *r : StaffingFigures{};
}

std::string RefusedField(const Result<StaffingFigures>& r) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, "invalid_request");
  return r.error().field;
}

// The textbook formula, summed term by term in log space with long double: an
// oracle independent of the recursion (fine for small loads).
double TextbookErlangC(int n, double a) {
  long double top = -1e300L;
  std::vector<long double> logs;
  for (int k = 0; k < n; ++k) logs.push_back(k * std::log((long double)a) - std::lgamma((long double)k + 1));
  const long double last =
      n * std::log((long double)a) - std::lgamma((long double)n + 1) + std::log((long double)n / (n - (long double)a));
  for (long double x : logs) top = std::max(top, x);
  top = std::max(top, last);
  long double sum = 0;
  for (long double x : logs) sum += std::exp(x - top);
  const long double waiting = std::exp(last - top);
  return static_cast<double>(waiting / (sum + waiting));
}

// ---------------------------------------------------------------------------
// Erlang B and C

TEST(ErlangTest, TrafficIsArrivalsTimesHandleTimeOverInterval) {
  EXPECT_DOUBLE_EQ(TrafficErlangs(WorkedExample()), 10.0);
  EXPECT_DOUBLE_EQ(TrafficErlangs(Load(2000)), 2000.0);
}

TEST(ErlangTest, ErlangBMatchesClosedFormsAndTableValues) {
  EXPECT_DOUBLE_EQ(ErlangB(0, 3.0), 1.0);                      // no server: everything blocked
  EXPECT_DOUBLE_EQ(ErlangB(4, 0.0), 0.0);                      // no traffic
  EXPECT_DOUBLE_EQ(ErlangB(1, 1.0), 0.5);                      // A/(1+A)
  EXPECT_DOUBLE_EQ(ErlangB(2, 1.0), 0.2);                      // (1/2)/(1+1+1/2)
  EXPECT_NEAR(ErlangB(10, 10.0), 0.21458234310734734, 1e-15);  // the Erlang B table's 10/10 entry
  EXPECT_NEAR(ErlangB(5, 2.0), 0.036697247706422018, 1e-15);
  EXPECT_NEAR(ErlangB(120, 100.0), 0.0056900546068699323, 1e-15);
}

TEST(ErlangTest, ErlangBStaysAccurateAtTenThousandErlangs) {
  // Reference from a 50-digit evaluation of A^n/n! / Σ A^k/k!.
  EXPECT_NEAR(ErlangB(10100, 10000.0) / 0.0028623572207360649, 1.0, 1e-12);
}

TEST(ErlangTest, ErlangCIsOneWhenAgentsDoNotExceedTraffic) {
  EXPECT_EQ(ErlangC(10, 10.0), 1.0);
  EXPECT_EQ(ErlangC(9, 10.0), 1.0);
  EXPECT_EQ(ErlangC(0, 0.0), 1.0);
  EXPECT_EQ(ErlangC(3, 0.0), 0.0);
  EXPECT_NEAR(ErlangC(2, 1.0), 1.0 / 3.0, 1e-15);  // M/M/2 at 1 Erlang: (A²/2!·2)/(1 + 1 + 1)
}

TEST(ErlangTest, ErlangCMatchesTheTextbookSumOverAGrid) {
  for (double a : {0.3, 1.0, 2.5, 7.9, 10.0, 24.25, 48.0, 99.5}) {
    for (int n = static_cast<int>(a) + 1; n <= static_cast<int>(a) + 40; ++n) {
      EXPECT_NEAR(ErlangC(n, a), TextbookErlangC(n, a), 1e-12) << "A=" << a << " n=" << n;
    }
  }
}

TEST(ErlangTest, ErlangCStaysAccurateForHundredsAndThousandsOfErlangs) {
  // References from 60-digit evaluations of the textbook formula.
  EXPECT_NEAR(ErlangC(520, 500.0) / 0.27475634469652412, 1.0, 1e-12);
  EXPECT_NEAR(ErlangC(2050, 2000.0) / 0.18335473870213845, 1.0, 1e-12);
  EXPECT_NEAR(ErlangC(10100, 10000.0) / 0.22476290646653222, 1.0, 1e-12);
}

TEST(ErlangTest, ErlangCIsContinuousAsTrafficApproachesTheAgentCount) {
  EXPECT_NEAR(ErlangC(10, 9.999999), 0.99999963397846597, 1e-12);  // just below: still (barely) stable
  EXPECT_EQ(ErlangC(10, 10.000001), 1.0);                          // just above: no steady state
}

// ---------------------------------------------------------------------------
// The worked example, agent by agent. Values from a 60-digit evaluation; the
// example's own walk-through reaches the same 14 agents.

TEST(ErlangTest, WorkedExampleServiceLevelAtElevenToFifteenAgents) {
  struct Row {
    int agents;
    double wait, service_level, asa_s;
  };
  const Row rows[] = {
      {11, 0.6821182047, 0.3896138117, 122.7812768},  //
      {12, 0.4493882243, 0.6401580404, 40.44494019},  //
      {13, 0.2852704530, 0.7955947884, 17.11622718},  // just short of 80%
      {14, 0.1741319336, 0.8883500192, 7.835937012},  // the answer
      {15, 0.1020423670, 0.9414528429, 3.673525212},
  };
  for (const Row& row : rows) {
    const StaffingFigures f = At(WorkedExample(), row.agents);
    EXPECT_NEAR(f.probability_wait, row.wait, 1e-9) << row.agents;
    EXPECT_NEAR(f.service_level, row.service_level, 1e-9) << row.agents;
    EXPECT_NEAR(f.asa_s, row.asa_s, 1e-6) << row.agents;
    EXPECT_DOUBLE_EQ(f.occupancy, 10.0 / row.agents);
    EXPECT_EQ(f.abandon_rate, 0.0);
  }
}

TEST(ErlangTest, WorkedExampleNeedsFourteenAgentsAndTwentyRostered) {
  ErlangParams p = WorkedExample();
  p.shrinkage = 0.3;
  const StaffingFigures f = Required(p);
  EXPECT_EQ(f.agents, 14);
  EXPECT_EQ(f.scheduled_agents, 20);  // 14 / 0.7 = 20 exactly, not 21 from rounding
  EXPECT_NEAR(f.service_level, 0.8883500192, 1e-9);
  EXPECT_NEAR(f.asa_s, 7.835937012, 1e-6);
  EXPECT_NEAR(f.occupancy, 10.0 / 14, 1e-15);
}

TEST(ErlangTest, RequiredFiguresAreTheFiguresAtThatCount) {
  for (double a : {0.01, 3.3, 10.0, 57.5, 500.0}) {
    const StaffingFigures required = Required(Load(a));
    const StaffingFigures at = At(Load(a), required.agents);
    EXPECT_EQ(required.service_level, at.service_level);
    EXPECT_EQ(required.probability_wait, at.probability_wait);
    EXPECT_EQ(required.asa_s, at.asa_s);
    EXPECT_EQ(required.occupancy, at.occupancy);
    EXPECT_EQ(required.scheduled_agents, at.scheduled_agents);
  }
}

TEST(ErlangTest, TargetExactlyOnAServiceLevelIsMetThere) {
  ErlangParams p = WorkedExample();
  const double at13 = At(p, 13).service_level;
  p.target_service_level = at13;  // on the threshold
  EXPECT_EQ(Required(p).agents, 13);
  p.target_service_level = at13 - 1e-6;  // just below
  EXPECT_EQ(Required(p).agents, 13);
  p.target_service_level = at13 + 2 * kServiceLevelTolerance;  // just above, beyond the tolerance
  EXPECT_EQ(Required(p).agents, 14);
  p.target_service_level = at13 + kServiceLevelTolerance / 2;  // above, but within rounding tolerance
  EXPECT_EQ(Required(p).agents, 13);
}

TEST(ErlangTest, TargetOfOneMeansMissesBelowOneInABillion) {
  ErlangParams p = WorkedExample();
  p.target_service_level = 1.0;
  const StaffingFigures f = Required(p);
  EXPECT_GE(f.service_level, 1.0 - kServiceLevelTolerance);
  EXPECT_LT(At(p, f.agents - 1).service_level, 1.0 - kServiceLevelTolerance);
  EXPECT_GT(f.agents, 14);
}

TEST(ErlangTest, ZeroTargetAnswerTimeMeansAnsweredWithoutWaiting) {
  ErlangParams p = WorkedExample();
  p.target_answer_s = 0;
  const StaffingFigures f = At(p, 14);
  EXPECT_NEAR(f.service_level, 1.0 - f.probability_wait, 1e-15);
}

TEST(ErlangTest, AgentsEqualToCeilingOfFractionalTrafficAreStable) {
  const StaffingFigures f = At(Load(9.5), 10);  // ceil(9.5) = 10 > A
  EXPECT_NEAR(f.probability_wait, 0.82558557812569864, 1e-12);
  EXPECT_TRUE(std::isfinite(f.asa_s));
  EXPECT_GT(f.service_level, 0.0);
  EXPECT_EQ(Required(Load(9.5)).agents, 13);
}

TEST(ErlangTest, AgentsEqualToIntegerTrafficAreUnstable) {
  const StaffingFigures f = At(Load(10), 10);
  EXPECT_EQ(f.probability_wait, 1.0);
  EXPECT_EQ(f.service_level, 0.0);
  EXPECT_EQ(f.asa_s, kInf);
  EXPECT_EQ(f.occupancy, 1.0);
  const StaffingFigures none = At(Load(10), 0);
  EXPECT_EQ(none.service_level, 0.0);
  EXPECT_EQ(none.occupancy, 0.0);
}

TEST(ErlangTest, LoadJustBelowAndJustAboveAnIntegerNeedTheSameAgents) {
  EXPECT_EQ(Required(Load(9.999999)).agents, 14);
  EXPECT_EQ(Required(Load(10.000001)).agents, 14);
  EXPECT_NEAR(Required(Load(9.999999)).service_level, 0.88835009929702874, 1e-10);
  EXPECT_NEAR(Required(Load(10.000001)).service_level, 0.88834993906186035, 1e-10);
}

TEST(ErlangTest, HugeLoadsNeedAFewAgentsMoreThanTheTraffic) {
  // From 60-digit evaluations: the fewest agents for 80/20 at AHT 180 s, the service
  // level there, and one agent fewer (which must miss).
  struct Row {
    double erlangs;
    int agents;
    double service_level, one_fewer;
  };
  const Row rows[] = {
      {500, 510, 0.81887449154186065, 0.78424076964725642},
      {2000, 2012, 0.81424301799363427, 0.78600525339683684},
      {10000, 10013, 0.80023206905764103, 0.77382424774533618},
  };
  for (const Row& row : rows) {
    const StaffingFigures f = Required(Load(row.erlangs));
    EXPECT_EQ(f.agents, row.agents) << row.erlangs;
    EXPECT_NEAR(f.service_level, row.service_level, 1e-10) << row.erlangs;
    EXPECT_NEAR(At(Load(row.erlangs), row.agents - 1).service_level, row.one_fewer, 1e-10) << row.erlangs;
  }
}

TEST(ErlangTest, TheLargestAcceptedLoadIsSolved) {
  const StaffingFigures f = Required(Load(kMaxTrafficErlangs));
  EXPECT_GT(f.agents, kMaxTrafficErlangs);
  EXPECT_LT(f.agents, kMaxTrafficErlangs + 100);  // square-root staffing: A + β√A with small β
  EXPECT_GE(f.service_level, 0.8);
  EXPECT_TRUE(std::isfinite(f.asa_s));
}

TEST(ErlangTest, ZeroArrivalsNeedNoAgents) {
  ErlangParams p = WorkedExample();
  p.arrivals = 0;
  const StaffingFigures f = Required(p);
  EXPECT_EQ(f.agents, 0);
  EXPECT_EQ(f.scheduled_agents, 0);
  EXPECT_EQ(f.service_level, 1.0);
  EXPECT_EQ(f.probability_wait, 0.0);
  EXPECT_EQ(f.asa_s, 0.0);
  p.aht_s = 0;  // no handle time is fine when nothing arrives
  EXPECT_EQ(Required(p).agents, 0);
  EXPECT_EQ(At(p, 3).occupancy, 0.0);
}

TEST(ErlangTest, ShrinkageRostersMoreThanThePhonesNeed) {
  ErlangParams p = WorkedExample();
  p.shrinkage = 0.0;
  EXPECT_EQ(At(p, 14).scheduled_agents, 14);
  p.shrinkage = 0.35;
  EXPECT_EQ(At(p, 13).scheduled_agents, 20);  // 13 / 0.65 = 20 exactly
  EXPECT_EQ(At(p, 14).scheduled_agents, 22);  // 21.54 → 22
  p.shrinkage = 0.3;
  EXPECT_EQ(At(p, 7).scheduled_agents, 10);   // 7 / 0.7 is 10.000000000000002 in doubles
  EXPECT_EQ(At(p, 15).scheduled_agents, 22);  // 21.43 → 22
  p.shrinkage = 0.999999;
  EXPECT_EQ(At(p, 14).scheduled_agents, 14'000'000);
}

// ---------------------------------------------------------------------------
// Validation

TEST(ErlangTest, RefusesEachInvalidFieldByItsApiName) {
  auto field_of = [](void (*change)(ErlangParams&)) {
    ErlangParams p = WorkedExample();
    change(p);
    return RefusedField(RequiredAgents(p));
  };
  EXPECT_EQ(field_of([](ErlangParams& p) { p.arrivals = -1; }), "arrivals");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.arrivals = std::numeric_limits<double>::quiet_NaN(); }), "arrivals");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.arrivals = kInf; }), "arrivals");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.interval_s = 0; }), "interval_s");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.interval_s = -1800; }), "interval_s");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.aht_s = -1; }), "aht_s");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.aht_s = 0; }), "aht_s");  // arrivals > 0
  EXPECT_EQ(field_of([](ErlangParams& p) { p.target_answer_s = -0.5; }), "target_answer_s");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.target_service_level = 0; }), "target_service_level");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.target_service_level = 1.0000001; }), "target_service_level");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.target_service_level = std::numeric_limits<double>::quiet_NaN(); }),
            "target_service_level");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.shrinkage = 1.0; }), "shrinkage");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.shrinkage = -0.01; }), "shrinkage");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.patience_s = 0.0; }), "patience_s");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.patience_s = std::numeric_limits<double>::quiet_NaN(); }), "patience_s");
  EXPECT_EQ(field_of([](ErlangParams& p) { p.patience_s = kInf; }), "patience_s");
}

TEST(ErlangTest, RefusesTrafficAboveTheBoundAndOverflowingProducts) {
  ErlangParams p = Load(kMaxTrafficErlangs);
  EXPECT_TRUE(ValidateErlangParams(p).ok());  // on the bound
  p.arrivals *= 1.000001;                     // just above
  EXPECT_EQ(RefusedField(RequiredAgents(p)), "arrivals");
  p.arrivals = 1e300;
  p.aht_s = 1e300;  // the product overflows to infinity
  EXPECT_EQ(RefusedField(RequiredAgents(p)), "arrivals");
  p = WorkedExample();
  p.interval_s = 1e-300;
  EXPECT_EQ(RefusedField(FiguresAt(p, 5)), "arrivals");
}

TEST(ErlangTest, RefusesAgentCountsOutsideTheRange) {
  EXPECT_EQ(RefusedField(FiguresAt(WorkedExample(), -1)), "agents");
  EXPECT_EQ(RefusedField(FiguresAt(WorkedExample(), kMaxStaffingAgents + 1)), "agents");
  EXPECT_TRUE(FiguresAt(WorkedExample(), kMaxStaffingAgents).ok());
}

TEST(ErlangTest, ErrorMessagesNameTheFieldAndCarryNoInput) {
  ErlangParams p = WorkedExample();
  p.shrinkage = 1.5;
  Result<StaffingFigures> r = RequiredAgents(p);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("shrinkage"), std::string::npos);
  EXPECT_EQ(r.error().message.find("1.5"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Erlang A (M/M/n+M)

ErlangParams WithPatience(double patience_s, double erlangs = 10) {
  ErlangParams p = Load(erlangs);
  p.patience_s = patience_s;
  return p;
}

// Brute force, independent of the implementation's series: the stationary
// distribution by direct products over 0..K, the tagged caller's wait by
// uniformisation of its own chain (position i ahead: forward at nμ + iθ, abandon
// at θ), and abandonment by Little's law (λ·P(abandon) = θ·E[queue length]).
struct BruteForce {
  double wait = 0, abandon = 0, service_level = 0;
};

BruteForce BruteForceErlangA(double erlangs, double aht, double patience, int n, double t, int states = 150) {
  const long double lambda = erlangs / aht, mu = 1.0L / aht, theta = 1.0L / patience;
  const int K = n + states;
  std::vector<long double> pi(K, 0);
  pi[0] = 1;
  for (int k = 1; k < K; ++k) pi[k] = pi[k - 1] * lambda / (std::min(k, n) * mu + std::max(k - n, 0) * theta);
  long double total = 0;
  for (long double x : pi) total += x;
  for (long double& x : pi) x /= total;
  BruteForce out;
  long double queue = 0;
  for (int k = n; k < K; ++k) {
    out.wait += static_cast<double>(pi[k]);
    queue += (k - n) * pi[k];
  }
  out.abandon = static_cast<double>(theta * queue / lambda);
  // Uniformisation: v[i] = mass of tagged callers with i ahead; served mass after m jumps.
  const int J = states;
  const long double rate = n * mu + (J + 1) * theta;
  std::vector<long double> v(J, 0);
  for (int j = 0; j < J; ++j) v[j] = pi[n + j];
  long double served = 0, within = 0, poisson = std::exp(-rate * t);
  const long double jumps = rate * t + 40 * std::sqrt(rate * t) + 40;  // the Poisson tail beyond is < 1e-30
  for (int m = 0; m < jumps; ++m) {
    within += poisson * served;
    poisson *= rate * t / (m + 1);
    std::vector<long double> next(J, 0);
    served += v[0] * n * mu / rate;
    for (int i = 0; i < J; ++i) {
      next[i] += v[i] * (1 - (n * mu + (i + 1) * theta) / rate);
      if (i > 0) next[i - 1] += v[i] * (n * mu + i * theta) / rate;
    }
    v.swap(next);
  }
  long double below = 0;
  for (int k = 0; k < n; ++k) below += pi[k];
  out.service_level = static_cast<double>(below + within);
  return out;
}

TEST(ErlangATest, MatchesHighPrecisionReferences) {
  // Worked-example traffic (10 Erlangs, AHT 180 s, 20 s target) with mean patience
  // 60, 120 and 300 s; references from a 25-digit evaluation of the stationary
  // distribution and the matrix exponential of each waiting caller's chain.
  struct Row {
    double patience;
    int agents;
    double wait, abandon, service_level, asa_s;
  };
  const Row rows[] = {
      {60, 11, 0.3267885999598517, 0.1117804196312076, 0.7965227114765873, 5.229401577748666},
      {120, 9, 0.6133071332499849, 0.1921560380125868, 0.5240660591899029, 20.94265291421924},  // n < A
      {300, 13, 0.2257970840473752, 0.02496330363357183, 0.8581777000307627, 6.913968306065774},
  };
  for (const Row& row : rows) {
    const StaffingFigures f = At(WithPatience(row.patience), row.agents);
    EXPECT_NEAR(f.probability_wait, row.wait, 1e-12) << row.patience;
    EXPECT_NEAR(f.abandon_rate, row.abandon, 1e-12) << row.patience;
    EXPECT_NEAR(f.service_level, row.service_level, 1e-12) << row.patience;
    EXPECT_NEAR(f.asa_s, row.asa_s, 1e-9) << row.patience;
    EXPECT_NEAR(f.occupancy, 10 * (1 - row.abandon) / row.agents, 1e-12) << row.patience;
  }
}

TEST(ErlangATest, MatchesBruteForceOverAGrid) {
  for (double patience : {15.0, 90.0, 600.0}) {
    for (int n : {6, 9, 10, 12, 16}) {
      for (double t : {0.0, 20.0, 60.0}) {
        ErlangParams p = WithPatience(patience);
        p.target_answer_s = t;
        const StaffingFigures f = At(p, n);
        const BruteForce b = BruteForceErlangA(10, 180, patience, n, t);
        EXPECT_NEAR(f.probability_wait, b.wait, 1e-10) << patience << " " << n << " " << t;
        EXPECT_NEAR(f.abandon_rate, b.abandon, 1e-10) << patience << " " << n << " " << t;
        EXPECT_NEAR(f.service_level, b.service_level, 1e-9) << patience << " " << n << " " << t;
      }
    }
  }
}

TEST(ErlangATest, MatchesBruteForceWhenTheTargetIsManyHandleTimes) {
  // 40 Erlangs on 30 agents with callers waiting 100 handle times on average: about
  // 1,000 wait, and the target (30 handle times) falls inside the spread of their
  // waits. e^{−(n+θ)t} is e^{−900} here, below what a double holds.
  ErlangParams p = WithPatience(18'000, 40);
  p.target_answer_s = 30 * 180;
  const StaffingFigures f = At(p, 30);
  const BruteForce b = BruteForceErlangA(40, 180, 18'000, 30, 30 * 180, 1600);
  EXPECT_NEAR(f.probability_wait, b.wait, 1e-10);
  EXPECT_NEAR(f.abandon_rate, b.abandon, 1e-10);
  EXPECT_NEAR(f.service_level, b.service_level, 1e-9);
  EXPECT_GT(f.service_level, 0.05);  // the target is neither trivially met nor hopeless
  EXPECT_LT(f.service_level, 1 - f.abandon_rate - 0.05);
}

TEST(ErlangATest, VeryPatientCallersGiveErlangC) {
  const StaffingFigures c = At(Load(10), 14);
  const StaffingFigures a = At(WithPatience(1e7), 14);
  EXPECT_NEAR(a.probability_wait, c.probability_wait, 1e-5);
  EXPECT_NEAR(a.service_level, c.service_level, 1e-5);
  EXPECT_NEAR(a.asa_s, c.asa_s, 1e-3);
  EXPECT_LT(a.abandon_rate, 1e-5);
  EXPECT_EQ(Required(WithPatience(1e7)).agents, 14);
}

TEST(ErlangATest, AbandonmentNeedsNoMoreAgentsThanErlangCAtUsualPatience) {
  const StaffingFigures a = Required(WithPatience(180));
  EXPECT_LE(a.agents, 14);
  EXPECT_GE(a.service_level, 0.8);
  EXPECT_LT(At(WithPatience(180), a.agents - 1).service_level, 0.8);
}

TEST(ErlangATest, ServiceLevelRisesWithAgents) {
  double previous = -1;
  for (int n = 0; n <= 25; ++n) {
    const double sl = At(WithPatience(45), n).service_level;
    EXPECT_GE(sl, previous) << n;
    previous = sl;
  }
}

TEST(ErlangATest, OverloadedQueueIsFiniteBecauseCallersLeave) {
  const StaffingFigures f = At(WithPatience(60, 500), 300);  // 500 Erlangs on 300 agents
  EXPECT_NEAR(f.abandon_rate, 0.4, 0.01);                    // about (A − n)/A leave
  EXPECT_GT(f.occupancy, 0.99);
  EXPECT_TRUE(std::isfinite(f.asa_s));
  EXPECT_LT(f.service_level, 0.6);
}

TEST(ErlangATest, NoAgentsMeansEveryoneLeaves) {
  const StaffingFigures f = At(WithPatience(60), 0);
  EXPECT_EQ(f.abandon_rate, 1.0);
  EXPECT_EQ(f.service_level, 0.0);
  EXPECT_EQ(f.asa_s, kInf);
  EXPECT_EQ(f.occupancy, 0.0);
}

TEST(ErlangATest, HugeLoadsAreSolvedAndTight) {
  for (double erlangs : {500.0, 2000.0, 10000.0}) {
    const StaffingFigures f = Required(WithPatience(120, erlangs));
    EXPECT_GE(f.service_level, 0.8) << erlangs;
    EXPECT_LT(At(WithPatience(120, erlangs), f.agents - 1).service_level, 0.8) << erlangs;
    EXPECT_LE(f.agents, Required(Load(erlangs)).agents) << erlangs;
  }
}

TEST(ErlangATest, TargetOfOneIsReached) {
  ErlangParams p = WithPatience(60);
  p.target_service_level = 1.0;
  const StaffingFigures f = Required(p);
  EXPECT_GE(f.service_level, 1.0 - kServiceLevelTolerance);
  EXPECT_LT(At(p, f.agents - 1).service_level, 1.0 - kServiceLevelTolerance);
}

TEST(ErlangATest, RefusesPatienceThatWouldNeedMillionsOfQueueStates) {
  // 10 Erlangs on 5 agents with callers waiting ~30 years: the queue settles near
  // 5·patience/AHT ≈ 3·10^7 callers.
  EXPECT_EQ(RefusedField(FiguresAt(WithPatience(1e9), 5)), "patience_s");
  // Stable but barely (10.99999 Erlangs on 11 agents) with near-endless patience:
  // the queue-length terms shrink by 1e−6 a step, too slowly to sum.
  EXPECT_EQ(RefusedField(FiguresAt(WithPatience(1e12, 10.99999), 11)), "patience_s");
  EXPECT_TRUE(FiguresAt(Load(10.99999), 11).ok());  // Erlang C answers it
}

}  // namespace
}  // namespace rxdesk
