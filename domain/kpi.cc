#include "domain/kpi.h"

#include <algorithm>

namespace rxdesk {
namespace {

constexpr std::int64_t kMaxIntervals = 10'000;

double Seconds(AcdDuration d) { return std::chrono::duration<double>(d).count(); }

std::optional<double> Ratio(double num, double den) {
  if (den <= 0) return std::nullopt;
  return num / den;
}

// Adds one contact to `f`, as of `now`.
void AddContact(KpiFigures& f, const RoutedContact& c, AcdInstant now, const KpiParams& p) {
  const bool answered = c.assigned_at && *c.assigned_at <= now;
  const bool abandoned = !answered && c.abandoned_at && *c.abandoned_at <= now;
  if (!answered && !abandoned) {
    ++f.waiting;
    if (now - c.enqueued_at <= p.answer_target) return;  // could still be answered in time
  }
  ++f.offered;
  if (abandoned) ++f.abandoned;
  if (answered) {
    const AcdDuration waited = *c.assigned_at - c.enqueued_at;
    ++f.answered;
    if (waited <= p.answer_target) ++f.answered_in_time;
    f.wait_answered_s += Seconds(waited);
    if (c.ended_at && *c.ended_at <= now) {
      const AcdInstant wrap_end = c.wrap_up_until.value_or(*c.ended_at);
      if (wrap_end <= now) {
        ++f.handled;
        f.handle_s += Seconds(*c.ended_at - *c.assigned_at) + Seconds(wrap_end - *c.ended_at);
      }
    }
  }
  if (c.resolved && *c.resolved) {
    ++f.resolved;
    if (c.first_contact_resolved.value_or(true)) ++f.resolved_first;
  }
  if (c.csat) {
    ++f.surveys;
    if (*c.csat >= 4) ++f.surveys_satisfied;
  }
}

void AddState(KpiFigures& f, AgentState state, AcdDuration d) {
  const double s = Seconds(d);
  switch (state) {
    case AgentState::kBusy:
      f.busy_s += s;
      f.staffed_s += s;
      break;
    case AgentState::kWrapUp:
      f.wrap_up_s += s;
      f.staffed_s += s;
      break;
    case AgentState::kAvailable:
      f.staffed_s += s;
      break;
    case AgentState::kBreak:
    case AgentState::kOffline:
      break;
  }
}

}  // namespace

std::optional<double> KpiFigures::Aht() const { return Ratio(handle_s, handled); }
std::optional<double> KpiFigures::ServiceLevel() const { return Ratio(answered_in_time, offered); }
std::optional<double> KpiFigures::Asa() const { return Ratio(wait_answered_s, answered); }
std::optional<double> KpiFigures::Abandonment() const { return Ratio(abandoned, offered); }
std::optional<double> KpiFigures::Occupancy() const {
  if (!agent_based) return std::nullopt;
  return Ratio(busy_s + wrap_up_s, staffed_s);
}
std::optional<double> KpiFigures::Fcr() const { return Ratio(resolved_first, resolved); }
std::optional<double> KpiFigures::Csat() const { return Ratio(surveys_satisfied, surveys); }

Result<KpiReport> ComputeKpis(std::span<const RoutedContact> contacts, std::span<const AgentStateChange> states,
                              const KpiWindow& w, const KpiParams& params) {
  if (w.from >= w.to) return InvalidField("from", "must be before to");
  if (w.interval <= AcdDuration::zero()) return InvalidField("interval", "must be positive");
  const std::int64_t count = (w.to - w.from + w.interval - AcdDuration{1}) / w.interval;
  if (count > kMaxIntervals) return InvalidField("interval", "too many intervals in the window");

  KpiReport r;
  r.intervals.resize(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) r.intervals[i].start = w.from + i * w.interval;
  const bool queue_filtered = w.queue.has_value();
  r.total.agent_based = !queue_filtered;
  for (KpiInterval& i : r.intervals) i.figures.agent_based = !queue_filtered;

  for (const RoutedContact& c : contacts) {
    if (c.enqueued_at < w.from || c.enqueued_at >= w.to || c.enqueued_at > w.now) continue;
    if (w.queue && c.queue != *w.queue) continue;
    if (w.agent && c.agent != *w.agent) continue;
    AddContact(r.total, c, w.now, params);
    KpiFigures& q = r.per_queue[c.queue];
    q.agent_based = false;
    AddContact(q, c, w.now, params);
    if (!c.agent.empty()) AddContact(r.per_agent[c.agent], c, w.now, params);
    AddContact(r.intervals[static_cast<std::size_t>((c.enqueued_at - w.from) / w.interval)].figures, c, w.now, params);
  }

  // Time in each state, clipped to [from, min(to, now)).
  const AcdInstant end = std::min(w.to, w.now);
  std::vector<const AgentStateChange*> sorted;
  sorted.reserve(states.size());
  for (const AgentStateChange& s : states) {
    if (!w.agent || s.agent == *w.agent) sorted.push_back(&s);
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const AgentStateChange* a, const AgentStateChange* b) {
    return a->agent != b->agent ? a->agent < b->agent : a->at < b->at;
  });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const AgentStateChange& s = *sorted[i];
    const bool last = i + 1 == sorted.size() || sorted[i + 1]->agent != s.agent;
    const AcdInstant span_end = std::min(last ? end : sorted[i + 1]->at, end);
    const AcdInstant span_start = std::max(s.at, w.from);
    if (span_start >= span_end) continue;
    const AcdDuration d = span_end - span_start;
    if (!queue_filtered) AddState(r.total, s.state, d);
    KpiFigures& agent = r.per_agent[s.agent];
    AddState(agent, s.state, d);
    for (std::int64_t k = (span_start - w.from) / w.interval; k < count; ++k) {
      const AcdInstant a = std::max(span_start, r.intervals[k].start);
      const AcdInstant b = std::min(span_end, r.intervals[k].start + w.interval);
      if (a >= b) break;
      if (!queue_filtered) AddState(r.intervals[k].figures, s.state, b - a);
    }
  }
  return r;
}

}  // namespace rxdesk
