// Transfers in over HTTP against the real server (PRODUCT.md §3): the law's limits
// (Schedule II never, III–V once, non-controlled again), the expected window, the
// pharmacists' queue, completion and failure with the member notified through the
// outbox, and who may do what.
#include <date/tz.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "domain/zone.h"
#include "store/db.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

Date TodayCt() {
  static const Zone zone(date::locate_zone("America/Chicago"));
  return zone.LocalDate(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

// A transfer request body for `schedule`, as reported by the other pharmacy.
nlohmann::json TransferBody(const std::string& schedule = "none", int prior_transfers = 0, int refills_remaining = 2) {
  nlohmann::json body = {
      {"pharmacy", {{"name", "Corner Drug #12"}, {"phone", "(512) 555-0199"}}},
      {"pharmacy_rx_number", "RX-99812-TX"},
      {"drug", {{"ndc", "00093-7146-56"}, {"name", "atorvastatin"}, {"strength", "20 mg"}, {"form", "tablet"}}},
      {"schedule", schedule},
      {"quantity", 30},
      {"days_supply", 30},
      {"refills_authorized", schedule == "II" ? 0 : 5},
      {"refills_remaining", refills_remaining},
      {"written_date", FormatDate(TodayCt() - Days{20})},
      {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}}},
      {"prior_transfers", prior_transfers}};
  if (schedule != "none") body["prescriber"]["dea"] = "AQ1234563";
  return body;
}

struct Member {
  std::string id;
  std::string contact;  // agent.demo's verified contact with this member
};

Member NewMember(int n) {
  auto& env = E2e::Get();
  const HttpResult m = env.client().Post("/v1/members", NewMemberBody(7100 + n), env.Token(Role::kAgent));
  EXPECT_EQ(m.status, 201) << m.body;
  return {m.json().value("id", ""), env.VerifiedContact(env.Token(Role::kAgent), m.json())};
}

// As agent.demo in the member's verified contact.
HttpResult RequestFor(const Member& m, nlohmann::json body) {
  auto& env = E2e::Get();
  body["member_id"] = m.id;
  return env.client().Post("/v1/transfers", body, env.Token(Role::kAgent), InContact(m.contact));
}

// The notification templates queued for a member, oldest first, straight from the store.
std::vector<std::string> OutboxTemplates(const std::string& member_id) {
  auto db = OpenSqlite({.path = E2e::Get().data_dir() + "/rxdesk.db", .read_only = true});
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return {};
  auto rows =
      (*db)->Query("SELECT template_id FROM notification_outbox WHERE member_id = ? ORDER BY id", {Value(member_id)});
  EXPECT_TRUE(rows.ok());
  std::vector<std::string> out;
  if (rows.ok()) {
    for (const Row& r : *rows) out.push_back(r.Text(0));
  }
  return out;
}

std::int64_t TransferCountOf(const std::string& rx_number) {
  auto db = OpenSqlite({.path = E2e::Get().data_dir() + "/rxdesk.db", .read_only = true});
  if (!db.ok()) return -1;
  auto rows = (*db)->Query("SELECT transfer_count FROM prescriptions WHERE rx_number = ?", {Value(rx_number)});
  return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
}

std::int64_t Seconds(const nlohmann::json& from, const nlohmann::json& to) {
  return (*ParseInstant(to.get<std::string>()) - *ParseInstant(from.get<std::string>())).count();
}

TEST(Transfers, AMemberAsksForTheirOwnAndGetsAReferenceAndTheTwentyFourHourWindow) {
  auto& env = E2e::Get();
  const HttpResult r = env.client().Post("/v1/transfers", TransferBody(), env.Token(Role::kMember));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto t = r.json();
  EXPECT_EQ(t["status"], "pending");
  EXPECT_EQ(t["member_id"], env.DemoMemberId());
  EXPECT_TRUE(t["reference"].get<std::string>().starts_with("RX-"));
  EXPECT_EQ(Seconds(t["requested_at"], t["expected"]["earliest"]), 0);
  EXPECT_EQ(Seconds(t["requested_at"], t["expected"]["latest"]), 24 * 3600);
  EXPECT_FALSE(t["overdue"].get<bool>());
  EXPECT_FALSE(t.contains("note")) << "a member does not see the pharmacist's note";
  const HttpResult own = env.client().Get("/v1/transfers/" + t["id"].get<std::string>(), env.Token(Role::kMember));
  EXPECT_EQ(own.status, 200);
  EXPECT_EQ(own.json()["pharmacy"]["phone"], "+15125550199");
}

