// Clinical safety over HTTP against the shared server: drug–drug interaction
// holds (major holds, moderate and minor do not; override with a documented
// reason; cancel tells the member; the member and agents never see clinical
// detail), adherence (PDC at and just under 80%, overlapping fills shifted
// forward, empty periods, the at-risk list's filters and pages) and MTM
// requests routed to the clinical_pharmacist queue.
#include <date/tz.h>
#include <gtest/gtest.h>

#include <set>

#include "domain/zone.h"
#include "store/db.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

Date TodayCt() {
  static const Zone zone(date::locate_zone("America/Chicago"));
  return zone.LocalDate(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

nlohmann::json RxOf(const std::string& drug, int days = 30) {
  return {{"drug", {{"ndc", "00093-7146-56"}, {"name", drug}}},
          {"schedule", "none"},
          {"quantity", days},
          {"days_supply", days},
          {"refills_authorized", 11},
          {"written_date", FormatDate(TodayCt() - Days{200})},
          {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}}}};
}

struct Member {
  std::string id;
  nlohmann::json record;
};

Member NewMember(int n) {
  auto& env = E2e::Get();
  const HttpResult r = env.client().Post("/v1/members", NewMemberBody(7000 + n), env.Token(Role::kAgent));
  EXPECT_EQ(r.status, 201) << r.body;
  return {r.json().value("id", ""), r.json()};
}

std::string EnterRx(const std::string& member_id, const std::string& drug, int days = 30) {
  auto& env = E2e::Get();
  const HttpResult r =
      env.client().Post("/v1/members/" + member_id + "/prescriptions", RxOf(drug, days), env.Token(Role::kPharmacist));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json().value("rx_number", "");
}

HttpResult Refill(const std::string& rx, const std::string& token, const std::string& contact = "") {
  auto& env = E2e::Get();
  return env.client().Post("/v1/refills", {{"rx_number", rx}}, token,
                           contact.empty() ? std::vector<std::pair<std::string, std::string>>{} : InContact(contact));
}

// The screenings of this order (or, with an empty order id, of this Rx at entry) in `status`.
nlohmann::json HoldsOf(const std::string& status, const std::string& order_id, const std::string& rx = "") {
  auto& env = E2e::Get();
  nlohmann::json found = nlohmann::json::array();
  std::string cursor;
  do {
    const HttpResult r = env.client().Get(
        "/v1/interaction-holds?status=" + status + "&limit=500" + (cursor.empty() ? "" : "&cursor=" + cursor),
        env.Token(Role::kPharmacist));
    EXPECT_EQ(r.status, 200) << r.body;
    const nlohmann::json body = r.json();
    for (const auto& h : body["items"]) {
      if (!order_id.empty() ? h["order_id"] == order_id : (h["order_id"].is_null() && h["rx_number"] == rx)) {
        found.push_back(h);
      }
    }
    cursor = body["next_cursor"].is_string() ? body["next_cursor"].get<std::string>() : "";
  } while (!cursor.empty());
  return found;
}

HttpResult OrderEvent(const std::string& order_id, const std::string& type, Role role = Role::kPharmacist) {
  auto& env = E2e::Get();
  return env.client().Post("/v1/orders/" + order_id + "/events", {{"type", type}}, env.Token(role));
}

std::vector<std::string> OutboxTemplates(const std::string& member_id) {
  auto db = OpenSqlite({.path = E2e::Get().data_dir() + "/rxdesk.db", .read_only = true});
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return {};
  auto rows =
      (*db)->Query("SELECT template_id FROM notification_outbox WHERE member_id = ? ORDER BY id", {Value(member_id)});
  std::vector<std::string> out;
  if (rows.ok()) {
    for (const Row& r : *rows) out.push_back(r.Text(0));
  }
  return out;
}

const char* const kClinicalWords[] = {"warfarin", "ibuprofen", "nsaid", "major", "bleeding", "severity", "interaction"};

void ExpectNoClinicalDetail(const std::string& body) {
  std::string lower = body;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : kClinicalWords) EXPECT_EQ(lower.find(word), std::string::npos) << word << " in " << body;
}

