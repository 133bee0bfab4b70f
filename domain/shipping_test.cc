#include "domain/shipping.h"

#include <date/tz.h>
#include <gtest/gtest.h>

#include "domain/test_fixtures.h"

#include <string>
#include <vector>

#include "domain/business_days.h"

namespace rxdesk {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

using test::At;
using test::Chicago;

constexpr Date D(int y, unsigned m, unsigned d) { return MakeDate(y, m, d); }

// "ship / earliest / latest" so a failure shows all three dates at once.
std::string Window(const ShippingQuote& q) {
  return FormatDate(q.ship_date) + " / " + FormatDate(q.eta_earliest) + " / " + FormatDate(q.eta_latest);
}

std::string Quote(const char* placed_at, ShippingSpeed speed, std::span<const Date> closures = {}) {
  return Window(QuoteShipping(At(placed_at), speed, ShippingPolicy{}, Chicago(), closures));
}

// CST = UTC−6 (winter), CDT = UTC−5 (2026-03-08 08:00Z to 2026-11-01 07:00Z).

TEST(ShipDate, ShipsTheSameDayUntilOneSecondBeforeTheCutoff) {
  // Tue 2026-11-17: 14:59:59 CST = 20:59:59Z; 15:00:00 CST = 21:00:00Z.
  EXPECT_EQ(ShipDate(At("2026-11-17T20:59:59Z"), minutes{15 * 60}, Chicago()), D(2026, 11, 17));
  EXPECT_EQ(ShipDate(At("2026-11-17T21:00:00Z"), minutes{15 * 60}, Chicago()), D(2026, 11, 18));
  // Tue 2026-07-14: 14:59:59 CDT = 19:59:59Z; 15:00:00 CDT = 20:00:00Z.
  EXPECT_EQ(ShipDate(At("2026-07-14T19:59:59Z"), minutes{15 * 60}, Chicago()), D(2026, 7, 14));
  EXPECT_EQ(ShipDate(At("2026-07-14T20:00:00Z"), minutes{15 * 60}, Chicago()), D(2026, 7, 15));
}

TEST(ShipDate, ReadsTheClockOnTheRightSideOfEachDstChange) {
  // Mon 2026-03-09 20:30Z is 15:30 CDT: after the cutoff (as CST it would be 14:30).
  EXPECT_EQ(ShipDate(At("2026-03-09T20:30:00Z"), minutes{15 * 60}, Chicago()), D(2026, 3, 10));
  // Mon 2026-11-02 20:30Z is 14:30 CST: before the cutoff (as CDT it would be 15:30).
  EXPECT_EQ(ShipDate(At("2026-11-02T20:30:00Z"), minutes{15 * 60}, Chicago()), D(2026, 11, 2));
  // Sun 2026-03-08 08:30Z is 03:30 CDT, just after the jump: Sunday ships Monday.
  EXPECT_EQ(ShipDate(At("2026-03-08T08:30:00Z"), minutes{15 * 60}, Chicago()), D(2026, 3, 9));
}

TEST(ShipDate, UsesTheLocalDateAroundMidnight) {
  // Tue 2026-11-17 00:00:00 CST = 06:00Z ships Tuesday; Mon 23:59:59 CST (05:59:59Z on
  // Tuesday in UTC) is Monday after the cutoff and also ships Tuesday.
  EXPECT_EQ(ShipDate(At("2026-11-17T06:00:00Z"), minutes{15 * 60}, Chicago()), D(2026, 11, 17));
  EXPECT_EQ(ShipDate(At("2026-11-17T05:59:59Z"), minutes{15 * 60}, Chicago()), D(2026, 11, 17));
  // Fri 2026-11-20 10:00 CST is a Friday locally and ships Friday.
  EXPECT_EQ(ShipDate(At("2026-11-20T16:00:00Z"), minutes{15 * 60}, Chicago()), D(2026, 11, 20));
}

TEST(QuoteShipping, ExpeditedFromAMondayArrivesThursdayToMonday) {
  // PRODUCT.md §4. Mon 2026-11-16 10:00 CST: day 0; Thu 11-19 is 3, Mon 11-23 is 5.
  const ShippingQuote q = QuoteShipping(At("2026-11-16T16:00:00Z"), ShippingSpeed::kExpedited, ShippingPolicy{}, Chicago());
  EXPECT_EQ(Window(q), "2026-11-16 / 2026-11-19 / 2026-11-23");
  EXPECT_EQ(q.fee, Cents(1495));
}

TEST(QuoteShipping, AFridayOrderAfterTheCutoffShipsMonday) {
  // Fri 2026-11-20 15:00 CST → Mon 11-23. Standard: Tue 24 (1), Wed 25 (2), Thu 26 Thanksgiving,
  // Fri 27 (3), Mon 30 (4), Tue 12-1 (5), Wed 2 (6), Thu 3 (7) … Fri 4 (8), Mon 7 (9), Tue 8 (10).
  EXPECT_EQ(Quote("2026-11-20T21:00:00Z", ShippingSpeed::kStandard), "2026-11-23 / 2026-12-03 / 2026-12-08");
}

TEST(QuoteShipping, AWeekendOrderShipsMonday) {
  EXPECT_EQ(Quote("2026-11-21T16:00:00Z", ShippingSpeed::kStandard), "2026-11-23 / 2026-12-03 / 2026-12-08");  // Sat
  EXPECT_EQ(Quote("2026-11-22T16:00:00Z", ShippingSpeed::kStandard), "2026-11-23 / 2026-12-03 / 2026-12-08");  // Sun
}

TEST(QuoteShipping, TheDayBeforeThanksgiving) {
  // Wed 2026-11-25 10:00 CST ships Wed. Expedited: Thu 26 holiday, Fri 27 (1), Mon 30 (2),
  // Tue 12-1 (3) … Wed 2 (4), Thu 3 (5).
  EXPECT_EQ(Quote("2026-11-25T16:00:00Z", ShippingSpeed::kExpedited), "2026-11-25 / 2026-12-01 / 2026-12-03");
  // Wed 16:00 CST is after the cutoff: the next business day is Fri 11-27. Mon 30 (1),
  // Tue 1 (2), Wed 2 (3) … Thu 3 (4), Fri 4 (5).
  EXPECT_EQ(Quote("2026-11-25T22:00:00Z", ShippingSpeed::kExpedited), "2026-11-27 / 2026-12-02 / 2026-12-04");
}

TEST(QuoteShipping, OperatorClosuresDelayShippingAndDelivery) {
  // Closed Fri 2026-11-27 too: Wed after cutoff → Mon 11-30; Tue 1 (1), Wed 2 (2), Thu 3 (3) … Fri 4 (4), Mon 7 (5).
  const std::vector<Date> closures = {D(2026, 11, 27)};
  EXPECT_EQ(Quote("2026-11-25T22:00:00Z", ShippingSpeed::kExpedited, closures),
            "2026-11-30 / 2026-12-03 / 2026-12-07");
}

TEST(QuoteShipping, StandardWindowSpansChristmasAndNewYear2026) {
  // Mon 2026-12-21 10:00 CST. Tue 22 (1), Wed 23 (2), Thu 24 (3), Fri 25 Christmas, Mon 28 (4),
  // Tue 29 (5), Wed 30 (6), Thu 31 (7) … Fri 2027-01-01 New Year, Mon 4 (8), Tue 5 (9), Wed 6 (10).
  EXPECT_EQ(Quote("2026-12-21T16:00:00Z", ShippingSpeed::kStandard), "2026-12-21 / 2026-12-31 / 2027-01-06");
  // Specialty continues: Wed 6 (10) … Thu 7 (11), Fri 8 (12), Mon 11 (13), Tue 12 (14).
  EXPECT_EQ(Quote("2026-12-21T16:00:00Z", ShippingSpeed::kSpecialty), "2026-12-21 / 2027-01-06 / 2027-01-12");
}

TEST(QuoteShipping, WindowsSkipChristmasAndNewYearObservedOnFridaysIn2027) {
  // Wed 2027-12-22 10:00 CST. Christmas observed Fri 12-24, New Year's Day 2028 observed Fri 12-31.
  // Expedited: Thu 23 (1), Mon 27 (2), Tue 28 (3) … Wed 29 (4), Thu 30 (5).
  EXPECT_EQ(Quote("2027-12-22T16:00:00Z", ShippingSpeed::kExpedited), "2027-12-22 / 2027-12-28 / 2027-12-30");
  // Standard: … Thu 30 (5), Mon 2028-01-03 (6), Tue 4 (7) … Wed 5 (8), Thu 6 (9), Fri 7 (10).
  EXPECT_EQ(Quote("2027-12-22T16:00:00Z", ShippingSpeed::kStandard), "2027-12-22 / 2028-01-04 / 2028-01-07");
}

TEST(QuoteShipping, ShipsOnTheLeapDay) {
  // Mon 2028-02-28 15:00 CST → Tue 02-29; Wed 3-1 (1), Thu 2 (2), Fri 3 (3) … Mon 6 (4), Tue 7 (5).
  EXPECT_EQ(Quote("2028-02-28T21:00:00Z", ShippingSpeed::kExpedited), "2028-02-29 / 2028-03-03 / 2028-03-07");
}

TEST(QuoteShipping, ChargesTheFeeOfTheSpeed) {
  const ShippingPolicy policy;
  const Instant t = At("2026-11-16T16:00:00Z");
  EXPECT_EQ(QuoteShipping(t, ShippingSpeed::kStandard, policy, Chicago()).fee, Cents(0));
  EXPECT_EQ(QuoteShipping(t, ShippingSpeed::kExpedited, policy, Chicago()).fee, Cents::FromDollars(14, 95));
  EXPECT_EQ(QuoteShipping(t, ShippingSpeed::kSpecialty, policy, Chicago()).fee, Cents(0));
}

TEST(QuoteShipping, FollowsAConfiguredPolicy) {
  ShippingPolicy policy;
  policy.cutoff = hours{12};
  policy.expedited = {.min_business_days = 1, .max_business_days = 2, .fee = Cents(2500)};
  // Tue 2026-11-17 12:00 CST = 18:00Z is now at the cutoff → Wed 18; Thu 19 (1), Fri 20 (2).
  const ShippingQuote q = QuoteShipping(At("2026-11-17T18:00:00Z"), ShippingSpeed::kExpedited, policy, Chicago());
  EXPECT_EQ(Window(q), "2026-11-18 / 2026-11-19 / 2026-11-20");
  EXPECT_EQ(q.fee, Cents(2500));
  // A cutoff of 00:00 ships every order the next business day; 24:00 the same business day.
  EXPECT_EQ(ShipDate(At("2026-11-17T06:00:00Z"), minutes{0}, Chicago()), D(2026, 11, 18));
  EXPECT_EQ(ShipDate(At("2026-11-18T05:59:59Z"), hours{24}, Chicago()), D(2026, 11, 17));
}

TEST(ValidateShippingPolicy, AcceptsTheProductDefaults) {
  const ShippingPolicy policy;
  EXPECT_TRUE(ValidateShippingPolicy(policy).ok());
  EXPECT_EQ(policy.cutoff, hours{15});
  EXPECT_EQ(policy.standard, (DeliveryTerms{7, 10, Cents(0)}));
  EXPECT_EQ(policy.expedited, (DeliveryTerms{3, 5, Cents(1495)}));
  EXPECT_EQ(policy.specialty, (DeliveryTerms{10, 14, Cents(0)}));
}

TEST(ValidateShippingPolicy, RefusesImpossibleSettingsNamingTheSetting) {
  const auto field_of = [](auto&& change) {
    ShippingPolicy p;
    change(p);
    const Status s = ValidateShippingPolicy(p);
    return s.ok() ? std::string("ok") : s.error().field;
  };
  EXPECT_EQ(field_of([](ShippingPolicy& p) { p.cutoff = minutes{-1}; }), "shipping.cutoff");
  EXPECT_EQ(field_of([](ShippingPolicy& p) { p.cutoff = hours{24} + minutes{1}; }), "shipping.cutoff");
  EXPECT_EQ(field_of([](ShippingPolicy& p) { p.cutoff = hours{24}; }), "ok");
  EXPECT_EQ(field_of([](ShippingPolicy& p) { p.standard.min_business_days = -1; }), "shipping.standard.min_business_days");
  EXPECT_EQ(field_of([](ShippingPolicy& p) { p.expedited.max_business_days = 2; }), "shipping.expedited.max_business_days");
  EXPECT_EQ(field_of([](ShippingPolicy& p) { p.specialty.max_business_days = 366; }), "shipping.specialty.max_business_days");
  EXPECT_EQ(field_of([](ShippingPolicy& p) { p.expedited.fee = Cents(-1); }), "shipping.expedited.fee");
  EXPECT_EQ(field_of([](ShippingPolicy& p) { p.expedited.max_business_days = 3; }), "ok");  // a single day: 3–3
}

TEST(ParseShippingSpeed, ReadsTheThreeApiNamesAndRoundTrips) {
  for (const ShippingSpeed s : {ShippingSpeed::kStandard, ShippingSpeed::kExpedited, ShippingSpeed::kSpecialty}) {
    const auto parsed = ParseShippingSpeed(ToString(s));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, s);
  }
  EXPECT_EQ(ToString(ShippingSpeed::kExpedited), "expedited");
}

