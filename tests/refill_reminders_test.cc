// Refill reminders and auto-refill end to end: the real `rxdesk serve` (its
// background job off: every pass is run through POST /v1/jobs/refill-reminders/run)
// over HTTP, with the outbox and the orders read back. The reminder window's edges
// on the day, the member's channel, one order per supply cycle however many passes
// run, the refusals auto-refill tells the member of once, opting out, the roles;
// and a pass killed with kill -9 over 2,000 members that, run again after a
// restart, neither sends a reminder twice nor orders a refill twice.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

#include "domain/time.h"
#include "store/db.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

Date Today() {
  // The server's "today" is the operator's (America/Chicago); a test run near
  // midnight UTC must agree with it, so the day is taken 6 hours back (CST) or 5 (CDT).
  return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now() - std::chrono::hours(5));
}

HttpResult Put(HttpClient& client, const std::string& target, const nlohmann::json& body, const std::string& token,
               Headers headers = {}) {
  headers.emplace_back("Authorization", "Bearer " + token);
  headers.emplace_back("Content-Type", "application/json");
  return client.Send("PUT", target, body.dump(), headers);
}

// A server of its own (seeded with the demo accounts and `members` members), the job off.
class ReminderServer {
 public:
  explicit ReminderServer(int members = 1, std::vector<std::string> env = {}) {
    env_ = std::move(env);  // the reminder job is off unless `env` sets its interval (ServerProcess)
    const CommandResult seeded = Rxdesk({"seed", "--demo", "--members", std::to_string(members)}, dir_.path());
    EXPECT_EQ(seeded.exit_code, 0) << seeded.err;
  }

  void Start() {
    server_ = std::make_unique<ServerProcess>(dir_.path(), std::vector<std::string>{}, env_);
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
  }
  void Kill9() { server_->Kill9(); }

