// PHI at rest (issue "HIPAA-grade safeguards", part 1): after a workload that
// writes distinctive names, dates of birth, addresses, phones, emails and a
// clinical note, not one of them can be read in the SQLite file, its WAL, the
// key-less rest of the data dir or the server's log. The test would fail if any
// field were stored in the clear (e.g. the idempotent-response cache once was).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Every file under `dir` except the key file, with the first PHI value found in it.
std::vector<std::string> FilesHolding(const fs::path& dir, const std::vector<std::string>& phi) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file() || entry.path().filename() == "rxdesk.key") continue;
    const std::string bytes = ReadBytes(entry.path());
    for (const std::string& value : phi) {
      if (bytes.find(value) != std::string::npos) found.push_back(entry.path().filename().string() + ": " + value);
    }
  }
  return found;
}

TEST(PhiAtRest, NoSeededOrWrittenPhiIsReadableInTheDataDirWalOrLog) {
  TempDir dir;
  ASSERT_EQ(Rxdesk({"seed", "--demo", "--members", "3"}, dir.path()).exit_code, 0);
  ServerProcess server(dir.path());
  HttpClient client("127.0.0.1", server.port());
  const auto login = [&](const char* user) {
    const HttpResult r = client.Post(
        "/v1/auth/login", {{"username", user},
                           {"password", kDemoPassword},
                           {"totp", Rxdesk({"user", "totp", "--username", user}, dir.path()).out.substr(0, 6)}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("token", "");
  };
  const std::string rph = login("pharmacist.demo");

  // Values no seed or code would produce by chance.
  const std::vector<std::string> phi = {"Quillonbert",          "Zephyrinaxe",
                                        "1933-07-19",           "8817 Wintergreen Hollow",
                                        "+15125558817",         "quillon.zephyr@example.org",
                                        "cough-after-dose-7731"};
  nlohmann::json member = {
      {"first_name", "Quillonbert"},
      {"last_name", "Zephyrinaxe"},
      {"date_of_birth", "1933-07-19"},
      {"address", {{"line1", "8817 Wintergreen Hollow"}, {"city", "Austin"}, {"state", "TX"}, {"zip", "78701"}}},
      {"email", "quillon.zephyr@example.org"},
      {"phone", "(512) 555-8817"}};
  // Created with an Idempotency-Key: the stored response holds the member too.
  const HttpResult created = client.Post("/v1/members", member, rph, {{"Idempotency-Key", "phi-at-rest-1"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  const HttpResult rx = client.Post("/v1/members/" + id + "/prescriptions",
                                    {{"drug", {{"ndc", "00093714656"}, {"name", "Atorvastatin"}}},
                                     {"schedule", "none"},
                                     {"quantity", 30},
                                     {"days_supply", 30},
                                     {"refills_authorized", 3},
                                     {"written_date", "2026-11-01"},
                                     {"prescriber", {{"npi", "1234567893"}, {"name", "Dr. Example"}}}},
                                    rph);
  ASSERT_EQ(rx.status, 201) << rx.body;
  const std::string rx_number = rx.json()["rx_number"];
  ASSERT_EQ(client
                .Post("/v1/prescriptions/" + rx_number + "/fills",
                      {{"fill_date", "2026-11-20"}, {"quantity", 30}, {"days_supply", 30}}, rph)
                .status,
            201);
  // An early fill with a clinical override reason (a clinical note).
  const HttpResult early = client.Post("/v1/prescriptions/" + rx_number + "/fills",
                                       {{"fill_date", "2026-11-21"},
                                        {"quantity", 30},
                                        {"days_supply", 30},
                                        {"override_reason", "cough-after-dose-7731"}},
                                       rph);
  ASSERT_EQ(early.status, 201) << early.body;
  ASSERT_EQ(
      client
          .Post("/v1/members/search",
                {{"first_name", "Quillonbert"}, {"last_name", "Zephyrinaxe"}, {"date_of_birth", "1933-07-19"}}, rph)
          .status,
      200);
  ASSERT_EQ(client.Get("/v1/members/" + id, rph).status, 200);

  // The API gives them back (so the test's values really were stored) ...
  EXPECT_EQ(client.Get("/v1/members/" + id, rph).json()["last_name"], "Zephyrinaxe");
  // ... while the files hold none of them: live (with the WAL) and after shutdown.
  ASSERT_TRUE(fs::exists(fs::path(dir.path()) / "rxdesk.db-wal"));
  EXPECT_EQ(FilesHolding(dir.path(), phi), std::vector<std::string>{});
  ASSERT_TRUE(fs::exists(server.log_path()));  // the server's log lives in the data dir: checked too
  EXPECT_EQ(server.Terminate(), 0);
  EXPECT_EQ(FilesHolding(dir.path(), phi), std::vector<std::string>{});
}

// Secure messages (subject and bodies are PHI) and the notification they queue
// (the outbox holds a template and a reference, never the text) are sealed too.
TEST(PhiAtRest, SecureMessagesAndTheirNotificationsAreNotReadableInTheDataDir) {
  TempDir dir;
  ASSERT_EQ(Rxdesk({"seed", "--demo", "--members", "3"}, dir.path()).exit_code, 0);
  ServerProcess server(dir.path());
  HttpClient client("127.0.0.1", server.port());
  const HttpResult member_login =
      client.Post("/v1/auth/login", {{"username", "member.demo"}, {"password", kDemoPassword}});
  ASSERT_EQ(member_login.status, 200) << member_login.body;
  const std::string member = member_login.json()["token"];
  const HttpResult rph_login =
      client.Post("/v1/auth/login",
                  {{"username", "pharmacist.demo"},
                   {"password", kDemoPassword},
                   {"totp", Rxdesk({"user", "totp", "--username", "pharmacist.demo"}, dir.path()).out.substr(0, 6)}});
  ASSERT_EQ(rph_login.status, 200) << rph_login.body;
  const std::string rph = rph_login.json()["token"];

  const std::vector<std::string> phi = {"dizzy-spells-4471", "since-Vexmorandol-9923", "halve-the-dose-5518"};
  const HttpResult sent = client.Post(
      "/v1/messages", {{"subject", "dizzy-spells-4471"}, {"body", "Dizzy since-Vexmorandol-9923 started"}}, member);
  ASSERT_EQ(sent.status, 201) << sent.body;
  const std::string thread = sent.json()["id"];
  const HttpResult reply =
      client.Post("/v1/messages/" + thread + "/replies", {{"body", "Please halve-the-dose-5518 and call us"}}, rph);
  ASSERT_EQ(reply.status, 201) << reply.body;

  // Stored (the API gives the text back) ...
  const HttpResult read = client.Get("/v1/messages/" + thread, member);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_NE(read.body.find("halve-the-dose-5518"), std::string::npos);
  // ... but in no file of the data dir, live or after shutdown.
  EXPECT_EQ(FilesHolding(dir.path(), phi), std::vector<std::string>{});
  EXPECT_EQ(server.Terminate(), 0);
  EXPECT_EQ(FilesHolding(dir.path(), phi), std::vector<std::string>{});
}

}  // namespace
}  // namespace rxdesk::testing
