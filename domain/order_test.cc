#include "domain/order.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

namespace rxdesk {
namespace {

const Instant kT0 = Instant{MakeDate(2026, 11, 23)} + std::chrono::hours{15};

// A well-formed event of `type` at kT0 (shipping ones carry a carrier and tracking).
OrderEvent EventOf(OrderEventType type) {
  OrderEvent e{.type = type, .at = kT0};
  if (type == OrderEventType::kShip) {
    e.carrier = "UPS";
    e.tracking = "1Z999AA10123456784";
  }
  return e;
}

OrderEvent Ship(std::optional<std::string> carrier, std::optional<std::string> tracking) {
  return OrderEvent{.type = OrderEventType::kShip, .at = kT0, .carrier = std::move(carrier),
                    .tracking = std::move(tracking)};
}

constexpr OrderGuards kNoGuards{.last_event_at = Instant{}};

// ---- names ---------------------------------------------------------------

TEST(OrderStatusNames, RoundTripTheApiSpelling) {
  const std::pair<OrderStatus, const char*> names[] = {
      {OrderStatus::kReceived, "received"}, {OrderStatus::kInReview, "in_review"},
      {OrderStatus::kFilled, "filled"},     {OrderStatus::kShipped, "shipped"},
      {OrderStatus::kDelivered, "delivered"}, {OrderStatus::kCancelled, "cancelled"},
      {OrderStatus::kReturned, "returned"}};
  for (const auto& [status, name] : names) {
    EXPECT_EQ(ToString(status), name);
    EXPECT_EQ(ParseOrderStatus(name), status) << name;
  }
}

TEST(OrderStatusNames, RefuseOtherSpellingsAndGarbage) {
  for (const std::string_view bad :
       {std::string_view(""), std::string_view("Received"), std::string_view("RECEIVED"),
        std::string_view(" received"), std::string_view("received "), std::string_view("in-review"),
        std::string_view("inreview"), std::string_view("canceled"), std::string_view("review_started"),
        std::string_view("received\0", 9), std::string_view("\xff\xfe")}) {
    EXPECT_FALSE(ParseOrderStatus(bad).has_value()) << bad;
  }
}

TEST(OrderEventNames, RoundTripTheApiSpelling) {
  const std::pair<OrderEventType, const char*> names[] = {
      {OrderEventType::kStartReview, "review_started"}, {OrderEventType::kFill, "filled"},
      {OrderEventType::kShip, "shipped"},               {OrderEventType::kDeliver, "delivered"},
      {OrderEventType::kCancel, "cancelled"},           {OrderEventType::kReturn, "returned"}};
  for (const auto& [type, name] : names) {
    EXPECT_EQ(ToString(type), name);
    EXPECT_EQ(ParseOrderEventType(name), type) << name;
  }
  EXPECT_FALSE(ParseOrderEventType("received").has_value());  // creation is not an event of the machine
  EXPECT_FALSE(ParseOrderEventType("Shipped").has_value());
  EXPECT_FALSE(ParseOrderEventType("").has_value());
}

// ---- the whole table -------------------------------------------------------

// PRODUCT.md §4 written out by hand: rows are the current status, columns the
// event, "-" a refusal (invalid_transition).
constexpr const char* kExpected[kOrderStatusCount][kOrderEventTypeCount] = {
    //              review_started  filled    shipped    delivered    cancelled    returned
    /* received  */ {"in_review",   "-",      "-",       "-",         "cancelled", "-"},
    /* in_review */ {"-",           "filled", "-",       "-",         "cancelled", "-"},
    /* filled    */ {"-",           "-",      "shipped", "-",         "cancelled", "-"},
    /* shipped   */ {"-",           "-",      "-",       "delivered", "-",         "returned"},
    /* delivered */ {"-",           "-",      "-",       "-",         "-",         "returned"},
    /* cancelled */ {"-",           "-",      "-",       "-",         "-",         "-"},
    /* returned  */ {"-",           "-",      "-",       "-",         "-",         "-"},
};

TEST(TransitionOrder, EveryStatusAndEventPairMatchesTheSpecTable) {
  int legal = 0;
  for (int s = 0; s < kOrderStatusCount; ++s) {
    for (int e = 0; e < kOrderEventTypeCount; ++e) {
      const auto status = static_cast<OrderStatus>(s);
      const auto type = static_cast<OrderEventType>(e);
      const std::string expected = kExpected[s][e];
      const Result<OrderStatus> r = TransitionOrder(status, EventOf(type), kNoGuards);
      SCOPED_TRACE(std::string(ToString(status)) + " + " + std::string(ToString(type)));
      if (expected == "-") {
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, "invalid_transition");
        EXPECT_FALSE(NextOrderStatus(status, type).has_value());
      } else {
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(ToString(*r), expected);
        EXPECT_EQ(NextOrderStatus(status, type), *r);
        ++legal;
      }
    }
  }
  EXPECT_EQ(legal, static_cast<int>(kOrderTransitions.size()));  // 9 moves in the spec table
}

TEST(TransitionOrder, TheTableHasNoDuplicateMoves) {
  std::set<std::pair<int, int>> seen;
  for (const OrderTransition& t : kOrderTransitions) {
    EXPECT_TRUE(seen.emplace(static_cast<int>(t.from), static_cast<int>(t.event)).second)
        << ToString(t.from) << " + " << ToString(t.event);
  }
}

TEST(TransitionOrder, TheTimelineNeverRevisitsAStatus) {
  // The statuses are declared in the order an order can reach them, so every
  // legal move must go strictly later in that order: the machine has no cycle.
  for (const OrderTransition& t : kOrderTransitions) {
    EXPECT_LT(static_cast<int>(t.from), static_cast<int>(t.to)) << ToString(t.from) << " -> " << ToString(t.to);
  }
}

TEST(TransitionOrder, WalksTheLinearPathFromReceivedToDelivered) {
  OrderStatus s = OrderStatus::kReceived;
  for (const OrderEventType e : {OrderEventType::kStartReview, OrderEventType::kFill, OrderEventType::kShip,
                                 OrderEventType::kDeliver}) {
    const Result<OrderStatus> r = TransitionOrder(s, EventOf(e), kNoGuards);
    ASSERT_TRUE(r.ok()) << ToString(s) << " + " << ToString(e);
    s = *r;
  }
  EXPECT_EQ(s, OrderStatus::kDelivered);
}

TEST(TransitionOrder, EveryOrderPassesPharmacistReviewBeforeFilling) {
  const Result<OrderStatus> r = TransitionOrder(OrderStatus::kReceived, EventOf(OrderEventType::kFill), kNoGuards);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_transition");
}

TEST(TransitionOrder, CancellingStopsOnceThePackageHasShipped) {
  EXPECT_TRUE(TransitionOrder(OrderStatus::kFilled, EventOf(OrderEventType::kCancel), kNoGuards).ok());
  for (const OrderStatus s : {OrderStatus::kShipped, OrderStatus::kDelivered}) {
    const Result<OrderStatus> r = TransitionOrder(s, EventOf(OrderEventType::kCancel), kNoGuards);
    ASSERT_FALSE(r.ok()) << ToString(s);
    EXPECT_EQ(r.error().code, "invalid_transition");
  }
}

TEST(TransitionOrder, ARefusalNamesTheStatusAndTheEvent) {
  const Result<OrderStatus> r = TransitionOrder(OrderStatus::kShipped, EventOf(OrderEventType::kCancel), kNoGuards);
  ASSERT_FALSE(r.ok());
  const std::vector<std::pair<std::string, std::string>> details = {{"status", "shipped"}, {"event", "cancelled"}};
  EXPECT_EQ(r.error().details, details);
  EXPECT_TRUE(r.error().field.empty());
}

TEST(TransitionOrder, TerminalStatesRefuseEverything) {
  for (int s = 0; s < kOrderStatusCount; ++s) {
    const auto status = static_cast<OrderStatus>(s);
    const bool terminal = status == OrderStatus::kCancelled || status == OrderStatus::kReturned;
    EXPECT_EQ(IsTerminal(status), terminal) << ToString(status);
    if (!terminal) continue;
    for (int e = 0; e < kOrderEventTypeCount; ++e) {
      EXPECT_FALSE(TransitionOrder(status, EventOf(static_cast<OrderEventType>(e)), kNoGuards).ok());
    }
  }
}

TEST(TransitionOrder, ValuesOutsideTheEnumsAreRefusedNotTrusted) {
  const auto bogus_status = static_cast<OrderStatus>(42);
  const auto bogus_event = static_cast<OrderEventType>(-1);
  EXPECT_EQ(ToString(bogus_status), "unknown");
  EXPECT_EQ(ToString(bogus_event), "unknown");
  EXPECT_FALSE(NextOrderStatus(bogus_status, OrderEventType::kCancel).has_value());
  EXPECT_TRUE(IsTerminal(bogus_status));
  const Result<OrderStatus> r = TransitionOrder(OrderStatus::kReceived, EventOf(bogus_event), kNoGuards);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_transition");
}

// ---- drug interaction hold -------------------------------------------------

TEST(TransitionOrder, AMajorInteractionKeepsTheOrderInReview) {
  const OrderGuards held{.last_event_at = Instant{}, .interaction_hold = true};
  const Result<OrderStatus> r = TransitionOrder(OrderStatus::kInReview, EventOf(OrderEventType::kFill), held);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "interaction_hold");
  // Once the pharmacist overrides (hold lifted) the same event fills.
  EXPECT_EQ(TransitionOrder(OrderStatus::kInReview, EventOf(OrderEventType::kFill), kNoGuards).value(),
            OrderStatus::kFilled);
}

