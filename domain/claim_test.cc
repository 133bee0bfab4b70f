#include "domain/claim.h"

#include <gtest/gtest.h>

#include <climits>
#include <string>
#include <utility>
#include <vector>

namespace rxdesk {
namespace {

// ETA's last day used by most tests: Tuesday 2026-03-10.
constexpr Date kEta = MakeDate(2026, 3, 10);

ClaimInput LostInTransit(Date reported_on, Date eta_latest = kEta) {
  return ClaimInput{.kind = ClaimKind::kLost, .order_status = OrderStatus::kShipped, .eta_latest = eta_latest,
                    .reported_on = reported_on};
}

ClaimInput DamagedOnArrival(Date delivered_on, Date reported_on, Date eta_latest = kEta) {
  return ClaimInput{.kind = ClaimKind::kDamaged, .order_status = OrderStatus::kDelivered,
                    .eta_latest = eta_latest, .delivered_on = delivered_on, .reported_on = reported_on};
}

std::string CodeOf(const Result<ClaimDecision>& r) { return r.ok() ? "ok" : r.error().code; }

// ---- names -----------------------------------------------------------------

TEST(ClaimNames, RoundTripTheApiSpelling) {
  EXPECT_EQ(ToString(ClaimKind::kLost), "lost");
  EXPECT_EQ(ToString(ClaimKind::kDamaged), "damaged");
  EXPECT_EQ(ParseClaimKind("lost"), ClaimKind::kLost);
  EXPECT_EQ(ParseClaimKind("damaged"), ClaimKind::kDamaged);
  EXPECT_EQ(ToString(ClaimState::kPendingApproval), "pending_approval");
  EXPECT_EQ(ToString(ClaimState::kApproved), "approved");
  EXPECT_EQ(ToString(ClaimState::kDenied), "denied");
  for (const char* name : {"pending_approval", "approved", "denied"}) {
    ASSERT_TRUE(ParseClaimState(name).has_value()) << name;
    EXPECT_EQ(ToString(*ParseClaimState(name)), name);
  }
}

TEST(ClaimNames, RefuseOtherSpellings) {
  for (const char* bad : {"", "Lost", "LOST", " lost", "stolen", "damage", "lost,damaged"}) {
    EXPECT_FALSE(ParseClaimKind(bad).has_value()) << bad;
  }
  for (const char* bad : {"", "pending", "Approved", "rejected"}) {
    EXPECT_FALSE(ParseClaimState(bad).has_value()) << bad;
  }
  EXPECT_EQ(ToString(static_cast<ClaimKind>(7)), "unknown");
}

// ---- the window, lost in transit ----------------------------------------------

struct WindowCase {
  const char* reported_on;
  const char* expected;  // "ok" or the refusal code
};

TEST(LostClaim, IsDueTheDayAfterTheEtaAndOpenThirtyDaysAfterIt) {
  // ETA's last day 2026-03-10. Day +1 = 03-11; +29 = 04-08 (21 days to 03-31, 8 more);
  // +30 = 04-09 (the last accepted day); +31 = 04-10.
  const WindowCase cases[] = {
      {"2026-02-01", "too_early_to_report_lost"},  // long before the ETA
      {"2026-03-09", "too_early_to_report_lost"},  // the day before the ETA's last day
      {"2026-03-10", "too_early_to_report_lost"},  // the ETA's last day itself is not over
      {"2026-03-11", "ok"},                        // day 1 after it
      {"2026-04-08", "ok"},                        // day 29
      {"2026-04-09", "ok"},                        // day 30
      {"2026-04-10", "claim_window_closed"},       // day 31
      {"2027-03-10", "claim_window_closed"},       // a year later
  };
  for (const WindowCase& c : cases) {
    EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(*ParseDate(c.reported_on)), ClaimPolicy{})), c.expected)
        << c.reported_on;
  }
}

TEST(LostClaim, TooEarlyNamesTheFirstDayItCanBeReported) {
  const Result<ClaimDecision> r = CheckPackageClaim(LostInTransit(MakeDate(2026, 3, 1)), ClaimPolicy{});
  ASSERT_FALSE(r.ok());
  const std::vector<std::pair<std::string, std::string>> details = {{"earliest_report_date", "2026-03-11"}};
  EXPECT_EQ(r.error().details, details);
}

TEST(LostClaim, ClosedWindowNamesItsLastDay) {
  const Result<ClaimDecision> r = CheckPackageClaim(LostInTransit(MakeDate(2026, 4, 10)), ClaimPolicy{});
  ASSERT_FALSE(r.ok());
  const std::vector<std::pair<std::string, std::string>> details = {{"window_closed_on", "2026-04-09"}};
  EXPECT_EQ(r.error().details, details);
}

