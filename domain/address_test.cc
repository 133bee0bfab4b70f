#include "domain/address.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rxdesk {
namespace {

AddressInput Typical(std::string state, std::string zip, std::string city = "Springfield") {
  return AddressInput{.line1 = "1 Main St", .city = std::move(city), .state = std::move(state), .zip = std::move(zip)};
}

void ExpectInvalid(const AddressInput& in, std::string_view field, std::string_view why) {
  const Result<Address> r = ValidateAddress(in);
  ASSERT_FALSE(r.ok()) << why;
  EXPECT_EQ(r.error().code, "invalid_request") << why;
  EXPECT_EQ(r.error().field, field) << why;
}

void ExpectOutside(const AddressInput& in, std::string_view field, std::string_view why) {
  const Result<Address> r = ValidateAddress(in);
  ASSERT_FALSE(r.ok()) << why;
  EXPECT_EQ(r.error().code, "address_outside_service_area") << why;
  EXPECT_EQ(r.error().field, field) << why;
}

// PRODUCT.md §4: the 50 states, DC, PR, GU, VI, AS, MP and AA/AE/AP, each with
// a real post office (state capitals; the territories' main towns).
struct Place {
  const char* city;
  const char* state;
  const char* zip;
  AddressKind kind;
};
const std::vector<Place> kEveryJurisdiction = {
    {"Montgomery", "AL", "36104", AddressKind::kState},     {"Juneau", "AK", "99801", AddressKind::kState},
    {"Phoenix", "AZ", "85004", AddressKind::kState},        {"Little Rock", "AR", "72201", AddressKind::kState},
    {"Sacramento", "CA", "95814", AddressKind::kState},     {"Denver", "CO", "80202", AddressKind::kState},
    {"Hartford", "CT", "06103", AddressKind::kState},       {"Dover", "DE", "19901", AddressKind::kState},
    {"Tallahassee", "FL", "32301", AddressKind::kState},    {"Atlanta", "GA", "30303", AddressKind::kState},
    {"Honolulu", "HI", "96813", AddressKind::kState},       {"Boise", "ID", "83702", AddressKind::kState},
    {"Springfield", "IL", "62701", AddressKind::kState},    {"Indianapolis", "IN", "46204", AddressKind::kState},
    {"Des Moines", "IA", "50309", AddressKind::kState},     {"Topeka", "KS", "66603", AddressKind::kState},
    {"Frankfort", "KY", "40601", AddressKind::kState},      {"Baton Rouge", "LA", "70802", AddressKind::kState},
    {"Augusta", "ME", "04330", AddressKind::kState},        {"Annapolis", "MD", "21401", AddressKind::kState},
    {"Boston", "MA", "02108", AddressKind::kState},         {"Lansing", "MI", "48933", AddressKind::kState},
    {"Saint Paul", "MN", "55102", AddressKind::kState},     {"Jackson", "MS", "39201", AddressKind::kState},
    {"Jefferson City", "MO", "65101", AddressKind::kState}, {"Helena", "MT", "59601", AddressKind::kState},
    {"Lincoln", "NE", "68508", AddressKind::kState},        {"Carson City", "NV", "89701", AddressKind::kState},
    {"Concord", "NH", "03301", AddressKind::kState},        {"Trenton", "NJ", "08608", AddressKind::kState},
    {"Santa Fe", "NM", "87501", AddressKind::kState},       {"Albany", "NY", "12207", AddressKind::kState},
    {"Raleigh", "NC", "27601", AddressKind::kState},        {"Bismarck", "ND", "58501", AddressKind::kState},
    {"Columbus", "OH", "43215", AddressKind::kState},       {"Oklahoma City", "OK", "73102", AddressKind::kState},
    {"Salem", "OR", "97301", AddressKind::kState},          {"Harrisburg", "PA", "17101", AddressKind::kState},
    {"Providence", "RI", "02903", AddressKind::kState},     {"Columbia", "SC", "29201", AddressKind::kState},
    {"Pierre", "SD", "57501", AddressKind::kState},         {"Nashville", "TN", "37219", AddressKind::kState},
    {"Austin", "TX", "78701", AddressKind::kState},         {"Salt Lake City", "UT", "84111", AddressKind::kState},
    {"Montpelier", "VT", "05602", AddressKind::kState},     {"Richmond", "VA", "23219", AddressKind::kState},
    {"Olympia", "WA", "98501", AddressKind::kState},        {"Charleston", "WV", "25301", AddressKind::kState},
    {"Madison", "WI", "53703", AddressKind::kState},        {"Cheyenne", "WY", "82001", AddressKind::kState},
    {"Washington", "DC", "20001", AddressKind::kDc},        {"San Juan", "PR", "00901", AddressKind::kTerritory},
    {"Hagatna", "GU", "96910", AddressKind::kTerritory},    {"Charlotte Amalie", "VI", "00802", AddressKind::kTerritory},
    {"Pago Pago", "AS", "96799", AddressKind::kTerritory},  {"Saipan", "MP", "96950", AddressKind::kTerritory},
    {"APO", "AE", "09012", AddressKind::kMilitary},         {"FPO", "AP", "96349", AddressKind::kMilitary},
    {"DPO", "AA", "34001", AddressKind::kMilitary},
};

TEST(ValidateAddress, ShipsToEveryStateDcTerritoryAndMilitaryCode) {
  ASSERT_EQ(kEveryJurisdiction.size(), 50u + 1 + 5 + 3);
  for (const Place& p : kEveryJurisdiction) {
    const Result<Address> a = ValidateAddress(Typical(p.state, p.zip, p.city));
    ASSERT_TRUE(a.ok()) << p.state << " " << a.error().field << ": " << a.error().message;
    EXPECT_EQ(a->state, p.state);
    EXPECT_EQ(a->zip, p.zip);
    EXPECT_EQ(a->city, p.city);
    EXPECT_EQ(a->country, "US");
    EXPECT_EQ(a->kind, p.kind) << p.state;
    EXPECT_FALSE(a->po_box);
  }
}

TEST(ValidateAddress, AcceptsStateCodesInAnyCase) {
  for (const Place& p : kEveryJurisdiction) {
    std::string lower = p.state;
    for (char& c : lower) c = static_cast<char>(c - 'A' + 'a');
    const Result<Address> a = ValidateAddress(Typical(lower, p.zip, p.city));
    ASSERT_TRUE(a.ok()) << lower;
    EXPECT_EQ(a->state, p.state);
  }
}

TEST(ValidateAddress, RefusesAZipOfAnotherJurisdictionForEveryOne) {
  // Each place's ZIP given with the next place's state: no two capitals share a prefix.
  for (std::size_t i = 0; i < kEveryJurisdiction.size(); ++i) {
    const Place& p = kEveryJurisdiction[i];
    const Place& other = kEveryJurisdiction[(i + 1) % kEveryJurisdiction.size()];
    const bool military = other.kind == AddressKind::kMilitary;
    ExpectInvalid(Typical(other.state, p.zip, military ? other.city : "Springfield"), "address.zip",
                  std::string(p.zip) + " as " + other.state);
  }
}

// USPS 3-digit prefix assignments at the edges where one jurisdiction's block
// meets another's, and the 5-digit splits inside shared prefixes.
struct ZipCase {
  const char* state;
  const char* zip;
  bool ships;
};
TEST(ValidateAddress, ChecksZipPrefixesAtTheBordersBetweenStates) {
  const std::vector<ZipCase> cases = {
      {"NY", "00501", true},   // Holtsville IRS, NY's lone 005
      {"NY", "10001", true},  {"NY", "14925", true},  {"NY", "15001", false},  // 150 is PA
      {"PA", "15001", true},  {"PA", "19699", true},  {"PA", "19701", false},  // 197 is DE
      {"DE", "19701", true},  {"DE", "19999", true},  {"DE", "20001", false},
      {"PR", "00601", true},  {"PR", "00801", false}, {"VI", "00801", true},   // 008 is VI inside PR's 006–009
      {"PR", "00901", true},  {"VI", "00901", false}, {"PR", "00501", false},
      {"HI", "96701", true},  {"HI", "96798", true},  {"HI", "96799", false},  // 96799 is American Samoa
      {"AS", "96799", true},  {"AS", "96798", false}, {"AS", "96800", false},
      {"HI", "96800", true},  {"HI", "96898", true},  {"HI", "96910", false},
      {"GU", "96910", true},  {"GU", "96932", true},  {"GU", "96933", false},  {"GU", "96909", false},
      {"MP", "96950", true},  {"MP", "96952", true},  {"MP", "96953", false},  {"MP", "96949", false},
      {"GU", "96950", false},
      {"AA", "34001", true},  {"FL", "34001", false}, {"FL", "33901", true},   // 340 is the Americas military
      {"FL", "34101", true},  {"AA", "34101", false}, {"AA", "33999", false},
      {"AE", "09001", true},  {"AE", "09899", true},  {"AE", "09901", false},  {"AE", "08999", false},
      {"NJ", "08999", true},  {"NJ", "09001", false},
      {"AP", "96201", true},  {"AP", "96699", true},  {"AP", "96701", false},  {"AP", "96199", false},
      {"CA", "96161", true},  {"CA", "96201", false},
      {"TX", "73301", true},  {"OK", "73301", false}, {"OK", "73101", true},   // 733 is Austin's IRS
      {"OK", "73401", true},  {"TX", "88501", true},  {"NM", "88501", false},  // 885 is El Paso
      {"NM", "88401", true},  {"NV", "88901", true},  {"NM", "88901", false},
      {"VT", "05501", false}, {"MA", "05501", true},  {"VT", "05401", true},   // 055 is Andover, MA
      {"VT", "05601", true},  {"NH", "03901", false}, {"ME", "03901", true},
      {"DC", "20001", true},  {"DC", "20101", false}, {"VA", "20101", true},   // 201 is Dulles, VA
      {"DC", "20201", true},  {"MD", "20601", true},  {"DC", "20601", false},  {"DC", "56901", true},
      {"NY", "06390", true},  {"CT", "06390", true},  {"NY", "06391", false},  // Fishers Island, NY
      {"AK", "99501", true},  {"AK", "99403", false}, {"WA", "99403", true},
      {"NY", "00000", false}, {"AL", "99999", false}, {"AK", "99999", true},
  };
  for (const ZipCase& c : cases) {
    const std::string_view state = c.state;
    const bool military = state == "AA" || state == "AE" || state == "AP";
    const Result<Address> a = ValidateAddress(Typical(c.state, c.zip, military ? "APO" : "Springfield"));
    if (c.ships) {
      EXPECT_TRUE(a.ok()) << c.state << " " << c.zip << ": " << a.error().message;
    } else {
      ASSERT_FALSE(a.ok()) << c.state << " " << c.zip;
      EXPECT_EQ(a.error().field, "address.zip") << c.state << " " << c.zip;
    }
  }
}

TEST(ValidateAddress, NoZipWithASuffixOfOneBelongsToTwoJurisdictions) {
  // Invariant of the prefix table: a prefix belongs to one jurisdiction. (The
  // shared 063 and 967 prefixes are split at 5 digits, away from xxx01.)
  for (int prefix = 0; prefix < 1000; ++prefix) {
    const std::string zip = {static_cast<char>('0' + prefix / 100), static_cast<char>('0' + prefix / 10 % 10),
                             static_cast<char>('0' + prefix % 10), '0', '1'};
    int owners = 0;
    for (const Place& p : kEveryJurisdiction) {
      if (ValidateAddress(Typical(p.state, zip, p.city)).ok()) ++owners;
    }
    EXPECT_LE(owners, 1) << zip;
  }
}

TEST(ValidateAddress, AcceptsZipPlusFourWithOrWithoutItsHyphen) {
  EXPECT_EQ(ValidateAddress(Typical("TX", "78701-1234"))->zip, "78701-1234");
  EXPECT_EQ(ValidateAddress(Typical("TX", "787011234"))->zip, "78701-1234");
  EXPECT_EQ(ValidateAddress(Typical("TX", " 78701 "))->zip, "78701");
}

TEST(ValidateAddress, RefusesZipsOfAnyOtherShape) {
  for (const char* bad : {"7870", "787011", "78701-", "78701-123", "78701-12345", "7870a", "78701 1234", "-78701",
                          "78701--1234", "78701+1234", "1234567890", "ABCDE", "78.701", "７８７０１", "0x123"}) {
    ExpectInvalid(Typical("TX", bad), "address.zip", bad);
  }
}

TEST(ValidateAddress, RefusesUnknownStateCodes) {
  for (const char* bad : {"ZZ", "XX", "T", "TEX", "Texas", "T1", "ON", "BC", "QC", "UM", "US", "T X"}) {
    ExpectInvalid(Typical(bad, "78701"), "address.state", bad);
  }
}

TEST(ValidateAddress, RefusesTheFreelyAssociatedStatesAsOutsideTheServiceArea) {
  // USPS delivers to Micronesia, the Marshall Islands and Palau, but PRODUCT.md §4 does not list them.
  ExpectOutside(Typical("FM", "96941"), "address.state", "FM");
  ExpectOutside(Typical("MH", "96960"), "address.state", "MH");
  ExpectOutside(Typical("PW", "96940"), "address.state", "PW");
}

TEST(ValidateAddress, TakesATerritoryGivenAsItsCountry) {
  struct Case {
    const char* country;
    const char* state;  // as typed, possibly empty
    const char* zip;
    const char* expected_state;
  };
  const std::vector<Case> cases = {
      {"PR", "", "00901", "PR"},         {"pr", "PR", "00901", "PR"},          {"PRI", "", "00901", "PR"},
      {"Puerto Rico", "", "00901", "PR"}, {"PUERTO  RICO", "pr", "00901", "PR"}, {"GU", "", "96910", "GU"},
      {"Guam", "GU", "96910", "GU"},     {"GUM", "", "96910", "GU"},           {"VI", "", "00802", "VI"},
      {"VIR", "vi", "00802", "VI"},      {"U.S. Virgin Islands", "", "00802", "VI"},
      {"Virgin Islands (U.S.)", "", "00802", "VI"},                           {"United States Virgin Islands", "", "00802", "VI"},
      {"AS", "", "96799", "AS"},         {"American Samoa", "AS", "96799", "AS"}, {"ASM", "", "96799", "AS"},
      {"MP", "", "96950", "MP"},         {"Northern Mariana Islands", "", "96950", "MP"},
      {"MNP", "MP", "96950", "MP"},      {"CNMI", "", "96950", "MP"},
  };
  for (const Case& c : cases) {
    AddressInput in = Typical(c.state, c.zip);
    in.country = c.country;
    const Result<Address> a = ValidateAddress(in);
    ASSERT_TRUE(a.ok()) << c.country << ": " << a.error().message;
    EXPECT_EQ(a->state, c.expected_state) << c.country;
    EXPECT_EQ(a->country, "US") << c.country;
    EXPECT_EQ(a->kind, AddressKind::kTerritory) << c.country;
  }
}

TEST(ValidateAddress, RefusesAStateThatContradictsTheTerritoryGivenAsCountry) {
  AddressInput in = Typical("NY", "00901");
  in.country = "Puerto Rico";
  ExpectInvalid(in, "address.state", "NY in Puerto Rico");
}

TEST(ValidateAddress, ReadsTheUsUnderItsCommonNames) {
  for (const char* us : {"", "US", "us", "USA", "U.S.", "U.S.A.", "United States", "united states of america",
                         "  USA  "}) {
    AddressInput in = Typical("TX", "78701");
    in.country = us;
    const Result<Address> a = ValidateAddress(in);
    ASSERT_TRUE(a.ok()) << us;
    EXPECT_EQ(a->country, "US");
  }
}

TEST(ValidateAddress, RefusesEveryOtherCountryAsOutsideTheServiceArea) {
  for (const char* country : {"CA", "MX", "Canada", "Mexico", "México", "DE", "Germany", "FR", "GB", "UK",
                              "British Virgin Islands", "VG", "Samoa", "WS", "FM", "Micronesia", "Palau", "UM",
                              "Narnia", "'; DROP TABLE members;--", "United States of Mexico", "X", "-", "...", "N/A"}) {
    AddressInput in = Typical("TX", "78701");
    in.country = country;
    ExpectOutside(in, "address.country", country);
  }
}

TEST(ValidateAddress, RefusesAForeignAddressAsSuchWhateverItsPostalCodeLooksLike) {
  // Canada's "K1A 0B1" is no ZIP, but the answer that helps is "we do not ship there".
  AddressInput ottawa{.line1 = "80 Wellington St", .city = "Ottawa", .state = "ON", .zip = "K1A 0B1", .country = "CA"};
  ExpectOutside(ottawa, "address.country", "Ottawa");
  AddressInput paris{.line1 = "1 Rue de Rivoli", .city = "Paris", .state = "IDF", .zip = "75001", .country = "FR"};
  ExpectOutside(paris, "address.country", "Paris");
}

TEST(ValidateAddress, MilitaryAddressesPairApoFpoDpoWithAaAeAp) {
  for (const char* city : {"APO", "FPO", "DPO", "apo", " Fpo "}) {
    for (const Place& p : {Place{"", "AA", "34001", {}}, Place{"", "AE", "09012", {}}, Place{"", "AP", "96349", {}}}) {
      const Result<Address> a = ValidateAddress(Typical(p.state, p.zip, city));
      ASSERT_TRUE(a.ok()) << city << " " << p.state;
      EXPECT_EQ(a->kind, AddressKind::kMilitary);
      EXPECT_TRUE(a->city == "APO" || a->city == "FPO" || a->city == "DPO") << a->city;
    }
  }
}

TEST(ValidateAddress, RefusesAMilitaryStateWithATownAsCity) {
  ExpectInvalid(Typical("AA", "34001", "Miami"), "address.city", "AA Miami");
  ExpectInvalid(Typical("AE", "09012", "Ramstein"), "address.city", "AE Ramstein");
  ExpectInvalid(Typical("AP", "96349", "APO Box"), "address.city", "AP 'APO Box'");
}

TEST(ValidateAddress, RefusesApoFpoDpoWithAStateOrTerritory) {
  ExpectInvalid(Typical("FL", "33901", "APO"), "address.state", "APO FL");
  ExpectInvalid(Typical("CA", "96161", "FPO"), "address.state", "FPO CA");
  ExpectInvalid(Typical("GU", "96910", "DPO"), "address.state", "DPO GU");
}

TEST(ValidateAddress, MilitaryAbroadGivenWithTheForeignCountryIsOutside) {
  // USPS: military mail names no foreign country; a German country is a German address.
  AddressInput in = Typical("AE", "09012", "APO");
  in.country = "DE";
  ExpectOutside(in, "address.country", "APO AE in DE");
}

TEST(ValidateAddress, RequiresLineOneCityStateAndZip) {
  AddressInput in = Typical("TX", "78701");
  in.line1 = "";
  ExpectInvalid(in, "address.line1", "no line1");
  in = Typical("TX", "78701");
  in.line1 = "   \t ";
  ExpectInvalid(in, "address.line1", "blank line1");
  ExpectInvalid(Typical("TX", "78701", ""), "address.city", "no city");
  ExpectInvalid(Typical("", "78701"), "address.state", "no state");
  ExpectInvalid(Typical(" ", "78701"), "address.state", "blank state");
  ExpectInvalid(Typical("TX", ""), "address.zip", "no zip");
}

TEST(ValidateAddress, LineTwoAndCountryAreOptional) {
  const Result<Address> a = ValidateAddress(Typical("TX", "78701"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->line2, "");
  EXPECT_EQ(a->country, "US");
}

TEST(ValidateAddress, NamesFieldsUnderTheCallersPrefix) {
  const Result<Address> a = ValidateAddress(Typical("TX", "7870"), "shipping_address");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().field, "shipping_address.zip");
}

TEST(ValidateAddress, TrimsAndCollapsesBlanks) {
  AddressInput in{.line1 = "  1   Main\tSt \u00A0", .line2 = " Apt  2 ", .city = "\tAustin\r\n", .state = " tx ",
                  .zip = "78701", .country = " usa "};
  const Result<Address> a = ValidateAddress(in);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->line1, "1 Main St");
  EXPECT_EQ(a->line2, "Apt 2");
  EXPECT_EQ(a->city, "Austin");
  EXPECT_EQ(a->state, "TX");
  EXPECT_EQ(a->country, "US");
}

