// Property checks for fuzz targets: a broken property aborts with a message, so
// libFuzzer saves the input as a crash and the replay driver fails its test.
//
//   extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
//     const std::string_view text = rxdesk::fuzz::AsText(data, size);
//     Result<RxNumber> rx = RxNumber::Parse(text);
//     if (rx.ok()) RXD_FUZZ_CHECK(RxNumber::Parse(rx->str()).ok(), "canonical form parses back");
//     return 0;
//   }
//
// Checks run in every build type (they are not assert()s, which NDEBUG would
// remove). Their messages name the property only, never the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace rxdesk::fuzz {

// The input being replayed, set by the replay driver so a failure names its file;
// null under libFuzzer, which reports the input itself.
inline const char* current_input = nullptr;

[[noreturn]] inline void Fail(const char* expression, const char* property, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz property broken: %s (%s)\n", file, line, property, expression);
  if (current_input != nullptr) std::fprintf(stderr, "input: %s\n", current_input);
  std::abort();
}

inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits `text` at the first `separator`: returns the part before it and leaves
// the rest (after the separator) in `text`; the whole text when there is none.
inline std::string_view NextPart(std::string_view& text, char separator) {
  const std::size_t at = text.find(separator);
  const std::string_view part = text.substr(0, at);
  text = at == std::string_view::npos ? std::string_view() : text.substr(at + 1);
  return part;
}

// True when `message` could go to a client as it is: short printable ASCII.
// (That it does not repeat what was typed is checked per target by changing
// the input's letters: see LettersRotated.)
inline bool IsSafeMessage(std::string_view message) {
  if (message.empty() || message.size() > 200) return false;
  for (const char c : message) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// ROT13 of the ASCII letters, every other byte kept: other text of the same
// shape (length, case, UTF-8, blanks, digits, punctuation). A refusal message
// that is the same for both cannot be repeating the letters a person typed.
inline std::string LettersRotated(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>('a' + (c - 'a' + 13) % 26);
    if (c >= 'A' && c <= 'Z') c = static_cast<char>('A' + (c - 'A' + 13) % 26);
  }
  return out;
}

}  // namespace rxdesk::fuzz

#define RXD_FUZZ_CHECK(condition, property) \
  ((condition) ? static_cast<void>(0) : ::rxdesk::fuzz::Fail(#condition, property, __FILE__, __LINE__))