  // Signs in a demo account (workforce with the current TOTP code).
  std::string Login(const std::string& username) {
    nlohmann::json body = {{"username", username}, {"password", kDemoPassword}};
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (username != "member.demo") {
        body["totp"] = Rxdesk({"user", "totp", "--username", username}, dir_.path()).out.substr(0, 6);
      }
      const HttpResult r = client_->Post("/v1/auth/login", body);
      if (r.status == 200) return r.json()["token"];
      if (r.error_code() != "mfa_required") break;
      // A TOTP code works once per 30-second step.
      std::this_thread::sleep_for(std::chrono::seconds(31 - (std::time(nullptr) % 30)));
    }
    ADD_FAILURE() << "cannot sign in " << username;
    return "";
  }

  void SignIn() {
    pharmacist_ = Login("pharmacist.demo");
    agent_ = Login("agent.demo");
    supervisor_ = Login("supervisor.demo");
  }

  // A new member with email and phone; returns the API's member JSON.
  nlohmann::json NewMember() {
    static int n = 0;
    const HttpResult m = client_->Post("/v1/members", NewMemberBody(700 + ++n), pharmacist_);
    EXPECT_EQ(m.status, 201) << m.body;
    return m.json();
  }

  // An agent's verified contact for `member`.
  std::string Contact(const nlohmann::json& member) {
    const HttpResult opened = client_->Post("/v1/contacts", {{"channel", "call"}}, agent_);
    EXPECT_EQ(opened.status, 201) << opened.body;
    const std::string id = opened.json().value("id", "");
    const HttpResult verified = client_->Post("/v1/contacts/" + id + "/verify",
                                              {{"first_name", member["first_name"]},
                                               {"last_name", member["last_name"]},
                                               {"date_of_birth", member["date_of_birth"]},
                                               {"address", member["address"]}},
                                              agent_);
    EXPECT_EQ(verified.status, 200) << verified.body;
    return id;
  }

  void SetChannel(const nlohmann::json& member, const std::string& channel) {
    const std::string contact = Contact(member);
    const HttpResult r = Put(*client_, "/v1/members/" + member["id"].get<std::string>() + "/notification-preferences",
                             {{"channel", channel}, {"language", "en"}}, agent_, InContact(contact));
    EXPECT_EQ(r.status, 200) << r.body;
  }

  // A prescription of `member_id` with one fill `days_ago` days before today.
  std::string Prescription(const std::string& member_id, int days_ago, const std::string& schedule = "none",
                           int refills = 3, int days_supply = 30) {
    const HttpResult rx =
        client_->Post("/v1/members/" + member_id + "/prescriptions",
                      {{"drug", {{"ndc", "00093-7146-56"}, {"name", "atorvastatin"}}},
                       {"schedule", schedule},
                       {"quantity", 30},
                       {"days_supply", days_supply},
                       {"refills_authorized", refills},
                       {"written_date", FormatDate(Today() - Days{days_ago + 5})},
                       {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}, {"dea", "AQ1234563"}}}},
                      pharmacist_);
    EXPECT_EQ(rx.status, 201) << rx.body;
    const std::string rx_number = rx.json().value("rx_number", "");
    const HttpResult fill = client_->Post(
        "/v1/prescriptions/" + rx_number + "/fills",
        {{"fill_date", FormatDate(Today() - Days{days_ago})}, {"quantity", 30}, {"days_supply", days_supply}},
        pharmacist_);
    EXPECT_EQ(fill.status, 201) << fill.body;
    return rx_number;
  }

  HttpResult AutoRefill(const nlohmann::json& member, const std::string& rx_number, bool enabled) {
    return Put(*client_, "/v1/prescriptions/" + rx_number + "/auto-refill", {{"enabled", enabled}}, agent_,
               InContact(Contact(member)));
  }

  // One pass (as the supervisor) for `as_of`; returns the report.
  nlohmann::json RunPass(Date as_of) {
    const HttpResult r = client_->Post("/v1/jobs/refill-reminders/run", {{"as_of", FormatDate(as_of)}}, supervisor_);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }

  Rows Query(const std::string& sql, std::initializer_list<Value> params = {}) {
    auto db = OpenSqlite({.path = dir_.path() + "/rxdesk.db", .read_only = true});
    EXPECT_TRUE(db.ok());
    if (!db.ok()) return {};
    auto rows = (*db)->Query(sql, std::span<const Value>(params.begin(), params.size()));
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
    return rows.ok() ? std::move(*rows) : Rows{};
  }

  // The member's outbox rows: (template, channel).
  std::vector<std::pair<std::string, std::string>> Outbox(const std::string& member_id) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const Row& r : Query("SELECT template_id, channel FROM notification_outbox WHERE member_id = ? ORDER BY id",
                              {Value(member_id)})) {
      out.emplace_back(r.Text(0), r.Text(1));
    }
    return out;
  }

  std::int64_t Orders(const std::string& rx_number) {
    return Query("SELECT COUNT(*) FROM orders WHERE rx_number = ?", {Value(rx_number)}).at(0).Int(0);
  }

  HttpClient& client() { return *client_; }
  const std::string& data_dir() const { return dir_.path(); }
  const std::string& pharmacist() const { return pharmacist_; }
  const std::string& agent() const { return agent_; }
  const std::string& supervisor() const { return supervisor_; }

 private:
  TempDir dir_;
  std::vector<std::string> env_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
  std::string pharmacist_, agent_, supervisor_;
};

// One server for the tests below (each uses members of its own).
ReminderServer& Shared() {
  static ReminderServer* server = [] {
    auto* s = new ReminderServer();
    s->Start();
    s->SignIn();
    return s;
  }();
  return *server;
}

using Outbox = std::vector<std::pair<std::string, std::string>>;
const std::pair<std::string, std::string> kEmailReminder{"refill_reminder", "email"};

// ---------------------------------------------------------------- reminders

TEST(RefillRemindersTest, TheReminderGoesOutSevenDaysBeforeTheSupplyRunsOutAndNotTheDayBefore) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  const std::string id = member["id"];
  // Filled 22 days ago for 30 days: runs out in 8 days. Its window opens tomorrow.
  s.Prescription(id, 22);
  s.RunPass(Today());
  EXPECT_EQ(s.Outbox(id), Outbox{});
  s.RunPass(Today() + Days{1});
  EXPECT_EQ(s.Outbox(id), Outbox{kEmailReminder});
}

TEST(RefillRemindersTest, TheReminderStillGoesOutOnTheDayTheSupplyRunsOutButNotTheDayAfter) {
  ReminderServer& s = Shared();
  const nlohmann::json late = s.NewMember();
  const nlohmann::json lapsed = s.NewMember();
  s.Prescription(late["id"], 30);    // runs out today
  s.Prescription(lapsed["id"], 31);  // ran out yesterday
  s.RunPass(Today());
  EXPECT_EQ(s.Outbox(late["id"]), Outbox{kEmailReminder});
  EXPECT_EQ(s.Outbox(lapsed["id"]), Outbox{});
}

