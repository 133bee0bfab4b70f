#include "api/router.h"

#include <algorithm>

#include "api/response.h"

namespace rxdesk {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const std::size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return parts;
}

}  // namespace

Router::Router(Authenticator authenticate, DeniedHook on_denied)
    : authenticate_(std::move(authenticate)), on_denied_(std::move(on_denied)) {}

void Router::Add(RouteInfo info, RouteHandler handler) {
  Route r;
  for (std::string_view s : SplitPath(info.pattern)) r.segments.emplace_back(s);
  r.info = std::move(info);
  r.handler = std::move(handler);
  infos_.push_back(r.info);
  routes_.push_back(std::move(r));
}

bool Router::Match(const Route& route, const std::vector<std::string_view>& parts, std::vector<std::string>& params) {
  if (route.segments.size() != parts.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (!seg.empty() && seg.front() == '{') {
      const std::size_t close = seg.find('}');
      const std::string_view suffix = std::string_view(seg).substr(close + 1);
      const std::string_view part = parts[i];
      if (part.size() <= suffix.size() || !part.ends_with(suffix)) return false;
      params.emplace_back(part.substr(0, part.size() - suffix.size()));
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return true;
}

const Router::Route* Router::Find(const HttpRequest& request, const std::vector<std::string_view>& parts,
                                  std::vector<std::string>& params, std::vector<std::string>* allowed) const {
  for (const Route& r : routes_) {
    if (!Match(r, parts, params)) continue;
    if (r.info.method == request.method || (request.method == "HEAD" && r.info.method == "GET")) return &r;
    if (allowed) allowed->push_back(r.info.method);
  }
  return nullptr;
}

bool Router::NeverWaits(const HttpRequest& request) const {
  std::vector<std::string> params;
  const Route* route = Find(request, SplitPath(request.path), params, nullptr);
  return route != nullptr && route->info.never_waits;
}

HttpResponse Router::Handle(HttpRequest& request, std::string* matched_pattern) {
  const auto parts = SplitPath(request.path);
  std::vector<std::string> params;
  std::vector<std::string> allowed;
  const Route* found = Find(request, parts, params, &allowed);
  if (found == nullptr) {
    if (!allowed.empty()) {
      std::string allow;
      for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      HttpResponse res = ErrorResponse(405, Error{"method_not_allowed", "this path does not accept " +
                                                                             request.method.substr(0, 10), ""});
      res.headers.emplace_back("Allow", allow);
      if (matched_pattern) *matched_pattern = "(method_not_allowed)";
      return res;
    }
    if (matched_pattern) *matched_pattern = "(not_found)";
    return ErrorResponse(404, Error{"not_found", "no such resource", ""});
  }
  if (matched_pattern) *matched_pattern = found->info.pattern;

  RouteContext ctx{request, std::move(params), std::nullopt, found->info.pattern};
  if (!found->info.rule.is_public) {
    const std::string_view auth = request.Header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (auth.size() <= kBearer.size() || !auth.starts_with(kBearer)) {
      return ErrorResponse(401, Error{"unauthenticated", "a bearer token is required", ""});
    }
    auto principal = authenticate_(auth.substr(kBearer.size()));
    if (!principal.ok()) {
      if (principal.error().code == "unauthenticated") return ErrorResponse(401, principal.error());
      return ErrorResponse(principal.error());
    }
    ctx.principal = std::move(*principal);
    const auto& roles = found->info.rule.roles;
    if (std::find(roles.begin(), roles.end(), ctx.principal->role) == roles.end()) {
      if (on_denied_) on_denied_(ctx);
      return ErrorResponse(403, Error{"forbidden", "your role may not do this", ""});
    }
  }
  if (!request.body.empty() && found->info.raw_body_types.empty()) {
    const std::string_view type = request.Header("content-type");
    if (!type.starts_with("application/json")) {
      return ErrorResponse(415, Error{"unsupported_media_type", "send the body as application/json", ""});
    }
  }
  return found->handler(ctx);
}

}  // namespace rxdesk
