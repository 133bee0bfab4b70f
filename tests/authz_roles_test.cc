// Every route has an authorization rule, and it is enforced: for each operation
// of the OpenAPI document (generated from the router's own table, so a new route
// cannot escape this test), every role not listed in x-roles is refused with 403
// and a request without a token with 401.
#include <gtest/gtest.h>

#include <regex>

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
  const auto doc = env.client().Get("/v1/openapi.json").json();
  int refusals_checked = 0;
  for (const auto& [path, methods] : doc["paths"].items()) {
    for (const auto& [method, op] : methods.items()) {
      std::set<std::string> allowed;
      for (const auto& r : op["x-roles"]) allowed.insert(r.get<std::string>());
      if (allowed.count("public")) continue;
      const std::string target = FillPath(path);
      const std::string verb = Upper(method);
      const HttpResult anonymous = env.client().Send(verb, target, verb == "GET" ? "" : "{}",
                                                     {{"Content-Type", "application/json"}});
      EXPECT_EQ(anonymous.status, 401) << verb << " " << path;
      for (Role role : kAllRoles) {
        if (allowed.count(std::string(ToString(role)))) continue;
        const HttpResult r = env.client().Send(verb, target, verb == "GET" ? "" : "{}",
                                               {{"Content-Type", "application/json"},
                                                {"Authorization", "Bearer " + env.Token(role)}});
        EXPECT_EQ(r.status, 403) << ToString(role) << " on " << verb << " " << path << ": " << r.body;
        EXPECT_EQ(r.error_code(), "forbidden");
        ++refusals_checked;
      }
    }
  }
  EXPECT_GE(refusals_checked, 30);
}

}  // namespace
}  // namespace rxdesk::testing
