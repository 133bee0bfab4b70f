// Prescriptions, fills, eligibility, refills and orders over HTTP against the real server.
#include <date/tz.h>
#include <gtest/gtest.h>

#include <regex>

#include "domain/zone.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

Date TodayCt() {
  static const Zone zone(date::locate_zone("America/Chicago"));
  return zone.LocalDate(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

nlohmann::json NewRx(const std::string& schedule = "none", int refills = 3, int days = 30) {
  nlohmann::json body = {{"drug", {{"ndc", "00093-7146-56"}, {"name", "atorvastatin"}, {"strength", "20 mg"}, {"form", "tablet"}}},
                         {"schedule", schedule},
                         {"quantity", days},
                         {"days_supply", days},
                         {"refills_authorized", refills},
                         {"written_date", FormatDate(TodayCt() - Days{10})},
                         {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}}}};
  if (schedule != "none") body["prescriber"]["dea"] = "AQ1234563";
  return body;
}

struct Fixture {
  std::string member_id;
  std::string rx;
  std::string contact;  // agent.demo's contact with this member, verified
};

// A fresh member with one prescription.
Fixture MakeMemberWithRx(int n, const nlohmann::json& rx_body = NewRx()) {
  auto& env = E2e::Get();
  const HttpResult member = env.client().Post("/v1/members", NewMemberBody(1000 + n), env.Token(Role::kAgent));
  EXPECT_EQ(member.status, 201) << member.body;
  Fixture f;
  f.member_id = member.json()["id"];
  const HttpResult rx = env.client().Post("/v1/members/" + f.member_id + "/prescriptions", rx_body, env.Token(Role::kPharmacist));
  EXPECT_EQ(rx.status, 201) << rx.body;
  f.rx = rx.json().value("rx_number", "");
  f.contact = env.VerifiedContact(env.Token(Role::kAgent), member.json());
  return f;
}

HttpResult Fill(const std::string& rx, Date day, const std::string& override_reason = "") {
  nlohmann::json body = {{"fill_date", FormatDate(day)}, {"quantity", 30}, {"days_supply", 30}};
  if (!override_reason.empty()) body["override_reason"] = override_reason;
  return E2e::Get().client().Post("/v1/prescriptions/" + rx + "/fills", body, E2e::Get().Token(Role::kPharmacist));
}

TEST(Prescriptions, APharmacistEntersOneAndTheLawLimitsRefills) {
  auto& env = E2e::Get();
  const Fixture f = MakeMemberWithRx(1);
  EXPECT_EQ(f.rx.size(), 8u);
  const HttpResult got = env.client().Get("/v1/prescriptions/" + f.rx, env.Token(Role::kAgent), InContact(f.contact));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json()["refills_remaining"], 3);
  EXPECT_EQ(got.json()["drug"]["ndc"], "00093714656");

  const std::string path = "/v1/members/" + f.member_id + "/prescriptions";
  const HttpResult c2 = env.client().Post(path, NewRx("II", 1), env.Token(Role::kPharmacist));
  EXPECT_EQ(c2.status, 422);
  EXPECT_EQ(c2.error_code(), "schedule_ii_no_refills");
  const HttpResult c3 = env.client().Post(path, NewRx("III", 6), env.Token(Role::kPharmacist));
  EXPECT_EQ(c3.error_code(), "controlled_refill_limit");
  EXPECT_EQ(env.client().Post(path, NewRx("III", 5), env.Token(Role::kPharmacist)).status, 201);
  // Only pharmacists enter prescriptions.
  EXPECT_EQ(env.client().Post(path, NewRx(), env.Token(Role::kAgent)).status, 403);
  EXPECT_EQ(env.client().Post(path, NewRx(), env.Token(Role::kMember)).status, 403);
}

TEST(Eligibility, TooSoonUntilSeventyFivePercentOfTheSupplyThenEligible) {
  auto& env = E2e::Get();
  const Fixture f = MakeMemberWithRx(2);
  const std::string path = "/v1/prescriptions/" + f.rx + "/refill-eligibility";
  EXPECT_EQ(env.client().Get(path, env.Token(Role::kAgent), InContact(f.contact)).json()["eligible"], true);  // the original fill
  // Filled 22 days ago with 30 days: ceil(30 × 0.75) = 23, so eligible tomorrow.
  ASSERT_EQ(Fill(f.rx, TodayCt() - Days{22}).status, 201);
  const auto soon = env.client().Get(path, env.Token(Role::kAgent), InContact(f.contact)).json();
  EXPECT_EQ(soon["eligible"], false);
  EXPECT_EQ(soon["reason"], "too_soon");
  EXPECT_EQ(soon["next_eligible_date"], FormatDate(TodayCt() + Days{1}));
  EXPECT_EQ(soon["refills_remaining"], 3);  // the original fill used no refill
}

