// A day's staffing for one queue (PRODUCT.md §9): the forecast arrivals per
// 30-minute interval (domain/forecast.h) sized with Erlang C, or Erlang A when a
// patience is set (domain/erlang.h), against the queue's handle time and the
// line's service-level target.
//
//   const StaffingPolicy policy;  // shipped defaults: the main line's six queues
//   RXD_ASSIGN_OR_RETURN(QueueDayStaffing day,
//                        PlanQueueDay(MakeDate(2026, 3, 9), "refills_delivery", {}, zone, policy));
//   for (const IntervalStaffing& i : day.intervals)
//     Show(i.start, i.inputs.arrivals, i.figures.agents, i.figures.scheduled_agents);
//   // Monday: 3,000 of the line's 6,000 contacts; 09:00–14:00 needs 29 on the phones (42
//   // rostered), 03:00 needs 6
//
// The rules, as implemented:
// - The line expects forecast.daily_volume[weekday] contacts on a day; a queue
//   takes `share` of them, spread by the line's profile (ForecastFromProfile).
// - Counts observed for the queue itself (history) replace the profile as
//   ForecastDay reads them (same weekdays, trend); they are not scaled by share.
//   Without an observed same weekday the profile is used, and `source` says so.
// - Each interval is sized with RequiredAgents on {arrivals, interval_s 1800, the
//   queue's aht_s, the line's target_answer_s, target_service_level, shrinkage
//   and patience_s}: the fewest agents on the phones that meet the target.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/erlang.h"
#include "domain/forecast.h"
#include "domain/result.h"
#include "domain/time.h"
#include "domain/zone.h"

namespace rxdesk {

// One queue of the line, by the id its IVR option enqueues to (API.md).
struct StaffingQueue {
  std::string id;
  double share = 0;    // (config) of the line's daily contacts, 0..1
  double aht_s = 360;  // (config) average handle time: talk + hold + after-contact work
};

// (config) The main line's queues (API.md's ids, IVR order 1–5 then 0), each at
// an AHT of 360 s. Illustrative shares of the line's contacts, adding up to 1:
// refills and delivery 50%, billing and insurance 20%, Medicare Part D 12%,
// clinical pharmacist 5%, international 3%, representative 10%.
std::vector<StaffingQueue> MainLineStaffingQueues();

struct StaffingPolicy {
  std::vector<StaffingQueue> queues = MainLineStaffingQueues();
  double target_answer_s = 20;        // (config) PRODUCT.md §9: 80% answered within 20 s
  double target_service_level = 0.8;  // (config)
  double shrinkage = 0.30;            // (config) share of paid time off the phones
  std::optional<double> patience_s;   // (config) set: Erlang A with this mean patience
  ForecastParams forecast;            // (config) the line's volume by weekday and its profile
};

struct IntervalStaffing {
  Instant start;                       // UTC
  std::chrono::seconds local_time{0};  // operator's wall clock at the start
  ErlangParams inputs;                 // arrivals forecast for the queue, aht_s, target, ...
  StaffingFigures figures;             // RequiredAgents(inputs)
};

struct QueueDayStaffing {
  Date date;
  std::string queue;
  ForecastSource source = ForecastSource::kProfile;
  std::vector<IntervalStaffing> intervals;  // 48; 46 or 50 on DST days

  double Arrivals() const;             // Σ inputs.arrivals
  double AgentHours() const;           // Σ agents × interval length
  double ScheduledAgentHours() const;  // Σ scheduled_agents × interval length
  int PeakAgents() const;              // max agents (0 for no intervals)
};

// The queue with this id, or null.
const StaffingQueue* FindStaffingQueue(const StaffingPolicy& policy, std::string_view id);

// Checks every setting. Refusal: invalid_request naming "queues[i].id" (empty,
// longer than 64, or a repeat), "queues[i].share" (outside [0, 1] or NaN),
// "queues[i].aht_s" (not a finite number > 0), the Erlang fields as
// ValidateErlangParams names them (target_answer_s, target_service_level,
// shrinkage, patience_s), "forecast.<field>" as ValidateForecastParams, and
// "queues[i]" when the queue's busiest possible interval (heaviest weekday ×
// highest profile weight) cannot be sized (e.g. above kMaxTrafficErlangs); the
// message names the queue id. So a valid policy sizes every day of every queue.
Status ValidateStaffingPolicy(const StaffingPolicy& policy);

// The day's intervals for one queue, sized. `history` is the queue's own counts
// (empty: the profile). O(intervals × RequiredAgents). Refusal: not_found on
// "queue" for an id the policy does not have; as ValidateStaffingPolicy's field
// checks (the trial sizing is left to load time); as ForecastDay for bad history
// entries; as RequiredAgents for an interval that cannot be sized.
Result<QueueDayStaffing> PlanQueueDay(Date date, std::string_view queue_id, std::span<const IntervalCount> history,
                                      const Zone& zone, const StaffingPolicy& policy);

}  // namespace rxdesk
