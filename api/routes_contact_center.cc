// Queues, agents and routing (PRODUCT.md §7–§9), over services/contact_center_service.h:
//   GET  /v1/queues                     live queues: waiting, longest wait, agents by state
//   GET  /v1/agents                     every agent's state, since, reason, live contacts (supervisor)
//   GET  /v1/agents/me                  the calling agent
//   PUT  /v1/agents/me/state            available | break | offline, with a reason
//   GET  /v1/agents/me/contacts         the contacts assigned to me now (no PHI)
//   POST /v1/agents/me/wrap-up/finish   end my wrap-up early
//   PUT  /v1/agents/{user_id}           skills, languages, capacity (supervisor, admin)
//   POST /v1/contacts/{id}/finish       the holder ends the live contact; wrap-up starts
//   POST /v1/callbacks                  a callback that waits with callback priority
//   GET  /v1/kpis                       AHT, service level, ASA, abandonment, occupancy, FCR, CSAT
#include <algorithm>
#include <cctype>

#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"
#include "services/contact_center_service.h"

namespace rxdesk {
namespace {

const std::vector<Role> kAgents = {Role::kAgent, Role::kPharmacist};
const std::vector<Role> kSupervisors = {Role::kSupervisor};

Json Nullable(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

Json AgentJson(const AgentView& v) {
  Json skills = Json::array();
  for (const auto& [name, level] : v.profile.skills) skills.push_back({{"skill", name}, {"proficiency", level}});
  Json languages = Json::array();
  for (Language l : v.profile.languages) languages.push_back(std::string(LanguageCode(l)));
  return {{"user_id", v.user_id},
          {"username", v.username},
          {"role", v.role},
          {"state", std::string(AgentStateName(v.state))},
          {"reason", v.reason},
          {"since", NullOr(v.since)},
          {"skills", skills},
          {"languages", languages},
          {"capacity",
           {{"voice", v.profile.capacity.voice},
            {"chat", v.profile.capacity.chat},
            {"message", v.profile.capacity.message}}},
          {"live_contacts", v.live_contacts}};
}

Json StateEnum() { return EnumSchema({"available", "busy", "wrap_up", "break", "offline"}); }

Json SkillsSchema() {
  return {{"type", "array"},
          {"maxItems", kMaxSkillsPerAgent},
          {"items", ObjectSchema({{"skill", StringSchema("", 32)}, {"proficiency", IntegerSchema(1, 5)}},
                                 {"skill", "proficiency"})}};
}

Json LanguagesSchema() { return {{"type", "array"}, {"items", EnumSchema({"en", "es"})}}; }

Json CapacitySchema() {
  return ObjectSchema({{"voice", IntegerSchema(0, 1)},
                       {"chat", IntegerSchema(0, kMaxChannelCapacity)},
                       {"message", IntegerSchema(0, kMaxChannelCapacity)}});
}

Json AgentSchema() {
  return ObjectSchema({{"user_id", StringSchema()},
                       {"username", StringSchema()},
                       {"role", EnumSchema({"agent", "pharmacist"})},
                       {"state", StateEnum()},
                       {"reason", StringSchema("", 64)},
                       {"since", {{"type", {"string", "null"}}, {"format", "date-time"}}},
                       {"skills", SkillsSchema()},
                       {"languages", LanguagesSchema()},
                       {"capacity", CapacitySchema()},
                       {"live_contacts", {{"type", "array"}, {"items", StringSchema()}}}});
}

Json ArrivedJson(const Arrived& a, const std::string& queue, Language lang) {
  return {{"contact_id", a.contact.id},
          {"reference", a.contact.reference},
          {"queue", queue},
          {"lang", std::string(LanguageCode(lang))},
          {"position", a.position},
          {"expected_wait_s", a.expected_wait.count()}};
}

Json FiguresJson(const KpiFigures& f) {
  return {{"offered", f.offered},
          {"answered", f.answered},
          {"answered_in_time", f.answered_in_time},
          {"abandoned", f.abandoned},
          {"handled", f.handled},
          {"waiting", f.waiting},
          {"aht_s", Nullable(f.Aht())},
          {"service_level", Nullable(f.ServiceLevel())},
          {"asa_s", Nullable(f.Asa())},
          {"abandonment", Nullable(f.Abandonment())},
          {"occupancy", Nullable(f.Occupancy())},
          {"fcr", Nullable(f.Fcr())},
          {"csat", Nullable(f.Csat())}};
}

Json FiguresSchema(std::vector<std::pair<std::string, Json>> extra = {}) {
  Json p = Json::object();
  for (const char* count : {"offered", "answered", "answered_in_time", "abandoned", "handled", "waiting"}) {
    p[count] = IntegerSchema(0, std::numeric_limits<int>::max());
  }
  for (const char* ratio : {"aht_s", "service_level", "asa_s", "abandonment", "occupancy", "fcr", "csat"}) {
    p[ratio] = {{"type", {"number", "null"}}};
  }
  for (auto& [k, v] : extra) p[k] = std::move(v);
  return ObjectSchema(p);
}

Json KpiJson(const KpiSnapshot& s, const Zone& zone) {
  Json queues = Json::array();
  for (const auto& [id, f] : s.report.per_queue) {
    Json q = FiguresJson(f);
    q["queue"] = id;
    queues.push_back(std::move(q));
  }
  Json agents = Json::array();
  for (const auto& [id, f] : s.report.per_agent) {
    Json a = FiguresJson(f);
    a["user_id"] = id;
    const auto name = s.agent_names.find(id);
    a["username"] = name == s.agent_names.end() ? Json(nullptr) : Json(name->second);
    agents.push_back(std::move(a));
  }
  Json intervals = Json::array();
  for (const KpiInterval& i : s.report.intervals) {
    Json row = FiguresJson(i.figures);
    row["start"] = FormatInstant(std::chrono::floor<std::chrono::seconds>(i.start));
    intervals.push_back(std::move(row));
  }
  const KpiTargets& t = s.targets;
  return {{"from", FormatInstant(s.from)},
          {"to", FormatInstant(s.to)},
          {"as_of", FormatInstant(s.as_of)},
          {"time_zone", std::string(zone.name())},
          {"interval_minutes", s.interval.count()},
          {"hold_tracked", false},
          {"fcr_available", s.fcr_available},
          {"csat_available", s.csat_available},
          {"targets",
           {{"answer_target_s", t.answer_target_s},
            {"service_level", t.service_level_percent / 100.0},
            {"aht_min_s", t.aht_min_s},
            {"aht_max_s", t.aht_max_s},
            {"fcr", t.fcr_percent / 100.0},
            {"csat", t.csat_percent / 100.0},
            {"adherence", t.adherence_percent / 100.0},
            {"abandonment_max", t.abandonment_max_percent / 100.0},
            {"occupancy_max", t.occupancy_max_percent / 100.0}}},
          {"total", FiguresJson(s.report.total)},
          {"queues", queues},
          {"agents", agents},
          {"intervals", intervals}};
}

// The single value of an optional query parameter. Refusal: invalid_request when given twice.
Result<std::optional<std::string>> QueryValue(const HttpRequest& request, std::string_view name) {
  std::optional<std::string> value;
  for (const auto& [key, v] : request.query) {
    if (key != name) continue;
    if (value) return InvalidField(std::string(name), "must be given once");
    value = v;
  }
  return value;
}

// "30m", "15m", "1h": 1 to 1440 minutes.
Result<std::chrono::minutes> ParseInterval(const std::string& text) {
  const auto refuse = [] { return InvalidField("interval", "must be minutes or hours, e.g. 30m or 1h"); };
  if (text.size() < 2 || text.size() > 5) return refuse();
  const char unit = text.back();
  const std::string digits = text.substr(0, text.size() - 1);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) ||
      (unit != 'm' && unit != 'h')) {
    return refuse();
  }
  const int n = std::stoi(digits) * (unit == 'h' ? 60 : 1);
  if (n < 1 || n > 1440) return InvalidField("interval", "must be 1 minute to 24 hours");
  return std::chrono::minutes{n};
}

Result<KpiQuery> ReadKpiQuery(const HttpRequest& request) {
  for (const auto& [key, v] : request.query) {
    if (key != "from" && key != "to" && key != "queue" && key != "agent" && key != "interval") {
      return InvalidField(IsCleanText(key) && key.size() <= 64 ? key : "query", "is not a known parameter");
    }
  }
  KpiQuery q;
  RXD_ASSIGN_OR_RETURN(auto from, QueryValue(request, "from"));
  if (from) {
    RXD_ASSIGN_OR_RETURN(q.from, ParseInstant(*from, "from"));
  }
  RXD_ASSIGN_OR_RETURN(auto to, QueryValue(request, "to"));
  if (to) {
    RXD_ASSIGN_OR_RETURN(q.to, ParseInstant(*to, "to"));
  }
  RXD_ASSIGN_OR_RETURN(q.queue, QueryValue(request, "queue"));
  RXD_ASSIGN_OR_RETURN(q.agent, QueryValue(request, "agent"));
  if (q.agent && (q.agent->empty() || q.agent->size() > 64 || !IsCleanText(*q.agent))) {
    return InvalidField("agent", "must be a user id");
  }
  RXD_ASSIGN_OR_RETURN(auto interval, QueryValue(request, "interval"));
  if (interval) {
    RXD_ASSIGN_OR_RETURN(q.interval, ParseInterval(*interval));
  }
  return q;
}

// {"skills": [{"skill", "proficiency"}], "languages": ["en", "es"], "capacity"?: {"voice", "chat", "message"}}
Result<AgentProfile> ReadProfile(JsonObject& body) {
  AgentProfile p;
  if (!body.Has("skills") || !body.json()["skills"].is_array()) return InvalidField("skills", "must be an array");
  body.MarkRead("skills");
  const Json& skills = body.json()["skills"];
  if (skills.size() > static_cast<std::size_t>(kMaxSkillsPerAgent)) return InvalidField("skills", "at most 64");
  for (std::size_t i = 0; i < skills.size(); ++i) {
    RXD_ASSIGN_OR_RETURN(JsonObject s, JsonObject::From(skills[i], "skills[" + std::to_string(i) + "]"));
    RXD_ASSIGN_OR_RETURN(std::string name, s.RequiredString("skill", 32));
    RXD_ASSIGN_OR_RETURN(std::int64_t level, s.RequiredInt("proficiency", kMinProficiency, kMaxProficiency));
    RXD_TRY(s.NoOtherFields());
    p.skills.emplace_back(std::move(name), static_cast<int>(level));
  }
  if (!body.Has("languages") || !body.json()["languages"].is_array()) {
    return InvalidField("languages", "must be an array of en or es");
  }
  body.MarkRead("languages");
  const Json& languages = body.json()["languages"];
  if (languages.size() > 2) return InvalidField("languages", "en, es or both");
  for (std::size_t i = 0; i < languages.size(); ++i) {
    const std::string field = "languages[" + std::to_string(i) + "]";
    if (!languages[i].is_string()) return InvalidField(field, "must be en or es");
    RXD_ASSIGN_OR_RETURN(Language l, ParseLanguage(languages[i].get<std::string>(), field));
    p.languages.push_back(l);
  }
  RXD_ASSIGN_OR_RETURN(std::optional<JsonObject> capacity, body.OptionalObject("capacity"));
  if (capacity) {
    RXD_ASSIGN_OR_RETURN(auto voice, capacity->OptionalInt("voice", 0, 1));
    RXD_ASSIGN_OR_RETURN(auto chat, capacity->OptionalInt("chat", 0, kMaxChannelCapacity));
    RXD_ASSIGN_OR_RETURN(auto message, capacity->OptionalInt("message", 0, kMaxChannelCapacity));
    RXD_TRY(capacity->NoOtherFields());
    if (voice) p.capacity.voice = static_cast<int>(*voice);
    if (chat) p.capacity.chat = static_cast<int>(*chat);
    if (message) p.capacity.message = static_cast<int>(*message);
  }
  RXD_TRY(body.NoOtherFields());
  return p;
}

}  // namespace

