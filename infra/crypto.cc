#include "infra/crypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace rxdesk {
namespace {

const unsigned char* Bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

Error BadEncoding(std::string_view field, const char* what) {
  return InvalidField(std::string(field), std::string("not valid ") + what);
}

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// Value of a base32 character, accepting lower case; -1 when outside the alphabet.
int Base32Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

// Builds "header | associated data" in an inline buffer when it fits, so a
// typical field ("members/<26-char id>/last_name") costs no allocation.
class AuthenticatedData {
 public:
  AuthenticatedData(std::uint8_t version, std::uint32_t key_id, std::string_view associated_data) {
    const std::size_t size = kFixed + associated_data.size();
    unsigned char* out = inline_.data();
    if (size > inline_.size()) {
      heap_.resize(size);
      out = Bytes(heap_);
    }
    out[0] = version;
    out[1] = static_cast<unsigned char>(key_id >> 24);
    out[2] = static_cast<unsigned char>(key_id >> 16);
    out[3] = static_cast<unsigned char>(key_id >> 8);
    out[4] = static_cast<unsigned char>(key_id);
    if (!associated_data.empty()) std::memcpy(out + kFixed, associated_data.data(), associated_data.size());
    data_ = out;
    size_ = size;
  }
  AuthenticatedData(const AuthenticatedData&) = delete;
  AuthenticatedData& operator=(const AuthenticatedData&) = delete;

  const unsigned char* data() const { return data_; }
  unsigned long long size() const { return size_; }

 private:
  static constexpr std::size_t kFixed = 5;
  std::array<unsigned char, 128> inline_{};
  std::string heap_;
  const unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

std::uint32_t ReadBigEndian32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

}  // namespace

void InitCrypto() {
  static const bool initialized = [] {
    if (sodium_init() < 0) {
      std::fputs("rxdesk: libsodium failed to initialize (no secure randomness); stopping\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)initialized;
}

std::string RandomBytes(std::size_t n) {
  InitCrypto();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::uint64_t RandomU64() {
  InitCrypto();
  std::uint64_t v = 0;
  randombytes_buf(&v, sizeof v);
  return v;
}

// OpenSSL's one-shot SHA256() uses the CPU's SHA extensions where present
// (measured about 1.6x libsodium's portable code on 256 bytes) and needs no context.
std::string Sha256(std::string_view bytes) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(Bytes(bytes), bytes.size(), Bytes(out));
  return out;
}

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(Bytes(bytes), bytes.size(), digest);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  InitCrypto();
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, Bytes(key), key.size());
  crypto_auth_hmacsha256_update(&state, Bytes(data), data.size());
  std::string out(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256_final(&state, Bytes(out));
  sodium_memzero(&state, sizeof state);
  return out;
}

std::string HmacSha1(std::string_view key, std::string_view data) {
  // OpenSSL wants non-null pointers even for empty input.
  static const unsigned char kEmpty = 0;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha1(), key.empty() ? &kEmpty : Bytes(key), static_cast<int>(key.size()),
           data.empty() ? &kEmpty : Bytes(data), data.size(), digest, &length) == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  InitCrypto();
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 0x0f];
  }
  return out;
}

Result<std::string> HexDecode(std::string_view hex, std::string_view field) {
  InitCrypto();
  if (hex.size() % 2 != 0) return BadEncoding(field, "hex (odd length)");
  std::string out(hex.size() / 2, '\0');
  std::size_t written = 0;
  // libsodium's decoder runs in constant time, which matters for key material.
  if (sodium_hex2bin(Bytes(out), out.size(), hex.data(), hex.size(), nullptr, &written, nullptr) != 0 ||
      written != out.size()) {
    return BadEncoding(field, "hex");
  }
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  InitCrypto();
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), Bytes(bytes), bytes.size(), kVariant);
  out.resize(out.size() - 1);  // the encoder's trailing NUL
  return out;
}

