// Staffing over HTTP (PRODUCT.md §9, API.md "Calculators"): POST /v1/staffing/erlang-c
// answers API.md's contract for one interval; GET /v1/staffing sizes every
// 30-minute interval of a local day for one queue from the configured forecast;
// POST /v1/staffing/adherence computes schedule adherence from shifts and state changes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <functional>
#include <set>

#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

using Json = nlohmann::json;

// API.md's worked example: 100 calls in 30 minutes, AHT 180 s, 80% within 20 s.
Json Example() {
  return {
      {"arrivals", 100}, {"interval_s", 1800}, {"aht_s", 180}, {"target_answer_s", 20}, {"target_service_level", 0.8}};
}

HttpResult ErlangC(const Json& body, Role role = Role::kSupervisor) {
  auto& env = E2e::Get();
  return env.client().Post("/v1/staffing/erlang-c", body, env.Token(role));
}

HttpResult Staffing(const std::string& query, Role role = Role::kSupervisor) {
  auto& env = E2e::Get();
  return env.client().Get("/v1/staffing" + query, env.Token(role));
}

// The 400 names `field` as the error's field.
void ExpectRefusedNaming(const HttpResult& r, const std::string& field) {
  EXPECT_EQ(r.status, 400) << field << ": " << r.body;
  EXPECT_EQ(r.error_code(), "invalid_request") << r.body;
  const Json body = r.json();
  EXPECT_EQ(body.contains("error") ? body["error"].value("field", "") : "", field) << r.body;
}

// The interval of a day's answer whose wall clock reads `hh_mm` (the first one).
Json IntervalAt(const Json& day, const std::string& hh_mm) {
  for (const Json& i : day["intervals"]) {
    if (i["local_time"] == hh_mm) return i;
  }
  ADD_FAILURE() << "no interval at " << hh_mm;
  return Json::object();
}

// ---- POST /v1/staffing/erlang-c ---------------------------------------------

TEST(StaffingErlangC, TheApiExampleNeedsFourteenAgents) {
  const HttpResult r = ErlangC(Example());
  ASSERT_EQ(r.status, 200) << r.body;
  const Json f = r.json();
  EXPECT_EQ(f["agents"], 14);
  EXPECT_EQ(f["scheduled_agents"], 14);  // shrinkage defaults to 0
  EXPECT_NEAR(f["service_level"].get<double>(), 0.888, 0.001);
  EXPECT_NEAR(f["probability_wait"].get<double>(), 0.1741, 0.0001);
  EXPECT_NEAR(f["asa_s"].get<double>(), 7.8, 0.05);
  EXPECT_NEAR(f["occupancy"].get<double>(), 10.0 / 14, 1e-12);
  EXPECT_FALSE(f.contains("abandon_rate")) << "Erlang C has no abandonment";
  std::set<std::string> keys;
  for (const auto& [key, value] : f.items()) keys.insert(key);
  EXPECT_EQ(keys, (std::set<std::string>{"agents", "scheduled_agents", "service_level", "probability_wait", "asa_s",
                                         "occupancy"}));
}

TEST(StaffingErlangC, ThirtyPercentShrinkageRostersTwenty) {
  Json body = Example();
  body["shrinkage"] = 0.3;
  const HttpResult r = ErlangC(body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["agents"], 14);
  EXPECT_EQ(r.json()["scheduled_agents"], 20);  // 14 / 0.7, not 21 from rounding
}

TEST(StaffingErlangC, PatienceSwitchesToErlangAAndAddsTheAbandonRate) {
  Json body = Example();
  body["patience_s"] = 120;
  const HttpResult r = ErlangC(body);
  ASSERT_EQ(r.status, 200) << r.body;
  const Json f = r.json();
  ASSERT_TRUE(f.contains("abandon_rate")) << r.body;
  EXPECT_GT(f["abandon_rate"].get<double>(), 0);
  EXPECT_LT(f["abandon_rate"].get<double>(), 0.1);
  EXPECT_LE(f["agents"].get<int>(), 14);  // callers who give up lighten the load
  EXPECT_GE(f["service_level"].get<double>(), 0.8 - 1e-9);
}

TEST(StaffingErlangC, TargetsAtTheirEdgesAreAnswered) {
  Json none = Example();
  none["arrivals"] = 0;
  const HttpResult idle = ErlangC(none);
  ASSERT_EQ(idle.status, 200) << idle.body;
  EXPECT_EQ(idle.json()["agents"], 0);
  EXPECT_EQ(idle.json()["service_level"], 1.0);

  Json everyone = Example();
  everyone["target_service_level"] = 1.0;  // the top of (0, 1]
  const HttpResult all = ErlangC(everyone);
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_GT(all.json()["agents"].get<int>(), 14);

  Json most = Example();
  most["shrinkage"] = 0.99;  // just below 1
  const HttpResult rostered = ErlangC(most);
  ASSERT_EQ(rostered.status, 200) << rostered.body;
  EXPECT_EQ(rostered.json()["scheduled_agents"], 1400);

  Json instant = Example();
  instant["target_answer_s"] = 0;  // answered at once
  EXPECT_EQ(ErlangC(instant).status, 200);
}

