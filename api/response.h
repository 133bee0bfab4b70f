// JSON responses and the error model of API.md:
//   {"error": {"code", "message", "field"?, "details"?}}
// The status code follows from the error code; business refusals are 422.
#pragma once

#include "api/http_server.h"
#include "api/json_body.h"
#include "domain/result.h"

namespace rxdesk {

// The HTTP status for an error code (API.md conventions).
int StatusForCode(std::string_view code);

HttpResponse JsonResponse(int status, const Json& body);
// Error response; `details` is added when not null.
HttpResponse ErrorResponse(const Error& error, const Json& details = nullptr);
HttpResponse ErrorResponse(int status, const Error& error, const Json& details = nullptr);

}  // namespace rxdesk
