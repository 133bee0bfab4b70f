#include "api/response.h"

#include <array>
#include <utility>

namespace rxdesk {
namespace {

constexpr std::array<std::pair<std::string_view, int>, 28> kStatusByCode{{
    {"invalid_request", 400},
    {"invalid_check_digit", 400},      // a mistyped Rx number is malformed input
    {"invalid_check_character", 400},  // likewise a mistyped reference number
    {"invalid_tracking_number", 400},  // not the carrier's format (services/carrier.h)
    {"unknown_carrier", 400},
    {"unauthenticated", 401},
    {"invalid_credentials", 401},
    {"mfa_required", 401},
    {"invalid_signature", 401},
    {"forbidden", 403},
    {"verification_required", 403},  // an agent without a verified contact for this member
    {"not_found", 404},
    {"method_not_allowed", 405},
    {"conflict", 409},
    {"idempotency_key_reused", 409},
    {"invalid_transition", 409},
    {"interaction_hold", 409},  // filling while a major drug interaction awaits a pharmacist
    {"survey_expired", 410},  // a CSAT survey link past its days
    {"payload_too_large", 413},
    {"unsupported_media_type", 415},
    {"account_locked", 423},
    {"contact_locked", 423},  // three failed identity verifications
    {"rate_limited", 429},
    {"internal", 500},
    {"carrier_error", 502},        // the carrier refused a tracking lookup
    {"carrier_unavailable", 503},  // the carrier did not answer
    {"store_unavailable", 503},
    {"store_busy", 503},
}};

}  // namespace

int StatusForCode(std::string_view code) {
  for (const auto& [c, status] : kStatusByCode) {
    if (c == code) return status;
  }
  if (code == "store_error") return 500;
  return 422;  // a business refusal (PRODUCT.md codes such as too_soon)
}

HttpResponse JsonResponse(int status, const Json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, Json::error_handler_t::replace);
  return r;
}

HttpResponse ErrorResponse(int status, const Error& error) {
  Json e = {{"code", error.code}, {"message", error.message}};
  if (!error.field.empty()) e["field"] = error.field;
  if (!error.details.empty()) {
    Json details = Json::object();
    for (const auto& [k, v] : error.details) details[k] = v;
    e["details"] = std::move(details);
  }
  return JsonResponse(status, Json{{"error", std::move(e)}});
}

HttpResponse ErrorResponse(const Error& error) {
  // Internal store errors never reach clients with their text.
  if (error.code == "store_error" || error.code == "internal") {
    return ErrorResponse(500, Error{"internal", "the server could not complete the request", ""});
  }
  if (error.code == "store_unavailable" || error.code == "store_busy") {
    return ErrorResponse(503, Error{"unavailable", "the service is temporarily unavailable; try again", ""});
  }
  return ErrorResponse(StatusForCode(error.code), error);
}

}  // namespace rxdesk
