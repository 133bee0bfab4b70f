// The secure-message SLA (PRODUCT.md section 7): a member's message to the
// pharmacist pool is answered within 24-48 hours; the desk warns at 24 h and
// the message breaches at 48 h, counted from the oldest member message that no
// pharmacist has answered yet.
//
//   const MessageSla sla = ClassifyMessageSla(thread.awaiting_since, clock.Now(), MessageSlaPolicy{});
//   if (sla.state == SlaState::kBreached) Page(supervisor);
#pragma once

#include <chrono>
#include <string_view>

#include "domain/time.h"

namespace rxdesk {

struct MessageSlaPolicy {
  std::chrono::seconds warn_after = std::chrono::hours{24};    // (config) the desk warns from here on
  std::chrono::seconds breach_after = std::chrono::hours{48};  // (config) the promise is broken from here on
};

enum class SlaState { kWithin, kWarning, kBreached };
std::string_view ToString(SlaState state);  // "within", "warning", "breached"

struct MessageSla {
  SlaState state = SlaState::kWithin;
  std::chrono::seconds age{0};  // since the oldest unanswered member message (0 if `now` is earlier)
  Instant warn_at{};            // when the warning starts
  Instant breach_at{};          // when the breach starts
};

// Where an unanswered message stands at `now`. Both thresholds are reached on
// the second: at exactly 24:00:00 it warns, at exactly 48:00:00 it breaches.
MessageSla ClassifyMessageSla(Instant awaiting_since, Instant now, const MessageSlaPolicy& policy);

}  // namespace rxdesk
