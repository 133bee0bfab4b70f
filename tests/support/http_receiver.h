// A tiny HTTP server for tests (Boost.Beast, one thread): records every
// request it gets and answers with scripted statuses, e.g. an SMS gateway that
// fails twice and then accepts.
//
//   HttpReceiver gateway({500, 500});           // then 200 for every later request
//   ... configure sms_gateway_url = gateway.url("/messages") ...
//   ASSERT_TRUE(gateway.WaitForRequests(3, std::chrono::seconds(30)));
//   EXPECT_EQ(gateway.Requests()[2].json()["to"], "+15125550100");
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace rxdesk::testing {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::chrono::steady_clock::time_point at;
  int answered = 0;  // the status it was given

  std::string Header(std::string_view lower_name) const;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
};

class HttpReceiver {
 public:
  // Listens on 127.0.0.1 on a free port; answers `statuses` in order, then 200.
  explicit HttpReceiver(std::vector<int> statuses = {});
  ~HttpReceiver();
  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path = "/") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  std::vector<ReceivedRequest> Requests() const;
  bool WaitForRequests(std::size_t n, std::chrono::seconds timeout) const;

 private:
  struct Impl;
  void Serve();

  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
  mutable std::mutex mu_;
  std::deque<int> statuses_;               // guarded by mu_
  std::vector<ReceivedRequest> requests_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace rxdesk::testing
