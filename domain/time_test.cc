#include "domain/time.h"

#include <gtest/gtest.h>

#include "domain/money.h"
#include "domain/result.h"
#include "domain/schedule.h"

namespace rxdesk {
namespace {

TEST(ParseDate, AcceptsARealCalendarDay) {
  auto d = ParseDate("2026-11-23");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, MakeDate(2026, 11, 23));
  EXPECT_EQ(FormatDate(*d), "2026-11-23");
}

TEST(ParseDate, AcceptsTheLeapDayOnlyInLeapYears) {
  EXPECT_TRUE(ParseDate("2024-02-29").ok());
  EXPECT_TRUE(ParseDate("2000-02-29").ok());
  EXPECT_FALSE(ParseDate("2026-02-29").ok());
  EXPECT_FALSE(ParseDate("2100-02-29").ok());
}

TEST(ParseDate, RefusesMalformedTextNamingTheField) {
  for (const char* bad : {"", "2026-1-23", "2026-13-01", "2026-04-31", "2026/11/23", "26-11-23", "2026-11-23T00",
                          "2026-11-2x", " 2026-11-23", "1899-12-31", "２０２６-11-23"}) {
    auto d = ParseDate(bad, "written_date");
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.error().code, "invalid_request");
    EXPECT_EQ(d.error().field, "written_date");
  }
}

TEST(ParseInstant, ReadsUtcAndOffsets) {
  auto z = ParseInstant("2026-11-23T15:04:05Z");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ(FormatInstant(*z), "2026-11-23T15:04:05Z");
  auto cst = ParseInstant("2026-11-23T09:04:05-06:00");
  ASSERT_TRUE(cst.ok());
  EXPECT_EQ(*cst, *z);
  auto frac = ParseInstant("2026-11-23T15:04:05.999+00:00");
  ASSERT_TRUE(frac.ok());
  EXPECT_EQ(*frac, *z);
  auto across_midnight = ParseInstant("2026-11-23T23:30:00-06:00");
  ASSERT_TRUE(across_midnight.ok());
  EXPECT_EQ(FormatInstant(*across_midnight), "2026-11-24T05:30:00Z");
}

TEST(ParseInstant, RefusesWhatIsNotRfc3339) {
  for (const char* bad : {"2026-11-23", "2026-11-23T15:04:05", "2026-11-23T25:00:00Z", "2026-11-23T15:04Z",
                          "2026-11-23T15:04:05+0600", "2026-11-23T15:04:05.Z", "2026-11-23T15:04:05Zjunk",
                          "2026-02-30T00:00:00Z"}) {
    auto t = ParseInstant(bad, "placed_at");
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.error().field, "placed_at");
  }
}

TEST(DaysBetween, CountsAcrossALeapDay) {
  EXPECT_EQ(DaysBetween(MakeDate(2024, 2, 28), MakeDate(2024, 3, 1)), 2);
  EXPECT_EQ(DaysBetween(MakeDate(2026, 3, 1), MakeDate(2026, 2, 28)), -1);
}

TEST(Money, RoundsHalfUpToTheCent) {
  EXPECT_EQ(PercentOf(Cents(10), 25), Cents(3));   // 2.5 -> 3
  EXPECT_EQ(PercentOf(Cents(6), 25), Cents(2));    // 1.5 -> 2
  EXPECT_EQ(PercentOf(Cents(5), 25), Cents(1));    // 1.25 -> 1
  EXPECT_EQ(PercentOf(Cents(-10), 25), Cents(-3));
  EXPECT_EQ(MulDivHalfUp(Cents(100), 1, 3), Cents(33));
  EXPECT_EQ(MulDivHalfUp(Cents(200), 1, 3), Cents(67));
}

TEST(Money, FormatsDollarsWithSeparators) {
  EXPECT_EQ(FormatDollars(Cents(0)), "$0.00");
  EXPECT_EQ(FormatDollars(Cents::FromDollars(14, 95)), "$14.95");
  EXPECT_EQ(FormatDollars(Cents(123456789)), "$1,234,567.89");
  EXPECT_EQ(FormatDollars(Cents(-500)), "-$5.00");
}

TEST(Schedule, ParsesTheApiSpellingsOnly) {
  EXPECT_EQ(ParseSchedule("II"), Schedule::kII);
  EXPECT_EQ(ParseSchedule("none"), Schedule::kNone);
  EXPECT_EQ(ParseSchedule("ii"), std::nullopt);
  EXPECT_EQ(ParseSchedule("I"), std::nullopt);
  EXPECT_EQ(ParseSchedule(""), std::nullopt);
  for (Schedule s : {Schedule::kNone, Schedule::kII, Schedule::kIII, Schedule::kIV, Schedule::kV}) {
    EXPECT_EQ(ParseSchedule(ToString(s)), s);
  }
  EXPECT_FALSE(IsControlled(Schedule::kNone));
  EXPECT_TRUE(IsControlled(Schedule::kV));
}

Result<int> Half(int n) {
  if (n % 2 != 0) return MakeError("odd", "not even", "n");
  return n / 2;
}

Result<int> Quarter(int n) {
  RXD_ASSIGN_OR_RETURN(int half, Half(n));
  RXD_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

TEST(Result, PropagatesTheFirstErrorInOneLine) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "odd");
}

}  // namespace
}  // namespace rxdesk

#include "domain/role.h"

namespace rxdesk {
namespace {

TEST(Role, ParsesEveryRoleOfTheProductTableAndNothingElse) {
  for (Role r : {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor, Role::kPrivacyOfficer,
                 Role::kAdmin}) {
    EXPECT_EQ(ParseRole(ToString(r)), r);
  }
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
  EXPECT_EQ(ParseRole(""), std::nullopt);
}

TEST(Role, OnlyMembersMaySkipTwoFactors) {
  EXPECT_FALSE(IsWorkforce(Role::kMember));
  EXPECT_TRUE(IsWorkforce(Role::kAdmin));
  EXPECT_TRUE(IsWorkforce(Role::kAgent));
}

TEST(Role, AdminsAndPrivacyOfficersDoNotServeMembersByDefault) {
  EXPECT_TRUE(ServesMembers(Role::kAgent));
  EXPECT_TRUE(ServesMembers(Role::kPharmacist));
  EXPECT_TRUE(ServesMembers(Role::kSupervisor));
  EXPECT_FALSE(ServesMembers(Role::kAdmin));
  EXPECT_FALSE(ServesMembers(Role::kPrivacyOfficer));
  EXPECT_FALSE(ServesMembers(Role::kMember));
}

}  // namespace
}  // namespace rxdesk
