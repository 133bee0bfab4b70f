// Contact-center day simulation: a discrete-event run of one day (or any number
// of intervals) through the real ACD (domain/acd.h), for staffing plans and
// "what if" questions (PRODUCT.md §7, §9). Pure: a config and a seed in,
// KPIs out; the same seed gives the same result.
//
//   DayConfig day;                                     // usually read from TOML by `rxdesk simulate`
//   day.queues.push_back({.id = "refills", .required = {{"refills", 1}}});
//   day.arrivals.push_back({.queue = "refills", .per_interval = std::vector<double>(48, 120.0),
//                           .handle = {.mean_seconds = 300}, .patience_seconds = 180});
//   day.agents.push_back({.group = "refills", .skills = {{"refills", 3}}, .on_shift = std::vector<int>(48, 25)});
//   RXD_ASSIGN_OR_RETURN(SimResult r, Simulate(day, /*seed=*/7));
//   double sl = r.day.ServiceLevel();                  // answered within 20 s / offered
//
// The model:
// - Time runs in milliseconds from 00:00 of the simulated day; interval i covers
//   [i, i+1) × interval_minutes.
// - Arrivals: each stream is a Poisson process whose rate is constant within an
//   interval (per_interval[i] expected arrivals in interval i).
// - Handle (talk) time: exponential or lognormal with the stream's mean and
//   coefficient of variation, drawn when the contact is answered; the queue's
//   wrap-up follows inside the ACD.
// - Patience: exponential with the stream's mean; a contact still waiting when
//   its patience runs out abandons. 0: nobody abandons.
// - Staffing: a group's agents log in and out at interval starts to match
//   on_shift[i], or at their shifts' start and end. An agent logging out while
//   busy finishes its contacts first (the ACD's pending presence).
// - After the last interval no one arrives; the floor keeps the last staffing
//   and the run ends when every contact is resolved, or drain_limit_minutes
//   after the day (contacts still waiting then count as unanswered).
// - KPIs go to the interval a contact arrived in (offered, answered, abandoned,
//   service level, ASA, AHT); occupancy is agent time, split by interval.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/acd.h"
#include "domain/result.h"

namespace rxdesk::sim {

// Field names below are those of the TOML file (docs/examples/day.toml), so that
// a refusal's field ("queues[1].required[0].min") names the key as written.

struct DaySettings {
  int interval_minutes = 30;  // PRODUCT.md §9: forecasts and staffing per 30-minute interval
  int intervals = 48;
  double service_level_seconds = 20;  // PRODUCT.md §9 (config): answered within 20 s
  double drain_limit_minutes = 240;   // how long after the day waiting contacts may still be served
};

struct SkillNeed {
  std::string skill;
  int min = 1;  // 1–5
};

struct SkillHeld {
  std::string skill;
  int level = 1;  // 1–5
};

struct SimQueue {
  std::string id;
  Language language = Language::kEnglish;
  std::vector<SkillNeed> required;
  std::vector<SkillNeed> overflow;
  double overflow_after_seconds = 60;  // QueueParams defaults
  double wrap_up_seconds = 30;
  QueuePriorities priority;
};

enum class Distribution { kExponential, kLognormal };

struct HandleTime {
  Distribution distribution = Distribution::kExponential;
  double mean_seconds = 300;
  double cv = 1.0;  // standard deviation / mean; lognormal only (exponential's is 1)
};

struct ArrivalStream {
  std::string queue;
  Channel channel = Channel::kVoice;
  std::optional<Language> language;  // default: the queue's
  bool tty = false;
  bool callback = false;
  std::vector<double> per_interval;  // expected arrivals per interval, one per interval
  HandleTime handle;
  double patience_seconds = 0;  // mean patience; 0: nobody abandons
};

struct Shift {
  int start_minute = 0;  // from 00:00 of the day
  int end_minute = 0;    // after start; may run past the last interval
  int count = 0;
};

struct AgentGroup {
  std::string group;
  std::vector<SkillHeld> skills;
  std::vector<Language> languages = {Language::kEnglish};
  AgentCapacity capacity;
  std::vector<int> on_shift;  // agents logged in per interval, or
  std::vector<Shift> shifts;  // explicit shifts (exactly one of the two)
};

struct DayConfig {
  DaySettings day;
  std::vector<SimQueue> queues;
  std::vector<ArrivalStream> arrivals;
  std::vector<AgentGroup> agents;
};

// Limits that keep a run bounded, whatever the file says.
inline constexpr int kMaxIntervals = 100'000;
inline constexpr double kMaxExpectedArrivals = 50e6;  // summed over streams and intervals
inline constexpr int kMaxAgents = 200'000;

struct Kpis {
  std::int64_t offered = 0;
  std::int64_t answered = 0;
  std::int64_t abandoned = 0;
  std::int64_t unanswered = 0;          // still waiting when the run stopped
  std::int64_t answered_in_target = 0;  // waited <= service_level_seconds
  std::int64_t delayed = 0;             // answered after any wait at all
  std::int64_t handled = 0;             // finished, wrap-up included
  double wait_seconds = 0;              // summed over answered
  double abandon_wait_seconds = 0;      // summed over abandoned
  double handle_seconds = 0;            // talk + wrap-up, summed over handled
  double staffed_seconds = 0;           // agent time logged in (available, busy, wrap-up)
  double occupied_seconds = 0;          // agent time busy or in wrap-up

  // PRODUCT.md §9 definitions; 0 when the denominator is 0.
  double ServiceLevel() const { return offered ? static_cast<double>(answered_in_target) / offered : 0; }
  double Asa() const { return answered ? wait_seconds / answered : 0; }
  double Aht() const { return handled ? handle_seconds / handled : 0; }
  double Occupancy() const { return staffed_seconds > 0 ? occupied_seconds / staffed_seconds : 0; }
  double AbandonRate() const { return offered ? static_cast<double>(abandoned) / offered : 0; }
  Kpis& operator+=(const Kpis& o);
};

struct QueueKpis {
  std::string queue;
  Kpis kpis;  // staffed/occupied time is per agent, not per queue: left 0 here
};

struct SimResult {
  std::vector<Kpis> intervals;  // one per interval
  Kpis day;
  std::vector<QueueKpis> queues;  // in config order
  std::int64_t events = 0;
  double end_seconds = 0;  // when the run stopped
};

// Validates the config (refusal: invalid_request naming the TOML key, e.g.
// "arrivals[2].per_interval"), then runs it. `progress`, when set, is called
// with the fraction of the day simulated (0–1), at most once per interval.
Result<SimResult> Simulate(const DayConfig& config, std::uint64_t seed,
                           const std::function<void(double)>& progress = nullptr);

// Only the validation, for `rxdesk simulate` to refuse a file before running.
Status ValidateDayConfig(const DayConfig& config);

}  // namespace rxdesk::sim
