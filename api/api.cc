#include "api/api.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "api/response.h"
#include "infra/crypto.h"
#include "infra/log.h"

namespace rxdesk {

Caller CallerOf(const RouteContext& ctx) {
  Caller c;
  if (ctx.principal) c.principal = *ctx.principal;
  c.request_id = ctx.request.request_id;
  c.remote_ip = ctx.request.remote_ip;
  // A contact id is a ULID; anything else names no contact (and is never written to the audit log).
  const std::string_view contact = ctx.request.Header("x-contact-id");
  const bool well_formed = !contact.empty() && contact.size() <= 64 &&
                           std::all_of(contact.begin(), contact.end(), [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; });
  c.contact_id = well_formed ? std::string(contact) : (contact.empty() ? "" : "malformed");
  return c;
}

RouteHandler Handler(ApiHandler handler) {
  return [handler = std::move(handler)](RouteContext& ctx) {
    Result<HttpResponse> r = handler(ctx);
    if (r.ok()) return std::move(*r);
    return ErrorResponse(r.error());
  };
}

Result<JsonObject> BodyOf(const RouteContext& ctx) { return JsonObject::Parse(ctx.request.body); }

HttpResponse WithIdempotency(RouteContext& ctx, const ApiDeps& deps,
                             const std::function<Result<HttpResponse>(const CommitHook<Json>& on_commit)>& create) {
  Store& store = deps.store;
  const auto run = [&](const CommitHook<Json>& on_commit) {
    Result<HttpResponse> r = create(on_commit);
    return r.ok() ? std::move(*r) : ErrorResponse(r.error());
  };
  const std::string_view header = ctx.request.Header("idempotency-key");
  if (header.empty()) return run(nullptr);
  if (Status v = ValidateIdempotencyKey(header); !v.ok()) return ErrorResponse(v.error());
  IdempotencyKey key{ctx.principal ? ctx.principal->user_id : std::string("anonymous"), std::string(header),
                     ctx.pattern, Sha256Hex(ctx.request.method + " " + ctx.request.path + "\n" + ctx.request.body)};
  const auto replay = [&]() -> std::optional<HttpResponse> {
    auto found = store.Read([&](Connection& c) { return FindIdempotent(c, deps.vault, key); });
    if (!found.ok()) return ErrorResponse(found.error());
    if (!*found) return std::nullopt;
    HttpResponse r;
    r.status = (*found)->status;
    r.body = (*found)->body;
    r.headers.emplace_back("Idempotent-Replayed", "true");
    return r;
  };
  if (auto r = replay()) return *r;
  HttpResponse response = run([&](Connection& conn, const Json& body) {
    return RecordIdempotent(conn, deps.vault, key, 201, body.dump(), FormatInstant(deps.clock.Now()));
  });
  // A concurrent twin with the same key (perhaps on another node) won the race:
  // answer with its response. The loser sees the winner's work as a conflict (409)
  // or as a business refusal (e.g. 422 refill_already_requested), so any error counts.
  if (response.status >= 400) {
    if (auto r = replay()) return *r;
  }
  return response;
}

Api::Api(ApiDeps deps)
    : deps_(deps),
      router_([this](std::string_view token) { return deps_.auth.Authenticate(token); },
              [this](const RouteContext& ctx) {
                // A refused attempt is itself an access event for the privacy officer.
                const Caller caller = CallerOf(ctx);
                (void)AuditAlone(deps_.store,
                                 MakeAudit(caller, deps_.clock.Now(), "route:" + ctx.request.method + " " + ctx.pattern,
                                           "route", "-", "", "denied"));
              }) {
  AddSystemRoutes();
  AddAuthRoutes();
  AddMemberRoutes();
  AddPrescriptionRoutes();
  AddOrderRoutes();
  AddShippingRoutes();
  AddPrivacyRoutes();
  AddContactRoutes();
  AddStaffingRoutes();
  AddContactCenterRoutes();
  AddNotificationRoutes();
  AddChannelRoutes();
  AddVoiceRoutes();
  AddChatRoutes();
  AddDeskRoutes();
  AddTransferRoutes();
  AddIntakeRoutes();
  AddBenefitsRoutes();
  AddShipmentRoutes();
  AddPartDRoutes();
  AddPrescriberRequestRoutes();
  AddReminderRoutes();
  AddClinicalRoutes();
}

HttpResponse Api::Handle(HttpRequest& request) {
  HttpResponse response = router_.Handle(request, &request.route);
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return response;
}

void Api::Finish(const HttpRequest& request, const HttpResponse& response, double seconds) {
  // The route pattern, never the raw path: paths carry identifiers.
  const std::string_view route = request.route.empty() ? std::string_view("(refused)") : request.route;
  deps_.metrics.ObserveRequest(request.method, std::string(route), response.status, seconds);
  LogRequest(request.request_id, request.method, route, response.status, seconds * 1000);
}

}  // namespace rxdesk
