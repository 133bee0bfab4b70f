// Contacts and the identity-verification gate over HTTP (PRODUCT.md §8, §10):
// an agent sees no PHI until the caller is verified in a contact they hold;
// three failures lock the contact and flag it; every refusal is audited.
#include <gtest/gtest.h>

#include "domain/reference_number.h"
#include "store/db.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

nlohmann::json NewMember(int n) {
  auto& env = E2e::Get();
  const HttpResult created = env.client().Post("/v1/members", NewMemberBody(3000 + n), env.Token(Role::kAgent));
  EXPECT_EQ(created.status, 201) << created.body;
  return created.json();
}

std::string OpenCall(const std::string& token) {
  const HttpResult r = E2e::Get().client().Post("/v1/contacts", {{"channel", "call"}}, token);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json().value("id", "");
}

nlohmann::json Claim(const nlohmann::json& m) {
  return {{"first_name", m["first_name"]}, {"last_name", m["last_name"]}, {"date_of_birth", m["date_of_birth"]}};
}

nlohmann::json WithAddress(const nlohmann::json& m) {
  nlohmann::json c = Claim(m);
  c["address"] = m["address"];
  return c;
}

HttpResult Verify(const std::string& contact, const nlohmann::json& claim, const std::string& token = "") {
  auto& env = E2e::Get();
  return env.client().Post("/v1/contacts/" + contact + "/verify", claim, token.empty() ? env.Token(Role::kAgent) : token);
}

HttpResult ReadMember(const nlohmann::json& m, const std::string& contact) {
  auto& env = E2e::Get();
  return env.client().Get("/v1/members/" + m["id"].get<std::string>(), env.Token(Role::kAgent),
                          contact.empty() ? std::vector<std::pair<std::string, std::string>>{} : InContact(contact));
}

// Audit entries of one record with an action, read straight from the store.
std::vector<std::string> AuditOutcomes(const std::string& action, const std::string& record_id) {
  auto db = OpenSqlite({.path = E2e::Get().data_dir() + "/rxdesk.db"});
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return {};
  auto rows = (*db)->Query("SELECT outcome FROM audit_log WHERE action = ? AND record_id = ? ORDER BY seq",
                           {Value(action), Value(record_id)});
  EXPECT_TRUE(rows.ok());
  std::vector<std::string> out;
  if (rows.ok()) {
    for (const Row& r : *rows) out.push_back(r.Text(0));
  }
  return out;
}

TEST(Contacts, AnOpenedContactHasAValidReferenceAndNoMemberYet) {
  auto& env = E2e::Get();
  const HttpResult r = env.client().Post("/v1/contacts", {{"channel", "chat"}}, env.Token(Role::kAgent));
  ASSERT_EQ(r.status, 201) << r.body;
  const auto c = r.json();
  EXPECT_TRUE(ReferenceNumber::Parse(c["reference"].get<std::string>()).ok()) << c["reference"];
  EXPECT_EQ(c["channel"], "chat");
  EXPECT_EQ(c["status"], "open");
  EXPECT_EQ(c["verification"], "unverified");
  EXPECT_EQ(c["attempts_left"], 3);
  EXPECT_TRUE(c["member_id"].is_null());
  EXPECT_EQ(env.client().Post("/v1/contacts", {{"channel", "fax"}}, env.Token(Role::kAgent)).status, 400);
  EXPECT_EQ(env.client().Post("/v1/contacts", {{"channel", "call"}, {"extra", 1}}, env.Token(Role::kAgent)).status, 400);
}