TEST(Transfers, AControlledTransferAddsTwentyFourToSeventyTwoHoursForVerification) {
  const Member m = NewMember(1);
  for (const char* schedule : {"III", "IV", "V"}) {
    const HttpResult r = RequestFor(m, TransferBody(schedule));
    ASSERT_EQ(r.status, 201) << schedule << ": " << r.body;
    EXPECT_EQ(Seconds(r.json()["requested_at"], r.json()["expected"]["earliest"]), 24 * 3600) << schedule;
    EXPECT_EQ(Seconds(r.json()["requested_at"], r.json()["expected"]["latest"]), 96 * 3600) << schedule;
  }
}

TEST(Transfers, ScheduleTwoIsNotTransferable) {
  auto& env = E2e::Get();
  const HttpResult r = env.client().Post("/v1/transfers", TransferBody("II", 0, 0), env.Token(Role::kMember));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.error_code(), "schedule_ii_not_transferable");
  // The one exception: an unfilled electronic prescription moved for its initial fill.
  nlohmann::json initial = TransferBody("II", 0, 0);
  initial["electronic_initial_fill"] = true;
  const HttpResult ok = env.client().Post("/v1/transfers", initial, env.Token(Role::kMember));
  EXPECT_EQ(ok.status, 201) << ok.body;
}

TEST(Transfers, AScheduleThreeToFivePrescriptionMovesOnceAndASecondTransferIsRefused) {
  const Member m = NewMember(2);
  for (const char* schedule : {"III", "IV", "V"}) {
    EXPECT_EQ(RequestFor(m, TransferBody(schedule, 0)).status, 201) << schedule;
    const HttpResult second = RequestFor(m, TransferBody(schedule, 1));
    EXPECT_EQ(second.status, 422) << schedule << ": " << second.body;
    EXPECT_EQ(second.error_code(), "transfer_limit_reached") << schedule;
  }
  // Pharmacies sharing a real-time database may move it again (21 CFR 1306.25(a)).
  nlohmann::json shared = TransferBody("IV", 1);
  shared["shares_realtime_database"] = true;
  EXPECT_EQ(RequestFor(m, shared).status, 201);
}

TEST(Transfers, ANonControlledPrescriptionAlreadyTransferredMayMoveAgainWhileRefillsRemain) {
  const Member m = NewMember(3);
  EXPECT_EQ(RequestFor(m, TransferBody("none", 3)).status, 201);
  const HttpResult none_left = RequestFor(m, TransferBody("none", 3, 0));
  EXPECT_EQ(none_left.status, 422);
  EXPECT_EQ(none_left.error_code(), "no_refills_remaining");
}

TEST(Transfers, ThePrescriptionItselfIsCheckedAsANewOne) {
  const Member m = NewMember(4);
  nlohmann::json too_many = TransferBody("III", 0, 2);
  too_many["refills_authorized"] = 6;
  EXPECT_EQ(RequestFor(m, too_many).error_code(), "controlled_refill_limit");
  nlohmann::json no_dea = TransferBody("IV");
  no_dea["prescriber"].erase("dea");
  const HttpResult r = RequestFor(m, no_dea);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "prescriber.dea");
  nlohmann::json more_left = TransferBody("none", 0, 6);
  EXPECT_EQ(RequestFor(m, more_left).json()["error"]["field"], "refills_remaining");
}

TEST(Transfers, MalformedRequestsNameTheField) {
  auto& env = E2e::Get();
  const std::string member = env.Token(Role::kMember);
  nlohmann::json unknown = TransferBody();
  unknown["insurance"] = "x";
  const HttpResult u = env.client().Post("/v1/transfers", unknown, member);
  EXPECT_EQ(u.status, 400);
  EXPECT_EQ(u.json()["error"]["field"], "insurance");
  nlohmann::json phone = TransferBody();
  phone["pharmacy"]["phone"] = "12";
  EXPECT_EQ(env.client().Post("/v1/transfers", phone, member).json()["error"]["field"], "pharmacy.phone");
  nlohmann::json prior = TransferBody();
  prior["prior_transfers"] = "0";
  EXPECT_EQ(env.client().Post("/v1/transfers", prior, member).json()["error"]["field"], "prior_transfers");
  nlohmann::json missing = TransferBody();
  missing.erase("pharmacy_rx_number");
  EXPECT_EQ(env.client().Post("/v1/transfers", missing, member).json()["error"]["field"], "pharmacy_rx_number");
  nlohmann::json future = TransferBody();
  future["last_fill"] = {{"date", FormatDate(TodayCt() + Days{1})}, {"days_supply", 30}};
  EXPECT_EQ(env.client().Post("/v1/transfers", future, member).json()["error"]["field"], "last_fill.date");
}

