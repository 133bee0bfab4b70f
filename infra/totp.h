// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) as authenticator
// apps implement them: HMAC-SHA1, 6 digits, 30-second steps, counted from the
// Unix epoch. PRODUCT.md section 10 requires TOTP for every workforce role.
//
//   const std::string secret = NewTotpSecret();            // seal it; show the URI once as a QR code
//   const std::string uri = OtpAuthUri("rxdesk", "alice", secret);
//   std::optional<std::int64_t> step = VerifyTotp(secret, typed_code, now_unix_seconds);
//   if (!step || *step <= user.last_totp_step) refuse();   // a code works once
//   user.last_totp_step = *step;
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rxdesk {

inline constexpr int kTotpDigits = 6;
inline constexpr std::int64_t kTotpStepSeconds = 30;
// RFC 6238 section 5.2 recommends at most one step of clock drift either way.
inline constexpr int kTotpWindow = 1;
// Longest window VerifyTotp accepts: 10 steps either way is already 5 minutes.
inline constexpr int kTotpMaxWindow = 10;

// RFC 4226 HOTP: HMAC-SHA1(secret, 8-byte big-endian counter), dynamic
// truncation, last `digits` decimal digits, zero-padded.
// Requires 6 <= digits <= 8 (RFC 4226 section 5.3); otherwise returns "".
std::string HotpCode(std::string_view secret, std::uint64_t counter, int digits = kTotpDigits);

// The RFC 6238 time step of `unix_time`: floor(unix_time / step_seconds).
// Requires unix_time >= 0 and step_seconds > 0; otherwise returns -1.
std::int64_t TotpStep(std::int64_t unix_time, std::int64_t step_seconds = kTotpStepSeconds);

// The TOTP code for `unix_time` (raw secret bytes, not base32).
// Requires unix_time >= 0, step_seconds > 0, 6 <= digits <= 8; otherwise returns "".
std::string TotpCode(std::string_view secret, std::int64_t unix_time, int digits = kTotpDigits,
                     std::int64_t step_seconds = kTotpStepSeconds);

// Checks `code` against the steps from (now - window) to (now + window) and
// returns the matched step, so the caller can refuse a second use of it. Every
// step in the window is computed and compared in constant time; if two match
// (chance about 1e-6) the later one is returned, the safer one to record.
// nullopt for a wrong code, a code of the wrong length or with a non-digit
// (no trimming: "123 456" is refused), an empty secret, or window outside [0, kTotpMaxWindow].
std::optional<std::int64_t> VerifyTotp(std::string_view secret, std::string_view code, std::int64_t unix_time,
                                       int window = kTotpWindow, int digits = kTotpDigits,
                                       std::int64_t step_seconds = kTotpStepSeconds);

// A new 160-bit secret, the HMAC-SHA1 key length RFC 4226 section 4 recommends.
std::string NewTotpSecret();

// The Key URI Format authenticator apps scan:
//   otpauth://totp/<issuer>:<account>?secret=<BASE32>&issuer=<issuer>&algorithm=SHA1&digits=6&period=30
// Issuer and account are percent-encoded (RFC 3986; '@' stays, ':' becomes %3A
// so an account cannot forge the issuer); the secret is unpadded base32.
std::string OtpAuthUri(std::string_view issuer, std::string_view account, std::string_view secret);

}  // namespace rxdesk
