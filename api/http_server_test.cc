// The server's answers that wait for queued writes (infra/ack_gate.h): a held
// answer leaves only when its writes reported, a failed one becomes 503, an
// answer left by the write replaces the handler's, and inline handlers run on
// the I/O thread.
#include "api/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "infra/ack_gate.h"
#include "tests/support/http_client.h"

namespace rxdesk {
namespace {

using testing::HttpClient;

// A server on a free port running `handler`, served on a background thread.
class TestServer {
 public:
  TestServer(HttpServerOptions options, HttpHandler handler) : server_(WithFreePort(std::move(options)), std::move(handler)) {
    const Status s = server_.Listen();
    EXPECT_TRUE(s.ok());
    thread_ = std::thread([this] { server_.Run(); });
  }
  ~TestServer() {
    server_.Stop();
    thread_.join();
  }
  std::uint16_t port() const { return server_.port(); }

 private:
  static HttpServerOptions WithFreePort(HttpServerOptions o) {
    o.port = 0;
    o.io_threads = 1;
    o.worker_threads = 2;
    return o;
  }
  HttpServer server_;
  std::thread thread_;
};

// Writes "committed" later, from another thread, the way the store's writer does.
class LateCommits {
 public:
  ~LateCommits() {
    for (auto& t : threads_) t.join();
  }
  void After(std::chrono::milliseconds delay, AckGate::Done done, Status outcome, std::function<void()> before = {}) {
    std::lock_guard lock(mu_);
    threads_.emplace_back([=] {
      std::this_thread::sleep_for(delay);
      if (before) before();
      done(outcome);
    });
  }

 private:
  std::mutex mu_;
  std::vector<std::thread> threads_;
};

TEST(HttpServerAckGate, AHeldAnswerLeavesOnlyAfterItsWriteReported) {
  LateCommits commits;
  std::atomic<bool> committed{false};
  TestServer server({}, [&](HttpRequest&) {
    AckGate* gate = AckGate::Current();
    EXPECT_NE(gate, nullptr);
    commits.After(std::chrono::milliseconds(200), gate->Hold(), OkStatus(), [&] { committed = true; });
    HttpResponse r;
    r.body = R"({"read":"done"})";
    return r;
  });
  HttpClient client("127.0.0.1", server.port());
  const auto r = client.Get("/anything");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"read":"done"})");
  EXPECT_TRUE(committed.load()) << "the answer left before its write committed";
}

TEST(HttpServerAckGate, AFailedWriteTurnsTheAnswerInto503AndHidesWhatTheHandlerRead) {
  LateCommits commits;
  TestServer server({}, [&](HttpRequest&) {
    commits.After(std::chrono::milliseconds(20), AckGate::Current()->Hold(), OkStatus());
    commits.After(std::chrono::milliseconds(50), AckGate::Current()->Hold(),
                  MakeError("store_unavailable", "disk full"));
    HttpResponse r;
    r.body = R"({"secret":"health data"})";
    return r;
  });
  HttpClient client("127.0.0.1", server.port());
  const auto r = client.Get("/anything");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.error_code(), "store_unavailable");
  EXPECT_EQ(r.body.find("health data"), std::string::npos);
}

TEST(HttpServerAckGate, AnAnswerLeftByTheWriteReplacesTheHandlersPlaceholder) {
  LateCommits commits;
  TestServer server({}, [&](HttpRequest&) {
    auto gate = AckGate::Current()->shared_from_this();
    commits.After(std::chrono::milliseconds(20), gate->Hold(), OkStatus(), [gate] {
      HttpResponse later;
      later.status = 409;
      later.body = R"({"error":{"code":"conflict","message":"lost a race"}})";
      gate->SetAnswer(later);
    });
    return HttpResponse{};
  });
  HttpClient client("127.0.0.1", server.port());
  const auto r = client.Get("/anything");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code(), "conflict");
}

TEST(HttpServerAckGate, OnAnswerSeesTheFinalStatusAndTheTimeSpentWaiting) {
  LateCommits commits;
  std::mutex mu;
  std::vector<std::pair<int, double>> seen;
  HttpServerOptions options;
  options.on_answer = [&](const HttpRequest&, HttpResponse& res, double seconds) {
    std::lock_guard lock(mu);
    seen.emplace_back(res.status, seconds);
  };
  TestServer server(options, [&](HttpRequest&) {
    commits.After(std::chrono::milliseconds(100), AckGate::Current()->Hold(), MakeError("store_unavailable", "x"));
    return HttpResponse{};
  });
  HttpClient client("127.0.0.1", server.port());
  EXPECT_EQ(client.Get("/anything").status, 503);
  std::lock_guard lock(mu);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].first, 503);
  EXPECT_GE(seen[0].second, 0.1);
}

TEST(HttpServerAckGate, OnlyRequestsTheRunInlinePredicateNamesRunOnTheIoThread) {
  std::mutex mu;
  std::vector<std::thread::id> io_ids, worker_ids;
  HttpServerOptions options;
  options.run_inline = [](const HttpRequest& r) { return r.path == "/inline"; };
  TestServer server(options, [&](HttpRequest& r) {
    std::lock_guard lock(mu);
    (r.path == "/inline" ? io_ids : worker_ids).push_back(std::this_thread::get_id());
    return HttpResponse{};
  });
  HttpClient client("127.0.0.1", server.port());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(client.Get("/inline").status, 200);
    EXPECT_EQ(client.Get("/worker").status, 200);
  }
  std::lock_guard lock(mu);
  ASSERT_EQ(io_ids.size(), 5u);
  ASSERT_EQ(worker_ids.size(), 5u);
  // One I/O thread: every inline request ran on it, and never on a worker.
  for (const auto& id : io_ids) EXPECT_EQ(id, io_ids[0]);
  for (const auto& id : worker_ids) EXPECT_NE(id, io_ids[0]);
}

}  // namespace
}  // namespace rxdesk
