// Staffing (PRODUCT.md §9, API.md "Calculators"), supervisors only:
//   POST /v1/staffing/erlang-c  one interval of one queue: Erlang C, or Erlang A with patience_s;
//   GET  /v1/staffing           a local day of one queue, sized per 30-minute interval.
// The maths is domain/erlang.h and domain/staffing_plan.h; this file reads and writes JSON.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "domain/staffing_plan.h"

namespace rxdesk {
namespace {

const std::vector<Role> kSupervisors = {Role::kSupervisor};

// Any finite JSON number passes here; ValidateErlangParams then refuses by field name.
constexpr double kAnyLow = std::numeric_limits<double>::lowest();
constexpr double kAnyHigh = std::numeric_limits<double>::max();

// JSON has no infinity: a figure without a finite value (ASA when no call is ever answered) is null.
Json Figure(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

Json NumberSchema() { return Json{{"type", "number"}}; }
Json NullableNumberSchema() { return Json{{"type", {"number", "null"}}}; }

// The figures of API.md's contract; abandon_rate only under Erlang A.
void PutFigures(Json& out, const StaffingFigures& f, bool erlang_a) {
  out["agents"] = f.agents;
  out["scheduled_agents"] = f.scheduled_agents;
  out["service_level"] = Figure(f.service_level);
  out["probability_wait"] = Figure(f.probability_wait);
  out["asa_s"] = Figure(f.asa_s);
  out["occupancy"] = Figure(f.occupancy);
  if (erlang_a) out["abandon_rate"] = Figure(f.abandon_rate);
}

Json FigureProperties() {
  return {{"agents", IntegerSchema(0, kMaxStaffingAgents)},
          {"scheduled_agents", IntegerSchema(0, std::numeric_limits<int>::max())},
          {"service_level", NumberSchema()},
          {"probability_wait", NumberSchema()},
          {"asa_s", NullableNumberSchema()},
          {"occupancy", NumberSchema()},
          {"abandon_rate", NumberSchema()}};
}

Result<ErlangParams> ReadErlangParams(JsonObject& body) {
  ErlangParams p;
  RXD_ASSIGN_OR_RETURN(p.arrivals, body.RequiredNumber("arrivals", kAnyLow, kAnyHigh));
  RXD_ASSIGN_OR_RETURN(p.interval_s, body.RequiredNumber("interval_s", kAnyLow, kAnyHigh));
  RXD_ASSIGN_OR_RETURN(p.aht_s, body.RequiredNumber("aht_s", kAnyLow, kAnyHigh));
  RXD_ASSIGN_OR_RETURN(p.target_answer_s, body.RequiredNumber("target_answer_s", kAnyLow, kAnyHigh));
  RXD_ASSIGN_OR_RETURN(p.target_service_level, body.RequiredNumber("target_service_level", kAnyLow, kAnyHigh));
  RXD_ASSIGN_OR_RETURN(std::optional<double> shrinkage, body.OptionalNumber("shrinkage", kAnyLow, kAnyHigh));
  p.shrinkage = shrinkage.value_or(0.0);
  RXD_ASSIGN_OR_RETURN(p.patience_s, body.OptionalNumber("patience_s", kAnyLow, kAnyHigh));
  RXD_TRY(body.NoOtherFields());
  RXD_TRY(ValidateErlangParams(p));
  return p;
}

// The single value of a query parameter. Refusal: invalid_request naming it when
// absent or given twice.
Result<std::string> OneQueryValue(const HttpRequest& request, std::string_view name) {
  const std::string* value = nullptr;
  for (const auto& [key, v] : request.query) {
    if (key != name) continue;
    if (value != nullptr) return InvalidField(std::string(name), "must be given once");
    value = &v;
  }
  if (value == nullptr) return InvalidField(std::string(name), "is required");
  return *value;
}

Status OnlyQueryParams(const HttpRequest& request, std::initializer_list<std::string_view> known) {
  for (const auto& [key, v] : request.query) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return InvalidField(IsCleanText(key) && key.size() <= 64 ? key : "query", "is not a known parameter");
    }
  }
  return OkStatus();
}

std::string WallClock(std::chrono::seconds local_time) {
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(local_time).count();
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", static_cast<int>(minutes / 60 % 24), static_cast<int>(minutes % 60));
  return buf;
}

Json DayJson(const QueueDayStaffing& day, const Zone& zone) {
  Json intervals = Json::array();
  for (const IntervalStaffing& i : day.intervals) {
    const ErlangParams& in = i.inputs;
    Json row = {{"start", FormatInstant(i.start)},
                {"local_time", WallClock(i.local_time)},
                {"arrivals", in.arrivals},
                {"aht_s", in.aht_s},
                {"target_answer_s", in.target_answer_s},
                {"target_service_level", in.target_service_level},
                {"shrinkage", in.shrinkage}};
    if (in.patience_s) row["patience_s"] = *in.patience_s;
    PutFigures(row, i.figures, in.patience_s.has_value());
    intervals.push_back(std::move(row));
  }
  Json out = {{"date", FormatDate(day.date)},
              {"queue", day.queue},
              {"time_zone", std::string(zone.name())},
              {"source", day.source == ForecastSource::kHistory ? "history" : "profile"},
              {"arrivals", day.Arrivals()},
              {"agent_hours", day.AgentHours()},
              {"scheduled_agent_hours", day.ScheduledAgentHours()},
              {"peak_agents", day.PeakAgents()},
              {"intervals", std::move(intervals)}};
  // Contacts carry no queue yet (the contact center issue adds one), so no
  // history can be read per queue: the line's volume, the queue's share and the profile.
  if (day.source == ForecastSource::kProfile) out["source_reason"] = "no_queue_history";
  return out;
}

Json DaySchema() {
  Json interval = FigureProperties();
  interval["start"] = StringSchema("date-time");
  interval["local_time"] = StringSchema("", 5);
  for (const char* input :
       {"arrivals", "aht_s", "target_answer_s", "target_service_level", "shrinkage", "patience_s"}) {
    interval[input] = NumberSchema();
  }
  return ObjectSchema({{"date", StringSchema("date")},
                       {"queue", StringSchema("", 64)},
                       {"time_zone", StringSchema()},
                       {"source", EnumSchema({"history", "profile"})},
                       {"source_reason", EnumSchema({"no_queue_history"})},
                       {"arrivals", NumberSchema()},
                       {"agent_hours", NumberSchema()},
                       {"scheduled_agent_hours", NumberSchema()},
                       {"peak_agents", IntegerSchema(0, kMaxStaffingAgents)},
                       {"intervals", {{"type", "array"}, {"items", ObjectSchema(interval)}}}});
}

}  // namespace

