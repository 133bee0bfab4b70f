// Runs the real `rxdesk serve` as a child process on a free port with a temp
// data dir, for API tests that speak HTTP to it (no in-process shortcuts).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace rxdesk::testing {

// The rxdesk binary under test: $RXDESK_BIN, else build/rxdesk next to the tests.
std::string RxdeskBinary();

// A fresh temp directory, removed by the caller (or at exit by TempDir).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs a command to completion; returns its exit code and captures stdout/stderr.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_text = "",
                         const std::vector<std::string>& extra_env = {});

class ServerProcess {
 public:
  // Starts `rxdesk serve --data-dir DIR --listen 127.0.0.1:PORT [extra args]`
  // and waits until /readyz answers 200 (fails the test after 30 s), over HTTPS when
  // the args or the environment give a TLS certificate. Rate limits are far above any
  // test's load unless `extra_env` sets them (RXDESK_LIMITS_...): many tests share one IP.
  explicit ServerProcess(std::string data_dir, std::vector<std::string> extra_args = {},
                         std::vector<std::string> extra_env = {});
  ~ServerProcess();  // SIGTERM, then SIGKILL after 10 s

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& log_path() const { return log_path_; }

  void Kill9();     // crash it
  int Terminate();  // SIGTERM and wait; returns the exit status
  bool WaitReady(int seconds);

 private:
  void Start();
  std::string data_dir_;
  std::vector<std::string> extra_args_;
  std::vector<std::string> extra_env_;
  std::string log_path_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  bool tls_ = false;
};

// A port that was free a moment ago on 127.0.0.1.
std::uint16_t FreePort();

}  // namespace rxdesk::testing
