// Staffing (PRODUCT.md §9, API.md "Calculators"), supervisors only:
//   POST /v1/staffing/erlang-c    one interval of one queue: Erlang C, or Erlang A with patience_s;
//   GET  /v1/staffing             a local day of one queue, sized per 30-minute interval;
//   POST /v1/staffing/adherence   schedule adherence of agents' shifts from their state changes.
// The maths is domain/erlang.h, domain/staffing_plan.h and domain/schedule_adherence.h;
// this file reads and writes JSON.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <string_view>

#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "domain/schedule_adherence.h"
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

// ---- schedule adherence ----------------------------------------------------------

// Bounds of one request (docs/api.md): a floor's team, a day of state changes each.
constexpr std::size_t kMaxAdherenceAgents = 500;
constexpr std::size_t kMaxStateChangesPerAgent = 2000;
constexpr std::size_t kMaxAgentIdBytes = 64;
// A shift has a handful of breaks; the bound also keeps the domain's pairwise overlap check small.
constexpr std::size_t kMaxBreaksPerShift = 32;
constexpr std::int64_t kMaxBreakMinutes = 16 * 60;  // no break outlasts the longest shift

// The band (PRODUCT.md §9, 90–95%): the domain's documented default.
const ScheduleAdherenceParams kAdherenceParams{};

std::string Indexed(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

// The array at `key` of `obj`, with at most `max_items` entries. Refusal: invalid_request naming it.
Result<const Json*> ArrayField(JsonObject& obj, std::string_view key, std::size_t max_items, bool required) {
  obj.MarkRead(key);
  const std::string path = obj.PathOf(key);
  if (!obj.Has(key)) {
    if (required) return InvalidField(path, "is required");
    return static_cast<const Json*>(nullptr);
  }
  const Json& list = obj.json()[std::string(key)];
  if (!list.is_array()) return InvalidField(path, "must be an array");
  if (list.size() > max_items) {
    return InvalidField(path, "must list at most " + std::to_string(max_items) + " entries");
  }
  return &list;
}

Result<Instant> InstantField(JsonObject& obj, std::string_view key) {
  RXD_ASSIGN_OR_RETURN(std::string text, obj.RequiredString(key, 64));
  return ParseInstant(text, obj.PathOf(key));
}

Result<AgentState> ParseAgentState(std::string_view text, const std::string& field) {
  for (AgentState s :
       {AgentState::kAvailable, AgentState::kBusy, AgentState::kWrapUp, AgentState::kBreak, AgentState::kOffline}) {
    if (text == AgentStateName(s)) return s;
  }
  return InvalidField(field, "must be available, busy, wrap_up, break or offline");
}

Result<AgentShift> ReadShift(JsonObject& agent) {
  RXD_ASSIGN_OR_RETURN(JsonObject obj, agent.RequiredObject("shift"));
  AgentShift shift;
  RXD_ASSIGN_OR_RETURN(shift.start, InstantField(obj, "start"));
  RXD_ASSIGN_OR_RETURN(shift.end, InstantField(obj, "end"));
  RXD_ASSIGN_OR_RETURN(const Json* breaks, ArrayField(obj, "breaks", kMaxBreaksPerShift, false));
  RXD_TRY(obj.NoOtherFields());
  if (breaks == nullptr) return shift;
  for (std::size_t i = 0; i < breaks->size(); ++i) {
    RXD_ASSIGN_OR_RETURN(JsonObject b, JsonObject::From((*breaks)[i], Indexed(obj.PathOf("breaks"), i)));
    ShiftBreak one;
    RXD_ASSIGN_OR_RETURN(one.start, InstantField(b, "start"));
    RXD_ASSIGN_OR_RETURN(std::int64_t minutes, b.RequiredInt("minutes", 1, kMaxBreakMinutes));
    one.length = std::chrono::minutes{minutes};
    RXD_ASSIGN_OR_RETURN(std::optional<std::string> kind, b.OptionalString("kind", 16));
    if (kind && *kind != "break" && *kind != "lunch") return InvalidField(b.PathOf("kind"), "must be break or lunch");
    one.kind = kind && *kind == "lunch" ? BreakKind::kLunch : BreakKind::kBreak;
    RXD_TRY(b.NoOtherFields());
    shift.breaks.push_back(one);
  }
  return shift;
}

Result<std::vector<AgentStateChange>> ReadStates(JsonObject& agent) {
  RXD_ASSIGN_OR_RETURN(const Json* list, ArrayField(agent, "states", kMaxStateChangesPerAgent, true));
  std::vector<AgentStateChange> states;
  states.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    RXD_ASSIGN_OR_RETURN(JsonObject c, JsonObject::From((*list)[i], Indexed(agent.PathOf("states"), i)));
    AgentStateChange change;
    RXD_ASSIGN_OR_RETURN(change.at, InstantField(c, "at"));
    RXD_ASSIGN_OR_RETURN(std::string state, c.RequiredString("state", 16));
    RXD_ASSIGN_OR_RETURN(change.state, ParseAgentState(state, c.PathOf("state")));
    RXD_TRY(c.NoOtherFields());
    states.push_back(change);
  }
  return states;
}