// A member on warfarin whose new ibuprofen refill is held; returns the order id.
struct Held {
  Member member;
  std::string rx;
  std::string order_id;
  std::string hold_id;
};

Held HeldRefill(int n) {
  auto& env = E2e::Get();
  Held h;
  h.member = NewMember(n);
  EnterRx(h.member.id, "warfarin 5 mg tablet");
  h.rx = EnterRx(h.member.id, "ibuprofen 800 mg tablet");
  const std::string contact = env.VerifiedContact(env.Token(Role::kAgent), h.member.record);
  const HttpResult r = Refill(h.rx, env.Token(Role::kAgent), contact);
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["status"], "in_review");
  h.order_id = r.json().value("order_id", "");
  const nlohmann::json holds = HoldsOf("open", h.order_id);
  EXPECT_EQ(holds.size(), 1u);
  if (!holds.empty()) h.hold_id = holds[0]["id"];
  return h;
}

constexpr char kReason[] = "Prescriber confirmed short course; INR check booked for Friday.";

// ---- interaction screening ------------------------------------------------------------

TEST(InteractionHolds, AMajorInteractionHoldsTheRefillInPharmacistReviewWithTheFindingsForPharmacistsOnly) {
  auto& env = E2e::Get();
  const Held h = HeldRefill(1);
  const HttpResult got = env.client().Get("/v1/interaction-holds/" + h.hold_id, env.Token(Role::kPharmacist));
  ASSERT_EQ(got.status, 200) << got.body;
  const nlohmann::json hold = got.json();
  EXPECT_EQ(hold["status"], "open");
  EXPECT_EQ(hold["severity"], "major");
  EXPECT_EQ(hold["screened_for"], "refill");
  ASSERT_FALSE(hold["findings"].empty());
  EXPECT_EQ(hold["findings"][0]["active_agent"], "warfarin");
  EXPECT_EQ(hold["findings"][0]["new_agent"], "nsaid");
  EXPECT_FALSE(hold["findings"][0]["effect"].get<std::string>().empty());
  // Agents, supervisors and members never read a hold.
  for (Role role : {Role::kAgent, Role::kSupervisor, Role::kMember}) {
    EXPECT_EQ(env.client().Get("/v1/interaction-holds/" + h.hold_id, env.Token(role)).status, 403);
  }
  EXPECT_EQ(env.client().Get("/v1/interaction-holds/" + h.hold_id).status, 401);
  EXPECT_EQ(env.client().Get("/v1/interaction-holds/nope", env.Token(Role::kPharmacist)).status, 404);
}

TEST(InteractionHolds, TheMemberAndTheAgentSeeOnlyThatTheOrderIsInPharmacistReview) {
  auto& env = E2e::Get();
  const Held h = HeldRefill(2);
  const std::string contact = env.VerifiedContact(env.Token(Role::kAgent), h.member.record);
  for (const std::string& path :
       {"/v1/orders/" + h.order_id, "/v1/orders/" + h.order_id + "/events", "/v1/members/" + h.member.id + "/orders"}) {
    const HttpResult agent = env.client().Get(path, env.Token(Role::kAgent), InContact(contact));
    ASSERT_EQ(agent.status, 200) << path << agent.body;
    ExpectNoClinicalDetail(agent.body);
  }
  const HttpResult events =
      env.client().Get("/v1/orders/" + h.order_id + "/events", env.Token(Role::kAgent), InContact(contact));
  const nlohmann::json items = events.json()["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1]["type"], "review_started");
  EXPECT_EQ(items[1]["status"], "in_review");
  EXPECT_EQ(items[1]["note"], "In pharmacist review");
}

TEST(InteractionHolds, TheMembersOwnViewOfAHeldOrderHasNoClinicalDetail) {
  auto& env = E2e::Get();
  // member.demo orders a new ibuprofen prescription after warfarin was entered.
  const std::string member_id = env.DemoMemberId();
  const std::string rx = EnterRx(member_id, "Advil 200 mg tablet");
  const std::string warfarin = EnterRx(member_id, "Coumadin 5 mg");
  const HttpResult r = Refill(rx, env.Token(Role::kMember));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["status"], "in_review");
  ExpectNoClinicalDetail(r.body);
  const std::string order_id = r.json()["order_id"];
  for (const std::string& path : {"/v1/orders/" + order_id, "/v1/orders/" + order_id + "/events"}) {
    const HttpResult got = env.client().Get(path, env.Token(Role::kMember));
    ASSERT_EQ(got.status, 200) << got.body;
    ExpectNoClinicalDetail(got.body);
  }
  // Members cannot reach the queue either.
  EXPECT_EQ(env.client().Get("/v1/interaction-holds", env.Token(Role::kMember)).status, 403);
  // Leave member.demo's medications as they were for other tests: the order and the warfarin go.
  const nlohmann::json holds = HoldsOf("open", order_id);
  const nlohmann::json at_entry = HoldsOf("open", "", warfarin);
  ASSERT_EQ(holds.size(), 1u);
  ASSERT_EQ(at_entry.size(), 1u);
  for (const nlohmann::json& h : {holds[0], at_entry[0]}) {
    EXPECT_EQ(env.client()
                  .Post("/v1/interaction-holds/" + h["id"].get<std::string>() + "/cancel", nlohmann::json::object(),
                        env.Token(Role::kPharmacist))
                  .status,
              200);
  }
}

