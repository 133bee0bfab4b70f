// rxdesk on PostgreSQL, end to end: the real binary migrates, seeds and serves
// a throwaway PostgreSQL database (a fresh one per test), and the care flow runs
// over HTTP. Then the scale-out shape of ARCHITECTURE.md: two `serve` nodes on
// one database and one key file, under concurrent refills and under kill -9 of
// one node; every acknowledged refill exists exactly once and the audit log
// stays one hash chain. Skipped, with a message, where PostgreSQL is absent.
#include <date/tz.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "domain/zone.h"
#include "store/db.h"
#include "store/migrations.h"
#include "tests/e2e_env.h"
#include "tests/support/postgres_server.h"

namespace rxdesk::testing {
namespace {
namespace fs = std::filesystem;

using Headers = std::vector<std::pair<std::string, std::string>>;

Date TodayCt() {
  static const Zone zone(date::locate_zone("America/Chicago"));
  return zone.LocalDate(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

nlohmann::json NewRx(Date written) {
  return {{"drug", {{"ndc", "00093-7146-56"}, {"name", "atorvastatin"}, {"strength", "20 mg"}, {"form", "tablet"}}},
          {"schedule", "none"},
          {"quantity", 30},
          {"days_supply", 30},
          {"refills_authorized", 3},
          {"written_date", FormatDate(written)},
          {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}}}};
}

// One PostgreSQL installation of rxdesk as an operator sets it up: a fresh
// database, a config file selecting it, one key file named by the config, and a
// data dir per node (logs) that holds no key of its own.
class PostgresInstall : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
    TestPostgres& pg = TestPostgres::Shared();
    ASSERT_TRUE(pg.ok()) << pg.error();
    auto db = pg.CreateDatabase();
    ASSERT_TRUE(db.ok()) << db.error().message;
    conninfo_ = *db;
    fs::create_directories(keys_dir());
    ::chmod(keys_dir().c_str(), 0700);
    WriteConfig(config_path(), key_path());
  }

  std::string keys_dir() const { return dir_.path() + "/keys"; }
  std::string key_path() const { return keys_dir() + "/rxdesk.key"; }
  std::string config_path() const { return dir_.path() + "/rxdesk.toml"; }
  std::string NodeDir(const std::string& name) const {
    const std::string d = dir_.path() + "/" + name;
    fs::create_directories(d);
    return d;
  }

  void WriteConfig(const std::string& path, const std::string& key_file) const {
    std::ofstream out(path);
    out << "[store]\nbackend = \"postgres\"\npostgres_conninfo = \"" << conninfo_ << "\"\n\n"
        << "[operator]\nkey_file = \"" << key_file << "\"\n";
  }

  // `rxdesk ARGS... --config FILE --data-dir DIR`. A `serve` expected to refuse
  // runs under timeout(1), so a wrongly started server fails the test (exit 124)
  // instead of hanging it.
  CommandResult Run(std::vector<std::string> args, const std::string& data_dir,
                    const std::string& config = "") const {
    const bool serve = !args.empty() && args[0] == "serve";
    args.insert(args.begin(), RxdeskBinary());
    if (serve) args.insert(args.begin(), {"/usr/bin/timeout", "60"});
    for (const std::string& a : {std::string("--config"), config.empty() ? config_path() : config,
                                 std::string("--data-dir"), data_dir}) {
      args.push_back(a);
    }
    return RunCommand(args);
  }

  std::unique_ptr<ServerProcess> Serve(const std::string& data_dir) const {
    return std::make_unique<ServerProcess>(data_dir, std::vector<std::string>{"--config", config_path()});
  }

  // Migrates and seeds the database the way the README tells an operator to.
  void MigrateAndSeed(int members) const {
    const CommandResult migrated = Run({"migrate"}, NodeDir("admin"));
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    const CommandResult seeded = Run({"seed", "--demo", "--members", std::to_string(members)}, NodeDir("admin"));
    ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  }