// The domain names fields relative to one agent ("shift.end", "states[3].at"); the API
// names them from the body's root ("agents[1].shift.end").
Error UnderAgent(Error error, const std::string& agent_path) {
  error.field = error.field.empty() ? agent_path : agent_path + "." + error.field;
  return error;
}

std::string_view BandName(AdherenceBand band) {
  switch (band) {
    case AdherenceBand::kBelow:
      return "below";
    case AdherenceBand::kWithin:
      return "within";
    case AdherenceBand::kAbove:
      return "above";
  }
  return "below";
}

double Minutes(std::chrono::seconds s) { return static_cast<double>(s.count()) / 60.0; }

void PutAdherence(Json& out, const ScheduleAdherence& a) {
  out["scheduled_minutes"] = Minutes(a.scheduled);
  out["adherent_minutes"] = Minutes(a.adherent);
  out["adherence"] = a.adherence;
  out["band"] = BandName(a.band);
  out["in_target"] = a.in_target;
}

struct AgentAdherence {
  std::string agent_id;
  ScheduleAdherence adherence;
};

// Reads and computes every agent; the first bad field refuses the whole request.
Result<std::vector<AgentAdherence>> ComputeAgents(JsonObject& body) {
  RXD_ASSIGN_OR_RETURN(const Json* agents, ArrayField(body, "agents", kMaxAdherenceAgents, true));
  if (agents->empty()) return InvalidField("agents", "must list at least one agent");
  std::vector<AgentAdherence> out;
  out.reserve(agents->size());
  std::set<std::string, std::less<>> ids;
  for (std::size_t i = 0; i < agents->size(); ++i) {
    const std::string path = Indexed("agents", i);
    RXD_ASSIGN_OR_RETURN(JsonObject agent, JsonObject::From((*agents)[i], path));
    RXD_ASSIGN_OR_RETURN(std::string id, agent.RequiredString("agent_id", kMaxAgentIdBytes));
    if (id.empty()) return InvalidField(agent.PathOf("agent_id"), "must not be empty");
    if (!ids.insert(id).second) return InvalidField(agent.PathOf("agent_id"), "appears twice");
    RXD_ASSIGN_OR_RETURN(AgentShift shift, ReadShift(agent));
    RXD_ASSIGN_OR_RETURN(std::vector<AgentStateChange> states, ReadStates(agent));
    RXD_TRY(agent.NoOtherFields());
    Result<ScheduleAdherence> a = ComputeScheduleAdherence(shift, states, kAdherenceParams);
    if (!a.ok()) return UnderAgent(std::move(a).error(), path);
    out.push_back({std::move(id), *a});
  }
  return out;
}