TEST(RefillRemindersTest, ASecondPassOnTheSameDaySendsNothingMore) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  s.Prescription(member["id"], 23);  // runs out in 7 days: due today
  const nlohmann::json first = s.RunPass(Today());
  const nlohmann::json second = s.RunPass(Today());
  const nlohmann::json next_day = s.RunPass(Today() + Days{1});
  EXPECT_GE(first["reminders_queued"].get<int>(), 1);
  EXPECT_EQ(second["reminders_queued"], 0);
  EXPECT_EQ(next_day["reminders_queued"], 0);
  EXPECT_EQ(s.Outbox(member["id"]), Outbox{kEmailReminder});
}

TEST(RefillRemindersTest, TheReminderGoesByTheMembersChosenChannelAndNotAtAllForNone) {
  ReminderServer& s = Shared();
  const nlohmann::json by_email = s.NewMember();
  const nlohmann::json by_sms = s.NewMember();
  const nlohmann::json by_none = s.NewMember();
  s.SetChannel(by_email, "email");
  s.SetChannel(by_sms, "sms");
  s.SetChannel(by_none, "none");
  for (const auto* m : {&by_email, &by_sms, &by_none}) s.Prescription((*m)["id"], 23);
  const nlohmann::json report = s.RunPass(Today());
  EXPECT_EQ(s.Outbox(by_email["id"]), Outbox{kEmailReminder});
  EXPECT_EQ(s.Outbox(by_sms["id"]), (Outbox{{"refill_reminder", "sms"}}));
  EXPECT_EQ(s.Outbox(by_none["id"]), Outbox{});
  EXPECT_GE(report["reminders_unreachable"].get<int>(), 1);
  // The member who chose none is still marked for the cycle: a later pass does not try again.
  const Rows marks = s.Query("SELECT outcome, channel FROM refill_cycle_actions WHERE member_id = ?",
                             {Value(by_none["id"].get<std::string>())});
  ASSERT_EQ(marks.size(), 1u);
  EXPECT_EQ(marks[0].Text(0), "unreachable");
  EXPECT_EQ(marks[0].Text(1), "none");
}

TEST(RefillRemindersTest, ANewFillStartsANewCycleWithItsOwnReminder) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  const std::string rx = s.Prescription(member["id"], 60);  // first cycle long over
  const HttpResult fill = s.client().Post("/v1/prescriptions/" + rx + "/fills",
                                          {{"fill_date", FormatDate(Today() - Days{23})},
                                           {"quantity", 30},
                                           {"days_supply", 30},
                                           {"override_reason", "historical fill keyed from paper records"}},
                                          s.pharmacist());
  ASSERT_EQ(fill.status, 201) << fill.body;
  s.RunPass(Today());
  EXPECT_EQ(s.Outbox(member["id"]), Outbox{kEmailReminder});
  EXPECT_EQ(s.Query("SELECT cycle_fill_date FROM refill_cycle_actions WHERE rx_number = ?", {Value(rx)}).at(0).Text(0),
            FormatDate(Today() - Days{23}));
}

TEST(RefillRemindersTest, NoReminderWhileARefillIsAlreadyOnItsWay) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  const std::string rx = s.Prescription(member["id"], 25);
  const HttpResult refill =
      s.client().Post("/v1/refills", {{"rx_number", rx}}, s.agent(), InContact(s.Contact(member)));
  ASSERT_EQ(refill.status, 201) << refill.body;
  s.RunPass(Today());
  EXPECT_EQ(s.Outbox(member["id"]), (Outbox{{"refill_confirmed", "email"}}));
}

// ---------------------------------------------------------------- auto-refill

