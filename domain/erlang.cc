#include "domain/erlang.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace rxdesk {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Past the queue's most likely length the terms fall at least geometrically; the
// sum stops when what is left is below this share of what was summed.
constexpr double kTruncation = 1e-17;

bool FiniteNonNegative(double x) { return std::isfinite(x) && x >= 0; }

bool Meets(double service_level, double target) { return service_level >= target - kServiceLevelTolerance; }

// One step of the Erlang B recursion: B(n) from B(n − 1). Every caller goes
// through here so that the same count always gives the same bits.
double NextErlangB(int n, double erlangs, double previous) { return erlangs * previous / (n + erlangs * previous); }

// ceil(agents / (1 − shrinkage)), forgiving the last bits of rounding.
Result<int> ScheduledAgents(int agents, double shrinkage) {
  const double rostered = std::ceil(agents / (1.0 - shrinkage) - 1e-9);
  if (!(rostered <= std::numeric_limits<int>::max())) {
    return InvalidField("shrinkage", "shrinkage is so close to 1 that the rostered head count overflows");
  }
  return std::max(agents, static_cast<int>(rostered));
}

Result<StaffingFigures> WithScheduled(StaffingFigures figures, double shrinkage) {
  RXD_ASSIGN_OR_RETURN(figures.scheduled_agents, ScheduledAgents(figures.agents, shrinkage));
  return figures;
}

// Nothing is offered: nobody waits, every (absent) call is in target.
StaffingFigures IdleFigures(int agents) { return {agents, 0, 1.0, 0.0, 0.0, 0.0, 0.0}; }

// Erlang C figures at n agents, given b = B(n, A).
StaffingFigures ErlangCFigures(int n, double erlangs, double b, const ErlangParams& params) {
  if (n <= erlangs) return {n, 0, 0.0, 1.0, kInfinity, n > 0 ? 1.0 : 0.0, 0.0};
  const double wait = std::min(1.0, n * b / (n - erlangs * (1.0 - b)));
  const double spare = n - erlangs;
  const double service_level = 1.0 - wait * std::exp(-spare * params.target_answer_s / params.aht_s);
  return {n, 0, std::clamp(service_level, 0.0, 1.0), wait, wait * params.aht_s / spare, erlangs / n, 0.0};
}

struct QueueOutcome {
  double probability_wait;
  double abandon_rate;
  double service_level;
  double asa_aht;  // in handle times
};

// Running sums over the queue lengths j an arriving caller can find, each term
// weighted by π(n + j)/π(n) and kept scaled by e^{−log_scale} so that an
// overloaded queue (weights in the 10^1000s) does not overflow.
struct TailSums {
  static constexpr double kRescaleAbove = 1e200;
  double log_scale = 0;
  double weight = 1;         // π(n + j)/π(n), scaled
  double waits = 0;          // Σ π
  double abandons = 0;       // Σ π · P(abandon | j)
  double in_target = 0;      // Σ π · P(answered within t | j)
  double answered_wait = 0;  // Σ π · P(answered | j) · E[wait | answered, j]

  void Next(double ratio) {
    weight *= ratio;
    if (weight <= kRescaleAbove) return;
    const double factor = 1 / kRescaleAbove;
    weight *= factor;
    waits *= factor;
    abandons *= factor;
    in_target *= factor;
    answered_wait *= factor;
    log_scale -= std::log(factor);
  }
};

// T_j = Γ(j + s + 1)/(Γ(s + 1)·j!) p^j (1 − p)^{s+1}, one term at a time. T_0 may
// underflow (e^{−1000}): the recursion then runs in logs until the terms matter.
class NegativeBinomialTerms {
 public:
  NegativeBinomialTerms(double shape, double p, double log_first)
      : shape_(shape), p_(p), log_p_(std::log(p)), log_term_(log_first) {
    if (log_term_ > kLogSmallest) SwitchToLinear();
  }
  double term() const { return term_; }
  void Next(int j) {  // T_{j+1} from T_j
    const double growth = (j + 1 + shape_) / (j + 1);
    if (linear_) {
      term_ *= p_ * growth;
      return;
    }
    log_term_ += log_p_ + std::log(growth);
    if (log_term_ > kLogSmallest) SwitchToLinear();
  }

 private:
  static constexpr double kLogSmallest = -700;  // e^{−700} ≈ 1e−304: below it a term adds nothing
  void SwitchToLinear() {
    linear_ = true;
    term_ = std::exp(log_term_);
  }
  double shape_, p_, log_p_, log_term_;
  double term_ = 0;
  bool linear_ = false;
};

Error QueueTooLong() {
  return InvalidField("patience_s", "patience_s is too long for Erlang A at this load; leave it out to use Erlang C");
}

