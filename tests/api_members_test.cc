// Members over HTTP: create, read, update, search; roles; idempotency; the error model.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

TEST(Members, AnAgentCreatesAMemberAndReadsItBack) {
  auto& env = E2e::Get();
  const std::string& agent = env.Token(Role::kAgent);
  const HttpResult created = env.client().Post("/v1/members", NewMemberBody(1), agent);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto m = created.json();
  EXPECT_EQ(m["last_name"], "Member1");
  EXPECT_EQ(m["phone"], "+15125550111");
  EXPECT_EQ(m["address"]["state"], "TX");
  EXPECT_EQ(m["member_number"].get<std::string>().size(), 10u);
  EXPECT_FALSE(created.Header("x-request-id").empty());

  // Reading it back is a PHI read: the agent does it in a contact with the caller verified.
  const HttpResult unverified = env.client().Get("/v1/members/" + m["id"].get<std::string>(), agent);
  EXPECT_EQ(unverified.status, 403);
  EXPECT_EQ(unverified.error_code(), "verification_required");
  const std::string contact = env.VerifiedContact(agent, m);
  const HttpResult read = env.client().Get("/v1/members/" + m["id"].get<std::string>(), agent, InContact(contact));
  ASSERT_EQ(read.status, 200);
  EXPECT_EQ(read.json(), m);
}

TEST(Members, RefusesEachBadFieldByName) {
  auto& env = E2e::Get();
  const std::string& agent = env.Token(Role::kAgent);
  const std::vector<std::pair<nlohmann::json, std::string>> cases = {
      {{{"first_name", ""}}, "first_name"},
      {{{"date_of_birth", "1961-02-30"}}, "date_of_birth"},
      {{{"date_of_birth", "2999-01-01"}}, "date_of_birth"},
      {{{"email", "not-an-email"}}, "email"},
      {{{"phone", "12345"}}, "phone"},
      {{{"address", {{"line1", "1 Main St"}, {"city", "Austin"}, {"state", "TX"}, {"zip", "7870"}}}}, "address.zip"},
      {{{"address", {{"line1", "1 Main St"}, {"city", "Austin"}, {"state", "ZZ"}, {"zip", "78701"}}}}, "address.state"},
      {{{"nickname", "Tess"}}, "nickname"},
  };
  for (const auto& [patch, field] : cases) {
    nlohmann::json body = NewMemberBody(2);
    body.update(patch);
    const HttpResult r = env.client().Post("/v1/members", body, agent);
    EXPECT_EQ(r.status, 400) << field << " " << r.body;
    EXPECT_EQ(r.error_code(), "invalid_request") << field;
    EXPECT_EQ(r.json()["error"]["field"], field) << r.body;
  }
  nlohmann::json abroad = NewMemberBody(3);
  abroad["address"] = {{"line1", "1 Rue de Rivoli"}, {"city", "Paris"}, {"state", "IDF"}, {"zip", "75001"}, {"country", "FR"}};
  const HttpResult outside = env.client().Post("/v1/members", abroad, agent);
  EXPECT_EQ(outside.status, 422);
  EXPECT_EQ(outside.error_code(), "address_outside_service_area");
}

TEST(Members, OnlyRolesThatServeMembersMayCreateThem) {
  auto& env = E2e::Get();
  for (Role role : {Role::kMember, Role::kAdmin, Role::kPrivacyOfficer}) {
    const HttpResult r = env.client().Post("/v1/members", NewMemberBody(4), env.Token(role));
    EXPECT_EQ(r.status, 403) << ToString(role);
    EXPECT_EQ(r.error_code(), "forbidden");
  }
  EXPECT_EQ(env.client().Post("/v1/members", NewMemberBody(4)).status, 401);
}