TEST(Contacts, AnAgentSeesNoPhiUntilTheCallerIsVerified) {
  const auto m = NewMember(1);
  const HttpResult without = ReadMember(m, "");
  EXPECT_EQ(without.status, 403);
  EXPECT_EQ(without.error_code(), "verification_required");
  const std::string contact = OpenCall(E2e::Get().Token(Role::kAgent));
  const HttpResult unverified = ReadMember(m, contact);
  EXPECT_EQ(unverified.status, 403);
  EXPECT_EQ(unverified.error_code(), "verification_required");
  // The refused reads are audited as denied attempts.
  const auto outcomes = AuditOutcomes("member.read", m["id"]);
  ASSERT_GE(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0], "denied");
  EXPECT_EQ(outcomes[1], "denied");

  const HttpResult verified = Verify(contact, WithAddress(m));
  ASSERT_EQ(verified.status, 200) << verified.body;
  EXPECT_EQ(verified.json()["verification"], "verified");
  EXPECT_EQ(verified.json()["verified_by"], "address");
  EXPECT_EQ(verified.json()["member_id"], m["id"]);
  const HttpResult read = ReadMember(m, contact);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json()["last_name"], m["last_name"]);
  EXPECT_EQ(AuditOutcomes("member.read", m["id"]).back(), "ok");
  // The audit entry names the contact as the purpose of the access.
  auto db = OpenSqlite({.path = E2e::Get().data_dir() + "/rxdesk.db"});
  ASSERT_TRUE(db.ok());
  auto purpose = (*db)->Query("SELECT purpose FROM audit_log WHERE action = 'member.read' AND record_id = ? AND "
                              "outcome = 'ok' ORDER BY seq DESC LIMIT 1",
                              {Value(m["id"].get<std::string>())});
  ASSERT_TRUE(purpose.ok());
  ASSERT_EQ(purpose->size(), 1u);
  EXPECT_EQ((*purpose)[0].Text(0), "contact:" + contact);
  // A malformed contact id opens nothing.
  EXPECT_EQ(ReadMember(m, "x' OR 1=1 --").status, 403);
}

TEST(Contacts, AVerifiedContactOpensOnlyItsOwnMember) {
  const auto m = NewMember(2);
  const auto other = NewMember(3);
  const std::string contact = OpenCall(E2e::Get().Token(Role::kAgent));
  ASSERT_EQ(Verify(contact, WithAddress(m)).status, 200);
  EXPECT_EQ(ReadMember(m, contact).status, 200);
  const HttpResult wrong = ReadMember(other, contact);
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.error_code(), "verification_required");
}

TEST(Contacts, AddressMatchingIgnoresCaseSpacingAndZipPlusFour) {
  const auto m = NewMember(4);
  nlohmann::json claim = WithAddress(m);
  claim["first_name"] = "  TESTA ";
  std::string line1 = m["address"]["line1"];
  for (char& ch : line1) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  claim["address"]["line1"] = line1 + ".";
  claim["address"]["zip"] = "78701-1234";
  EXPECT_EQ(Verify(OpenCall(E2e::Get().Token(Role::kAgent)), claim).status, 200);
}

TEST(Contacts, AnRxNumberOrTheMemberNumberStandsInForTheAddress) {
  auto& env = E2e::Get();
  const auto m = NewMember(5);
  const HttpResult rx = env.client().Post("/v1/members/" + m["id"].get<std::string>() + "/prescriptions",
                                          {{"drug", {{"ndc", "00093714656"}, {"name", "Atorvastatin"}}},
                                           {"schedule", "none"},
                                           {"quantity", 30},
                                           {"days_supply", 30},
                                           {"refills_authorized", 2},
                                           {"written_date", "2026-11-01"},
                                           {"prescriber", {{"npi", "1234567893"}, {"name", "Dr. Rivera"}}}},
                                          env.Token(Role::kPharmacist));
  ASSERT_EQ(rx.status, 201) << rx.body;
  nlohmann::json by_rx = Claim(m);
  by_rx["rx_number"] = rx.json()["rx_number"];
  const HttpResult v1 = Verify(OpenCall(env.Token(Role::kAgent)), by_rx);
  ASSERT_EQ(v1.status, 200) << v1.body;
  EXPECT_EQ(v1.json()["verified_by"], "rx_number");

  nlohmann::json by_number = Claim(m);
  by_number["member_number"] = m["member_number"];
  const std::string contact = OpenCall(env.Token(Role::kAgent));
  const HttpResult v2 = Verify(contact, by_number);
  ASSERT_EQ(v2.status, 200) << v2.body;
  EXPECT_EQ(v2.json()["verified_by"], "member_number");
  // In that contact the agent places a refill for the member.
  const HttpResult refill =
      env.client().Post("/v1/refills", {{"rx_number", rx.json()["rx_number"]}}, env.Token(Role::kAgent), InContact(contact));
  EXPECT_EQ(refill.status, 201) << refill.body;
  // Another member's Rx number does not verify this member.
  const auto other = NewMember(6);
  nlohmann::json foreign = Claim(other);
  foreign["rx_number"] = rx.json()["rx_number"];
  EXPECT_EQ(Verify(OpenCall(env.Token(Role::kAgent)), foreign).status, 422);
}