// M/M/n+M in units of one handle time: service rate 1 per agent, arrival rate
// `erlangs`, abandonment rate theta per waiting caller, target t.
// A caller finding j waiting leaves the queue's stage i (i ahead) at rate
// n + (i+1)θ, moving forward with probability (n + iθ)/(n + (i+1)θ); so it is
// answered with probability n/(n + (j+1)θ) after a wait whose stages are
// exponential with rates n + θ, …, n + (j+1)θ. That sum is the (j+1)-th order
// statistic of n/θ + j + 1 exponentials of rate θ: P(wait ≤ t) = I_p(j+1, n/θ+1),
// p = 1 − e^{−θt}, i.e. one minus the first j+1 negative binomial terms
// T_i = Γ(i + n/θ + 1)/(Γ(n/θ + 1)·i!) p^i (1−p)^{n/θ+1}.
Result<QueueOutcome> ErlangAOutcome(int n, double erlangs, double theta, double t) {
  if (n == 0) return QueueOutcome{1.0, 1.0, 0.0, kInfinity};
  const double b = ErlangB(n, erlangs);
  if (b == 0) return QueueOutcome{0.0, 0.0, 1.0, 0.0};                        // no caller waits, to double precision
  if ((erlangs - n) / theta > kMaxErlangAQueueStates) return QueueTooLong();  // the likeliest length alone
  NegativeBinomialTerms binomial(n / theta, -std::expm1(-theta * t), -(n + theta) * t);
  double binomial_sum = 0;  // T_0 + … + T_j = P(wait > t | answered, j)
  double mean_wait = 0;     // E[wait | answered, j]
  TailSums sums;
  for (int j = 0;; ++j) {
    if (j >= kMaxErlangAQueueStates) return QueueTooLong();
    const double exit_rate = n + (j + 1) * theta;
    const double answered = n / exit_rate;
    mean_wait += 1.0 / exit_rate;
    binomial_sum += binomial.term();
    const double within = std::max(0.0, 1.0 - binomial_sum);
    sums.waits += sums.weight;
    sums.abandons += sums.weight * (1.0 - answered);
    sums.in_target += sums.weight * answered * within;
    sums.answered_wait += sums.weight * answered * mean_wait;
    const double ratio = erlangs / exit_rate;  // π(n + j + 1)/π(n + j)
    if (ratio < 1 && sums.weight * ratio / (1 - ratio) <= kTruncation * sums.waits) break;
    sums.Next(ratio);
    binomial.Next(j);
  }
  // Below n the chain is Erlang B's: Σ_{k<n} π(k)/π(n) = 1/B − 1.
  const double log_below = std::log1p(-b) - std::log(b);
  const double log_tail = sums.log_scale + std::log(sums.waits);
  const double log_top = std::max(log_below, log_tail);
  const double log_total = log_top + std::log(std::exp(log_below - log_top) + std::exp(log_tail - log_top));
  const double unit = std::exp(sums.log_scale - log_total);
  QueueOutcome out;
  out.probability_wait = std::min(1.0, sums.waits * unit);
  out.abandon_rate = std::clamp(sums.abandons * unit, 0.0, 1.0);
  out.service_level = std::clamp(std::exp(log_below - log_total) + sums.in_target * unit, 0.0, 1.0);
  const double answered = 1.0 - out.abandon_rate;
  out.asa_aht = answered > 0 ? sums.answered_wait * unit / answered : kInfinity;
  return out;
}

Result<StaffingFigures> ErlangAFigures(int n, double erlangs, const ErlangParams& params) {
  const double theta = params.aht_s / *params.patience_s;
  if (theta == 0) return ErlangCFigures(n, erlangs, ErlangB(n, erlangs), params);  // patience beyond reach
  RXD_ASSIGN_OR_RETURN(QueueOutcome q, ErlangAOutcome(n, erlangs, theta, params.target_answer_s / params.aht_s));
  const double occupancy = n > 0 ? std::min(1.0, erlangs * (1.0 - q.abandon_rate) / n) : 0.0;
  return StaffingFigures{
      n, 0, q.service_level, q.probability_wait, q.asa_aht * params.aht_s, occupancy, q.abandon_rate};
}

Result<StaffingFigures> FiguresWithoutShrinkage(const ErlangParams& params, double erlangs, int agents) {
  if (erlangs == 0) return IdleFigures(agents);
  if (params.patience_s) return ErlangAFigures(agents, erlangs, params);
  return ErlangCFigures(agents, erlangs, ErlangB(agents, erlangs), params);
}

Error Unreachable() {
  return InvalidField("target_service_level",
                      "the target cannot be met with up to " + std::to_string(kMaxStaffingAgents) + " agents");
}

// Erlang C: no count at or below A has a steady state, so start just above it and
// add one agent at a time, carrying B along.
Result<StaffingFigures> RequiredErlangC(const ErlangParams& params, double erlangs) {
  const int first = static_cast<int>(std::floor(erlangs)) + 1;
  double b = 1.0;
  for (int k = 1; k <= first; ++k) b = NextErlangB(k, erlangs, b);
  for (int n = first;; ++n) {
    if (n > first) b = NextErlangB(n, erlangs, b);
    const StaffingFigures figures = ErlangCFigures(n, erlangs, b, params);
    if (Meets(figures.service_level, params.target_service_level)) return WithScheduled(figures, params.shrinkage);
    if (n >= kMaxStaffingAgents) return Unreachable();
  }
}