TEST(InteractionHolds, FilledIsRefusedWhileHeldAndAllowedAfterAnOverrideWithADocumentedReason) {
  auto& env = E2e::Get();
  const Held h = HeldRefill(3);
  HttpResult fill = OrderEvent(h.order_id, "filled");
  EXPECT_EQ(fill.status, 409) << fill.body;
  EXPECT_EQ(fill.error_code(), "interaction_hold");
  const std::string path = "/v1/interaction-holds/" + h.hold_id + "/override";
  // Without a reason, with one too short (19 characters), with control characters or unknown fields: refused.
  HttpResult r = env.client().Post(path, nlohmann::json::object(), env.Token(Role::kPharmacist));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "reason");
  r = env.client().Post(path, {{"reason", std::string(19, 'x')}}, env.Token(Role::kPharmacist));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "reason");
  r = env.client().Post(path, {{"reason", std::string(kReason) + "\x01"}}, env.Token(Role::kPharmacist));
  EXPECT_EQ(r.status, 400);
  r = env.client().Post(path, {{"reason", kReason}, {"extra", 1}}, env.Token(Role::kPharmacist));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "extra");
  r = env.client().Post(path, {{"reason", 42}}, env.Token(Role::kPharmacist));
  EXPECT_EQ(r.status, 400);
  // A supervisor (or an agent) cannot override.
  EXPECT_EQ(env.client().Post(path, {{"reason", kReason}}, env.Token(Role::kSupervisor)).status, 403);
  EXPECT_EQ(env.client().Post(path, {{"reason", kReason}}, env.Token(Role::kAgent)).status, 403);
  EXPECT_EQ(OrderEvent(h.order_id, "filled").status, 409);
  // Exactly 20 characters is enough.
  r = env.client().Post(path, {{"reason", std::string(20, 'y')}}, env.Token(Role::kPharmacist));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "overridden");
  EXPECT_FALSE(r.json()["resolved_at"].is_null());
  EXPECT_EQ(env.client().Post(path, {{"reason", kReason}}, env.Token(Role::kPharmacist)).status, 409);
  fill = OrderEvent(h.order_id, "filled");
  EXPECT_EQ(fill.status, 201) << fill.body;
  EXPECT_EQ(fill.json()["status"], "filled");
  const HttpResult got = env.client().Get("/v1/interaction-holds/" + h.hold_id, env.Token(Role::kPharmacist));
  EXPECT_EQ(got.json()["reason"], std::string(20, 'y'));
  EXPECT_TRUE(HoldsOf("open", h.order_id).empty());
  EXPECT_EQ(HoldsOf("overridden", h.order_id).size(), 1u);
}

