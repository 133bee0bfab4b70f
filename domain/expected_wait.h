// How long a waiting contact should expect to wait, announced by the IVR and
// shown in chat (PRODUCT.md §7): its position in line times the queue's recent
// average handle time, shared among the agents staffed for it.
//
//   const auto wait = ExpectedWait({.position = 3, .recent_aht = std::chrono::seconds{300},
//                                   .staffed_agents = 2}, ExpectedWaitParams{});   // 450 s
//
// The estimate, as implemented:
// - position 0 (with an agent already) or less: 0.
// - AHT: the queue's recent average handle time when it has one, else the
//   default (no history yet, e.g. the first call of the day).
// - staffed agents: eligible agents not on break or offline (available, busy or
//   in wrap-up). None staffed: counted as one, so the estimate stays finite and
//   grows with the line instead of reading "unknown".
// - wait = ceil(position × AHT ÷ staffed), capped at `max_wait`.
#pragma once

#include <chrono>
#include <optional>

namespace rxdesk {

struct ExpectedWaitParams {
  // (config) Handle time assumed without history: the staffing default of 6 min.
  std::chrono::seconds default_aht{360};
  // (config) Longest estimate announced; beyond it the announcement is the cap.
  std::chrono::seconds max_wait{std::chrono::hours{4}};
};

struct WaitInputs {
  int position = 0;                                     // 1 = next
  std::optional<std::chrono::milliseconds> recent_aht;  // none: no history
  int staffed_agents = 0;
};

std::chrono::seconds ExpectedWait(const WaitInputs& in, const ExpectedWaitParams& params);

}  // namespace rxdesk