TEST(Contacts, TheThirdFailureLocksTheContactAndFlagsItForTheSupervisor) {
  auto& env = E2e::Get();
  const auto m = NewMember(7);
  const std::string contact = OpenCall(env.Token(Role::kAgent));
  nlohmann::json wrong = WithAddress(m);
  wrong["date_of_birth"] = "1961-04-30";
  const HttpResult first = Verify(contact, wrong);
  EXPECT_EQ(first.status, 422);
  EXPECT_EQ(first.error_code(), "identity_not_verified");
  EXPECT_EQ(first.json()["error"]["details"]["attempts_left"], "2");
  // The answer never says which fact was wrong.
  EXPECT_EQ(first.json()["error"].value("field", ""), "");
  const HttpResult second = Verify(contact, wrong);
  EXPECT_EQ(second.json()["error"]["details"]["attempts_left"], "1");
  const HttpResult third = Verify(contact, wrong);
  EXPECT_EQ(third.status, 423);
  EXPECT_EQ(third.error_code(), "contact_locked");
  // Locked: even the right answer is refused, and no PHI opens.
  EXPECT_EQ(Verify(contact, WithAddress(m)).status, 423);
  EXPECT_EQ(ReadMember(m, contact).status, 403);
  const auto read = env.client().Get("/v1/contacts/" + contact, env.Token(Role::kAgent)).json();
  EXPECT_EQ(read["verification"], "locked");
  EXPECT_EQ(read["flagged"], true);
  EXPECT_EQ(read["attempts_left"], 0);
  // The supervisor's flagged list has it; the audit trail has every attempt.
  const auto flagged = env.client().Get("/v1/contacts?flagged=true&limit=500", env.Token(Role::kSupervisor)).json();
  bool listed = false;
  for (const auto& c : flagged["items"]) listed = listed || c["id"] == contact;
  EXPECT_TRUE(listed);
  EXPECT_EQ(AuditOutcomes("contact.verify", contact),
            (std::vector<std::string>{"refused:identity_not_verified", "refused:identity_not_verified",
                                      "refused:contact_locked", "refused:contact_locked"}));
  EXPECT_EQ(AuditOutcomes("contact.flagged", contact).size(), 1u);
}

TEST(Contacts, SuccessOnTheThirdAttemptStillVerifies) {
  const auto m = NewMember(8);
  const std::string contact = OpenCall(E2e::Get().Token(Role::kAgent));
  nlohmann::json wrong = WithAddress(m);
  wrong["address"]["zip"] = "78702";
  EXPECT_EQ(Verify(contact, wrong).status, 422);
  EXPECT_EQ(Verify(contact, wrong).status, 422);
  EXPECT_EQ(Verify(contact, WithAddress(m)).status, 200);
}

