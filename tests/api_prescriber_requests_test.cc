// 90-day mail-order switches and renewal requests over HTTP against the real
// server: eligibility refusals, the full approval path to a new prescription a
// refill can be placed on, denial notifying the member, the state machine's 409s,
// duplicates, idempotent retries and who may do what.
#include <date/tz.h>
#include <gtest/gtest.h>

#include "domain/zone.h"
#include "store/db.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

Date TodayCt() {
  static const Zone zone(date::locate_zone("America/Chicago"));
  return zone.LocalDate(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

constexpr char kAtorvastatin[] = "99999-0101-01";    // maintenance (the seeded formulary)
constexpr char kClarithromycin[] = "99999-0115-01";  // acute
constexpr char kOxycodone[] = "99999-0201-01";       // Schedule II
constexpr char kBuprenorphine[] = "99999-0202-01";   // Schedule III, maintenance

nlohmann::json RxBody(const char* ndc, const std::string& schedule = "none", int days = 30, int refills = 3,
                      int quantity = 30) {
  nlohmann::json body = {{"drug", {{"ndc", ndc}, {"name", "a drug"}, {"strength", "20 mg"}, {"form", "tablet"}}},
                         {"schedule", schedule},
                         {"quantity", quantity},
                         {"days_supply", days},
                         {"refills_authorized", refills},
                         {"written_date", FormatDate(TodayCt() - Days{60})},
                         {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}}}};
  if (schedule != "none") body["prescriber"]["dea"] = "AQ1234563";
  return body;
}

struct Fixture {
  std::string member_id;
  std::string contact;  // agent.demo's verified contact with this member
};

Fixture NewMember(int n) {
  auto& env = E2e::Get();
  const HttpResult member = env.client().Post("/v1/members", NewMemberBody(8700 + n), env.Token(Role::kAgent));
  EXPECT_EQ(member.status, 201) << member.body;
  return {member.json().value("id", ""), env.VerifiedContact(env.Token(Role::kAgent), member.json())};
}

std::string NewRx(const std::string& member_id, const nlohmann::json& body) {
  auto& env = E2e::Get();
  const HttpResult rx =
      env.client().Post("/v1/members/" + member_id + "/prescriptions", body, env.Token(Role::kPharmacist));
  EXPECT_EQ(rx.status, 201) << rx.body;
  return rx.json().value("rx_number", "");
}

HttpResult Fill(const std::string& rx, Date day) {
  auto& env = E2e::Get();
  return env.client().Post("/v1/prescriptions/" + rx + "/fills",
                           {{"fill_date", FormatDate(day)}, {"quantity", 30}, {"days_supply", 30}},
                           env.Token(Role::kPharmacist));
}

HttpResult Event(const std::string& path, const nlohmann::json& body, Role role = Role::kPharmacist,
                 const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  auto& env = E2e::Get();
  return env.client().Post(path + "/events", body, env.Token(role), headers);
}

// Outbox rows of one template for a member, read from the server's database.
int OutboxCount(const std::string& member_id, const std::string& template_id) {
  auto db = OpenSqlite({.path = E2e::Get().data_dir() + "/rxdesk.db", .read_only = true});
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return -1;
  auto rows = (*db)->Query("SELECT COUNT(*) FROM notification_outbox WHERE member_id = ? AND template_id = ?",
                           {Value(member_id), Value(template_id)});
  EXPECT_TRUE(rows.ok());
  return rows.ok() ? static_cast<int>((*rows)[0].Int(0)) : -1;
}

