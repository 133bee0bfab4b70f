#include "domain/member_number.h"

#include <gtest/gtest.h>

namespace rxdesk {
namespace {

TEST(MemberNumber, RoundTripsThroughItsPrintedForm) {
  for (std::uint32_t serial : {0u, 1u, 42u, 12345678u, 99999999u}) {
    const std::string printed = MemberNumberFromSerial(serial);
    ASSERT_EQ(printed.size(), 10u);
    auto parsed = ParseMemberNumber(printed);
    ASSERT_TRUE(parsed.ok()) << printed;
    EXPECT_EQ(*parsed, printed);
  }
}

TEST(MemberNumber, AcceptsLowerCaseSpacesAndHyphens) {
  const std::string printed = MemberNumberFromSerial(12345678);
  std::string typed = "m " + printed.substr(1, 4) + "-" + printed.substr(5);
  EXPECT_EQ(*ParseMemberNumber(typed), printed);
}

TEST(MemberNumber, CatchesEverySingleDigitTypo) {
  const std::string printed = MemberNumberFromSerial(31415926);
  for (std::size_t i = 1; i < printed.size(); ++i) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == printed[i]) continue;
      std::string typo = printed;
      typo[i] = d;
      EXPECT_FALSE(ParseMemberNumber(typo).ok()) << typo;
    }
  }
}

TEST(MemberNumber, RefusesWrongShapes) {
  for (const char* bad : {"", "M", "123456789", "M12345678", "M1234567890", "X123456789", "M12345678a"}) {
    auto r = ParseMemberNumber(bad, "member_number");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "member_number");
  }
}

}  // namespace
}  // namespace rxdesk