TEST(InteractionHolds, CancellingAHeldOrderCancelsItAndTellsTheMemberWithoutDetail) {
  auto& env = E2e::Get();
  const Held h = HeldRefill(4);
  const std::string path = "/v1/interaction-holds/" + h.hold_id + "/cancel";
  EXPECT_EQ(env.client().Post(path, nlohmann::json::object(), env.Token(Role::kSupervisor)).status, 403);
  const HttpResult r =
      env.client().Post(path, {{"reason", "Duplicate anticoagulant therapy risk"}}, env.Token(Role::kPharmacist));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["status"], "cancelled");
  EXPECT_EQ(env.client().Post(path, nlohmann::json::object(), env.Token(Role::kPharmacist)).status, 409);
  const std::string contact = env.VerifiedContact(env.Token(Role::kAgent), h.member.record);
  const HttpResult order = env.client().Get("/v1/orders/" + h.order_id, env.Token(Role::kAgent), InContact(contact));
  EXPECT_EQ(order.json()["status"], "cancelled");
  const HttpResult events =
      env.client().Get("/v1/orders/" + h.order_id + "/events", env.Token(Role::kAgent), InContact(contact));
  EXPECT_EQ(events.json()["items"].back()["note"], "Cancelled after pharmacist review");
  ExpectNoClinicalDetail(events.body);
  const std::vector<std::string> sent = OutboxTemplates(h.member.id);
  EXPECT_NE(std::find(sent.begin(), sent.end(), "order_review_cancelled"), sent.end());
}

TEST(InteractionHolds, ModerateAndMinorFindingsAreAdvisoryAndDoNotHold) {
  auto& env = E2e::Get();
  const Member m = NewMember(5);
  EnterRx(m.id, "sertraline 50 mg");
  EnterRx(m.id, "amlodipine 5 mg");
  const std::string moderate = EnterRx(m.id, "warfarin 5 mg");  // warfarin + SSRI: moderate
  const std::string minor = EnterRx(m.id, "tadalafil 5 mg");    // PDE5 inhibitor + amlodipine: minor
  const std::string contact = env.VerifiedContact(env.Token(Role::kAgent), m.record);
  for (const std::string& rx : {moderate, minor}) {
    const HttpResult r = Refill(rx, env.Token(Role::kAgent), contact);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json()["status"], "received");
    const std::string order_id = r.json()["order_id"];
    EXPECT_TRUE(HoldsOf("open", order_id).empty());
    const nlohmann::json advisory = HoldsOf("advisory", order_id);
    ASSERT_EQ(advisory.size(), 1u);
    EXPECT_EQ(advisory[0]["severity"], rx == moderate ? "moderate" : "minor");
    EXPECT_EQ(OrderEvent(order_id, "review_started").status, 201);
    EXPECT_EQ(OrderEvent(order_id, "filled").status, 201);
  }
}

TEST(InteractionHolds, APrescriptionEnteredWithAMajorInteractionWaitsForAPharmacistAndCancelCancelsIt) {
  auto& env = E2e::Get();
  const Member m = NewMember(6);
  EnterRx(m.id, "isosorbide mononitrate 30 mg");
  const std::string rx = EnterRx(m.id, "sildenafil 20 mg");
  const nlohmann::json holds = HoldsOf("open", "", rx);
  ASSERT_EQ(holds.size(), 1u);
  EXPECT_EQ(holds[0]["screened_for"], "prescription");
  const HttpResult r = env.client().Post("/v1/interaction-holds/" + holds[0]["id"].get<std::string>() + "/cancel",
                                         nlohmann::json::object(), env.Token(Role::kPharmacist));
  ASSERT_EQ(r.status, 200) << r.body;
  const HttpResult got = env.client().Get("/v1/prescriptions/" + rx, env.Token(Role::kPharmacist));
  EXPECT_EQ(got.json()["status"], "cancelled");
  const std::vector<std::string> sent = OutboxTemplates(m.id);
  EXPECT_NE(std::find(sent.begin(), sent.end(), "prescription_review_cancelled"), sent.end());
}

TEST(InteractionHolds, ADrugTheTableDoesNotKnowIsListedUnscreenedAndNotHeld) {
  auto& env = E2e::Get();
  const Member m = NewMember(7);
  EnterRx(m.id, "warfarin 5 mg");
  const std::string rx = EnterRx(m.id, "Zorblatinib 10 mg");
  const HttpResult r = Refill(rx, env.Token(Role::kAgent), env.VerifiedContact(env.Token(Role::kAgent), m.record));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["status"], "received");
  EXPECT_EQ(HoldsOf("unscreened", r.json()["order_id"]).size(), 1u);
}

