// Every route has an authorization rule, and it is enforced: for each operation
// of the OpenAPI document (generated from the router's own table, so a new route
// cannot escape this test), every role not listed in x-roles is refused with 403
// and a request without a token with 401; expired and revoked tokens are 401
// everywhere; another member's token never reads a member's records.
#include <gtest/gtest.h>

#include <functional>
#include <regex>
#include <set>

#include "infra/crypto.h"
#include "domain/time.h"
#include "infra/ids.h"
#include "store/db.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

constexpr Role kAllRoles[] = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor,
                              Role::kPrivacyOfficer, Role::kAdmin};

std::string FillPath(const std::string& pattern) {
  // Path parameters get harmless placeholders: authorization comes before any lookup.
  return std::regex_replace(pattern, std::regex("\\{[a-z_]+\\}"), "00000000");
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Calls fn(path, VERB, allowed roles) for every operation of the published OpenAPI document.
void ForEachOperation(const std::function<void(const std::string&, const std::string&, const std::set<std::string>&)>& fn) {
  const auto doc = E2e::Get().client().Get("/v1/openapi.json").json();
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      std::set<std::string> allowed;
      for (const auto& r : op["x-roles"]) allowed.insert(r.get<std::string>());
      fn(path, Upper(method), allowed);
    }
  }
}

// Sends VERB to target with a JSON body ("{}" unless GET), as the token's holder when one is given.
HttpResult Call(const std::string& verb, const std::string& target, const std::string& token = "") {
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return E2e::Get().client().Send(verb, target, verb == "GET" ? "" : "{}", headers);
}

TEST(Authorization, EveryRouteDeclaresWhoMayCallIt) {
  auto& env = E2e::Get();
  const auto doc = env.client().Get("/v1/openapi.json").json();
  int operations = 0;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      ++operations;
      ASSERT_TRUE(op.contains("x-roles")) << method << " " << path;
      EXPECT_FALSE(op["x-roles"].empty()) << method << " " << path << " has no rule";
    }
  }
  EXPECT_GE(operations, 20);
}

TEST(Authorization, EveryRoleOutsideARouteRuleIsRefusedAndNoTokenIsUnauthenticated) {
  auto& env = E2e::Get();
  int refusals_checked = 0;
  ForEachOperation([&](const std::string& path, const std::string& verb, const std::set<std::string>& allowed) {
    if (allowed.count("public")) return;
    const std::string target = FillPath(path);
    EXPECT_EQ(Call(verb, target).status, 401) << verb << " " << path;
    for (Role role : kAllRoles) {
      if (allowed.count(std::string(ToString(role)))) continue;
      const HttpResult r = Call(verb, target, env.Token(role));
      EXPECT_EQ(r.status, 403) << ToString(role) << " on " << verb << " " << path << ": " << r.body;
      EXPECT_EQ(r.error_code(), "forbidden");
      ++refusals_checked;
    }
  });
  EXPECT_GE(refusals_checked, 30);
}


// Webhook routes take no token: the provider signs each body (x-signature-header).
// Without a valid signature they refuse everyone, whatever token is sent.
TEST(Authorization, SignedRoutesRefuseEveryRequestWithoutAValidSignature) {
  auto& env = E2e::Get();
  const auto doc = env.client().Get("/v1/openapi.json").json();
  int checked = 0;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      if (!op.contains("x-signature-header")) continue;
      const std::string verb = Upper(method), target = FillPath(path);
      EXPECT_EQ(Call(verb, target).status, 401) << verb << " " << path;
      EXPECT_EQ(Call(verb, target, env.Token(Role::kAdmin)).status, 401) << verb << " " << path;
      const HttpResult forged = env.client().Send(
          verb, target, "{}",
          {{"Content-Type", "application/json"}, {op["x-signature-header"].get<std::string>(), "sha256=" + std::string(64, '0')}});
      EXPECT_EQ(forged.status, 401) << verb << " " << path;
      EXPECT_EQ(forged.error_code(), "unauthenticated");
      ++checked;
    }
  }
  EXPECT_GE(checked, 2);
}

