// Opaque record ids in the ULID layout (github.com/ulid/spec): 48 bits of
// Unix milliseconds then 80 random bits, as 26 Crockford base32 characters.
// They sort by creation time as plain strings (B-tree friendly, unlike
// random UUIDs) and reveal nothing but that time.
//
//   const std::string id = NewId();                        // "01JDB3Q7Z8M4X9K2T6R5W0HNCE"
//   if (!IsValidId(path_id)) return InvalidField("id", "not an id");
//   const std::string token = RandomToken();               // bearer token, 43 characters
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace rxdesk {

inline constexpr std::size_t kIdLength = 26;
inline constexpr std::size_t kIdRandomBytes = 10;
// 2^48 - 1 milliseconds: the largest time a ULID holds (year 10889).
inline constexpr std::uint64_t kIdMaxUnixMs = (std::uint64_t{1} << 48) - 1;

// The id for time `unix_ms` and 80 bits of `random`: deterministic, for tests
// and for callers with their own clock. Times above kIdMaxUnixMs are clamped
// (ids stay sorted, never wrap). Ids made in the same millisecond are unordered.
std::string NewId(std::uint64_t unix_ms, std::span<const std::uint8_t, kIdRandomBytes> random);

// A new id from the system clock and the CSPRNG. This is the edge where ids
// touch the real clock; code that must be reproducible passes time and randomness in.
// Ids one process makes sort in the order it made them, even within a millisecond.
std::string NewId();

// True for exactly 26 upper-case Crockford base32 characters (0-9, A-Z
// without I, L, O, U) whose first is at most '7' (anything larger overflows
// 128 bits). Only the canonical form passes: ids are compared as strings.
bool IsValidId(std::string_view text);

// `bytes` random bytes (default 256 bits) as unpadded base64url: bearer
// tokens, reset links. Store only a hash of it (Sha256Hex).
std::string RandomToken(std::size_t bytes = 32);

}  // namespace rxdesk