TEST(Members, AMemberReadsOnlyTheirOwnRecord) {
  auto& env = E2e::Get();
  const std::string& member = env.Token(Role::kMember);
  const HttpResult own = env.client().Get("/v1/members/" + env.DemoMemberId(), member);
  EXPECT_EQ(own.status, 200);
  const HttpResult other_created = env.client().Post("/v1/members", NewMemberBody(5), env.Token(Role::kAgent));
  ASSERT_EQ(other_created.status, 201);
  const HttpResult other = env.client().Get("/v1/members/" + other_created.json()["id"].get<std::string>(), member);
  EXPECT_EQ(other.status, 404);
  // Admins and privacy officers have no PHI access by default.
  EXPECT_EQ(env.client().Get("/v1/members/" + env.DemoMemberId(), env.Token(Role::kAdmin)).status, 403);
  EXPECT_EQ(env.client().Get("/v1/members/" + env.DemoMemberId(), env.Token(Role::kPrivacyOfficer)).status, 403);
}

TEST(Members, UpdateChangesOnlyWhatIsSentAndValidatesIt) {
  auto& env = E2e::Get();
  const std::string& agent = env.Token(Role::kAgent);
  const auto m = env.client().Post("/v1/members", NewMemberBody(6), agent).json();
  const std::string path = "/v1/members/" + m["id"].get<std::string>();
  const std::string contact = env.VerifiedContact(agent, m);
  const HttpResult patched = env.client().Send("PATCH", path, R"({"phone": "214-555-0199"})",
                                               {{"Authorization", "Bearer " + agent}, {"Content-Type", "application/json"},
                                                {"X-Contact-Id", contact}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()["phone"], "+12145550199");
  EXPECT_EQ(patched.json()["last_name"], m["last_name"]);
  const HttpResult bad = env.client().Send("PATCH", path, R"({"address": {"line1": "x", "city": "y", "state": "TX", "zip": "abcde"}})",
                                           {{"Authorization", "Bearer " + agent}, {"Content-Type", "application/json"},
                                            {"X-Contact-Id", contact}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["error"]["field"], "address.zip");
}

TEST(Members, SearchFindsByNameAndBirthDateIgnoringCase) {
  auto& env = E2e::Get();
  const std::string& agent = env.Token(Role::kSupervisor);
  const auto m = env.client().Post("/v1/members", NewMemberBody(7), agent).json();
  const HttpResult found = env.client().Post(
      "/v1/members/search", {{"first_name", "TESTA"}, {"last_name", " member7 "}, {"date_of_birth", m["date_of_birth"]}}, agent);
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.json()["items"].size(), 1u);
  EXPECT_EQ(found.json()["items"][0]["id"], m["id"]);
  const HttpResult none = env.client().Post(
      "/v1/members/search", {{"first_name", "Testa"}, {"last_name", "Member7"}, {"date_of_birth", "1900-01-01"}}, agent);
  EXPECT_EQ(none.json()["items"].size(), 0u);
  EXPECT_EQ(env.client().Post("/v1/members/search", {{"first_name", "Testa"}}, env.Token(Role::kMember)).status, 403);
  // Agents find a caller by verifying them in a contact, never by searching.
  EXPECT_EQ(env.client().Post("/v1/members/search", {{"first_name", "Testa"}}, env.Token(Role::kAgent)).status, 403);
}

TEST(Idempotency, ARepeatReturnsTheFirstResponseAndAnotherBodyConflicts) {
  auto& env = E2e::Get();
  const std::string& agent = env.Token(Role::kAgent);
  const std::vector<std::pair<std::string, std::string>> key = {{"Idempotency-Key", "create-member-8"}};
  const HttpResult first = env.client().Post("/v1/members", NewMemberBody(8), agent, key);
  const HttpResult again = env.client().Post("/v1/members", NewMemberBody(8), agent, key);
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.json()["id"], first.json()["id"]);
  const HttpResult other = env.client().Post("/v1/members", NewMemberBody(9), agent, key);
  EXPECT_EQ(other.status, 409);
  EXPECT_EQ(other.error_code(), "idempotency_key_reused");
}