void Api::AddStaffingRoutes() {
  router_.Add(
      {.method = "POST",
       .pattern = "/v1/staffing/erlang-c",
       .rule = {.roles = kSupervisors},
       .summary = "Fewest agents for one interval of one queue to reach a service-level target "
                  "(Erlang C; Erlang A with patience_s)",
       .tag = "staffing",
       .request_schema = ObjectSchema({{"arrivals", NumberSchema()},
                                       {"interval_s", NumberSchema()},
                                       {"aht_s", NumberSchema()},
                                       {"target_answer_s", NumberSchema()},
                                       {"target_service_level", NumberSchema()},
                                       {"shrinkage", NumberSchema()},
                                       {"patience_s", NumberSchema()}},
                                      {"arrivals", "interval_s", "aht_s", "target_answer_s", "target_service_level"}),
       .response_schema = ObjectSchema(FigureProperties())},
      Handler([](RouteContext& ctx) -> Result<HttpResponse> {
        RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
        RXD_ASSIGN_OR_RETURN(ErlangParams params, ReadErlangParams(body));
        RXD_ASSIGN_OR_RETURN(StaffingFigures figures, RequiredAgents(params));
        Json out = Json::object();
        PutFigures(out, figures, params.patience_s.has_value());
        return JsonResponse(200, out);
      }));

  router_.Add({.method = "GET",
               .pattern = "/v1/staffing",
               .rule = {.roles = kSupervisors},
               .summary = "Agents needed per 30-minute interval of one local day for one queue "
                          "(?date=YYYY-MM-DD&queue=ID), with the forecast and inputs used",
               .tag = "staffing",
               .response_schema = DaySchema()},
              Handler([this](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_TRY(OnlyQueryParams(ctx.request, {"date", "queue"}));
                RXD_ASSIGN_OR_RETURN(std::string date_text, OneQueryValue(ctx.request, "date"));
                RXD_ASSIGN_OR_RETURN(Date date, ParseDate(date_text, "date"));
                RXD_ASSIGN_OR_RETURN(std::string queue, OneQueryValue(ctx.request, "queue"));
                RXD_ASSIGN_OR_RETURN(QueueDayStaffing day, PlanQueueDay(date, queue, {}, deps_.zone, deps_.staffing));
                return JsonResponse(200, DayJson(day, deps_.zone));
              }));
}

}  // namespace rxdesk