TEST(ParseShippingSpeed, RefusesAnythingElse) {
  for (const std::string_view bad : {std::string_view(""), std::string_view("Standard"), std::string_view(" standard"),
                                     std::string_view("overnight"), std::string_view("standard\0", 9),
                                     std::string_view("expedite")}) {
    const auto s = ParseShippingSpeed(bad, "shipping_speed");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, "invalid_request");
    EXPECT_EQ(s.error().field, "shipping_speed");
  }
}

TEST(QuoteScheduledSpecialty, DeliversOnTheScheduledBusinessDay) {
  // Mon 2026-11-16 10:00 CST ships Monday; the agent schedules Wed 12-02.
  const auto q = QuoteScheduledSpecialty(At("2026-11-16T16:00:00Z"), D(2026, 12, 2), ShippingPolicy{}, Chicago());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(Window(*q), "2026-11-16 / 2026-12-02 / 2026-12-02");
  EXPECT_EQ(q->fee, Cents(0));
  EXPECT_TRUE(QuoteScheduledSpecialty(At("2026-11-16T16:00:00Z"), D(2026, 11, 17), ShippingPolicy{}, Chicago()).ok());
}

TEST(QuoteScheduledSpecialty, RefusesADateThatIsNotABusinessDayAfterTheShipDate) {
  for (const Date bad : {D(2026, 11, 16), D(2026, 11, 10), D(2026, 11, 21), D(2026, 11, 26)}) {  // day 0, past, Sat, Thanksgiving
    const auto q = QuoteScheduledSpecialty(At("2026-11-16T16:00:00Z"), bad, ShippingPolicy{}, Chicago());
    ASSERT_FALSE(q.ok()) << FormatDate(bad);
    EXPECT_EQ(q.error().code, "invalid_request");
    EXPECT_EQ(q.error().field, "scheduled_date");
    EXPECT_EQ(q.error().details, (std::vector<std::pair<std::string, std::string>>{{"earliest_date", "2026-11-17"}}));
  }
}

