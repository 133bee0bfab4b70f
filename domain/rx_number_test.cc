#include "domain/rx_number.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rxdesk {
namespace {

// A small deterministic generator for property loops (splitmix64).
class TestRng {
 public:
  explicit TestRng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  std::uint64_t state_;
};

// Serials across the whole range: the edges, round numbers, and random ones.
std::vector<std::uint32_t> ManySerials() {
  std::vector<std::uint32_t> serials = {0, 1, 9, 10, 42, 1234567, 5000000, 9999998, 9999999};
  TestRng rng(2026);
  for (int i = 0; i < 2000; ++i) serials.push_back(static_cast<std::uint32_t>(rng.Next() % 10'000'000));
  return serials;
}

TEST(DammCheckDigit, MatchesDammsWorkedExample) {
  // "572": interim 0 -> row 0 col 5 = 9 -> row 9 col 7 = 7 -> row 7 col 2 = 4.
  EXPECT_EQ(DammCheckDigit("572"), 4);
  // And "5724" chains back to 0: row 4 col 4 = 0.
  EXPECT_EQ(DammCheckDigit("5724"), 0);
}

TEST(DammCheckDigit, IsZeroForNothingAndRefusesNonDigits) {
  EXPECT_EQ(DammCheckDigit(""), 0);
  EXPECT_EQ(DammCheckDigit("12a4"), -1);
  EXPECT_EQ(DammCheckDigit("12 4"), -1);
  EXPECT_EQ(DammCheckDigit(std::string("12\0", 3)), -1);
}

TEST(RxNumber, AppendsTheDammDigitToASevenDigitSerial) {
  // 1234567: 0 ->(1) 3 ->(2) 5 ->(3) 4 ->(4) 0 ->(5) 9 ->(6) 6 ->(7) 1: check 1.
  EXPECT_EQ(RxNumber::FromSerial(1234567).str(), "12345671");
  // 0000042: zeros keep the interim 0; ->(4) 5 ->(2) 7: check 7.
  EXPECT_EQ(RxNumber::FromSerial(42).str(), "00000427");
  // All zeros chain to 0.
  EXPECT_EQ(RxNumber::FromSerial(0).str(), "00000000");
  // 9999999: 0 ->2 ->9 ->0 ->2 ->9 ->0 ->2: check 2.
  EXPECT_EQ(RxNumber::FromSerial(9999999).str(), "99999992");
  EXPECT_EQ(RxNumber::FromSerial(9999999).serial(), 9999999u);
}

TEST(RxNumber, ParsesWhatItPrints) {
  for (std::uint32_t serial : ManySerials()) {
    const RxNumber rx = RxNumber::FromSerial(serial);
    ASSERT_EQ(rx.str().size(), 8u);
    const Result<RxNumber> parsed = RxNumber::Parse(rx.str());
    ASSERT_TRUE(parsed.ok()) << rx.str();
    EXPECT_EQ(parsed->serial(), serial);
    EXPECT_EQ(parsed->str(), rx.str());
    EXPECT_EQ(*parsed, rx);
  }
}

TEST(RxNumber, AcceptsTheLabelFormsAndSurroundingBlanks) {
  for (const char* typed : {"12345671", "1234567-1", "1234567 1", "  12345671", "12345671\t", " 1234567-1 "}) {
    const Result<RxNumber> rx = RxNumber::Parse(typed);
    ASSERT_TRUE(rx.ok()) << typed;
    EXPECT_EQ(rx->serial(), 1234567u);
    EXPECT_EQ(rx->str(), "12345671");
  }
}

TEST(RxNumber, RefusesWrongShapesNamingTheField) {
  const std::vector<std::string> bad = {
      "", " ", "1234567", "123456712", "1234567--1", "123456-71", "1234567_1", "1234567-12", "1234a671",
      "-12345671", "12 345671", "１２３４５６７１", std::string("12345671\0", 9), std::string(10 * 1024, '1'),
      "12345671; DROP TABLE prescriptions", "0x1234567",
  };
  for (const std::string& text : bad) {
    const Result<RxNumber> rx = RxNumber::Parse(text, "items[0].rx_number");
    ASSERT_FALSE(rx.ok()) << text.substr(0, 20);
    EXPECT_EQ(rx.error().code, "invalid_request") << text.substr(0, 20);
    EXPECT_EQ(rx.error().field, "items[0].rx_number");
  }
}

TEST(RxNumber, RefusesATypoWithItsOwnCode) {
  const Result<RxNumber> rx = RxNumber::Parse("12345672");
  ASSERT_FALSE(rx.ok());
  EXPECT_EQ(rx.error().code, "invalid_check_digit");
  EXPECT_EQ(rx.error().field, "rx_number");
}

TEST(RxNumber, CatchesEverySingleDigitSubstitution) {
  for (std::uint32_t serial : ManySerials()) {
    const std::string printed = RxNumber::FromSerial(serial).str();
    for (std::size_t i = 0; i < printed.size(); ++i) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == printed[i]) continue;
        std::string typo = printed;
        typo[i] = d;
        const Result<RxNumber> rx = RxNumber::Parse(typo);
        ASSERT_FALSE(rx.ok()) << printed << " -> " << typo;
        EXPECT_EQ(rx.error().code, "invalid_check_digit");
      }
    }
  }
}

TEST(RxNumber, CatchesEveryAdjacentTranspositionOfDistinctDigits) {
  for (std::uint32_t serial : ManySerials()) {
    const std::string printed = RxNumber::FromSerial(serial).str();
    for (std::size_t i = 0; i + 1 < printed.size(); ++i) {
      if (printed[i] == printed[i + 1]) continue;
      std::string swapped = printed;
      std::swap(swapped[i], swapped[i + 1]);
      const Result<RxNumber> rx = RxNumber::Parse(swapped);
      ASSERT_FALSE(rx.ok()) << printed << " -> " << swapped;
      EXPECT_EQ(rx.error().code, "invalid_check_digit");
    }
  }
}

TEST(RxNumber, CatchesEveryTranspositionInEveryTwoDigitPair) {
  // Exhaustive for the table itself: for every interim state and digits x != y,
  // chaining xy and yx must end in different states (weak total anti-symmetry),
  // so no transposition anywhere in any number goes unnoticed.
  for (int prefix = 0; prefix < 10; ++prefix) {
    for (char x = '0'; x <= '9'; ++x) {
      for (char y = '0'; y <= '9'; ++y) {
        if (x == y) continue;
        // A one-digit prefix reaches every interim state, since row 0 is a permutation.
        const std::string p(1, static_cast<char>('0' + prefix));
        EXPECT_NE(DammCheckDigit(p + x + y), DammCheckDigit(p + y + x)) << p << x << y;
      }
    }
  }
}

TEST(RxNumber, OrdersBySerial) {
  EXPECT_LT(RxNumber::FromSerial(41), RxNumber::FromSerial(42));
  EXPECT_EQ(RxNumber::FromSerial(42), *RxNumber::Parse("0000042-7"));
}

}  // namespace
}  // namespace rxdesk
