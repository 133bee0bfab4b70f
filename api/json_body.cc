#include "api/json_body.h"

#include <cmath>

#include "domain/contact_info.h"

namespace rxdesk {
bool IsCleanText(std::string_view text) { return IsPrintableUtf8(text); }

Result<JsonObject> JsonObject::Parse(std::string_view body) {
  auto doc = std::make_shared<Json>();
  int depth = 0;
  bool too_deep = false;
  const Json::parser_callback_t limit = [&](int d, Json::parse_event_t, Json&) {
    depth = d;
    if (d > 32) too_deep = true;
    return !too_deep;
  };
  try {
    *doc = Json::parse(body.begin(), body.end(), limit, /*allow_exceptions=*/true, /*ignore_comments=*/false);
  } catch (const Json::exception&) {
    return InvalidField("", "the body is not valid JSON");
  }
  if (too_deep) return InvalidField("", "the body is nested too deeply");
  if (!doc->is_object()) return InvalidField("", "the body must be a JSON object");
  const Json* root = doc.get();
  return JsonObject(root, "", std::move(doc));
}

Result<JsonObject> JsonObject::From(const Json& value, std::string path) {
  if (!value.is_object()) return InvalidField(path, "must be an object");
  return JsonObject(&value, std::move(path), nullptr);
}

std::string JsonObject::PathOf(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool JsonObject::Has(std::string_view key) const {
  const auto it = value_->find(key);
  return it != value_->end() && !it->is_null();
}

const Json* JsonObject::Find(std::string_view key) {
  seen_.emplace(key);
  const auto it = value_->find(key);
  if (it == value_->end() || it->is_null()) return nullptr;
  return &*it;
}

Result<std::optional<std::string>> JsonObject::OptionalString(std::string_view key, std::size_t max_length) {
  const Json* v = Find(key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return InvalidField(PathOf(key), "must be a string");
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_length) {
    return InvalidField(PathOf(key), "must be at most " + std::to_string(max_length) + " bytes");
  }
  if (!IsCleanText(s)) return InvalidField(PathOf(key), "must be text without control characters");
  return std::optional<std::string>(s);
}

Result<std::string> JsonObject::RequiredString(std::string_view key, std::size_t max_length) {
  RXD_ASSIGN_OR_RETURN(std::optional<std::string> s, OptionalString(key, max_length));
  if (!s) return InvalidField(PathOf(key), "is required");
  return std::move(*s);
}

Result<std::optional<std::int64_t>> JsonObject::OptionalInt(std::string_view key, std::int64_t min, std::int64_t max) {
  const Json* v = Find(key);
  if (v == nullptr) return std::optional<std::int64_t>();
  std::int64_t n = 0;
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(INT64_MAX)) return InvalidField(PathOf(key), "is out of range");
    n = static_cast<std::int64_t>(u);
  } else if (v->is_number_integer()) {
    n = v->get<std::int64_t>();
  } else {
    return InvalidField(PathOf(key), "must be an integer");
  }
  if (n < min || n > max) {
    return InvalidField(PathOf(key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return std::optional<std::int64_t>(n);
}

Result<std::int64_t> JsonObject::RequiredInt(std::string_view key, std::int64_t min, std::int64_t max) {
  RXD_ASSIGN_OR_RETURN(std::optional<std::int64_t> n, OptionalInt(key, min, max));
  if (!n) return InvalidField(PathOf(key), "is required");
  return *n;
}

Result<std::optional<double>> JsonObject::OptionalNumber(std::string_view key, double min, double max) {
  const Json* v = Find(key);
  if (v == nullptr) return std::optional<double>();
  if (!v->is_number()) return InvalidField(PathOf(key), "must be a number");
  const double d = v->get<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    return InvalidField(PathOf(key), "is out of range");
  }
  return std::optional<double>(d);
}

Result<double> JsonObject::RequiredNumber(std::string_view key, double min, double max) {
  RXD_ASSIGN_OR_RETURN(std::optional<double> d, OptionalNumber(key, min, max));
  if (!d) return InvalidField(PathOf(key), "is required");
  return *d;
}

Result<std::optional<bool>> JsonObject::OptionalBool(std::string_view key) {
  const Json* v = Find(key);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_boolean()) return InvalidField(PathOf(key), "must be true or false");
  return std::optional<bool>(v->get<bool>());
}

Result<bool> JsonObject::RequiredBool(std::string_view key) {
  RXD_ASSIGN_OR_RETURN(std::optional<bool> b, OptionalBool(key));
  if (!b) return InvalidField(PathOf(key), "is required");
  return *b;
}

Result<std::optional<JsonObject>> JsonObject::OptionalObject(std::string_view key) {
  const Json* v = Find(key);
  if (v == nullptr) return std::optional<JsonObject>();
  if (!v->is_object()) return InvalidField(PathOf(key), "must be an object");
  return std::optional<JsonObject>(JsonObject(v, PathOf(key), owner_));
}

Result<JsonObject> JsonObject::RequiredObject(std::string_view key) {
  RXD_ASSIGN_OR_RETURN(std::optional<JsonObject> o, OptionalObject(key));
  if (!o) return InvalidField(PathOf(key), "is required");
  return std::move(*o);
}

Status JsonObject::NoOtherFields() const {
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    if (!seen_.contains(it.key())) {
      // The key is echoed back so the caller can find it; bounded so junk stays small.
      return InvalidField(PathOf(it.key().substr(0, 64)), "is not a known field");
    }
  }
  return OkStatus();
}

}  // namespace rxdesk
