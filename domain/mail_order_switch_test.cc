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
