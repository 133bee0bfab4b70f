// The OpenAPI 3.1 document, generated from the route table itself so that it
// cannot drift from what the server does: every route, its roles (x-roles),
// its request and response schemas and the error model.
#pragma once

#include <vector>

#include "api/json_body.h"
#include "api/router.h"

namespace rxdesk {

Json BuildOpenApi(const std::vector<RouteInfo>& routes);

// JSON Schema helpers for route tables.
Json ObjectSchema(Json properties, std::vector<std::string> required = {});
Json StringSchema(std::string format = "", int max_length = 0);
Json IntegerSchema(std::int64_t min, std::int64_t max);
Json EnumSchema(std::vector<std::string> values);
// A page of a list: {"items": [item...], "next_cursor": string|null}.
Json ListSchema(Json item);

}  // namespace rxdesk
