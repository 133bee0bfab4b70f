// /healthz, /readyz, /metrics, /v1/openapi.json
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"

namespace rxdesk {

void Api::AddSystemRoutes() {
  router_.Add({.method = "GET", .pattern = "/healthz", .rule = {.is_public = true}, .summary = "The process is alive",
               .tag = "system", .never_waits = true},
              [](RouteContext&) { return JsonResponse(200, Json{{"status", "ok"}}); });
  router_.Add({.method = "GET", .pattern = "/readyz", .rule = {.is_public = true},
               .summary = "The store is reachable", .tag = "system", .never_waits = true},
              [this](RouteContext&) {
                auto r = deps_.store.Read([](Connection& c) { return c.Query("SELECT 1"); });
                if (!r.ok()) return ErrorResponse(503, Error{"unavailable", "the store is not reachable", ""});
                return JsonResponse(200, Json{{"status", "ready"}});
              });
  router_.Add({.method = "GET", .pattern = "/metrics", .rule = {.is_public = true},
               .summary = "Prometheus metrics (no PHI)", .tag = "system"},
              [this](RouteContext&) {
                const WriterStats w = deps_.store.writer_stats();
                HttpResponse r;
                r.content_type = "text/plain; version=0.0.4";
                r.body = deps_.metrics.Render(w.audit_entries, w.batches);
                return r;
              });
  router_.Add({.method = "GET", .pattern = "/v1/openapi.json", .rule = {.is_public = true},
               .summary = "This API as OpenAPI 3.1", .tag = "system"},
              [this](RouteContext&) { return JsonResponse(200, BuildOpenApi(router_.routes())); });
}

}  // namespace rxdesk
