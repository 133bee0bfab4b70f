// Contact-center KPIs (PRODUCT.md §9) from what the ACD recorded: each routed
// contact's arrival, answer, end, wrap-up and abandonment, and each agent's
// state changes. Pure: the caller loads the records and says what "now" is.
//
//   KpiWindow w{.from = day_start, .to = now, .now = now, .interval = std::chrono::minutes{30}};
//   KpiReport r = ComputeKpis(contacts, states, w, KpiParams{});
//   Show(r.total.service_level, r.total.aht_s);          // nullopt when nothing to divide by
//   for (const auto& [queue, f] : r.per_queue) Show(queue, f.asa_s);
//   for (const KpiInterval& i : r.intervals) Show(i.start, i.figures.offered);
//
// Definitions, as implemented (a ratio is nullopt when its denominator is 0):
// - A contact counts in the window and the interval in which it arrived
//   (enqueued_at in [from, to)). Contacts arriving after `now` do not exist yet.
// - offered: arrived, except those still waiting that have not yet waited
//   `answer_target` (their outcome is still open). Waiting past the target
//   counts: they can no longer be answered in time.
// - answered: given to an agent; answered in time: waited ≤ answer_target (20 s).
// - service level = answered in time / offered. ASA = mean wait of answered.
// - abandonment = abandoned / offered.
// - AHT = (talk + hold + after-contact work) / handled. handled: answered
//   contacts whose wrap-up is over by `now`; talk = answer to end, after-contact
//   work = end to wrap-up end. Hold is not tracked yet, so it adds 0.
// - occupancy = (busy + wrap-up time) / staffed time, staffed = available + busy
//   + wrap-up (break and offline excluded), from the agents' state changes
//   clipped to [from, min(to, now)). It describes agents, not queues: per queue,
//   and overall when a queue filter is given, it is nullopt.
// - FCR = resolved contacts not marked as repeated within 7 days / resolved
//   contacts (`resolved` true; `first_contact_resolved` false marks a repeat).
// - CSAT = answered surveys scoring 4 or 5 / answered surveys.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/acd.h"

namespace rxdesk {

// One routed contact as recorded. Instants in milliseconds (AcdInstant).
struct RoutedContact {
  std::string queue;
  std::string agent;  // who answered; empty when nobody did
  AcdInstant enqueued_at;
  std::optional<AcdInstant> assigned_at;
  std::optional<AcdInstant> ended_at;
  std::optional<AcdInstant> wrap_up_until;  // end of after-contact work (= ended_at when none)
  std::optional<AcdInstant> abandoned_at;
  std::optional<bool> resolved;                // null while open or unknown
  std::optional<bool> first_contact_resolved;  // false: a repeat came within 7 days
  std::optional<int> csat;                     // 1–5 once answered
};

// An agent entered `state` at `at` (and stayed until its next change).
struct AgentStateChange {
  std::string agent;
  AgentState state = AgentState::kOffline;
  AcdInstant at;
};

struct KpiParams {
  // (config) PRODUCT.md §9: service level counts answers within 20 s.
  AcdDuration answer_target = std::chrono::seconds{20};
};

struct KpiWindow {
  AcdInstant from;
  AcdInstant to;   // exclusive
  AcdInstant now;  // what has happened so far; later records are ignored
  AcdDuration interval = std::chrono::minutes{30};
  std::optional<std::string> queue;  // only this queue's contacts
  std::optional<std::string> agent;  // only contacts this agent answered, and its own states
};

struct KpiFigures {
  int offered = 0;
  int answered = 0;
  int answered_in_time = 0;
  int abandoned = 0;
  int handled = 0;
  int waiting = 0;             // arrived and still waiting at `now`
  double wait_answered_s = 0;  // Σ waits of answered contacts
  double handle_s = 0;         // Σ talk + after-contact work of handled contacts
  double busy_s = 0;
  double wrap_up_s = 0;
  double staffed_s = 0;
  int resolved = 0;
  int resolved_first = 0;
  int surveys = 0;
  int surveys_satisfied = 0;
  bool agent_based = true;  // false: occupancy does not apply (per queue, queue filter)

  std::optional<double> Aht() const;
  std::optional<double> ServiceLevel() const;
  std::optional<double> Asa() const;
  std::optional<double> Abandonment() const;
  std::optional<double> Occupancy() const;
  std::optional<double> Fcr() const;
  std::optional<double> Csat() const;
};

struct KpiInterval {
  AcdInstant start;
  KpiFigures figures;
};

struct KpiReport {
  KpiFigures total;
  std::map<std::string, KpiFigures> per_queue;
  std::map<std::string, KpiFigures> per_agent;
  std::vector<KpiInterval> intervals;  // every interval of [from, to), empty ones too
};

// Refusal: invalid_request naming "from" (not before `to`), "interval" (not a
// positive duration, or more than 10,000 intervals in the window).
Result<KpiReport> ComputeKpis(std::span<const RoutedContact> contacts, std::span<const AgentStateChange> states,
                              const KpiWindow& window, const KpiParams& params);

}  // namespace rxdesk
