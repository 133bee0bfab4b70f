#include "domain/password_policy.h"

#include <gtest/gtest.h>

namespace rxdesk {
namespace {

const PasswordPolicy kPolicy;  // 12..256

TEST(PasswordPolicy, LengthIsCheckedAtTheEdges) {
  EXPECT_EQ(CheckPassword("ana", "tulip-harbor", kPolicy).ok(), true);  // exactly 12
  EXPECT_EQ(CheckPassword("ana", "tulip-harbo", kPolicy).error().field, "password");  // 11
  std::string longest = "river tulip moss ";
  while (longest.size() < 256) longest += "z";
  EXPECT_TRUE(CheckPassword("ana", longest.substr(0, 256), kPolicy).ok());
  EXPECT_FALSE(CheckPassword("ana", longest.substr(0, 256) + "q", kPolicy).ok());
  EXPECT_FALSE(CheckPassword("ana", "", kPolicy).ok());
}

TEST(PasswordPolicy, TheUsernameIsNeitherThePasswordNorPartOfIt) {
  EXPECT_EQ(CheckPassword("ana.rivera.2026", "ANA.RIVERA.2026", kPolicy).error().message, "must not be the username");
  EXPECT_EQ(CheckPassword("jordan.s", "my-jordan.s-passphrase", kPolicy).error().message,
            "must not contain the username");
  EXPECT_TRUE(CheckPassword("abc", "abc-lantern-orchid", kPolicy).ok());  // too short a name to matter
}

TEST(PasswordPolicy, CommonPasswordsAndTheirDecorationsAreRefused) {
  for (const char* p : {"password1234", "Password2026!", "PASSWORD!!!!!!", "passwordpassword", "iloveyou12345",
                        "welcome12345!", "letmein123456", "Pharmacy2026!", "qwerty123456", "correcthorsebatterystaple",
                        "Medicare2026#"}) {
    EXPECT_TRUE(IsCommonPassword(p)) << p;
    EXPECT_FALSE(CheckPassword("ana", p, kPolicy).ok()) << p;
  }
}

TEST(PasswordPolicy, ShapesAttackersTryFirstAreRefused) {
  for (const char* p : {"aaaaaaaaaaaa", "123456789012", "098765432109", "abcdefghijkl", "qwertyuiop[]", "poiuytrewq",
                        "1qaz2wsx3edc", "asdfghjkl;'", "202620262026", "11/22/1961!!"}) {
    EXPECT_TRUE(IsCommonPassword(p)) << p;
  }
}

TEST(PasswordPolicy, OrdinaryPassphrasesPass) {
  for (const char* p : {"tulip-harbor-ledger", "correct horse battery", "Sunlit orchard 7 ferns", "rxdesk-demo-2026",
                        "second-agent-passphrase", "marble.cactus.violin"}) {
    EXPECT_FALSE(IsCommonPassword(p)) << p;
  }
}

}  // namespace
}  // namespace rxdesk