TEST(RefillRemindersTest, AutoRefillPlacesExactlyOneOrderPerCycleHoweverManyPassesRun) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  const std::string rx = s.Prescription(member["id"], 25);  // eligible since 2 days, runs out in 5
  ASSERT_EQ(s.AutoRefill(member, rx, true).status, 200);
  const nlohmann::json first = s.RunPass(Today());
  const nlohmann::json second = s.RunPass(Today());
  EXPECT_GE(first["orders_placed"].get<int>(), 1);
  EXPECT_EQ(second["orders_placed"], 0);
  EXPECT_EQ(s.Orders(rx), 1);
  // The member hears of the order (the refill path's confirmation), not a reminder to order it.
  EXPECT_EQ(s.Outbox(member["id"]), (Outbox{{"refill_confirmed", "email"}}));
  // Placed by the system, through the normal refill path (ETA, audit).
  const Rows order = s.Query("SELECT created_by, eta_earliest FROM orders WHERE rx_number = ?", {Value(rx)});
  EXPECT_EQ(order.at(0).Text(0), "system");
  EXPECT_FALSE(order.at(0).Text(1).empty());
  const Rows audit = s.Query("SELECT actor_id FROM audit_log WHERE action = 'refill.create' AND member_id = ?",
                             {Value(member["id"].get<std::string>())});
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].Text(0), "system");
}

TEST(RefillRemindersTest, AutoRefillWaitsWhileTooSoonAndOrdersNothingYet) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  // Schedule IV: 85% of 30 days = day 26; filled 24 days ago, eligible in 2 days, runs out in 6.
  const std::string rx = s.Prescription(member["id"], 24, "IV", 2);
  ASSERT_EQ(s.AutoRefill(member, rx, true).status, 200);
  const nlohmann::json report = s.RunPass(Today());
  EXPECT_GE(report["waiting"].get<int>(), 1);
  EXPECT_EQ(s.Orders(rx), 0);
  EXPECT_EQ(s.Outbox(member["id"]), Outbox{});
  // Not marked: the pass on the day it becomes eligible will order it.
  EXPECT_TRUE(s.Query("SELECT 1 FROM refill_cycle_actions WHERE rx_number = ?", {Value(rx)}).empty());
}

TEST(RefillRemindersTest, NoRefillsRemainingTellsTheMemberOnceAndIsNotRetried) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  const std::string rx = s.Prescription(member["id"], 25, "none", 0);  // the original fill used, no refills
  ASSERT_EQ(s.AutoRefill(member, rx, true).status, 200);
  s.RunPass(Today());
  s.RunPass(Today());
  s.RunPass(Today() + Days{1});
  EXPECT_EQ(s.Orders(rx), 0);
  EXPECT_EQ(s.Outbox(member["id"]), (Outbox{{"auto_refill_unavailable", "email"}}));
  const Rows marks = s.Query("SELECT outcome FROM refill_cycle_actions WHERE rx_number = ?", {Value(rx)});
  ASSERT_EQ(marks.size(), 1u);
  EXPECT_EQ(marks[0].Text(0), "refused:no_refills_remaining");
}

TEST(RefillRemindersTest, AnExpiredPrescriptionTellsTheMemberOnce) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  // Schedule III written 6 months and more ago is past its last valid day (21 CFR 1306.22).
  const HttpResult created =
      s.client().Post("/v1/members/" + member["id"].get<std::string>() + "/prescriptions",
                      {{"drug", {{"ndc", "00093-7146-56"}, {"name", "buprenorphine"}}},
                       {"schedule", "III"},
                       {"quantity", 30},
                       {"days_supply", 30},
                       {"refills_authorized", 2},
                       {"written_date", FormatDate(Today() - Days{200})},
                       {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}, {"dea", "AQ1234563"}}}},
                      s.pharmacist());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string rx = created.json()["rx_number"];
  const HttpResult fill = s.client().Post("/v1/prescriptions/" + rx + "/fills",
                                          {{"fill_date", FormatDate(Today() - Days{27})},
                                           {"quantity", 30},
                                           {"days_supply", 30},
                                           {"override_reason", "historical fill keyed from paper records"}},
                                          s.pharmacist());
  ASSERT_EQ(fill.status, 201) << fill.body;
  ASSERT_EQ(s.AutoRefill(member, rx, true).status, 200);
  s.RunPass(Today());
  s.RunPass(Today());
  EXPECT_EQ(s.Orders(rx), 0);
  EXPECT_EQ(s.Outbox(member["id"]), (Outbox{{"auto_refill_unavailable", "email"}}));
}