// A session for member.demo that expired a minute ago, written straight into the store.
std::string ExpiredMemberToken() {
  auto& env = E2e::Get();
  const auto me = env.client().Get("/v1/me", env.Token(Role::kMember)).json();
  const std::string token = "expired-" + RandomToken(24);
  auto db = OpenSqlite({.path = env.data_dir() + "/rxdesk.db"});
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return token;
  const auto write = (*db)->Exec(
      "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
      {Value(Sha256Hex(token)), Value(me["user_id"].get<std::string>()), Value("2026-01-01T00:00:00Z"),
       Value(FormatInstant(Instant(std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()) -
                                   std::chrono::minutes(1))))});
  EXPECT_TRUE(write.ok()) << (write.ok() ? "" : write.error().message);
  return token;
}

TEST(Authorization, ExpiredAndRevokedTokensAreRefusedOnEveryRoute) {
  auto& env = E2e::Get();
  const std::string expired = ExpiredMemberToken();
  const std::string revoked = env.Login("supervisor.demo", kDemoPassword, true);
  ASSERT_EQ(env.client().Post("/v1/auth/logout", nlohmann::json::object(), revoked).status, 204);
  int checked = 0;
  ForEachOperation([&](const std::string& path, const std::string& verb, const std::set<std::string>& allowed) {
    if (allowed.count("public")) return;
    for (const std::string& token : {expired, revoked}) {
      const HttpResult r = Call(verb, FillPath(path), token);
      EXPECT_EQ(r.status, 401) << verb << " " << path;
      EXPECT_EQ(r.error_code(), "unauthenticated") << verb << " " << path;
      ++checked;
    }
  });
  EXPECT_GE(checked, 40);
}

TEST(Authorization, AnotherMembersTokenNeverReadsAMembersRecords) {
  auto& env = E2e::Get();
  // A second member with an account of their own.
  const auto other = env.client().Post("/v1/members", NewMemberBody(777), env.Token(Role::kPharmacist)).json();
  ASSERT_EQ(env.client()
                .Post("/v1/auth/register", {{"member_number", other["member_number"]},
                                            {"date_of_birth", other["date_of_birth"]},
                                            {"zip", "78701"},
                                            {"username", "other.member"},
                                            {"password", "other-member-passphrase"}})
                .status,
            201);
  const std::string intruder = env.Login("other.member", "other-member-passphrase", false);
  // member.demo's own identifiers, seen through member.demo's token.
  const std::string id = env.DemoMemberId();
  const auto rxs = env.client().Get("/v1/members/" + id + "/prescriptions", env.Token(Role::kMember)).json()["items"];
  const auto orders = env.client().Get("/v1/members/" + id + "/orders", env.Token(Role::kMember)).json()["items"];
  ASSERT_FALSE(rxs.empty());
  const std::string rx = rxs[0]["rx_number"];
  int checked = 0;
  ForEachOperation([&](const std::string& path, const std::string& verb, const std::set<std::string>& allowed) {
    if (!allowed.count("member") || path.find('{') == std::string::npos) return;
    std::string target;
    if (path.find("{rx_number}") != std::string::npos) {
      target = std::regex_replace(path, std::regex("\\{rx_number\\}"), rx);
    } else if (path.rfind("/v1/members/{id}", 0) == 0) {
      target = std::regex_replace(path, std::regex("\\{id\\}"), id);
    } else if (path.rfind("/v1/orders/{id}", 0) == 0 && !orders.empty()) {
      target = std::regex_replace(path, std::regex("\\{id\\}"), orders[0]["id"].get<std::string>());
    } else {
      return;
    }
    const HttpResult r = Call(verb, target, intruder);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << verb << " " << path << ": " << r.status << " " << r.body;
    EXPECT_EQ(r.body.find(id), std::string::npos) << verb << " " << path;
    ++checked;
  });
  EXPECT_GE(checked, 6);
}

}  // namespace
}  // namespace rxdesk::testing