  // Signs in through `client`; workforce users get their current code from the CLI.
  std::string Login(HttpClient& client, const std::string& username, bool needs_totp) const {
    nlohmann::json body = {{"username", username}, {"password", kDemoPassword}};
    for (int attempt = 0; attempt < 3; ++attempt) {
      if (needs_totp) {
        const CommandResult code = Run({"user", "totp", "--username", username}, NodeDir("admin"));
        EXPECT_EQ(code.exit_code, 0) << code.err;
        body["totp"] = code.out.substr(0, code.out.find('\n'));
      }
      const HttpResult r = client.Post("/v1/auth/login", body);
      if (r.status == 200) return r.json()["token"];
      // A code works once per 30-second step: a second sign-in in the same step waits for the next one.
      if (!needs_totp || r.error_code() != "mfa_required") break;
      std::this_thread::sleep_for(std::chrono::seconds(31 - (std::time(nullptr) % 30)));
    }
    ADD_FAILURE() << "sign-in failed for " << username;
    return "";
  }

  Result<std::unique_ptr<Connection>> Db() const { return OpenPostgres({.conninfo = conninfo_}); }

  // A count straight from the database.
  std::int64_t Count(const std::string& sql, std::initializer_list<Value> params = {}) const {
    auto db = Db();
    if (!db.ok()) {
      ADD_FAILURE() << db.error().message;
      return -1;
    }
    auto rows = (*db)->Query(sql, std::span<const Value>(params.begin(), params.size()));
    if (!rows.ok()) {
      ADD_FAILURE() << rows.error().message;
      return -1;
    }
    return (*rows)[0].Int(0);
  }

  // `n` prescriptions never filled (so each may be ordered at once) for a new member.
  std::vector<std::string> NewPrescriptions(HttpClient& client, const std::string& staff, const std::string& pharmacist,
                                            int n, int member_seed) const {
    const HttpResult member = client.Post("/v1/members", NewMemberBody(member_seed), staff);
    EXPECT_EQ(member.status, 201) << member.body;
    const std::string member_id = member.json().value("id", "");
    std::vector<std::string> rxs;
    for (int i = 0; i < n; ++i) {
      const HttpResult rx =
          client.Post("/v1/members/" + member_id + "/prescriptions", NewRx(TodayCt() - Days{3}), pharmacist);
      EXPECT_EQ(rx.status, 201) << rx.body;
      if (rx.status != 201) break;
      rxs.push_back(rx.json()["rx_number"]);
    }
    return rxs;
  }

  TempDir dir_;
  std::string conninfo_;
};

using PostgresEndToEnd = PostgresInstall;
using PostgresKeyFile = PostgresInstall;
using PostgresTwoNodes = PostgresInstall;