TEST(ValidateAddress, NormalizingTwiceChangesNothing) {
  std::vector<AddressInput> inputs = {
      {.line1 = "  PO   Box 12 ", .city = " apo ", .state = "ae", .zip = "090121234", .country = "U.S.A."},
      {.line1 = "Calle  Sol 5", .city = "Mayagüez", .state = "", .zip = "00680", .country = "Puerto Rico"},
  };
  for (const Place& p : kEveryJurisdiction) inputs.push_back(Typical(p.state, p.zip, p.city));
  for (const AddressInput& in : inputs) {
    const Result<Address> once = ValidateAddress(in);
    ASSERT_TRUE(once.ok()) << in.line1 << " " << once.error().message;
    const Result<Address> twice = ValidateAddress(AddressInput{once->line1, once->line2, once->city, once->state,
                                                               once->zip, once->country});
    ASSERT_TRUE(twice.ok());
    EXPECT_EQ(*twice, *once);
  }
}

TEST(ValidateAddress, AllowsOneHundredCharactersAndNotOneMore) {
  AddressInput in = Typical("TX", "78701");
  in.line1 = std::string(100, 'a');
  EXPECT_TRUE(ValidateAddress(in).ok());
  in.line1 = std::string(101, 'a');
  ExpectInvalid(in, "address.line1", "101 a");
  // Characters, not bytes: "é" is 2 bytes in UTF-8, so 100 of them are 200 bytes.
  in.line1.clear();
  for (int i = 0; i < 100; ++i) in.line1 += "é";
  EXPECT_TRUE(ValidateAddress(in).ok());
  in.line1 += "é";
  ExpectInvalid(in, "address.line1", "101 é");
  // Blanks around the text do not count; blanks inside count once each after collapsing.
  in.line1 = std::string(50, ' ') + std::string(100, 'a') + std::string(500, ' ');
  EXPECT_TRUE(ValidateAddress(in).ok());
  in.line1 = std::string(50, 'a') + std::string(30, ' ') + std::string(49, 'a');  // 50 + 1 + 49 = 100
  EXPECT_TRUE(ValidateAddress(in).ok());
  in.line1 = std::string(50, 'a') + " " + std::string(50, 'a');  // 101
  ExpectInvalid(in, "address.line1", "50+1+50");
  in.line1 = std::string(99, 'a') + "   b";  // 99 + 1 + 1 = 101: the collapsed blank counts
  ExpectInvalid(in, "address.line1", "99+1+1");
}