TEST(TransitionOrder, AHeldOrderCanStillEnterReviewOrBeCancelled) {
  const OrderGuards held{.last_event_at = Instant{}, .interaction_hold = true};
  EXPECT_EQ(TransitionOrder(OrderStatus::kReceived, EventOf(OrderEventType::kStartReview), held).value(),
            OrderStatus::kInReview);
  EXPECT_EQ(TransitionOrder(OrderStatus::kInReview, EventOf(OrderEventType::kCancel), held).value(),
            OrderStatus::kCancelled);
}

TEST(TransitionOrder, AnIllegalMoveIsAConflictEvenWhileHeld) {
  // received + filled is wrong whatever the hold says: 409 before 422.
  const OrderGuards held{.last_event_at = Instant{}, .interaction_hold = true};
  const Result<OrderStatus> r = TransitionOrder(OrderStatus::kReceived, EventOf(OrderEventType::kFill), held);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_transition");
}

// ---- shipping payload ------------------------------------------------------

void ExpectShipRefused(const OrderEvent& e, const std::string& field) {
  const Result<OrderStatus> r = TransitionOrder(OrderStatus::kFilled, e, kNoGuards);
  ASSERT_FALSE(r.ok()) << "carrier=" << e.carrier.value_or("<none>") << " tracking=" << e.tracking.value_or("<none>");
  EXPECT_EQ(r.error().code, "invalid_request");
  EXPECT_EQ(r.error().field, field);
}

