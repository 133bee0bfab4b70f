// Fuzz target: JSON request bodies (api/json_body.h) and the typed reads the
// routes make of them, including the shipping address as ReadAddress reads it.
//
// Input: a request body. Parse must refuse exactly what is not one strict JSON
// object; on an object, every typed read either returns the value the document
// holds, within the bounds asked for, or refuses naming the field's path; an
// unread field is always reported; every refusal renders as an API error body.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/json_body.h"
#include "domain/address.h"
#include "domain/time.h"
#include "fuzz/address_properties.h"
#include "fuzz/fuzz_check.h"

namespace rxdesk::fuzz {
namespace {

constexpr std::int64_t kMinInt = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();

// The error body as api/response.cc renders it; it must never throw.
void CheckRenderable(const Error& e) {
  Json body = {{"code", e.code}, {"message", e.message}};
  if (!e.field.empty()) body["field"] = e.field;
  const std::string text = Json{{"error", std::move(body)}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  RXD_FUZZ_CHECK(!text.empty(), "an error renders");
}

// A refusal of a typed read: invalid_request, on this key's path, with a safe message.
template <typename T>
void CheckRefusal(const Result<T>& r, const JsonObject& obj, std::string_view key) {
  RXD_FUZZ_CHECK(!r.ok(), "a mismatched read is refused");
  RXD_FUZZ_CHECK(r.error().code == "invalid_request", "typed read refusal code");
  RXD_FUZZ_CHECK(r.error().field == obj.PathOf(key), "typed read refusal names the field's path");
  RXD_FUZZ_CHECK(IsSafeMessage(r.error().message), "typed read refusal message is printable ASCII");
  CheckRenderable(r.error());
}

// The same string read with other letters (LettersRotated) gets the same answer,
// message included: a refusal cannot be repeating the value.
void CheckStringLettersDoNotMatter(const std::string& key, const std::string& text, std::size_t max,
                                   const Result<std::string>& outcome) {
  const Json other = {{key, LettersRotated(text)}};
  Result<JsonObject> obj = JsonObject::From(other, "");
  RXD_FUZZ_CHECK(obj.ok(), "an object views as an object");
  const Result<std::string> b = obj->RequiredString(key, max);
  RXD_FUZZ_CHECK(b.ok() == outcome.ok(), "the letters of a string do not decide acceptance");
  if (!b.ok()) {
    RXD_FUZZ_CHECK(b.error().code == outcome.error().code && b.error().message == outcome.error().message,
                   "a string refusal does not depend on its letters");
  }
}

// What Parse says to a body that is not JSON, not an object, or nested too deeply;
// a message built from the body (which may hold PHI) would not be among them.
bool IsParseMessage(const std::string& message) {
  static const std::vector<std::string> fixed = [] {
    std::string deep;
    for (int i = 0; i < 40; ++i) deep += "{\"a\":";
    deep += "1" + std::string(40, '}');
    return std::vector<std::string>{JsonObject::Parse("").error().message, JsonObject::Parse("[]").error().message,
                                    JsonObject::Parse(deep).error().message};
  }();
  return IsSafeMessage(message) && std::find(fixed.begin(), fixed.end(), message) != fixed.end();
}

// Dates and instants are read from strings; what parses formats back the same.
void CheckDateReads(const std::string& s) {
  if (const Result<Date> d = ParseDate(s, "date"); d.ok()) {
    RXD_FUZZ_CHECK(FormatDate(*d) == s, "a strict YYYY-MM-DD date formats back to itself");
  } else {
    RXD_FUZZ_CHECK(d.error().field == "date" && IsSafeMessage(d.error().message), "date refusal");
  }
  if (const Result<Instant> t = ParseInstant(s, "at"); t.ok()) {
    const Result<Instant> again = ParseInstant(FormatInstant(*t), "at");
    RXD_FUZZ_CHECK(again.ok() && *again == *t, "an instant formats and parses back to itself");
  } else {
    RXD_FUZZ_CHECK(t.error().field == "at" && IsSafeMessage(t.error().message), "instant refusal");
  }
}

// Reads every key of `obj` with the accessor its value calls for (after a
// mismatched one, which must be refused), recursing into objects.
void ReadAll(JsonObject& obj) {
  std::vector<std::string> keys;
  for (auto it = obj.json().begin(); it != obj.json().end(); ++it) keys.push_back(it.key());
  for (const std::string& key : keys) {
    const Json& v = obj.json().at(key);
    RXD_FUZZ_CHECK(obj.Has(key) == !v.is_null(), "Has is true for present non-null keys");
    const std::size_t mode = key.size() % 3;
    if (v.is_null()) {
      const Result<std::optional<std::string>> s = obj.OptionalString(key);
      RXD_FUZZ_CHECK(s.ok() && !s->has_value(), "null reads as absent");
      CheckRefusal(obj.RequiredInt(key, 0, 1), obj, key);
    } else if (v.is_string()) {
      const auto& text = v.get_ref<const std::string&>();
      CheckRefusal(obj.RequiredInt(key, kMinInt, kMaxInt), obj, key);
      CheckRefusal(obj.RequiredBool(key), obj, key);
      const std::size_t max = mode == 0 ? 8 : 200;
      const Result<std::string> s = obj.RequiredString(key, max);
      if (s.ok()) {
        RXD_FUZZ_CHECK(*s == text && s->size() <= max && IsCleanText(*s), "an accepted string is clean and bounded");
        CheckDateReads(*s);
      } else {
        RXD_FUZZ_CHECK(text.size() > max || !IsCleanText(text), "a string is refused only when too long or unclean");
        CheckRefusal(s, obj, key);
      }
      CheckStringLettersDoNotMatter(key, text, max, s);
    } else if (v.is_number_integer()) {  // also unsigned
      CheckRefusal(obj.RequiredString(key), obj, key);
      const std::int64_t lo = mode == 0 ? kMinInt : (mode == 1 ? 0 : -5);
      const std::int64_t hi = mode == 0 ? kMaxInt : (mode == 1 ? 1000 : 5);
      const Result<std::int64_t> n = obj.RequiredInt(key, lo, hi);
      const bool fits = v.is_number_unsigned() ? v.get<std::uint64_t>() <= static_cast<std::uint64_t>(hi)
                                               : (v.get<std::int64_t>() >= lo && v.get<std::int64_t>() <= hi);
      RXD_FUZZ_CHECK(n.ok() == fits, "an integer is accepted exactly within its bounds");
      if (n.ok()) {
        RXD_FUZZ_CHECK(*n >= lo && *n <= hi, "an accepted integer is within its bounds");
        RXD_FUZZ_CHECK(v.is_number_unsigned() ? static_cast<std::uint64_t>(*n) == v.get<std::uint64_t>()
                                              : *n == v.get<std::int64_t>(),
                       "an accepted integer is the document's value");
      } else {
        CheckRefusal(n, obj, key);
      }
      const Result<double> d = obj.RequiredNumber(key, -1e300, 1e300);
      RXD_FUZZ_CHECK(d.ok(), "an integer is also a number");
    } else if (v.is_number_float()) {
      CheckRefusal(obj.RequiredInt(key, kMinInt, kMaxInt), obj, key);  // no 1.0
      const Result<double> d = obj.RequiredNumber(key, -1e6, 1e6);
      if (d.ok()) {
        RXD_FUZZ_CHECK(std::isfinite(*d) && *d >= -1e6 && *d <= 1e6 && *d == v.get<double>(),
                       "an accepted number is the document's value, within bounds");
      } else {
        CheckRefusal(d, obj, key);
      }
    } else if (v.is_boolean()) {
      CheckRefusal(obj.RequiredString(key), obj, key);
      const Result<bool> b = obj.RequiredBool(key);
      RXD_FUZZ_CHECK(b.ok() && *b == v.get<bool>(), "a boolean reads as itself");
    } else if (v.is_object()) {
      CheckRefusal(obj.RequiredNumber(key, 0, 1), obj, key);
      Result<JsonObject> inner = obj.RequiredObject(key);
      RXD_FUZZ_CHECK(inner.ok(), "an object reads as an object");
      ReadAll(*inner);
    } else {  // arrays and binary values are read by hand through json()
      CheckRefusal(obj.OptionalObject(key), obj, key);
      obj.MarkRead(key);
    }
  }
  const Status rest = obj.NoOtherFields();
  RXD_FUZZ_CHECK(rest.ok(), "no field is unknown once every field was read");

  // A key never present: optional reads give nothing, required ones refuse.
  constexpr std::string_view kAbsent = "\x01never";
  RXD_FUZZ_CHECK(!obj.Has(kAbsent), "an absent key is absent");
  const Result<std::optional<std::int64_t>> none = obj.OptionalInt(kAbsent, 0, 1);
  RXD_FUZZ_CHECK(none.ok() && !none->has_value(), "an absent optional reads as nothing");
  CheckRefusal(obj.RequiredString(kAbsent), obj, kAbsent);
}

// ReadAddress (api/routes_members.cc), step for step: the route library is not
// linked into fuzz targets, so its few lines are repeated here. `in` receives
// the fields once every JSON read succeeded (`validated` then says so).
Result<Address> ReadAddressAsRoutesDo(JsonObject& obj, AddressInput& in, bool& validated) {
  validated = false;
  RXD_ASSIGN_OR_RETURN(in.line1, obj.RequiredString("line1", 200));
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> line2, obj.OptionalString("line2", 200));
  in.line2 = line2.value_or("");
  RXD_ASSIGN_OR_RETURN(in.city, obj.RequiredString("city", 200));
  RXD_ASSIGN_OR_RETURN(in.state, obj.RequiredString("state", 60));
  RXD_ASSIGN_OR_RETURN(in.zip, obj.RequiredString("zip", 20));
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> country, obj.OptionalString("country", 60));
  in.country = country.value_or("");
  RXD_TRY(obj.NoOtherFields());
  validated = true;
  return ValidateAddress(in);
}

void CheckAddress(std::string_view body) {
  Result<JsonObject> root = JsonObject::Parse(body);
  if (!root.ok()) return;
  Result<std::optional<JsonObject>> obj = root->OptionalObject("address");
  if (!obj.ok() || !obj->has_value()) return;
  AddressInput in;
  bool validated = false;
  const Result<Address> a = ReadAddressAsRoutesDo(**obj, in, validated);
  if (validated) {
    CheckAddressOutcome(a, "address");
    CheckLettersDoNotMatter(in, a, "address");
  }
  if (!a.ok()) {
    RXD_FUZZ_CHECK(a.error().field.starts_with("address."), "address refusals name a field under address");
    CheckRenderable(a.error());
  }
}

// Leaving one field unread must be reported, naming it (its first 64 bytes).
void CheckUnknownField(std::string_view body) {
  Result<JsonObject> root = JsonObject::Parse(body);
  if (!root.ok() || root->json().empty()) return;
  const std::size_t skip = body.size() % root->json().size();
  std::string skipped;
  std::size_t i = 0;
  for (auto it = root->json().begin(); it != root->json().end(); ++it, ++i) {
    if (i == skip) {
      skipped = it.key();
    } else {
      root->MarkRead(it.key());
    }
  }
  const Status rest = root->NoOtherFields();
  RXD_FUZZ_CHECK(!rest.ok(), "an unread field is reported");
  RXD_FUZZ_CHECK(rest.error().code == "invalid_request", "unknown field code");
  RXD_FUZZ_CHECK(rest.error().field == skipped.substr(0, 64), "the unknown field is named (bounded)");
  CheckRenderable(rest.error());
}

}  // namespace
}  // namespace rxdesk::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rxdesk;
  using namespace rxdesk::fuzz;
  const std::string_view body = AsText(data, size);
  Result<JsonObject> parsed = JsonObject::Parse(body);
  if (!parsed.ok()) {
    RXD_FUZZ_CHECK(parsed.error().code == "invalid_request" && parsed.error().field.empty(), "parse refusal");
    RXD_FUZZ_CHECK(IsParseMessage(parsed.error().message), "a parse refusal message is a fixed text");
    CheckRenderable(parsed.error());
    // What strict JSON accepts as an object is refused only for its depth.
    if (Json::accept(body.begin(), body.end()) && body.find('{') != std::string_view::npos) {
      const Json doc = Json::parse(body.begin(), body.end());
      RXD_FUZZ_CHECK(!doc.is_object() || parsed.error().message.find("deeply") != std::string::npos,
                     "a valid JSON object is refused only for its nesting");
    }
    return 0;
  }
  RXD_FUZZ_CHECK(parsed->json().is_object(), "Parse gives an object");
  RXD_FUZZ_CHECK(Json::accept(body.begin(), body.end()), "Parse accepts only strict JSON");
  ReadAll(*parsed);
  CheckUnknownField(body);
  CheckAddress(body);
  return 0;
}
