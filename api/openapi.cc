#include "api/openapi.h"

namespace rxdesk {

Json ObjectSchema(Json properties, std::vector<std::string> required) {
  Json s = {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
  if (!required.empty()) s["required"] = required;
  return s;
}

Json StringSchema(std::string format, int max_length) {
  Json s = {{"type", "string"}};
  if (!format.empty()) s["format"] = format;
  if (max_length > 0) s["maxLength"] = max_length;
  return s;
}

Json IntegerSchema(std::int64_t min, std::int64_t max) {
  return Json{{"type", "integer"}, {"minimum", min}, {"maximum", max}};
}

Json ListSchema(Json item) {
  return ObjectSchema(
      {{"items", {{"type", "array"}, {"items", std::move(item)}}}, {"next_cursor", {{"type", {"string", "null"}}}}});
}

Json EnumSchema(std::vector<std::string> values) { return Json{{"type", "string"}, {"enum", values}}; }

Json BuildOpenApi(const std::vector<RouteInfo>& routes) {
  Json paths = Json::object();
  for (const RouteInfo& r : routes) {
    Json op = {{"summary", r.summary}, {"tags", Json::array({r.tag})}};
    std::string lower = r.method;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    op["operationId"] = lower + r.pattern;
    Json roles = Json::array();
    for (Role role : r.rule.roles) roles.push_back(ToString(role));
    op["x-roles"] = r.rule.is_public ? Json::array({"public"}) : roles;
    op["security"] = r.rule.is_public ? Json::array() : Json::array({Json{{"bearer", Json::array()}}});
    if (!r.rule.signature_header.empty()) {
      op["security"] = Json::array({Json{{"signature", Json::array()}}});
      op["x-signature-header"] = r.rule.signature_header;
    }
    Json params = Json::array();
    for (std::size_t pos = r.pattern.find('{'); pos != std::string::npos; pos = r.pattern.find('{', pos + 1)) {
      const std::size_t end = r.pattern.find('}', pos);
      params.push_back({{"name", r.pattern.substr(pos + 1, end - pos - 1)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
    if (r.idempotent_create) {
      params.push_back({{"name", "Idempotency-Key"}, {"in", "header"}, {"required", false},
                        {"schema", {{"type", "string"}, {"maxLength", 128}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (!r.request_schema.is_null()) {
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", r.request_schema}}}}}};
    }
    if (!r.raw_body_types.empty()) {
      Json content = Json::object();
      for (const std::string& type : r.raw_body_types) content[type] = {{"schema", {{"type", "string"}, {"format", "binary"}}}};
      op["requestBody"] = {{"required", true}, {"content", content}};
    }
    Json ok = {{"description", "success"}};
    if (!r.response_schema.is_null()) ok["content"] = {{"application/json", {{"schema", r.response_schema}}}};
    op["responses"] = {{std::to_string(r.success_status), ok},
                       {"default", {{"description", "error"},
                                    {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}};
    // OpenAPI path templates have no suffixes inside a segment's braces; ours already match that form.
    paths[r.pattern][lower] = op;
  }
  return Json{
      {"openapi", "3.1.0"},
      {"info", {{"title", "rxdesk API"}, {"version", "1"},
                {"description", "Customer care and mail-order service for pharmacies. Errors follow one model; "
                                "x-roles lists who may call each operation."}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes",
         {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
          {"signature",
           {{"type", "apiKey"},
            {"in", "header"},
            {"name", "X-Rxdesk-Signature"},
            {"description", "sha256=<hex HMAC-SHA256 of the raw body> under voice.webhook_secret"}}}}},
        {"schemas",
         {{"Address", ObjectSchema({{"line1", StringSchema("", 100)},
                                    {"line2", StringSchema("", 100)},
                                    {"city", StringSchema("", 100)},
                                    {"state", StringSchema("", 2)},
                                    {"zip", StringSchema("", 10)},
                                    {"country", StringSchema("", 40)}},
                                   {"line1", "city", "state", "zip"})},
          {"Error",
           ObjectSchema({{"error", ObjectSchema({{"code", StringSchema()},
                                                  {"message", StringSchema()},
                                                  {"field", StringSchema()},
                                                  {"details", {{"type", "object"}}}},
                                                 {"code", "message"})}},
                        {"error"})}}}}}};
}

}  // namespace rxdesk
