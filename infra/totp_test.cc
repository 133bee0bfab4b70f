#include "infra/totp.h"

#include <gtest/gtest.h>

#include <set>

#include "infra/crypto.h"

namespace rxdesk {
namespace {

// The ASCII secret of RFC 4226 Appendix D and RFC 6238 Appendix B (SHA-1).
constexpr std::string_view kRfcSecret = "12345678901234567890";

TEST(HotpCode, MatchesRfc4226AppendixD) {
  const char* kExpected[] = {"755224", "287082", "359152", "969429", "338314",
                             "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(HotpCode(kRfcSecret, counter), kExpected[counter]) << counter;
  }
}

struct Rfc6238Vector {
  std::int64_t unix_time;
  const char* code8;
};

// RFC 6238 Appendix B, SHA-1 rows (T0 = 0, X = 30, 8 digits).
constexpr Rfc6238Vector kRfc6238[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
};

TEST(TotpCode, MatchesRfc6238AppendixBWithEightDigits) {
  for (const auto& v : kRfc6238) EXPECT_EQ(TotpCode(kRfcSecret, v.unix_time, 8), v.code8) << v.unix_time;
}

TEST(TotpCode, SixDigitsAreTheLastSixOfTheEightZeroPadded) {
  // value mod 10^6 = (value mod 10^8) mod 10^6, so the 6-digit code is the tail:
  // 07081804 -> 081804 keeps its leading zero.
  for (const auto& v : kRfc6238) {
    EXPECT_EQ(TotpCode(kRfcSecret, v.unix_time), std::string(v.code8).substr(2)) << v.unix_time;
  }
  EXPECT_EQ(TotpCode(kRfcSecret, 1234567890), "005924");
}

TEST(TotpCode, ChangesExactlyAtStepBoundaries) {
  // 1111111109 / 30 = 37037036.97 and 1111111111 / 30 = 37037037.03: the boundary is 1111111110.
  EXPECT_EQ(TotpStep(1111111109), 37037036);
  EXPECT_EQ(TotpStep(1111111110), 37037037);
  EXPECT_EQ(TotpCode(kRfcSecret, 1111111110, 8), "14050471");
  EXPECT_EQ(TotpCode(kRfcSecret, 1111111080, 8), "07081804");  // first second of step 37037036
}

TEST(TotpCode, RefusesUnsupportedParameters) {
  EXPECT_EQ(TotpCode(kRfcSecret, -1), "");
  EXPECT_EQ(TotpCode(kRfcSecret, 59, 5), "");  // RFC 4226: at least 6 digits
  EXPECT_EQ(TotpCode(kRfcSecret, 59, 9), "");
  EXPECT_EQ(TotpCode(kRfcSecret, 59, 6, 0), "");
  EXPECT_EQ(TotpStep(10, -30), -1);
}

// Code 07081804 belongs to step 37037036, which spans 1111111080..1111111109.
// With window 1 it is accepted while "now" is in steps 37037035..37037037,
// i.e. from 1111111050 through 1111111139.
TEST(VerifyTotp, AcceptsOneStepOfDriftEitherWayAndNoMore) {
  const struct {
    std::int64_t now;
    bool accepted;
  } kCases[] = {
      {1111111049, false},  // code is 2 steps ahead of now
      {1111111050, true},   // 1 ahead
      {1111111080, true},   // same step
      {1111111109, true},   // same step, last second
      {1111111139, true},   // 1 behind
      {1111111140, false},  // 2 behind
  };
  for (const auto& c : kCases) {
    const auto step = VerifyTotp(kRfcSecret, "07081804", c.now, 1, 8);
    EXPECT_EQ(step.has_value(), c.accepted) << c.now;
    if (step) {
      EXPECT_EQ(*step, 37037036) << c.now;
    }
  }
}

TEST(VerifyTotp, ReturnsTheStepTheCodeBelongsTo) {
  // At 1111111111 (step 37037037) the previous code, 07081804, is step 37037036.
  EXPECT_EQ(VerifyTotp(kRfcSecret, "07081804", 1111111111, 1, 8), 37037036);
  EXPECT_EQ(VerifyTotp(kRfcSecret, "14050471", 1111111109, 1, 8), 37037037);
  EXPECT_EQ(VerifyTotp(kRfcSecret, "081804", 1111111109), 37037036);
}

TEST(VerifyTotp, WindowZeroAcceptsOnlyTheCurrentStepAndWindowTwoReachesFurther) {
  EXPECT_EQ(VerifyTotp(kRfcSecret, "07081804", 1111111080, 0, 8), 37037036);
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "07081804", 1111111110, 0, 8));
  EXPECT_EQ(VerifyTotp(kRfcSecret, "07081804", 1111111140, 2, 8), 37037036);  // 2 behind
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "07081804", 1111111170, 2, 8));           // 3 behind
}

