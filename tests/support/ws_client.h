// A small blocking WebSocket client for tests (Boost.Beast), plain or TLS.
//
//   WsClient ws("127.0.0.1", port);                       // or {.tls = true, .ca_file = cert}
//   ASSERT_EQ(ws.Connect("/v1/chat/ws"), 101);             // the upgrade's HTTP status
//   ws.SendJson({{"type", "auth"}, {"token", token}});
//   auto ready = ws.WaitFor("ready");                      // skips (and keeps) other messages
//   ws.Drop();                                             // gone without a close frame
//   EXPECT_EQ(ws.close_code(), 4401);                      // the server's close code, once closed
//
// Messages that WaitFor skipped stay queued for Receive, in order. Not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rxdesk::testing {

struct WsClientOptions {
  bool tls = false;
  std::string ca_file;  // with tls: verify the server against this certificate; "" = no verification
  std::string origin;   // sent as Origin when not empty
  std::vector<std::pair<std::string, std::string>> headers;
};

class WsClient {
 public:
  WsClient(std::string host, std::uint16_t port, WsClientOptions options = {});
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Connects and asks for the upgrade: 101 when accepted, the refusal's status
  // otherwise (its body in refusal_body()), 0 when no HTTP answer came.
  int Connect(const std::string& path = "/v1/chat/ws");
  const std::string& refusal_body() const { return refusal_body_; }

  bool Send(const std::string& text);
  bool SendJson(const nlohmann::json& message) { return Send(message.dump()); }

  // The next message, or nullopt when the socket closed or nothing came in time.
  std::optional<std::string> Receive(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::optional<nlohmann::json> ReceiveJson(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The next message whose "type" is `type`; others are kept for Receive.
  std::optional<nlohmann::json> WaitFor(const std::string& type,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits until the server closes the socket; its close code (0 when it did not in time).
  int WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // The close code the server sent (0 while open or when the TCP connection just broke).
  int close_code() const { return close_code_; }
  bool open() const { return open_; }
  // Closes the TCP connection without a close frame, as a lost network would.
  void Drop();
  // A clean close with this code.
  void Close(int code = 1000);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::deque<std::string> kept_;
  std::string refusal_body_;
  int close_code_ = 0;
  bool open_ = false;
};

}  // namespace rxdesk::testing
