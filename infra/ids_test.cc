#include "infra/ids.h"

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <set>
#include <vector>

#include "infra/crypto.h"

namespace rxdesk {
namespace {

using Random80 = std::array<std::uint8_t, kIdRandomBytes>;

constexpr Random80 kZeros{};
constexpr Random80 kOnes{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr Random80 kCounting{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

Random80 RandomRandom80() {
  const std::string bytes = RandomBytes(kIdRandomBytes);
  Random80 r;
  for (std::size_t i = 0; i < r.size(); ++i) r[i] = static_cast<std::uint8_t>(bytes[i]);
  return r;
}

// Reads the 48-bit time back from the first 10 characters.
std::uint64_t TimeOf(std::string_view id) {
  constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  std::uint64_t ms = 0;
  for (const char c : id.substr(0, 10)) ms = ms * 32 + kAlphabet.find(c);
  return ms;
}

TEST(NewId, EncodesTimeThenRandomnessInCrockfordBase32) {
  // The ULID spec's example time: 1469918176385 ms encodes as "01ARYZ6S41".
  // Bytes 00 01 .. 09 as one 80-bit number, in 16 base-32 digits (computed by
  // hand with Python big integers): "000G40R40M30E209".
  EXPECT_EQ(NewId(1469918176385, kCounting), "01ARYZ6S41000G40R40M30E209");
  EXPECT_EQ(NewId(0, kZeros), "00000000000000000000000000");
  // All 128 bits set: 2^48-1 ms is "7ZZZZZZZZZ"; 80 one-bits are 16 'Z's.
  EXPECT_EQ(NewId(kIdMaxUnixMs, kOnes), "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
}

TEST(NewId, SortsByTimeWhateverTheRandomPart) {
  EXPECT_LT(NewId(1'700'000'000'000, kOnes), NewId(1'700'000'000'001, kZeros));
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t a = RandomU64() % kIdMaxUnixMs;
    const std::uint64_t b = a + 1 + RandomU64() % 1000;
    EXPECT_LT(NewId(a, RandomRandom80()), NewId(b, RandomRandom80())) << a << " " << b;
  }
}

TEST(NewId, ClampsTimesBeyondFortyEightBitsInsteadOfWrapping) {
  EXPECT_EQ(NewId(kIdMaxUnixMs + 1, kCounting), NewId(kIdMaxUnixMs, kCounting));
  EXPECT_EQ(NewId(UINT64_MAX, kZeros), NewId(kIdMaxUnixMs, kZeros));
  EXPECT_TRUE(IsValidId(NewId(UINT64_MAX, kOnes)));
}

TEST(NewId, FromTheSystemClockIsValidCurrentAndUnique) {
  const auto ms = [] {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  };
  const std::uint64_t before = ms();
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewId());
  const std::uint64_t after = ms();
  EXPECT_EQ(ids.size(), 1000u);
  for (const std::string& id : ids) {
    ASSERT_TRUE(IsValidId(id)) << id;
    EXPECT_GE(TimeOf(id), before);
    EXPECT_LE(TimeOf(id), after);
  }
}

TEST(NewId, OneProcessesIdsSortInTheOrderItMadeThemEvenWithinAMillisecond) {
  // 10,000 ids come far faster than one per millisecond: many share one.
  std::vector<std::string> made;
  for (int i = 0; i < 10'000; ++i) made.push_back(NewId());
  for (std::size_t i = 1; i < made.size(); ++i) {
    ASSERT_LT(made[i - 1], made[i]) << "id " << i << " sorts before the one made just before it";
  }
  std::set<std::uint64_t> millis;
  for (const std::string& id : made) millis.insert(TimeOf(id));
  EXPECT_LT(millis.size(), made.size());  // the test did exercise ids sharing a millisecond
}

TEST(IsValidId, AcceptsOnlyTheCanonicalTwentySixCharacterForm) {
  EXPECT_TRUE(IsValidId("01ARYZ6S41TSV4RRFFQ69G5FAV"));
  EXPECT_TRUE(IsValidId("7ZZZZZZZZZZZZZZZZZZZZZZZZZ"));
  for (const char* bad : {"", "01ARYZ6S41TSV4RRFFQ69G5FA", "01ARYZ6S41TSV4RRFFQ69G5FAVX",
                          "01aryz6s41tsv4rrffq69g5fav",   // lower case is not canonical
                          "01ARYZ6S41TSV4RRFFQ69G5FAI",   // I, L, O, U are not Crockford digits
                          "01ARYZ6S41TSV4RRFFQ69G5FAL", "01ARYZ6S41TSV4RRFFQ69G5FAO", "01ARYZ6S41TSV4RRFFQ69G5FAU",
                          "80000000000000000000000000",   // first char 8: more than 128 bits
                          "01ARYZ6S41-SV4RRFFQ69G5FAV", "01ARYZ6S41TSV4RRFFQ69G5FA ", "01ARYZ6S41TSV4RRFFQ69G5FA\n"}) {
    EXPECT_FALSE(IsValidId(bad)) << bad;
  }
  EXPECT_FALSE(IsValidId(std::string_view("01ARYZ6S41TSV4RRFFQ69G5FA\0", 26)));
}

TEST(RandomToken, IsUnpaddedBase64UrlOfTheRequestedBytes) {
  const std::string token = RandomToken();
  EXPECT_EQ(token.size(), 43u);  // ceil(32 * 8 / 6) = ceil(42.67)
  EXPECT_EQ(RandomToken(16).size(), 22u);  // ceil(16 * 8 / 6) = ceil(21.33)
  EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  auto raw = Base64UrlDecode(token);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->size(), 32u);
  std::set<std::string> tokens;
  for (int i = 0; i < 100; ++i) tokens.insert(RandomToken());
  EXPECT_EQ(tokens.size(), 100u);
}

}  // namespace
}  // namespace rxdesk