TEST_F(PostgresEndToEnd, MigrateSeedServeAndTheWholeCareFlowWorkOverHttp) {
  MigrateAndSeed(20);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM members"), 20);
  auto server = Serve(NodeDir("node1"));
  HttpClient client("127.0.0.1", server->port());

  // A member signs in with a password; workforce roles need their TOTP code too.
  const HttpResult member_login = client.Post("/v1/auth/login", {{"username", "member.demo"}, {"password", kDemoPassword}});
  ASSERT_EQ(member_login.status, 200) << member_login.body;
  EXPECT_EQ(member_login.json()["role"], "member");
  const HttpResult me = client.Get("/v1/me", member_login.json()["token"]);
  ASSERT_EQ(me.status, 200) << me.body;
  const HttpResult without_code = client.Post("/v1/auth/login", {{"username", "agent.demo"}, {"password", kDemoPassword}});
  EXPECT_EQ(without_code.status, 401);
  EXPECT_EQ(without_code.error_code(), "mfa_required");
  const std::string staff = Login(client, "supervisor.demo", true);
  const std::string pharmacist = Login(client, "pharmacist.demo", true);
  ASSERT_FALSE(staff.empty());
  ASSERT_FALSE(pharmacist.empty());

  // A new member (PHI sealed into BYTEA columns) reads back and is found by name and birth date.
  const HttpResult created = client.Post("/v1/members", NewMemberBody(31), staff);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto m = created.json();
  const std::string member_id = m["id"];
  EXPECT_EQ(client.Get("/v1/members/" + member_id, staff).json(), m);
  const HttpResult found = client.Post(
      "/v1/members/search", {{"first_name", "TESTA"}, {"last_name", "member31"}, {"date_of_birth", m["date_of_birth"]}},
      staff);
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.json()["items"].size(), 1u);
  EXPECT_EQ(found.json()["items"][0]["id"], member_id);

  // The pharmacist enters a prescription and records its original fill 25 days ago: due again (75% of 30 is 23).
  const HttpResult rx = client.Post("/v1/members/" + member_id + "/prescriptions", NewRx(TodayCt() - Days{30}), pharmacist);
  ASSERT_EQ(rx.status, 201) << rx.body;
  const std::string rx_number = rx.json()["rx_number"];
  EXPECT_EQ(rx.json()["refills_remaining"], 3);
  const HttpResult fill = client.Post("/v1/prescriptions/" + rx_number + "/fills",
                                      {{"fill_date", FormatDate(TodayCt() - Days{25})}, {"quantity", 30}, {"days_supply", 30}},
                                      pharmacist);
  ASSERT_EQ(fill.status, 201) << fill.body;
  EXPECT_EQ(fill.json()["is_refill"], false);
  const HttpResult eligibility = client.Get("/v1/prescriptions/" + rx_number + "/refill-eligibility", staff);
  ASSERT_EQ(eligibility.status, 200) << eligibility.body;
  EXPECT_EQ(eligibility.json()["eligible"], true);
  EXPECT_EQ(eligibility.json()["refills_remaining"], 3);

  // A refill with an Idempotency-Key; the same request again is the same order.
  const Headers key = {{"Idempotency-Key", "pg-refill-" + rx_number}};
  const HttpResult ordered = client.Post("/v1/refills", {{"rx_number", rx_number}}, staff, key);
  ASSERT_EQ(ordered.status, 201) << ordered.body;
  const HttpResult replayed = client.Post("/v1/refills", {{"rx_number", rx_number}}, staff, key);
  EXPECT_EQ(replayed.status, 201);
  EXPECT_EQ(replayed.Header("idempotent-replayed"), "true");
  EXPECT_EQ(replayed.json(), ordered.json());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM orders WHERE rx_number = ?", {Value(rx_number)}), 1);

  // The order moves through its life to delivered; filling it used a refill.
  const std::string events = "/v1/orders/" + ordered.json()["order_id"].get<std::string>() + "/events";
  ASSERT_EQ(client.Post(events, {{"type", "review_started"}}, pharmacist).status, 201);
  ASSERT_EQ(client.Post(events, {{"type", "filled"}}, pharmacist).status, 201);
  ASSERT_EQ(client.Post(events, {{"type", "shipped"}, {"carrier", "USPS"}, {"tracking", "9400100000000000000000"}}, pharmacist)
                .status,
            201);
  const HttpResult delivered = client.Post(events, {{"type", "delivered"}}, pharmacist);
  ASSERT_EQ(delivered.status, 201) << delivered.body;
  EXPECT_EQ(delivered.json()["status"], "delivered");
  const auto timeline = client.Get(events, staff).json()["items"];
  ASSERT_EQ(timeline.size(), 5u);
  EXPECT_EQ(timeline[4]["status"], "delivered");
  EXPECT_EQ(client.Get("/v1/prescriptions/" + rx_number, staff).json()["refills_remaining"], 2);

  server.reset();
  const CommandResult verify = Run({"audit", "verify"}, NodeDir("admin"));
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("chain intact"), std::string::npos) << verify.out;

  // A dump of the database (what a stolen backup holds) shows none of the member's PHI.
  const CommandResult dump = RunCommand({TestPostgres::BinDir() + "/pg_dump", "--dbname=" + conninfo_});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  ASSERT_NE(dump.out.find("CREATE TABLE public.members"), std::string::npos);  // a real dump
  for (const std::string& phi : {m["last_name"].get<std::string>(), m["email"].get<std::string>(),
                                m["phone"].get<std::string>(), m["address"]["line1"].get<std::string>(),
                                m["date_of_birth"].get<std::string>()}) {
    EXPECT_EQ(dump.out.find(phi), std::string::npos) << "found in the dump: a PHI value of the test member";
  }
}

