#include "domain/reference_number.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rxdesk {
namespace {

// Crockford's base32 symbols and, after them, the five extra check characters.
constexpr std::string_view kSymbols = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::string_view kCheckCharacters = "0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U";

class TestRng {  // splitmix64, deterministic
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

// References on random days of 2000–2099 with random symbols.
std::vector<ReferenceNumber> ManyReferences(int count) {
  std::vector<ReferenceNumber> refs;
  TestRng rng(8);
  const Date first = MakeDate(2000, 1, 1);
  const int days = DaysBetween(first, MakeDate(2099, 12, 31)) + 1;
  for (int i = 0; i < count; ++i) {
    const Date day = first + Days{static_cast<int>(rng.Next() % static_cast<std::uint64_t>(days))};
    refs.push_back(ReferenceNumber::Make(day, rng.Next()));
  }
  return refs;
}

// The positions of the 13 value characters in "RX-YYMMDD-XXXXXX-C".
constexpr std::size_t kValuePositions[13] = {3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 17};

std::string_view AlphabetAt(std::size_t value_index) {
  if (value_index < 6) return kSymbols.substr(0, 10);
  if (value_index < 12) return kSymbols;
  return kCheckCharacters;
}

TEST(ReferenceNumber, AcceptsTheExampleInTheSpec) {
  // PRODUCT.md §8: RX-261123-4F7KQ2-8. Values 2 6 1 1 2 3 | 4 F=15 7 K=19 Q=23 2,
  // weights 12..1: 12·2=24, 11·6=66, 10·1=10, 9·1=9, 8·2=16, 7·3=21, 6·4=24,
  // 5·15=75, 4·7=28, 3·19=57, 2·23=46, 1·2=2; sum 378 = 10·37 + 8: check '8'.
  const Result<ReferenceNumber> r = ReferenceNumber::Parse("RX-261123-4F7KQ2-8");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->date(), MakeDate(2026, 11, 23));
  EXPECT_EQ(r->str(), "RX-261123-4F7KQ2-8");
}

TEST(ReferenceNumber, MakesTheSpecExampleFromItsDateAndSymbols) {
  // 4F7KQ2 = 4,15,7,19,23,2 in 5-bit groups: 4·2^25 + 15·2^20 + 7·2^15 + 19·2^10 + 23·2^5 + 2
  // = 134217728 + 15728640 + 229376 + 19456 + 736 + 2 = 150195938.
  EXPECT_EQ(MakeReferenceNumber(MakeDate(2026, 11, 23), 150195938), "RX-261123-4F7KQ2-8");
}

TEST(ReferenceNumber, MakesAllZeroSymbolsFromZeroEntropy) {
  // 2000-01-01: 0 0 0 1 0 1 -> 9·1 + 7·1 = 16 = 'G'.
  EXPECT_EQ(MakeReferenceNumber(MakeDate(2000, 1, 1), 0), "RX-000101-000000-G");
  // 2099-12-31: 9 9 1 2 3 1, symbols ZZZZZZ (31 each) from 2^30 - 1:
  // 12·9+11·9+10·1+9·2+8·3+7·1 = 108+99+10+18+24+7 = 266; 31·(6+5+4+3+2+1) = 651;
  // 917 = 24·37 + 29 -> 'X' (value 29).
  EXPECT_EQ(MakeReferenceNumber(MakeDate(2099, 12, 31), (1u << 30) - 1), "RX-991231-ZZZZZZ-X");
}

TEST(ReferenceNumber, FoldsAllSixtyFourBitsOfEntropy) {
  const Date day = MakeDate(2026, 11, 23);
  const ReferenceNumber zero = ReferenceNumber::Make(day, 0);
  for (int bit = 0; bit < 64; ++bit) {
    EXPECT_NE(ReferenceNumber::Make(day, std::uint64_t{1} << bit), zero) << bit;
  }
  // Bits 30 and 60 fold onto bit 0.
  EXPECT_EQ(ReferenceNumber::Make(day, std::uint64_t{1} << 30), ReferenceNumber::Make(day, 1));
  EXPECT_EQ(ReferenceNumber::Make(day, std::uint64_t{1} << 60), ReferenceNumber::Make(day, 1));
}

TEST(ReferenceNumber, ParsesWhatItMakesAndKeepsTheDate) {
  TestRng rng(1);
  for (Date day = MakeDate(2000, 1, 1); day <= MakeDate(2099, 12, 31); day += Days{7}) {
    const ReferenceNumber made = ReferenceNumber::Make(day, rng.Next());
    EXPECT_EQ(made.date(), day);
    const Result<ReferenceNumber> parsed = ReferenceNumber::Parse(made.str());
    ASSERT_TRUE(parsed.ok()) << made.str();
    EXPECT_EQ(*parsed, made);
    EXPECT_EQ(parsed->date(), day);
  }
}

TEST(ReferenceNumber, ReadsLeapDaysOnlyInLeapYears) {
  // 2028-02-29: 2 8 0 2 2 9 -> 24+88+0+18+16+63 = 209 = 5·37 + 24 -> 'R'.
  const Result<ReferenceNumber> leap = ReferenceNumber::Parse("RX-280229-000000-R");
  ASSERT_TRUE(leap.ok());
  EXPECT_EQ(leap->date(), MakeDate(2028, 2, 29));
  // 2000-02-29 (2000 is a leap year): 0 0 0 2 2 9 -> 18+16+63 = 97 = 2·37 + 23 -> 'Q'.
  const Result<ReferenceNumber> y2k = ReferenceNumber::Parse("RX-000229-000000-Q");
  ASSERT_TRUE(y2k.ok());
  EXPECT_EQ(y2k->date(), MakeDate(2000, 2, 29));
  // 2027-02-29 does not exist: 2 7 0 2 2 9 -> 24+77+0+18+16+63 = 198 = 5·37 + 13 -> 'D'.
  const Result<ReferenceNumber> none = ReferenceNumber::Parse("RX-270229-000000-D");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, "invalid_request");
  EXPECT_EQ(none.error().field, "reference");
  EXPECT_EQ(MakeReferenceNumber(MakeDate(2028, 2, 29), 0), "RX-280229-000000-R");
}

