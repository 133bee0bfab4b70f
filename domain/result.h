// Errors as values.
//
//   Result<Date> d = ParseDate(text, "written_date");
//   if (!d.ok()) return d.error();          // or: RXD_ASSIGN_OR_RETURN(Date day, ParseDate(...));
//   Use(*d);
//
// An Error carries the API's stable snake_case code (API.md), a message for
// people (never PHI), and the offending field as a dotted path where one applies.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace rxdesk {

struct Error {
  std::string code;     // e.g. "invalid_request", "too_soon"
  std::string message;  // for people; never PHI, never SQL
  std::string field;    // e.g. "address.zip"; empty when not about one field
  // Machine-readable facts about a refusal, e.g. {"next_eligible_date", "2026-12-01"}.
  std::vector<std::pair<std::string, std::string>> details = {};

  bool operator==(const Error&) const = default;

  // Returns a new Error (not a reference), so `e = std::move(e).With(...)` is safe.
  Error With(std::string key, std::string value) && {
    details.emplace_back(std::move(key), std::move(value));
    return std::move(*this);
  }
};

inline Error MakeError(std::string code, std::string message, std::string field = {}) {
  return Error{std::move(code), std::move(message), std::move(field)};
}

// Shorthand for the most common refusal: a malformed or missing input field.
inline Error InvalidField(std::string field, std::string message) {
  return Error{"invalid_request", std::move(message), std::move(field)};
}

// Holds a T or an Error. Accessing the wrong alternative is a programming error.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}       // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}   // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }

  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T& value() & { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

// Success or an Error, for operations with no value.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  const Error& error() const& { assert(!ok_); return error_; }
  Error&& error() && { assert(!ok_); return std::move(error_); }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status OkStatus() { return Status(); }

}  // namespace rxdesk

#define RXD_CONCAT_INNER_(a, b) a##b
#define RXD_CONCAT_(a, b) RXD_CONCAT_INNER_(a, b)

// Returns the error of `expr` (a Result or Status) from the enclosing function.
#define RXD_TRY(expr) RXD_TRY_IMPL_(RXD_CONCAT_(rxd_try_, __COUNTER__), expr)
#define RXD_TRY_IMPL_(tmp, expr)                     \
  do {                                               \
    auto&& tmp = (expr);                             \
    if (!tmp.ok()) return std::move(tmp).error();    \
  } while (0)

// Declares/assigns `lhs` from a Result, or returns its error. Expands to several
// statements: under an `if`, use braces.
#define RXD_ASSIGN_OR_RETURN(lhs, expr) \
  RXD_ASSIGN_OR_RETURN_IMPL_(RXD_CONCAT_(rxd_result_, __COUNTER__), lhs, expr)
#define RXD_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return std::move(tmp).error();    \
  lhs = std::move(tmp).value()