Result<std::string> Base64UrlDecode(std::string_view text, std::string_view field) {
  InitCrypto();
  // Four characters carry three bytes; a lone trailing character carries none.
  if (text.size() % 4 == 1) return BadEncoding(field, "base64url");
  std::string out(text.size() / 4 * 3 + 2, '\0');
  std::size_t written = 0;
  if (sodium_base642bin(Bytes(out), out.size(), text.data(), text.size(), nullptr, &written, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return BadEncoding(field, "base64url");
  }
  out.resize(written);
  return out;
}

std::string Base32Encode(std::string_view bytes, Base32Padding padding) {
  std::string out;
  out.reserve((bytes.size() + 4) / 5 * 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : bytes) {
    buffer = (buffer << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kBase32Alphabet[(buffer >> bits) & 0x1f]);
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 0x1f]);
  if (padding == Base32Padding::kPad) {
    while (out.size() % 8 != 0) out.push_back('=');
  }
  return out;
}

Result<std::string> Base32Decode(std::string_view text, std::string_view field) {
  while (!text.empty() && (text.back() == '=' || text.back() == ' ')) text.remove_suffix(1);
  std::string out;
  out.reserve(text.size() * 5 / 8);
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t symbols = 0;
  for (const char c : text) {
    if (c == ' ') continue;
    const int v = Base32Value(c);
    if (v < 0) return BadEncoding(field, "base32");
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    ++symbols;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  // A final group of 8 symbols carries 1..5 bytes in 2, 4, 5, 7 or 8 symbols;
  // 1, 3 or 6 leftover symbols cannot come from any input.
  const std::size_t tail = symbols % 8;
  if (tail == 1 || tail == 3 || tail == 6) return BadEncoding(field, "base32 (impossible length)");
  if ((buffer & ((1u << bits) - 1)) != 0) return BadEncoding(field, "base32 (non-zero trailing bits)");
  return out;
}

Result<std::string> HashPassword(std::string_view password, const PasswordHashOptions& options) {
  InitCrypto();
  if (options.ops < crypto_pwhash_argon2id_OPSLIMIT_MIN || options.ops > crypto_pwhash_argon2id_OPSLIMIT_MAX) {
    return InvalidField("ops", "argon2id iterations out of range");
  }
  if (options.mem_bytes < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      options.mem_bytes > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    return InvalidField("mem_bytes", "argon2id memory out of range");
  }
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), options.ops, options.mem_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return MakeError("password_hash_failed", "could not allocate memory for the password hash");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  InitCrypto();
  // libsodium wants a NUL-terminated string; a stack copy avoids an allocation.
  char terminated[crypto_pwhash_STRBYTES];
  if (hash.empty() || hash.size() >= sizeof terminated) return false;
  std::memcpy(terminated, hash.data(), hash.size());
  terminated[hash.size()] = '\0';
  return crypto_pwhash_str_verify(terminated, password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view hash, const PasswordHashOptions& options) {
  InitCrypto();
  char terminated[crypto_pwhash_STRBYTES];
  if (hash.empty() || hash.size() >= sizeof terminated) return true;
  std::memcpy(terminated, hash.data(), hash.size());
  terminated[hash.size()] = '\0';
  // 0: argon2id with these costs; 1: other costs; -1: not argon2id or malformed.
  return crypto_pwhash_argon2id_str_needs_rehash(terminated, options.ops, options.mem_bytes) != 0;
}

// --- FieldCipher ---

FieldCipher::FieldCipher(SecretKeyView key, std::uint32_t key_id) : key_id_(key_id) {
  InitCrypto();
  std::memcpy(key_.data(), key.data(), key_.size());
}

Result<FieldCipher> FieldCipher::FromBytes(std::string_view key, std::uint32_t key_id) {
  if (key.size() != kSecretKeyBytes) return InvalidField("key", "a data key must be 32 bytes");
  return FieldCipher(SecretKeyView(reinterpret_cast<const std::uint8_t*>(key.data()), kSecretKeyBytes), key_id);
}

FieldCipher::FieldCipher(FieldCipher&& other) noexcept : key_(other.key_), key_id_(other.key_id_) {
  sodium_memzero(other.key_.data(), other.key_.size());
}

FieldCipher& FieldCipher::operator=(FieldCipher&& other) noexcept {
  if (this != &other) {
    key_ = other.key_;
    key_id_ = other.key_id_;
    sodium_memzero(other.key_.data(), other.key_.size());
  }
  return *this;
}

FieldCipher::~FieldCipher() { sodium_memzero(key_.data(), key_.size()); }

std::string FieldCipher::Encrypt(std::string_view plaintext, std::string_view associated_data) const {
  std::string blob(kOverheadBytes + plaintext.size(), '\0');
  unsigned char* out = Bytes(blob);
  const AuthenticatedData ad(kVersion, key_id_, associated_data);
  std::memcpy(out, ad.data(), 5);  // version and key id, as authenticated
  randombytes_buf(out + 5, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out + kHeaderBytes, &written, Bytes(plaintext), plaintext.size(),
                                             ad.data(), ad.size(), nullptr, out + 5, key_.data());
  return blob;
}

Result<std::string> FieldCipher::Decrypt(std::string_view blob, std::string_view associated_data) const {
  if (blob.size() < kOverheadBytes) return MakeError("decrypt_failed", "the encrypted value is truncated");
  const unsigned char* in = Bytes(blob);
  if (in[0] != kVersion) return MakeError("decrypt_failed", "the encrypted value has an unknown format version");
  const std::uint32_t blob_key_id = ReadBigEndian32(in + 1);
  if (blob_key_id != key_id_) {
    return MakeError("decrypt_failed", "the encrypted value is under data key " + std::to_string(blob_key_id) +
                                           ", not key " + std::to_string(key_id_));
  }
  const AuthenticatedData ad(kVersion, key_id_, associated_data);
  std::string plaintext(blob.size() - kOverheadBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(Bytes(plaintext), &written, nullptr, in + kHeaderBytes,
                                                 blob.size() - kHeaderBytes, ad.data(), ad.size(), in + 5,
                                                 key_.data()) != 0) {
    return MakeError("decrypt_failed", "the encrypted value failed authentication (tampered, or wrong record)");
  }
  return plaintext;
}

std::optional<std::uint32_t> FieldCipher::KeyIdOf(std::string_view blob) {
  if (blob.size() < kOverheadBytes || static_cast<unsigned char>(blob[0]) != kVersion) return std::nullopt;
  return ReadBigEndian32(Bytes(blob) + 1);
}

// --- BlindIndex ---

BlindIndex::BlindIndex(SecretKeyView key) {
  InitCrypto();
  std::memcpy(key_.data(), key.data(), key_.size());
}

Result<BlindIndex> BlindIndex::FromBytes(std::string_view key) {
  if (key.size() != kSecretKeyBytes) return InvalidField("key", "a blind-index key must be 32 bytes");
  return BlindIndex(SecretKeyView(reinterpret_cast<const std::uint8_t*>(key.data()), kSecretKeyBytes));
}

BlindIndex::BlindIndex(BlindIndex&& other) noexcept : key_(other.key_) {
  sodium_memzero(other.key_.data(), other.key_.size());
}

BlindIndex& BlindIndex::operator=(BlindIndex&& other) noexcept {
  if (this != &other) {
    key_ = other.key_;
    sodium_memzero(other.key_.data(), other.key_.size());
  }
  return *this;
}

BlindIndex::~BlindIndex() { sodium_memzero(key_.data(), key_.size()); }

std::string BlindIndex::Compute(std::string_view normalized) const {
  unsigned char token[kTokenBytes];
  crypto_generichash(token, sizeof token, Bytes(normalized), normalized.size(), key_.data(), key_.size());
  return HexEncode(std::string_view(reinterpret_cast<const char*>(token), sizeof token));
}

std::string BlindIndex::Normalize(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (const char c : text) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace rxdesk