TEST(LostClaim, AcceptedExactlyOnDaysOneToThirtyAfterTheEta) {
  // Property over a whole leap year of ETAs and two months either side of each.
  for (Date eta = MakeDate(2024, 1, 1); eta <= MakeDate(2024, 12, 31); eta += Days{1}) {
    for (int offset = -60; offset <= 60; ++offset) {
      const Result<ClaimDecision> r = CheckPackageClaim(LostInTransit(eta + Days{offset}, eta), ClaimPolicy{});
      const char* expected = offset <= 0 ? "too_early_to_report_lost" : offset <= 30 ? "ok" : "claim_window_closed";
      ASSERT_EQ(CodeOf(r), expected) << FormatDate(eta) << " + " << offset;
      if (r.ok()) {
        ASSERT_EQ(DaysBetween(eta, r->window_closes_on), 30);
      }
    }
  }
}

TEST(LostClaim, WindowCountsTheLeapDay) {
  // 2024-02-10 + 30: 19 days to 02-29, 11 more -> 03-11.
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2024, 3, 11), MakeDate(2024, 2, 10)), {})), "ok");
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2024, 3, 12), MakeDate(2024, 2, 10)), {})),
            "claim_window_closed");
  // 2026-02-10 + 30: 18 days to 02-28, 12 more -> 03-12.
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2026, 3, 12), MakeDate(2026, 2, 10)), {})), "ok");
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2026, 3, 13), MakeDate(2026, 2, 10)), {})),
            "claim_window_closed");
  // 2024-01-30 + 30: 1 day to 01-31, 29 more -> 02-29, the leap day is the last day.
  const Result<ClaimDecision> leap = CheckPackageClaim(LostInTransit(MakeDate(2024, 2, 29), MakeDate(2024, 1, 30)), {});
  ASSERT_TRUE(leap.ok());
  EXPECT_EQ(leap->window_closes_on, MakeDate(2024, 2, 29));
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2024, 3, 1), MakeDate(2024, 1, 30)), {})),
            "claim_window_closed");
}

TEST(LostClaim, AnEtaOnTheLeapDayIsDueOnTheFirstOfMarch) {
  // ETA 2024-02-29: due 03-01 (day 1); day 30 is 03-01 + 29 = 03-30.
  const Date eta = MakeDate(2024, 2, 29);
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(eta, eta), {})), "too_early_to_report_lost");
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2024, 3, 1), eta), {})), "ok");
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2024, 3, 30), eta), {})), "ok");
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2024, 3, 31), eta), {})), "claim_window_closed");
}

TEST(LostClaim, WindowRunsAcrossNewYear) {
  // 2026-12-15 + 30: 16 days to 12-31, 14 more -> 2027-01-14.
  const Date eta = MakeDate(2026, 12, 15);
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2027, 1, 14), eta), {})), "ok");
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2027, 1, 15), eta), {})), "claim_window_closed");
}

TEST(LostClaim, WindowLengthComesFromThePolicy) {
  const ClaimPolicy ten_days{.window_days = 10};
  // 2026-03-10 + 10 -> 03-20.
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2026, 3, 20)), ten_days)), "ok");
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2026, 3, 21)), ten_days)), "claim_window_closed");
  const ClaimPolicy sixty_days{.window_days = 60};
  // 2026-03-10 + 60: 21 days to 03-31, 30 to 04-30, 9 more -> 05-09.
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2026, 5, 9)), sixty_days)), "ok");
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(2026, 5, 10)), sixty_days)), "claim_window_closed");
}

// ---- lost although marked delivered (porch theft) ------------------------------

TEST(LostClaim, AMarkedDeliveredPackageCanBeReportedLostAtOnce) {
  // Delivered 2026-03-05, five days before the ETA's last day: the carrier is done,
  // so "not yet due" no longer applies. The window still closes 03-10 + 30 = 04-09.
  ClaimInput porch{.kind = ClaimKind::kLost, .order_status = OrderStatus::kDelivered, .eta_latest = kEta,
                   .delivered_on = MakeDate(2026, 3, 5), .reported_on = MakeDate(2026, 3, 5)};
  EXPECT_EQ(CodeOf(CheckPackageClaim(porch, {})), "ok");
  porch.reported_on = MakeDate(2026, 4, 9);
  EXPECT_EQ(CodeOf(CheckPackageClaim(porch, {})), "ok");
  porch.reported_on = MakeDate(2026, 4, 10);
  EXPECT_EQ(CodeOf(CheckPackageClaim(porch, {})), "claim_window_closed");
}

// ---- damaged ----------------------------------------------------------------