TEST_F(PostgresEndToEnd, TheEnvironmentSelectsPostgresAsTheConfigFileDoes) {
  MigrateAndSeed(2);
  const CommandResult verify =
      RunCommand({RxdeskBinary(), "audit", "verify", "--data-dir", NodeDir("env")},
                 "", {"RXDESK_STORE_BACKEND=postgres", "RXDESK_STORE_POSTGRES_CONNINFO=" + conninfo_,
                      "RXDESK_OPERATOR_KEY_FILE=" + key_path()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("chain intact"), std::string::npos) << verify.out;
  EXPECT_FALSE(fs::exists(NodeDir("env") + "/rxdesk.db")) << "no SQLite file may appear beside a PostgreSQL store";
}

TEST_F(PostgresKeyFile, MigrateOnAnEmptyDatabaseCreatesItPrivateToItsOwner) {
  ASSERT_FALSE(fs::exists(key_path()));
  const CommandResult migrated = Run({"migrate"}, NodeDir("admin"));
  ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
  struct stat st {};
  ASSERT_EQ(::stat(key_path().c_str(), &st), 0) << "migrate must create the key file with the schema";
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(fs::exists(NodeDir("admin") + "/rxdesk.key")) << "the configured path, not the data dir's default";
}

TEST_F(PostgresKeyFile, IsNeverMadeAnewForADatabaseThatAlreadyHasItsSchema) {
  // A second node configured with a wrong key path must not mint keys of its own,
  // even before any PHI is written: its data would be unreadable to the others.
  ASSERT_EQ(Run({"migrate"}, NodeDir("admin")).exit_code, 0);
  const std::string wrong_key = dir_.path() + "/elsewhere.key";
  const std::string wrong_config = dir_.path() + "/wrong.toml";
  WriteConfig(wrong_config, wrong_key);
  const CommandResult served = Run({"serve", "--listen", "127.0.0.1:" + std::to_string(FreePort())}, NodeDir("node2"),
                                   wrong_config);
  EXPECT_EQ(served.exit_code, 1);
  EXPECT_NE(served.err.find("key file " + wrong_key + " does not exist"), std::string::npos) << served.err;
  EXPECT_FALSE(fs::exists(wrong_key));
}

TEST_F(PostgresKeyFile, AMissingOneIsRefusedByEveryCommandOnceTheDatabaseHasData) {
  MigrateAndSeed(2);
  fs::rename(key_path(), key_path() + ".backup");
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"serve", "--listen", "127.0.0.1:" + std::to_string(FreePort())},
        std::vector<std::string>{"migrate"}, std::vector<std::string>{"seed", "--demo", "--members", "1"},
        std::vector<std::string>{"audit", "verify"}}) {
    const CommandResult r = Run(command, NodeDir("admin"));
    EXPECT_EQ(r.exit_code, 1) << command[0] << ": " << r.err;
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << command[0] << ": " << r.err;
    EXPECT_FALSE(fs::exists(key_path())) << command[0] << " made a new key file for existing data";
  }
  // Restored from backup, the same data opens again.
  fs::rename(key_path() + ".backup", key_path());
  const CommandResult verify = Run({"audit", "verify"}, NodeDir("admin"));
  EXPECT_EQ(verify.exit_code, 0) << verify.err;
}