TEST(ErrorModel, UnknownRoutesWrongMethodsHugeBodiesAndWrongTypes) {
  auto& env = E2e::Get();
  const HttpResult unknown = env.client().Get("/v1/nothing-here");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.error_code(), "not_found");
  const HttpResult method = env.client().Send("DELETE", "/v1/auth/login");
  EXPECT_EQ(method.status, 405);
  EXPECT_EQ(method.error_code(), "method_not_allowed");
  EXPECT_EQ(method.Header("allow"), "POST");
  const std::string big(2 * 1024 * 1024, 'x');
  HttpClient fresh("127.0.0.1", env.port());
  const HttpResult too_big = fresh.Send("POST", "/v1/auth/login", big, {{"Content-Type", "application/json"}});
  EXPECT_EQ(too_big.status, 413);
  EXPECT_EQ(too_big.error_code(), "payload_too_large");
  const HttpResult form = env.client().Send("POST", "/v1/auth/login", "username=a&password=b",
                                            {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);
}

TEST(Logs, HoldRoutePatternsButNoPhi) {
  auto& env = E2e::Get();
  const std::string& agent = env.Token(Role::kAgent);
  nlohmann::json body = NewMemberBody(10);
  body["last_name"] = "Zyxwvutsrq";
  const auto m = env.client().Post("/v1/members", body, agent).json();
  env.client().Get("/v1/members/" + m["id"].get<std::string>(), agent, InContact(env.VerifiedContact(agent, m)));
  std::ifstream log(env.server().log_path());
  std::stringstream ss;
  ss << log.rdbuf();
  const std::string text = ss.str();
  EXPECT_NE(text.find("/v1/members/{id}"), std::string::npos);
  EXPECT_EQ(text.find("Zyxwvutsrq"), std::string::npos);
  EXPECT_EQ(text.find(m["id"].get<std::string>()), std::string::npos);
  EXPECT_EQ(text.find("1961-04-0"), std::string::npos);
}

}  // namespace
}  // namespace rxdesk::testing

namespace rxdesk::testing {
namespace {

TEST(Members, AMemberChangesTheirContactDetailsButNotTheFactsIdentityIsCheckedAgainst) {
  auto& env = E2e::Get();
  const std::string& member = env.Token(Role::kMember);
  const std::string path = "/v1/members/" + env.DemoMemberId();
  const auto send = [&](const std::string& body) {
    return env.client().Send("PATCH", path, body, {{"Authorization", "Bearer " + member}, {"Content-Type", "application/json"}});
  };
  EXPECT_EQ(send(R"({"phone": "512-555-0142"})").status, 200);
  for (const char* body : {R"({"last_name": "Else"})", R"({"first_name": "Some"})", R"({"date_of_birth": "1950-01-01"})",
                           R"({"plan_id": "part-d-2026"})"}) {
    const HttpResult r = send(body);
    EXPECT_EQ(r.status, 403) << body;
    EXPECT_EQ(r.error_code(), "forbidden") << body;
  }
}

TEST(Members, ListsOfAMemberThatDoesNotExistAreNotFound) {
  auto& env = E2e::Get();
  const std::string& supervisor = env.Token(Role::kSupervisor);
  EXPECT_EQ(env.client().Get("/v1/members/01ZZZZZZZZZZZZZZZZZZZZZZZZ/prescriptions", supervisor).status, 404);
  EXPECT_EQ(env.client().Get("/v1/members/01ZZZZZZZZZZZZZZZZZZZZZZZZ/orders", supervisor).status, 404);
  // An agent learns nothing about the id, not even that it is unknown: verify the caller first.
  const HttpResult agent = env.client().Get("/v1/members/01ZZZZZZZZZZZZZZZZZZZZZZZZ/orders", env.Token(Role::kAgent));
  EXPECT_EQ(agent.status, 403);
  EXPECT_EQ(agent.error_code(), "verification_required");
}

}  // namespace
}  // namespace rxdesk::testing