// For every order instant over three years, every speed: the quote obeys §4.
TEST(QuoteShipping, WindowsAreOrderedBusinessDaysCountedFromTheShipDate) {
  const ShippingPolicy policy;
  const std::vector<Date> closures = {D(2026, 11, 27), D(2027, 7, 6)};
  Date previous_ship = D(2000, 1, 1);
  for (Instant t = At("2026-01-01T00:00:00Z"); t < At("2029-01-01T00:00:00Z"); t += minutes{47} + std::chrono::seconds{13}) {
    const LocalDateTime local = Chicago().ToLocal(t);
    for (const ShippingSpeed speed : {ShippingSpeed::kStandard, ShippingSpeed::kExpedited, ShippingSpeed::kSpecialty}) {
      const ShippingQuote q = QuoteShipping(t, speed, policy, Chicago(), closures);
      const DeliveryTerms& terms = policy.For(speed);
      ASSERT_TRUE(IsBusinessDay(q.ship_date, closures)) << FormatInstant(t);
      ASSERT_GE(q.ship_date, local.date);
      // No business day is skipped between the order and the ship date, except the order day after the cutoff.
      for (Date d = local.date; d < q.ship_date; d += Days{1}) {
        ASSERT_TRUE(!IsBusinessDay(d, closures) || (d == local.date && local.time_of_day >= hours{15})) << FormatInstant(t);
      }
      ASSERT_TRUE(IsBusinessDay(q.eta_earliest, closures));
      ASSERT_TRUE(IsBusinessDay(q.eta_latest, closures));
      ASSERT_LT(q.ship_date, q.eta_earliest);
      ASSERT_LE(q.eta_earliest, q.eta_latest);
      int to_earliest = 0, to_latest = 0;
      for (Date d = q.ship_date + Days{1}; d <= q.eta_latest; d += Days{1}) {
        if (!IsBusinessDay(d, closures)) continue;
        to_latest += 1;
        to_earliest += d <= q.eta_earliest ? 1 : 0;
      }
      ASSERT_EQ(to_earliest, terms.min_business_days) << FormatInstant(t);
      ASSERT_EQ(to_latest, terms.max_business_days) << FormatInstant(t);
      ASSERT_EQ(q.fee, terms.fee);
    }
    const Date ship = ShipDate(t, policy.cutoff, Chicago(), closures);
    ASSERT_GE(ship, previous_ship) << "a later order shipped earlier at " << FormatInstant(t);
    previous_ship = ship;
  }
}

}  // namespace
}  // namespace rxdesk