TEST(MailOrderSwitches, TheFullApprovalPathMakesANinetyDayRxARefillCanBePlacedOn) {
  auto& env = E2e::Get();
  const std::string& member = env.Token(Role::kMember);
  const std::string retail = NewRx(env.DemoMemberId(), RxBody(kAtorvastatin));
  const std::vector<std::pair<std::string, std::string>> key = {{"Idempotency-Key", "switch-" + retail}};
  const HttpResult created = env.client().Post("/v1/mail-order-switches", {{"rx_number", retail}}, member, key);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  EXPECT_EQ(created.json()["status"], "requested");
  EXPECT_EQ(created.json()["new_rx_number"], nullptr);
  // A retry with the same key answers the same request; without it, the open request is named.
  const HttpResult replay = env.client().Post("/v1/mail-order-switches", {{"rx_number", retail}}, member, key);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.json()["id"], id);
  const HttpResult twice = env.client().Post("/v1/mail-order-switches", {{"rx_number", retail}}, member);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.json()["error"]["details"]["id"], id);

  // The pharmacist's queue holds it; the member sees it in their list.
  const HttpResult queue =
      env.client().Get("/v1/mail-order-switches?status=requested&limit=500", env.Token(Role::kPharmacist));
  ASSERT_EQ(queue.status, 200);
  bool queued = false;
  const nlohmann::json listed = queue.json();  // kept: the loop must not walk a temporary
  for (const auto& item : listed["items"]) queued = queued || item["id"] == id;
  EXPECT_TRUE(queued) << queue.body;
  const HttpResult mine = env.client().Get("/v1/members/" + env.DemoMemberId() + "/mail-order-switches", member);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.json()["items"][0]["id"], id);

  const std::string path = "/v1/mail-order-switches/" + id;
  ASSERT_EQ(Event(path, {{"type", "sent_to_prescriber"}}).status, 200);
  const HttpResult approved = Event(path, {{"type", "approved"}, {"refills_authorized", 3}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["status"], "approved");
  const std::string mail = approved.json()["new_rx_number"];
  ASSERT_EQ(mail.size(), 8u);

  const HttpResult fresh = env.client().Get("/v1/prescriptions/" + mail, member);
  ASSERT_EQ(fresh.status, 200);
  EXPECT_EQ(fresh.json()["days_supply"], 90);
  EXPECT_EQ(fresh.json()["quantity"], "90");
  EXPECT_EQ(fresh.json()["refills_remaining"], 3);
  EXPECT_EQ(fresh.json()["written_date"], FormatDate(TodayCt()));
  EXPECT_EQ(env.client().Get("/v1/prescriptions/" + retail, member).json()["status"], "cancelled");
  EXPECT_EQ(OutboxCount(env.DemoMemberId(), "mail_order_switch_approved"), 1);
  // The member orders the new prescription at once.
  const HttpResult refill = env.client().Post("/v1/refills", {{"rx_number", mail}}, member);
  EXPECT_EQ(refill.status, 201) << refill.body;
  // Answered: nothing moves it any more.
  EXPECT_EQ(Event(path, {{"type", "cancelled"}}, Role::kMember).status, 409);
  EXPECT_EQ(Event(path, {{"type", "denied"}, {"reason", "changed mind"}}).error_code(), "invalid_transition");
}

TEST(MailOrderSwitches, AreRefusedWithTheDomainsCodes) {
  auto& env = E2e::Get();
  const Fixture f = NewMember(1);
  const auto ask = [&](const std::string& rx) {
    return env.client().Post("/v1/mail-order-switches", {{"rx_number", rx}}, env.Token(Role::kAgent),
                             InContact(f.contact));
  };
  const HttpResult acute = ask(NewRx(f.member_id, RxBody(kClarithromycin)));
  EXPECT_EQ(acute.status, 422);
  EXPECT_EQ(acute.error_code(), "not_maintenance_medication");
  EXPECT_EQ(ask(NewRx(f.member_id, RxBody(kAtorvastatin, "none", 90, 3, 90))).error_code(), "days_supply_not_retail");
  EXPECT_EQ(ask(NewRx(f.member_id, RxBody(kAtorvastatin, "none", 35))).error_code(), "days_supply_not_retail");
  EXPECT_EQ(ask(NewRx(f.member_id, RxBody(kAtorvastatin, "none", 34))).status, 201);
  EXPECT_EQ(ask(NewRx(f.member_id, RxBody(kOxycodone, "II", 7, 0))).error_code(), "schedule_ii_not_eligible");
  EXPECT_EQ(ask(NewRx(f.member_id, RxBody(kBuprenorphine, "III", 30, 5))).status, 201);  // III–V may switch
  // Malformed input names the field.
  EXPECT_EQ(ask("1234567").error_code(), "invalid_request");
  const HttpResult extra = env.client().Post("/v1/mail-order-switches", {{"rx_number", "10000007"}, {"speed", "x"}},
                                             env.Token(Role::kAgent), InContact(f.contact));
  EXPECT_EQ(extra.status, 400);
  EXPECT_EQ(extra.json()["error"]["field"], "speed");
  EXPECT_EQ(
      env.client()
          .Post("/v1/mail-order-switches", {{"rx_number", 10000007}}, env.Token(Role::kAgent), InContact(f.contact))
          .json()["error"]["field"],
      "rx_number");
}

