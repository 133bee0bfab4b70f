// Staffing over HTTP (PRODUCT.md §9, API.md "Calculators"): POST /v1/staffing/erlang-c
// answers API.md's contract for one interval; GET /v1/staffing sizes every
// 30-minute interval of a local day for one queue from the configured forecast.
#include <gtest/gtest.h>

#include <cmath>
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
  for (const Json& i : spring.json()["intervals"]) EXPECT_NE(i["local_time"], "02:00") << "a skipped hour";

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
