#include "domain/order.h"

#include "domain/contact_info.h"

namespace rxdesk {
namespace {

constexpr std::array<std::string_view, kOrderStatusCount> kStatusNames = {
    "received", "in_review", "filled", "shipped", "delivered", "cancelled", "returned"};
constexpr std::array<std::string_view, kOrderEventTypeCount> kEventNames = {
    "review_started", "filled", "shipped", "delivered", "cancelled", "returned"};

// kOrderTransitions folded into a dense [from][event] grid, so a lookup is one
// index instead of a scan. -1 marks "no such move".
using TransitionGrid = std::array<std::array<signed char, kOrderEventTypeCount>, kOrderStatusCount>;

constexpr TransitionGrid BuildGrid() {
  TransitionGrid grid{};
  for (auto& row : grid) row.fill(-1);
  for (const OrderTransition& t : kOrderTransitions) {
    grid[static_cast<int>(t.from)][static_cast<int>(t.event)] = static_cast<signed char>(t.to);
  }
  return grid;
}

constexpr TransitionGrid kGrid = BuildGrid();

bool InRange(OrderStatus s) { return static_cast<unsigned>(s) < kOrderStatusCount; }
bool InRange(OrderEventType e) { return static_cast<unsigned>(e) < kOrderEventTypeCount; }

// Printable ASCII with no space at either end: carrier labels and tracking
// numbers are printed on labels and put into carrier URLs.
bool IsLabelText(std::string_view s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  for (const char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

Status CheckLabel(const std::optional<std::string>& value, std::string_view field, std::size_t max_length) {
  if (!value || value->empty()) return InvalidField(std::string(field), "is required to ship");
  if (value->size() > max_length) {
    return InvalidField(std::string(field), "must be at most " + std::to_string(max_length) + " characters");
  }
  if (!IsLabelText(*value)) {
    return InvalidField(std::string(field), "must be printable ASCII without leading or trailing spaces");
  }
  return OkStatus();
}

Status CheckPayload(const OrderEvent& event, const OrderGuards& guards) {
  if (event.type == OrderEventType::kShip) {
    RXD_TRY(CheckLabel(event.carrier, "carrier", kMaxCarrierLength));
    RXD_TRY(CheckLabel(event.tracking, "tracking", kMaxTrackingLength));
  } else {
    // A carrier or tracking number on another event would be shown to the
    // member as if it were the shipment: refuse rather than keep it silently.
    if (event.carrier) return InvalidField("carrier", "only a shipped event carries a carrier");
    if (event.tracking) return InvalidField("tracking", "only a shipped event carries a tracking number");
  }
  if (event.note) {
    if (event.note->empty() || event.note->size() > kMaxOrderNoteLength) {
      return InvalidField("note", "must be 1 to " + std::to_string(kMaxOrderNoteLength) + " bytes");
    }
    if (!IsPrintableUtf8(*event.note)) return InvalidField("note", "must be printable UTF-8 text");
  }
  if (event.at < guards.last_event_at) {
    return InvalidField("at", "must not be earlier than the order's latest event");
  }
  return OkStatus();
}

}  // namespace

std::string_view ToString(OrderStatus status) {
  return InRange(status) ? kStatusNames[static_cast<int>(status)] : std::string_view("unknown");
}

std::optional<OrderStatus> ParseOrderStatus(std::string_view text) {
  for (int i = 0; i < kOrderStatusCount; ++i) {
    if (kStatusNames[i] == text) return static_cast<OrderStatus>(i);
  }
  return std::nullopt;
}

std::string_view ToString(OrderEventType type) {
  return InRange(type) ? kEventNames[static_cast<int>(type)] : std::string_view("unknown");
}

std::optional<OrderEventType> ParseOrderEventType(std::string_view text) {
  for (int i = 0; i < kOrderEventTypeCount; ++i) {
    if (kEventNames[i] == text) return static_cast<OrderEventType>(i);
  }
  return std::nullopt;
}

std::optional<OrderStatus> NextOrderStatus(OrderStatus from, OrderEventType event) {
  if (!InRange(from) || !InRange(event)) return std::nullopt;
  const signed char to = kGrid[static_cast<int>(from)][static_cast<int>(event)];
  if (to < 0) return std::nullopt;
  return static_cast<OrderStatus>(to);
}

bool IsTerminal(OrderStatus status) {
  for (int e = 0; e < kOrderEventTypeCount; ++e) {
    if (NextOrderStatus(status, static_cast<OrderEventType>(e))) return false;
  }
  return true;
}

Result<OrderStatus> TransitionOrder(OrderStatus current, const OrderEvent& event, const OrderGuards& guards) {
  RXD_TRY(CheckPayload(event, guards));
  const std::optional<OrderStatus> next = NextOrderStatus(current, event.type);
  if (!next) {
    return MakeError(std::string(order_error::kInvalidTransition),
                     "event '" + std::string(ToString(event.type)) + "' is not allowed when the order is " +
                         std::string(ToString(current)))
        .With("status", std::string(ToString(current)))
        .With("event", std::string(ToString(event.type)));
  }
  if (*next == OrderStatus::kFilled && guards.interaction_hold) {
    return MakeError(std::string(order_error::kInteractionHold),
                     "a major drug interaction must be overridden or the order cancelled by a pharmacist");
  }
  return *next;
}

}  // namespace rxdesk
