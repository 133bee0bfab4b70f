// A real SMTP server for tests: Debian's python3-aiosmtpd on 127.0.0.1, run as
// a child process, writing each message it accepts as one JSON file that the
// test reads back (envelope, decoded subject and plain-text body).
//
//   if (!SmtpSink::Available()) GTEST_SKIP() << SmtpSink::NotFoundMessage();
//   SmtpSink smtp;                                  // started on a free port
//   ... configure smtp_url = smtp.url() ...
//   ASSERT_TRUE(smtp.WaitForMessages(1, std::chrono::seconds(30)));
//   EXPECT_EQ(smtp.Messages()[0]["subject"], "...");
//
// SmtpSink(port, /*start=*/false) reserves nothing and listens only after
// Start(): a server "down" that comes up later on the same port.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/server_process.h"

namespace rxdesk::testing {

class SmtpSink {
 public:
  // Whether /usr/bin/python3 can import aiosmtpd.
  static bool Available();
  static std::string NotFoundMessage();

  explicit SmtpSink(std::uint16_t port = 0, bool start = true);
  ~SmtpSink();  // Stop()
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  // Starts listening (waits until it accepts connections; fails the test after 30 s).
  void Start();
  void Stop();

  std::uint16_t port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Every message received so far, oldest first: {"mail_from", "rcpt_tos": [...],
  // "subject", "message_id", "body", "raw"}.
  std::vector<nlohmann::json> Messages() const;
  // Polls until at least `n` messages arrived; false on timeout.
  bool WaitForMessages(std::size_t n, std::chrono::seconds timeout) const;

 private:
  TempDir dir_;
  std::uint16_t port_;
  pid_t pid_ = -1;
};

}  // namespace rxdesk::testing