// Erlang A: at most n/A of the calls are served, so n ≥ target·A. Gallop up from
// there until the target is met, then bisect (the service level rises with n).
Result<StaffingFigures> RequiredErlangA(const ErlangParams& params, double erlangs) {
  const double bound = std::floor((params.target_service_level - kServiceLevelTolerance) * erlangs);
  int failing = std::max(1, static_cast<int>(bound));
  RXD_ASSIGN_OR_RETURN(StaffingFigures best, ErlangAFigures(failing, erlangs, params));
  if (Meets(best.service_level, params.target_service_level)) return WithScheduled(best, params.shrinkage);
  int meeting = 0;
  for (int step = 1; meeting == 0; step *= 2) {
    if (failing >= kMaxStaffingAgents) return Unreachable();
    const int n = failing + std::min(step, kMaxStaffingAgents - failing);
    RXD_ASSIGN_OR_RETURN(StaffingFigures at, ErlangAFigures(n, erlangs, params));
    if (Meets(at.service_level, params.target_service_level)) {
      meeting = n;
      best = at;
    } else {
      failing = n;
    }
  }
  while (meeting - failing > 1) {
    const int n = failing + (meeting - failing) / 2;
    RXD_ASSIGN_OR_RETURN(StaffingFigures at, ErlangAFigures(n, erlangs, params));
    if (Meets(at.service_level, params.target_service_level)) {
      meeting = n;
      best = at;
    } else {
      failing = n;
    }
  }
  return WithScheduled(best, params.shrinkage);
}

}  // namespace

double TrafficErlangs(const ErlangParams& params) { return params.arrivals * params.aht_s / params.interval_s; }

double ErlangB(int agents, double erlangs) {
  double b = 1.0;
  for (int k = 1; k <= agents; ++k) b = NextErlangB(k, erlangs, b);
  return b;
}

double ErlangC(int agents, double erlangs) {
  if (agents <= erlangs) return 1.0;
  const double b = ErlangB(agents, erlangs);
  return std::min(1.0, agents * b / (agents - erlangs * (1.0 - b)));
}

Status ValidateErlangParams(const ErlangParams& p) {
  if (!FiniteNonNegative(p.arrivals)) return InvalidField("arrivals", "arrivals must be a finite number >= 0");
  if (!(std::isfinite(p.interval_s) && p.interval_s > 0)) {
    return InvalidField("interval_s", "interval_s must be a finite number > 0");
  }
  if (!FiniteNonNegative(p.aht_s)) return InvalidField("aht_s", "aht_s must be a finite number >= 0");
  if (!FiniteNonNegative(p.target_answer_s)) {
    return InvalidField("target_answer_s", "target_answer_s must be a finite number >= 0");
  }
  if (!(p.target_service_level > 0 && p.target_service_level <= 1)) {
    return InvalidField("target_service_level", "target_service_level must be above 0 and at most 1");
  }
  if (!(p.shrinkage >= 0 && p.shrinkage < 1)) {
    return InvalidField("shrinkage", "shrinkage must be at least 0 and below 1");
  }
  if (p.patience_s && !(std::isfinite(*p.patience_s) && *p.patience_s > 0)) {
    return InvalidField("patience_s", "patience_s must be a finite number > 0");
  }
  if (p.arrivals > 0 && p.aht_s == 0) return InvalidField("aht_s", "aht_s must be above 0 when there are arrivals");
  if (!(TrafficErlangs(p) <= kMaxTrafficErlangs)) {
    return InvalidField("arrivals", "the offered traffic is above " +
                                        std::to_string(static_cast<int>(kMaxTrafficErlangs)) +
                                        " Erlangs (arrivals x aht_s / interval_s)");
  }
  return OkStatus();
}

Result<StaffingFigures> FiguresAt(const ErlangParams& params, int agents) {
  RXD_TRY(ValidateErlangParams(params));
  if (agents < 0 || agents > kMaxStaffingAgents) {
    return InvalidField("agents", "agents must be 0 to " + std::to_string(kMaxStaffingAgents));
  }
  RXD_ASSIGN_OR_RETURN(StaffingFigures figures, FiguresWithoutShrinkage(params, TrafficErlangs(params), agents));
  return WithScheduled(figures, params.shrinkage);
}

Result<StaffingFigures> RequiredAgents(const ErlangParams& params) {
  RXD_TRY(ValidateErlangParams(params));
  const double erlangs = TrafficErlangs(params);
  if (erlangs == 0) return IdleFigures(0);
  if (params.patience_s) return RequiredErlangA(params, erlangs);
  return RequiredErlangC(params, erlangs);
}

}  // namespace rxdesk