TEST(ShipEvent, RequiresACarrierAndATrackingNumber) {
  ExpectShipRefused(Ship(std::nullopt, "1Z999AA10123456784"), "carrier");
  ExpectShipRefused(Ship("", "1Z999AA10123456784"), "carrier");
  ExpectShipRefused(Ship("UPS", std::nullopt), "tracking");
  ExpectShipRefused(Ship("UPS", ""), "tracking");
  ExpectShipRefused(Ship(std::nullopt, std::nullopt), "carrier");  // the first missing one is named
}

TEST(ShipEvent, AcceptsSixtyFourCharactersAndRefusesSixtyFive) {
  EXPECT_TRUE(TransitionOrder(OrderStatus::kFilled, Ship(std::string(64, 'C'), std::string(64, '9')), kNoGuards).ok());
  ExpectShipRefused(Ship(std::string(65, 'C'), "1"), "carrier");
  ExpectShipRefused(Ship("USPS", std::string(65, '9')), "tracking");
  ExpectShipRefused(Ship("USPS", std::string(100000, '9')), "tracking");
}

TEST(ShipEvent, AcceptsOneCharacterAndSpacesInside) {
  EXPECT_TRUE(TransitionOrder(OrderStatus::kFilled, Ship("X", "1"), kNoGuards).ok());
  EXPECT_TRUE(TransitionOrder(OrderStatus::kFilled, Ship("Amazon Logistics", "1Z 999 AA1 01 2345 6784"),
                              kNoGuards).ok());
}