TEST(InteractionHolds, TheQueueRefusesAnUnknownStatusOrParameter) {
  auto& env = E2e::Get();
  HttpResult r = env.client().Get("/v1/interaction-holds?status=pending", env.Token(Role::kPharmacist));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "status");
  r = env.client().Get("/v1/interaction-holds?stauts=open", env.Token(Role::kPharmacist));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "stauts");
  EXPECT_EQ(env.client().Get("/v1/interaction-holds", env.Token(Role::kAgent)).status, 403);
}

// ---- adherence --------------------------------------------------------------------------

HttpResult RecordFill(const std::string& rx, Date day, int days_supply) {
  auto& env = E2e::Get();
  return env.client().Post("/v1/prescriptions/" + rx + "/fills",
                           {{"fill_date", FormatDate(day)},
                            {"quantity", days_supply},
                            {"days_supply", days_supply},
                            {"override_reason", "historical fill entered for the test"}},
                           env.Token(Role::kPharmacist));
}

HttpResult Adherence(const std::string& member_id, Date from, Date to, Role role = Role::kPharmacist,
                     const std::string& contact = "") {
  auto& env = E2e::Get();
  return env.client().Get("/v1/members/" + member_id + "/adherence?from=" + FormatDate(from) + "&to=" + FormatDate(to),
                          env.Token(role),
                          contact.empty() ? std::vector<std::pair<std::string, std::string>>{} : InContact(contact));
}

nlohmann::json ClassOf(const HttpResult& r, const std::string& name) {
  const nlohmann::json body = r.json();
  for (const auto& c : body["classes"]) {
    if (c["class"] == name) return c;
  }
  return nullptr;
}

TEST(Adherence, PdcOfExactlyEightyPercentIsAdherentAndJustUnderIsNot) {
  const Member m = NewMember(20);
  const std::string rx = EnterRx(m.id, "atorvastatin 20 mg", 40);
  const Date start = TodayCt() - Days{120};
  ASSERT_EQ(RecordFill(rx, start, 40).status, 201);
  ASSERT_EQ(RecordFill(rx, start + Days{40}, 40).status, 201);
  // 80 days covered of 100: exactly the threshold.
  HttpResult r = Adherence(m.id, start, start + Days{99});
  ASSERT_EQ(r.status, 200) << r.body;
  nlohmann::json statins = ClassOf(r, "statins");
  ASSERT_FALSE(statins.is_null()) << r.body;
  EXPECT_EQ(statins["covered_days"], 80);
  EXPECT_EQ(statins["treatment_days"], 100);
  EXPECT_DOUBLE_EQ(statins["pdc"].get<double>(), 0.8);
  EXPECT_EQ(statins["adherent"], true);
  EXPECT_EQ(statins["risk"], "late_refill");  // 19 days past the supply on the period's last day
  // One more day in the period: 80 of 101, just under.
  r = Adherence(m.id, start, start + Days{100});
  statins = ClassOf(r, "statins");
  EXPECT_EQ(statins["treatment_days"], 101);
  EXPECT_EQ(statins["adherent"], false);
  EXPECT_EQ(statins["risk"], "late_refill_and_low_pdc");
  EXPECT_EQ(r.json()["threshold"], 0.8);
}

TEST(Adherence, AnEarlyRefillShiftsForwardInsteadOfCountingDaysTwice) {
  const Member m = NewMember(21);
  const std::string rx = EnterRx(m.id, "lisinopril 10 mg");
  const Date start = TodayCt() - Days{90};
  ASSERT_EQ(RecordFill(rx, start, 30).status, 201);
  ASSERT_EQ(RecordFill(rx, start + Days{20}, 30).status, 201);  // 10 days early
  const HttpResult r = Adherence(m.id, start, start + Days{59});
  const nlohmann::json ras = ClassOf(r, "ras_antagonists");
  ASSERT_FALSE(ras.is_null()) << r.body;
  EXPECT_EQ(ras["covered_days"], 60);  // not 50
  EXPECT_DOUBLE_EQ(ras["pdc"].get<double>(), 1.0);
  EXPECT_EQ(ras["supply_runs_out"], FormatDate(start + Days{60}));
  EXPECT_EQ(ras["risk"], "none");
}