TEST_F(PostgresTwoNodes, StartingTogetherOnAnEmptyDatabaseMigrateItOnceAndShareOneKey) {
  std::unique_ptr<ServerProcess> nodes[2];
  std::string failures[2];
  {
    std::vector<std::thread> starting;
    for (int i = 0; i < 2; ++i) {
      starting.emplace_back([&, i] {
        try {
          nodes[i] = Serve(NodeDir("node" + std::to_string(i + 1)));
        } catch (const std::exception& e) {
          failures[i] = e.what();
        }
      });
    }
    for (auto& t : starting) t.join();
  }
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(failures[i].empty()) << "node " << i + 1 << ": " << failures[i];
  // Each migration applied once, though both nodes raced to apply them.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM schema_migrations"), LatestSchemaVersion());
  // Seeded through the CLI while both serve; a member written by one node reads back on the other.
  const CommandResult seeded = Run({"seed", "--demo", "--members", "2"}, NodeDir("admin"));
  ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  HttpClient one("127.0.0.1", nodes[0]->port()), two("127.0.0.1", nodes[1]->port());
  const std::string staff = Login(one, "supervisor.demo", true);
  const HttpResult created = one.Post("/v1/members", NewMemberBody(41), staff);
  ASSERT_EQ(created.status, 201) << created.body;
  const HttpResult read = two.Get("/v1/members/" + created.json()["id"].get<std::string>(), staff);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json(), created.json());
}

constexpr int kRefills = 200;
constexpr int kThreads = 20;

TEST_F(PostgresTwoNodes, TwoHundredConcurrentRefillsOverBothNodesEachHappenOnceInOneAuditChain) {
  MigrateAndSeed(2);
  auto node1 = Serve(NodeDir("node1"));
  auto node2 = Serve(NodeDir("node2"));
  HttpClient one("127.0.0.1", node1->port());
  const std::string staff = Login(one, "supervisor.demo", true);
  const std::string pharmacist = Login(one, "pharmacist.demo", true);
  const std::vector<std::string> rxs = NewPrescriptions(one, staff, pharmacist, kRefills, 51);
  ASSERT_EQ(rxs.size(), static_cast<std::size_t>(kRefills));
  const std::int64_t audit_before = Count("SELECT COUNT(*) FROM audit_log");

  // Sessions live in the database: the token from node 1 works on node 2.
  std::mutex mu;
  std::map<std::string, std::string> order_of;  // rx -> order id
  std::vector<std::string> problems;
  std::atomic<int> created_on[2] = {0, 0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const int node = t % 2;
      HttpClient c("127.0.0.1", node == 0 ? node1->port() : node2->port());
      for (int i = t; i < kRefills; i += kThreads) {
        const std::string& rx = rxs[static_cast<std::size_t>(i)];
        const HttpResult r = c.Post("/v1/refills", {{"rx_number", rx}}, staff, {{"Idempotency-Key", "two-nodes-" + rx}});
        std::lock_guard lock(mu);
        if (r.status != 201) {
          problems.push_back(rx + " on node " + std::to_string(node + 1) + ": " + std::to_string(r.status) + " " + r.body);
          continue;
        }
        order_of[rx] = r.json()["order_id"];
        created_on[node].fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_TRUE(problems.empty()) << problems.size() << " refills were not created, e.g. " << problems.front();
  ASSERT_EQ(order_of.size(), static_cast<std::size_t>(kRefills));
  EXPECT_EQ(created_on[0].load(), kRefills / 2);
  EXPECT_EQ(created_on[1].load(), kRefills / 2);

  // Each order exactly once, with its audit entry; the entries form one unbroken chain.
  for (const auto& [rx, order_id] : order_of) {
    EXPECT_EQ(Count("SELECT COUNT(*) FROM orders WHERE rx_number = ?", {Value(rx)}), 1) << rx;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM orders WHERE id = ? AND rx_number = ?", {Value(order_id), Value(rx)}), 1) << rx;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'refill.create' AND record_type = 'order' AND seq > ?",
                  {Value(audit_before)}),
            kRefills);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log"), Count("SELECT MAX(seq) FROM audit_log"));
  node1.reset();
  node2.reset();
  const CommandResult verify = Run({"audit", "verify"}, NodeDir("admin"));
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("chain intact"), std::string::npos) << verify.out;
}

