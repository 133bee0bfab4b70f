// Reading JSON request bodies strictly: every wrong type, missing field or
// unknown field is an `invalid_request` naming the field's dotted path.
//
//   RXD_ASSIGN_OR_RETURN(JsonObject body, JsonObject::Parse(request.body));
//   RXD_ASSIGN_OR_RETURN(std::string rx, body.RequiredString("rx_number", 32));
//   RXD_ASSIGN_OR_RETURN(std::optional<std::string> speed, body.OptionalString("speed", 16));
//   RXD_TRY(body.NoOtherFields());
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace rxdesk {

using Json = nlohmann::json;

class JsonObject {
 public:
  // Parses a request body that must be one JSON object (max nesting 32).
  static Result<JsonObject> Parse(std::string_view body);
  // Views `value` (which must be an object) found at `path` ("" for the root).
  static Result<JsonObject> From(const Json& value, std::string path);

  Result<std::string> RequiredString(std::string_view key, std::size_t max_length = 200);
  Result<std::optional<std::string>> OptionalString(std::string_view key, std::size_t max_length = 200);
  // Integers must be JSON integers (no 1.0, no "1") within [min, max].
  Result<std::int64_t> RequiredInt(std::string_view key, std::int64_t min, std::int64_t max);
  Result<std::optional<std::int64_t>> OptionalInt(std::string_view key, std::int64_t min, std::int64_t max);
  Result<double> RequiredNumber(std::string_view key, double min, double max);
  Result<std::optional<double>> OptionalNumber(std::string_view key, double min, double max);
  Result<bool> RequiredBool(std::string_view key);
  Result<std::optional<bool>> OptionalBool(std::string_view key);
  Result<JsonObject> RequiredObject(std::string_view key);
  Result<std::optional<JsonObject>> OptionalObject(std::string_view key);
  bool Has(std::string_view key) const;
  // Marks a key as read by hand (for values read through json()).
  void MarkRead(std::string_view key) { seen_.emplace(key); }

  // Refuses any key that no accessor above asked for.
  Status NoOtherFields() const;

  // The dotted path of a key of this object, e.g. "address.zip".
  std::string PathOf(std::string_view key) const;
  const Json& json() const { return *value_; }

 private:
  JsonObject(const Json* value, std::string path, std::shared_ptr<Json> owner)
      : value_(value), path_(std::move(path)), owner_(std::move(owner)) {}
  const Json* Find(std::string_view key);

  const Json* value_;
  std::string path_;
  std::shared_ptr<Json> owner_;  // keeps a parsed document alive
  std::set<std::string, std::less<>> seen_;
};

// True when the text is valid UTF-8 with no control characters except tab
// (domain/contact_info.h's IsPrintableUtf8).
bool IsCleanText(std::string_view text);

}  // namespace rxdesk