TEST(ValidateAddress, RefusesTenKilobytesInAnyField) {
  const std::string huge(10 * 1024, '7');
  const char* fields[] = {"line1", "line2", "city", "state", "zip", "country"};
  for (int f = 0; f < 6; ++f) {
    AddressInput in = Typical("TX", "78701");
    std::string* target[] = {&in.line1, &in.line2, &in.city, &in.state, &in.zip, &in.country};
    *target[f] = huge;
    ExpectInvalid(in, std::string("address.") + fields[f], fields[f]);
  }
}

TEST(ValidateAddress, RefusesControlCharactersInsideAField) {
  const std::vector<std::string> bad = {
      std::string("1 Main\0St", 9), "1 Main\x01St", "1 Main\x1bSt", "1 Main\x7fSt", "1 Main\nSt", "1 Main\rSt",
      "1 Main\u0085St",  // NEL, a C1 control
      "1 Main\x0bSt",
  };
  for (const std::string& line : bad) {
    AddressInput in = Typical("TX", "78701");
    in.line1 = line;
    ExpectInvalid(in, "address.line1", "control");
  }
  AddressInput zip_nul = Typical("TX", std::string("78701\0", 6));
  ExpectInvalid(zip_nul, "address.zip", "NUL after zip");
  AddressInput state_nul = Typical(std::string("T\0X", 3), "78701");
  ExpectInvalid(state_nul, "address.state", "NUL in state");
}

