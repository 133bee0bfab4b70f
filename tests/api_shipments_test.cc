// Orders on their way over HTTP against the real server (PRODUCT.md §4): the
// pharmacists' order queue, tracking through the (fake) carrier over time and
// its failures, malformed tracking numbers, and lost or damaged package claims
// at the edges of their window, controlled or not, approved or denied.
#include <date/tz.h>
#include <gtest/gtest.h>

#include "domain/zone.h"
#include "store/db.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

using nlohmann::json;

HttpClient& Client() { return E2e::Get().client(); }
const std::string& TokenOf(Role r) { return E2e::Get().Token(r); }

Date TodayCt() {
  static const Zone zone(date::locate_zone("America/Chicago"));
  return zone.LocalDate(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

// Runs SQL on the shared server's SQLite file (to move a clock-bound column back).
Rows Sql(const std::string& sql, std::initializer_list<Value> params = {}) {
  auto db = OpenSqlite({.path = E2e::Get().data_dir() + "/rxdesk.db"});
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return {};
  if (sql.starts_with("SELECT")) {
    auto rows = (*db)->Query(sql, std::span<const Value>(params.begin(), params.size()));
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
    return rows.ok() ? *rows : Rows{};
  }
  auto changed = (*db)->Exec(sql, std::span<const Value>(params.begin(), params.size()));
  EXPECT_TRUE(changed.ok()) << (changed.ok() ? "" : changed.error().message);
  return {};
}

json NewRx(const std::string& schedule) {
  json body = {
      {"drug", {{"ndc", "00093-7146-56"}, {"name", "atorvastatin"}, {"strength", "20 mg"}, {"form", "tablet"}}},
      {"schedule", schedule},
      {"quantity", 30},
      {"days_supply", 30},
      {"refills_authorized", schedule == "II" ? 0 : 2},
      {"written_date", FormatDate(TodayCt() - Days{10})},
      {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}}}};
  if (schedule != "none") body["prescriber"]["dea"] = "AQ1234563";
  return body;
}

struct Member {
  std::string id;
  std::string contact;  // agent.demo's verified contact with them
};

Member NewMember(int n) {
  auto& env = E2e::Get();
  const HttpResult m = Client().Post("/v1/members", NewMemberBody(7400 + n), TokenOf(Role::kAgent));
  EXPECT_EQ(m.status, 201) << m.body;
  return {m.json().value("id", ""), env.VerifiedContact(TokenOf(Role::kAgent), m.json())};
}

// A new order of a new prescription for `member_id`, moved by the pharmacist to `status`
// (received, in_review, filled or shipped).
std::string Order(const std::string& member_id, const std::string& status = "shipped",
                  const std::string& tracking = "9400100000000000000000", const std::string& schedule = "none") {
  const std::string& rph = TokenOf(Role::kPharmacist);
  const HttpResult rx = Client().Post("/v1/members/" + member_id + "/prescriptions", NewRx(schedule), rph);
  EXPECT_EQ(rx.status, 201) << rx.body;
  const HttpResult order = Client().Post("/v1/refills", {{"rx_number", rx.json().value("rx_number", "")}}, rph);
  EXPECT_EQ(order.status, 201) << order.body;
  const std::string id = order.json().value("order_id", "");
  const std::string events = "/v1/orders/" + id + "/events";
  for (const auto& [type, until] :
       {std::pair<const char*, const char*>{"review_started", "in_review"}, {"filled", "filled"}}) {
    if (status == "received") break;
    EXPECT_EQ(Client().Post(events, {{"type", type}}, rph).status, 201);
    if (status == until) return id;
  }
  if (status == "shipped") {
    const HttpResult shipped =
        Client().Post(events, {{"type", "shipped"}, {"carrier", "USPS"}, {"tracking", tracking}}, rph);
    EXPECT_EQ(shipped.status, 201) << shipped.body;
  }
  return id;
}

// Moves the order's quoted window so that its last day is `eta_latest`.
void EtaEndsOn(const std::string& order_id, Date eta_latest) {
  Sql("UPDATE orders SET eta_earliest = ?, eta_latest = ? WHERE id = ?",
      {Value(FormatDate(eta_latest - Days{2})), Value(FormatDate(eta_latest)), Value(order_id)});
}

// Moves the order's shipped event (and everything before it) `days` into the past.
void ShippedDaysAgo(const std::string& order_id, int days) {
  const Instant at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - Days{days};
  Sql("UPDATE order_events SET at = ? WHERE order_id = ?", {Value(FormatInstant(at)), Value(order_id)});
}