TEST(StaffingErlangC, EachMissingFieldIsRefusedByName) {
  for (const char* field : {"arrivals", "interval_s", "aht_s", "target_answer_s", "target_service_level"}) {
    Json body = Example();
    body.erase(field);
    ExpectRefusedNaming(ErlangC(body), field);
  }
}

TEST(StaffingErlangC, EachWronglyTypedFieldIsRefusedByName) {
  for (const char* field :
       {"arrivals", "interval_s", "aht_s", "target_answer_s", "target_service_level", "shrinkage", "patience_s"}) {
    for (const Json& wrong : {Json("100"), Json(true), Json::array({1}), Json::object()}) {
      Json body = Example();
      body[field] = wrong;
      ExpectRefusedNaming(ErlangC(body), field);
    }
  }
  // null is "not given", as everywhere in the API: refused for a required field, the default for an optional one.
  Json body = Example();
  body["arrivals"] = nullptr;
  ExpectRefusedNaming(ErlangC(body), "arrivals");
  body = Example();
  body["shrinkage"] = nullptr;
  body["patience_s"] = nullptr;
  const HttpResult r = ErlangC(body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["scheduled_agents"], 14);
  EXPECT_FALSE(r.json().contains("abandon_rate"));
}

TEST(StaffingErlangC, EachOutOfRangeValueIsRefusedByName) {
  const std::vector<std::pair<std::string, Json>> cases = {
      {"arrivals", -1},
      {"arrivals", 1e12},  // above 100,000 Erlangs
      {"interval_s", 0},
      {"interval_s", -1800},
      {"aht_s", 0},  // with arrivals
      {"aht_s", -1},
      {"target_answer_s", -0.001},
      {"target_service_level", 0},
      {"target_service_level", 1.0000001},
      {"target_service_level", -0.8},
      {"shrinkage", 1.0},
      {"shrinkage", -0.1},
      {"patience_s", 0},
      {"patience_s", -5},
  };
  for (const auto& [field, value] : cases) {
    Json body = Example();
    body[field] = value;
    SCOPED_TRACE(field + " = " + value.dump());
    ExpectRefusedNaming(ErlangC(body), field);
  }
}

TEST(StaffingErlangC, ANumberTooLargeForADoubleIsRefusedByName) {
  auto& env = E2e::Get();
  const HttpResult r = env.client().Send(
      "POST", "/v1/staffing/erlang-c",
      R"({"arrivals": 1e999, "interval_s": 1800, "aht_s": 180, "target_answer_s": 20,
                            "target_service_level": 0.8})",
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + env.Token(Role::kSupervisor)}});
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST(StaffingErlangC, UnknownFieldsAndMalformedBodiesAreRefused) {
  Json extra = Example();
  extra["agents"] = 14;
  ExpectRefusedNaming(ErlangC(extra), "agents");
  Json nested = Example();
  nested["<script>"] = 1;
  EXPECT_EQ(ErlangC(nested).status, 400);

  auto& env = E2e::Get();
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"}, {"Authorization", "Bearer " + env.Token(Role::kSupervisor)}};
  for (const char* body : {"", "{", "[]", "100", R"({"arrivals": 100,})", "null"}) {
    const HttpResult r = env.client().Send("POST", "/v1/staffing/erlang-c", body, headers);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_EQ(r.error_code(), "invalid_request") << body;
  }
}

