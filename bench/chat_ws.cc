// Web chat delivery under load: starts a real `rxdesk serve` (SQLite, fsync'd
// group commit), opens members' and agents' WebSockets, lets the ACD assign every
// chat, then members send messages at a steady rate and agents time each
// delivery (send on the member's socket -> arrival on the agent's, through the
// store: sealed, sequenced, audited). Prints connections, messages, p50/p99/max
// against the target (p99 < 50 ms with 2,000 sockets).
//
//   bench/chat_ws_bench [MEMBERS=1500] [AGENTS=500] [SECONDS=20] [INTERVAL_MS=2000]
// clang-format off
// Boost 1.74's asio/awaitable.hpp uses std::exchange without including <utility>.
#include <utility>
// clang-format on
#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <deque>
#include <functional>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "domain/clock.h"
#include "infra/crypto.h"
#include "infra/key_file.h"
#include "infra/totp.h"
#include "services/auth_service.h"
#include "services/phi_vault.h"
#include "store/store.h"
#include "tests/support/http_client.h"
#include "tests/support/server_process.h"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using Steady = std::chrono::steady_clock;
using nlohmann::json;

namespace {

constexpr char kPassword[] = "bench-password-2026";
constexpr double kTargetP99Ms = 50;

class WallClock final : public rxdesk::Clock {
 public:
  rxdesk::Instant Now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

struct Latencies {
  std::mutex mu;
  std::vector<double> ms;
  void Add(double v) {
    std::lock_guard lock(mu);
    ms.push_back(v);
  }
};

// One socket: reads forever, hands each event to `on_event`; writes are queued.
class Peer : public std::enable_shared_from_this<Peer> {
 public:
  Peer(net::io_context& ioc, std::string token) : ws_(net::make_strand(ioc)), token_(std::move(token)) {}
  std::function<void(Peer&, const json&)> on_event;
  std::string chat_id;
  std::atomic<int> sent{0};

  void Connect(const tcp::endpoint& ep, std::function<void()> on_ready) {
    on_ready_ = std::move(on_ready);
    beast::get_lowest_layer(ws_).async_connect(ep, [self = shared_from_this(), ep](beast::error_code ec) {
      if (ec) return self->Fail("connect", ec);
      beast::get_lowest_layer(self->ws_).expires_never();
      self->ws_.async_handshake("127.0.0.1:" + std::to_string(ep.port()), "/v1/chat/ws", [self](beast::error_code hec) {
        if (hec) return self->Fail("handshake", hec);
        self->Send(json{{"type", "auth"}, {"token", self->token_}}.dump());
        self->Read();
      });
    });
  }
  void Send(std::string text) {
    net::post(ws_.get_executor(), [self = shared_from_this(), text = std::move(text)]() mutable {
      self->queue_.push_back(std::move(text));
      if (self->queue_.size() == 1) self->WriteNext();
    });
  }
  void Close() {
    net::post(ws_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      beast::get_lowest_layer(self->ws_).socket().close(ec);
    });
  }

 private:
  void Fail(const char* what, beast::error_code ec) {
    if (!closing_) std::fprintf(stderr, "chat bench: %s: %s\n", what, ec.message().c_str());
  }
  void WriteNext() {
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->Fail("write", ec);
      self->queue_.pop_front();
      if (!self->queue_.empty()) self->WriteNext();
    });
  }
  void Read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->closing_ = true;
        return;
      }
      const json event = json::parse(beast::buffers_to_string(self->buffer_.data()), nullptr, false);
      self->buffer_.consume(self->buffer_.size());
      if (event.value("type", "") == "ready" && self->on_ready_) {
        auto ready = std::move(self->on_ready_);
        ready();
      }
      if (self->on_event) self->on_event(*self, event);
      self->Read();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  std::string token_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::function<void()> on_ready_;
  bool closing_ = false;
};

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
  return v[i];
}