TEST(RefillRemindersTest, OptingOutStopsAutoRefillAndTheReminderComesBack) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  const std::string rx = s.Prescription(member["id"], 25);
  ASSERT_EQ(s.AutoRefill(member, rx, true).status, 200);
  const HttpResult off = s.AutoRefill(member, rx, false);
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json()["enabled"], false);
  s.RunPass(Today());
  EXPECT_EQ(s.Orders(rx), 0);
  EXPECT_EQ(s.Outbox(member["id"]), Outbox{kEmailReminder});
}

TEST(RefillRemindersTest, TheSettingIsReadBackAndAuditedWithTheContact) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  const std::string rx = s.Prescription(member["id"], 10);
  const std::string contact = s.Contact(member);
  const HttpResult before = s.client().Get("/v1/prescriptions/" + rx + "/auto-refill", s.agent(), InContact(contact));
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_EQ(before.json()["enabled"], false);
  EXPECT_TRUE(before.json()["updated_at"].is_null());
  ASSERT_EQ(
      Put(s.client(), "/v1/prescriptions/" + rx + "/auto-refill", {{"enabled", true}}, s.agent(), InContact(contact))
          .status,
      200);
  const HttpResult after = s.client().Get("/v1/prescriptions/" + rx + "/auto-refill", s.agent(), InContact(contact));
  EXPECT_EQ(after.json()["enabled"], true);
  EXPECT_TRUE(after.json()["updated_at"].is_string());
  const Rows audit = s.Query(
      "SELECT action, outcome, COALESCE(purpose, '') FROM audit_log WHERE record_id = ? AND "
      "action LIKE 'auto_refill.%' ORDER BY seq",
      {Value(rx)});
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[1].Text(0), "auto_refill.update");
  EXPECT_EQ(audit[1].Text(1), "ok:on");
  EXPECT_EQ(audit[1].Text(2), "contact:" + contact);
}

TEST(RefillRemindersTest, ScheduleTwoCannotBeEnrolled) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  const std::string rx = s.Prescription(member["id"], 5, "II", 0, 7);
  const HttpResult r = s.AutoRefill(member, rx, true);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.error_code(), "schedule_ii_no_refills");
  EXPECT_EQ(s.AutoRefill(member, rx, false).status, 200);  // turning it off is always allowed
}

// ---------------------------------------------------------------- access and input

TEST(RefillRemindersTest, AnAgentWithoutAVerifiedContactIsRefused) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  const std::string rx = s.Prescription(member["id"], 5);
  const HttpResult r = Put(s.client(), "/v1/prescriptions/" + rx + "/auto-refill", {{"enabled", true}}, s.agent());
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "verification_required");
  // A contact verified as someone else does not open this member's Rx either.
  const nlohmann::json other = s.NewMember();
  const HttpResult wrong = Put(s.client(), "/v1/prescriptions/" + rx + "/auto-refill", {{"enabled", true}}, s.agent(),
                               InContact(s.Contact(other)));
  EXPECT_EQ(wrong.status, 403);
}

TEST(RefillRemindersTest, AMemberSetsTheirOwnPrescriptionAndNobodyElses) {
  ReminderServer& s = Shared();
  const std::string member_token = s.Login("member.demo");
  const std::string own_id = s.client().Get("/v1/me", member_token).json()["member_id"];
  const std::string own = s.Prescription(own_id, 5);
  const HttpResult set =
      Put(s.client(), "/v1/prescriptions/" + own + "/auto-refill", {{"enabled", true}}, member_token);
  EXPECT_EQ(set.status, 200) << set.body;
  const nlohmann::json other = s.NewMember();
  const std::string theirs = s.Prescription(other["id"], 5);
  const HttpResult read = s.client().Get("/v1/prescriptions/" + theirs + "/auto-refill", member_token);
  EXPECT_EQ(read.status, 404);
  const HttpResult write =
      Put(s.client(), "/v1/prescriptions/" + theirs + "/auto-refill", {{"enabled", true}}, member_token);
  EXPECT_EQ(write.status, 404);
}

