#include "domain/prescription.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <string>

namespace rxdesk {
namespace {

// Hand-checked identifiers.
// NPI 1234567893 (CMS's own example): Luhn over 80840 + 123456789, doubling every
// second digit from the right: 9→18→9, 8, 7→14→5, 6, 5→10→1, 4, 3→6, 2, 1→2 = 43;
// + 24 for the prefix = 67; check = 10 − 7 = 3.
constexpr std::string_view kNpi = "1234567893";
// NPI 1245319599: 9→9, 5, 9→9, 1, 3→6, 5, 4→8, 2, 1→2 = 47; + 24 = 71; check 9.
constexpr std::string_view kOtherNpi = "1245319599";
// DEA AB1234563: (1 + 3 + 5) + 2 × (2 + 4 + 6) = 9 + 24 = 33 → check digit 3.
constexpr std::string_view kDea = "AB1234563";
// DEA BJ6125341: (6 + 2 + 3) + 2 × (1 + 5 + 4) = 11 + 20 = 31 → check digit 1.
constexpr std::string_view kOtherDea = "BJ6125341";

constexpr Date kToday = MakeDate(2026, 11, 23);

NewPrescriptionInput ValidInput() {
  NewPrescriptionInput in;
  in.drug = {.ndc = "0002-3227-30", .name = "Atomoxetine", .strength = "40 mg", .form = "capsule"};
  in.schedule = "none";
  in.quantity = "30";
  in.days_supply = 30;
  in.refills_authorized = 3;
  in.written_date = "2026-11-20";
  in.prescriber = {.npi = kNpi, .name = "Dr. Ana Ruiz", .dea = ""};
  in.daw = 0;
  return in;
}

NewPrescriptionInput ControlledInput(std::string_view schedule, std::int64_t refills) {
  NewPrescriptionInput in = ValidInput();
  in.schedule = schedule;
  in.refills_authorized = refills;
  in.prescriber.dea = kDea;
  return in;
}

Result<Prescription> Validate(const NewPrescriptionInput& in) {
  return ValidateNewPrescription(in, kToday, PrescriptionPolicy{});
}

// The refused field, or "(accepted)", so that a wrong answer fails instead of crashing.
std::string FieldOf(const Result<Prescription>& rx) { return rx.ok() ? "(accepted)" : rx.error().field; }
std::string CodeOf(const Result<Prescription>& rx) { return rx.ok() ? "(accepted)" : rx.error().code; }

// ---------------------------------------------------------------- quantity

TEST(ParseQuantity, ReadsWholeAndDecimalQuantitiesAsThousandths) {
  struct Case {
    std::string_view text;
    std::int64_t thousandths;
  };
  for (const Case& c : {Case{"30", 30'000}, Case{"2.5", 2'500}, Case{"0.125", 125}, Case{"0.001", 1},
                        Case{"1.01", 1'010}, Case{"2.5000", 2'500}, Case{"007", 7'000},
                        Case{"9999999.999", 9'999'999'999}}) {
    auto q = ParseQuantity(c.text);
    ASSERT_TRUE(q.ok()) << c.text;
    EXPECT_EQ(q->thousandths(), c.thousandths) << c.text;
  }
}

TEST(ParseQuantity, RefusesZeroNegativesAndWhatIsNotAPlainDecimal) {
  for (const char* bad : {"", "0", "0.000", "-1", "+1", "1e3", ".5", "5.", "5..0", " 5", "5 ", "1,000", "NaN", "inf",
                          "0x10", "2.5001", "0.0001", "10000000", "99999999999999999999999", "3 tablets", "½"}) {
    auto q = ParseQuantity(bad, "quantity");
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.error().code, "invalid_request");
    EXPECT_EQ(q.error().field, "quantity");
  }
}

TEST(FormatQuantity, WritesTheShortestDecimal) {
  EXPECT_EQ(FormatQuantity(Quantity::FromUnits(30)), "30");
  EXPECT_EQ(FormatQuantity(Quantity::FromThousandths(2'500)), "2.5");
  EXPECT_EQ(FormatQuantity(Quantity::FromThousandths(1'010)), "1.01");
  EXPECT_EQ(FormatQuantity(Quantity::FromThousandths(125)), "0.125");
  EXPECT_EQ(FormatQuantity(Quantity::FromThousandths(9'999'999'999)), "9999999.999");
}

TEST(FormatQuantity, ReadsBackToTheSameQuantity) {
  for (std::int64_t t = 1; t <= 20'000; t += 7) {
    const Quantity q = Quantity::FromThousandths(t);
    auto back = ParseQuantity(FormatQuantity(q));
    ASSERT_TRUE(back.ok()) << t;
    EXPECT_EQ(*back, q);
  }
}

// ---------------------------------------------------------------- NDC

TEST(NormalizeNdc, PadsTheShortSegmentOfEachTenDigitLabel) {
  struct Case {
    std::string_view label, ndc11;
  };
  for (const Case& c : {
           Case{"0002-3227-30", "00002322730"},   // 4-4-2: labeler gets the zero
           Case{"50242-040-62", "50242004062"},   // 5-3-2: product gets the zero
           Case{"60575-4112-1", "60575411201"},   // 5-4-1: package gets the zero
           Case{"00002-3227-30", "00002322730"},  // 5-4-2 already
           Case{"00002322730", "00002322730"},    // 11 bare digits
           Case{" 0002-3227-30\t", "00002322730"},
       }) {
    auto ndc = NormalizeNdc(c.label);
    ASSERT_TRUE(ndc.ok()) << c.label;
    EXPECT_EQ(*ndc, c.ndc11) << c.label;
  }
}

TEST(NormalizeNdc, RefusesAmbiguousAndMalformedCodes) {
  for (const char* bad : {"", "0002322730",  // 10 bare digits: which segment to pad?
                          "000023227300", "0002-3227-3", "00002-3227-300", "0002-322730", "0002--3227-30",
                          "0002-3227-30-1", "-0002-3227-30", "0002-3227-30-", "abcd-efgh-ij", "0002-3227-3a",
                          "0002 3227 30", "0002-3227-30\n", "0000-1234-56", "00000-1234-56", "00000000000",
                          "０００２-3227-30"}) {
    auto ndc = NormalizeNdc(bad, "drug.ndc");
    ASSERT_FALSE(ndc.ok()) << bad;
    EXPECT_EQ(ndc.error().code, "invalid_request");
    EXPECT_EQ(ndc.error().field, "drug.ndc");
  }
}

// ---------------------------------------------------------------- NPI and DEA

TEST(IsValidNpi, AcceptsNumbersWhoseLuhnDigitMatches) {
  EXPECT_TRUE(IsValidNpi(kNpi));
  EXPECT_TRUE(IsValidNpi(kOtherNpi));
}

TEST(IsValidNpi, CatchesEverySingleDigitTypo) {
  // Luhn detects any one changed digit.
  for (const std::string_view valid : {kNpi, kOtherNpi}) {
    for (std::size_t i = 0; i < valid.size(); ++i) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == valid[i]) continue;
        std::string typo(valid);
        typo[i] = d;
        EXPECT_FALSE(IsValidNpi(typo)) << typo;
      }
    }
  }
}

TEST(IsValidNpi, RefusesWrongShapes) {
  for (const char* bad : {"", "123456789", "12345678930", "123456789a", " 234567893", "1234-56789"}) {
    EXPECT_FALSE(IsValidNpi(bad)) << bad;
  }
}

TEST(IsValidDeaNumber, AcceptsLettersAndAMatchingCheckDigit) {
  EXPECT_TRUE(IsValidDeaNumber(kDea));
  EXPECT_TRUE(IsValidDeaNumber(kOtherDea));
  // '9' in place of the initial marks a business registrant: 1234563 as above.
  EXPECT_TRUE(IsValidDeaNumber("F91234563"));
}

TEST(IsValidDeaNumber, CatchesTyposTheChecksumCanSee) {
  // Digits 1, 3, 5 and the check digit weigh 1: any change shows. Digits 2, 4, 6
  // weigh 2, so a change by exactly 5 adds 10 and slips through: a known weakness.
  for (std::size_t i = 2; i < kDea.size(); ++i) {
    for (char d = '0'; d <= '9'; ++d) {
      if (d == kDea[i]) continue;
      std::string typo(kDea);
      typo[i] = d;
      const bool doubled_position = (i - 2) % 2 == 1 && i != 8;
      const int delta = d - kDea[i];
      const bool invisible = doubled_position && (delta == 5 || delta == -5);
      EXPECT_EQ(IsValidDeaNumber(typo), invisible) << typo;
    }
  }
}

TEST(IsValidDeaNumber, RefusesWrongShapes) {
  for (const char* bad : {"", "AB123456", "AB12345634", "A11234563", "1B1234563", "ab1234563", "AB123456X",
                          "AB-1234563", "ÄB1234563"}) {
    EXPECT_FALSE(IsValidDeaNumber(bad)) << bad;
  }
}

// ---------------------------------------------------------------- status names

TEST(RxStatus, NamesRoundTrip) {
  for (RxStatus s : {RxStatus::kActive, RxStatus::kOnHold, RxStatus::kExpired, RxStatus::kTransferredOut,
                     RxStatus::kCancelled}) {
    EXPECT_EQ(ParseRxStatus(ToString(s)), s);
  }
  EXPECT_EQ(ToString(RxStatus::kTransferredOut), "transferred_out");
  EXPECT_EQ(ParseRxStatus("Active"), std::nullopt);
  EXPECT_EQ(ParseRxStatus(""), std::nullopt);
}

// ---------------------------------------------------------------- ValidateNewPrescription

TEST(ValidateNewPrescription, AcceptsAValidPrescriptionAndNormalizesIt) {
  NewPrescriptionInput in = ValidInput();
  in.drug.name = "  Atomoxetine  ";
  in.quantity = "2.5";
  auto rx = Validate(in);
  ASSERT_TRUE(rx.ok()) << rx.error().field << ": " << rx.error().message;
  EXPECT_EQ(rx->drug.ndc, "00002322730");
  EXPECT_EQ(rx->drug.name, "Atomoxetine");
  EXPECT_EQ(rx->drug.strength, "40 mg");
  EXPECT_EQ(rx->drug.form, "capsule");
  EXPECT_EQ(rx->schedule, Schedule::kNone);
  EXPECT_EQ(rx->quantity, Quantity::FromThousandths(2'500));
  EXPECT_EQ(rx->days_supply, 30);
  EXPECT_EQ(rx->refills_authorized, 3);
  EXPECT_EQ(rx->refills_remaining, 3);  // nothing dispensed yet
  EXPECT_EQ(rx->written_date, MakeDate(2026, 11, 20));
  EXPECT_EQ(rx->prescriber.npi, kNpi);
  EXPECT_EQ(rx->prescriber.name, "Dr. Ana Ruiz");
  EXPECT_EQ(rx->prescriber.dea, "");
  EXPECT_EQ(rx->daw, DawCode::kNoProductSelectionIndicated);
  EXPECT_EQ(rx->status, RxStatus::kActive);
  EXPECT_EQ(rx->prior_auth, PriorAuth::kNotRequired);
}

TEST(ValidateNewPrescription, StrengthAndFormAreOptional) {
  NewPrescriptionInput in = ValidInput();
  in.drug.strength = "";
  in.drug.form = "";
  EXPECT_TRUE(Validate(in).ok());
}

TEST(ValidateNewPrescription, NamesTheFieldOfEachMalformedInput) {
  struct Case {
    const char* what;
    std::function<void(NewPrescriptionInput&)> spoil;
    std::string_view field;
  };
  const std::string long_name(201, 'a');
  const std::string long_form(101, 'a');
  const Case cases[] = {
      {"NDC missing", [](auto& in) { in.drug.ndc = ""; }, "drug.ndc"},
      {"NDC 10 bare digits", [](auto& in) { in.drug.ndc = "0002322730"; }, "drug.ndc"},
      {"drug name missing", [](auto& in) { in.drug.name = ""; }, "drug.name"},
      {"drug name blanks", [](auto& in) { in.drug.name = "   "; }, "drug.name"},
      {"drug name control char", [](auto& in) { in.drug.name = "Ator\x01moxetine"; }, "drug.name"},
      {"drug name bad UTF-8", [](auto& in) { in.drug.name = "Ator\xffmoxetine"; }, "drug.name"},
      {"drug name 201 bytes", [&](auto& in) { in.drug.name = long_name; }, "drug.name"},
      {"strength newline", [](auto& in) { in.drug.strength = "40\nmg"; }, "drug.strength"},
      {"form 101 bytes", [&](auto& in) { in.drug.form = long_form; }, "drug.form"},
      {"schedule lower case", [](auto& in) { in.schedule = "ii"; }, "schedule"},
      {"schedule arabic", [](auto& in) { in.schedule = "2"; }, "schedule"},
      {"schedule empty", [](auto& in) { in.schedule = ""; }, "schedule"},
      {"schedule I", [](auto& in) { in.schedule = "I"; }, "schedule"},
      {"quantity zero", [](auto& in) { in.quantity = "0"; }, "quantity"},
      {"quantity negative", [](auto& in) { in.quantity = "-30"; }, "quantity"},
      {"quantity 4 decimals", [](auto& in) { in.quantity = "2.5001"; }, "quantity"},
      {"days supply 0", [](auto& in) { in.days_supply = 0; }, "days_supply"},
      {"days supply 366", [](auto& in) { in.days_supply = 366; }, "days_supply"},
      {"days supply negative", [](auto& in) { in.days_supply = -30; }, "days_supply"},
      {"days supply huge", [](auto& in) { in.days_supply = std::numeric_limits<std::int64_t>::max(); },
       "days_supply"},
      {"refills negative", [](auto& in) { in.refills_authorized = -1; }, "refills_authorized"},
      {"refills 100", [](auto& in) { in.refills_authorized = 100; }, "refills_authorized"},
      {"refills huge", [](auto& in) { in.refills_authorized = std::numeric_limits<std::int64_t>::min(); },
       "refills_authorized"},
      {"written date malformed", [](auto& in) { in.written_date = "11/20/2026"; }, "written_date"},
      {"written date Feb 29 of 2026", [](auto& in) { in.written_date = "2026-02-29"; }, "written_date"},
      {"written date tomorrow", [](auto& in) { in.written_date = "2026-11-24"; }, "written_date"},
      {"NPI check digit", [](auto& in) { in.prescriber.npi = "1234567890"; }, "prescriber.npi"},
      {"NPI missing", [](auto& in) { in.prescriber.npi = ""; }, "prescriber.npi"},
      {"NPI letters", [](auto& in) { in.prescriber.npi = "12345678ab"; }, "prescriber.npi"},
      {"prescriber name missing", [](auto& in) { in.prescriber.name = ""; }, "prescriber.name"},
      {"prescriber name markup", [](auto& in) { in.prescriber.name = "<script>x</script>"; }, "prescriber.name"},
      {"DEA check digit", [](auto& in) { in.prescriber.dea = "AB1234564"; }, "prescriber.dea"},
      {"DEA too short", [](auto& in) { in.prescriber.dea = "AB123456"; }, "prescriber.dea"},
      {"DAW negative", [](auto& in) { in.daw = -1; }, "daw"},
      {"DAW 10", [](auto& in) { in.daw = 10; }, "daw"},
  };
  for (const Case& c : cases) {
    NewPrescriptionInput in = ValidInput();
    c.spoil(in);
    auto rx = Validate(in);
    ASSERT_FALSE(rx.ok()) << c.what;
    EXPECT_EQ(rx.error().code, "invalid_request") << c.what;
    EXPECT_EQ(rx.error().field, c.field) << c.what;
  }
}

TEST(ValidateNewPrescription, ReportsTheEarliestFieldOfTheBodyWhenSeveralAreWrong) {
  NewPrescriptionInput in = ValidInput();
  in.quantity = "0";
  in.prescriber.npi = "0";
  EXPECT_EQ(FieldOf(Validate(in)), "quantity");
  in.drug.ndc = "x";
  EXPECT_EQ(FieldOf(Validate(in)), "drug.ndc");
}

TEST(ValidateNewPrescription, WrittenDateMayBeTodayOrEarlierButNotTomorrow) {
  NewPrescriptionInput in = ValidInput();
  in.written_date = "2026-11-22";
  EXPECT_TRUE(Validate(in).ok());
  in.written_date = "2026-11-23";  // kToday
  EXPECT_TRUE(Validate(in).ok());
  in.written_date = "2026-11-24";
  EXPECT_EQ(FieldOf(Validate(in)), "written_date");
  in.written_date = "2024-02-29";  // a leap day, two years back
  auto rx = Validate(in);
  ASSERT_TRUE(rx.ok());
  EXPECT_EQ(rx->written_date, MakeDate(2024, 2, 29));
}

TEST(ValidateNewPrescription, FutureMeansAfterTheTodayPassedIn) {
  NewPrescriptionInput in = ValidInput();
  in.written_date = "2028-02-29";
  EXPECT_FALSE(ValidateNewPrescription(in, MakeDate(2028, 2, 28), PrescriptionPolicy{}).ok());
  EXPECT_TRUE(ValidateNewPrescription(in, MakeDate(2028, 2, 29), PrescriptionPolicy{}).ok());
}

TEST(ValidateNewPrescription, DaysSupplyRunsFromOneToThePolicyMaximum) {
  NewPrescriptionInput in = ValidInput();
  for (std::int64_t days : {1, 2, 364, 365}) {
    in.days_supply = days;
    EXPECT_TRUE(Validate(in).ok()) << days;
  }
  PrescriptionPolicy ninety_days;
  ninety_days.max_days_supply = 90;
  in.days_supply = 90;
  EXPECT_TRUE(ValidateNewPrescription(in, kToday, ninety_days).ok());
  in.days_supply = 91;
  EXPECT_EQ(FieldOf(ValidateNewPrescription(in, kToday, ninety_days)), "days_supply");
}

TEST(ValidateNewPrescription, KeepsEachDawCode) {
  NewPrescriptionInput in = ValidInput();
  for (std::int64_t code = 0; code <= 9; ++code) {
    in.daw = code;
    auto rx = Validate(in);
    ASSERT_TRUE(rx.ok()) << code;
    EXPECT_EQ(static_cast<std::int64_t>(rx->daw), code);
  }
  in.daw = 2;
  auto rx = Validate(in);
  ASSERT_TRUE(rx.ok());
  EXPECT_EQ(rx->daw, DawCode::kPatientRequestedProduct);
}

TEST(ValidateNewPrescription, ControlledDrugNeedsThePrescribersDeaNumber) {
  for (std::string_view schedule : {"II", "III", "IV", "V"}) {
    NewPrescriptionInput in = ControlledInput(schedule, 0);
    in.prescriber.dea = "";
    auto rx = Validate(in);
    ASSERT_FALSE(rx.ok()) << schedule;
    EXPECT_EQ(rx.error().code, "invalid_request");
    EXPECT_EQ(rx.error().field, "prescriber.dea");
    in.prescriber.dea = "  ";
    EXPECT_EQ(FieldOf(Validate(in)), "prescriber.dea") << schedule;
  }
}

TEST(ValidateNewPrescription, UpperCasesAndTrimsTheDeaNumber) {
  NewPrescriptionInput in = ControlledInput("IV", 1);
  in.prescriber.dea = " bj6125341 ";
  auto rx = Validate(in);
  ASSERT_TRUE(rx.ok());
  EXPECT_EQ(rx->prescriber.dea, kOtherDea);
}

TEST(ValidateNewPrescription, ChecksADeaNumberGivenForANonControlledDrug) {
  NewPrescriptionInput in = ValidInput();
  in.prescriber.dea = kDea;
  auto rx = Validate(in);
  ASSERT_TRUE(rx.ok());
  EXPECT_EQ(rx->prescriber.dea, kDea);
  in.prescriber.dea = "AB1234560";
  EXPECT_EQ(FieldOf(Validate(in)), "prescriber.dea");
}

// 21 CFR 1306.12 (II: none), 1306.22(a) (III–IV: at most 5), no federal cap for V;
// 99 is NCPDP's two-digit field for every schedule.
TEST(ValidateNewPrescription, RefillLimitsFollowTheSchedule) {
  struct Case {
    std::string_view schedule;
    std::int64_t refills;
    std::string_view code;  // "" = accepted
  };
  const Case cases[] = {
      {"II", 0, ""},   {"II", 1, "schedule_ii_no_refills"}, {"II", 5, "schedule_ii_no_refills"},
      {"III", 4, ""},  {"III", 5, ""},                      {"III", 6, "controlled_refill_limit"},
      {"IV", 5, ""},   {"IV", 6, "controlled_refill_limit"}, {"IV", 99, "controlled_refill_limit"},
      {"V", 5, ""},    {"V", 6, ""},                        {"V", 99, ""},
      {"V", 100, "invalid_request"},
      {"none", 6, ""}, {"none", 99, ""},                    {"none", 100, "invalid_request"},
  };
  for (const Case& c : cases) {
    auto rx = Validate(ControlledInput(c.schedule, c.refills));
    if (c.code.empty()) {
      ASSERT_TRUE(rx.ok()) << c.schedule << " " << c.refills << ": " << rx.error().code;
      EXPECT_EQ(rx->refills_remaining, c.refills);
    } else {
      ASSERT_FALSE(rx.ok()) << c.schedule << " " << c.refills;
      EXPECT_EQ(rx.error().code, c.code) << c.schedule << " " << c.refills;
      EXPECT_EQ(rx.error().field, "refills_authorized");
    }
  }
}

TEST(ValidateNewPrescription, MalformedInputIsReportedBeforeTheLaw) {
  NewPrescriptionInput in = ControlledInput("II", 2);
  in.drug.ndc = "bogus";
  EXPECT_EQ(CodeOf(Validate(in)), "invalid_request");
  in = ControlledInput("III", 9);
  in.prescriber.dea = "";
  EXPECT_EQ(CodeOf(Validate(in)), "invalid_request");
}

}  // namespace
}  // namespace rxdesk