TEST(StaffingErlangC, AHugeButValidLoadIsAnswered) {
  // 10,000 Erlangs: the figures of docs/workforce.md.
  Json body = Example();
  body["arrivals"] = 100'000;
  const HttpResult r = ErlangC(body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["agents"], 10'013);
}

// ---- roles ------------------------------------------------------------------

TEST(StaffingRoles, OnlySupervisorsMayCallEitherRoute) {
  for (Role role : {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kPrivacyOfficer, Role::kAdmin}) {
    SCOPED_TRACE(std::string(ToString(role)));
    const HttpResult post = ErlangC(Example(), role);
    EXPECT_EQ(post.status, 403) << post.body;
    EXPECT_EQ(post.error_code(), "forbidden");
    const HttpResult get = Staffing("?date=2026-03-09&queue=refills_delivery", role);
    EXPECT_EQ(get.status, 403) << get.body;
    EXPECT_EQ(get.error_code(), "forbidden");
  }
  auto& env = E2e::Get();
  EXPECT_EQ(env.client().Post("/v1/staffing/erlang-c", Example()).status, 401);
  EXPECT_EQ(env.client().Get("/v1/staffing?date=2026-03-09&queue=refills_delivery").status, 401);
  EXPECT_EQ(ErlangC(Example()).status, 200);
  EXPECT_EQ(Staffing("?date=2026-03-09&queue=refills_delivery").status, 200);
}

// ---- GET /v1/staffing ---------------------------------------------------------

TEST(StaffingDay, AMondaySizesFortyEightIntervalsFromTheProfile) {
  const HttpResult r = Staffing("?date=2026-03-09&queue=refills_delivery");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json day = r.json();
  EXPECT_EQ(day["date"], "2026-03-09");
  EXPECT_EQ(day["queue"], "refills_delivery");
  EXPECT_EQ(day["time_zone"], "America/Chicago");
  // Contacts carry no queue yet: the forecast is the profile, and the answer says why.
  EXPECT_EQ(day["source"], "profile");
  EXPECT_EQ(day["source_reason"], "no_queue_history");
  ASSERT_EQ(day["intervals"].size(), 48u);
  // Monday: 6,000 contacts on the line, half of them for refills and delivery.
  EXPECT_NEAR(day["arrivals"].get<double>(), 3000, 1e-6);
  const Json first = day["intervals"][0];
  EXPECT_EQ(first["start"], "2026-03-09T05:00:00Z");  // local midnight, CDT
  EXPECT_EQ(first["local_time"], "00:00");
  double arrivals = 0, agent_hours = 0;
  int peak = 0;
  for (const Json& i : day["intervals"]) {
    EXPECT_EQ(i["aht_s"], 360);
    EXPECT_EQ(i["target_answer_s"], 20);
    EXPECT_EQ(i["target_service_level"], 0.8);
    EXPECT_EQ(i["shrinkage"], 0.3);
    EXPECT_FALSE(i.contains("abandon_rate"));
    EXPECT_GE(i["service_level"].get<double>(), 0.8 - 1e-9) << i["local_time"];
    EXPECT_EQ(i["scheduled_agents"], static_cast<int>(std::ceil(i["agents"].get<int>() / 0.7 - 1e-9)));
    arrivals += i["arrivals"].get<double>();
    agent_hours += i["agents"].get<int>() * 0.5;
    peak = std::max(peak, i["agents"].get<int>());
  }
  EXPECT_NEAR(arrivals, 3000, 1e-6);
  EXPECT_DOUBLE_EQ(day["agent_hours"].get<double>(), agent_hours);
  EXPECT_EQ(day["peak_agents"], peak);
}

TEST(StaffingDay, EachIntervalMatchesTheCalculatorForItsOwnInputs) {
  const HttpResult r = Staffing("?date=2026-03-09&queue=billing_insurance");
  ASSERT_EQ(r.status, 200) << r.body;
  for (const char* at : {"03:00", "10:00", "18:30"}) {
    const Json i = IntervalAt(r.json(), at);
    const HttpResult one = ErlangC({{"arrivals", i["arrivals"]},
                                    {"interval_s", 1800},
                                    {"aht_s", i["aht_s"]},
                                    {"target_answer_s", i["target_answer_s"]},
                                    {"target_service_level", i["target_service_level"]},
                                    {"shrinkage", i["shrinkage"]}});
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(one.json()["agents"], i["agents"]) << at;
    EXPECT_EQ(one.json()["scheduled_agents"], i["scheduled_agents"]) << at;
  }
}

TEST(StaffingDay, ThePeakNeedsMoreAgentsThanThreeInTheMorning) {
  const HttpResult r = Staffing("?date=2026-03-10&queue=refills_delivery");
  ASSERT_EQ(r.status, 200) << r.body;
  const int night = IntervalAt(r.json(), "03:00")["agents"];
  for (const char* at : {"09:00", "10:30", "12:00", "13:30"}) {
    EXPECT_GT(IntervalAt(r.json(), at)["agents"].get<int>(), night) << at;
  }
  EXPECT_EQ(IntervalAt(r.json(), "09:00")["agents"], r.json()["peak_agents"]);
}

TEST(StaffingDay, DaylightSavingDaysHaveFortySixAndFiftyIntervals) {
  const HttpResult spring = Staffing("?date=2026-03-08&queue=representative");
  ASSERT_EQ(spring.status, 200) << spring.body;
  EXPECT_EQ(spring.json()["intervals"].size(), 46u);
  const Json spring_day = spring.json();  // kept alive: a range-for over a temporary's member dangles
  for (const Json& i : spring_day["intervals"]) EXPECT_NE(i["local_time"], "02:00") << "a skipped hour";

  const HttpResult fall = Staffing("?date=2026-11-01&queue=representative");
  ASSERT_EQ(fall.status, 200) << fall.body;
  const Json intervals = fall.json()["intervals"];
  ASSERT_EQ(intervals.size(), 50u);
  // 01:00 comes twice, an hour apart (CDT, then CST).
  EXPECT_EQ(intervals[2]["local_time"], "01:00");
  EXPECT_EQ(intervals[4]["local_time"], "01:00");
  EXPECT_EQ(intervals[2]["start"], "2026-11-01T06:00:00Z");
  EXPECT_EQ(intervals[4]["start"], "2026-11-01T07:00:00Z");
}

TEST(StaffingDay, AnUnknownQueueIsNotFound) {
  for (const char* queue : {"secure_message", "REFILLS_DELIVERY", "refills%5Fdelivery%00", "..%2F..%2Fetc", ""}) {
    const HttpResult r = Staffing(std::string("?date=2026-03-09&queue=") + queue);
    EXPECT_EQ(r.status, 404) << queue << ": " << r.body;
    EXPECT_EQ(r.error_code(), "not_found") << queue;
  }
}

TEST(StaffingDay, BadDatesAndParametersAreRefusedByName) {
  for (const char* date :
       {"2026-02-30", "2026-13-01", "20260309", "2026-3-9", "", "2026-03-09T00:00:00Z", "'%20OR%201=1"}) {
    SCOPED_TRACE(date);
    ExpectRefusedNaming(Staffing(std::string("?date=") + date + "&queue=refills_delivery"), "date");
  }
  ExpectRefusedNaming(Staffing("?queue=refills_delivery"), "date");
  ExpectRefusedNaming(Staffing("?date=2026-03-09"), "queue");
  ExpectRefusedNaming(Staffing(""), "date");
  ExpectRefusedNaming(Staffing("?date=2026-03-09&date=2026-03-10&queue=refills_delivery"), "date");
  ExpectRefusedNaming(Staffing("?date=2026-03-09&queue=refills_delivery&limit=5"), "limit");
}

TEST(StaffingDay, EveryQueueOfTheMainLineIsServedAndTheirSharesAddUpToTheLine) {
  double total = 0;
  for (const char* queue : {"refills_delivery", "billing_insurance", "medicare_part_d", "clinical_pharmacist",
                            "international", "representative"}) {
    const HttpResult r = Staffing(std::string("?date=2026-03-15&queue=") + queue);  // a Sunday
    ASSERT_EQ(r.status, 200) << queue << ": " << r.body;
    total += r.json()["arrivals"].get<double>();
  }
  EXPECT_NEAR(total, 1600, 1e-6);
}

// ---- POST /v1/staffing/adherence ------------------------------------------------

HttpResult Adherence(const Json& body, Role role = Role::kSupervisor) {
  auto& env = E2e::Get();
  return env.client().Post("/v1/staffing/adherence", body, env.Token(role));
}

// Instants of Monday 2026-03-09 in UTC ("13:00" is 08:00 CDT).
std::string At(const std::string& hh_mm_ss) { return "2026-03-09T" + hh_mm_ss + (hh_mm_ss.size() == 5 ? ":00Z" : "Z"); }

Json Break(const std::string& start, int minutes, const char* kind = nullptr) {
  Json b = {{"start", At(start)}, {"minutes", minutes}};
  if (kind != nullptr) b["kind"] = kind;
  return b;
}

Json States(std::initializer_list<std::pair<const char*, const char*>> changes) {
  Json out = Json::array();
  for (const auto& [at, state] : changes) out.push_back({{"at", At(at)}, {"state", state}});
  return out;
}

Json AgentBody(const std::string& id, const std::string& start, const std::string& end, Json breaks, Json states) {
  return {{"agent_id", id},
          {"shift", {{"start", At(start)}, {"end", At(end)}, {"breaks", std::move(breaks)}}},
          {"states", std::move(states)}};
}

// Agent a-101's scripted day, worked by hand. Shift 13:00–21:30 UTC (08:00–16:30 CDT):
// 510 scheduled minutes, with a 15-minute break at 15:00, a 30-minute lunch at 17:00
// and a 15-minute break at 19:30.
//   13:00–13:10  offline, scheduled on queue (late login)          −10
//   13:10–15:00  available / busy / wrap_up, on queue                 0
//   15:00–15:15  break, scheduled break                               0
//   15:15–15:25  still on break, scheduled on queue (long break)    −10
//   16:57–17:00  on break, scheduled on queue (early to lunch)       −3
//   17:27–17:30  available, scheduled lunch (back early: not lunch)  −3
//   19:30–19:45  break, scheduled break                               0
//   21:05–21:30  offline, scheduled on queue (early logout)         −25
// Adherent: 510 − 51 = 459 minutes; 459 / 510 = 0.90, on the band's lower edge: within.
Json ScriptedDay() {
  return AgentBody("a-101", "13:00", "21:30",
                   {Break("15:00", 15), Break("17:00", 30, "lunch"), Break("19:30", 15, "break")},
                   States({{"13:10", "available"},
                           {"14:40", "busy"},
                           {"14:52", "wrap_up"},
                           {"14:55", "available"},
                           {"15:00", "break"},
                           {"15:25", "available"},
                           {"16:57", "break"},
                           {"17:27", "available"},
                           {"19:30", "break"},
                           {"19:45", "busy"},
                           {"20:10", "available"},
                           {"21:05", "offline"}}));
}

// Agent a-102, a four-hour shift 13:00–17:00 (240 min) with a break at 15:00: logged in
// before the shift (counts from 13:00), the break kept, logged out at 16:00: −60.
// Adherent 180 of 240 = 0.75: below.
Json ShortShiftLeftEarly() {
  return AgentBody("a-102", "13:00", "17:00", {Break("15:00", 15)},
                   States({{"12:55", "available"}, {"15:00", "break"}, {"15:15", "available"}, {"16:00", "offline"}}));
}

// A ten-hour shift (600 min) without breaks, logged in `late` after it starts and
// available to the end.
Json LateBy(const std::string& id, const std::string& login) {
  return AgentBody(id, "13:00", "23:00", Json::array(), States({{login.c_str(), "available"}}));
}

Json OneAgent(Json agent) { return {{"agents", Json::array({std::move(agent)})}}; }

TEST(StaffingAdherence, TheScriptedDayIsNinetyPercentWithinTheBand) {
  const HttpResult r = Adherence(OneAgent(ScriptedDay()));
  ASSERT_EQ(r.status, 200) << r.body;
  const Json out = r.json();
  ASSERT_EQ(out["agents"].size(), 1u);
  const Json a = out["agents"][0];
  EXPECT_EQ(a["agent_id"], "a-101");
  EXPECT_EQ(a["scheduled_minutes"], 510);
  EXPECT_EQ(a["adherent_minutes"], 459);
  EXPECT_NEAR(a["adherence"].get<double>(), 0.9, 1e-12);
  EXPECT_EQ(a["band"], "within");
  EXPECT_EQ(a["in_target"], true);
  EXPECT_EQ(out["target_min"], 0.9);
  EXPECT_EQ(out["target_max"], 0.95);
  EXPECT_EQ(out["total"]["adherent_minutes"], 459);  // one agent: the team is that agent
  EXPECT_FALSE(out.contains("team"));
}

TEST(StaffingAdherence, TheTeamTotalWeighsEachAgentBySchedule) {
  const HttpResult r =
      Adherence({{"team", "north-1"}, {"agents", Json::array({ScriptedDay(), ShortShiftLeftEarly()})}});
  ASSERT_EQ(r.status, 200) << r.body;
  const Json out = r.json();
  EXPECT_EQ(out["team"], "north-1");
  ASSERT_EQ(out["agents"].size(), 2u);
  EXPECT_EQ(out["agents"][1]["agent_id"], "a-102");
  EXPECT_EQ(out["agents"][1]["scheduled_minutes"], 240);
  EXPECT_EQ(out["agents"][1]["adherent_minutes"], 180);
  EXPECT_NEAR(out["agents"][1]["adherence"].get<double>(), 0.75, 1e-12);
  EXPECT_EQ(out["agents"][1]["band"], "below");
  EXPECT_EQ(out["agents"][1]["in_target"], false);
  // (459 + 180) / (510 + 240) = 639 / 750 = 0.852, not the mean of 0.90 and 0.75 (0.825).
  const Json total = out["total"];
  EXPECT_EQ(total["scheduled_minutes"], 750);
  EXPECT_EQ(total["adherent_minutes"], 639);
  EXPECT_NEAR(total["adherence"].get<double>(), 0.852, 1e-12);
  EXPECT_EQ(total["band"], "below");
  EXPECT_EQ(total["in_target"], false);
}

TEST(StaffingAdherence, TheBandIsNinetyToNinetyFivePercentWithBothEdgesWithin) {
  // 600 scheduled minutes: 60 minutes late is 90.0%, 30 minutes late is 95.0%.
  const HttpResult r = Adherence({{"agents", Json::array({
                                                 LateBy("on-time", "13:00"),
                                                 LateBy("late-29", "13:29"),
                                                 LateBy("late-30", "13:30"),
                                                 LateBy("late-60", "14:00"),
                                                 LateBy("late-60m1s", "14:00:01"),
                                                 LateBy("late-61", "14:01"),
                                             })}});
  ASSERT_EQ(r.status, 200) << r.body;
  const Json agents = r.json()["agents"];
  ASSERT_EQ(agents.size(), 6u);
  const std::vector<std::pair<std::string, bool>> expected = {{"above", true},  {"above", true},  {"within", true},
                                                              {"within", true}, {"below", false}, {"below", false}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(agents[i]["agent_id"].get<std::string>());
    EXPECT_EQ(agents[i]["band"], expected[i].first);
    EXPECT_EQ(agents[i]["in_target"], expected[i].second);
  }
  EXPECT_EQ(agents[0]["adherence"], 1.0);
  EXPECT_NEAR(agents[2]["adherence"].get<double>(), 0.95, 1e-12);
  EXPECT_NEAR(agents[3]["adherence"].get<double>(), 0.90, 1e-12);
  EXPECT_NEAR(agents[4]["adherent_minutes"].get<double>(), 540 - 1.0 / 60, 1e-9);  // one second short
}

TEST(StaffingAdherence, NoStateChangesMeansOfflineTheWholeShift) {
  const HttpResult r = Adherence(OneAgent(AgentBody("a-103", "13:00", "21:00", Json::array(), Json::array())));
  ASSERT_EQ(r.status, 200) << r.body;
  const Json a = r.json()["agents"][0];
  EXPECT_EQ(a["scheduled_minutes"], 480);
  EXPECT_EQ(a["adherent_minutes"], 0);
  EXPECT_EQ(a["adherence"], 0.0);
  EXPECT_EQ(a["band"], "below");
}

TEST(StaffingAdherence, BreaksMayBeLeftOutAndInstantsMayCarryAnOffset) {
  // 08:00-05:00 is 13:00Z: the same ten-hour shift, written in Central Daylight Time.
  Json agent = {{"agent_id", "a-104"},
                {"shift", {{"start", "2026-03-09T08:00:00-05:00"}, {"end", "2026-03-09T18:00:00-05:00"}}},
                {"states", Json::array({{{"at", "2026-03-09T13:30:00Z"}, {"state", "busy"}}})}};
  const HttpResult r = Adherence(OneAgent(agent));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["agents"][0]["scheduled_minutes"], 600);
  EXPECT_EQ(r.json()["agents"][0]["adherent_minutes"], 570);
}