TEST(RefillRemindersTest, WrongRolesAreForbidden) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  const std::string rx = s.Prescription(member["id"], 5);
  const std::string admin = s.Login("admin.demo");
  const std::string privacy = s.Login("privacy.demo");
  for (const std::string* token : {&admin, &privacy}) {
    EXPECT_EQ(s.client().Get("/v1/prescriptions/" + rx + "/auto-refill", *token).status, 403);
    EXPECT_EQ(Put(s.client(), "/v1/prescriptions/" + rx + "/auto-refill", {{"enabled", true}}, *token).status, 403);
  }
  const std::string member_token = s.Login("member.demo");
  for (const std::string* token : {&member_token, &s.agent(), &s.pharmacist(), &privacy}) {
    EXPECT_EQ(s.client().Post("/v1/jobs/refill-reminders/run", nlohmann::json::object(), *token).status, 403);
  }
  EXPECT_EQ(s.client().Post("/v1/jobs/refill-reminders/run", nlohmann::json::object()).status, 401);
  EXPECT_EQ(s.client().Post("/v1/jobs/refill-reminders/run", nlohmann::json::object(), admin).status, 200);
}

TEST(RefillRemindersTest, MalformedInputIsRefusedNamingTheField) {
  ReminderServer& s = Shared();
  const nlohmann::json member = s.NewMember();
  const std::string rx = s.Prescription(member["id"], 5);
  const std::string contact = s.Contact(member);
  const auto put = [&](const std::string& target, const std::string& body) {
    return s.client().Send(
        "PUT", target, body,
        {{"Authorization", "Bearer " + s.agent()}, {"Content-Type", "application/json"}, {"X-Contact-Id", contact}});
  };
  const std::string path = "/v1/prescriptions/" + rx + "/auto-refill";
  for (const auto& [body, field] :
       std::vector<std::pair<std::string, std::string>>{{R"({"enabled": "yes"})", "enabled"},
                                                        {R"({"enabled": 1})", "enabled"},
                                                        {R"({})", "enabled"},
                                                        {R"({"enabled": true, "member_id": "x"})", "member_id"},
                                                        {R"({"enabled": null})", "enabled"}}) {
    const HttpResult r = put(path, body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.json()["error"].value("field", ""), field) << body;
  }
  EXPECT_EQ(put(path, "[true]").status, 400);
  EXPECT_EQ(put(path, std::string(100000, '{')).status, 400);
  // A mistyped Rx number (its check digit) is malformed input, never a lookup.
  std::string typo = rx;
  typo.back() = typo.back() == '0' ? '1' : '0';
  EXPECT_EQ(put("/v1/prescriptions/" + typo + "/auto-refill", R"({"enabled": true})").status, 400);
  EXPECT_EQ(put("/v1/prescriptions/'%20OR%201=1--/auto-refill", R"({"enabled": true})").status, 400);

  const auto run = [&](const nlohmann::json& body) {
    return s.client().Post("/v1/jobs/refill-reminders/run", body, s.supervisor());
  };
  for (const auto& [body, field] :
       std::vector<std::pair<nlohmann::json, std::string>>{{{{"as_of", "2026-02-30"}}, "as_of"},
                                                           {{{"as_of", "tomorrow"}}, "as_of"},
                                                           {{{"as_of", 20260101}}, "as_of"},
                                                           {{{"as_of", FormatDate(Today() + Days{367})}}, "as_of"},
                                                           {{{"as_of", FormatDate(Today() - Days{367})}}, "as_of"},
                                                           {{{"dry_run", true}}, "dry_run"}}) {
    const HttpResult r = run(body);
    EXPECT_EQ(r.status, 400) << body.dump();
    EXPECT_EQ(r.json()["error"].value("field", ""), field) << body.dump();
  }
  EXPECT_EQ(run({{"as_of", FormatDate(Today() + Days{366})}}).status, 200);
}

// ---------------------------------------------------------------- the background job