TEST(Transfers, AnAgentNeedsAVerifiedContactWithTheMember) {
  auto& env = E2e::Get();
  const Member m = NewMember(5);
  nlohmann::json body = TransferBody();
  body["member_id"] = m.id;
  const HttpResult without = env.client().Post("/v1/transfers", body, env.Token(Role::kAgent));
  EXPECT_EQ(without.status, 403);
  EXPECT_EQ(without.error_code(), "verification_required");
  const Member other = NewMember(6);
  const HttpResult wrong = env.client().Post("/v1/transfers", body, env.Token(Role::kAgent), InContact(other.contact));
  EXPECT_EQ(wrong.error_code(), "verification_required");
  EXPECT_EQ(RequestFor(m, TransferBody()).status, 201);
  // A member asking for someone else learns nothing.
  const HttpResult foreign = env.client().Post("/v1/transfers", body, env.Token(Role::kMember));
  EXPECT_EQ(foreign.status, 404);
}

TEST(Transfers, CompletingMakesAnActivePrescriptionHereAndNotifiesTheMember) {
  auto& env = E2e::Get();
  const Member m = NewMember(7);
  nlohmann::json body = TransferBody("IV", 0, 3);
  body["last_fill"] = {{"date", FormatDate(TodayCt() - Days{10})}, {"days_supply", 30}};
  const HttpResult asked = RequestFor(m, body);
  ASSERT_EQ(asked.status, 201) << asked.body;
  const std::string id = asked.json()["id"];
  const HttpResult done = env.client().Post("/v1/transfers/" + id + "/complete", {{"note", "verified by phone"}},
                                            env.Token(Role::kPharmacist));
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()["status"], "completed");
  EXPECT_EQ(done.json()["note"], "verified by phone");
  const std::string rx = done.json()["rx_number"];
  const HttpResult got = env.client().Get("/v1/prescriptions/" + rx, env.Token(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json()["status"], "active");
  EXPECT_EQ(got.json()["refills_remaining"], 3);
  EXPECT_EQ(got.json()["schedule"], "IV");
  EXPECT_EQ(TransferCountOf(rx), 1);
  // The other pharmacy's last fill 10 days ago makes a refill today too soon (85% of 30 days).
  const HttpResult eligibility = env.client().Get("/v1/prescriptions/" + rx + "/refill-eligibility",
                                                  env.Token(Role::kAgent), InContact(m.contact));
  EXPECT_EQ(eligibility.json()["reason"], "too_soon") << eligibility.body;
  EXPECT_EQ(OutboxTemplates(m.id), std::vector<std::string>{"transfer_confirmed"});
  // Decided once: a second decision is a conflict.
  const HttpResult again =
      env.client().Post("/v1/transfers/" + id + "/fail", {{"reason", "other"}}, env.Token(Role::kPharmacist));
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.error_code(), "invalid_transition");
}

TEST(Transfers, FailingKeepsTheReasonAndNotifiesTheMember) {
  auto& env = E2e::Get();
  const Member m = NewMember(8);
  const HttpResult asked = RequestFor(m, TransferBody());
  ASSERT_EQ(asked.status, 201);
  const std::string id = asked.json()["id"];
  const HttpResult bad =
      env.client().Post("/v1/transfers/" + id + "/fail", {{"reason", "bored"}}, env.Token(Role::kPharmacist));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "reason");
  const HttpResult failed = env.client().Post("/v1/transfers/" + id + "/fail",
                                              {{"reason", "pharmacy_unreachable"}, {"note", "no answer twice"}},
                                              env.Token(Role::kPharmacist));
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_EQ(failed.json()["status"], "failed");
  EXPECT_EQ(failed.json()["failure_reason"], "pharmacy_unreachable");
  EXPECT_TRUE(failed.json()["rx_number"].is_null());
  EXPECT_EQ(OutboxTemplates(m.id), std::vector<std::string>{"transfer_failed"});
  const HttpResult complete =
      env.client().Post("/v1/transfers/" + id + "/complete", nlohmann::json::object(), env.Token(Role::kPharmacist));
  EXPECT_EQ(complete.status, 409);
}