TEST(MailOrderSwitches, ADenialNotifiesTheMemberAndKeepsTheRetailRx) {
  auto& env = E2e::Get();
  const Fixture f = NewMember(2);
  const std::string rx = NewRx(f.member_id, RxBody(kAtorvastatin));
  const HttpResult created =
      env.client().Post("/v1/mail-order-switches", {{"rx_number", rx}}, env.Token(Role::kAgent), InContact(f.contact));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/v1/mail-order-switches/" + created.json()["id"].get<std::string>();
  // Denied before it was sent: the state machine refuses (409).
  EXPECT_EQ(Event(path, {{"type", "denied"}, {"reason", "not yet"}}).status, 409);
  ASSERT_EQ(Event(path, {{"type", "sent_to_prescriber"}}).status, 200);
  const HttpResult no_reason = Event(path, {{"type", "denied"}});
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_EQ(no_reason.json()["error"]["field"], "reason");
  const HttpResult denied = Event(path, {{"type", "denied"}, {"reason", "prefers monthly follow-up"}});
  ASSERT_EQ(denied.status, 200) << denied.body;
  EXPECT_EQ(denied.json()["status"], "denied");
  EXPECT_EQ(denied.json()["new_rx_number"], nullptr);
  EXPECT_EQ(OutboxCount(f.member_id, "mail_order_switch_denied"), 1);
  EXPECT_EQ(env.client().Get("/v1/prescriptions/" + rx, env.Token(Role::kPharmacist)).json()["status"], "active");
  const HttpResult read = env.client().Get(path, env.Token(Role::kAgent), InContact(f.contact));
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.json()["reason"], "prefers monthly follow-up");
}

TEST(MailOrderSwitches, RolesAndTheVerifiedContactGateApply) {
  auto& env = E2e::Get();
  const Fixture f = NewMember(3);
  const std::string rx = NewRx(f.member_id, RxBody(kAtorvastatin));
  // An agent without a verified contact is refused; member.demo cannot reach another member's Rx.
  EXPECT_EQ(env.client().Post("/v1/mail-order-switches", {{"rx_number", rx}}, env.Token(Role::kAgent)).error_code(),
            "verification_required");
  EXPECT_EQ(env.client().Post("/v1/mail-order-switches", {{"rx_number", rx}}, env.Token(Role::kMember)).status, 404);
  const HttpResult created =
      env.client().Post("/v1/mail-order-switches", {{"rx_number", rx}}, env.Token(Role::kAgent), InContact(f.contact));
  ASSERT_EQ(created.status, 201);
  const std::string path = "/v1/mail-order-switches/" + created.json()["id"].get<std::string>();
  EXPECT_EQ(env.client().Get(path, env.Token(Role::kMember)).status, 404);
  EXPECT_EQ(env.client().Get(path, env.Token(Role::kAgent)).error_code(), "verification_required");
  // Only a pharmacist records the prescriber's side; the queue is not for agents or members.
  EXPECT_EQ(Event(path, {{"type", "sent_to_prescriber"}}, Role::kAgent, InContact(f.contact)).status, 403);
  EXPECT_EQ(Event(path, {{"type", "sent_to_prescriber"}}, Role::kSupervisor).status, 403);
  EXPECT_EQ(env.client().Get("/v1/mail-order-switches", env.Token(Role::kAgent)).status, 403);
  EXPECT_EQ(env.client().Get("/v1/mail-order-switches", env.Token(Role::kMember)).status, 403);
  EXPECT_EQ(env.client().Get("/v1/mail-order-switches", env.Token(Role::kAdmin)).status, 403);
  EXPECT_EQ(env.client().Get("/v1/mail-order-switches?status=bogus", env.Token(Role::kPharmacist)).error_code(),
            "invalid_request");
  EXPECT_EQ(Event(path, {{"type", "approve"}}).json()["error"]["field"], "type");
  EXPECT_EQ(Event(path, {{"type", "sent_to_prescriber"}, {"note", "x"}}).json()["error"]["field"], "note");
  // The agent cancels for the member, in the contact.
  const HttpResult cancelled = Event(path, {{"type", "cancelled"}}, Role::kAgent, InContact(f.contact));
  EXPECT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()["status"], "cancelled");
}