TEST(Fills, AreRefusedWithTheEligibilityCodeUnlessOverridden) {
  const Fixture f = MakeMemberWithRx(3);
  ASSERT_EQ(Fill(f.rx, TodayCt() - Days{5}).status, 201);
  const HttpResult refused = Fill(f.rx, TodayCt());
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.error_code(), "too_soon");
  EXPECT_EQ(refused.json()["error"]["details"]["next_eligible_date"], FormatDate(TodayCt() - Days{5} + Days{23}));
  const HttpResult overridden = Fill(f.rx, TodayCt(), "member leaving the country for a month");
  ASSERT_EQ(overridden.status, 201) << overridden.body;
  EXPECT_EQ(overridden.json()["overridden"], true);
  EXPECT_EQ(overridden.json()["is_refill"], true);
  EXPECT_EQ(overridden.json()["refills_remaining"], 2);
  EXPECT_EQ(Fill(f.rx, TodayCt() + Days{1}).error_code(), "invalid_request");  // no future fills
}

TEST(Refills, AMemberRequestsTheirOwnRefillAndGetsAReferenceAndEta) {
  auto& env = E2e::Get();
  const std::string& member = env.Token(Role::kMember);
  // member.demo's own prescription, given a fill long ago so it is due.
  const nlohmann::json rx_body = NewRx();
  const HttpResult rx = env.client().Post("/v1/members/" + env.DemoMemberId() + "/prescriptions", rx_body,
                                          env.Token(Role::kPharmacist));
  ASSERT_EQ(rx.status, 201) << rx.body;
  const std::string rx_number = rx.json()["rx_number"];
  ASSERT_EQ(Fill(rx_number, TodayCt() - Days{9}).status, 201);  // written 10 days ago, filled 9 days ago
  EXPECT_EQ(env.client().Post("/v1/refills", {{"rx_number", rx_number}}, member).error_code(), "too_soon");

  // Another prescription that was never filled: its original fill can be requested at once.
  const HttpResult fresh = env.client().Post("/v1/members/" + env.DemoMemberId() + "/prescriptions", rx_body,
                                             env.Token(Role::kPharmacist));
  const std::string fresh_rx = fresh.json()["rx_number"];
  const std::vector<std::pair<std::string, std::string>> key = {{"Idempotency-Key", "refill-" + fresh_rx}};
  const HttpResult ordered = env.client().Post("/v1/refills", {{"rx_number", fresh_rx}, {"speed", "expedited"}}, member, key);
  ASSERT_EQ(ordered.status, 201) << ordered.body;
  const auto o = ordered.json();
  EXPECT_TRUE(std::regex_match(o["reference"].get<std::string>(), std::regex("RX-[0-9]{6}-[0-9A-Z]{6}-.")));
  EXPECT_EQ(o["status"], "received");
  EXPECT_LE(o["eta"]["earliest"].get<std::string>(), o["eta"]["latest"].get<std::string>());
  EXPECT_EQ(o["fee_cents"], 1495);
  // The same request again is the same order; a second order for the same Rx is refused.
  EXPECT_EQ(env.client().Post("/v1/refills", {{"rx_number", fresh_rx}, {"speed", "expedited"}}, member, key).json(), o);
  const HttpResult twice = env.client().Post("/v1/refills", {{"rx_number", fresh_rx}}, member);
  EXPECT_EQ(twice.status, 422);
  EXPECT_EQ(twice.error_code(), "refill_already_requested");
  // The member sees it in their orders.
  const auto orders = env.client().Get("/v1/members/" + env.DemoMemberId() + "/orders?limit=500", member).json();
  bool found = false;
  for (const auto& item : orders["items"]) found = found || item["id"] == o["order_id"];
  EXPECT_TRUE(found);
}

TEST(Refills, AMemberCannotTouchAnotherMembersPrescription) {
  auto& env = E2e::Get();
  const Fixture other = MakeMemberWithRx(4);
  const HttpResult r = env.client().Post("/v1/refills", {{"rx_number", other.rx}}, env.Token(Role::kMember));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(env.client().Get("/v1/prescriptions/" + other.rx, env.Token(Role::kMember)).status, 404);
  EXPECT_EQ(env.client().Get("/v1/members/" + other.member_id + "/prescriptions", env.Token(Role::kMember)).status, 404);
  // A mistyped Rx number is caught by its check digit before any lookup.
  std::string typo = other.rx;
  typo[3] = typo[3] == '9' ? '0' : static_cast<char>(typo[3] + 1);
  EXPECT_EQ(env.client().Post("/v1/refills", {{"rx_number", typo}}, env.Token(Role::kAgent)).status, 400);
}

