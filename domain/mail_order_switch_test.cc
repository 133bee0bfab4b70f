#include "domain/mail_order_switch.h"

#include <gtest/gtest.h>

#include <climits>
#include <string>

namespace rxdesk {
namespace {

std::string CodeOf(const Status& s) { return s.ok() ? "ok" : s.error().code; }

TEST(MailOrderSwitchEligibility, FollowsTheSpecTable) {
  // Precedence: bad input, Schedule II (law), maintenance, then the supply length.
  struct Case {
    bool maintenance;
    Schedule schedule;
    int days_supply;
    const char* expected;
  };
  const Case cases[] = {
      {true, Schedule::kNone, 30, "ok"},
      {true, Schedule::kNone, 33, "ok"},                           // day before the limit
      {true, Schedule::kNone, 34, "ok"},                           // on the limit
      {true, Schedule::kNone, 35, "days_supply_not_retail"},       // day after
      {true, Schedule::kNone, 90, "days_supply_not_retail"},       // already 90-day
      {true, Schedule::kNone, 1, "ok"},
      {true, Schedule::kIII, 30, "ok"},
      {true, Schedule::kIV, 30, "ok"},
      {true, Schedule::kV, 30, "ok"},
      {true, Schedule::kII, 30, "schedule_ii_not_eligible"},
      {false, Schedule::kII, 90, "schedule_ii_not_eligible"},      // the law is named first
      {false, Schedule::kNone, 30, "not_maintenance_medication"},
      {false, Schedule::kNone, 90, "not_maintenance_medication"},  // maintenance before supply
      {true, Schedule::kNone, 0, "invalid_request"},
      {true, Schedule::kNone, -30, "invalid_request"},
      {true, Schedule::kNone, INT_MIN, "invalid_request"},
      {true, Schedule::kNone, INT_MAX, "days_supply_not_retail"},
      {false, Schedule::kII, 0, "invalid_request"},                // malformed input before any rule
  };
  for (const Case& c : cases) {
    const MailOrderSwitchCandidate candidate{.maintenance = c.maintenance, .schedule = c.schedule,
                                             .days_supply = c.days_supply};
    EXPECT_EQ(CodeOf(CheckMailOrderSwitchEligibility(candidate, {})), c.expected)
        << "maintenance=" << c.maintenance << " schedule=" << ToString(c.schedule) << " days=" << c.days_supply;
  }
}

TEST(MailOrderSwitchEligibility, RetailLimitComesFromThePolicy) {
  const MailOrderSwitchPolicy thirty{.max_retail_days_supply = 30};
  const MailOrderSwitchCandidate at_30{.maintenance = true, .days_supply = 30};
  const MailOrderSwitchCandidate at_31{.maintenance = true, .days_supply = 31};
  EXPECT_EQ(CodeOf(CheckMailOrderSwitchEligibility(at_30, thirty)), "ok");
  EXPECT_EQ(CodeOf(CheckMailOrderSwitchEligibility(at_31, thirty)), "days_supply_not_retail");
  EXPECT_EQ(MailOrderSwitchPolicy{}.max_retail_days_supply, 34);
}

TEST(MailOrderSwitchEligibility, RefusesAScheduleOutsideTheEnum) {
  const MailOrderSwitchCandidate bogus{.maintenance = true, .schedule = static_cast<Schedule>(17), .days_supply = 30};
  const Status s = CheckMailOrderSwitchEligibility(bogus, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "invalid_request");
  EXPECT_EQ(s.error().field, "schedule");
}

// requested -> sent_to_prescriber -> approved | denied; cancelled until the prescriber answers.
constexpr const char* kExpected[5][4] = {
    //                         sent_to_prescriber    approved    denied    cancelled
    /* requested          */ {"sent_to_prescriber", "-",        "-",      "cancelled"},
    /* sent_to_prescriber */ {"-",                  "approved", "denied", "cancelled"},
    /* approved           */ {"-",                  "-",        "-",      "-"},
    /* denied             */ {"-",                  "-",        "-",      "-"},
    /* cancelled          */ {"-",                  "-",        "-",      "-"},
};

TEST(TransitionMailOrderSwitch, EveryStatusAndEventPairMatchesTheSpecTable) {
  for (int s = 0; s < 5; ++s) {
    for (int e = 0; e < 4; ++e) {
      const auto status = static_cast<MailOrderSwitchStatus>(s);
      const auto event = static_cast<MailOrderSwitchEvent>(e);
      const std::string expected = kExpected[s][e];
      const Result<MailOrderSwitchStatus> r = TransitionMailOrderSwitch(status, event);
      SCOPED_TRACE(std::string(ToString(status)) + " + " + std::string(ToString(event)));
      if (expected == "-") {
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, "invalid_transition");
        ASSERT_EQ(r.error().details.size(), 2u);
        EXPECT_EQ(r.error().details[0].second, ToString(status));
      } else {
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(ToString(*r), expected);
      }
    }
  }
}

TEST(TransitionMailOrderSwitch, RefusesValuesOutsideTheEnums) {
  const Result<MailOrderSwitchStatus> r =
      TransitionMailOrderSwitch(static_cast<MailOrderSwitchStatus>(99), MailOrderSwitchEvent::kCancel);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_transition");
  EXPECT_EQ(ToString(static_cast<MailOrderSwitchEvent>(99)), "unknown");
}

TEST(MailOrderSwitchNames, RoundTripAndRefuseOtherSpellings) {
  for (const char* name : {"requested", "sent_to_prescriber", "approved", "denied", "cancelled"}) {
    const auto s = ParseMailOrderSwitchStatus(name);
    ASSERT_TRUE(s.has_value()) << name;
    EXPECT_EQ(ToString(*s), name);
  }
  for (const char* name : {"sent_to_prescriber", "approved", "denied", "cancelled"}) {
    const auto e = ParseMailOrderSwitchEvent(name);
    ASSERT_TRUE(e.has_value()) << name;
    EXPECT_EQ(ToString(*e), name);
  }
  EXPECT_FALSE(ParseMailOrderSwitchEvent("requested").has_value());  // creation is not an event
  for (const char* bad : {"", "Requested", "sent to prescriber", "canceled", "approved "}) {
    EXPECT_FALSE(ParseMailOrderSwitchStatus(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace rxdesk

namespace rxdesk {
namespace {

std::string Scaled(std::string_view retail, int days, MailOrderSwitchPolicy policy = {}) {
  const Result<Quantity> q = ScaleQuantityToMailSupply(*ParseQuantity(retail), days, policy);
  return q.ok() ? FormatQuantity(*q) : q.error().code + ":" + q.error().field;
}

TEST(ScaleQuantityToMailSupply, KeepsTheDailyDoseForNinetyDays) {
  EXPECT_EQ(Scaled("30", 30), "90");
  EXPECT_EQ(Scaled("60", 30), "180");  // twice a day
  EXPECT_EQ(Scaled("34", 34), "90");   // the longest retail month
  EXPECT_EQ(Scaled("1", 1), "90");
  EXPECT_EQ(Scaled("28", 28), "90");
}

TEST(ScaleQuantityToMailSupply, RoundsWholeUnitsUpToWholeUnits) {
  EXPECT_EQ(Scaled("45", 28), "145");  // 144.64 tablets: never short of a dose, never a split tablet
  EXPECT_EQ(Scaled("10", 30), "30");   // exact stays exact
  EXPECT_EQ(Scaled("31", 30), "93");
  EXPECT_EQ(Scaled("1", 7), "13");  // 12.86
}

TEST(ScaleQuantityToMailSupply, KeepsThousandthsForMeasuredQuantities) {
  EXPECT_EQ(Scaled("2.5", 30), "7.5");
  EXPECT_EQ(Scaled("0.001", 30), "0.003");
  EXPECT_EQ(Scaled("0.001", 7), "0.013");  // 0.01286 rounded up to the thousandth
}

TEST(ScaleQuantityToMailSupply, FollowsThePolicysMailSupply) {
  EXPECT_EQ(Scaled("30", 30, {.mail_days_supply = 100}), "100");
  EXPECT_EQ(Scaled("30", 30, {.mail_days_supply = 0}), "invalid_request:mail_days_supply");
  EXPECT_EQ(Scaled("30", 30, {.mail_days_supply = 366}), "invalid_request:mail_days_supply");
  EXPECT_EQ(Scaled("30", 30, {.mail_days_supply = 365}), "365");
}

TEST(ScaleQuantityToMailSupply, RefusesWhatNoClaimCanCarryAndNonsenseSupply) {
  EXPECT_EQ(Scaled("9999999.999", 90), "9999999.999");  // on the limit
  EXPECT_EQ(Scaled("9999999.999", 89), "invalid_request:quantity");
  EXPECT_EQ(Scaled("3333334", 30), "invalid_request:quantity");  // 10,000,002 units
  EXPECT_EQ(Scaled("3333333", 30), "9999999");
  EXPECT_EQ(Scaled("30", 0), "invalid_request:days_supply");
  EXPECT_EQ(Scaled("30", -30), "invalid_request:days_supply");
}

}  // namespace
}  // namespace rxdesk