TEST(ValidateAddress, RefusesInvalidUtf8) {
  for (const char* bad : {"\xC3", "Ma\xC3", "\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF",
                          "\x80", "Caf\xE9"}) {
    AddressInput in = Typical("TX", "78701");
    in.city = bad;
    ExpectInvalid(in, "address.city", "invalid utf-8");
  }
}

TEST(ValidateAddress, RefusesEmojiOtherScriptsAndInvisibleFormatting) {
  for (const char* bad : {"\U0001F3E0 1 Main St", "1 Main St \U0001F600", "東京都", "ул. Ленина 1",
                          "1 Main\u200BSt",      // zero-width space
                          "1 Main St\u202E",     // right-to-left override
                          "1 Main\u00ADSt",      // soft hyphen
                          "\uFEFF1 Main St"}) {  // byte-order mark
    AddressInput in = Typical("TX", "78701");
    in.line1 = bad;
    ExpectInvalid(in, "address.line1", bad);
  }
}

TEST(ValidateAddress, KeepsLatinLettersWithDiacriticsAndTypographicPunctuation) {
  for (const char* ok : {"Calle Sol ñ 5", "Mayagüez", "Waiʻalae Ave", "O’Brien St", "Kalākaua Ave",
                         "1 Rue Saint\u2013Honoré", "Cafe\u0301 Rd"}) {
    AddressInput in = Typical("HI", "96813");
    in.line1 = ok;
    const Result<Address> a = ValidateAddress(in);
    ASSERT_TRUE(a.ok()) << ok;
    EXPECT_EQ(a->line1, ok);
  }
}

