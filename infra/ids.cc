#include "infra/ids.h"

#include <sodium.h>

#include <array>
#include <chrono>
#include <mutex>

#include "infra/crypto.h"

namespace rxdesk {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

bool IsCrockford(char c) {
  if (c >= '0' && c <= '9') return true;
  if (c < 'A' || c > 'Z') return false;
  return c != 'I' && c != 'L' && c != 'O' && c != 'U';
}

}  // namespace

std::string NewId(std::uint64_t unix_ms, std::span<const std::uint8_t, kIdRandomBytes> random) {
  if (unix_ms > kIdMaxUnixMs) unix_ms = kIdMaxUnixMs;
  std::string id(kIdLength, '0');
  // Time: 10 characters, 50 bits, the top 2 always zero.
  for (int i = 9; i >= 0; --i) {
    id[static_cast<std::size_t>(i)] = kCrockford[unix_ms & 0x1f];
    unix_ms >>= 5;
  }
  // Randomness: 16 characters, 80 bits, taken 5 bits at a time big-endian.
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t out = 10;
  for (const std::uint8_t b : random) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      id[out++] = kCrockford[(buffer >> bits) & 0x1f];
    }
  }
  return id;
}

std::string NewId() {
  // Monotonic within this process (as ULID's monotonic mode): an id made in the
  // same millisecond as the one before it, or while the clock stepped back,
  // keeps that millisecond and adds one to its random part, so the ids one
  // process makes sort in the order it made them (e.g. an order's events).
  static std::mutex mu;
  static std::uint64_t last_ms = 0;
  static std::array<std::uint8_t, kIdRandomBytes> last_random{};
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const std::int64_t signed_ms = now.time_since_epoch().count();
  std::uint64_t ms = signed_ms < 0 ? 0 : static_cast<std::uint64_t>(signed_ms);
  std::array<std::uint8_t, kIdRandomBytes> random;
  InitCrypto();
  randombytes_buf(random.data(), random.size());
  std::lock_guard lock(mu);
  if (ms <= last_ms) {
    ms = last_ms;
    random = last_random;
    // +1 on the 80-bit big-endian number; on overflow (never in practice) move to the next millisecond.
    std::size_t i = random.size();
    while (i > 0 && ++random[i - 1] == 0) --i;
    if (i == 0) ++ms;
  }
  last_ms = ms;
  last_random = random;
  return NewId(ms, random);
}

bool IsValidId(std::string_view text) {
  if (text.size() != kIdLength || text[0] > '7') return false;
  for (const char c : text) {
    if (!IsCrockford(c)) return false;
  }
  return true;
}

std::string RandomToken(std::size_t bytes) {
  std::string raw = RandomBytes(bytes);
  std::string token = Base64UrlEncode(raw);
  sodium_memzero(raw.data(), raw.size());
  return token;
}

}  // namespace rxdesk