TEST(Adherence, AMemberWithoutFillsInThePeriodHasNoClasses) {
  const Member m = NewMember(22);
  HttpResult r = Adherence(m.id, TodayCt() - Days{30}, TodayCt());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()["classes"].empty());
  const std::string rx = EnterRx(m.id, "metformin 500 mg");
  ASSERT_EQ(RecordFill(rx, TodayCt() - Days{100}, 30).status, 201);
  r = Adherence(m.id, TodayCt() - Days{30}, TodayCt());  // the fill is before the period
  EXPECT_TRUE(r.json()["classes"].empty()) << r.body;
  r = Adherence(m.id, TodayCt() - Days{100}, TodayCt());  // one fill: not measured, but late
  const nlohmann::json diabetes = ClassOf(r, "diabetes");
  ASSERT_FALSE(diabetes.is_null()) << r.body;
  EXPECT_EQ(diabetes["measured"], false);
  EXPECT_EQ(diabetes["risk"], "late_refill");
}

TEST(Adherence, MembersReadTheirOwnAgentsNeedAVerifiedContactSupervisorsCannot) {
  auto& env = E2e::Get();
  const Member m = NewMember(23);
  const Date to = TodayCt();
  EXPECT_EQ(Adherence(env.DemoMemberId(), to - Days{30}, to, Role::kMember).status, 200);
  EXPECT_EQ(Adherence(m.id, to - Days{30}, to, Role::kMember).status, 404);
  const HttpResult no_contact = Adherence(m.id, to - Days{30}, to, Role::kAgent);
  EXPECT_EQ(no_contact.status, 403);
  EXPECT_EQ(no_contact.error_code(), "verification_required");
  const std::string contact = env.VerifiedContact(env.Token(Role::kAgent), m.record);
  EXPECT_EQ(Adherence(m.id, to - Days{30}, to, Role::kAgent, contact).status, 200);
  EXPECT_EQ(Adherence(m.id, to - Days{30}, to, Role::kSupervisor).status, 403);
  EXPECT_EQ(Adherence("no-such-member", to - Days{30}, to).status, 404);
  // Periods: the end after today, the start after the end, malformed dates, unknown parameters.
  EXPECT_EQ(Adherence(m.id, to, to + Days{1}).json()["error"]["field"], "to");
  EXPECT_EQ(Adherence(m.id, to, to - Days{1}).json()["error"]["field"], "from");
  EXPECT_EQ(Adherence(m.id, to - Days{800}, to).json()["error"]["field"], "from");
  HttpResult r = env.client().Get("/v1/members/" + m.id + "/adherence?from=2026-02-30", env.Token(Role::kPharmacist));
  EXPECT_EQ(r.status, 400);
  r = env.client().Get("/v1/members/" + m.id + "/adherence?period=1y", env.Token(Role::kPharmacist));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "period");
}

// Every page of the at-risk list for `query`, following next_cursor.
std::vector<nlohmann::json> AtRiskPages(const std::string& query, int limit, int* pages = nullptr) {
  auto& env = E2e::Get();
  std::vector<nlohmann::json> all;
  std::string cursor;
  int n = 0;
  do {
    const HttpResult r = env.client().Get("/v1/adherence/at-risk?" + query + "&limit=" + std::to_string(limit) +
                                              (cursor.empty() ? "" : "&cursor=" + cursor),
                                          env.Token(Role::kPharmacist));
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) break;
    const nlohmann::json body = r.json();
    EXPECT_LE(body["items"].size(), static_cast<std::size_t>(limit));
    for (const auto& item : body["items"]) all.push_back(item);
    cursor = body["next_cursor"].is_string() ? body["next_cursor"].get<std::string>() : "";
    ++n;
  } while (!cursor.empty() && n < 1000);
  if (pages) *pages = n;
  return all;
}

