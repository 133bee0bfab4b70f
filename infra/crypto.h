// Cryptographic building blocks for the edges: randomness, hashes, MACs,
// text encodings, password hashes, field encryption and blind indexes.
// libsodium does most of the work (audited, constant-time); OpenSSL supplies
// HMAC-SHA1, which authenticator apps require (RFC 6238) and libsodium lacks,
// and plain SHA-256, where it uses the CPU's SHA instructions.
//
//   RXD_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
//   if (!VerifyPassword(hash, attempt)) return MakeError("invalid_credentials", "...");
//
//   FieldCipher cipher(key, /*key_id=*/1);                 // key: 32 bytes
//   std::string sealed = cipher.Encrypt("Rivera", "members/01J.../last_name");
//   RXD_ASSIGN_OR_RETURN(std::string name, cipher.Decrypt(sealed, "members/01J.../last_name"));
//
//   BlindIndex index(index_key);                          // lookups without decrypting
//   std::string token = index.Compute(BlindIndex::Normalize("  Maria  RIVERA "));
//
// Byte strings are std::string / std::string_view holding raw bytes. All
// functions are thread-safe; the classes are immutable after construction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace rxdesk {

// Initializes libsodium once (thread-safe, idempotent). Every function below
// calls it, so callers need not; main may call it first to fail fast. Aborts
// the process if the system offers no secure randomness (nothing is safe then).
void InitCrypto();

// --- Randomness (the OS CSPRNG via randombytes_buf) ---

// `n` bytes from the CSPRNG.
std::string RandomBytes(std::size_t n);
// A uniformly random 64-bit value from the CSPRNG.
std::uint64_t RandomU64();

// --- Hashes and MACs ---

// SHA-256 (FIPS 180-4) of `bytes`: 32 raw bytes.
std::string Sha256(std::string_view bytes);
// SHA-256 as 64 lower-case hex characters (audit chain, token fingerprints).
std::string Sha256Hex(std::string_view bytes);
// HMAC-SHA256 (RFC 2104/4231): 32 raw bytes. Any key length.
std::string HmacSha256(std::string_view key, std::string_view data);
// HMAC-SHA1 (RFC 2104/2202): 20 raw bytes; only for TOTP, where authenticator
// apps fix the algorithm. Empty only if OpenSSL fails (out of memory).
std::string HmacSha1(std::string_view key, std::string_view data);
// True when a and b hold the same bytes. Content is compared in constant time;
// the lengths are not secret (different lengths return false at once).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// --- Text encodings ---

// Lower-case hex of raw bytes.
std::string HexEncode(std::string_view bytes);
// Decodes hex (either case). Refusal: invalid_request on odd length or a
// non-hex character, naming `field`.
Result<std::string> HexDecode(std::string_view hex, std::string_view field = {});

// Base64url (RFC 4648 section 5) without padding: tokens and key files.
std::string Base64UrlEncode(std::string_view bytes);
// Strict inverse of Base64UrlEncode. Refusal: invalid_request (naming `field`)
// on padding, whitespace, characters outside the url-safe alphabet, an
// impossible length or non-zero trailing bits (non-canonical text).
Result<std::string> Base64UrlDecode(std::string_view text, std::string_view field = {});

enum class Base32Padding { kNone, kPad };
// Base32 (RFC 4648 section 6, A-Z2-7). TOTP secrets go unpadded, as the
// otpauth key-URI format asks; kPad gives the RFC's padded form.
std::string Base32Encode(std::string_view bytes, Base32Padding padding = Base32Padding::kNone);
// Decodes base32 as people type it from a setup screen: lower case, spaces and
// missing (or present) trailing '=' are accepted. Refusal: invalid_request on any
// other character, '=' before the end, an impossible length or non-zero trailing bits.
Result<std::string> Base32Decode(std::string_view text, std::string_view field = {});

// --- Passwords (argon2id) ---

// OWASP Password Storage Cheat Sheet minimum for argon2id: m=19 MiB, t=2, p=1.
struct PasswordHashOptions {
  unsigned long long ops = 2;                 // argon2 iterations (t)
  std::size_t mem_bytes = 19u * 1024 * 1024;  // argon2 memory (m)
};

// Hashes a password with argon2id into the PHC string "$argon2id$v=19$m=...".
// Refusal: invalid_request (field "ops"/"mem_bytes") when an option is outside
// libsodium's limits; password_hash_failed when memory cannot be allocated.
Result<std::string> HashPassword(std::string_view password, const PasswordHashOptions& options = {});
// True when `password` matches `hash` (any argon2 string libsodium accepts).
// False for a wrong password and for a malformed or empty hash.
bool VerifyPassword(std::string_view hash, std::string_view password);
// True when `hash` is not argon2id with exactly these costs, so the caller
// should re-hash after the next successful sign-in (also true when malformed).
bool PasswordNeedsRehash(std::string_view hash, const PasswordHashOptions& options = {});

