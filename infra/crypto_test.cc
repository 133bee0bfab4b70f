#include "infra/crypto.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <set>
#include <string>

namespace rxdesk {
namespace {

std::string Repeat(char c, std::size_t n) { return std::string(n, c); }

// --- Hashes and MACs: published vectors ---

TEST(Sha256, MatchesTheFips180Examples) {
  // FIPS 180-2 Appendix B.1 and B.2, and the well-known digest of the empty string.
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex(std::string_view()), Sha256Hex(""));  // null data pointer
}

TEST(Sha256, RawDigestIsThirtyTwoBytesOfTheHexForm) {
  const std::string raw = Sha256("abc");
  ASSERT_EQ(raw.size(), 32u);
  EXPECT_EQ(HexEncode(raw), Sha256Hex("abc"));
}

TEST(HmacSha256, MatchesRfc4231TestCases) {
  // Case 1: key = 0x0b x 20, data "Hi There".
  EXPECT_EQ(HexEncode(HmacSha256(Repeat('\x0b', 20), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Case 2: a key shorter than the output.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Case 6: a 131-byte key, longer than the 64-byte block, is hashed first.
  EXPECT_EQ(HexEncode(HmacSha256(Repeat('\xaa', 131), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha1, MatchesRfc2202TestCases) {
  EXPECT_EQ(HexEncode(HmacSha1(Repeat('\x0b', 20), "Hi There")), "b617318655057264e28bc0b6fb378c8ef146be00");
  EXPECT_EQ(HexEncode(HmacSha1("Jefe", "what do ya want for nothing?")), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  // Case 6: an 80-byte key, longer than the block.
  EXPECT_EQ(HexEncode(HmacSha1(Repeat('\xaa', 80), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

TEST(Hmac, AcceptsAnEmptyKeyAndEmptyData) {
  // HMAC(key="", message="") as published on the Wikipedia HMAC page.
  EXPECT_EQ(HexEncode(HmacSha1("", "")), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
  EXPECT_EQ(HexEncode(HmacSha256("", "")), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(ConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("123456", "123456"));
  EXPECT_FALSE(ConstantTimeEquals("123456", "123457"));  // last byte
  EXPECT_FALSE(ConstantTimeEquals("023456", "123456"));  // first byte
  EXPECT_FALSE(ConstantTimeEquals("12345", "123456"));   // prefix
  EXPECT_FALSE(ConstantTimeEquals("", "1"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(Random, GivesTheRequestedLengthAndNeverRepeats) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(33).size(), 33u);
  // 100 draws of 128 bits: a repeat has probability about 2^-115.
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(RandomBytes(16));
  EXPECT_EQ(seen.size(), 100u);
  std::set<std::uint64_t> numbers;
  for (int i = 0; i < 100; ++i) numbers.insert(RandomU64());
  EXPECT_EQ(numbers.size(), 100u);
}

// --- Encodings: RFC 4648 section 10 vectors ---

struct EncodingVector {
  const char* bytes;
  const char* base16;
  const char* base32;  // padded, as printed in the RFC
  const char* base64;  // padded, as printed in the RFC
};

constexpr EncodingVector kRfc4648[] = {
    {"", "", "", ""},
    {"f", "66", "MY======", "Zg=="},
    {"fo", "666f", "MZXQ====", "Zm8="},
    {"foo", "666f6f", "MZXW6===", "Zm9v"},
    {"foob", "666f6f62", "MZXW6YQ=", "Zm9vYg=="},
    {"fooba", "666f6f6261", "MZXW6YTB", "Zm9vYmE="},
    {"foobar", "666f6f626172", "MZXW6YTBOI======", "Zm9vYmFy"},
};

std::string WithoutPadding(std::string s) {
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

TEST(Encodings, MatchTheRfc4648Vectors) {
  for (const auto& v : kRfc4648) {
    SCOPED_TRACE(v.bytes);
    EXPECT_EQ(HexEncode(v.bytes), v.base16);
    EXPECT_EQ(Base32Encode(v.bytes, Base32Padding::kPad), v.base32);
    EXPECT_EQ(Base32Encode(v.bytes), WithoutPadding(v.base32));
    // "foobar" has no characters where base64url and base64 differ.
    EXPECT_EQ(Base64UrlEncode(v.bytes), WithoutPadding(v.base64));

    auto hex = HexDecode(v.base16);
    ASSERT_TRUE(hex.ok());
    EXPECT_EQ(*hex, v.bytes);
    auto b32_padded = Base32Decode(v.base32);
    ASSERT_TRUE(b32_padded.ok());
    EXPECT_EQ(*b32_padded, v.bytes);
    auto b32 = Base32Decode(WithoutPadding(v.base32));
    ASSERT_TRUE(b32.ok());
    EXPECT_EQ(*b32, v.bytes);
    auto b64 = Base64UrlDecode(WithoutPadding(v.base64));
    ASSERT_TRUE(b64.ok());
    EXPECT_EQ(*b64, v.bytes);
  }
}

TEST(Base64Url, UsesDashAndUnderscoreWhereBase64HasPlusAndSlash) {
  // 0xfb 0xff = 111110 111111 1111(00): 62, 63, 60 = "+/8" in base64, "-_8" in base64url.
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  auto back = Base64UrlDecode("-_8");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "\xfb\xff");
}

TEST(Base64Url, RefusesPaddingWhitespaceForeignCharactersAndNonCanonicalText) {
  // "Zh": 'h' = 33 = 100001 leaves trailing bits 0001, which no encoder writes.
  for (const char* bad : {"Zg==", "Zg=", "Z", "Zm9vY", " Zm9v", "Zm9v\n", "Zm+v", "Zm/v", "Zh", "Zm9v!"}) {
    auto r = Base64UrlDecode(bad, "token");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_request");
    EXPECT_EQ(r.error().field, "token");
  }
}

TEST(Base32, DecodesWhatPeopleTypeFromASetupScreen) {
  for (const char* typed : {"mzxw6ytboi", "MZXW 6YTB OI", "mzxw 6ytb oi ", "MZXW6YTBOI======", "MZXW6YTBOI="}) {
    auto r = Base32Decode(typed);
    ASSERT_TRUE(r.ok()) << typed;
    EXPECT_EQ(*r, "foobar") << typed;
  }
}

TEST(Base32, RefusesForeignCharactersMisplacedPaddingAndImpossibleLengths) {
  // "MZXW6YTBO": 9 symbols, one left over (5 bits cannot finish a byte);
  // "MZX": 3 left over; "MZXW6Y": 6 left over. "MZ": 'Z' = 11001 leaves bits 01.
  for (const char* bad : {"MZXW6YTBO", "MZX", "MZXW6Y", "MZ", "M=ZX", "MZ1W", "MZ0W", "MZ8W", "MZXW-6YTB", "MZ\tXW"}) {
    auto r = Base32Decode(bad, "secret");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_request");
    EXPECT_EQ(r.error().field, "secret");
  }
}

TEST(HexDecode, AcceptsEitherCaseAndRefusesOddLengthOrForeignCharacters) {
  auto upper = HexDecode("666F6F626172");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*upper, "foobar");
  for (const char* bad : {"abc", "zz", " 00", "00 ", "0x00", "g0"}) {
    auto r = HexDecode(bad, "digest");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().field, "digest");
  }
}

TEST(Encodings, RoundTripEveryLengthOfRandomBytes) {
  for (std::size_t n = 0; n <= 70; ++n) {
    const std::string bytes = RandomBytes(n);
    auto hex = HexDecode(HexEncode(bytes));
    auto b64 = Base64UrlDecode(Base64UrlEncode(bytes));
    auto b32 = Base32Decode(Base32Encode(bytes));
    ASSERT_TRUE(hex.ok() && b64.ok() && b32.ok()) << n;
    EXPECT_EQ(*hex, bytes);
    EXPECT_EQ(*b64, bytes);
    EXPECT_EQ(*b32, bytes);
    // Lengths: hex 2n; base64 ceil(4n/3); base32 ceil(8n/5).
    EXPECT_EQ(HexEncode(bytes).size(), 2 * n);
    EXPECT_EQ(Base64UrlEncode(bytes).size(), (4 * n + 2) / 3);
    EXPECT_EQ(Base32Encode(bytes).size(), (8 * n + 4) / 5);
  }
}

// --- Passwords ---

// Cheap argon2id costs (libsodium's minimum memory is 8 KiB) keep the suite fast;
// one test below runs the production defaults.
const PasswordHashOptions kCheap{.ops = 1, .mem_bytes = 64 * 1024};

TEST(HashPassword, UsesArgon2idWithTheOwaspDefaults) {
  auto hash = HashPassword("correct horse battery staple");
  ASSERT_TRUE(hash.ok());
  // 19 MiB = 19 * 1024 KiB = 19456 KiB, t = 2, one lane.
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse battery staple"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse battery stapl"));
  EXPECT_FALSE(PasswordNeedsRehash(*hash));
}

TEST(VerifyPassword, RefusesWrongPasswordsAndDamagedHashes) {
  auto hash = HashPassword("s3cret-Passw0rd", kCheap);
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(VerifyPassword(*hash, "s3cret-Passw0rd"));
  EXPECT_FALSE(VerifyPassword(*hash, "S3cret-Passw0rd"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(VerifyPassword("", "s3cret-Passw0rd"));
  EXPECT_FALSE(VerifyPassword("not a hash", "s3cret-Passw0rd"));
  EXPECT_FALSE(VerifyPassword(hash->substr(0, hash->size() - 1), "s3cret-Passw0rd"));
  EXPECT_FALSE(VerifyPassword(std::string(500, '$'), "s3cret-Passw0rd"));
  std::string flipped = *hash;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyPassword(flipped, "s3cret-Passw0rd"));
}

TEST(HashPassword, SaltsEachHashAndKeepsEveryByteOfThePassword) {
  auto a = HashPassword("same", kCheap);
  auto b = HashPassword("same", kCheap);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  auto nul = HashPassword(std::string("pass\0word", 9), kCheap);
  ASSERT_TRUE(nul.ok());
  EXPECT_TRUE(VerifyPassword(*nul, std::string("pass\0word", 9)));
  EXPECT_FALSE(VerifyPassword(*nul, "pass"));
}

TEST(HashPassword, RefusesCostsOutsideLibsodiumLimits) {
  auto no_ops = HashPassword("pw", {.ops = 0, .mem_bytes = 64 * 1024});
  ASSERT_FALSE(no_ops.ok());
  EXPECT_EQ(no_ops.error().code, "invalid_request");
  EXPECT_EQ(no_ops.error().field, "ops");
  auto tiny = HashPassword("pw", {.ops = 1, .mem_bytes = 1024});
  ASSERT_FALSE(tiny.ok());
  EXPECT_EQ(tiny.error().field, "mem_bytes");
}

TEST(PasswordNeedsRehash, AsksForItWhenCostsOrAlgorithmDiffer) {
  auto cheap = HashPassword("pw", kCheap);
  ASSERT_TRUE(cheap.ok());
  EXPECT_FALSE(PasswordNeedsRehash(*cheap, kCheap));
  EXPECT_TRUE(PasswordNeedsRehash(*cheap));  // defaults are dearer
  EXPECT_TRUE(PasswordNeedsRehash(*cheap, {.ops = 2, .mem_bytes = kCheap.mem_bytes}));
  EXPECT_TRUE(PasswordNeedsRehash("garbage"));
  EXPECT_TRUE(PasswordNeedsRehash(""));
  // An argon2i hash (libsodium's older default) still verifies but should move to argon2id.
  char argon2i[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_str_alg(argon2i, "pw", 2, 3, kCheap.mem_bytes, crypto_pwhash_ALG_ARGON2I13), 0);
  EXPECT_EQ(std::string(argon2i).rfind("$argon2i$", 0), 0u);
  EXPECT_TRUE(VerifyPassword(argon2i, "pw"));
  EXPECT_TRUE(PasswordNeedsRehash(argon2i, {.ops = 3, .mem_bytes = kCheap.mem_bytes}));
}

// --- BlindIndex ---

std::string FixedKey(char fill) { return std::string(kSecretKeyBytes, fill); }

TEST(BlindIndex, IsKeyedBlake2bOfSixteenBytesInHex) {
  auto index = BlindIndex::FromBytes(FixedKey('k'));
  ASSERT_TRUE(index.ok());
  const std::string token = index->Compute("maria rivera");
  EXPECT_EQ(token.size(), 32u);  // 16 bytes, two hex digits each
  EXPECT_EQ(token, index->Compute("maria rivera"));
  EXPECT_NE(token, index->Compute("maria riverb"));
  auto other = BlindIndex::FromBytes(FixedKey('j'));
  ASSERT_TRUE(other.ok());
  EXPECT_NE(token, other->Compute("maria rivera"));
  // The construction, checked against libsodium called directly: BLAKE2b with
  // a 16-byte output keyed by the 32-byte index key.
  unsigned char expected[16];
  const std::string key = FixedKey('k');
  crypto_generichash(expected, sizeof expected, reinterpret_cast<const unsigned char*>("maria rivera"), 12,
                     reinterpret_cast<const unsigned char*>(key.data()), key.size());
  EXPECT_EQ(token, HexEncode(std::string(reinterpret_cast<const char*>(expected), sizeof expected)));
}

TEST(BlindIndex, RefusesKeysOfTheWrongSize) {
  for (std::size_t n : {0u, 16u, 31u, 33u, 64u}) {
    auto r = BlindIndex::FromBytes(std::string(n, 'k'));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().field, "key");
  }
}

TEST(BlindIndexNormalize, TrimsCollapsesSpacesAndLowersAsciiOnly) {
  const struct {
    const char* in;
    const char* out;
  } kCases[] = {
      {"  Maria   RIVERA ", "maria rivera"},
      {"\tMaria\r\n Rivera\v\f", "maria rivera"},
      {"O'Brien-Smith", "o'brien-smith"},
      {"", ""},
      {" \t\n ", ""},
      {"x", "x"},
      {"\xC3\x89" "COLE", "\xC3\x89" "cole"},             // "ÉCOLE": É is not ASCII, stays
      {"A\xC2\xA0" "B", "a\xC2\xA0" "b"},                  // no-break space is not folded
      {"ZOË  Ånström", "zoË Ånström"},
  };
  for (const auto& c : kCases) EXPECT_EQ(BlindIndex::Normalize(c.in), c.out) << c.in;
}

TEST(BlindIndexNormalize, IsIdempotent) {
  for (int i = 0; i < 200; ++i) {
    // Random text over a small alphabet dense in spaces and capitals.
    static constexpr char kAlphabet[] = " \t\nAbZz-'\xC3\x89";
    std::string text;
    for (std::uint8_t b : RandomBytes(RandomU64() % 24)) text.push_back(kAlphabet[b % (sizeof kAlphabet - 1)]);
    const std::string once = BlindIndex::Normalize(text);
    EXPECT_EQ(BlindIndex::Normalize(once), once);
    EXPECT_TRUE(once.empty() || (once.front() != ' ' && once.back() != ' '));
    EXPECT_EQ(once.find("  "), std::string::npos);
  }
}

// --- FieldCipher ---

constexpr std::string_view kAd = "members/01JDB3Q7Z8M4X9K2T6R5W0HNCE/last_name";

FieldCipher Cipher(char fill, std::uint32_t key_id) { return std::move(*FieldCipher::FromBytes(FixedKey(fill), key_id)); }

TEST(FieldCipher, RoundTripsAndLaysOutVersionKeyIdNonceCiphertextTag) {
  const FieldCipher cipher = Cipher('d', 0x01020304);
  const std::string blob = cipher.Encrypt("Rivera", kAd);
  // 1 version + 4 key id + 24 nonce + 6 ciphertext + 16 tag = 51 bytes.
  ASSERT_EQ(blob.size(), 51u);
  EXPECT_EQ(blob[0], '\x01');
  EXPECT_EQ(blob.substr(1, 4), "\x01\x02\x03\x04");  // key id, big-endian
  EXPECT_EQ(FieldCipher::KeyIdOf(blob), 0x01020304u);
  auto plain = cipher.Decrypt(blob, kAd);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, "Rivera");
}

TEST(FieldCipher, IsPlainXChaCha20Poly1305WithTheHeaderInTheAssociatedData) {
  // Opened with libsodium directly: AD = version | key id | caller's AD.
  const std::string key = FixedKey('d');
  const std::string blob = Cipher('d', 7).Encrypt("555-0100", kAd);
  const std::string ad = blob.substr(0, 5) + std::string(kAd);
  std::string plain(blob.size() - 45, '\0');
  unsigned long long n = 0;
  const auto* b = reinterpret_cast<const unsigned char*>(blob.data());
  ASSERT_EQ(crypto_aead_xchacha20poly1305_ietf_decrypt(
                reinterpret_cast<unsigned char*>(plain.data()), &n, nullptr, b + 29, blob.size() - 29,
                reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), b + 5,
                reinterpret_cast<const unsigned char*>(key.data())),
            0);
  EXPECT_EQ(plain, "555-0100");
}

TEST(FieldCipher, UsesAFreshNonceEveryTime) {
  const FieldCipher cipher = Cipher('d', 1);
  std::set<std::string> blobs;
  for (int i = 0; i < 50; ++i) blobs.insert(cipher.Encrypt("same", kAd));
  EXPECT_EQ(blobs.size(), 50u);
}

TEST(FieldCipher, RoundTripsEmptyAndLongFieldsAndLongAssociatedData) {
  const FieldCipher cipher = Cipher('d', 1);
  const std::string long_ad(300, 'a');  // longer than the inline buffer
  for (const std::string& text : {std::string(), std::string("x"), std::string(10000, 'n'), RandomBytes(77)}) {
    for (std::string_view ad : {std::string_view(), kAd, std::string_view(long_ad)}) {
      const std::string blob = cipher.Encrypt(text, ad);
      EXPECT_EQ(blob.size(), text.size() + FieldCipher::kOverheadBytes);
      auto back = cipher.Decrypt(blob, ad);
      ASSERT_TRUE(back.ok()) << back.error().message;
      EXPECT_EQ(*back, text);
    }
  }
}

TEST(FieldCipher, RefusesEveryFlippedByteOfABlob) {
  const FieldCipher cipher = Cipher('d', 9);
  const std::string secret = "1961-04-12";
  const std::string blob = cipher.Encrypt(secret, kAd);
  for (std::size_t i = 0; i < blob.size(); ++i) {
    for (const unsigned char mask : {0x01, 0x80, 0xff}) {
      std::string tampered = blob;
      tampered[i] = static_cast<char>(tampered[i] ^ mask);
      auto r = cipher.Decrypt(tampered, kAd);
      ASSERT_FALSE(r.ok()) << "byte " << i << " mask " << int{mask};
      EXPECT_EQ(r.error().code, "decrypt_failed");
      EXPECT_EQ(r.error().message.find(secret), std::string::npos);
    }
  }
}

TEST(FieldCipher, RefusesTruncatedAndExtendedBlobs) {
  const FieldCipher cipher = Cipher('d', 9);
  const std::string blob = cipher.Encrypt("Rivera", kAd);
  for (std::size_t n = 0; n < blob.size(); ++n) {
    auto r = cipher.Decrypt(blob.substr(0, n), kAd);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, "decrypt_failed");
  }
  EXPECT_FALSE(cipher.Decrypt(blob + '\0', kAd).ok());
  EXPECT_FALSE(FieldCipher::KeyIdOf(blob.substr(0, FieldCipher::kOverheadBytes - 1)).has_value());
}

TEST(FieldCipher, RefusesAnotherRecordsAssociatedData) {
  const FieldCipher cipher = Cipher('d', 9);
  const std::string blob = cipher.Encrypt("Rivera", kAd);
  for (std::string_view other : {"members/01JDB3Q7Z8M4X9K2T6R5W0HNCF/last_name",
                                 "members/01JDB3Q7Z8M4X9K2T6R5W0HNCE/first_name", "", "members"}) {
    auto r = cipher.Decrypt(blob, other);
    ASSERT_FALSE(r.ok()) << other;
    EXPECT_EQ(r.error().code, "decrypt_failed");
  }
}

TEST(FieldCipher, RefusesAnotherKeyAndAnotherKeyId) {
  const std::string blob = Cipher('d', 9).Encrypt("Rivera", kAd);
  auto wrong_key = Cipher('e', 9).Decrypt(blob, kAd);
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.error().code, "decrypt_failed");
  // Same key bytes under another id: refused by the header before any crypto.
  auto wrong_id = Cipher('d', 10).Decrypt(blob, kAd);
  ASSERT_FALSE(wrong_id.ok());
  EXPECT_EQ(wrong_id.error().code, "decrypt_failed");
  EXPECT_NE(wrong_id.error().message.find("key 9"), std::string::npos) << wrong_id.error().message;
}

TEST(FieldCipher, KeepsWorkingAfterAMove) {
  FieldCipher original = Cipher('d', 3);
  const std::string blob = original.Encrypt("Rivera", kAd);
  const FieldCipher moved = std::move(original);
  auto r = moved.Decrypt(blob, kAd);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "Rivera");
  EXPECT_EQ(moved.key_id(), 3u);
}

TEST(FieldCipher, RefusesKeysOfTheWrongSize) {
  for (std::size_t n : {0u, 31u, 33u}) {
    auto r = FieldCipher::FromBytes(std::string(n, 'd'), 1);
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.error().code, "invalid_request");
    EXPECT_EQ(r.error().field, "key");
  }
}

}  // namespace
}  // namespace rxdesk
