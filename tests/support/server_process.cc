#include "tests/support/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/tls_client.h"

extern char** environ;

namespace rxdesk::testing {
namespace fs = std::filesystem;

std::string RxdeskBinary() {
  if (const char* env = std::getenv("RXDESK_BIN"); env != nullptr && *env != '\0') return env;
  // Tests run from the build tree (ctest sets the working directory to build/<dir>).
  for (const char* candidate : {"../rxdesk", "./rxdesk", "build/rxdesk", "../build/rxdesk"}) {
    if (fs::exists(candidate)) return fs::absolute(candidate).string();
  }
  throw std::runtime_error("rxdesk binary not found; set RXDESK_BIN");
}

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "rxdesk-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::uint16_t FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::uint16_t port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

namespace {

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> out;
  for (auto& a : args) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

std::vector<std::string> EnvWith(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    // The child's config comes from the test alone.
    if (std::string_view(*e).starts_with("RXDESK_") && !std::string_view(*e).starts_with("RXDESK_BIN=")) continue;
    env.emplace_back(*e);
  }
  for (const auto& x : extra) env.push_back(x);
  return env;
}

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv, const std::string& stdin_text,
                         const std::vector<std::string>& extra_env) {
  TempDir tmp;
  const std::string out_path = tmp.path() + "/out", err_path = tmp.path() + "/err", in_path = tmp.path() + "/in";
  {
    const int fd = open(in_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (!stdin_text.empty()) (void)!write(fd, stdin_text.data(), stdin_text.size());
    close(fd);
  }
  std::vector<std::string> args = argv;
  std::vector<std::string> env = EnvWith(extra_env);
  const pid_t pid = fork();
  if (pid == 0) {
    const int in = open(in_path.c_str(), O_RDONLY);
    const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    auto a = Argv(args);
    auto e = Argv(env);
    execve(a[0], a.data(), e.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  const int out = open(out_path.c_str(), O_RDONLY);
  r.out = ReadAll(out);
  close(out);
  const int err = open(err_path.c_str(), O_RDONLY);
  r.err = ReadAll(err);
  close(err);
  return r;
}

ServerProcess::ServerProcess(std::string data_dir, std::vector<std::string> extra_args,
                             std::vector<std::string> extra_env)
    : data_dir_(std::move(data_dir)), extra_args_(std::move(extra_args)), extra_env_(std::move(extra_env)) {
  log_path_ = data_dir_ + "/server.log";
  port_ = FreePort();
  for (const auto& a : extra_args_) tls_ = tls_ || a == "--tls-cert";
  for (const auto& e : extra_env_) tls_ = tls_ || (e.starts_with("RXDESK_SERVER_TLS_CERT=") && e.size() > 23);
  // Rate limits on but far above any test's load, unless the test sets them: the
  // tests' many requests all come from 127.0.0.1 and a few accounts. The refill
  // reminder job is off unless the test sets its interval: a pass landing mid-test
  // would add reminders to outboxes that tests count.
  for (const char* high : {"RXDESK_LIMITS_PER_IP_PER_MINUTE=100000000", "RXDESK_LIMITS_PER_IP_BURST=100000000",
                           "RXDESK_LIMITS_PER_ACCOUNT_PER_MINUTE=100000000", "RXDESK_LIMITS_PER_ACCOUNT_BURST=100000000",
                           "RXDESK_LIMITS_LOGIN_PER_USERNAME_PER_MINUTE=10000", "RXDESK_REMINDERS_INTERVAL_S=0"}) {
    const std::string_view name = std::string_view(high).substr(0, std::string_view(high).find('=') + 1);
    bool set = false;
    for (const auto& e : extra_env_) set = set || e.starts_with(name);
    if (!set) extra_env_.emplace_back(high);
  }
  Start();
  if (!WaitReady(30)) throw std::runtime_error("rxdesk serve did not become ready; see " + log_path_);
}

void ServerProcess::Start() {
  std::vector<std::string> args = {RxdeskBinary(), "serve", "--data-dir", data_dir_, "--listen",
                                   "127.0.0.1:" + std::to_string(port_)};
  for (const auto& a : extra_args_) args.push_back(a);
  std::vector<std::string> env = EnvWith(extra_env_);
  pid_ = fork();
  if (pid_ == 0) {
    const int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(log, 1);
    dup2(log, 2);
    auto a = Argv(args);
    auto e = Argv(env);
    execve(a[0], a.data(), e.data());
    _exit(127);
  }
}

bool ServerProcess::WaitReady(int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;  // exited
    }
    if (tls_) {
      TransportClient client("127.0.0.1", port_, {.tls = true});
      if (client.Get("/readyz").status == 200) return true;
    } else {
      HttpClient client("127.0.0.1", port_);
      if (client.Get("/readyz").status == 200) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void ServerProcess::Kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

int ServerProcess::Terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 200; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Kill9();
  return -1;
}

ServerProcess::~ServerProcess() { Terminate(); }

}  // namespace rxdesk::testing