// --- Field encryption (PHI at rest) ---

inline constexpr std::size_t kSecretKeyBytes = 32;
using SecretKeyView = std::span<const std::uint8_t, kSecretKeyBytes>;

// Seals one field with XChaCha20-Poly1305 (IETF). A blob is
//   version (1 byte, = 1) | key id (4 bytes, big-endian) | nonce (24 bytes) | ciphertext | tag (16 bytes)
// The 192-bit random nonce makes nonce reuse negligible without a counter.
// The version byte and key id are authenticated along with the caller's
// associated data, so no header byte can be changed unnoticed.
// The key is zeroed when the cipher is destroyed; copies are not allowed.
class FieldCipher {
 public:
  static constexpr std::uint8_t kVersion = 1;
  static constexpr std::size_t kNonceBytes = 24;
  static constexpr std::size_t kHeaderBytes = 1 + 4 + kNonceBytes;
  static constexpr std::size_t kTagBytes = 16;
  static constexpr std::size_t kOverheadBytes = kHeaderBytes + kTagBytes;

  // Copies the 32-byte key; every blob it seals names `key_id`, so a key ring
  // can pick the right key after a rotation.
  FieldCipher(SecretKeyView key, std::uint32_t key_id);
  // Same from a runtime-sized key. Refusal: invalid_request (field "key") unless 32 bytes.
  static Result<FieldCipher> FromBytes(std::string_view key, std::uint32_t key_id);
  FieldCipher(FieldCipher&& other) noexcept;
  FieldCipher& operator=(FieldCipher&& other) noexcept;
  FieldCipher(const FieldCipher&) = delete;
  FieldCipher& operator=(const FieldCipher&) = delete;
  ~FieldCipher();

  // Encrypts under a fresh random nonce; the blob is plaintext + kOverheadBytes long.
  // `associated_data` (e.g. "members/<id>/last_name") is bound but not stored.
  std::string Encrypt(std::string_view plaintext, std::string_view associated_data) const;
  // Opens a blob made by Encrypt with the same key and associated data.
  // Refusal: decrypt_failed for a truncated blob, an unknown version, another
  // key id, or any tampering / wrong associated data. Messages never hold plaintext.
  Result<std::string> Decrypt(std::string_view blob, std::string_view associated_data) const;

  std::uint32_t key_id() const { return key_id_; }
  // The key id a blob names, or nullopt when it is too short or of an unknown version.
  static std::optional<std::uint32_t> KeyIdOf(std::string_view blob);

 private:
  std::array<std::uint8_t, kSecretKeyBytes> key_{};
  std::uint32_t key_id_ = 0;
};

// Keyed BLAKE2b (crypto_generichash) of normalized text, 16 bytes as 32 hex
// characters: equal inputs give equal tokens, so encrypted columns can be
// searched by exact match, while without the key the tokens reveal nothing
// (no dictionary attack on names or birth dates from a stolen database).
class BlindIndex {
 public:
  static constexpr std::size_t kTokenBytes = 16;

  // Copies the 32-byte key (a different key from any data key).
  explicit BlindIndex(SecretKeyView key);
  // Refusal: invalid_request (field "key") unless 32 bytes.
  static Result<BlindIndex> FromBytes(std::string_view key);
  BlindIndex(BlindIndex&& other) noexcept;
  BlindIndex& operator=(BlindIndex&& other) noexcept;
  BlindIndex(const BlindIndex&) = delete;
  BlindIndex& operator=(const BlindIndex&) = delete;
  ~BlindIndex();

  // The index token of `normalized` (call Normalize first, or both sides of a
  // lookup must agree on their own normal form): 32 lower-case hex characters.
  std::string Compute(std::string_view normalized) const;

  // Trims, collapses each run of ASCII whitespace (space, \t, \n, \v, \f, \r)
  // into one space and lower-cases ASCII A-Z. Bytes >= 0x80 (UTF-8) pass
  // through unchanged: no Unicode case folding or NFC, so "É" and "é" (or a
  // precomposed and a combining "é") index differently; callers wanting that
  // must fold before. Non-ASCII spaces (U+00A0) are not whitespace here.
  static std::string Normalize(std::string_view text);

 private:
  std::array<std::uint8_t, kSecretKeyBytes> key_{};
};

}  // namespace rxdesk
