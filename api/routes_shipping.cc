// POST /v1/shipping/quote (public): ship date, ETA window and fee for an address and a speed.
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"

namespace rxdesk {

void Api::AddShippingRoutes() {
  router_.Add({.method = "POST", .pattern = "/v1/shipping/quote", .rule = {.is_public = true},
               .summary = "Ship date, ETA window and fee for an address and a speed", .tag = "shipping",
               .request_schema = ObjectSchema({{"address", {{"$ref", "#/components/schemas/Address"}}},
                                               {"speed", EnumSchema({"standard", "expedited", "specialty"})},
                                               {"placed_at", StringSchema("date-time")}},
                                              {"address", "speed"}),
               .response_schema = ObjectSchema({{"ship_date", StringSchema("date")},
                                                {"eta", ObjectSchema({{"earliest", StringSchema("date")},
                                                                      {"latest", StringSchema("date")}})},
                                                {"fee_cents", IntegerSchema(0, 100000)}})},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(JsonObject address, body.RequiredObject("address"));
                RXD_TRY(ReadAddress(address));  // the quote needs a serviceable address, not its parts
                RXD_ASSIGN_OR_RETURN(std::string speed_text, body.RequiredString("speed", 16));
                RXD_ASSIGN_OR_RETURN(ShippingSpeed speed, ParseShippingSpeed(speed_text, "speed"));
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> placed_text, body.OptionalString("placed_at", 40));
                Instant placed_at = deps_.clock.Now();
                if (placed_text) {
                  RXD_ASSIGN_OR_RETURN(placed_at, ParseInstant(*placed_text, "placed_at"));
                }
                RXD_TRY(body.NoOtherFields());
                const ShippingQuote q =
                    QuoteShipping(placed_at, speed, deps_.pharmacy.orders.shipping_policy(), deps_.zone);
                return JsonResponse(200, Json{{"ship_date", FormatDate(q.ship_date)},
                                              {"eta", {{"earliest", FormatDate(q.eta_earliest)},
                                                       {"latest", FormatDate(q.eta_latest)}}},
                                              {"fee_cents", q.fee.value()}});
              }));
}

}  // namespace rxdesk
