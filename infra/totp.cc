#include "infra/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>

#include "infra/crypto.h"

namespace rxdesk {
namespace {

constexpr int kMinDigits = 6;  // RFC 4226 section 5.3: at least 6
constexpr int kMaxDigits = 8;  // ... and possibly 7 or 8
constexpr std::uint32_t kPowersOfTen[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

// Writes the `digits`-digit HOTP value into out[0..digits). Heap-free so that
// VerifyTotp can try a whole window cheaply. False if HMAC fails.
bool HotpInto(std::string_view secret, std::uint64_t counter, int digits, char* out) {
  unsigned char message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  static const unsigned char kEmpty = 0;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  if (HMAC(EVP_sha1(), secret.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(secret.data()),
           static_cast<int>(secret.size()), message, sizeof message, mac, &mac_length) == nullptr ||
      mac_length != 20) {
    return false;
  }
  // RFC 4226 section 5.3, dynamic truncation: the low 4 bits of the last byte
  // pick an offset; 31 bits from there (sign bit masked) are the value.
  const int offset = mac[19] & 0x0f;
  const std::uint32_t binary = (std::uint32_t{mac[offset]} & 0x7f) << 24 | std::uint32_t{mac[offset + 1]} << 16 |
                               std::uint32_t{mac[offset + 2]} << 8 | std::uint32_t{mac[offset + 3]};
  std::uint32_t value = binary % kPowersOfTen[digits];
  for (int i = digits - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return true;
}

bool DigitsSupported(int digits) { return digits >= kMinDigits && digits <= kMaxDigits; }

// RFC 3986 unreserved characters stay; '@' is allowed in a path segment and
// keeps e-mail accounts readable; everything else, ':' included, is %XX.
void AppendPercentEncoded(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : text) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~' || c == '@';
    if (keep) {
      out.push_back(c);
    } else {
      const auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0x0f]);
    }
  }
}

}  // namespace

std::string HotpCode(std::string_view secret, std::uint64_t counter, int digits) {
  if (!DigitsSupported(digits)) return {};
  std::string code(static_cast<std::size_t>(digits), '0');
  if (!HotpInto(secret, counter, digits, code.data())) return {};
  return code;
}

std::int64_t TotpStep(std::int64_t unix_time, std::int64_t step_seconds) {
  if (unix_time < 0 || step_seconds <= 0) return -1;
  return unix_time / step_seconds;
}

std::string TotpCode(std::string_view secret, std::int64_t unix_time, int digits, std::int64_t step_seconds) {
  const std::int64_t step = TotpStep(unix_time, step_seconds);
  if (step < 0) return {};
  return HotpCode(secret, static_cast<std::uint64_t>(step), digits);
}

std::optional<std::int64_t> VerifyTotp(std::string_view secret, std::string_view code, std::int64_t unix_time,
                                       int window, int digits, std::int64_t step_seconds) {
  InitCrypto();
  if (!DigitsSupported(digits) || window < 0 || window > kTotpMaxWindow || secret.empty()) return std::nullopt;
  if (code.size() != static_cast<std::size_t>(digits)) return std::nullopt;
  for (const char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const std::int64_t now = TotpStep(unix_time, step_seconds);
  if (now < 0) return std::nullopt;

  std::optional<std::int64_t> matched;
  std::array<char, kMaxDigits> candidate{};
  for (std::int64_t step = now - window; step <= now + window; ++step) {
    if (step < 0) continue;
    if (!HotpInto(secret, static_cast<std::uint64_t>(step), digits, candidate.data())) return std::nullopt;
    // No early exit: every step costs the same whether or not it matched.
    if (sodium_memcmp(candidate.data(), code.data(), code.size()) == 0) matched = step;
  }
  return matched;
}

std::string NewTotpSecret() { return RandomBytes(20); }

std::string OtpAuthUri(std::string_view issuer, std::string_view account, std::string_view secret) {
  std::string uri;
  uri.reserve(96 + 2 * issuer.size() + account.size() + secret.size() * 2);
  uri += "otpauth://totp/";
  AppendPercentEncoded(uri, issuer);
  uri += ':';
  AppendPercentEncoded(uri, account);
  uri += "?secret=";
  uri += Base32Encode(secret);
  uri += "&issuer=";
  AppendPercentEncoded(uri, issuer);
  uri += "&algorithm=SHA1&digits=";
  uri += std::to_string(kTotpDigits);
  uri += "&period=";
  uri += std::to_string(kTotpStepSeconds);
  return uri;
}

}  // namespace rxdesk