TEST(ShipEvent, RefusesUnprintableOrPaddedText) {
  const std::string bad[] = {" 1Z999",       "1Z999 ",         "   ",          "1Z\t999", "1Z\n999",
                             "1Z\r\n999",    std::string("1Z\0" "999", 6), "1Z\x7f" "999", "1Zé999",
                             "\xff\xfe",     "<script>\x1b[2J"};
  for (const std::string& text : bad) {
    ExpectShipRefused(Ship("UPS", text), "tracking");
    ExpectShipRefused(Ship(text, "1Z999"), "carrier");
  }
}

TEST(ShipEvent, OtherEventsMayNotCarryShipmentDetails) {
  OrderEvent deliver = EventOf(OrderEventType::kDeliver);
  deliver.carrier = "UPS";
  Result<OrderStatus> r = TransitionOrder(OrderStatus::kShipped, deliver, kNoGuards);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "carrier");

  OrderEvent cancel = EventOf(OrderEventType::kCancel);
  cancel.tracking = "1Z999";
  r = TransitionOrder(OrderStatus::kFilled, cancel, kNoGuards);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "tracking");
}

TEST(ShipEvent, AMalformedEventIsRefusedBeforeItsLegalityIsJudged) {
  // Bad input answers 400 whatever the state; only a well-formed event can be a 409.
  const Result<OrderStatus> r = TransitionOrder(OrderStatus::kDelivered, Ship("", ""), kNoGuards);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_request");
}

// ---- note and time ---------------------------------------------------------

TEST(OrderEventNote, AcceptsUpToFiveHundredBytesOfPrintableText) {
  OrderEvent e = EventOf(OrderEventType::kCancel);
  e.note = std::string(500, 'a');
  EXPECT_TRUE(TransitionOrder(OrderStatus::kReceived, e, kNoGuards).ok());
  e.note = "Cancelado a petición del miembro\tgracias";  // UTF-8 and a tab are fine
  EXPECT_TRUE(TransitionOrder(OrderStatus::kReceived, e, kNoGuards).ok());
}

TEST(OrderEventNote, RefusesEmptyOversizedOrBrokenText) {
  const std::string bad[] = {"", std::string(501, 'a'), "line\nbreak", "bell\a", "\xc3", "\xed\xa0\x80",
                             std::string("nul\0", 4)};
  for (const std::string& note : bad) {
    OrderEvent e = EventOf(OrderEventType::kCancel);
    e.note = note;
    const Result<OrderStatus> r = TransitionOrder(OrderStatus::kReceived, e, kNoGuards);
    ASSERT_FALSE(r.ok()) << note.size();
    EXPECT_EQ(r.error().field, "note");
  }
}

TEST(OrderEventTime, MayNotPrecedeTheLatestEventButMayShareItsSecond) {
  const OrderEvent e = EventOf(OrderEventType::kStartReview);  // at kT0
  const OrderGuards same{.last_event_at = kT0};
  const OrderGuards one_second_later{.last_event_at = kT0 + std::chrono::seconds{1}};
  const OrderGuards one_second_earlier{.last_event_at = kT0 - std::chrono::seconds{1}};
  EXPECT_TRUE(TransitionOrder(OrderStatus::kReceived, e, same).ok());
  EXPECT_TRUE(TransitionOrder(OrderStatus::kReceived, e, one_second_earlier).ok());
  const Result<OrderStatus> r = TransitionOrder(OrderStatus::kReceived, e, one_second_later);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_request");
  EXPECT_EQ(r.error().field, "at");
}

}  // namespace
}  // namespace rxdesk