Json AdherenceFigureProperties() {
  return {{"scheduled_minutes", NumberSchema()},
          {"adherent_minutes", NumberSchema()},
          {"adherence", NumberSchema()},
          {"band", EnumSchema({"below", "within", "above"})},
          {"in_target", {{"type", "boolean"}}}};
}

Json AdherenceRequestSchema() {
  const Json instant = StringSchema("date-time");
  const Json brk = ObjectSchema(
      {{"start", instant}, {"minutes", IntegerSchema(1, kMaxBreakMinutes)}, {"kind", EnumSchema({"break", "lunch"})}},
      {"start", "minutes"});
  const Json shift = ObjectSchema(
      {{"start", instant},
       {"end", instant},
       {"breaks", {{"type", "array"}, {"items", brk}, {"maxItems", static_cast<int>(kMaxBreaksPerShift)}}}},
      {"start", "end"});
  const Json change = ObjectSchema(
      {{"at", instant}, {"state", EnumSchema({"available", "busy", "wrap_up", "break", "offline"})}}, {"at", "state"});
  const Json agent = ObjectSchema(
      {{"agent_id", StringSchema("", static_cast<int>(kMaxAgentIdBytes))},
       {"shift", shift},
       {"states", {{"type", "array"}, {"items", change}, {"maxItems", static_cast<int>(kMaxStateChangesPerAgent)}}}},
      {"agent_id", "shift", "states"});
  return ObjectSchema(
      {{"team", StringSchema("", static_cast<int>(kMaxAgentIdBytes))},
       {"agents",
        {{"type", "array"}, {"items", agent}, {"minItems", 1}, {"maxItems", static_cast<int>(kMaxAdherenceAgents)}}}},
      {"agents"});
}

Json AdherenceResponseSchema() {
  Json agent = AdherenceFigureProperties();
  agent["agent_id"] = StringSchema("", static_cast<int>(kMaxAgentIdBytes));
  return ObjectSchema({{"team", StringSchema("", static_cast<int>(kMaxAgentIdBytes))},
                       {"target_min", NumberSchema()},
                       {"target_max", NumberSchema()},
                       {"agents", {{"type", "array"}, {"items", ObjectSchema(agent)}}},
                       {"total", ObjectSchema(AdherenceFigureProperties())}});
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

  // A calculator until the contact center persists agent state history: the
  // supervisor sends the shifts and the state changes.
  router_.Add({.method = "POST",
               .pattern = "/v1/staffing/adherence",
               .rule = {.roles = kSupervisors},
               .summary = "Schedule adherence of agents' shifts from their state changes, per agent and for "
                          "the team, against the 90-95% target",
               .tag = "staffing",
               .request_schema = AdherenceRequestSchema(),
               .response_schema = AdherenceResponseSchema()},
              Handler([](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(std::optional<std::string> team, body.OptionalString("team", kMaxAgentIdBytes));
                RXD_ASSIGN_OR_RETURN(std::vector<AgentAdherence> agents, ComputeAgents(body));
                RXD_TRY(body.NoOtherFields());
                Json rows = Json::array();
                std::vector<ScheduleAdherence> figures;
                figures.reserve(agents.size());
                for (const AgentAdherence& a : agents) {
                  Json row = {{"agent_id", a.agent_id}};
                  PutAdherence(row, a.adherence);
                  rows.push_back(std::move(row));
                  figures.push_back(a.adherence);
                }
                Json total = Json::object();
                PutAdherence(total, TeamScheduleAdherence(figures, kAdherenceParams));
                Json out = {{"target_min", kAdherenceParams.target_min},
                            {"target_max", kAdherenceParams.target_max},
                            {"agents", std::move(rows)},
                            {"total", std::move(total)}};
                if (team) out["team"] = *team;
                return JsonResponse(200, out);
              }));
}

}  // namespace rxdesk