TEST(ReferenceNumber, RefusesADatePartThatIsNoCalendarDayEvenWithARightCheck) {
  // Month 13: 2 6 1 3 2 3 -> 24+66+10+27+16+21 = 164 = 4·37 + 16 -> 'G'.
  // Day 00:   2 6 1 1 0 0 -> 24+66+10+9 = 109 = 2·37 + 35 -> '='.
  // Month 00: 2 6 0 0 0 1 -> 24+66+7 = 97 -> 'Q'.
  for (const char* bad : {"RX-261323-000000-G", "RX-261100-000000-=", "RX-260001-000000-Q"}) {
    const Result<ReferenceNumber> r = ReferenceNumber::Parse(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_request") << bad;
  }
}

TEST(ReferenceNumber, ReadsWhatPeopleTypeCaseBlanksAliasesAndHyphens) {
  for (const char* typed : {"rx-261123-4f7kq2-8", "  RX-261123-4F7KQ2-8\t", "RX2611234F7KQ28", "261123-4F7KQ2-8",
                            "RX 261123 4F7KQ2 8", "RX-26II23-4F7KQ2-8", "rx-26ll23-4f7kq2-8", "R-X-261123-4F7KQ2-8"}) {
    const Result<ReferenceNumber> r = ReferenceNumber::Parse(typed);
    ASSERT_TRUE(r.ok()) << typed << ": " << r.error().message;
    EXPECT_EQ(r->str(), "RX-261123-4F7KQ2-8") << typed;
  }
  // O for 0 everywhere, and a lower-case check character.
  const Result<ReferenceNumber> zeros = ReferenceNumber::Parse("rx-ooo1o1-oooooo-g");
  ASSERT_TRUE(zeros.ok());
  EXPECT_EQ(zeros->str(), "RX-000101-000000-G");
  EXPECT_EQ(zeros->date(), MakeDate(2000, 1, 1));
}

TEST(ReferenceNumber, ReadsTheCheckOnlyCharacters) {
  // For each extra check value (32–36) a reference that uses it, found by hand: 2000-01-01 with symbols 00000s, s at weight 1, sum 16 + s.
  // 16 + s ≡ 32..36 (mod 37) -> s = 16..20 = G H J K M.
  const std::vector<std::pair<std::string, char>> cases = {
      {"RX-000101-00000G-", '*'}, {"RX-000101-00000H-", '~'}, {"RX-000101-00000J-", '$'},
      {"RX-000101-00000K-", '='}, {"RX-000101-00000M-", 'U'}};
  for (const auto& [body, check] : cases) {
    const Result<ReferenceNumber> r = ReferenceNumber::Parse(body + check);
    ASSERT_TRUE(r.ok()) << body << check;
    if (check == 'U') {
      EXPECT_TRUE(ReferenceNumber::Parse(body + 'u').ok());
    }
  }
}

TEST(ReferenceNumber, RefusesWrongShapesNamingTheField) {
  const std::vector<std::string> bad = {
      "", "RX", "RX-", "RX-261123-4F7KQ2", "RX-261123-4F7KQ2-88", "RX-26112A-4F7KQ2-8", "RX-261123-4F7KU2-8",
      "RX-261123-4F7KQ2-!", "XR-261123-4F7KQ2-8", "RXRX-261123-4F7KQ2-8", "RX-261123-4F7KQ-8", "RX_261123_4F7KQ2_8",
      "RX-261123-4F7KQ2-8; DROP TABLE contacts", std::string("RX-261123-4F7KQ2-8\0", 19), std::string(10 * 1024, 'A'),
      "RX-261123-4F7KQ2-\xF0\x9F\x98\x80", "RX-261123-4F7KQ2-8-1", "RX-26112*-4F7KQ2-8", "RX-261123-4F7KQ*-8",
  };
  for (const std::string& text : bad) {
    const Result<ReferenceNumber> r = ReferenceNumber::Parse(text, "contact.reference");
    ASSERT_FALSE(r.ok()) << text.substr(0, 30);
    EXPECT_EQ(r.error().code, "invalid_request") << text.substr(0, 30);
    EXPECT_EQ(r.error().field, "contact.reference");
  }
}

TEST(ReferenceNumber, RefusesATypoWithItsOwnCode) {
  const Result<ReferenceNumber> r = ReferenceNumber::Parse("RX-261123-4F7KQ2-9");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_check_character");
  EXPECT_EQ(r.error().field, "reference");
}

TEST(ReferenceNumber, CatchesEverySingleCharacterSubstitution) {
  // Every other symbol of the position's alphabet, at each of the 13 positions,
  // in 1,000 references: 6·9 + 6·31 + 36 = 276 typos each.
  for (const ReferenceNumber& ref : ManyReferences(1000)) {
    const std::string printed(ref.str());
    for (std::size_t v = 0; v < 13; ++v) {
      const std::size_t pos = kValuePositions[v];
      for (char c : AlphabetAt(v)) {
        if (c == printed[pos]) continue;
        std::string typo = printed;
        typo[pos] = c;
        const Result<ReferenceNumber> r = ReferenceNumber::Parse(typo);
        ASSERT_FALSE(r.ok()) << printed << " -> " << typo;
        EXPECT_EQ(r.error().code, "invalid_check_character") << printed << " -> " << typo;
      }
    }
  }
}

TEST(ReferenceNumber, CatchesEveryTranspositionAdjacentOrNot) {
  // All pairs of the 13 value characters (the adjacent ones included, also
  // across a hyphen), swapped when they differ.
  for (const ReferenceNumber& ref : ManyReferences(1000)) {
    const std::string printed(ref.str());
    for (std::size_t a = 0; a < 13; ++a) {
      for (std::size_t b = a + 1; b < 13; ++b) {
        std::string swapped = printed;
        std::swap(swapped[kValuePositions[a]], swapped[kValuePositions[b]]);
        if (swapped == printed) continue;
        EXPECT_FALSE(ReferenceNumber::Parse(swapped).ok()) << printed << " -> " << swapped;
      }
    }
  }
}

TEST(ReferenceNumber, AliasesAreNotTypos) {
  // Typing O for 0 or I/L for 1 reads as the same reference.
  for (const ReferenceNumber& ref : ManyReferences(200)) {
    std::string typed(ref.str());
    for (std::size_t pos : kValuePositions) {
      if (typed[pos] == '0') typed[pos] = 'O';
      if (typed[pos] == '1') typed[pos] = (pos % 2 == 0) ? 'I' : 'l';
    }
    const Result<ReferenceNumber> r = ReferenceNumber::Parse(typed);
    ASSERT_TRUE(r.ok()) << typed;
    EXPECT_EQ(*r, ref);
  }
}

}  // namespace
}  // namespace rxdesk
