// docs/api.md tried for real: scripts/api_examples.sh runs the guide's main flow
// against a seeded `rxdesk serve`, and every operation the server publishes in
// /v1/openapi.json must be documented in the guide with the roles it allows.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

namespace fs = std::filesystem;

// The source tree: $RXDESK_SOURCE_DIR, else the folder above this file's (CMake
// compiles it by absolute path).
fs::path SourceDir() {
  if (const char* env = std::getenv("RXDESK_SOURCE_DIR"); env != nullptr && *env != '\0') return env;
  return fs::path(__FILE__).parent_path().parent_path();
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// One seeded server of its own: the script signs in the demo pharmacist, whose
// TOTP code works once per 30-second step, so it must not share the suite's server.
class DocsExamples : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    const CommandResult seeded = Rxdesk({"seed", "--demo", "--members", "5"}, dir_->path());
    ASSERT_EQ(seeded.exit_code, 0) << seeded.out << seeded.err;
    server_ = std::make_unique<ServerProcess>(dir_->path());
  }
  void SetUp() override { ASSERT_NE(server_, nullptr) << "the seeded server did not start"; }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }

  static std::string Url() { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  static CommandResult RunScript(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/bin/bash", (SourceDir() / "scripts" / "api_examples.sh").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }
  static nlohmann::json OpenApi() {
    HttpClient client("127.0.0.1", server_->port());
    const HttpResult r = client.Get("/v1/openapi.json");
    EXPECT_EQ(r.status, 200);
    return r.json();
  }

  static std::unique_ptr<TempDir> dir_;
  static std::unique_ptr<ServerProcess> server_;
};

std::unique_ptr<TempDir> DocsExamples::dir_;
std::unique_ptr<ServerProcess> DocsExamples::server_;

// The guide's section for one operation: from its "#### `METHOD PATH`" heading to the next heading.
std::string SectionOf(const std::string& guide, const std::string& method, const std::string& path) {
  const std::string heading = "#### `" + method + " " + path + "`";
  std::size_t start = guide.find(heading + "\n");
  if (start == std::string::npos) return "";
  start += heading.size();
  // Headings are "## ", "### " or "#### "; a "# comment" inside a code block is not one.
  std::size_t end = std::string::npos;
  for (const char* next : {"\n## ", "\n### ", "\n#### "}) end = std::min(end, guide.find(next, start));
  return guide.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// The roles named on the section's "**Who:**" line ("public" for routes without a token).
std::set<std::string> RolesOf(const std::string& section) {
  const std::size_t at = section.find("**Who:**");
  if (at == std::string::npos) return {};
  const std::string line = section.substr(at, section.find('\n', at) - at);
  std::set<std::string> roles;
  for (const char* role : {"public", "member", "agent", "pharmacist", "supervisor", "privacy_officer", "admin"}) {
    // Whole words only: "member" must not match inside "members".
    for (std::size_t pos = line.find(role); pos != std::string::npos; pos = line.find(role, pos + 1)) {
      const std::size_t after = pos + std::string(role).size();
      const auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
      if ((pos == 0 || !word_char(line[pos - 1])) && (after == line.size() || !word_char(line[after]))) {
        roles.insert(role);
        break;
      }
    }
  }
  return roles;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(DocsExamples, TheExamplesScriptGetsEveryDocumentedStatusFromARealServer) {
  const CommandResult r = RunScript({Url(), dir_->path(), RxdeskBinary()});
  EXPECT_EQ(r.exit_code, 0) << "scripts/api_examples.sh output:\n" << r.out << r.err;
  EXPECT_NE(r.out.find("steps returned the documented status"), std::string::npos) << r.out << r.err;
}

TEST_F(DocsExamples, TheExamplesScriptRefusesMisuseWithExitCodeTwo) {
  const CommandResult no_args = RunScript({});
  EXPECT_EQ(no_args.exit_code, 2);
  EXPECT_NE(no_args.err.find("usage"), std::string::npos) << no_args.err;
  const CommandResult remote = RunScript({"http://198.51.100.7:8080", dir_->path(), RxdeskBinary()});
  EXPECT_EQ(remote.exit_code, 2);
  EXPECT_NE(remote.err.find("loopback"), std::string::npos) << remote.err;
}

TEST_F(DocsExamples, TheExamplesScriptFailsWhenAStepDoesNotGetItsDocumentedStatus) {
  // A server that is not there answers no step: the script must say so and exit 1, not 0.
  const CommandResult r = RunScript({"http://127.0.0.1:" + std::to_string(FreePort()), dir_->path(), RxdeskBinary()});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("FAIL: GET /healthz: expected 200"), std::string::npos) << r.err;
}

TEST_F(DocsExamples, EveryPathOfTheOpenApiDocumentIsInTheApiGuide) {
  const std::string guide = ReadText(SourceDir() / "docs" / "api.md");
  ASSERT_FALSE(guide.empty()) << "docs/api.md is missing";
  const nlohmann::json doc = OpenApi();
  ASSERT_FALSE(doc["paths"].empty());
  for (const auto& [path, operations] : doc["paths"].items()) {
    EXPECT_NE(guide.find(path), std::string::npos) << path << " is not in docs/api.md";
    for (const auto& [method, op] : operations.items()) {
      EXPECT_FALSE(SectionOf(guide, Upper(method), path).empty())
          << "docs/api.md has no section \"#### `" << Upper(method) << " " << path << "`\"";
    }
  }
}

TEST_F(DocsExamples, TheGuideNamesExactlyTheRolesEachRouteAllows) {
  const std::string guide = ReadText(SourceDir() / "docs" / "api.md");
  const nlohmann::json doc = OpenApi();
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, op] : operations.items()) {
      const std::string section = SectionOf(guide, Upper(method), path);
      if (section.empty()) continue;  // reported by EveryPathOfTheOpenApiDocumentIsInTheApiGuide
      std::set<std::string> allowed;
      for (const auto& role : op["x-roles"]) allowed.insert(role.get<std::string>());
      EXPECT_EQ(RolesOf(section), allowed) << Upper(method) << " " << path << ": the **Who:** line differs from x-roles";
      bool takes_key = false;
      for (const auto& p : op.value("parameters", nlohmann::json::array())) takes_key |= p["name"] == "Idempotency-Key";
      EXPECT_EQ(section.find("Idempotency-Key") != std::string::npos, takes_key)
          << Upper(method) << " " << path << ": Idempotency-Key is " << (takes_key ? "accepted" : "not accepted")
          << " but the guide says otherwise";
    }
  }
}

}  // namespace
}  // namespace rxdesk::testing