HttpResult Claim(const std::string& order_id, const std::string& kind, const std::string& token,
                 const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return Client().Post("/v1/orders/" + order_id + "/claims", {{"kind", kind}}, token, headers);
}

std::string Detail(const HttpResult& r, const char* key) {
  return r.json()["error"].value("details", json::object()).value(key, "");
}

TEST(OrderQueue, ListsTheWorkOldestFirstWithItsAgeForPharmacistsAndSupervisors) {
  const Member m = NewMember(1);
  const std::string first = Order(m.id, "received");
  const std::string second = Order(m.id, "in_review");
  const std::string shipped = Order(m.id, "shipped");
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 100; ++page) {
    const HttpResult r =
        Client().Get("/v1/orders?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor), TokenOf(Role::kPharmacist));
    ASSERT_EQ(r.status, 200) << r.body;
    const json body = r.json();  // kept alive: a range-for over a temporary's member dangles
    for (const json& item : body["items"]) {
      EXPECT_NE(item["status"], "shipped");
      EXPECT_GE(item["age_s"].get<std::int64_t>(), 0);
      EXPECT_FALSE(item.contains("drug")) << "the work list carries no drug";
      seen.push_back(item["id"]);
    }
    if (r.json()["next_cursor"].is_null()) break;
    cursor = r.json()["next_cursor"];
  }
  const auto at = [&](const std::string& id) { return std::find(seen.begin(), seen.end(), id) - seen.begin(); };
  ASSERT_LT(at(first), static_cast<long>(seen.size()));
  ASSERT_LT(at(second), static_cast<long>(seen.size()));
  EXPECT_LT(at(first), at(second)) << "oldest first";
  EXPECT_EQ(at(shipped), static_cast<long>(seen.size())) << "shipped orders only when asked for";

  const HttpResult ships = Client().Get("/v1/orders?status=shipped&limit=500", TokenOf(Role::kSupervisor));
  ASSERT_EQ(ships.status, 200);
  EXPECT_EQ(Client().Get("/v1/orders?status=delivered", TokenOf(Role::kPharmacist)).error_code(), "invalid_request");
  EXPECT_EQ(Client().Get("/v1/orders?status=received,,filled", TokenOf(Role::kPharmacist)).status, 400);
  EXPECT_EQ(Client().Get("/v1/orders?cursor=nope", TokenOf(Role::kPharmacist)).status, 400);
  EXPECT_EQ(Client().Get("/v1/orders", TokenOf(Role::kAgent)).status, 403);
  EXPECT_EQ(Client().Get("/v1/orders", TokenOf(Role::kMember)).status, 403);
  EXPECT_EQ(Client().Get("/v1/orders").status, 401);
}

TEST(Shipping, AMalformedTrackingNumberOrAnUnknownCarrierIsRefusedAndTheOrderStaysFilled) {
  const Member m = NewMember(2);
  const std::string id = Order(m.id, "filled");
  const std::string events = "/v1/orders/" + id + "/events";
  const std::string& rph = TokenOf(Role::kPharmacist);
  const struct {
    const char* carrier;
    const char* tracking;
    const char* code;
  } cases[] = {
      {"USPS", "9400100000000000000", "invalid_tracking_number"},      // 19 digits
      {"USPS", "94001000000000000000000", "invalid_tracking_number"},  // 23 digits
      {"UPS", "1Z999AA1012345678", "invalid_tracking_number"},         // 1Z + 15
      {"FedEx", "1234567890123", "invalid_tracking_number"},           // 13 digits
      {"FedEx", "12345678901' OR 1=1", "invalid_tracking_number"},    {"DHL", "1234567890", "unknown_carrier"},
  };
  for (const auto& c : cases) {
    const HttpResult r =
        Client().Post(events, {{"type", "shipped"}, {"carrier", c.carrier}, {"tracking", c.tracking}}, rph);
    EXPECT_EQ(r.status, 400) << c.tracking;
    EXPECT_EQ(r.error_code(), c.code) << c.tracking;
    EXPECT_EQ(r.body.find(c.tracking), std::string::npos) << "the refusal does not echo the input";
  }
  EXPECT_EQ(Client().Get("/v1/orders/" + id, rph).json()["status"], "filled");
  EXPECT_EQ(
      Client().Post(events, {{"type", "shipped"}, {"carrier", "FedEx"}, {"tracking", "123456789012"}}, rph).status,
      201);
}

