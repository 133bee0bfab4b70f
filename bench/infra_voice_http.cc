// The IVR webhook over HTTP: signed events against a real `rxdesk serve`
// (SQLite, keep-alive connections), each event a read, an engine step and a
// versioned update of the call's row.
//
// Target (issue: contact center): >= 10,000 events/s. Needs the rxdesk binary
// ($RXDESK_BIN, else build/rxdesk); skipped with a message when it is absent.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "infra/crypto.h"
#include "tests/support/http_client.h"
#include "tests/support/server_process.h"

namespace rxdesk {
namespace {

constexpr char kSecret[] = "bench-voice-secret-0123456789";

testing::HttpResult SignedPost(testing::HttpClient& client, const std::string& target, const std::string& body) {
  return client.Send(
      "POST", target, body,
      {{"Content-Type", "application/json"}, {"X-Rxdesk-Signature", "sha256=" + HexEncode(HmacSha256(kSecret, body))}});
}

// Each thread holds one call (one keep-alive connection) and keeps pressing 9
// (the menu replayed in Spanish): as many events in flight as threads.
void BM_VoiceWebhookEventsOverHttp(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  std::unique_ptr<testing::TempDir> dir;
  std::unique_ptr<testing::ServerProcess> server;
  try {
    dir = std::make_unique<testing::TempDir>();
    server = std::make_unique<testing::ServerProcess>(
        dir->path(), std::vector<std::string>{},
        std::vector<std::string>{std::string("RXDESK_VOICE_WEBHOOK_SECRET=") + kSecret});
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const std::string event = R"({"type":"digits","digits":"9"})";
  for (auto _ : state) {
    std::atomic<long> events{0}, failures{0};
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        testing::HttpClient client("127.0.0.1", server->port());
        const std::string sid = "CAbench" + std::to_string(t) + "x" + std::to_string(state.iterations());
        if (SignedPost(client, "/v1/voice/calls",
                       R"({"call_sid":")" + sid + R"(","to":"+18002372765","from":"+15125550100"})")
                .status != 200) {
          ++failures;
          return;
        }
        const std::string target = "/v1/voice/calls/" + sid + "/events";
        while (std::chrono::steady_clock::now() < deadline) {
          if (SignedPost(client, target, event).status == 200) {
            ++events;
          } else {
            ++failures;
          }
        }
      });
    }
    for (std::thread& th : pool) th.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    state.SetIterationTime(seconds);
    state.counters["events_per_s"] = static_cast<double>(events.load()) / seconds;
    state.counters["failures"] = static_cast<double>(failures.load());
  }
}
// 16, 64 and 256 calls in flight: a telephony gateway carries many calls at once.
BENCHMARK(BM_VoiceWebhookEventsOverHttp)
    ->Arg(16)
    ->Arg(64)
    ->Arg(256)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace rxdesk