TEST_F(PostgresTwoNodes, OneIdempotencyKeySentToBothNodesAtOnceMakesOneOrderAndOneAnswer) {
  // A client that times out on one node and retries on the other: the twins race.
  MigrateAndSeed(2);
  auto node1 = Serve(NodeDir("node1"));
  auto node2 = Serve(NodeDir("node2"));
  HttpClient one("127.0.0.1", node1->port());
  const std::string staff = Login(one, "supervisor.demo", true);
  const std::string pharmacist = Login(one, "pharmacist.demo", true);
  constexpr int kPairs = 40;
  const std::vector<std::string> rxs = NewPrescriptions(one, staff, pharmacist, kPairs, 71);
  ASSERT_EQ(rxs.size(), static_cast<std::size_t>(kPairs));
  for (const std::string& rx : rxs) {
    HttpResult answers[2];
    std::atomic<int> ready{0};
    std::vector<std::thread> twins;
    for (int n = 0; n < 2; ++n) {
      twins.emplace_back([&, n] {
        HttpClient c("127.0.0.1", n == 0 ? node1->port() : node2->port());
        ready.fetch_add(1);
        while (ready.load() < 2) std::this_thread::yield();
        answers[n] = c.Post("/v1/refills", {{"rx_number", rx}}, staff, {{"Idempotency-Key", "twin-" + rx}});
      });
    }
    for (auto& t : twins) t.join();
    ASSERT_EQ(answers[0].status, 201) << rx << " " << answers[0].body;
    ASSERT_EQ(answers[1].status, 201) << rx << " " << answers[1].body;
    EXPECT_EQ(answers[0].json(), answers[1].json()) << rx;
    EXPECT_EQ(Count("SELECT COUNT(*) FROM orders WHERE rx_number = ?", {Value(rx)}), 1) << rx;
  }
}

TEST_F(PostgresTwoNodes, ManyConcurrentReadersOnBothNodesStayWithinTheServersConnectionLimit) {
  // The test server allows 40 sessions; 30 readers per node at once would take 60
  // if every worker thread opened its own. Each node keeps to its read pool.
  MigrateAndSeed(2);
  auto node1 = Serve(NodeDir("node1"));
  auto node2 = Serve(NodeDir("node2"));
  HttpClient one("127.0.0.1", node1->port());
  const std::string staff = Login(one, "supervisor.demo", true);
  const HttpResult member = one.Post("/v1/members", NewMemberBody(81), staff);
  ASSERT_EQ(member.status, 201) << member.body;
  const std::string path = "/v1/members/" + member.json()["id"].get<std::string>();
  constexpr int kReadersPerNode = 30;
  std::mutex mu;
  std::map<int, int> statuses;
  std::vector<std::thread> readers;
  for (int t = 0; t < 2 * kReadersPerNode; ++t) {
    readers.emplace_back([&, t] {
      HttpClient c("127.0.0.1", t % 2 == 0 ? node1->port() : node2->port());
      for (int i = 0; i < 10; ++i) {
        const int status = c.Get(path, staff).status;
        std::lock_guard lock(mu);
        ++statuses[status];
      }
    });
  }
  for (auto& th : readers) th.join();
  EXPECT_EQ(statuses, (std::map<int, int>{{200, 2 * kReadersPerNode * 10}}));
  // The pools stay open: what they hold now is the most each node ever opened (plus the writers).
  EXPECT_LE(Count("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
                  "pg_backend_pid()"),
            2 * (16 + 1));
}