TEST(Tracking, FollowsThePackageOverTimeForTheMemberAndTheWorkforce) {
  auto& env = E2e::Get();
  const std::string mine = Order(env.DemoMemberId());
  const HttpResult now = Client().Get("/v1/orders/" + mine + "/tracking", TokenOf(Role::kMember));
  ASSERT_EQ(now.status, 200) << now.body;
  EXPECT_EQ(now.json()["status"], "in_transit");
  EXPECT_EQ(now.json()["carrier"], "USPS");
  EXPECT_TRUE(now.json()["delivered_at"].is_null());
  EXPECT_FALSE(now.json()["expected_delivery"].is_null());
  EXPECT_EQ(now.json()["scans"].size(), 1u);

  // Ten days later, with the window behind it, the carrier has delivered it.
  ShippedDaysAgo(mine, 10);
  EtaEndsOn(mine, TodayCt() - Days{3});
  const HttpResult later = Client().Get("/v1/orders/" + mine + "/tracking", TokenOf(Role::kPharmacist));
  ASSERT_EQ(later.status, 200);
  EXPECT_EQ(later.json()["status"], "delivered");
  EXPECT_FALSE(later.json()["delivered_at"].is_null());
  EXPECT_EQ(later.json()["scans"].size(), 5u);
  EXPECT_EQ(later.json()["scans"].back()["status"], "delivered");

  // A package held up: the carrier reports an exception from 36 hours on.
  const Member m = NewMember(3);
  const std::string held = Order(m.id, "shipped", "9400100000000000000007");
  ShippedDaysAgo(held, 2);
  const HttpResult exception =
      Client().Get("/v1/orders/" + held + "/tracking", TokenOf(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(exception.status, 200) << exception.body;
  EXPECT_EQ(exception.json()["status"], "exception");
  EXPECT_TRUE(exception.json()["expected_delivery"].is_null());
}

TEST(Tracking, ACarrierFailureAnswers502Or503AndTheOrderIsUntouched) {
  const Member m = NewMember(4);
  const std::string down = Order(m.id, "shipped", "9400100000000000000008");
  const std::string refused = Order(m.id, "shipped", "9400100000000000000009");
  const HttpResult r503 = Client().Get("/v1/orders/" + down + "/tracking", TokenOf(Role::kSupervisor));
  EXPECT_EQ(r503.status, 503);
  EXPECT_EQ(r503.error_code(), "carrier_unavailable");
  const HttpResult r502 = Client().Get("/v1/orders/" + refused + "/tracking", TokenOf(Role::kSupervisor));
  EXPECT_EQ(r502.status, 502);
  EXPECT_EQ(r502.error_code(), "carrier_error");
  EXPECT_FALSE(r502.json()["error"].value("message", "").empty());
  for (const std::string& id : {down, refused}) {
    const HttpResult o = Client().Get("/v1/orders/" + id, TokenOf(Role::kPharmacist));
    EXPECT_EQ(o.json()["status"], "shipped");
    EXPECT_EQ(Client().Get("/v1/orders/" + id + "/events", TokenOf(Role::kPharmacist)).json()["items"].size(), 4u);
  }
}

TEST(Tracking, NeedsAShippedOrderTheCallerMaySee) {
  const Member m = NewMember(5);
  const std::string filled = Order(m.id, "filled");
  const HttpResult early = Client().Get("/v1/orders/" + filled + "/tracking", TokenOf(Role::kPharmacist));
  EXPECT_EQ(early.status, 422);
  EXPECT_EQ(early.error_code(), "order_not_shipped");
  const std::string shipped = Order(m.id);
  const std::string path = "/v1/orders/" + shipped + "/tracking";
  EXPECT_EQ(Client().Get(path, TokenOf(Role::kMember)).status, 404) << "another member's order does not exist for them";
  EXPECT_EQ(Client().Get(path, TokenOf(Role::kAgent)).error_code(), "verification_required");
  EXPECT_EQ(Client().Get(path, TokenOf(Role::kAgent), InContact(m.contact)).status, 200);
  EXPECT_EQ(Client().Get(path, TokenOf(Role::kPrivacyOfficer)).status, 403);
  EXPECT_EQ(Client().Get(path, TokenOf(Role::kAdmin)).status, 403);
  EXPECT_EQ(Client().Get("/v1/orders/nope/tracking", TokenOf(Role::kPharmacist)).status, 404);
}

TEST(Claims, ALostPackageIsClaimableOnDayThirtyAfterTheEtaButNotOnDayThirtyOne) {
  const Member m = NewMember(6);
  const std::string day30 = Order(m.id), day31 = Order(m.id);
  EtaEndsOn(day30, TodayCt() - Days{30});
  EtaEndsOn(day31, TodayCt() - Days{31});
  const HttpResult late = Claim(day31, "lost", TokenOf(Role::kAgent), InContact(m.contact));
  EXPECT_EQ(late.status, 422);
  EXPECT_EQ(late.error_code(), "claim_window_closed");
  EXPECT_EQ(Detail(late, "window_closed_on"), FormatDate(TodayCt() - Days{1}));

  const HttpResult ok = Claim(day30, "lost", TokenOf(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json()["status"], "approved");
  EXPECT_EQ(ok.json()["window_closes_on"], FormatDate(TodayCt()));
  EXPECT_EQ(ok.json()["return_required"], false);
  EXPECT_EQ(ok.json()["replacement_fee_cents"], 0);
  const std::string replacement = ok.json()["replacement_order_id"];
  const HttpResult r = Client().Get("/v1/orders/" + replacement, TokenOf(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["fee_cents"], 0);
  EXPECT_EQ(r.json()["status"], "received");
  EXPECT_EQ(r.json()["rx_number"], Client().Get("/v1/orders/" + day30, TokenOf(Role::kPharmacist)).json()["rx_number"]);
}

TEST(Claims, BeforeDeliveryLostIsTooEarlyAndDamagedWaitsForTheDelivery) {
  const Member m = NewMember(7);
  const std::string id = Order(m.id);
  EtaEndsOn(id, TodayCt());
  const HttpResult lost = Claim(id, "lost", TokenOf(Role::kPharmacist));
  EXPECT_EQ(lost.status, 422);
  EXPECT_EQ(lost.error_code(), "too_early_to_report_lost");
  EXPECT_EQ(Detail(lost, "earliest_report_date"), FormatDate(TodayCt() + Days{1}));
  EXPECT_EQ(Claim(id, "damaged", TokenOf(Role::kPharmacist)).error_code(), "order_not_delivered");

  ASSERT_EQ(Client().Post("/v1/orders/" + id + "/events", {{"type", "delivered"}}, TokenOf(Role::kSupervisor)).status,
            201);
  const HttpResult damaged = Claim(id, "damaged", TokenOf(Role::kPharmacist));
  ASSERT_EQ(damaged.status, 201) << damaged.body;
  EXPECT_EQ(damaged.json()["kind"], "damaged");
  EXPECT_EQ(damaged.json()["return_required"], true);
  EXPECT_FALSE(damaged.json()["replacement_order_id"].is_null());
  const HttpResult again = Claim(id, "lost", TokenOf(Role::kPharmacist));
  EXPECT_EQ(again.status, 422);
  EXPECT_EQ(again.error_code(), "claim_exists");
}

TEST(Claims, AControlledReplacementWaitsForAPharmacistsApproval) {
  const Member m = NewMember(8);
  const std::string id = Order(m.id, "shipped", "9400100000000000000000", "IV");
  EtaEndsOn(id, TodayCt() - Days{2});
  const HttpResult c = Claim(id, "lost", TokenOf(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(c.status, 201) << c.body;
  EXPECT_EQ(c.json()["status"], "pending_approval");
  EXPECT_EQ(c.json()["needs_pharmacist_approval"], true);
  EXPECT_TRUE(c.json()["replacement_order_id"].is_null());
  const std::string claim = c.json()["id"];

  const HttpResult queue = Client().Get("/v1/claims?limit=500", TokenOf(Role::kPharmacist));
  ASSERT_EQ(queue.status, 200);
  bool listed = false;
  const json queued = queue.json();
  for (const json& item : queued["items"]) listed = listed || item["id"] == claim;
  EXPECT_TRUE(listed);
  EXPECT_EQ(Client().Get("/v1/claims", TokenOf(Role::kAgent)).status, 403);
  EXPECT_EQ(Client().Get("/v1/claims?status=lost", TokenOf(Role::kPharmacist)).status, 400);

  const std::string decide = "/v1/claims/" + claim + "/decision";
  EXPECT_EQ(Client().Post(decide, {{"decision", "approve"}}, TokenOf(Role::kSupervisor)).status, 403);
  EXPECT_EQ(Client().Post(decide, {{"decision", "approve"}}, TokenOf(Role::kAgent)).status, 403);
  EXPECT_EQ(Client().Post(decide, {{"decision", "maybe"}}, TokenOf(Role::kPharmacist)).status, 400);
  const HttpResult approved = Client().Post(decide, {{"decision", "approve"}}, TokenOf(Role::kPharmacist));
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["status"], "approved");
  EXPECT_FALSE(approved.json()["replacement_order_id"].is_null());
  EXPECT_FALSE(approved.json()["decision"].is_null());
  const HttpResult twice = Client().Post(decide, {{"decision", "approve"}}, TokenOf(Role::kPharmacist));
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.error_code(), "invalid_transition");
  const HttpResult listed_for_member =
      Client().Get("/v1/members/" + m.id + "/claims", TokenOf(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(listed_for_member.status, 200);
  ASSERT_EQ(listed_for_member.json()["items"].size(), 1u);
  EXPECT_EQ(listed_for_member.json()["items"][0]["status"], "approved");
}

TEST(Claims, APharmacistDeniesWithAReasonTheMemberReads) {
  auto& env = E2e::Get();
  const std::string id = Order(env.DemoMemberId(), "shipped", "9400100000000000000000", "III");
  EtaEndsOn(id, TodayCt() - Days{1});
  const HttpResult c = Claim(id, "lost", TokenOf(Role::kMember));
  ASSERT_EQ(c.status, 201) << c.body;
  const std::string decide = "/v1/claims/" + c.json()["id"].get<std::string>() + "/decision";
  EXPECT_EQ(Client().Post(decide, {{"decision", "deny"}}, TokenOf(Role::kPharmacist)).status, 400);
  EXPECT_EQ(Client().Post(decide, {{"decision", "deny"}, {"reason", "short"}}, TokenOf(Role::kPharmacist)).status, 400);
  EXPECT_EQ(Client()
                .Post(decide, {{"decision", "approve"}, {"reason", "not with an approval"}}, TokenOf(Role::kPharmacist))
                .status,
            400);
  const HttpResult denied = Client().Post(decide, {{"decision", "deny"}, {"reason", "the carrier confirmed delivery"}},
                                          TokenOf(Role::kPharmacist));
  ASSERT_EQ(denied.status, 200) << denied.body;
  EXPECT_EQ(denied.json()["status"], "denied");
  const HttpResult seen = Client().Get("/v1/claims/" + c.json()["id"].get<std::string>(), TokenOf(Role::kMember));
  ASSERT_EQ(seen.status, 200);
  EXPECT_EQ(seen.json()["decision"]["reason"], "the carrier confirmed delivery");
  EXPECT_TRUE(seen.json()["replacement_order_id"].is_null());
}

TEST(Claims, AreIdempotentPerKeyAndCheckTheirInputAndWhoAsks) {
  const Member m = NewMember(9);
  const std::string id = Order(m.id);
  EtaEndsOn(id, TodayCt() - Days{5});
  const std::string& agent = TokenOf(Role::kAgent);
  EXPECT_EQ(Claim(id, "lost", agent).error_code(), "verification_required");
  EXPECT_EQ(Claim(id, "lost", TokenOf(Role::kMember)).status, 404) << "not member.demo's order";
  EXPECT_EQ(Claim(id, "lost", TokenOf(Role::kAdmin)).status, 403);
  EXPECT_EQ(Claim(id, "lost", "").status, 401);
  const std::string path = "/v1/orders/" + id + "/claims";
  const auto in_contact = InContact(m.contact);
  EXPECT_EQ(Client().Post(path, {{"kind", "stolen"}}, agent, in_contact).error_code(), "invalid_request");
  const HttpResult unknown = Client().Post(path, {{"kind", "lost"}, {"colour", "red"}}, agent, in_contact);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json()["error"]["field"], "colour");
  EXPECT_EQ(Client().Post(path, {{"kind", 3}}, agent, in_contact).status, 400);
  EXPECT_EQ(Client().Post(path, {{"kind", "lost"}, {"description", std::string(1001, 'x')}}, agent, in_contact).status,
            400);

  auto headers = in_contact;
  headers.emplace_back("Idempotency-Key", "claim-" + id);
  const HttpResult first = Client().Post(path, {{"kind", "lost"}, {"description", "never arrived"}}, agent, headers);
  ASSERT_EQ(first.status, 201) << first.body;
  const HttpResult replay = Client().Post(path, {{"kind", "lost"}, {"description", "never arrived"}}, agent, headers);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.json()["id"], first.json()["id"]);
  EXPECT_EQ(replay.json()["replacement_order_id"], first.json()["replacement_order_id"]);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM orders WHERE replaces_order_id = ?", {Value(id)})[0].Int(0), 1);
  EXPECT_EQ(Client().Post(path, {{"kind", "damaged"}}, agent, headers).status, 409) << "the key with another body";
  EXPECT_EQ(Client().Get("/v1/claims/" + first.json()["id"].get<std::string>(), agent).error_code(),
            "verification_required");
}

}  // namespace
}  // namespace rxdesk::testing
