#include "domain/message_sla.h"

namespace rxdesk {

std::string_view ToString(SlaState state) {
  switch (state) {
    case SlaState::kWithin:
      return "within";
    case SlaState::kWarning:
      return "warning";
    case SlaState::kBreached:
      return "breached";
  }
  return "within";
}

MessageSla ClassifyMessageSla(Instant awaiting_since, Instant now, const MessageSlaPolicy& policy) {
  MessageSla sla;
  sla.age = now > awaiting_since ? now - awaiting_since : std::chrono::seconds{0};
  sla.warn_at = awaiting_since + policy.warn_after;
  sla.breach_at = awaiting_since + policy.breach_after;
  if (now >= sla.breach_at) {
    sla.state = SlaState::kBreached;
  } else if (now >= sla.warn_at) {
    sla.state = SlaState::kWarning;
  }
  return sla;
}

}  // namespace rxdesk