TEST(ValidateAddress, TreatsSqlLookingTextAsText) {
  AddressInput in = Typical("TX", "78701");
  in.line1 = "1 Main St'; DROP TABLE members;--";
  in.line2 = "\" OR 1=1 --";
  const Result<Address> a = ValidateAddress(in);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->line1, in.line1);
  EXPECT_EQ(a->line2, in.line2);
}

TEST(ValidateAddress, FlagsPoBoxesInEitherLine) {
  AddressInput in = Typical("TX", "78701");
  in.line1 = "PO Box 123";
  EXPECT_TRUE(ValidateAddress(in)->po_box);
  in.line1 = "Acme Pharmacy Services";
  in.line2 = "P.O. Box 9";
  EXPECT_TRUE(ValidateAddress(in)->po_box);
  in.line2 = "Suite 9";
  EXPECT_FALSE(ValidateAddress(in)->po_box);
}

TEST(IsPoBox, RecognizesTheUsualSpellings) {
  for (const char* yes : {"PO Box 123", "P.O. Box 123", "p.o. box 5", "P O Box 7", "P. O. Box 7", "POBox 12",
                          "PO BOX 12", "POBOX12", "P.O.Box 3", "Post Office Box 9", "post office box 9", "POB 44",
                          "P.O.B. 44", "Apt 2, PO Box 3", "PO Box", "PO-Box 1", "#5 PO Box 1"}) {
    EXPECT_TRUE(IsPoBox(yes)) << yes;
  }
}

TEST(IsPoBox, LeavesStreetsAndRuralRouteBoxesAlone) {
  for (const char* no : {"123 Main St", "Box 12", "RR 2 Box 15", "HC 1 Box 20", "123 Pobst Rd", "15 Po Boy Ln",
                         "POB Hill Rd", "12 Poplar Box Rd", "100 Post Office Rd", "Depot Box Rd", "PMB 12",
                         "Boxwood Ct", "POBOXER", "", "PO", "Post Office"}) {
    EXPECT_FALSE(IsPoBox(no)) << no;
  }
}

TEST(AddressKind, HasAStableName) {
  EXPECT_EQ(ToString(AddressKind::kState), "state");
  EXPECT_EQ(ToString(AddressKind::kDc), "dc");
  EXPECT_EQ(ToString(AddressKind::kTerritory), "territory");
  EXPECT_EQ(ToString(AddressKind::kMilitary), "military");
}

}  // namespace
}  // namespace rxdesk
