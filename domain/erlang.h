// Staffing maths for one queue and one interval (PRODUCT.md §9): Erlang C, and
// Erlang A (callers who give up) as an option.
//
//   ErlangParams p{.arrivals = 100, .interval_s = 1800, .aht_s = 180,
//                  .target_answer_s = 20, .target_service_level = 0.8, .shrinkage = 0.3};
//   RXD_ASSIGN_OR_RETURN(StaffingFigures need, RequiredAgents(p));
//   // need.agents == 14 on the phones (SL 88.8%), need.scheduled_agents == 20 rostered
//   RXD_ASSIGN_OR_RETURN(StaffingFigures at13, FiguresAt(p, 13));   // SL 79.6%: short
//   p.patience_s = 120;                                             // Erlang A: M/M/n+M
//   RXD_ASSIGN_OR_RETURN(StaffingFigures with_abandons, RequiredAgents(p));
//
// The models, as implemented (docs/workforce.md has the derivations):
// - Traffic A = arrivals × aht_s / interval_s, in Erlangs. Arrivals are Poisson,
//   handle times exponential, calls answered first come, first served.
// - Erlang C (M/M/n, nobody abandons): P(wait) = C(n, A) from the Erlang B
//   recursion B(k) = A·B(k−1) / (k + A·B(k−1)), C = n·B / (n − A·(1 − B)), which
//   stays accurate for 10^5 Erlangs (no factorials, no powers).
//   service level = 1 − C·e^{−(n−A)·t/AHT}; ASA = C·AHT/(n−A); occupancy = A/n.
//   With n ≤ A the queue grows without bound: P(wait) 1, service level 0,
//   ASA +infinity, occupancy 1.
// - Erlang A (M/M/n+M, exponential patience with mean patience_s): the exact
//   stationary birth–death chain, summed in log scale from the Erlang B value at
//   n and truncated where the queue-length probabilities vanish (relative error
//   below 1e−15). The service level is the share of *offered* calls answered
//   within the target (API.md: answered within 20 s / offered): abandoned calls
//   count against it. ASA is the mean wait of answered calls. A caller who finds
//   j waiting is answered with probability nμ/(nμ + (j+1)θ), and within t with
//   that probability times a regularised incomplete beta I_p(j+1, nμ/θ + 1),
//   p = 1 − e^{−θt}, summed as a negative binomial series.
// - A target is met when service_level ≥ target_service_level − kServiceLevelTolerance,
//   so a target of 1.0 means "misses below one in 10^9".
// - scheduled_agents = ceil(agents / (1 − shrinkage)), read with a 1e−9 tolerance
//   so that 14 / 0.7 is 20, not 21 from rounding.
#pragma once

#include <optional>

#include "domain/result.h"

namespace rxdesk {

// One interval of one queue. Field names are the API's JSON names.
struct ErlangParams {
  double arrivals = 0;  // contacts offered in the interval
  double interval_s = 1800;
  double aht_s = 0;  // average handle time
  double target_answer_s = 20;
  double target_service_level = 0.8;  // 0..1
  double shrinkage = 0.0;             // 0..<1
  std::optional<double> patience_s;   // set => Erlang A (M/M/n+M) with mean patience
};

struct StaffingFigures {
  int agents;            // on the phones
  int scheduled_agents;  // rostered: agents / (1 − shrinkage), rounded up
  double service_level;  // answered within target_answer_s / offered, 0..1
  double probability_wait;
  double asa_s;         // mean wait of answered calls; +infinity when none is ever answered
  double occupancy;     // carried load / agents, 0..1 (0 with no agents)
  double abandon_rate;  // abandoned / offered; always 0 under Erlang C
};

// Validation bounds, not product rules: they keep one request's work bounded
// (Erlang B walks every agent count up to n; Erlang A every queue length it sums).
inline constexpr double kMaxTrafficErlangs = 100'000;
inline constexpr int kMaxStaffingAgents = 1'000'000;
inline constexpr int kMaxErlangAQueueStates = 2'000'000;
inline constexpr double kServiceLevelTolerance = 1e-9;

// arrivals × aht_s / interval_s. Requires valid params (see ValidateErlangParams).
double TrafficErlangs(const ErlangParams& params);

// Erlang B blocking probability, by the recursion above. Requires agents ≥ 0 and
// a finite erlangs ≥ 0; B(0, A) = 1, B(n, 0) = 0 for n ≥ 1.
double ErlangB(int agents, double erlangs);

// Erlang C probability that a call waits; 1.0 when agents <= erlangs (no steady state).
// Requires agents ≥ 0 and a finite erlangs ≥ 0.
double ErlangC(int agents, double erlangs);

// Checks every field. Refusal: invalid_request naming the field (arrivals,
// interval_s, aht_s, target_answer_s, target_service_level, shrinkage, patience_s)
// for a negative, NaN or infinite value, interval_s or patience_s not positive,
// a target outside (0, 1], shrinkage outside [0, 1), aht_s 0 with arrivals > 0,
// or traffic above kMaxTrafficErlangs (named on arrivals).
Status ValidateErlangParams(const ErlangParams& params);

// The figures with `agents` on the phones (Erlang A when patience_s is set).
// Zero arrivals: service level 1, nothing waits. Refusal: as ValidateErlangParams;
// invalid_request on "agents" outside 0..kMaxStaffingAgents; on "patience_s" when
// Erlang A would need more than kMaxErlangAQueueStates queue lengths; on
// "shrinkage" when scheduled_agents would not fit an int.
Result<StaffingFigures> FiguresAt(const ErlangParams& params, int agents);

// The fewest agents whose service level meets the target, with the figures at that
// count (identical to FiguresAt(params, result.agents)). Zero arrivals: 0 agents.
// Erlang C starts at floor(A) + 1 and steps one agent at a time, reusing the Erlang B
// recursion (O(A + steps)); Erlang A starts at the bound n ≥ target·A (the served
// share is at most n/A) and gallops, then bisects. Refusal: as FiguresAt, and
// invalid_request on "target_service_level" when kMaxStaffingAgents would not do.
Result<StaffingFigures> RequiredAgents(const ErlangParams& params);

}  // namespace rxdesk