TEST_F(PostgresTwoNodes, KillDashNineOfOneNodeMidwayLosesNoAcknowledgedRefillAndDuplicatesNone) {
  MigrateAndSeed(2);
  auto victim = Serve(NodeDir("node1"));
  auto survivor = Serve(NodeDir("node2"));
  HttpClient admin("127.0.0.1", survivor->port());
  const std::string staff = Login(admin, "supervisor.demo", true);
  const std::string pharmacist = Login(admin, "pharmacist.demo", true);
  const std::vector<std::string> rxs = NewPrescriptions(admin, staff, pharmacist, kRefills, 61);
  ASSERT_EQ(rxs.size(), static_cast<std::size_t>(kRefills));

  std::mutex mu;
  std::map<std::string, std::string> acknowledged;  // rx -> order id (answered 201)
  std::atomic<int> victim_answered{0};
  std::atomic<int> victim_acknowledged{0};
  std::atomic<bool> killed{false};
  std::atomic<int> victim_threads{kThreads / 2};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const bool on_victim = t % 2 == 0;
      HttpClient c("127.0.0.1", on_victim ? victim->port() : survivor->port());
      struct Done {
        std::atomic<int>* running;
        ~Done() {
          if (running != nullptr) running->fetch_sub(1);
        }
      } done{on_victim ? &victim_threads : nullptr};
      for (int i = t; i < kRefills; i += kThreads) {
        if (on_victim && killed.load()) return;
        const std::string& rx = rxs[static_cast<std::size_t>(i)];
        const HttpResult r = c.Post("/v1/refills", {{"rx_number", rx}}, staff, {{"Idempotency-Key", "kill-" + rx}});
        if (r.status == 201) {
          std::lock_guard lock(mu);
          acknowledged[rx] = r.json()["order_id"];
          if (on_victim) victim_acknowledged.fetch_add(1);
        }
        if (on_victim && r.status != 0) victim_answered.fetch_add(1);
      }
    });
  }
  // Killed once a third of its share is answered, while its other threads are mid-request.
  while (victim_answered.load() < kRefills / 6 && victim_threads.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  victim->Kill9();
  killed.store(true);
  for (auto& th : threads) th.join();
  ASSERT_GE(victim_acknowledged.load(), kRefills / 6);
  ASSERT_LT(victim_acknowledged.load(), kRefills / 2) << "the kill came too late to test anything";

  // Straight from the database: every acknowledged refill exactly once, nothing half made.
  for (const auto& [rx, order_id] : acknowledged) {
    EXPECT_EQ(Count("SELECT COUNT(*) FROM orders WHERE rx_number = ?", {Value(rx)}), 1)
        << "acknowledged refill of " << rx << " must exist exactly once";
    EXPECT_EQ(Count("SELECT COUNT(*) FROM orders WHERE id = ?", {Value(order_id)}), 1) << rx;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM orders o WHERE o.created_by != 'seed' AND (NOT EXISTS (SELECT 1 FROM "
                  "order_events e WHERE e.order_id = o.id AND e.type = 'created') OR NOT EXISTS (SELECT 1 FROM "
                  "audit_log a WHERE a.record_id = o.id AND a.action = 'refill.create'))"),
            0);

  // The survivor completes every request by its key: acknowledged ones replay, the rest happen once.
  for (const std::string& rx : rxs) {
    const HttpResult r = admin.Post("/v1/refills", {{"rx_number", rx}}, staff, {{"Idempotency-Key", "kill-" + rx}});
    ASSERT_EQ(r.status, 201) << rx << " " << r.body;
    if (acknowledged.count(rx)) {
      EXPECT_EQ(r.json()["order_id"], acknowledged[rx]) << rx;
    }
  }
  for (const std::string& rx : rxs) {
    EXPECT_EQ(Count("SELECT COUNT(*) FROM orders WHERE rx_number = ?", {Value(rx)}), 1) << rx;
  }
  survivor.reset();
  const CommandResult verify = Run({"audit", "verify"}, NodeDir("admin"));
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace rxdesk::testing
