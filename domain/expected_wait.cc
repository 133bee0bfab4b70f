#include "domain/expected_wait.h"

#include <algorithm>

namespace rxdesk {

std::chrono::seconds ExpectedWait(const WaitInputs& in, const ExpectedWaitParams& params) {
  if (in.position <= 0) return std::chrono::seconds{0};
  const std::chrono::milliseconds aht =
      in.recent_aht && in.recent_aht->count() > 0 ? *in.recent_aht : std::chrono::milliseconds{params.default_aht};
  const std::int64_t agents = std::max(1, in.staffed_agents);
  const std::int64_t cap_ms = std::chrono::milliseconds{params.max_wait}.count();
  // position × aht can exceed the cap long before it overflows: compare first.
  const std::int64_t per_agent_ms = aht.count();
  if (per_agent_ms > 0 && in.position > cap_ms * agents / per_agent_ms) return params.max_wait;
  const std::int64_t total_ms = in.position * per_agent_ms;
  const std::int64_t wait_ms = (total_ms + agents - 1) / agents;
  const std::int64_t wait_s = (wait_ms + 999) / 1000;
  return std::min(std::chrono::seconds{wait_s}, params.max_wait);
}

}  // namespace rxdesk