TEST(Contacts, MalformedClaimsAreRefusedWithoutCountingAnAttempt) {
  auto& env = E2e::Get();
  const auto m = NewMember(9);
  const std::string contact = OpenCall(env.Token(Role::kAgent));
  EXPECT_EQ(Verify(contact, Claim(m)).status, 400);  // no third fact
  nlohmann::json two = WithAddress(m);
  two["member_number"] = m["member_number"];
  EXPECT_EQ(Verify(contact, two).status, 400);  // two third facts
  nlohmann::json typo = Claim(m);
  std::string number = m["member_number"];
  number.back() = number.back() == '9' ? '0' : static_cast<char>(number.back() + 1);
  typo["member_number"] = number;
  EXPECT_EQ(Verify(contact, typo).status, 400);  // a check-digit typo
  nlohmann::json injected = WithAddress(m);
  injected["last_name"] = "x' OR '1'='1";
  EXPECT_EQ(Verify(contact, injected).status, 422);  // just a wrong name
  EXPECT_EQ(env.client().Get("/v1/contacts/" + contact, env.Token(Role::kAgent)).json()["failed_attempts"], 1);
}

TEST(Contacts, AnotherAgentsOrAClosedContactOpensNothing) {
  auto& env = E2e::Get();
  ASSERT_EQ(Rxdesk({"user", "create", "--username", "agent.two", "--role", "agent", "--password-stdin"}, env.data_dir(),
                   "second-agent-passphrase\n")
                .exit_code,
            0);
  const std::string agent_two = env.Login("agent.two", "second-agent-passphrase", true);
  ASSERT_FALSE(agent_two.empty());
  const auto m = NewMember(10);
  const std::string contact = OpenCall(env.Token(Role::kAgent));
  ASSERT_EQ(Verify(contact, WithAddress(m)).status, 200);
  // agent.two neither sees agent.demo's contact nor uses it.
  EXPECT_EQ(env.client().Get("/v1/contacts/" + contact, agent_two).status, 404);
  EXPECT_EQ(env.client().Get("/v1/members/" + m["id"].get<std::string>(), agent_two, InContact(contact)).status, 403);
  EXPECT_EQ(Verify(contact, WithAddress(m), agent_two).status, 404);
  // Closed, the contact opens nothing more.
  const HttpResult closed = env.client().Post("/v1/contacts/" + contact + "/close", nlohmann::json::object(),
                                              env.Token(Role::kAgent));
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json()["status"], "closed");
  EXPECT_EQ(ReadMember(m, contact).status, 403);
}

TEST(Contacts, ALinkedMemberIsShownMaskedBeforeVerification) {
  auto& env = E2e::Get();
  const auto m = NewMember(11);
  const HttpResult opened =
      env.client().Post("/v1/contacts", {{"channel", "call"}, {"member_id", m["id"]}}, env.Token(Role::kAgent));
  ASSERT_EQ(opened.status, 201) << opened.body;
  const std::string contact = opened.json()["id"];
  const auto shown = env.client().Get("/v1/contacts/" + contact, env.Token(Role::kAgent));
  ASSERT_EQ(shown.status, 200);
  const auto masked = shown.json()["member"];
  EXPECT_EQ(masked["initials"], "T. M.");
  const std::string number = m["member_number"];
  EXPECT_EQ(masked["member_number"], std::string(number.size() - 4, '*') + number.substr(number.size() - 4));
  EXPECT_EQ(masked["state"], "TX");
  EXPECT_TRUE(shown.json()["member_id"].is_null());
  // Nothing else of the record is in the answer.
  EXPECT_EQ(shown.body.find(m["last_name"].get<std::string>()), std::string::npos);
  EXPECT_EQ(shown.body.find(m["date_of_birth"].get<std::string>()), std::string::npos);
  // Verification checks the caller against that member only.
  const auto other = NewMember(12);
  EXPECT_EQ(Verify(contact, WithAddress(other)).status, 422);
  EXPECT_EQ(Verify(contact, WithAddress(m)).status, 200);
}

TEST(Contacts, MembersAdminsAndPrivacyOfficersDoNotHoldContacts) {
  auto& env = E2e::Get();
  for (Role role : {Role::kMember, Role::kAdmin, Role::kPrivacyOfficer}) {
    EXPECT_EQ(env.client().Post("/v1/contacts", {{"channel", "call"}}, env.Token(role)).status, 403) << ToString(role);
  }
}

}  // namespace
}  // namespace rxdesk::testing