TEST(StaffingAdherence, ShiftsAndBreaksAtTheirEdgesAreAccepted) {
  Json agents = Json::array({
      // Exactly 16 hours, the longest shift.
      AgentBody("sixteen-hours", "06:00", "22:00", Json::array(), States({{"06:00", "available"}})),
      // Breaks that touch each other and the shift's end.
      AgentBody("touching", "13:00", "14:00", {Break("13:30", 15), Break("13:45", 15, "lunch")},
                States({{"13:00", "available"}, {"13:30", "break"}})),
  });
  // 32 one-minute breaks back to back, the most a shift may list.
  Json breaks = Json::array();
  for (int i = 0; i < 32; ++i) breaks.push_back(Break("13:" + std::string(i < 10 ? "0" : "") + std::to_string(i), 1));
  agents.push_back(
      AgentBody("thirty-two-breaks", "13:00", "14:00", breaks, States({{"13:00", "break"}, {"13:32", "available"}})));
  const HttpResult r = Adherence({{"agents", agents}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["agents"][0]["scheduled_minutes"], 960);
  EXPECT_EQ(r.json()["agents"][1]["adherent_minutes"], 60);
  EXPECT_EQ(r.json()["agents"][2]["adherent_minutes"], 60);
}

TEST(StaffingAdherence, FiveHundredAgentsWithTwoThousandChangesAtTheLimits) {
  Json agents = Json::array();
  for (int i = 0; i < 500; ++i) {
    agents.push_back(AgentBody("agent-" + std::to_string(i), "13:00", "21:00", Json::array(), Json::array()));
  }
  // One agent flips between available and busy every 14 seconds: 2,000 changes.
  Json states = Json::array();
  for (int i = 0; i < 2000; ++i) {
    const int s = 13 * 3600 + 14 * i;
    char hms[16];
    std::snprintf(hms, sizeof hms, "%02d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    states.push_back({{"at", At(hms)}, {"state", i % 2 == 0 ? "available" : "busy"}});
  }
  agents[0]["states"] = states;
  const HttpResult r = Adherence({{"agents", agents}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["agents"].size(), 500u);
  EXPECT_EQ(r.json()["agents"][0]["adherent_minutes"], 480);  // on queue from 13:00 to the end
  EXPECT_EQ(r.json()["total"]["scheduled_minutes"], 500 * 480);
  EXPECT_EQ(r.json()["total"]["adherent_minutes"], 480);

  agents.push_back(AgentBody("agent-500", "13:00", "21:00", Json::array(), Json::array()));
  ExpectRefusedNaming(Adherence({{"agents", agents}}), "agents");
  agents.erase(500);
  states.push_back({{"at", At("21:00")}, {"state", "offline"}});
  agents[0]["states"] = states;
  ExpectRefusedNaming(Adherence({{"agents", agents}}), "agents[0].states");
}

TEST(StaffingAdherence, EachBadFieldIsRefusedByItsPath) {
  // Each case breaks the second agent of a valid pair: the 400 names the field from the root.
  const auto second = [](const std::function<void(Json&)>& edit) {
    Json agent = ShortShiftLeftEarly();
    edit(agent);
    return Json{{"agents", Json::array({ScriptedDay(), agent})}};
  };
  const std::vector<std::pair<std::string, Json>> cases = {
      {"agents[1].agent_id", second([](Json& a) { a.erase("agent_id"); })},
      {"agents[1].agent_id", second([](Json& a) { a["agent_id"] = 102; })},
      {"agents[1].agent_id", second([](Json& a) { a["agent_id"] = ""; })},
      {"agents[1].agent_id", second([](Json& a) { a["agent_id"] = std::string(65, 'x'); })},
      {"agents[1].agent_id", second([](Json& a) { a["agent_id"] = "a-101"; })},  // twice
      {"agents[1].agent_id", second([](Json& a) { a["agent_id"] = "a\n102"; })},
      {"agents[1].shift", second([](Json& a) { a.erase("shift"); })},
      {"agents[1].shift", second([](Json& a) { a["shift"] = "13:00-17:00"; })},
      {"agents[1].shift.start", second([](Json& a) { a["shift"].erase("start"); })},
      {"agents[1].shift.start", second([](Json& a) { a["shift"]["start"] = "2026-03-09 13:00"; })},
      {"agents[1].shift.end", second([](Json& a) { a["shift"]["end"] = "tomorrow"; })},
      {"agents[1].shift.end", second([](Json& a) { a["shift"]["end"] = At("13:00"); })},             // not after start
      {"agents[1].shift.end", second([](Json& a) { a["shift"]["end"] = At("12:00"); })},             // before start
      {"agents[1].shift.end", second([](Json& a) { a["shift"]["end"] = "2026-03-10T05:00:01Z"; })},  // 16 h 1 s
      {"agents[1].shift.breaks", second([](Json& a) { a["shift"]["breaks"] = Json::object(); })},
      {"agents[1].shift.breaks[0]", second([](Json& a) { a["shift"]["breaks"][0] = 15; })},
      {"agents[1].shift.breaks[0].minutes", second([](Json& a) { a["shift"]["breaks"][0]["minutes"] = 0; })},
      {"agents[1].shift.breaks[0].minutes", second([](Json& a) { a["shift"]["breaks"][0]["minutes"] = 1.5; })},
      {"agents[1].shift.breaks[0].minutes", second([](Json& a) { a["shift"]["breaks"][0]["minutes"] = -15; })},
      {"agents[1].shift.breaks[0].minutes", second([](Json& a) { a["shift"]["breaks"][0].erase("minutes"); })},
      {"agents[1].shift.breaks[0].kind", second([](Json& a) { a["shift"]["breaks"][0]["kind"] = "nap"; })},
      {"agents[1].shift.breaks[0].start", second([](Json& a) { a["shift"]["breaks"][0]["start"] = At("12:50"); })},
      {"agents[1].shift.breaks[0].start", second([](Json& a) { a["shift"]["breaks"][0]["start"] = At("16:50"); })},
      {"agents[1].shift.breaks[1].start",
       second([](Json& a) { a["shift"]["breaks"].push_back(Break("15:14", 10)); })},  // overlaps by one minute
      {"agents[1].shift.breaks", second([](Json& a) {
         a["shift"]["breaks"] = Json::array();
         for (int i = 0; i < 33; ++i) a["shift"]["breaks"].push_back(Break("13:00", 1));  // 33 breaks
       })},
      {"agents[1].states", second([](Json& a) { a.erase("states"); })},
      {"agents[1].states", second([](Json& a) { a["states"] = "available"; })},
      {"agents[1].states[2]", second([](Json& a) { a["states"][2] = nullptr; })},
      {"agents[1].states[0].at", second([](Json& a) { a["states"][0]["at"] = "1741500000"; })},
      {"agents[1].states[0].state", second([](Json& a) { a["states"][0]["state"] = "lunch"; })},
      {"agents[1].states[0].state", second([](Json& a) { a["states"][0]["state"] = "AVAILABLE"; })},
      {"agents[1].states[2].at", second([](Json& a) { a["states"][2]["at"] = At("14:59"); })},  // out of order
      {"agents[1].states[0].note", second([](Json& a) { a["states"][0]["note"] = "x"; })},
      {"agents[1].shift.breaks[0].length", second([](Json& a) { a["shift"]["breaks"][0]["length"] = 15; })},
      {"agents[1].shift.timezone", second([](Json& a) { a["shift"]["timezone"] = "CT"; })},
      {"agents[1].name", second([](Json& a) { a["name"] = "Pat"; })},
      {"agents[1]", Json{{"agents", Json::array({ScriptedDay(), "a-102"})}}},
      {"agents", Json{{"agents", Json::array()}}},
      {"agents", Json{{"agents", ScriptedDay()}}},
      {"agents", Json{{"team", "north-1"}}},
      {"team", Json{{"team", 7}, {"agents", Json::array({ScriptedDay()})}}},
      {"team", Json{{"team", std::string(65, 't')}, {"agents", Json::array({ScriptedDay()})}}},
      {"date", Json{{"date", "2026-03-09"}, {"agents", Json::array({ScriptedDay()})}}},
  };
  for (const auto& [field, body] : cases) {
    SCOPED_TRACE(field + ": " + body.dump().substr(0, 300));
    ExpectRefusedNaming(Adherence(body), field);
  }
}

TEST(StaffingAdherence, MaliciousInputIsRefusedOrEchoedAsPlainData) {
  // A script in an id is data: JSON-encoded back, never interpreted.
  Json agent = ShortShiftLeftEarly();
  agent["agent_id"] = "<script>alert(1)</script>";
  const HttpResult echoed = Adherence(OneAgent(agent));
  ASSERT_EQ(echoed.status, 200) << echoed.body;
  EXPECT_EQ(echoed.json()["agents"][0]["agent_id"], "<script>alert(1)</script>");
  EXPECT_EQ(echoed.Header("content-type").rfind("application/json", 0), 0u) << echoed.Header("content-type");

  auto& env = E2e::Get();
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"}, {"Authorization", "Bearer " + env.Token(Role::kSupervisor)}};
  for (const std::string& body : {std::string(""), std::string("[]"), std::string(R"({"agents": [)"),
                                  std::string(40, '[') + std::string(40, ']'), std::string(R"({"agents": null})")}) {
    const HttpResult r = env.client().Send("POST", "/v1/staffing/adherence", body, headers);
    EXPECT_EQ(r.status, 400) << body << ": " << r.body;
    EXPECT_EQ(r.error_code(), "invalid_request") << body;
  }
  // Past the server's body limit (1 MiB by default): 413 before any parsing.
  const std::string huge = R"({"team": ")" + std::string(2 << 20, 'x') + R"("})";
  const HttpResult too_big = env.client().Send("POST", "/v1/staffing/adherence", huge, headers);
  EXPECT_EQ(too_big.status, 413) << too_big.body.substr(0, 200);
}

TEST(StaffingAdherence, OnlySupervisorsMayCallIt) {
  for (Role role : {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kPrivacyOfficer, Role::kAdmin}) {
    SCOPED_TRACE(std::string(ToString(role)));
    const HttpResult r = Adherence(OneAgent(ScriptedDay()), role);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(r.error_code(), "forbidden");
  }
  auto& env = E2e::Get();
  EXPECT_EQ(env.client().Post("/v1/staffing/adherence", OneAgent(ScriptedDay())).status, 401);
  EXPECT_EQ(Adherence(OneAgent(ScriptedDay())).status, 200);
}

// ---- configuration --------------------------------------------------------------

TEST(StaffingConfig, TheStaffingSettingsReachTheRoutes) {
  // A second server on the same data dir (so the suite's supervisor token works), configured by environment.
  auto& env = E2e::Get();
  ServerProcess server(
      env.data_dir(), {},
      {"RXDESK_STAFFING_MEDICARE_PART_D_AHT_S=600", "RXDESK_STAFFING_MEDICARE_PART_D_SHARE_PERCENT=25",
       "RXDESK_STAFFING_VOLUME_MONDAY=8000", "RXDESK_STAFFING_SERVICE_LEVEL_PERCENT=90",
       "RXDESK_STAFFING_TARGET_ANSWER_S=30", "RXDESK_STAFFING_SHRINKAGE_PERCENT=35", "RXDESK_STAFFING_PATIENCE_S=90"});
  HttpClient client("127.0.0.1", server.port());
  const HttpResult r = client.Get("/v1/staffing?date=2026-03-09&queue=medicare_part_d", env.Token(Role::kSupervisor));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NEAR(r.json()["arrivals"].get<double>(), 2000, 1e-6);  // 25% of 8,000
  const Json i = IntervalAt(r.json(), "10:00");
  EXPECT_EQ(i["aht_s"], 600);
  EXPECT_EQ(i["target_answer_s"], 30);
  EXPECT_EQ(i["target_service_level"], 0.9);
  EXPECT_EQ(i["shrinkage"], 0.35);
  EXPECT_EQ(i["patience_s"], 90);
  EXPECT_TRUE(i.contains("abandon_rate"));
}

TEST(StaffingConfig, AQueueThatCannotBeSizedStopsTheServerFromStarting) {
  TempDir dir;
  // 10 million contacts on a Monday at four hours each: far above 100,000 Erlangs at the peak.
  const CommandResult r =
      RunCommand({RxdeskBinary(), "migrate", "--data-dir", dir.path() + "/data"}, "",
                 {"RXDESK_STAFFING_VOLUME_MONDAY=10000000", "RXDESK_STAFFING_REFILLS_DELIVERY_AHT_S=14400"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("staffing.refills_delivery"), std::string::npos) << r.err;
  const CommandResult range = RunCommand({RxdeskBinary(), "migrate", "--data-dir", dir.path() + "/data"}, "",
                                         {"RXDESK_STAFFING_SHRINKAGE_PERCENT=96"});
  EXPECT_EQ(range.exit_code, 2) << range.err;
  EXPECT_NE(range.err.find("staffing.shrinkage_percent"), std::string::npos) << range.err;
}

}  // namespace
}  // namespace rxdesk::testing