TEST(DamagedClaim, OpenFromTheDeliveryDayToThirtyDaysAfterTheEta) {
  // Delivered 2026-03-09, the day before the ETA's last day (03-10); window to 04-09.
  const Date delivered = MakeDate(2026, 3, 9);
  const WindowCase cases[] = {
      {"2026-03-08", "invalid_request"},      // before it arrived: impossible input
      {"2026-03-09", "ok"},                   // the day it arrived
      {"2026-04-08", "ok"},                   // day 29 after the ETA
      {"2026-04-09", "ok"},                   // day 30
      {"2026-04-10", "claim_window_closed"},  // day 31
  };
  for (const WindowCase& c : cases) {
    EXPECT_EQ(CodeOf(CheckPackageClaim(DamagedOnArrival(delivered, *ParseDate(c.reported_on)), {})), c.expected)
        << c.reported_on;
  }
}

TEST(DamagedClaim, ALateDeliveryGetsItsFullWindowFromTheDeliveryDay) {
  // ETA's last day 03-10 but delivered ten days late, 03-20. Counting from the ETA would
  // close on 04-09; counting from the delivery day: 03-20 + 30 = 04-19 (11 to 03-31, 19 more).
  const Date delivered = MakeDate(2026, 3, 20);
  EXPECT_EQ(CodeOf(CheckPackageClaim(DamagedOnArrival(delivered, MakeDate(2026, 4, 15)), {})), "ok");
  const Result<ClaimDecision> last = CheckPackageClaim(DamagedOnArrival(delivered, MakeDate(2026, 4, 19)), {});
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->window_closes_on, MakeDate(2026, 4, 19));
  EXPECT_EQ(CodeOf(CheckPackageClaim(DamagedOnArrival(delivered, MakeDate(2026, 4, 20)), {})),
            "claim_window_closed");
}

TEST(DamagedClaim, NeedsTheOrderMarkedDelivered) {
  ClaimInput in_transit = LostInTransit(MakeDate(2026, 3, 12));
  in_transit.kind = ClaimKind::kDamaged;
  EXPECT_EQ(CodeOf(CheckPackageClaim(in_transit, {})), "order_not_delivered");
}

TEST(DamagedClaim, IsAskedBackUnlessItIsAControlledSubstance) {
  ClaimInput claim = DamagedOnArrival(MakeDate(2026, 3, 9), MakeDate(2026, 3, 9));
  Result<ClaimDecision> r = CheckPackageClaim(claim, {});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->return_required);

  claim.controlled = true;  // 21 CFR 1317: only a registered collector may take it back
  r = CheckPackageClaim(claim, {});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->return_required);
  r = CheckPackageClaim(claim, ClaimPolicy{.return_damaged_controlled = true});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->return_required);

  claim.controlled = false;
  r = CheckPackageClaim(claim, ClaimPolicy{.return_damaged = false});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->return_required);
}

TEST(DamagedClaim, AZeroDayWindowLeavesOnlyTheDayOfDelivery) {
  const ClaimPolicy none{.window_days = 0};
  EXPECT_EQ(CodeOf(CheckPackageClaim(DamagedOnArrival(kEta, kEta), none)), "ok");
  EXPECT_EQ(CodeOf(CheckPackageClaim(DamagedOnArrival(kEta, kEta + Days{1}), none)), "claim_window_closed");
}

// ---- the decision -------------------------------------------------------------

TEST(ClaimDecision, ReplacementIsFreeAndControlledOnesWaitForAPharmacist) {
  struct Case {
    ClaimKind kind;
    bool controlled;
    ClaimState state;
    bool return_required;
  };
  const Case cases[] = {
      {ClaimKind::kLost, false, ClaimState::kApproved, false},
      {ClaimKind::kLost, true, ClaimState::kPendingApproval, false},
      {ClaimKind::kDamaged, false, ClaimState::kApproved, true},
      {ClaimKind::kDamaged, true, ClaimState::kPendingApproval, false},
  };
  for (const Case& c : cases) {
    ClaimInput input = c.kind == ClaimKind::kLost ? LostInTransit(MakeDate(2026, 3, 20))
                                                  : DamagedOnArrival(MakeDate(2026, 3, 9), MakeDate(2026, 3, 20));
    input.controlled = c.controlled;
    const Result<ClaimDecision> r = CheckPackageClaim(input, {});
    ASSERT_TRUE(r.ok()) << ToString(c.kind) << " controlled=" << c.controlled;
    EXPECT_EQ(r->state, c.state);
    EXPECT_EQ(r->needs_pharmacist_approval, c.controlled);
    EXPECT_EQ(r->return_required, c.return_required);
    EXPECT_EQ(r->replacement_fee, Cents(0));
    EXPECT_EQ(r->window_closes_on, MakeDate(2026, 4, 9));
  }
}

// ---- what refuses a claim outright ------------------------------------------------