TEST(AtRisk, FiltersByClassAndReasonAndPagesWithoutGapsOrRepeats) {
  const Date start = TodayCt() - Days{120};
  // Low and late: 2 fills of 20 days in a 100-day period.
  const Member low = NewMember(30);
  const std::string low_rx = EnterRx(low.id, "rosuvastatin 10 mg", 20);
  ASSERT_EQ(RecordFill(low_rx, start, 20).status, 201);
  ASSERT_EQ(RecordFill(low_rx, start + Days{20}, 20).status, 201);
  // Adherent and on time: covered through the period's end.
  const Member fine = NewMember(31);
  const std::string fine_rx = EnterRx(fine.id, "simvastatin 40 mg", 50);
  ASSERT_EQ(RecordFill(fine_rx, start, 50).status, 201);
  ASSERT_EQ(RecordFill(fine_rx, start + Days{50}, 50).status, 201);
  const std::string period = "from=" + FormatDate(start) + "&to=" + FormatDate(start + Days{99});

  int pages = 0;
  const std::vector<nlohmann::json> statins = AtRiskPages(period + "&class=statins", 2, &pages);
  std::set<std::string> seen;
  for (const auto& item : statins) {
    EXPECT_EQ(item["adherence"]["class"], "statins");
    EXPECT_NE(item["adherence"]["risk"], "none");
    EXPECT_TRUE(seen.insert(item["member_id"].get<std::string>()).second) << "repeated " << item;
  }
  EXPECT_TRUE(seen.contains(low.id));
  EXPECT_FALSE(seen.contains(fine.id));
  EXPECT_GE(pages, 1);
  // One page of everything gives the same members as the small pages.
  const std::vector<nlohmann::json> at_once = AtRiskPages(period + "&class=statins", 500);
  EXPECT_EQ(at_once.size(), statins.size());

  for (const auto& item : AtRiskPages(period + "&reason=low_pdc", 500)) {
    const std::string risk = item["adherence"]["risk"];
    EXPECT_TRUE(risk == "low_pdc" || risk == "late_refill_and_low_pdc") << risk;
  }
  for (const auto& item : AtRiskPages(period + "&reason=late_refill&class=ras_antagonists", 500)) {
    EXPECT_EQ(item["adherence"]["class"], "ras_antagonists");
    const std::string risk = item["adherence"]["risk"];
    EXPECT_TRUE(risk == "late_refill" || risk == "late_refill_and_low_pdc") << risk;
    EXPECT_NE(item["member_id"], low.id);
  }
}

TEST(AtRisk, RefusesBadParametersAndRolesOutsidePharmacistsAndSupervisors) {
  auto& env = E2e::Get();
  for (const char* bad : {"class=antibiotics", "reason=late", "to=2999-01-01", "from=yesterday", "limit=0", "limit=501",
                          "cursor=nonsense", "sort=pdc"}) {
    const HttpResult r = env.client().Get(std::string("/v1/adherence/at-risk?") + bad, env.Token(Role::kPharmacist));
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
    EXPECT_EQ(r.error_code(), "invalid_request") << bad;
  }
  EXPECT_EQ(env.client().Get("/v1/adherence/at-risk", env.Token(Role::kSupervisor)).status, 200);
  EXPECT_EQ(env.client().Get("/v1/adherence/at-risk", env.Token(Role::kAgent)).status, 403);
  EXPECT_EQ(env.client().Get("/v1/adherence/at-risk", env.Token(Role::kMember)).status, 403);
  EXPECT_EQ(env.client().Get("/v1/adherence/at-risk").status, 401);
}

// ---- MTM requests -------------------------------------------------------------------------

int ClinicalQueueWaiting() {
  auto& env = E2e::Get();
  const HttpResult r = env.client().Get("/v1/queues", env.Token(Role::kSupervisor));
  EXPECT_EQ(r.status, 200) << r.body;
  const nlohmann::json body = r.json();
  for (const auto& q : body["items"]) {
    if (q["id"] == "clinical_pharmacist") return q["waiting"];
  }
  ADD_FAILURE() << "no clinical_pharmacist queue";
  return -1;
}