TEST(RenewalRequests, ANoRefillsRefusalOffersARenewalAndItsApprovalMakesANewRx) {
  auto& env = E2e::Get();
  const std::string& member = env.Token(Role::kMember);
  const std::string rx = NewRx(env.DemoMemberId(), RxBody(kClarithromycin, "none", 30, 0));
  ASSERT_EQ(Fill(rx, TodayCt() - Days{40}).status, 201);  // the original fill: no refill remains
  const HttpResult refused = env.client().Post("/v1/refills", {{"rx_number", rx}}, member);
  EXPECT_EQ(refused.error_code(), "no_refills_remaining");
  EXPECT_EQ(refused.json()["error"]["details"]["renewal"], "available");

  const std::string ask = "/v1/prescriptions/" + rx + "/renewal-requests";
  const HttpResult created = env.client().Post(ask, nlohmann::json::object(), member);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  const HttpResult twice = env.client().Post(ask, nlohmann::json::object(), member);
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.json()["error"]["details"]["id"], id);

  const std::string path = "/v1/renewal-requests/" + id;
  EXPECT_EQ(Event(path, {{"type", "approved"}, {"refills_authorized", 2}}).status, 409);  // not sent yet
  ASSERT_EQ(Event(path, {{"type", "sent"}}).status, 200);
  const HttpResult queue = env.client().Get("/v1/renewal-requests?status=sent&limit=500", env.Token(Role::kPharmacist));
  ASSERT_EQ(queue.status, 200);
  bool queued = false;
  const nlohmann::json listed = queue.json();  // kept: the loop must not walk a temporary
  for (const auto& item : listed["items"]) queued = queued || item["id"] == id;
  EXPECT_TRUE(queued) << queue.body;
  const HttpResult approved = Event(path, {{"type", "approved"}, {"refills_authorized", 2}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  const std::string renewed = approved.json()["new_rx_number"];
  EXPECT_EQ(OutboxCount(env.DemoMemberId(), "renewal_approved"), 1);
  const HttpResult fresh = env.client().Get("/v1/prescriptions/" + renewed, member);
  EXPECT_EQ(fresh.json()["refills_remaining"], 2);
  EXPECT_EQ(fresh.json()["days_supply"], 30);
  EXPECT_EQ(env.client().Post("/v1/refills", {{"rx_number", renewed}}, member).status, 201);
  EXPECT_EQ(env.client().Get(path, member).json()["status"], "approved");
  const HttpResult list = env.client().Get("/v1/members/" + env.DemoMemberId() + "/renewal-requests", member);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["items"][0]["id"], id);
}

TEST(RenewalRequests, FollowTheLawAndRefuseWhatIsNotNeeded) {
  auto& env = E2e::Get();
  const Fixture f = NewMember(4);
  const auto ask = [&](const std::string& rx) {
    return env.client().Post("/v1/prescriptions/" + rx + "/renewal-requests", nlohmann::json::object(),
                             env.Token(Role::kAgent), InContact(f.contact));
  };
  const HttpResult has_refills = ask(NewRx(f.member_id, RxBody(kAtorvastatin)));
  EXPECT_EQ(has_refills.status, 422);
  EXPECT_EQ(has_refills.error_code(), "renewal_not_needed");
  const std::string c2 = NewRx(f.member_id, RxBody(kOxycodone, "II", 7, 0));
  ASSERT_EQ(Fill(c2, TodayCt() - Days{20}).status, 201);
  EXPECT_EQ(ask(c2).error_code(), "schedule_ii_new_prescription_required");
  // A Schedule III renewal is approved within the law's five refills.
  const std::string c3 = NewRx(f.member_id, RxBody(kBuprenorphine, "III", 30, 0));
  ASSERT_EQ(Fill(c3, TodayCt() - Days{40}).status, 201);
  const HttpResult created = ask(c3);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/v1/renewal-requests/" + created.json()["id"].get<std::string>();
  ASSERT_EQ(Event(path, {{"type", "sent"}}).status, 200);
  EXPECT_EQ(Event(path, {{"type", "approved"}, {"refills_authorized", 6}}).error_code(), "controlled_refill_limit");
  const HttpResult denied = Event(path, {{"type", "denied"}, {"reason", "needs an office visit"}});
  EXPECT_EQ(denied.status, 200);
  EXPECT_EQ(OutboxCount(f.member_id, "renewal_denied"), 1);
  // Wrong roles and no contact.
  EXPECT_EQ(
      env.client()
          .Post("/v1/prescriptions/" + c3 + "/renewal-requests", nlohmann::json::object(), env.Token(Role::kAgent))
          .error_code(),
      "verification_required");
  EXPECT_EQ(env.client()
                .Post("/v1/prescriptions/" + c3 + "/renewal-requests", nlohmann::json::object(),
                      env.Token(Role::kPrivacyOfficer))
                .status,
            403);
  EXPECT_EQ(env.client()
                .Post("/v1/prescriptions/" + c3 + "/renewal-requests", {{"why", "x"}}, env.Token(Role::kPharmacist))
                .json()["error"]["field"],
            "why");
}

}  // namespace
}  // namespace rxdesk::testing
