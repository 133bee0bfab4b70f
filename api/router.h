// Routes: method + path pattern + authorization rule + handler, in one table.
//
//   router.Add({.method = "GET", .pattern = "/v1/members/{id}", .rule = {.roles = {Role::kAgent}},
//               .summary = "Read a member", .tag = "members"},
//              [&](RouteContext& c) { return ...; });
//
// The router authenticates the bearer token and enforces the route's role rule
// before any handler runs, so no route can forget it. Which *records* a member
// may touch (their own) is checked by the service, which knows the data.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/http_server.h"
#include "domain/role.h"
#include "domain/time.h"
#include "services/caller.h"

namespace rxdesk {


struct RouteRule {
  bool is_public = false;   // no token needed
  // No token either, but the handler refuses (401) any request not signed with the
  // named header (the voice webhook); published as security "signature" in OpenAPI.
  std::string signature_header;
  std::vector<Role> roles;  // who may call (ignored when public)
};

struct RouteContext {
  HttpRequest& request;
  std::vector<std::string> params;
  std::optional<Principal> principal;
  std::string pattern;

  const std::string& Param(std::size_t i) const { return params.at(i); }
};

using RouteHandler = std::function<HttpResponse(RouteContext&)>;

// One route as documented in the OpenAPI document.
struct RouteInfo {
  std::string method;
  std::string pattern;
  RouteRule rule;
  std::string summary;
  std::string tag;
  nlohmann::json request_schema = nullptr;   // JSON Schema of the body, if any
  nlohmann::json response_schema = nullptr;  // JSON Schema of the success body
  int success_status = 200;
  bool idempotent_create = false;            // accepts Idempotency-Key
  // Non-empty: the body is raw bytes of one of these media types (an upload), which the
  // handler checks; the router does not require JSON of it.
  std::vector<std::string> raw_body_types;
  // The handler never waits: bounded reads, in-memory work and audit entries queued
  // with the request's AckGate only (no store.Write, no outbound call). With the
  // embedded store such a request runs on the I/O thread that read it.
  bool never_waits = false;
};

class Router {
 public:
  // Maps a bearer token to its principal; refuses with `unauthenticated`.
  using Authenticator = std::function<Result<Principal>(std::string_view token)>;
  // Called when a caller is refused by a route's role rule (to audit the attempt).
  using DeniedHook = std::function<void(const RouteContext&)>;

  explicit Router(Authenticator authenticate, DeniedHook on_denied = nullptr);

  // Requires a pattern of '/'-separated segments where `{name}` (optionally
  // followed by a literal suffix such as `.pdf`) matches one non-empty segment.
  void Add(RouteInfo info, RouteHandler handler);

  // Matches, authenticates, authorizes, then runs the handler. 404 for an unknown
  // path, 405 (with Allow) for a known path with another method, 415 for a body
  // that is not JSON. `matched_pattern` receives the route's pattern for logs.
  HttpResponse Handle(HttpRequest& request, std::string* matched_pattern);

  const std::vector<RouteInfo>& routes() const { return infos_; }

  // Whether the route this request matches is marked never_waits.
  bool NeverWaits(const HttpRequest& request) const;

 private:
  struct Route {
    RouteInfo info;
    std::vector<std::string> segments;
    RouteHandler handler;
  };
  static bool Match(const Route& route, const std::vector<std::string_view>& parts, std::vector<std::string>& params);
  // The route for this method, or null (then `allowed` lists the path's other methods).
  const Route* Find(const HttpRequest& request, const std::vector<std::string_view>& parts,
                    std::vector<std::string>& params, std::vector<std::string>* allowed) const;

  Authenticator authenticate_;
  DeniedHook on_denied_;
  std::vector<Route> routes_;
  std::vector<RouteInfo> infos_;
};

}  // namespace rxdesk