TEST(RefillRemindersTest, TheBackgroundJobSendsTheReminderWithinAnInterval) {
  ReminderServer s(1, {"RXDESK_REMINDERS_INTERVAL_S=1"});
  s.Start();
  s.SignIn();
  const nlohmann::json member = s.NewMember();
  s.Prescription(member["id"], 23);
  bool sent = false;
  for (int i = 0; i < 300 && !sent; ++i) {
    sent = !s.Outbox(member["id"]).empty();
    if (!sent) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(sent) << "no reminder within 30 s of a 1-second interval";
  // Passes keep running: still exactly one reminder for the cycle.
  const std::int64_t runs_before =
      s.Query("SELECT COUNT(*) FROM audit_log WHERE action = 'refill_reminders.run'").at(0).Int(0);
  for (int i = 0; i < 300; ++i) {
    if (s.Query("SELECT COUNT(*) FROM audit_log WHERE action = 'refill_reminders.run'").at(0).Int(0) > runs_before + 1)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(s.Outbox(member["id"]), Outbox{kEmailReminder});
}

// ---------------------------------------------------------------- kill -9 in the middle of a pass

TEST(RefillRemindersTest, APassKilledMidwayAndRunAgainAfterARestartSendsAndOrdersNothingTwice) {
  ReminderServer s(2000);
  // Enrol every third active prescription in auto-refill, as members would have
  // (straight into the table, before the server starts: 2,000 members' worth of
  // contacts would only slow the test down).
  {
    auto db = OpenSqlite({.path = s.data_dir() + "/rxdesk.db"});
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO auto_refill_enrollments(rx_number, member_id, enabled, updated_by, "
                           "updated_at) SELECT rx_number, member_id, 1, 'seed', '2026-01-01T00:00:00Z' FROM "
                           "prescriptions WHERE status = 'active' AND schedule <> 'II' AND "
                           "CAST(substr(rx_number, 1, 7) AS INTEGER) % 3 = 0")
                    .ok());
  }
  s.Start();
  s.SignIn();
  // The pass runs on its own thread; the test kills the server once it has done some of its work.
  std::atomic<int> status{-1};
  std::thread runner([&] {
    const HttpResult r = s.client().Post("/v1/jobs/refill-reminders/run", nlohmann::json::object(), s.supervisor());
    status = r.status;
  });
  bool partly_done = false;
  for (int i = 0; i < 3000 && !partly_done && status.load() == -1; ++i) {
    partly_done = s.Query("SELECT COUNT(*) FROM refill_cycle_actions").at(0).Int(0) > 0;
    if (!partly_done) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  s.Kill9();
  runner.join();
  const std::int64_t before_restart = s.Query("SELECT COUNT(*) FROM refill_cycle_actions").at(0).Int(0);
  std::cout << "killed with " << before_restart << " cycles handled (pass answered: " << status.load() << ")\n";

  s.Start();
  s.SignIn();
  const nlohmann::json resumed = s.RunPass(Today());
  const nlohmann::json again = s.RunPass(Today());
  EXPECT_EQ(again["reminders_queued"], 0);
  EXPECT_EQ(again["orders_placed"], 0);
  EXPECT_EQ(again["members_told"], 0);
  EXPECT_GT(s.Query("SELECT COUNT(*) FROM refill_cycle_actions").at(0).Int(0), 0);

  // No prescription has two automatic orders in one cycle, nor any cycle two marks of a kind.
  EXPECT_TRUE(s.Query("SELECT rx_number FROM orders WHERE created_by = 'system' GROUP BY rx_number HAVING COUNT(*) > 1")
                  .empty());
  EXPECT_EQ(s.Query("SELECT COUNT(*) FROM orders WHERE created_by = 'system'").at(0).Int(0),
            s.Query("SELECT COUNT(*) FROM refill_cycle_actions WHERE outcome = 'ordered'").at(0).Int(0));
  // Every reminder in the outbox has its mark, and no member got more reminders than cycles marked for them.
  EXPECT_EQ(
      s.Query("SELECT COUNT(*) FROM notification_outbox WHERE template_id = 'refill_reminder'").at(0).Int(0),
      s.Query("SELECT COUNT(*) FROM refill_cycle_actions WHERE kind = 'reminder' AND outcome = 'queued'").at(0).Int(0));
  EXPECT_EQ(
      s.Query("SELECT COUNT(*) FROM notification_outbox WHERE template_id = 'auto_refill_unavailable'").at(0).Int(0),
      s.Query("SELECT COUNT(*) FROM refill_cycle_actions WHERE outcome LIKE 'refused:%'").at(0).Int(0));
  EXPECT_GT(resumed["scanned"].get<int>(), 2000);
  // Killed mid-pass (no answer), the pass after the restart did the rest.
  if (status.load() != 200) {
    EXPECT_GT(s.Query("SELECT COUNT(*) FROM refill_cycle_actions").at(0).Int(0), before_restart);
  }
  EXPECT_GT(s.Query("SELECT COUNT(*) FROM orders WHERE created_by = 'system'").at(0).Int(0), 0);
}

}  // namespace
}  // namespace rxdesk::testing
