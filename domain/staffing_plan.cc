#include "domain/staffing_plan.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

namespace rxdesk {
namespace {

constexpr std::size_t kMaxQueueIdLength = 64;

std::string QueueField(std::size_t i, std::string_view rest = "") {
  return "queues[" + std::to_string(i) + "]" + std::string(rest);
}

// The Erlang inputs every interval of `queue` shares; arrivals filled in per interval.
ErlangParams QueueInputs(const StaffingPolicy& policy, const StaffingQueue& queue) {
  return ErlangParams{.arrivals = 0,
                      .interval_s = static_cast<double>(std::chrono::seconds(kForecastInterval).count()),
                      .aht_s = queue.aht_s,
                      .target_answer_s = policy.target_answer_s,
                      .target_service_level = policy.target_service_level,
                      .shrinkage = policy.shrinkage,
                      .patience_s = policy.patience_s};
}

// Everything but the trial sizing of the busiest interval.
Status ValidateFields(const StaffingPolicy& policy) {
  std::set<std::string_view> ids;
  for (std::size_t i = 0; i < policy.queues.size(); ++i) {
    const StaffingQueue& q = policy.queues[i];
    if (q.id.empty() || q.id.size() > kMaxQueueIdLength) {
      return InvalidField(QueueField(i, ".id"), "a queue id must be 1 to 64 characters");
    }
    if (!ids.insert(q.id).second) return InvalidField(QueueField(i, ".id"), "queue " + q.id + " is listed twice");
    if (!(q.share >= 0 && q.share <= 1)) {
      return InvalidField(QueueField(i, ".share"), "queue " + q.id + ": share must be between 0 and 1");
    }
    if (!(std::isfinite(q.aht_s) && q.aht_s > 0)) {
      return InvalidField(QueueField(i, ".aht_s"), "queue " + q.id + ": aht_s must be a number above 0");
    }
  }
  // The line-wide Erlang settings, checked on an interval with no arrivals.
  RXD_TRY(ValidateErlangParams(QueueInputs(policy, StaffingQueue{.id = "-", .share = 0, .aht_s = 1})));
  if (Status s = ValidateForecastParams(policy.forecast); !s.ok()) {
    Error e = std::move(s).error();
    e.field = "forecast." + e.field;
    return e;
  }
  return OkStatus();
}

}  // namespace

std::vector<StaffingQueue> MainLineStaffingQueues() {
  return {{.id = "refills_delivery", .share = 0.50, .aht_s = 360},
          {.id = "billing_insurance", .share = 0.20, .aht_s = 360},
          {.id = "medicare_part_d", .share = 0.12, .aht_s = 360},
          {.id = "clinical_pharmacist", .share = 0.05, .aht_s = 360},
          {.id = "international", .share = 0.03, .aht_s = 360},
          {.id = "representative", .share = 0.10, .aht_s = 360}};
}

double QueueDayStaffing::Arrivals() const {
  double total = 0;
  for (const IntervalStaffing& i : intervals) total += i.inputs.arrivals;
  return total;
}

double QueueDayStaffing::AgentHours() const {
  const double hours = std::chrono::duration<double, std::ratio<3600>>(kForecastInterval).count();
  double total = 0;
  for (const IntervalStaffing& i : intervals) total += i.figures.agents * hours;
  return total;
}

double QueueDayStaffing::ScheduledAgentHours() const {
  const double hours = std::chrono::duration<double, std::ratio<3600>>(kForecastInterval).count();
  double total = 0;
  for (const IntervalStaffing& i : intervals) total += i.figures.scheduled_agents * hours;
  return total;
}

int QueueDayStaffing::PeakAgents() const {
  int peak = 0;
  for (const IntervalStaffing& i : intervals) peak = std::max(peak, i.figures.agents);
  return peak;
}

const StaffingQueue* FindStaffingQueue(const StaffingPolicy& policy, std::string_view id) {
  for (const StaffingQueue& q : policy.queues) {
    if (q.id == id) return &q;
  }
  return nullptr;
}

Status ValidateStaffingPolicy(const StaffingPolicy& policy) {
  RXD_TRY(ValidateFields(policy));
  const std::array<double, kSlotsPerDay>& profile = policy.forecast.profile;
  const double weight = std::accumulate(profile.begin(), profile.end(), 0.0);
  const double top_weight = *std::max_element(profile.begin(), profile.end());
  const double top_volume = *std::max_element(policy.forecast.daily_volume.begin(), policy.forecast.daily_volume.end());
  for (std::size_t i = 0; i < policy.queues.size(); ++i) {
    const StaffingQueue& q = policy.queues[i];
    // Every interval takes one slot's arrivals (a repeated hour repeats them), so this bounds them all.
    ErlangParams busiest = QueueInputs(policy, q);
    busiest.arrivals = top_volume * q.share * top_weight / weight;
    if (Result<StaffingFigures> sized = RequiredAgents(busiest); !sized.ok()) {
      return InvalidField(QueueField(i), "queue " + q.id + ": its busiest interval cannot be sized (" +
                                             sized.error().field + ": " + sized.error().message + ")");
    }
  }
  return OkStatus();
}

Result<QueueDayStaffing> PlanQueueDay(Date date, std::string_view queue_id, std::span<const IntervalCount> history,
                                      const Zone& zone, const StaffingPolicy& policy) {
  const StaffingQueue* queue = FindStaffingQueue(policy, queue_id);
  if (queue == nullptr) return MakeError("not_found", "no such queue", "queue");
  RXD_TRY(ValidateFields(policy));
  // The queue's part of the line: its share of each weekday's volume, on the line's profile.
  ForecastParams params = policy.forecast;
  for (double& volume : params.daily_volume) volume *= queue->share;
  RXD_ASSIGN_OR_RETURN(DayForecast forecast, ForecastDay(date, history, zone, params));

  QueueDayStaffing day{.date = date, .queue = queue->id, .source = forecast.source};
  day.intervals.reserve(forecast.intervals.size());
  const ErlangParams shared = QueueInputs(policy, *queue);
  for (const ForecastInterval& interval : forecast.intervals) {
    ErlangParams inputs = shared;
    inputs.arrivals = interval.arrivals;
    RXD_ASSIGN_OR_RETURN(StaffingFigures figures, RequiredAgents(inputs));
    day.intervals.push_back({interval.start, interval.local_time, inputs, figures});
  }
  return day;
}

}  // namespace rxdesk
