#include "domain/contact_info.h"

#include <gtest/gtest.h>

namespace rxdesk {
namespace {

TEST(PersonName, IsTrimmedAndCollapsed) {
  EXPECT_EQ(*ValidatePersonName("  Mary   Ann  ", "first_name"), "Mary Ann");
  EXPECT_EQ(*ValidatePersonName("José", "first_name"), "José");
  EXPECT_EQ(*ValidatePersonName("O'Brien-Smith", "last_name"), "O'Brien-Smith");
}

TEST(PersonName, RefusesEmptyOverlongControlAndMarkup) {
  std::string overlong(101, 'a');
  for (std::string bad : {std::string(""), std::string("   "), overlong, std::string("Ann\nLee"), std::string("<script>"),
                          std::string("12345"), std::string("A\0B", 3), std::string("\xC3\x28")}) {
    auto r = ValidatePersonName(bad, "last_name");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "last_name");
  }
  EXPECT_TRUE(ValidatePersonName(std::string(100, 'a'), "x").ok());
}

TEST(Email, AcceptsCommonAddressesAndLowerCasesTheDomain) {
  EXPECT_EQ(*ValidateEmail("Ana.Rivera+rx@Example.COM", "email"), "Ana.Rivera+rx@example.com");
}

TEST(Email, RefusesWhatCannotBeAnAddress) {
  for (const char* bad : {"", "ana", "@example.com", "ana@", "ana@example", "ana@@example.com", "a b@example.com",
                          "ana@.example.com", "ana@example..com", "ana.@example.com", "ana@exa_mple.com",
                          "ana@example.com\r\nBcc: x@y.z"}) {
    EXPECT_FALSE(ValidateEmail(bad, "email").ok()) << bad;
  }
}

TEST(Phone, NormalizesEveryCommonUsFormatToE164) {
  for (const char* ok : {"(512) 555-0100", "512.555.0100", "+1 512 555 0100", "15125550100", "512-555-0100"}) {
    auto r = NormalizeUsPhone(ok, "phone");
    ASSERT_TRUE(r.ok()) << ok;
    EXPECT_EQ(*r, "+15125550100");
  }
  EXPECT_EQ(*NormalizeUsPhone("1-800-237-2765", "phone"), "+18002372765");
}

TEST(Phone, RefusesWrongLengthsLettersAndInvalidNanpCodes) {
  for (const char* bad : {"", "555-0100", "512555010", "251255501000", "0125550100", "5121550100", "512-555-01OO",
                          "+44 20 7946 0958", "512 555 0100 ext 5"}) {
    EXPECT_FALSE(NormalizeUsPhone(bad, "phone").ok()) << bad;
  }
}

}  // namespace
}  // namespace rxdesk