TEST(VerifyTotp, SkipsStepsBeforeTheEpoch) {
  // At time 0 the window is steps -1..1; -1 does not exist. Step 0 = HOTP(0) = 755224, step 1 = 287082.
  EXPECT_EQ(VerifyTotp(kRfcSecret, "755224", 0), 0);
  EXPECT_EQ(VerifyTotp(kRfcSecret, "287082", 0), 1);
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "359152", 0));  // step 2
}

TEST(VerifyTotp, ReturnsTheLaterStepWhenTwoStepsShareACode) {
  // Found offline with Python's hmac module: HOTP(153567) = HOTP(153569) = 468457
  // for the RFC secret. "Now" in step 153568 (153568 * 30 = 4607040) sees both.
  ASSERT_EQ(HotpCode(kRfcSecret, 153567), "468457");
  ASSERT_EQ(HotpCode(kRfcSecret, 153569), "468457");
  EXPECT_EQ(VerifyTotp(kRfcSecret, "468457", 4607040), 153569);
}

TEST(VerifyTotp, RefusesMalformedCodes) {
  for (const char* bad : {"", "08180", "0818040", " 081804", "081804 ", "081 804", "08180a", "+81804", "-81804",
                          "０８１８０４"}) {
    EXPECT_FALSE(VerifyTotp(kRfcSecret, bad, 1111111109)) << bad;
  }
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "081805", 1111111109));  // wrong last digit
}

TEST(VerifyTotp, RefusesEmptySecretsBadWindowsAndNegativeTime) {
  EXPECT_FALSE(VerifyTotp("", TotpCode("", 1111111109), 1111111109));
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "081804", 1111111109, -1));
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "081804", 1111111109, kTotpMaxWindow + 1));
  EXPECT_TRUE(VerifyTotp(kRfcSecret, "081804", 1111111109, kTotpMaxWindow));
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "755224", -1));
}

TEST(VerifyTotp, AcceptsEveryCodeItIssuesWithinTheWindow) {
  for (int i = 0; i < 100; ++i) {
    const std::string secret = NewTotpSecret();
    const std::int64_t now = 1'700'000'000 + static_cast<std::int64_t>(RandomU64() % 100'000'000);
    for (int drift = -1; drift <= 1; ++drift) {
      const std::int64_t issued_at = now + drift * kTotpStepSeconds;
      const auto step = VerifyTotp(secret, TotpCode(secret, issued_at), now);
      ASSERT_TRUE(step.has_value()) << drift;
      EXPECT_EQ(*step, issued_at / kTotpStepSeconds);
    }
  }
}

TEST(NewTotpSecret, IsTwentyRandomBytes) {
  std::set<std::string> secrets;
  for (int i = 0; i < 20; ++i) {
    const std::string s = NewTotpSecret();
    EXPECT_EQ(s.size(), 20u);  // 160 bits, RFC 4226 section 4
    secrets.insert(s);
  }
  EXPECT_EQ(secrets.size(), 20u);
}

TEST(OtpAuthUri, FollowsTheKeyUriFormat) {
  // base32("12345678901234567890") is the secret Google's examples print.
  EXPECT_EQ(OtpAuthUri("rxdesk", "alice", kRfcSecret),
            "otpauth://totp/rxdesk:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=rxdesk&algorithm=SHA1&digits=6&period=30");
}

TEST(OtpAuthUri, PercentEncodesLabelAndIssuer) {
  const struct {
    const char* issuer;
    const char* account;
    const char* expected_prefix;
  } kCases[] = {
      {"rxdesk", "alice@example.com", "otpauth://totp/rxdesk:alice@example.com?"},
      {"rxdesk", "Maria Rivera", "otpauth://totp/rxdesk:Maria%20Rivera?"},
      {"rxdesk", "evil:issuer", "otpauth://totp/rxdesk:evil%3Aissuer?"},  // cannot forge the issuer
      {"rxdesk", "a/b?c#d&e=f", "otpauth://totp/rxdesk:a%2Fb%3Fc%23d%26e%3Df?"},
      {"rxdesk", "Jos\xC3\xA9", "otpauth://totp/rxdesk:Jos%C3%A9?"},  // UTF-8 bytes
      {"Acme & Co", "bob", "otpauth://totp/Acme%20%26%20Co:bob?"},
  };
  for (const auto& c : kCases) {
    const std::string uri = OtpAuthUri(c.issuer, c.account, "k");
    EXPECT_EQ(uri.rfind(c.expected_prefix, 0), 0u) << uri;
  }
  EXPECT_NE(OtpAuthUri("Acme & Co", "bob", "k").find("&issuer=Acme%20%26%20Co&"), std::string::npos);
}

}  // namespace
}  // namespace rxdesk
