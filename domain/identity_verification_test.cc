#include "domain/identity_verification.h"

#include <gtest/gtest.h>

namespace rxdesk {
namespace {

Address AddressOf(const char* line1, const char* zip) {
  auto a = ValidateAddress({.line1 = line1, .city = "Chicago", .state = "IL", .zip = zip});
  EXPECT_TRUE(a.ok());
  return a.ok() ? *a : Address{};
}

IdentityOnFile OnFile() {
  return {.first_name = "Ana María",
          .last_name = "Rivera",
          .date_of_birth = MakeDate(1984, 3, 15),
          .address = AddressOf("12 Elm St.", "60601-1234"),
          .member_number = "M000000019",
          .owns_claimed_rx = false};
}

IdentityClaim WithAddress(const char* line1, const char* zip) {
  return {.first_name = "ana  maría", .last_name = "RIVERA", .date_of_birth = MakeDate(1984, 3, 15),
          .address = AddressOf(line1, zip)};
}

TEST(IdentityVerification, NameDateOfBirthAndAddressMatchIgnoringCaseSpacingAndPunctuation) {
  EXPECT_TRUE(MatchesIdentity(WithAddress("12 elm st", "60601"), OnFile()));
  EXPECT_TRUE(MatchesIdentity(WithAddress("12 ELM ST.", "60601-9999"), OnFile()));
}

TEST(IdentityVerification, EachWrongFactFailsOnItsOwn) {
  EXPECT_FALSE(MatchesIdentity(WithAddress("14 Elm St", "60601"), OnFile()));  // street
  EXPECT_FALSE(MatchesIdentity(WithAddress("12 Elm St", "60602"), OnFile()));  // ZIP
  IdentityClaim dob = WithAddress("12 Elm St", "60601");
  dob.date_of_birth = MakeDate(1984, 3, 16);  // the day after
  EXPECT_FALSE(MatchesIdentity(dob, OnFile()));
  IdentityClaim first = WithAddress("12 Elm St", "60601");
  first.first_name = "Ana";  // a partial first name is not the full name
  EXPECT_FALSE(MatchesIdentity(first, OnFile()));
  IdentityClaim last = WithAddress("12 Elm St", "60601");
  last.last_name = "Riviera";
  EXPECT_FALSE(MatchesIdentity(last, OnFile()));
}

TEST(IdentityVerification, RxNumberOrMemberNumberStandsInForTheAddress) {
  IdentityClaim rx{.first_name = "Ana María", .last_name = "Rivera", .date_of_birth = MakeDate(1984, 3, 15),
                   .rx_number = "1234567"};
  IdentityOnFile file = OnFile();
  EXPECT_FALSE(MatchesIdentity(rx, file));  // not their prescription
  file.owns_claimed_rx = true;
  EXPECT_TRUE(MatchesIdentity(rx, file));

  IdentityClaim member{.first_name = "Ana María", .last_name = "Rivera", .date_of_birth = MakeDate(1984, 3, 15),
                       .member_number = "M000000019"};
  EXPECT_TRUE(MatchesIdentity(member, OnFile()));
  member.member_number = "M000000027";
  EXPECT_FALSE(MatchesIdentity(member, OnFile()));
}

TEST(IdentityVerification, AClaimOffersExactlyOneThirdFact) {
  IdentityClaim none{.first_name = "Ana María", .last_name = "Rivera", .date_of_birth = MakeDate(1984, 3, 15)};
  EXPECT_EQ(ClaimedFact(none).error().code, "invalid_request");
  EXPECT_FALSE(MatchesIdentity(none, OnFile()));  // name and date of birth alone never verify
  IdentityClaim two = WithAddress("12 Elm St", "60601");
  two.member_number = "M000000019";
  EXPECT_EQ(ClaimedFact(two).error().code, "invalid_request");
  EXPECT_FALSE(MatchesIdentity(two, OnFile()));
  EXPECT_EQ(*ClaimedFact(WithAddress("12 Elm St", "60601")), IdentityFact::kAddress);
}

TEST(IdentityVerification, EmptyValuesOnFileNeverMatch) {
  IdentityOnFile file = OnFile();
  file.member_number.clear();
  IdentityClaim member{.first_name = "Ana María", .last_name = "Rivera", .date_of_birth = MakeDate(1984, 3, 15),
                       .member_number = ""};
  EXPECT_FALSE(MatchesIdentity(member, file));
}

TEST(IdentityVerification, TheThirdFailureLocksAndNothingChangesAfterwards) {
  const VerificationPolicy policy;  // 3 attempts
  VerificationState s;
  EXPECT_EQ(AttemptsLeft(s, policy), 3);
  s = AfterAttempt(s, false, policy);
  EXPECT_EQ(s.status, VerificationStatus::kUnverified);
  EXPECT_EQ(AttemptsLeft(s, policy), 2);
  s = AfterAttempt(s, false, policy);
  EXPECT_EQ(s.status, VerificationStatus::kUnverified);  // two failures: still one try
  EXPECT_EQ(AttemptsLeft(s, policy), 1);
  s = AfterAttempt(s, false, policy);
  EXPECT_EQ(s.status, VerificationStatus::kLocked);
  EXPECT_EQ(s.failed_attempts, 3);
  EXPECT_EQ(AttemptsLeft(s, policy), 0);
  s = AfterAttempt(s, true, policy);  // a right answer after the lock does not unlock
  EXPECT_EQ(s.status, VerificationStatus::kLocked);
}

TEST(IdentityVerification, SuccessAfterTwoFailuresVerifies) {
  const VerificationPolicy policy;
  VerificationState s;
  s = AfterAttempt(AfterAttempt(s, false, policy), false, policy);
  s = AfterAttempt(s, true, policy);
  EXPECT_EQ(s.status, VerificationStatus::kVerified);
  EXPECT_EQ(AttemptsLeft(s, policy), 0);
  EXPECT_EQ(AfterAttempt(s, false, policy).status, VerificationStatus::kVerified);
}

TEST(IdentityVerification, ConfiguredAttemptLimitIsHonoured) {
  const VerificationPolicy one{.max_attempts = 1};
  EXPECT_EQ(AfterAttempt({}, false, one).status, VerificationStatus::kLocked);
}

TEST(IdentityVerification, MaskShowsInitialsLastFourAndStateOnly) {
  const MaskedIdentity m = MaskIdentity(OnFile());
  EXPECT_EQ(m.initials, "A. R.");
  EXPECT_EQ(m.member_number, "******0019");
  EXPECT_EQ(m.state, "IL");
}

TEST(IdentityVerification, StatusNamesRoundTrip) {
  for (auto s : {VerificationStatus::kUnverified, VerificationStatus::kVerified, VerificationStatus::kLocked}) {
    EXPECT_EQ(ParseVerificationStatus(ToString(s)), s);
  }
  EXPECT_FALSE(ParseVerificationStatus("Verified").has_value());
}

}  // namespace
}  // namespace rxdesk