TEST(PackageClaim, AnOrderThatHasNotShippedCannotBeClaimed) {
  for (const OrderStatus s :
       {OrderStatus::kReceived, OrderStatus::kInReview, OrderStatus::kFilled, OrderStatus::kCancelled}) {
    for (const ClaimKind kind : {ClaimKind::kLost, ClaimKind::kDamaged}) {
      const ClaimInput input{.kind = kind, .order_status = s, .eta_latest = kEta, .reported_on = kEta + Days{5}};
      EXPECT_EQ(CodeOf(CheckPackageClaim(input, {})), "order_not_shipped") << ToString(s);
    }
  }
}

TEST(PackageClaim, AReturnedPackageCannotBeClaimed) {
  const ClaimInput input{.kind = ClaimKind::kLost, .order_status = OrderStatus::kReturned, .eta_latest = kEta,
                         .reported_on = kEta + Days{5}};
  EXPECT_EQ(CodeOf(CheckPackageClaim(input, {})), "order_returned");
}

TEST(PackageClaim, OneClaimPerOrderWhateverElseIsTrue) {
  // The second claim is refused even where the first answer would have been another refusal.
  ClaimInput input = LostInTransit(MakeDate(2026, 3, 20));
  input.already_claimed = true;
  EXPECT_EQ(CodeOf(CheckPackageClaim(input, {})), "claim_exists");
  input.reported_on = MakeDate(2026, 12, 1);  // window long closed
  EXPECT_EQ(CodeOf(CheckPackageClaim(input, {})), "claim_exists");
  input.order_status = OrderStatus::kReturned;  // the damaged package came back after the first claim
  EXPECT_EQ(CodeOf(CheckPackageClaim(input, {})), "claim_exists");
}

TEST(PackageClaim, RefusesInconsistentInputNamingTheField) {
  ClaimInput no_day = DamagedOnArrival(kEta, kEta);
  no_day.delivered_on.reset();
  Result<ClaimDecision> r = CheckPackageClaim(no_day, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_request");
  EXPECT_EQ(r.error().field, "delivered_on");

  for (const OrderStatus s : {OrderStatus::kShipped, OrderStatus::kReceived, OrderStatus::kCancelled}) {
    ClaimInput stray_day = LostInTransit(kEta + Days{3});
    stray_day.order_status = s;
    stray_day.delivered_on = kEta;
    r = CheckPackageClaim(stray_day, {});
    ASSERT_FALSE(r.ok()) << ToString(s);
    EXPECT_EQ(r.error().field, "delivered_on");
  }

  ClaimInput bogus_kind = LostInTransit(kEta + Days{3});
  bogus_kind.kind = static_cast<ClaimKind>(9);
  r = CheckPackageClaim(bogus_kind, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "kind");
}

TEST(PackageClaim, SurvivesDatesAtTheEndsOfTheCalendar) {
  // Garbage dates from a bad import must answer, not overflow or crash.
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(1900, 1, 1), MakeDate(9999, 12, 31)), {})),
            "too_early_to_report_lost");
  EXPECT_EQ(CodeOf(CheckPackageClaim(LostInTransit(MakeDate(9999, 12, 31), MakeDate(1900, 1, 1)), {})),
            "claim_window_closed");
}

// ---- policy and approval -------------------------------------------------------

TEST(ClaimPolicy, DefaultsMatchTheSpecAndBoundsAreChecked) {
  EXPECT_EQ(ClaimPolicy{}.window_days, 30);  // PRODUCT.md §4
  EXPECT_TRUE(ValidateClaimPolicy(ClaimPolicy{}).ok());
  for (const int ok_days : {0, 1, 365}) EXPECT_TRUE(ValidateClaimPolicy({.window_days = ok_days}).ok()) << ok_days;
  for (const int bad_days : {-1, 366, INT_MIN, INT_MAX}) {
    const Status s = ValidateClaimPolicy({.window_days = bad_days});
    ASSERT_FALSE(s.ok()) << bad_days;
    EXPECT_EQ(s.error().field, "claims.window_days");
  }
}

TEST(ResolveClaim, APharmacistApprovesOrDeniesAPendingClaimOnce) {
  EXPECT_EQ(ResolveClaim(ClaimState::kPendingApproval, true).value(), ClaimState::kApproved);
  EXPECT_EQ(ResolveClaim(ClaimState::kPendingApproval, false).value(), ClaimState::kDenied);
  for (const ClaimState done : {ClaimState::kApproved, ClaimState::kDenied}) {
    for (const bool approve : {true, false}) {
      const Result<ClaimState> r = ResolveClaim(done, approve);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, "invalid_transition");
    }
  }
}

}  // namespace
}  // namespace rxdesk
