#include "domain/official_channels.h"

#include <gtest/gtest.h>

#include <string>

namespace rxdesk {
namespace {

OfficialChannels List() {
  OfficialChannels o;  // PRODUCT.md §8's domains
  o.phones = {{"+18002372765", "main"},
              {"+18006734828", "specialty"},
              {"+18007114041", "tty"},
              {"+18007427622", "retail"}};  // 1-800-PHARMACY, for the vanity tests
  return o;
}

OfficialCheck Check(std::string_view value) {
  auto r = CheckOfficialChannel(value, List());
  EXPECT_TRUE(r.ok()) << value << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : OfficialCheck{};
}

std::string RefusedField(std::string_view value) {
  auto r = CheckOfficialChannel(value, List());
  EXPECT_FALSE(r.ok()) << value;
  if (r.ok()) return "";
  EXPECT_EQ(r.error().code, "invalid_request");
  return r.error().field;
}

void ExpectOfficial(std::string_view value, CheckedKind kind) {
  const OfficialCheck c = Check(value);
  EXPECT_TRUE(c.official) << value;
  EXPECT_EQ(c.kind, kind) << value;
  EXPECT_EQ(c.lookalike_of, "") << value;
}

void ExpectLookalike(std::string_view value, std::string_view of) {
  const OfficialCheck c = Check(value);
  EXPECT_FALSE(c.official) << value;
  EXPECT_EQ(c.lookalike_of, of) << value;
}

void ExpectUnrelated(std::string_view value) {
  const OfficialCheck c = Check(value);
  EXPECT_FALSE(c.official) << value;
  EXPECT_EQ(c.lookalike_of, "") << value;
}

// ---- Phone numbers ----

TEST(OfficialCheck, TheMainLineIsOfficialInEveryCommonFormat) {
  for (const char* n : {"1-800-237-2765", "+1 800 237 2765", "+1-800-237-2765", "(800) 237-2765", "800.237.2765",
                        "18002372765", "8002372765", "+18002372765", "1 (800) 237-2765", "  800 237 2765  "}) {
    const OfficialCheck c = Check(n);
    EXPECT_TRUE(c.official) << n;
    EXPECT_EQ(c.kind, CheckedKind::kPhone) << n;
    EXPECT_EQ(c.channel, "main") << n;
  }
}

TEST(OfficialCheck, EachLineNamesItsChannel) {
  EXPECT_EQ(Check("1-800-673-4828").channel, "specialty");
  EXPECT_EQ(Check("1-800-711-4041").channel, "tty");
}

TEST(OfficialCheck, VanityLettersAreReadAsOnAKeypadAndExtraLettersIgnored) {
  EXPECT_EQ(Check("1-800-PHARMACY").channel, "retail");  // 1-800-742-7622 + the trailing Y
  EXPECT_EQ(Check("1-800-pharmac").channel, "retail");
  EXPECT_EQ(Check("1 800 PHARMACY").channel, "retail");
  EXPECT_EQ(NormalizeDialedNumber("1-800-PHARMACY").value(), "+18007427622");
}

TEST(OfficialCheck, ANumberOneDigitOffIsAPhoneButNotOfficial) {
  const OfficialCheck c = Check("1-800-237-2766");
  EXPECT_EQ(c.kind, CheckedKind::kPhone);
  EXPECT_FALSE(c.official);
  EXPECT_EQ(c.channel, "");
}

TEST(OfficialCheck, TooShortOrTooLongDigitsAreNotAChannel) {
  EXPECT_EQ(RefusedField("237-2765"), "value");
  EXPECT_EQ(RefusedField("+1 800 237 2765 1234"), "value");
  EXPECT_EQ(RefusedField("12"), "value");
}

TEST(OfficialCheck, NormalizeDialedNumberRefusesAreaCodesStartingWithZeroOrOne) {
  EXPECT_FALSE(NormalizeDialedNumber("(100) 237-2765").ok());
  EXPECT_FALSE(NormalizeDialedNumber("800-037-2765").ok());
  EXPECT_FALSE(NormalizeDialedNumber("800/237/2765").ok());
  EXPECT_EQ(NormalizeDialedNumber("(512) 555-0100").value(), "+15125550100");
}

// ---- Domains ----

TEST(OfficialCheck, OfficialDomainsAndTheirSubdomainsAreOfficial) {
  for (const char* d : {"caremark.com", "cvs.com", "cvshealth.com", "cvsspecialty.com", "www.caremark.com",
                        "login.secure.cvs.com", "CAREMARK.COM", "Caremark.Com", "caremark.com."}) {
    ExpectOfficial(d, CheckedKind::kDomain);
  }
}

TEST(OfficialCheck, FullwidthLettersAndIdeographicDotsFoldToTheOfficialDomainAsBrowsersDo) {
  ExpectOfficial("\xEF\xBD\x83\xEF\xBD\x96\xEF\xBD\x93.com", CheckedKind::kDomain);  // ｃｖｓ.com
  ExpectOfficial(
      "cvs\xE3\x80\x82"
      "com",
      CheckedKind::kDomain);  // cvs。com
}

TEST(OfficialCheck, ADomainThatMerelyEndsWithTheOfficialNameIsNotASubdomain) {
  const OfficialCheck c = Check("evilcaremark.com");
  EXPECT_FALSE(c.official);
  EXPECT_EQ(c.lookalike_of, "caremark.com");  // embedded name
  ExpectLookalike("notcvs.com", "cvs.com");
}

TEST(OfficialCheck, OneOrTwoLettersChangedAddedOrDroppedAreLookalikes) {
  ExpectLookalike("caremarc.com", "caremark.com");   // one changed
  ExpectLookalike("carremark.com", "caremark.com");  // one added
  ExpectLookalike("caremrk.com", "caremark.com");    // one dropped
  ExpectLookalike("karemarc.com", "caremark.com");   // two changed
  ExpectLookalike("cvshelth.com", "cvshealth.com");
  ExpectLookalike("cvsspeciality.com", "cvsspecialty.com");
}

TEST(OfficialCheck, SwappedNeighbouringLettersAreLookalikes) {
  ExpectLookalike("cearmark.com", "caremark.com");
  ExpectLookalike("csv.com", "cvs.com");
  EXPECT_EQ(EditDistance("caremark", "acremark"), 1);
  EXPECT_EQ(EditDistance("caremark", "caremark"), 0);
  EXPECT_EQ(EditDistance("", "abc"), 3);
}

TEST(OfficialCheck, ShortNamesAllowOneEditOnlySoUnrelatedThreeLetterDomainsPass) {
  ExpectLookalike("cvx.com", "cvs.com");
  ExpectUnrelated("abc.com");
  ExpectUnrelated("example.com");
  ExpectUnrelated("wikipedia.org");
}

TEST(OfficialCheck, DigitAndLetterHomoglyphsAreLookalikes) {
  ExpectLookalike("carem4rk.com", "caremark.com");
  ExpectLookalike("c0vs.com", "cvs.com");              // one added: still one edit
  ExpectLookalike("cvshea1th.com", "cvshealth.com");   // 1 for l
  ExpectLookalike("cvshealth.corn", "cvshealth.com");  // same name, another "tld"
  ExpectLookalike("carernark.com", "caremark.com");    // rn for m
  ExpectLookalike("cvsspecia1ty.com", "cvsspecialty.com");
  EXPECT_EQ(ConfusableSkeleton("carernark"), ConfusableSkeleton("caremark"));
  EXPECT_EQ(ConfusableSkeleton("cvshea1th"), ConfusableSkeleton("cvshealth"));
}

TEST(OfficialCheck, CyrillicAndGreekLettersImitatingLatinOnesAreLookalikesNeverOfficial) {
  ExpectLookalike("\xD1\x81\x61remark.com", "caremark.com");  // Cyrillic с + "aremark"
  ExpectLookalike("\xD1\x81vs.com", "cvs.com");               // Cyrillic с
  ExpectLookalike("car\xD0\xB5mark.com", "caremark.com");     // Cyrillic е
  ExpectLookalike("caremark.c\xCE\xBFm", "caremark.com");     // Greek ο in the TLD
  ExpectLookalike("\xD0\xA1VS.COM", "cvs.com");               // Cyrillic capital С
}

TEST(OfficialCheck, PunycodeLabelsAreDecodedBeforeComparing) {
  ExpectLookalike("xn--vs-nmc.com", "cvs.com");  // сvs.com, Cyrillic с
  ExpectLookalike("XN--VS-NMC.COM", "cvs.com");
  ExpectLookalike("https://xn--aremark-xjg.com/login", "caremark.com");  // сaremark.com
  ExpectUnrelated("xn--bcher-kva.example");                              // bücher.example
}

TEST(OfficialCheck, TheOfficialNameEmbeddedInAnotherDomainIsALookalike) {
  ExpectLookalike("caremark-support.com", "caremark.com");
  ExpectLookalike("caremark.com.evil.net", "caremark.com");
  ExpectLookalike("secure-cvshealth.example", "cvshealth.com");  // the longer official name wins over cvs
  ExpectLookalike("cvs.com-refill.info", "cvs.com");
  ExpectLookalike("caremark.net", "caremark.com");  // same name, another TLD
}

TEST(OfficialCheck, IpAddressesAreNeverOfficialNorLookalikes) {
  ExpectUnrelated("http://192.0.2.10/caremark");
  ExpectUnrelated("http://[2001:db8::1]/login");
}

// ---- URLs ----

TEST(OfficialCheck, UrlsAreJudgedByTheirHostWhateverTheSchemePortPathOrQuery) {
  for (const char* u : {"https://www.caremark.com/refill", "http://caremark.com:8080/x?y=1#z", "HTTPS://CVS.COM",
                        "https://caremark.com./", "caremark.com/login", "https://caremark.com?next=evil.example",
                        "https://user:pw@caremark.com/"}) {
    ExpectOfficial(u, CheckedKind::kUrl);
  }
}

TEST(OfficialCheck, UserinfoBeforeTheAtSignDoesNotMakeAUrlOfficial) {
  const OfficialCheck c = Check("https://caremark.com@evil.example/login");
  EXPECT_EQ(c.kind, CheckedKind::kUrl);
  EXPECT_FALSE(c.official);
  ExpectUnrelated("https://caremark.com:443@evil.example/");
  EXPECT_EQ(RefusedField("https://www.caremark.com%40evil.example/"), "value");  // '@' encoded into the host
}

TEST(OfficialCheck, AnOfficialNameInThePathOrQueryDoesNotCount) {
  ExpectUnrelated("https://evil.example/caremark.com");
  ExpectUnrelated("https://evil.example/?u=https://caremark.com");
  ExpectUnrelated("https://evil.example\\@caremark.com");  // browsers end the host at '\'
}

TEST(OfficialCheck, BadPortsAndEmptyHostsAreNotAChannel) {
  EXPECT_EQ(RefusedField("https://caremark.com:80a/"), "value");
  EXPECT_EQ(RefusedField("https:///path"), "value");
  EXPECT_EQ(RefusedField("https://caremark..com/"), "value");
  EXPECT_EQ(RefusedField("ht tp://caremark.com"), "value");
}

// ---- Email senders ----

TEST(OfficialCheck, EmailSendersAreJudgedByTheirDomain) {
  ExpectOfficial("alerts@caremark.com", CheckedKind::kEmail);
  ExpectOfficial("no-reply@mail.cvs.com", CheckedKind::kEmail);
  ExpectOfficial("CVS Pharmacy <Alerts@CVS.com>", CheckedKind::kEmail);
  ExpectOfficial("\"CVS, Pharmacy\" <alerts@cvs.com>", CheckedKind::kEmail);
  ExpectOfficial("mailto:alerts@caremark.com", CheckedKind::kEmail);
}

TEST(OfficialCheck, ADisplayNameCannotMakeASenderOfficial) {
  const OfficialCheck c = Check("alerts@caremark.com <alerts@caremark-security.com>");
  EXPECT_EQ(c.kind, CheckedKind::kEmail);
  EXPECT_FALSE(c.official);
  EXPECT_EQ(c.lookalike_of, "caremark.com");
  ExpectLookalike("CVS <no-reply@cvs-alerts.com>", "cvs.com");
  ExpectUnrelated("Caremark <someone@example.com>");
}

TEST(OfficialCheck, MalformedSendersAreNotAChannel) {
  EXPECT_EQ(RefusedField("@caremark.com"), "value");
  EXPECT_EQ(RefusedField("alerts@"), "value");
  EXPECT_EQ(RefusedField("CVS <alerts@cvs.com"), "value");
  EXPECT_EQ(RefusedField("al erts@cvs.com"), "value");
  EXPECT_EQ(RefusedField("alerts@localhost"), "value");
}

// ---- Malicious input ----

TEST(OfficialCheck, EmptyOrBlankInputIsRefused) {
  EXPECT_EQ(RefusedField(""), "value");
  EXPECT_EQ(RefusedField("   \t "), "value");
}

TEST(OfficialCheck, InputJustOverTheLimitIsRefusedAndAtTheLimitIsRead) {
  const OfficialChannels o = List();
  std::string at_limit = std::string(o.max_input_bytes - 4, 'a');
  at_limit = "a." + at_limit.substr(0, 60) + ".com";
  EXPECT_TRUE(CheckOfficialChannel(at_limit, o).ok());
  const std::string huge(o.max_input_bytes + 1, 'a');
  EXPECT_EQ(RefusedField(huge), "value");
  EXPECT_EQ(RefusedField(std::string(1 << 20, '1')), "value");
}

TEST(OfficialCheck, ControlAndInvisibleCharactersAreRefused) {
  EXPECT_EQ(RefusedField(std::string("caremark.com\0evil", 17)), "value");
  EXPECT_EQ(RefusedField("caremark.com\r\nX-Header: 1"), "value");
  EXPECT_EQ(RefusedField("care\xE2\x80\x8Bmark.com"), "value");  // zero-width space
  EXPECT_EQ(RefusedField("\xE2\x80\xAEmoc.kramerac"), "value");  // right-to-left override
  EXPECT_EQ(RefusedField("caremark.com\x7F"), "value");
}

TEST(OfficialCheck, InvalidUtf8IsRefused) {
  EXPECT_EQ(RefusedField("caremark.c\xC3"), "value");
  EXPECT_EQ(RefusedField("\xC0\xAF"
                         "caremark.com"),
            "value");                                    // overlong '/'
  EXPECT_EQ(RefusedField("\xED\xA0\x80.com"), "value");  // a surrogate
}

TEST(OfficialCheck, TextThatIsNoneOfTheFourKindsIsRefused) {
  EXPECT_EQ(RefusedField("caremark"), "value");
  EXPECT_EQ(RefusedField("call me maybe"), "value");
  EXPECT_EQ(RefusedField("<script>alert(1)</script>"), "value");
  EXPECT_EQ(RefusedField("' OR 1=1 --"), "value");
}

TEST(OfficialCheck, KindsHaveTheirApiNames) {
  EXPECT_EQ(ToString(CheckedKind::kPhone), "phone");
  EXPECT_EQ(ToString(CheckedKind::kEmail), "email");
  EXPECT_EQ(ToString(CheckedKind::kDomain), "domain");
  EXPECT_EQ(ToString(CheckedKind::kUrl), "url");
}

TEST(OfficialCheck, AConfiguredListReplacesTheDefaults) {
  OfficialChannels o;
  o.domains = {"example-pharmacy.com"};
  EXPECT_TRUE(CheckOfficialChannel("shop.example-pharmacy.com", o)->official);
  EXPECT_FALSE(CheckOfficialChannel("caremark.com", o)->official);
  EXPECT_EQ(CheckOfficialChannel("example-pharmacy.co", o)->lookalike_of, "example-pharmacy.com");
}

}  // namespace
}  // namespace rxdesk