TEST(Transfers, ThePharmacistsQueueIsOldestFirstPagedAndByStatus) {
  auto& env = E2e::Get();
  const Member m = NewMember(9);
  std::vector<std::string> mine;
  for (int i = 0; i < 3; ++i) mine.push_back(RequestFor(m, TransferBody()).json()["id"]);
  // Walk the whole pending queue two at a time and keep the order of ours.
  std::vector<std::string> seen;
  std::string cursor;
  for (int pages = 0; pages < 1000; ++pages) {
    const HttpResult page =
        env.client().Get("/v1/transfers?status=pending&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor),
                         env.Token(Role::kPharmacist));
    ASSERT_EQ(page.status, 200) << page.body;
    const nlohmann::json body = page.json();
    EXPECT_LE(body["items"].size(), 2u);
    for (const auto& t : body["items"]) {
      EXPECT_EQ(t["status"], "pending");
      EXPECT_FALSE(t["overdue"].get<bool>());
      if (std::find(mine.begin(), mine.end(), t["id"]) != mine.end()) seen.push_back(t["id"]);
    }
    if (body["next_cursor"].is_null()) break;
    cursor = body["next_cursor"];
  }
  EXPECT_EQ(seen, mine);
  EXPECT_EQ(
      env.client()
          .Post("/v1/transfers/" + mine[0] + "/fail", {{"reason", "member_cancelled"}}, env.Token(Role::kPharmacist))
          .status,
      200);
  const nlohmann::json failed =
      env.client().Get("/v1/transfers?status=failed&limit=500", env.Token(Role::kPharmacist)).json();
  bool listed = false;
  for (const auto& t : failed["items"]) listed = listed || t["id"] == mine[0];
  EXPECT_TRUE(listed);
  EXPECT_EQ(env.client().Get("/v1/transfers?status=lost", env.Token(Role::kPharmacist)).json()["error"]["field"],
            "status");
  // A member's own list, newest first.
  const HttpResult list =
      env.client().Get("/v1/members/" + m.id + "/transfers", env.Token(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json()["items"].size(), 3u);
  EXPECT_EQ(list.json()["items"][0]["id"], mine[2]);
}

TEST(Transfers, OnlyPharmacistsDecideAndOnlyTheMemberOrTheWorkforceReads) {
  auto& env = E2e::Get();
  const Member m = NewMember(10);
  const std::string id = RequestFor(m, TransferBody()).json()["id"];
  for (Role role : {Role::kMember, Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kPrivacyOfficer}) {
    EXPECT_EQ(env.client().Post("/v1/transfers/" + id + "/complete", nlohmann::json::object(), env.Token(role)).status,
              403)
        << ToString(role);
    EXPECT_EQ(env.client().Get("/v1/transfers", env.Token(role)).status, 403) << ToString(role);
  }
  EXPECT_EQ(env.client().Post("/v1/transfers", TransferBody(), env.Token(Role::kAdmin)).status, 403);
  // member.demo is not this member: the transfer does not exist for them.
  EXPECT_EQ(env.client().Get("/v1/transfers/" + id, env.Token(Role::kMember)).status, 404);
  EXPECT_EQ(env.client().Get("/v1/transfers/" + id, env.Token(Role::kAgent)).error_code(), "verification_required");
}

TEST(Transfers, TheSameIdempotencyKeyMakesOneTransfer) {
  auto& env = E2e::Get();
  const Member m = NewMember(11);
  nlohmann::json body = TransferBody();
  body["member_id"] = m.id;
  auto headers = InContact(m.contact);
  headers.emplace_back("Idempotency-Key", "transfer-once-" + m.id);
  const HttpResult first = env.client().Post("/v1/transfers", body, env.Token(Role::kAgent), headers);
  const HttpResult second = env.client().Post("/v1/transfers", body, env.Token(Role::kAgent), headers);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(second.status, 201);
  EXPECT_EQ(second.json()["id"], first.json()["id"]);
  body["quantity"] = 60;
  EXPECT_EQ(env.client().Post("/v1/transfers", body, env.Token(Role::kAgent), headers).status, 409);
  const HttpResult list =
      env.client().Get("/v1/members/" + m.id + "/transfers", env.Token(Role::kAgent), InContact(m.contact));
  EXPECT_EQ(list.json()["items"].size(), 1u);
}

}  // namespace
}  // namespace rxdesk::testing
