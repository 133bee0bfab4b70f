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
// Error response; the error's details become `error.details`.
HttpResponse ErrorResponse(const Error& error);
HttpResponse ErrorResponse(int status, const Error& error);

}  // namespace rxdesk