TEST(Mtm, AMembersRequestIsRoutedToTheClinicalPharmacistQueueAndTrackedToCompletion) {
  auto& env = E2e::Get();
  const int waiting = ClinicalQueueWaiting();
  const std::string path = "/v1/members/" + env.DemoMemberId() + "/mtm-requests";
  const HttpResult r = env.client().Post(path, {{"topic", "medication_review"}, {"note", "I take 9 medicines now"}},
                                         env.Token(Role::kMember));
  ASSERT_EQ(r.status, 201) << r.body;
  const nlohmann::json created = r.json();
  EXPECT_EQ(created["status"], "requested");
  EXPECT_EQ(created["reference"].get<std::string>().substr(0, 3), "RX-");
  EXPECT_EQ(ClinicalQueueWaiting(), waiting + 1);
  const std::string id = created["id"];

  // The member sees it in their list; the pharmacist in the queue, with the note.
  const HttpResult mine = env.client().Get(path, env.Token(Role::kMember));
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.json()["items"][0]["id"], id);
  bool listed = false;
  const HttpResult queue = env.client().Get("/v1/mtm-requests?limit=500", env.Token(Role::kPharmacist));
  const nlohmann::json items = queue.json()["items"];
  for (const auto& item : items) listed = listed || item["id"] == id;
  EXPECT_TRUE(listed);
  const HttpResult got = env.client().Get("/v1/mtm-requests/" + id, env.Token(Role::kPharmacist));
  EXPECT_EQ(got.json()["note"], "I take 9 medicines now");
  const std::vector<std::string> sent = OutboxTemplates(env.DemoMemberId());
  EXPECT_NE(std::find(sent.begin(), sent.end(), "mtm_request_received"), sent.end());

  const std::string complete = "/v1/mtm-requests/" + id + "/complete";
  EXPECT_EQ(env.client().Post(complete, {{"outcome", "   "}}, env.Token(Role::kPharmacist)).status, 400);
  EXPECT_EQ(env.client().Post(complete, {{"outcome", "Reviewed"}}, env.Token(Role::kSupervisor)).status, 403);
  const HttpResult done =
      env.client().Post(complete, {{"outcome", "Reviewed all medicines; no changes."}}, env.Token(Role::kPharmacist));
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()["status"], "completed");
  EXPECT_EQ(env.client().Post(complete, {{"outcome", "again"}}, env.Token(Role::kPharmacist)).status, 409);
}

TEST(Mtm, AnAgentAsksOnlyInsideAVerifiedContactForThatMember) {
  auto& env = E2e::Get();
  const Member m = NewMember(40);
  const std::string path = "/v1/members/" + m.id + "/mtm-requests";
  HttpResult r = env.client().Post(path, {{"topic", "side_effects"}}, env.Token(Role::kAgent));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "verification_required");
  const std::string contact = env.VerifiedContact(env.Token(Role::kAgent), m.record);
  r = env.client().Post(path, {{"topic", "side_effects"}, {"language", "es"}}, env.Token(Role::kAgent),
                        InContact(contact));
  EXPECT_EQ(r.status, 201) << r.body;
  // Another member's record through this contact: refused.
  r = env.client().Post("/v1/members/" + env.DemoMemberId() + "/mtm-requests", {{"topic", "cost"}},
                        env.Token(Role::kAgent), InContact(contact));
  EXPECT_EQ(r.status, 403);
  // A member cannot ask for someone else; bad topics, notes and fields are refused.
  EXPECT_EQ(env.client().Post(path, {{"topic", "cost"}}, env.Token(Role::kMember)).status, 404);
  for (const nlohmann::json& bad :
       {nlohmann::json{{"topic", "diagnosis"}}, nlohmann::json{{"note", "x"}},
        nlohmann::json{{"topic", "cost"}, {"note", std::string(1001, 'a')}},
        nlohmann::json{{"topic", "cost"}, {"urgent", true}}, nlohmann::json{{"topic", "cost"}, {"language", "fr"}}}) {
    r = env.client().Post(path, bad, env.Token(Role::kAgent), InContact(contact));
    EXPECT_EQ(r.status, 400) << bad.dump() << r.body;
  }
  EXPECT_EQ(env.client().Post(path, {{"topic", "cost"}}, env.Token(Role::kSupervisor)).status, 403);
  EXPECT_EQ(env.client().Get("/v1/mtm-requests", env.Token(Role::kAgent)).status, 403);
}

}  // namespace
}  // namespace rxdesk::testing