TEST(Orders, MoveThroughTheirLifeAndRefuseIllegalSteps) {
  auto& env = E2e::Get();
  const Fixture f = MakeMemberWithRx(5);
  const HttpResult ordered = env.client().Post("/v1/refills", {{"rx_number", f.rx}}, env.Token(Role::kAgent), InContact(f.contact));
  ASSERT_EQ(ordered.status, 201) << ordered.body;
  const std::string events = "/v1/orders/" + ordered.json()["order_id"].get<std::string>() + "/events";
  const std::string& rph = env.Token(Role::kPharmacist);
  EXPECT_EQ(env.client().Post(events, {{"type", "shipped"}, {"carrier", "USPS"}, {"tracking", "9400100000000000000000"}}, rph).status,
            409);
  EXPECT_EQ(env.client().Post(events, {{"type", "review_started"}}, env.Token(Role::kSupervisor)).status, 403);
  EXPECT_EQ(env.client().Post(events, {{"type", "review_started"}}, env.Token(Role::kAgent)).status, 403);
  ASSERT_EQ(env.client().Post(events, {{"type", "review_started"}}, rph).status, 201);
  ASSERT_EQ(env.client().Post(events, {{"type", "filled"}}, rph).status, 201);
  const HttpResult no_tracking = env.client().Post(events, {{"type", "shipped"}, {"carrier", "USPS"}}, rph);
  EXPECT_EQ(no_tracking.status, 400);
  ASSERT_EQ(env.client().Post(events, {{"type", "shipped"}, {"carrier", "USPS"}, {"tracking", "9400100000000000000000"}}, rph).status, 201);
  const HttpResult delivered = env.client().Post(events, {{"type", "delivered"}}, env.Token(Role::kSupervisor));
  ASSERT_EQ(delivered.status, 201);
  EXPECT_EQ(delivered.json()["status"], "delivered");
  EXPECT_EQ(delivered.json()["tracking_number"], "9400100000000000000000");
  const auto timeline = env.client().Get(events, env.Token(Role::kAgent), InContact(f.contact)).json()["items"];
  ASSERT_EQ(timeline.size(), 5u);
  EXPECT_EQ(timeline[0]["type"], "created");
  EXPECT_EQ(timeline[4]["status"], "delivered");
  // Filling counted as the original fill.
  const auto fills = env.client().Get("/v1/prescriptions/" + f.rx + "/fills", env.Token(Role::kAgent), InContact(f.contact)).json()["items"];
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0]["is_refill"], false);
}

TEST(ShippingQuote, IsPublicAndFollowsTheSpeedsAndTheServiceArea) {
  auto& env = E2e::Get();
  const nlohmann::json address = {{"line1", "PO Box 12"}, {"city", "San Juan"}, {"state", "PR"}, {"zip", "00901"}};
  const HttpResult standard = env.client().Post("/v1/shipping/quote", {{"address", address}, {"speed", "standard"},
                                                                        {"placed_at", "2026-11-23T15:00:00Z"}});
  ASSERT_EQ(standard.status, 200) << standard.body;
  // Monday 09:00 CT, before the cutoff: ships today; 7–10 business days later (Thanksgiving on the 26th).
  EXPECT_EQ(standard.json()["ship_date"], "2026-11-23");
  EXPECT_EQ(standard.json()["eta"]["earliest"], "2026-12-03");
  EXPECT_EQ(standard.json()["eta"]["latest"], "2026-12-08");
  EXPECT_EQ(standard.json()["fee_cents"], 0);
  const HttpResult expedited = env.client().Post("/v1/shipping/quote", {{"address", address}, {"speed", "expedited"}});
  EXPECT_EQ(expedited.json()["fee_cents"], 1495);
  const HttpResult abroad = env.client().Post(
      "/v1/shipping/quote", {{"address", {{"line1", "1 Queen St"}, {"city", "Toronto"}, {"state", "ON"}, {"zip", "M5H 2N2"}, {"country", "CA"}}},
                             {"speed", "standard"}});
  EXPECT_EQ(abroad.status, 422);
  EXPECT_EQ(abroad.error_code(), "address_outside_service_area");
  const HttpResult malformed = env.client().Post("/v1/shipping/quote", {{"address", {{"city", "Austin"}}}, {"speed", "standard"}});
  EXPECT_EQ(malformed.status, 400);
  const HttpResult bad_speed = env.client().Post("/v1/shipping/quote", {{"address", address}, {"speed", "teleport"}});
  EXPECT_EQ(bad_speed.json()["error"]["field"], "speed");
}

TEST(Audit, TheChainVerifiesAfterTheWholeSuiteOfWrites) {
  auto& env = E2e::Get();
  MakeMemberWithRx(6);
  const CommandResult verify = Rxdesk({"audit", "verify"}, env.data_dir());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("chain intact"), std::string::npos);
}

TEST(OpenApi, DescribesEveryRouteWithItsRoles) {
  auto& env = E2e::Get();
  const auto doc = env.client().Get("/v1/openapi.json").json();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  for (const char* path : {"/v1/auth/login", "/v1/auth/register", "/v1/members", "/v1/members/{id}", "/v1/refills",
                           "/v1/prescriptions/{rx_number}/refill-eligibility", "/v1/prescriptions/{rx_number}/fills",
                           "/v1/members/{id}/prescriptions", "/v1/shipping/quote", "/v1/orders/{id}"}) {
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    for (auto& [method, op] : doc["paths"][path].items()) {
      EXPECT_FALSE(op["x-roles"].empty()) << method << " " << path;
    }
  }
}

}  // namespace
}  // namespace rxdesk::testing
