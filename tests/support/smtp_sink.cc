#include "tests/support/smtp_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace rxdesk::testing {
namespace fs = std::filesystem;
namespace {

// Debian's python3-aiosmtpd installs for the system interpreter.
constexpr char kPython[] = "/usr/bin/python3";

// argv: port, directory for messages, ready-file path.
constexpr char kScript[] = R"PY(
import email, email.policy, json, os, sys, time
from aiosmtpd.controller import Controller
port, out, ready = int(sys.argv[1]), sys.argv[2], sys.argv[3]
class Handler:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        part = msg.get_body(preferencelist=('plain',))
        record = {
            'mail_from': envelope.mail_from,
            'rcpt_tos': list(envelope.rcpt_tos),
            'subject': str(msg['subject'] or ''),
            'message_id': str(msg['message-id'] or ''),
            'body': part.get_content() if part is not None else '',
            'raw': envelope.content.decode('utf-8', 'replace'),
        }
        name = '%020d' % time.time_ns()
        with open(os.path.join(out, '.' + name), 'w') as f:
            json.dump(record, f)
        os.rename(os.path.join(out, '.' + name), os.path.join(out, name + '.json'))
        return '250 Message accepted'
controller = Controller(Handler(), hostname='127.0.0.1', port=port)
controller.start()
open(ready, 'w').close()
while True:
    time.sleep(3600)
)PY";

}  // namespace

bool SmtpSink::Available() {
  const CommandResult r = RunCommand({kPython, "-c", "import aiosmtpd"});
  return r.exit_code == 0;
}

std::string SmtpSink::NotFoundMessage() {
  return std::string("skipped: ") + kPython + " cannot import aiosmtpd (install python3-aiosmtpd: make deps)";
}

SmtpSink::SmtpSink(std::uint16_t port, bool start) : port_(port == 0 ? FreePort() : port) {
  fs::create_directories(dir_.path() + "/messages");
  if (start) Start();
}

SmtpSink::~SmtpSink() { Stop(); }

void SmtpSink::Start() {
  if (pid_ > 0) return;
  const std::string ready = dir_.path() + "/ready";
  fs::remove(ready);
  const std::string log = dir_.path() + "/smtp.log";
  pid_ = fork();
  if (pid_ == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    const std::string port = std::to_string(port_);
    const std::string out = dir_.path() + "/messages";
    execl(kPython, kPython, "-c", kScript, port.c_str(), out.c_str(), ready.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 300 && !fs::exists(ready); ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream in(log);
      std::stringstream text;
      text << in.rdbuf();
      ADD_FAILURE() << "the SMTP sink exited: " << text.str();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!fs::exists(ready)) ADD_FAILURE() << "the SMTP sink did not start in 30 s";
}

void SmtpSink::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::vector<nlohmann::json> SmtpSink::Messages() const {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(dir_.path() + "/messages")) {
    const std::string name = entry.path().filename().string();
    if (name.ends_with(".json") && !name.starts_with(".")) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<nlohmann::json> out;
  for (const std::string& f : files) {
    std::ifstream in(f);
    out.push_back(nlohmann::json::parse(in, nullptr, false));
  }
  return out;
}

bool SmtpSink::WaitForMessages(std::size_t n, std::chrono::seconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Messages().size() < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

}  // namespace rxdesk::testing
