// The life of a mail order (PRODUCT.md §4): a state machine driven by events
// the member can see and be notified of.
//
//   OrderEvent ship{.type = OrderEventType::kShip, .at = now,
//                   .carrier = "UPS", .tracking = "1Z999AA10123456784"};
//   RXD_ASSIGN_OR_RETURN(OrderStatus next,
//                        TransitionOrder(order.status, ship, {.last_event_at = order.updated_at}));
//   // next == OrderStatus::kShipped; store `ship` in the order's timeline.
//
// The path is the spec's, linear: received → in_review → filled → shipped →
// delivered. Every order passes pharmacist review (no received → filled
// shortcut); a major drug interaction holds it in review (PRODUCT.md §6).
// Cancelling is possible until the package leaves; a shipped or delivered
// package may come back (returned). Cancelled and returned are terminal.
//
// Error codes, in the order they are checked:
//   invalid_request     malformed event (field names it: carrier, tracking, note, at)
//   invalid_transition  the event is not legal from the current status (409 in the API)
//   interaction_hold    filling while a major interaction awaits a pharmacist (422)
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

enum class OrderStatus { kReceived, kInReview, kFilled, kShipped, kDelivered, kCancelled, kReturned };
inline constexpr int kOrderStatusCount = 7;

// What happens to an order. Each names the status it leads to.
enum class OrderEventType { kStartReview, kFill, kShip, kDeliver, kCancel, kReturn };
inline constexpr int kOrderEventTypeCount = 6;

namespace order_error {
inline constexpr std::string_view kInvalidTransition = "invalid_transition";
inline constexpr std::string_view kInteractionHold = "interaction_hold";
}  // namespace order_error

// Limits on what an event carries. Carrier labels and tracking numbers are
// ASCII everywhere we ship; 64 bytes exceeds every carrier's format.
inline constexpr std::size_t kMaxCarrierLength = 64;
inline constexpr std::size_t kMaxTrackingLength = 64;
inline constexpr std::size_t kMaxOrderNoteLength = 500;

// One entry of the order timeline, shown to the member as is.
// `carrier` and `tracking` come with kShip only (and are required there);
// `note` is optional free text for the member (never clinical detail: the
// member sees it in notifications too).
struct OrderEvent {
  OrderEventType type = OrderEventType::kStartReview;
  Instant at = {};
  std::optional<std::string> carrier = std::nullopt;
  std::optional<std::string> tracking = std::nullopt;
  std::optional<std::string> note = std::nullopt;
};

// One legal move of the state machine.
struct OrderTransition {
  OrderStatus from;
  OrderEventType event;
  OrderStatus to;
};

// The whole state machine as data (PRODUCT.md §4, "Order states").
inline constexpr std::array<OrderTransition, 9> kOrderTransitions = {{
    {OrderStatus::kReceived, OrderEventType::kStartReview, OrderStatus::kInReview},
    {OrderStatus::kInReview, OrderEventType::kFill, OrderStatus::kFilled},
    {OrderStatus::kFilled, OrderEventType::kShip, OrderStatus::kShipped},
    {OrderStatus::kShipped, OrderEventType::kDeliver, OrderStatus::kDelivered},
    // Cancelling stops the work; once the carrier has the package it cannot.
    {OrderStatus::kReceived, OrderEventType::kCancel, OrderStatus::kCancelled},
    {OrderStatus::kInReview, OrderEventType::kCancel, OrderStatus::kCancelled},
    {OrderStatus::kFilled, OrderEventType::kCancel, OrderStatus::kCancelled},
    // Returned to sender in transit, or sent back by the member.
    {OrderStatus::kShipped, OrderEventType::kReturn, OrderStatus::kReturned},
    {OrderStatus::kDelivered, OrderEventType::kReturn, OrderStatus::kReturned},
}};

// What the order looks like around the event, for the checks beyond the table.
struct OrderGuards {
  // The order's latest event (its creation time at first): the timeline never
  // runs backwards, so an event earlier than this is refused.
  Instant last_event_at = {};
  // A major drug interaction not yet overridden by a pharmacist (PRODUCT.md §6):
  // the order stays in review until then.
  bool interaction_hold = false;
};

// The snake_case API names: "received", "in_review", "filled", "shipped",
// "delivered", "cancelled", "returned".
std::string_view ToString(OrderStatus status);
// Exact API name to status; nullopt for anything else (case matters).
std::optional<OrderStatus> ParseOrderStatus(std::string_view text);

// "review_started", "filled", "shipped", "delivered", "cancelled", "returned".
std::string_view ToString(OrderEventType type);
// Exact API name to event type; nullopt for anything else.
std::optional<OrderEventType> ParseOrderEventType(std::string_view text);

// The status `event` leads to from `from`, or nullopt when the table has no such move.
std::optional<OrderStatus> NextOrderStatus(OrderStatus from, OrderEventType event);

// True when no event can move the order any more (cancelled, returned).
bool IsTerminal(OrderStatus status);

// Checks `event` against the table and its payload rules and returns the new status.
// Refusals: invalid_request (bad payload or `at` before guards.last_event_at),
// invalid_transition, interaction_hold (see the list at the top). Does not allocate on success.
Result<OrderStatus> TransitionOrder(OrderStatus current, const OrderEvent& event, const OrderGuards& guards);

}  // namespace rxdesk
