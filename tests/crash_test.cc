// A crash loses no acknowledged write: 200 concurrent refills, kill -9 midway,
// restart. Every refill answered 201 exists exactly once; none is half made
// (an order always has its event and its audit entry); retrying the unanswered
// ones with their idempotency keys makes exactly one order each; the audit
// chain verifies.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "store/db.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

constexpr int kRefills = 200;

TEST(Crash, KillDashNineDuringRefillsLosesNoAcknowledgedOrder) {
  TempDir dir;
  ASSERT_EQ(Rxdesk({"seed", "--demo", "--members", "1"}, dir.path()).exit_code, 0);
  auto server = std::make_unique<ServerProcess>(dir.path());
  HttpClient client("127.0.0.1", server->port());
  const std::string totp = Rxdesk({"user", "totp", "--username", "pharmacist.demo"}, dir.path()).out.substr(0, 6);
  const HttpResult login = client.Post("/v1/auth/login", {{"username", "pharmacist.demo"}, {"password", kDemoPassword}, {"totp", totp}});
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token = login.json()["token"];
  const std::string member = client.Post("/v1/members", NewMemberBody(77), token).json()["id"];

  // 200 prescriptions never filled: each may be ordered at once.
  std::vector<std::string> rxs;
  for (int i = 0; i < kRefills; ++i) {
    const HttpResult rx = client.Post("/v1/members/" + member + "/prescriptions",
                                      {{"drug", {{"ndc", "00093-7146-56"}, {"name", "atorvastatin"}}},
                                       {"schedule", "none"}, {"quantity", 30}, {"days_supply", 30},
                                       {"refills_authorized", 3}, {"written_date", "2026-11-01"},
                                       {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}}}},
                                      token);
    ASSERT_EQ(rx.status, 201) << rx.body;
    rxs.push_back(rx.json()["rx_number"]);
  }

  std::mutex mu;
  std::map<std::string, std::string> acknowledged;  // rx -> order id (got a 201)
  std::atomic<int> answered{0};
  std::atomic<bool> killed{false};
  std::vector<std::thread> threads;
  const int kThreads = 20;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient c("127.0.0.1", server->port());
      for (int i = t; i < kRefills; i += kThreads) {
        if (killed.load()) return;
        const HttpResult r = c.Post("/v1/refills", {{"rx_number", rxs[static_cast<std::size_t>(i)]}}, token,
                                    {{"Idempotency-Key", "crash-" + rxs[static_cast<std::size_t>(i)]}});
        if (r.status == 201) {
          std::lock_guard lock(mu);
          acknowledged[rxs[static_cast<std::size_t>(i)]] = r.json()["order_id"];
        }
        if (r.status != 0) answered.fetch_add(1);
      }
    });
  }
  while (answered.load() < kRefills / 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  server->Kill9();
  killed.store(true);
  for (auto& th : threads) th.join();
  ASSERT_GE(acknowledged.size(), static_cast<std::size_t>(kRefills / 3));
  ASSERT_LT(acknowledged.size(), static_cast<std::size_t>(kRefills)) << "the kill came too late to test anything";

  // Straight from the database file, as the restarted server will see it.
  {
    auto db = OpenSqlite({.path = dir.path() + "/rxdesk.db"});
    ASSERT_TRUE(db.ok());
    for (const auto& [rx, order_id] : acknowledged) {
      auto rows = (*db)->Query("SELECT COUNT(*) FROM orders WHERE rx_number = ?", {Value(rx)});
      ASSERT_TRUE(rows.ok());
      EXPECT_EQ((*rows)[0].Int(0), 1) << "acknowledged refill of " << rx << " must exist exactly once";
    }
    // Nothing half made: every order has its creation event and its audit entry.
    auto orphans = (*db)->Query(
        "SELECT COUNT(*) FROM orders o WHERE o.created_by != 'seed' AND (NOT EXISTS (SELECT 1 FROM order_events e "
        "WHERE e.order_id = o.id AND e.type = 'created') OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE "
        "a.record_id = o.id AND a.action = 'refill.create'))");
    ASSERT_TRUE(orphans.ok());
    EXPECT_EQ((*orphans)[0].Int(0), 0);
  }

  server = std::make_unique<ServerProcess>(dir.path());
  HttpClient after("127.0.0.1", server->port());
  // Retrying every request with its key: the acknowledged ones replay, the rest complete once.
  for (const std::string& rx : rxs) {
    const HttpResult r = after.Post("/v1/refills", {{"rx_number", rx}}, token, {{"Idempotency-Key", "crash-" + rx}});
    ASSERT_EQ(r.status, 201) << rx << " " << r.body;
    if (acknowledged.count(rx)) {
      EXPECT_EQ(r.json()["order_id"], acknowledged[rx]);
    }
  }
  server.reset();
  auto db = OpenSqlite({.path = dir.path() + "/rxdesk.db"});
  ASSERT_TRUE(db.ok());
  auto per_rx = (*db)->Query("SELECT rx_number, COUNT(*) FROM orders WHERE member_id = ? GROUP BY rx_number", {Value(member)});
  ASSERT_TRUE(per_rx.ok());
  EXPECT_EQ(per_rx->size(), static_cast<std::size_t>(kRefills));
  for (const Row& r : *per_rx) EXPECT_EQ(r.Int(1), 1) << r.Text(0);
  const CommandResult verify = Rxdesk({"audit", "verify"}, dir.path());
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace rxdesk::testing
