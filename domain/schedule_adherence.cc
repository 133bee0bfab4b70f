#include "domain/schedule_adherence.h"

#include <algorithm>
#include <string>
#include <utility>

namespace rxdesk {
namespace {

using std::chrono::seconds;

// A stretch of the shift with one scheduled activity: [begin, end).
struct Segment {
  Instant begin;
  Instant end;
  ScheduledActivity activity;
};

std::vector<ShiftBreak> SortedBreaks(const AgentShift& shift) {
  std::vector<ShiftBreak> breaks = shift.breaks;
  std::sort(breaks.begin(), breaks.end(), [](const ShiftBreak& a, const ShiftBreak& b) { return a.start < b.start; });
  return breaks;
}

ScheduledActivity ActivityOf(BreakKind kind) {
  return kind == BreakKind::kLunch ? ScheduledActivity::kLunch : ScheduledActivity::kBreak;
}

// The shift cut at its breaks, in time order, without empty stretches.
std::vector<Segment> Segments(const AgentShift& shift) {
  std::vector<Segment> out;
  Instant cursor = shift.start;
  for (const ShiftBreak& b : SortedBreaks(shift)) {
    if (b.start > cursor) out.push_back({cursor, b.start, ScheduledActivity::kOnQueue});
    out.push_back({b.start, b.start + b.length, ActivityOf(b.kind)});
    cursor = b.start + b.length;
  }
  if (shift.end > cursor) out.push_back({cursor, shift.end, ScheduledActivity::kOnQueue});
  return out;
}

// Walks [from, to) stretches in time order and adds up the adherent seconds.
class AdherenceSweep {
 public:
  explicit AdherenceSweep(std::vector<Segment> segments) : segments_(std::move(segments)) {}

  void Add(Instant from, Instant to, AgentState state) {
    while (next_ < segments_.size() && segments_[next_].end <= from) ++next_;
    for (std::size_t i = next_; i < segments_.size() && segments_[i].begin < to; ++i) {
      const Segment& s = segments_[i];
      if (Adheres(s.activity, state)) adherent_ += std::min(to, s.end) - std::max(from, s.begin);
    }
  }
  seconds adherent() const { return adherent_; }

 private:
  std::vector<Segment> segments_;
  std::size_t next_ = 0;
  seconds adherent_{0};
};

Status ValidateParams(const ScheduleAdherenceParams& p) {
  if (!(p.target_min >= 0 && p.target_min <= 1)) return InvalidField("target_min", "target_min must be 0 to 1");
  if (!(p.target_max >= p.target_min && p.target_max <= 1)) {
    return InvalidField("target_max", "target_max must be from target_min to 1");
  }
  return OkStatus();
}

ScheduleAdherence Rate(seconds scheduled, seconds adherent, const ScheduleAdherenceParams& params) {
  ScheduleAdherence out{scheduled, adherent};
  out.adherence = scheduled.count() > 0 ? static_cast<double>(adherent.count()) / scheduled.count() : 0.0;
  out.band = out.adherence < params.target_min   ? AdherenceBand::kBelow
             : out.adherence > params.target_max ? AdherenceBand::kAbove
                                                 : AdherenceBand::kWithin;
  out.in_target = scheduled.count() > 0 && out.band != AdherenceBand::kBelow;
  return out;
}

}  // namespace

bool Adheres(ScheduledActivity scheduled, AgentState state) {
  switch (scheduled) {
    case ScheduledActivity::kOnQueue:
      return IsOnQueue(state);
    case ScheduledActivity::kBreak:
    case ScheduledActivity::kLunch:
      return state == AgentState::kBreak;
    case ScheduledActivity::kOff:
      return false;
  }
  return false;
}

Status ValidateShift(const AgentShift& shift, const ScheduleAdherenceParams& params) {
  if (shift.end <= shift.start) return InvalidField("shift.end", "the shift must end after it starts");
  if (shift.end - shift.start > params.max_shift) {
    return InvalidField("shift.end", "a shift may last at most " + std::to_string(params.max_shift.count()) + " hours");
  }
  for (std::size_t i = 0; i < shift.breaks.size(); ++i) {
    const ShiftBreak& b = shift.breaks[i];
    const std::string at = "shift.breaks[" + std::to_string(i) + "]";
    if (b.length <= seconds{0}) return InvalidField(at + ".length", "a break must last more than 0 seconds");
    if (b.start < shift.start || b.length > shift.end - b.start) {
      return InvalidField(at + ".start", "a break must lie inside the shift");
    }
  }
  for (std::size_t i = 0; i < shift.breaks.size(); ++i) {  // pairwise: a shift has a handful of breaks
    for (std::size_t j = 0; j < i; ++j) {
      const ShiftBreak& a = shift.breaks[i];
      const ShiftBreak& b = shift.breaks[j];
      if (a.start < b.start + b.length && b.start < a.start + a.length) {
        return InvalidField("shift.breaks[" + std::to_string(i) + "].start", "breaks must not overlap");
      }
    }
  }
  return OkStatus();
}

ScheduledActivity ScheduledAt(const AgentShift& shift, Instant t) {
  if (t < shift.start || t >= shift.end) return ScheduledActivity::kOff;
  for (const ShiftBreak& b : shift.breaks) {
    if (t >= b.start && t < b.start + b.length) return ActivityOf(b.kind);
  }
  return ScheduledActivity::kOnQueue;
}

Result<ScheduleAdherence> ComputeScheduleAdherence(const AgentShift& shift, std::span<const AgentStateChange> states,
                                                   const ScheduleAdherenceParams& params) {
  RXD_TRY(ValidateParams(params));
  RXD_TRY(ValidateShift(shift, params));
  AdherenceSweep sweep(Segments(shift));
  AgentState current = AgentState::kOffline;
  Instant cursor = shift.start;
  for (std::size_t i = 0; i < states.size(); ++i) {
    const AgentStateChange& change = states[i];
    if (i > 0 && change.at < states[i - 1].at) {
      return InvalidField("states[" + std::to_string(i) + "].at", "state changes must be in time order");
    }
    if (change.at > cursor) {
      const Instant until = std::min(change.at, shift.end);
      sweep.Add(cursor, until, current);
      cursor = until;
    }
    current = change.state;
  }
  if (cursor < shift.end) sweep.Add(cursor, shift.end, current);
  return Rate(shift.end - shift.start, sweep.adherent(), params);
}

ScheduleAdherence TeamScheduleAdherence(std::span<const ScheduleAdherence> agents,
                                        const ScheduleAdherenceParams& params) {
  seconds scheduled{0}, adherent{0};
  for (const ScheduleAdherence& a : agents) {
    scheduled += a.scheduled;
    adherent += a.adherent;
  }
  return Rate(scheduled, adherent, params);
}

}  // namespace rxdesk