void Api::AddContactCenterRoutes() {
  if (deps_.contact_center == nullptr) return;
  ContactCenterService& cc = *deps_.contact_center;
  const Zone& zone = deps_.zone;

  router_.Add(
      {.method = "GET",
       .pattern = "/v1/queues",
       .rule = {.roles = {Role::kAgent, Role::kPharmacist, Role::kSupervisor}},
       .summary = "Live queues: contacts waiting, the longest wait, eligible agents by state",
       .tag = "contact center",
       .response_schema = ObjectSchema(
           {{"items",
             {{"type", "array"},
              {"items", ObjectSchema({{"id", StringSchema("", 32)},
                                      {"waiting", IntegerSchema(0, std::numeric_limits<int>::max())},
                                      {"longest_wait_s", IntegerSchema(0, std::numeric_limits<int>::max())},
                                      {"agents", {{"type", "object"}}}})}}}})},
      Handler([&cc](RouteContext&) -> Result<HttpResponse> {
        Json items = Json::array();
        for (const QueueView& q : cc.Queues()) {
          items.push_back(
              {{"id", q.id}, {"waiting", q.waiting}, {"longest_wait_s", q.longest_wait_s}, {"agents", q.agents}});
        }
        return JsonResponse(200, Json{{"items", items}});
      }));

  router_.Add({.method = "GET",
               .pattern = "/v1/agents",
               .rule = {.roles = kSupervisors},
               .summary = "Every agent and pharmacist: state, since, reason, profile, live contacts",
               .tag = "contact center",
               .response_schema = ObjectSchema({{"items", {{"type", "array"}, {"items", AgentSchema()}}}})},
              Handler([&cc](RouteContext&) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(std::vector<AgentView> agents, cc.Agents());
                Json items = Json::array();
                for (const AgentView& v : agents) items.push_back(AgentJson(v));
                return JsonResponse(200, Json{{"items", items}});
              }));

  router_.Add({.method = "GET",
               .pattern = "/v1/agents/me",
               .rule = {.roles = kAgents},
               .summary = "My state, profile and live contacts (joins the ACD, offline, on first use)",
               .tag = "contact center",
               .response_schema = AgentSchema()},
              Handler([&cc](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(AgentView v, cc.Me(CallerOf(ctx)));
                return JsonResponse(200, AgentJson(v));
              }));

  router_.Add(
      {.method = "PUT",
       .pattern = "/v1/agents/me/state",
       .rule = {.roles = kAgents},
       .summary = "Go available, on break or offline; break and offline wait for the last wrap-up",
       .tag = "contact center",
       .request_schema = ObjectSchema(
           {{"state", EnumSchema({"available", "break", "offline"})}, {"reason", StringSchema("", 64)}}, {"state"}),
       .response_schema = AgentSchema()},
      Handler([&cc](RouteContext& ctx) -> Result<HttpResponse> {
        RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
        RXD_ASSIGN_OR_RETURN(std::string state, body.RequiredString("state", 16));
        RXD_ASSIGN_OR_RETURN(std::optional<std::string> reason, body.OptionalString("reason", 64));
        RXD_TRY(body.NoOtherFields());
        Presence p = Presence::kOffline;
        if (state == "available") {
          p = Presence::kAvailable;
        } else if (state == "break") {
          p = Presence::kBreak;
        } else if (state != "offline") {
          return InvalidField("state", "must be available, break or offline");
        }
        if (reason && !IsCleanText(*reason)) return InvalidField("reason", "must be printable text");
        RXD_ASSIGN_OR_RETURN(AgentView v, cc.SetMyState(CallerOf(ctx), p, reason.value_or("")));
        return JsonResponse(200, AgentJson(v));
      }));

  router_.Add(
      {.method = "GET",
       .pattern = "/v1/agents/me/contacts",
       .rule = {.roles = kAgents},
       .summary = "The contacts assigned to me now, oldest first (reference and channel, no PHI)",
       .tag = "contact center",
       .response_schema = ObjectSchema({{"items",
                                         {{"type", "array"},
                                          {"items", ObjectSchema({{"contact_id", StringSchema()},
                                                                  {"reference", StringSchema()},
                                                                  {"channel", EnumSchema({"call", "chat", "message"})},
                                                                  {"queue", StringSchema("", 32)},
                                                                  {"lang", EnumSchema({"en", "es"})},
                                                                  {"callback", {{"type", "boolean"}}},
                                                                  {"assigned_at", StringSchema("date-time")}})}}}})},
      Handler([&cc](RouteContext& ctx) -> Result<HttpResponse> {
        RXD_ASSIGN_OR_RETURN(std::vector<LiveContactView> live, cc.MyContacts(CallerOf(ctx)));
        Json items = Json::array();
        for (const LiveContactView& c : live) {
          items.push_back({{"contact_id", c.contact_id},
                           {"reference", c.reference},
                           {"channel", c.channel},
                           {"queue", c.queue},
                           {"lang", c.language},
                           {"callback", c.callback},
                           {"assigned_at", c.assigned_at}});
        }
        return JsonResponse(200, Json{{"items", items}});
      }));

  router_.Add({.method = "POST",
               .pattern = "/v1/agents/me/wrap-up/finish",
               .rule = {.roles = kAgents},
               .summary = "End my after-contact work early: I can take the next contact",
               .tag = "contact center",
               .response_schema = AgentSchema()},
              Handler([&cc](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(AgentView v, cc.FinishMyWrapUp(CallerOf(ctx)));
                return JsonResponse(200, AgentJson(v));
              }));

  router_.Add({.method = "PUT",
               .pattern = "/v1/agents/{user_id}",
               .rule = {.roles = {Role::kSupervisor, Role::kAdmin}},
               .summary = "Set an agent's skills (1-5), languages and capacity per channel; the agent must be "
                          "offline and hold nothing",
               .tag = "contact center",
               .request_schema = ObjectSchema(
                   {{"skills", SkillsSchema()}, {"languages", LanguagesSchema()}, {"capacity", CapacitySchema()}},
                   {"skills", "languages"}),
               .response_schema = AgentSchema()},
              Handler([&cc](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                RXD_ASSIGN_OR_RETURN(AgentProfile profile, ReadProfile(body));
                const std::string& user_id = ctx.Param(0);
                if (user_id.size() > 64 || !IsCleanText(user_id)) return MakeError("not_found", "no such agent");
                RXD_ASSIGN_OR_RETURN(AgentView v, cc.UpdateAgent(CallerOf(ctx), user_id, profile));
                return JsonResponse(200, AgentJson(v));
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/contacts/{id}/finish",
               .rule = {.roles = kAgents},
               .summary = "The holder ends the live call, chat or message; the wrap-up starts",
               .tag = "contact center",
               .response_schema = AgentSchema()},
              Handler([&cc](RouteContext& ctx) -> Result<HttpResponse> {
                const Caller caller = CallerOf(ctx);
                RXD_TRY(cc.Finish(caller, ctx.Param(0)));
                RXD_ASSIGN_OR_RETURN(AgentView v, cc.Me(caller));
                return JsonResponse(200, AgentJson(v));
              }));

  router_.Add(
      {.method = "POST",
       .pattern = "/v1/callbacks",
       .rule = {.roles = {Role::kMember, Role::kAgent, Role::kPharmacist}},
       .summary = "Ask for a callback: it waits in the queue with callback priority and has a reference "
                  "(members for themselves; agents inside a verified contact)",
       .tag = "contact center",
       .request_schema = ObjectSchema({{"queue", StringSchema("", 32)}, {"lang", EnumSchema({"en", "es"})}}, {"queue"}),
       .response_schema = ObjectSchema({{"contact_id", StringSchema()},
                                        {"reference", StringSchema()},
                                        {"queue", StringSchema("", 32)},
                                        {"lang", EnumSchema({"en", "es"})},
                                        {"position", IntegerSchema(0, std::numeric_limits<int>::max())},
                                        {"expected_wait_s", IntegerSchema(0, 86400)}}),
       .success_status = 201,
       .idempotent_create = true},
      [this, &cc](RouteContext& ctx) {
        return WithIdempotency(ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
          RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
          RXD_ASSIGN_OR_RETURN(std::string queue, body.RequiredString("queue", 32));
          RXD_ASSIGN_OR_RETURN(std::optional<std::string> lang_text, body.OptionalString("lang", 2));
          RXD_TRY(body.NoOtherFields());
          Language lang = Language::kEnglish;
          if (lang_text) {
            RXD_ASSIGN_OR_RETURN(lang, ParseLanguage(*lang_text, "lang"));
          }
          RXD_ASSIGN_OR_RETURN(Arrived a, cc.RequestCallback(CallerOf(ctx), queue, lang));
          const Json out = ArrivedJson(a, queue, lang);
          // The callback is committed; the idempotent replay is recorded after it.
          if (on_commit) {
            RXD_TRY(deps_.store.Write([&](WriteContext& w) { return on_commit(w.conn, out); }));
          }
          return JsonResponse(201, out);
        });
      });

  router_.Add({.method = "GET",
               .pattern = "/v1/kpis",
               .rule = {.roles = kSupervisors},
               .summary = "KPIs as of now: totals, per queue, per agent and per interval; ?from=&to=&queue=&agent="
                          "&interval=30m (default: today in the operator's zone)",
               .tag = "contact center",
               .response_schema = ObjectSchema({{"from", StringSchema("date-time")},
                                                {"to", StringSchema("date-time")},
                                                {"as_of", StringSchema("date-time")},
                                                {"time_zone", StringSchema()},
                                                {"interval_minutes", IntegerSchema(1, 1440)},
                                                {"hold_tracked", {{"type", "boolean"}}},
                                                {"fcr_available", {{"type", "boolean"}}},
                                                {"csat_available", {{"type", "boolean"}}},
                                                {"targets", {{"type", "object"}}},
                                                {"total", FiguresSchema()},
                                                {"queues", {{"type", "array"}, {"items", FiguresSchema()}}},
                                                {"agents", {{"type", "array"}, {"items", FiguresSchema()}}},
                                                {"intervals", {{"type", "array"}, {"items", FiguresSchema()}}}})},
              Handler([&cc, &zone](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(KpiQuery q, ReadKpiQuery(ctx.request));
                RXD_ASSIGN_OR_RETURN(KpiSnapshot s, cc.Kpis(q));
                return JsonResponse(200, KpiJson(s, zone));
              }));
}

}  // namespace rxdesk