template <class Pred>
bool WaitFor(Pred done, int seconds) {
  const auto until = Steady::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (Steady::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const int members = argc > 1 ? std::atoi(argv[1]) : 1500;
  const int agents = argc > 2 ? std::atoi(argv[2]) : 500;
  const int seconds = argc > 3 ? std::atoi(argv[3]) : 20;
  const int interval_ms = argc > 4 ? std::atoi(argv[4]) : 2000;
  using namespace rxdesk;
  using namespace rxdesk::testing;

  TempDir dir;
  // Users and their sessions, written before the server starts (cheap password hashing:
  // the bench measures chat, not sign-in). The seed links one member to member.demo,
  // hence one more member.
  AuthPolicy policy;
  policy.argon2_ops = 1;
  policy.argon2_mem_kib = 8 * 1024;
  policy.workforce_token_minutes = 24 * 60;
  policy.member_token_minutes = 24 * 60;
  std::vector<std::string> member_tokens, agent_tokens;
  {
    const CommandResult seeded = RunCommand(
        {RxdeskBinary(), "seed", "--demo", "--members", std::to_string(members + 1), "--data-dir", dir.path()});
    if (seeded.exit_code != 0) {
      std::cerr << "chat bench: seed failed: " << seeded.err << "\n";
      return 1;
    }
    auto store = Store::Open({.sqlite_path = dir.path() + "/rxdesk.db", .sqlite_synchronous = "NORMAL"});
    auto keys = LoadOrCreateKeyFile(dir.path() + "/rxdesk.key", false);
    if (!store.ok() || !keys.ok()) {
      std::cerr << "chat bench: cannot open the seeded store\n";
      return 1;
    }
    PhiVault vault(std::move(*keys));
    WallClock clock;
    AuthService auth(**store, vault, clock, policy);
    auto ids = (*store)->Read([](Connection& c) {
      return c.Query(
          "SELECT m.id FROM members m WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.member_id = m.id) "
          "ORDER BY m.id");
    });
    if (!ids.ok() || static_cast<int>(ids->size()) < members - 1) {
      std::cerr << "chat bench: not enough seeded members\n";
      return 1;
    }
    Caller system;
    system.request_id = "bench";
    for (int i = 0; i < members && i < static_cast<int>(ids->size()); ++i) {
      const std::string name = "bench.member" + std::to_string(i);
      if (!auth.CreateUser(name, Role::kMember, kPassword, (*ids)[i].Text(0), "bench").ok()) return 1;
      auto login = auth.Login(name, kPassword, std::nullopt, system);
      if (!login.ok()) return 1;
      member_tokens.push_back(login->token);
    }
    for (int i = 0; i < agents; ++i) {
      const std::string name = "bench.agent" + std::to_string(i);
      auto created = auth.CreateUser(name, Role::kAgent, kPassword, "", "bench");
      if (!created.ok()) return 1;
      const std::string& uri = created->otpauth_uri;
      const std::size_t at = uri.find("secret=") + 7;
      auto secret = Base32Decode(uri.substr(at, uri.find('&', at) - at));
      if (!secret.ok()) return 1;
      auto login = auth.Login(name, kPassword, TotpCode(*secret, std::time(nullptr)), system);
      if (!login.ok()) {
        std::cerr << "chat bench: agent sign-in failed: " << login.error().code << "\n";
        return 1;
      }
      agent_tokens.push_back(login->token);
    }
  }

  ServerProcess server(
      dir.path(), {},
      {"RXDESK_LIMITS_PER_IP_PER_MINUTE=0", "RXDESK_LIMITS_PER_ACCOUNT_PER_MINUTE=0", "RXDESK_SERVER_LOG_LEVEL=warn"});
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), server.port());
  {
    HttpClient http("127.0.0.1", server.port());
    for (const std::string& token : agent_tokens) {
      const HttpResult r = http.Send("PUT", "/v1/agents/me/state", R"({"state":"available"})",
                                     {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
      if (r.status != 200) {
        std::cerr << "chat bench: agent state " << r.status << " " << r.body << "\n";
        return 1;
      }
    }
  }

  net::io_context ioc;
  auto work = net::make_work_guard(ioc);
  std::vector<std::thread> io;
  for (int i = 0; i < 2; ++i) io.emplace_back([&] { ioc.run(); });

  Latencies latencies;
  std::atomic<int> ready{0}, assigned{0}, delivered{0};
  std::vector<std::shared_ptr<Peer>> peers;
  for (const std::string& token : agent_tokens) {
    auto p = std::make_shared<Peer>(ioc, token);
    p->on_event = [&](Peer&, const json& e) {
      const std::string type = e.value("type", "");
      if (type == "assigned") {
        ++assigned;
      } else if (type == "message") {
        const std::string text = e.value("text", "");
        const long long sent_ns = std::atoll(text.c_str() + text.rfind(' ') + 1);
        latencies.Add(static_cast<double>(Steady::now().time_since_epoch().count() - sent_ns) / 1e6);
        ++delivered;
      }
    };
    peers.push_back(p);
  }
  for (const std::string& token : member_tokens) {
    auto p = std::make_shared<Peer>(ioc, token);
    p->on_event = [](Peer& self, const json& e) {
      if (e.value("type", "") == "started") self.chat_id = e["chat"]["id"];
    };
    peers.push_back(p);
  }
  for (auto& p : peers) p->Connect(endpoint, [&] { ++ready; });
  if (!WaitFor([&] { return ready.load() == static_cast<int>(peers.size()); }, 120)) {
    std::cerr << "chat bench: only " << ready.load() << " of " << peers.size() << " sockets signed in\n";
    return 1;
  }
  const auto member_peers = std::vector<std::shared_ptr<Peer>>(peers.begin() + agents, peers.end());
  for (auto& m : member_peers) m->Send(R"({"type":"start"})");
  const int chats = std::min<int>(static_cast<int>(member_peers.size()), agents * 3);
  if (!WaitFor([&] { return assigned.load() >= chats; }, 180)) {
    std::cerr << "chat bench: only " << assigned.load() << " of " << chats << " chats assigned\n";
    return 1;
  }

  // Steady load: every member sends one message per interval, spread evenly.
  const auto start = Steady::now();
  const auto end = start + std::chrono::seconds(seconds);
  int sent = 0;
  const auto n = static_cast<long long>(member_peers.size());
  for (long long k = 0;; ++k) {
    const auto due = start + std::chrono::microseconds(k * interval_ms * 1000 / n);
    if (due >= end) break;
    std::this_thread::sleep_until(due);
    Peer& m = *member_peers[static_cast<std::size_t>(k % n)];
    if (m.chat_id.empty()) continue;
    const int i = ++m.sent;
    m.Send(json{{"type", "message"},
                {"chat_id", m.chat_id},
                {"client_id", "b" + std::to_string(i)},
                {"text", "bench message " + std::to_string(Steady::now().time_since_epoch().count())}}
               .dump());
    ++sent;
  }
  WaitFor([&] { return delivered.load() >= sent; }, 60);
  for (auto& p : peers) p->Close();
  work.reset();
  ioc.stop();
  for (auto& t : io) t.join();

  std::vector<double> v;
  {
    std::lock_guard lock(latencies.mu);
    v = latencies.ms;
  }
  const double p50 = Percentile(v, 0.50), p99 = Percentile(v, 0.99);
  const double max = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  std::printf("chat WebSockets: %zu connections (%zu members, %d agents), %d chats\n", peers.size(),
              member_peers.size(), agents, chats);
  std::printf("chat messages: %d sent in %d s, %d delivered (%.0f/s)\n", sent, seconds, delivered.load(),
              static_cast<double>(delivered.load()) / seconds);
  std::printf("chat delivery p50 %.1f ms  p99 %.1f ms  max %.1f ms   target p99 < %.0f ms: %s\n", p50, p99, max,
              kTargetP99Ms, p99 < kTargetP99Ms && delivered.load() == sent ? "met" : "MISSED");
  return 0;
}
