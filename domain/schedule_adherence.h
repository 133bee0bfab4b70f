// Agent shifts, the state each shift schedules at each moment, and schedule
// adherence (PRODUCT.md §9: minutes in the scheduled state / scheduled minutes,
// target 90–95% (config)).
//
//   const Instant eight = zone.ToInstant(day, 8h);
//   AgentShift shift{.start = eight, .end = eight + 8h + 30min,
//                    .breaks = {{eight + 2h, 15min, BreakKind::kBreak}, {eight + 4h, 30min, BreakKind::kLunch}}};
//   RXD_TRY(ValidateShift(shift));
//   ScheduledActivity now = ScheduledAt(shift, t);                      // kOnQueue, kBreak, kLunch, kOff
//   RXD_ASSIGN_OR_RETURN(ScheduleAdherence a, ComputeScheduleAdherence(shift, state_log));
//   ScheduleAdherence team = TeamScheduleAdherence(per_agent);          // sums of seconds
//   if (!team.in_target) Flag(team.adherence);
//
// The rules, as implemented:
// - A shift runs [start, end); each break or lunch runs [start, start + length)
//   inside it, and breaks do not overlap (touching is fine). Outside the shift the
//   scheduled activity is off.
// - The state log is a list of changes (instant, state) in time order; a state
//   holds until the next change; before the first change the agent is offline.
// - Scheduled on-queue is kept by available, busy and wrap_up; a scheduled break or
//   lunch by break. Offline is never adherent during a shift. Time outside the
//   shift is neither scheduled nor counted.
// - Adherence = adherent seconds / scheduled seconds (the whole shift, breaks
//   included); a team's is the sum of its agents' seconds over the sum of theirs.
// - Against the target band [target_min, target_max]: below, within, or above.
//   Above the band is not a failure (an agent cannot be "too adherent"), so
//   in_target is true from target_min up.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

#include "domain/acd.h"  // AgentState: available, busy, wrap_up, break, offline
#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

enum class BreakKind : std::uint8_t { kBreak, kLunch };
enum class ScheduledActivity : std::uint8_t { kOnQueue, kBreak, kLunch, kOff };

struct ShiftBreak {
  Instant start;
  std::chrono::seconds length{0};
  BreakKind kind = BreakKind::kBreak;
};

struct AgentShift {
  Instant start;
  Instant end;
  std::vector<ShiftBreak> breaks;  // any order
};

struct AgentStateChange {
  Instant at;
  AgentState state = AgentState::kOffline;
};

struct ScheduleAdherenceParams {
  // (config) PRODUCT.md §9: schedule adherence target 90–95%.
  double target_min = 0.90;
  double target_max = 0.95;
  // Validation bound, not a product rule: longer "shifts" are data errors.
  std::chrono::hours max_shift{16};
};

enum class AdherenceBand : std::uint8_t { kBelow, kWithin, kAbove };

struct ScheduleAdherence {
  std::chrono::seconds scheduled{0};
  std::chrono::seconds adherent{0};
  double adherence = 0;  // adherent / scheduled; 0 when nothing is scheduled
  AdherenceBand band = AdherenceBand::kBelow;
  bool in_target = false;  // adherence >= target_min
};

// "available", "busy", "wrap_up", "break", "offline" (domain/acd.h spells them).
constexpr bool IsOnQueue(AgentState s) {
  return s == AgentState::kAvailable || s == AgentState::kBusy || s == AgentState::kWrapUp;
}

// True when `state` is what `scheduled` asks for (see the rules above).
bool Adheres(ScheduledActivity scheduled, AgentState state);

// Refusal: invalid_request on "shift.end" (not after start, or longer than
// max_shift), "shift.breaks[i].length" (not positive), "shift.breaks[i].start"
// (break not inside the shift, or overlapping another break).
Status ValidateShift(const AgentShift& shift, const ScheduleAdherenceParams& params = {});

// What the shift schedules at `t`. Requires a valid shift.
ScheduledActivity ScheduledAt(const AgentShift& shift, Instant t);

// One agent's adherence over one shift. O(changes + breaks log breaks).
// Refusal: as ValidateShift; invalid_request on "states[i].at" when a change is
// earlier than the one before it; on "target_min"/"target_max" outside 0–1 or out of order.
Result<ScheduleAdherence> ComputeScheduleAdherence(const AgentShift& shift, std::span<const AgentStateChange> states,
                                                   const ScheduleAdherenceParams& params = {});

// A team's adherence: the sums of its agents' seconds. Requires valid params.
ScheduleAdherence TeamScheduleAdherence(std::span<const ScheduleAdherence> agents,
                                        const ScheduleAdherenceParams& params = {});

}  // namespace rxdesk
