// The command line and operations, against the real binary: help and usage
// errors; configuration (the sample, unknown keys, types, ranges, environment);
// refusals that protect the data (data dir, schema version, key file); user
// creation; audit-chain verification; and the operational HTTP surface
// (health, metrics, request ids, graceful shutdown under load).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "store/db.h"
#include "store/migrations.h"
#include "tests/e2e_env.h"
#include "tests/support/postgres_server.h"

namespace rxdesk::testing {
namespace {
namespace fs = std::filesystem;

// ---- helpers -----------------------------------------------------------------

// Runs `rxdesk ARGS...` with only `env` as its RXDESK_ environment.
CommandResult RunRxdesk(std::vector<std::string> args, const std::vector<std::string>& env = {},
                  const std::string& stdin_text = "") {
  args.insert(args.begin(), RxdeskBinary());
  return RunCommand(args, stdin_text, env);
}

std::string RepoFile(const std::string& relative) {
  return (fs::path(__FILE__).parent_path().parent_path() / relative).string();
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteText(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// "section.key" -> value text of a TOML file written like the sample ([section]
// headers, maybe followed by a comment; one `key = value  # comment` a line).
std::map<std::string, std::string> SampleSettings(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line, section;
  const std::regex header(R"(^\[([a-z0-9_.]+)\]\s*(#.*)?$)");
  const std::regex setting(R"re(^([a-z0-9_]+)\s*=\s*("[^"]*"|[^\s#]+))re");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, header)) {
      section = m[1];
    } else if (std::regex_search(line, m, setting)) {
      out[section + "." + std::string(m[1])] = m[2];
    }
  }
  return out;
}

// "section.key" -> default column of the settings tables of docs/configuration.md.
std::map<std::string, std::string> DocumentedDefaults(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  const std::regex row(R"(^\| `([a-z0-9_.]+)` \| `([^`]*)` \|)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, row)) out[m[1]] = m[2];
  }
  return out;
}

// "section.key" -> kind, as the binary binds them.
std::map<std::string, std::string> BoundKeys() {
  const CommandResult r = RunRxdesk({"config", "keys"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> out;
  std::istringstream in(r.out);
  std::string key, kind;
  while (in >> key >> kind) out[key] = kind;
  return out;
}

// The value of the Prometheus series `series` (name with labels), or -1 when absent.
double MetricValue(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return -1;
}

// One seeded data dir (one member and the demo accounts), made once; tests that
// change data work on a copy.
const std::string& SeededDir() {
  static const TempDir dir;
  static const bool seeded = [] {
    const CommandResult r = Rxdesk({"seed", "--demo", "--members", "1"}, dir.path());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0;
  }();
  EXPECT_TRUE(seeded);
  return dir.path();
}

std::string CopyOfSeeded(const TempDir& into) {
  const std::string data = into.path() + "/data";
  fs::copy(SeededDir(), data, fs::copy_options::recursive);
  return data;
}

std::unique_ptr<Connection> OpenDatabase(const std::string& data_dir) {
  auto db = OpenSqlite({.path = data_dir + "/rxdesk.db"});
  EXPECT_TRUE(db.ok()) << db.error().message;
  return db.ok() ? std::move(*db) : nullptr;
}

// A raw HTTP/1.1 exchange on its own connection, for requests the test client
// would not send (malformed HTTP) and for knowing when a request is on the wire.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~RawConnection() {
    if (fd_ >= 0) close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool Send(std::string_view bytes) {
    while (fd_ >= 0 && !bytes.empty()) {
      const ssize_t n = write(fd_, bytes.data(), bytes.size());
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return fd_ >= 0;
  }
  // Everything the server sends until it closes the connection.
  std::string ReceiveAll() {
    std::string out;
    char buf[4096];
    for (ssize_t n; fd_ >= 0 && (n = read(fd_, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    return out;
  }

 private:
  int fd_;
};

struct RawResponse {
  int status = 0;
  bool complete = false;  // status line, headers and exactly Content-Length body bytes
  std::string request_id;
  std::string body;
};

RawResponse ParseRawResponse(const std::string& raw) {
  RawResponse r;
  const std::size_t end = raw.find("\r\n\r\n");
  std::smatch m;
  const std::string head = raw.substr(0, end);
  if (end == std::string::npos || !std::regex_search(head, m, std::regex(R"(^HTTP/1\.1 (\d{3}) )"))) return r;
  r.status = std::stoi(m[1]);
  if (std::regex_search(head, m, std::regex(R"(\r\nX-Request-Id: *([^\r]*))", std::regex::icase))) r.request_id = m[1];
  r.body = raw.substr(end + 4);
  if (std::regex_search(head, m, std::regex(R"(\r\nContent-Length: *(\d+))", std::regex::icase))) {
    r.complete = r.body.size() == std::stoul(m[1]);
  }
  return r;
}

// Server-side connections on `port` holding request bytes the server has not
// read yet: established sockets with a non-empty receive queue (/proc/net/tcp).
int ConnectionsWithUnreadRequests(std::uint16_t port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // column titles
  int unread = 0;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    fields >> slot >> local >> remote >> state >> queues;
    const unsigned long local_port = std::stoul(local.substr(local.find(':') + 1), nullptr, 16);
    const unsigned long rx_queue = std::stoul(queues.substr(queues.find(':') + 1), nullptr, 16);
    if (local_port == port && state == "01" && rx_queue > 0) ++unread;
  }
  return unread;
}

bool WaitFor(const std::function<bool()>& condition, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// ---- help and usage ----------------------------------------------------------

TEST(Cli, HelpOfEveryCommandExitsZeroAndNamesItsFlags) {
  const std::vector<std::pair<std::vector<std::string>, std::vector<std::string>>> commands = {
      {{}, {"serve", "seed", "migrate", "user", "audit"}},
      {{"serve"}, {"--config", "--data-dir", "--listen"}},
      {{"seed"}, {"--config", "--data-dir", "--demo", "--members", "--seed"}},
      {{"migrate"}, {"--config", "--data-dir"}},
      {{"user"}, {"create", "totp"}},
      {{"user", "create"}, {"--config", "--data-dir", "--username", "--role", "--password-stdin", "--member-id"}},
      {{"user", "totp"}, {"--config", "--data-dir", "--username"}},
      {{"audit"}, {"verify"}},
      {{"audit", "verify"}, {"--config", "--data-dir"}},
  };
  for (const auto& [command, flags] : commands) {
    std::vector<std::string> args = command;
    args.push_back("--help");
    const CommandResult r = RunRxdesk(args);
    EXPECT_EQ(r.exit_code, 0) << args[0] << " --help: " << r.err;
    for (const std::string& flag : flags) EXPECT_NE(r.out.find(flag), std::string::npos) << args[0] << " " << flag;
  }
}

TEST(Cli, AnUnknownFlagExitsTwoNamingIt) {
  TempDir dir;
  const CommandResult r = RunRxdesk({"migrate", "--data-dir", dir.path(), "--frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--frobnicate"), std::string::npos) << r.err;
}

TEST(Cli, AnUnknownCommandOrNoCommandExitsTwo) {
  EXPECT_EQ(RunRxdesk({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(RunRxdesk({}).exit_code, 2);
}

TEST(Cli, AMissingRequiredFlagExitsTwoNamingIt) {
  TempDir dir;
  const CommandResult user = RunRxdesk({"user", "create", "--role", "agent", "--password-stdin", "--data-dir", dir.path()});
  EXPECT_EQ(user.exit_code, 2);
  EXPECT_NE(user.err.find("--username"), std::string::npos) << user.err;
  const CommandResult seed = RunRxdesk({"seed", "--data-dir", dir.path()});
  EXPECT_EQ(seed.exit_code, 2);
  EXPECT_NE(seed.err.find("--demo"), std::string::npos) << seed.err;
}

// ---- configuration -----------------------------------------------------------

TEST(Config, TheSampleLoadsThroughTheRealBinary) {
  TempDir dir;
  const CommandResult r = RunRxdesk({"migrate", "--config", RepoFile("rxdesk.toml.sample"), "--data-dir", dir.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.path() + "/rxdesk.db"));
}

TEST(Config, EveryBoundKeyIsInTheSampleAndTheDocsAndNothingElseIs) {
  const std::map<std::string, std::string> bound = BoundKeys();
  const std::map<std::string, std::string> sample = SampleSettings(ReadText(RepoFile("rxdesk.toml.sample")));
  const std::map<std::string, std::string> docs = DocumentedDefaults(ReadText(RepoFile("docs/configuration.md")));
  ASSERT_GE(bound.size(), 30u);
  for (const auto& [key, kind] : bound) {
    EXPECT_TRUE(sample.count(key)) << key << " is bound but missing from rxdesk.toml.sample";
    EXPECT_TRUE(docs.count(key)) << key << " is bound but missing from docs/configuration.md";
    if (!sample.count(key)) continue;
    const bool quoted = sample.at(key).starts_with('"');
    if (kind == "string") {
      EXPECT_TRUE(quoted) << key << " is a string in the binary";
    }
    if (kind == "integer") {
      EXPECT_TRUE(std::regex_match(sample.at(key), std::regex("-?[0-9]+"))) << key << " is an integer in the binary";
    }
  }
  for (const auto& [key, value] : sample) EXPECT_TRUE(bound.count(key)) << key << " in the sample is not bound";
  for (const auto& [key, value] : docs) EXPECT_TRUE(bound.count(key)) << key << " in the docs is not bound";
}

TEST(Config, TheSampleAndTheDocsGiveTheSameDefaults) {
  const std::map<std::string, std::string> sample = SampleSettings(ReadText(RepoFile("rxdesk.toml.sample")));
  const std::map<std::string, std::string> docs = DocumentedDefaults(ReadText(RepoFile("docs/configuration.md")));
  ASSERT_FALSE(sample.empty());
  for (const auto& [key, value] : sample) {
    if (docs.count(key)) {
      EXPECT_EQ(docs.at(key), value) << key;
    }
  }
}

TEST(Config, AMissingConfigFileExitsTwoNamingIt) {
  TempDir dir;
  const CommandResult r = RunRxdesk({"migrate", "--config", dir.path() + "/absent.toml", "--data-dir", dir.path() + "/d"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("absent.toml"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir.path() + "/d"));
}

// Runs `migrate` with `toml` as the config file; the data dir must not be created.
CommandResult MigrateWithConfig(const std::string& toml, const std::vector<std::string>& env = {}) {
  TempDir dir;
  WriteText(dir.path() + "/rxdesk.toml", toml);
  CommandResult r = RunRxdesk({"migrate", "--config", dir.path() + "/rxdesk.toml", "--data-dir", dir.path() + "/data"}, env);
  EXPECT_FALSE(fs::exists(dir.path() + "/data")) << "a config error must leave nothing behind";
  return r;
}

TEST(Config, AnUnknownKeyExitsTwoNamingTheKeyAndItsLine) {
  const CommandResult r = MigrateWithConfig("[server]\nworker_threads = 8\n\n[auth]\nlockout_failure = 5\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("rxdesk.toml:5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("auth.lockout_failure "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not a known setting"), std::string::npos) << r.err;

  const CommandResult section = MigrateWithConfig("# comment\n[sever]\nlisten = \"127.0.0.1:9000\"\n");
  EXPECT_EQ(section.exit_code, 2);
  EXPECT_NE(section.err.find("rxdesk.toml:3"), std::string::npos) << section.err;
  EXPECT_NE(section.err.find("sever.listen"), std::string::npos) << section.err;
}

TEST(Config, AWrongTypeExitsTwoNamingTheKeyAndItsLine) {
  const struct {
    std::string toml, key, line, what;
  } cases[] = {
      {"[server]\nlog_level = \"info\"\nworker_threads = \"eight\"\n", "server.worker_threads", ":3", "integer"},
      {"[auth]\nlockout_failures = 5.5\n", "auth.lockout_failures", ":2", "integer"},
      {"\n\n[store]\nbackend = 1\n", "store.backend", ":4", "string"},
  };
  for (const auto& c : cases) {
    const CommandResult r = MigrateWithConfig(c.toml);
    EXPECT_EQ(r.exit_code, 2) << c.toml;
    EXPECT_NE(r.err.find("rxdesk.toml" + c.line + ": " + c.key + " must be"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.what), std::string::npos) << r.err;
  }
}

TEST(Config, AnOutOfRangeValueExitsTwoNamingTheKeyAndTheRange) {
  const struct {
    std::string toml, expected;
  } cases[] = {
      {"[server]\nworker_threads = 513\n", "rxdesk.toml:2: server.worker_threads must be between 1 and 512"},
      {"[auth]\nlockout_failures = 0\n", "rxdesk.toml:2: auth.lockout_failures must be between 1 and 100"},
      {"[auth]\npassword_min_length = 8\n", "rxdesk.toml:2: auth.password_min_length must be between 12 and 128"},
      {"[refills]\ncontrolled_threshold_percent = 101\n", "refills.controlled_threshold_percent must be between 0 and 100"},
      {"[store]\nbackend = \"mysql\"\n", "rxdesk.toml:2: store.backend must be one of sqlite, postgres"},
      {"[shipping]\ncutoff = \"25:00\"\n", "rxdesk.toml:2: shipping.cutoff must be a local time HH:MM"},
      // Each value in range, but together they contradict: the max must not be below the min.
      {"[shipping]\nexpedited_min_business_days = 9\n", "shipping.expedited_max_business_days must be at least"},
  };
  for (const auto& c : cases) {
    const CommandResult r = MigrateWithConfig(c.toml);
    EXPECT_EQ(r.exit_code, 2) << c.toml;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
  }
}

TEST(Config, AnUnknownTimeZoneExitsTwoAndCreatesNothing) {
  const CommandResult r = MigrateWithConfig("[operator]\ntime_zone = \"America/Chicgo\"\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("operator.time_zone"), std::string::npos) << r.err;
}

TEST(Config, AMalformedListenAddressExitsTwoAndCreatesNothing) {
  for (const char* bad : {"localhost:8080", "127.0.0.1", "127.0.0.1:65536", "127.0.0.1:80x", "[::1:8080"}) {
    const CommandResult file = MigrateWithConfig("[server]\nlisten = \"" + std::string(bad) + "\"\n");
    EXPECT_EQ(file.exit_code, 2) << bad;
    EXPECT_NE(file.err.find("rxdesk.toml:2: server.listen must be HOST:PORT"), std::string::npos) << file.err;

    TempDir dir;
    const CommandResult flag = RunRxdesk({"serve", "--listen", bad, "--data-dir", dir.path() + "/data"});
    EXPECT_EQ(flag.exit_code, 2) << bad;
    EXPECT_NE(flag.err.find("--listen must be HOST:PORT"), std::string::npos) << flag.err;
    EXPECT_FALSE(fs::exists(dir.path() + "/data"));
  }
}

TEST(Config, ABadEnvironmentValueExitsTwoNamingTheVariable) {
  TempDir dir;
  const CommandResult r = RunRxdesk({"migrate", "--data-dir", dir.path() + "/data"}, {"RXDESK_AUTH_LOCKOUT_FAILURES=five"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("RXDESK_AUTH_LOCKOUT_FAILURES"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("must be an integer"), std::string::npos) << r.err;

  const CommandResult range = RunRxdesk({"migrate", "--data-dir", dir.path() + "/data"}, {"RXDESK_SERVER_WORKER_THREADS=0"});
  EXPECT_EQ(range.exit_code, 2);
  EXPECT_NE(range.err.find("RXDESK_SERVER_WORKER_THREADS"), std::string::npos) << range.err;
  EXPECT_FALSE(fs::exists(dir.path() + "/data"));
}

TEST(Config, AnUnknownRxdeskEnvironmentVariableExitsTwoNamingIt) {
  TempDir dir;
  const CommandResult r = RunRxdesk({"migrate", "--data-dir", dir.path() + "/data"}, {"RXDESK_AUTH_LOCKOUT=3"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("RXDESK_AUTH_LOCKOUT "), std::string::npos) << r.err;
}

TEST(Config, TheFileOverridesTheDefaultAndTheEnvironmentOverridesTheFile) {
  TempDir dir;
  WriteText(dir.path() + "/rxdesk.toml", "[store]\nsqlite_file = \"from-file.db\"\n");
  const std::string config = dir.path() + "/rxdesk.toml";
  ASSERT_EQ(RunRxdesk({"migrate", "--config", config, "--data-dir", dir.path() + "/a"}).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir.path() + "/a/from-file.db"));
  EXPECT_FALSE(fs::exists(dir.path() + "/a/rxdesk.db"));

  ASSERT_EQ(RunRxdesk({"migrate", "--config", config, "--data-dir", dir.path() + "/b"}, {"RXDESK_STORE_SQLITE_FILE=from-env.db"})
                .exit_code,
            0);
  EXPECT_TRUE(fs::exists(dir.path() + "/b/from-env.db"));
  EXPECT_FALSE(fs::exists(dir.path() + "/b/from-file.db"));
}

// ---- refusals that protect the data ---------------------------------------------

TEST(Cli, ServeOnAPortAlreadyInUseExitsNonZeroSayingSo) {
  const int holder = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(holder, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(holder, 4), 0);
  socklen_t len = sizeof addr;
  getsockname(holder, reinterpret_cast<sockaddr*>(&addr), &len);
  const std::string port = std::to_string(ntohs(addr.sin_port));

  TempDir dir;
  const CommandResult r = RunRxdesk({"serve", "--data-dir", dir.path(), "--listen", "127.0.0.1:" + port});
  close(holder);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("port " + port + " on 127.0.0.1 is already in use"), std::string::npos) << r.err;
}

TEST(Cli, ADataDirThatIsAFileIsRefusedWithAClearMessage) {
  TempDir dir;
  const std::string file = dir.path() + "/not-a-dir";
  WriteText(file, "x");
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"serve", "--listen", "127.0.0.1:0"}, {"migrate"}, {"audit", "verify"}}) {
    std::vector<std::string> args = command;
    args.insert(args.end(), {"--data-dir", file});
    const CommandResult r = RunRxdesk(args);
    EXPECT_EQ(r.exit_code, 1) << command[0];
    EXPECT_NE(r.err.find("data directory " + file + " is not a readable, writable directory"), std::string::npos)
        << r.err;
  }
}

TEST(Cli, ADatabaseFromANewerRxdeskIsRefusedByMigrateAndServe) {
  TempDir dir;
  ASSERT_EQ(RunRxdesk({"migrate", "--data-dir", dir.path()}).exit_code, 0);
  {
    auto db = OpenDatabase(dir.path());
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("INSERT INTO schema_migrations(version, description, applied_at) VALUES (?, 'from the "
                         "future', CURRENT_TIMESTAMP)",
                         {Value(LatestSchemaVersion() + 1)})
                    .ok());
  }
  const std::string newer = std::to_string(LatestSchemaVersion() + 1);
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"migrate"}, {"serve", "--listen", "127.0.0.1:0"}}) {
    std::vector<std::string> args = command;
    args.insert(args.end(), {"--data-dir", dir.path()});
    const CommandResult r = RunRxdesk(args);
    EXPECT_EQ(r.exit_code, 1) << command[0];
    EXPECT_NE(r.err.find("schema version " + newer), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("run a newer rxdesk"), std::string::npos) << r.err;
  }
}

TEST(Cli, AnExistingDatabaseWhoseKeyFileWasRemovedIsRefusedAndGetsNoNewKey) {
  TempDir dir;
  ASSERT_EQ(RunRxdesk({"migrate", "--data-dir", dir.path()}).exit_code, 0);
  const std::string key = dir.path() + "/rxdesk.key";
  ASSERT_TRUE(fs::exists(key));
  fs::remove(key);
  for (const std::vector<std::string>& command :
       {std::vector<std::string>{"serve", "--listen", "127.0.0.1:0"}, {"migrate"}, {"audit", "verify"}}) {
    std::vector<std::string> args = command;
    args.insert(args.end(), {"--data-dir", dir.path()});
    const CommandResult r = RunRxdesk(args);
    EXPECT_EQ(r.exit_code, 1) << command[0];
    EXPECT_NE(r.err.find("key file " + key + " does not exist"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(key)) << command[0] << " must not make a new key for an existing database";
  }
}

TEST(Cli, AKeyFileReadableByOthersIsRefused) {
  TempDir dir;
  ASSERT_EQ(RunRxdesk({"migrate", "--data-dir", dir.path()}).exit_code, 0);
  const std::string key = dir.path() + "/rxdesk.key";
  ASSERT_EQ(chmod(key.c_str(), 0644), 0);
  const CommandResult r = RunRxdesk({"serve", "--data-dir", dir.path(), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("has mode 0644"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("chmod 600"), std::string::npos) << r.err;
}

TEST(Cli, APostgresDatabaseGetsItsKeyFileWithItsSchemaAndIsRefusedWithoutIt) {
  if (!TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
  TestPostgres& pg = TestPostgres::Shared();
  ASSERT_TRUE(pg.ok()) << pg.error();
  auto conninfo = pg.CreateDatabase();
  ASSERT_TRUE(conninfo.ok()) << conninfo.error().message;
  const std::vector<std::string> env = {"RXDESK_STORE_BACKEND=postgres", "RXDESK_STORE_POSTGRES_CONNINFO=" + *conninfo};
  TempDir dir;
  const std::string key = dir.path() + "/rxdesk.key";

  const CommandResult first = RunRxdesk({"migrate", "--data-dir", dir.path()}, env);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(fs::exists(key)) << "an empty database gets a key file with its schema";

  fs::remove(key);
  const CommandResult again = RunRxdesk({"migrate", "--data-dir", dir.path()}, env);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("does not exist"), std::string::npos) << again.err;
  EXPECT_FALSE(fs::exists(key));
}

// ---- user create ---------------------------------------------------------------

TEST(UserCreate, ABadRoleExitsTwoAndCreatesNothing) {
  TempDir dir;
  const CommandResult r = RunRxdesk({"user", "create", "--username", "sam", "--role", "wizard", "--password-stdin",
                               "--data-dir", dir.path() + "/data"},
                              {}, "a-long-enough-password\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--role must be"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir.path() + "/data"));
}

TEST(UserCreate, AShortPasswordIsRefusedNamingTheRule) {
  TempDir dir;
  const std::vector<std::string> args = {"user", "create", "--username", "sam.agent", "--role", "agent",
                                         "--password-stdin", "--data-dir", dir.path()};
  const CommandResult r = RunRxdesk(args, {}, "short\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("password: must be at least 12 characters"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  // Nothing was created: the same name is still free.
  EXPECT_EQ(RunRxdesk(args, {}, "a-long-enough-password\n").exit_code, 0);
}

TEST(UserCreate, AWorkforceRolePrintsOnlyAnOtpauthUriOnStdout) {
  TempDir dir;
  const CommandResult r = RunRxdesk({"user", "create", "--username", "pat.pharmacist", "--role", "pharmacist",
                               "--password-stdin", "--data-dir", dir.path()},
                              {}, "a-long-enough-password\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("otpauth://totp/rxdesk:pat\\.pharmacist\\?secret=[A-Z2-7]{32}"
                                                 "&issuer=rxdesk&algorithm=SHA1&digits=6&period=30\n")))
      << r.out;
}

// ---- audit verify ----------------------------------------------------------------

TEST(AuditVerify, AFreshSeededStoreVerifies) {
  const CommandResult r = Rxdesk({"audit", "verify"}, SeededDir());
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("audit log ok"), std::string::npos) << r.out;
}

// At least `n` audit entries in the copy at `data` (a sign-in is audited).
void EnsureAuditEntries(const std::string& data, int n) {
  ServerProcess server(data);
  HttpClient client("127.0.0.1", server.port());
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ(client.Post("/v1/auth/login", {{"username", "member.demo"}, {"password", kDemoPassword}}).status, 200);
  }
  ASSERT_EQ(server.Terminate(), 0);
  auto db = OpenDatabase(data);
  ASSERT_TRUE(db);
  auto rows = db->Query("SELECT COUNT(*) FROM audit_log");
  ASSERT_TRUE(rows.ok());
  ASSERT_GE((*rows)[0].Int(0), n);
}

TEST(AuditVerify, AChangedEntryIsNamedAsTheFirstBrokenOne) {
  TempDir dir;
  const std::string data = CopyOfSeeded(dir);
  ASSERT_NO_FATAL_FAILURE(EnsureAuditEntries(data, 3));
  {
    auto db = OpenDatabase(data);
    ASSERT_TRUE(db);
    EXPECT_FALSE(db->Exec("UPDATE audit_log SET outcome = 'denied' WHERE seq = 2").ok()) << "the log is append-only";
    ASSERT_TRUE(db->Exec("DROP TRIGGER audit_log_no_update").ok());
    ASSERT_TRUE(db->Exec("UPDATE audit_log SET outcome = 'denied' WHERE seq = 2").ok());
  }
  const CommandResult r = Rxdesk({"audit", "verify"}, data);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("BROKEN at entry 2:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(1 entries verified before it)"), std::string::npos) << r.out;
}

TEST(AuditVerify, DeletedLastEntriesAreCaughtByTheChainHead) {
  TempDir dir;
  const std::string data = CopyOfSeeded(dir);
  ASSERT_NO_FATAL_FAILURE(EnsureAuditEntries(data, 3));
  std::int64_t last = 0;
  {
    auto db = OpenDatabase(data);
    ASSERT_TRUE(db);
    auto rows = db->Query("SELECT MAX(seq) FROM audit_log");
    ASSERT_TRUE(rows.ok());
    last = (*rows)[0].Int(0);
    ASSERT_TRUE(db->Exec("DROP TRIGGER audit_log_no_delete").ok());
    ASSERT_TRUE(db->Exec("DELETE FROM audit_log WHERE seq > ?", {Value(last - 2)}).ok());
  }
  const CommandResult r = Rxdesk({"audit", "verify"}, data);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("BROKEN at entry " + std::to_string(last - 1) + ":"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("head does not match"), std::string::npos) << r.out;
}

// ---- operations over HTTP ----------------------------------------------------------

TEST(Operations, HealthzAndReadyzAnswer200) {
  auto& env = E2e::Get();
  EXPECT_EQ(env.client().Get("/healthz").status, 200);
  EXPECT_EQ(env.client().Get("/readyz").status, 200);
}

TEST(Operations, MetricsCountRequestsByRoutePatternWithALatencyHistogram) {
  auto& env = E2e::Get();
  const std::string path = "/v1/members/" + env.DemoMemberId();
  const std::string& token = env.Token(Role::kMember);
  const std::string count = R"(rxdesk_http_requests_total{method="GET",route="/v1/members/{id}",status="200"})";
  const std::string histogram = R"(rxdesk_http_request_duration_seconds_count{route="/v1/members/{id}"})";
  const std::string metrics_before = env.client().Get("/metrics").body;
  const double requests_before = std::max(0.0, MetricValue(metrics_before, count));
  const double observed_before = std::max(0.0, MetricValue(metrics_before, histogram));

  for (int i = 0; i < 3; ++i) ASSERT_EQ(env.client().Get(path, token).status, 200);
  const HttpResult metrics = env.client().Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_TRUE(metrics.Header("content-type").starts_with("text/plain")) << metrics.Header("content-type");
  EXPECT_EQ(MetricValue(metrics.body, count), requests_before + 3) << metrics.body;
  EXPECT_EQ(MetricValue(metrics.body, histogram), observed_before + 3);
  EXPECT_EQ(MetricValue(metrics.body, R"(rxdesk_http_request_duration_seconds_bucket{route="/v1/members/{id}",le="+Inf"})"),
            MetricValue(metrics.body, histogram));
  EXPECT_NE(metrics.body.find("# TYPE rxdesk_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_EQ(metrics.body.find(env.DemoMemberId()), std::string::npos) << "identifiers must not become labels";
}

TEST(Operations, AnAuditedReadIncreasesTheAuditEntryCounter) {
  auto& env = E2e::Get();
  const std::string path = "/v1/members/" + env.DemoMemberId();
  const std::string& token = env.Token(Role::kMember);
  const double before = MetricValue(env.client().Get("/metrics").body, "rxdesk_audit_entries_total");
  ASSERT_GE(before, 0);
  ASSERT_EQ(env.client().Get(path, token).status, 200);
  EXPECT_GE(MetricValue(env.client().Get("/metrics").body, "rxdesk_audit_entries_total"), before + 1);
}

TEST(Operations, EveryResponseCarriesARequestId) {
  auto& env = E2e::Get();
  std::set<std::string> ids;
  const std::vector<HttpResult> responses = {
      env.client().Get("/healthz"),
      env.client().Get("/v1/no-such-route"),
      env.client().Get("/v1/members/" + env.DemoMemberId()),  // no token: 401
      env.client().Send("POST", "/v1/auth/login", "{", {{"Content-Type", "application/json"}}),
  };
  for (const HttpResult& r : responses) {
    EXPECT_FALSE(r.Header("x-request-id").empty()) << r.status;
    ids.insert(r.Header("x-request-id"));
  }
  EXPECT_EQ(responses[1].status, 404);
  EXPECT_EQ(responses[2].status, 401);
  EXPECT_EQ(responses[3].status, 400);
  EXPECT_EQ(ids.size(), responses.size()) << "each response has its own id";

  // Not even HTTP: answered before any route, still with an id.
  RawConnection raw(env.port());
  ASSERT_TRUE(raw.Send("NONSENSE\r\n\r\n"));
  const RawResponse garbage = ParseRawResponse(raw.ReceiveAll());
  EXPECT_EQ(garbage.status, 400);
  EXPECT_FALSE(garbage.request_id.empty());
}

TEST(Operations, ASaneIncomingRequestIdIsEchoedAndAnyOtherReplaced) {
  auto& env = E2e::Get();
  const auto id_for = [&](const std::string& incoming) {
    return env.client().Send("GET", "/healthz", "", {{"X-Request-Id", incoming}}).Header("x-request-id");
  };
  EXPECT_EQ(id_for("lb-7f3a_91C2"), "lb-7f3a_91C2");
  for (const std::string& insane : {std::string("has spaces in it"), std::string("semi;colon"), std::string(65, 'a')}) {
    const std::string id = id_for(insane);
    EXPECT_FALSE(id.empty());
    EXPECT_NE(id, insane);
  }
}

TEST(Operations, SigtermWithFiftyRequestsInFlightAnswersEveryOneAndExitsZero) {
  constexpr int kRequests = 50;
  TempDir dir;
  const std::string data = CopyOfSeeded(dir);
  // Few workers, so most sign-ins (argon2id, deliberately slow) wait in flight.
  ServerProcess server(data, {}, {"RXDESK_SERVER_WORKER_THREADS=4"});
  const std::string body = nlohmann::json{{"username", "member.demo"}, {"password", kDemoPassword}}.dump();
  const std::string request = "POST /v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                              "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;

  std::atomic<int> sent{0};
  std::vector<RawResponse> responses(kRequests);
  std::vector<std::thread> clients;
  for (int i = 0; i < kRequests; ++i) {
    clients.emplace_back([&, i] {
      RawConnection connection(server.port());
      const bool ok = connection.Send(request);
      sent.fetch_add(1);
      if (ok) responses[static_cast<std::size_t>(i)] = ParseRawResponse(connection.ReceiveAll());
    });
  }
  // Every request is on the wire and the server has read each one off its socket.
  ASSERT_TRUE(WaitFor([&] { return sent.load() == kRequests; }, 60));
  ASSERT_TRUE(WaitFor([&] { return ConnectionsWithUnreadRequests(server.port()) == 0; }, 60));
  const int status = server.Terminate();
  for (auto& c : clients) c.join();

  EXPECT_EQ(status, 0) << "see " << server.log_path();
  for (int i = 0; i < kRequests; ++i) {
    const RawResponse& r = responses[static_cast<std::size_t>(i)];
    EXPECT_TRUE(r.complete) << "request " << i << " got status " << r.status << " and " << r.body.size() << " bytes";
    EXPECT_EQ(r.status, 200) << "request " << i << ": " << r.body;
    EXPECT_FALSE(r.request_id.empty());
  }
  // The test means something only if requests were still being handled after the signal.
  const std::string log = ReadText(server.log_path());
  const std::size_t shutdown = log.find("\"shutdown\"");
  ASSERT_NE(shutdown, std::string::npos) << log;
  int handled_after_signal = 0;
  for (std::size_t at = log.find("/v1/auth/login", shutdown); at != std::string::npos;
       at = log.find("/v1/auth/login", at + 1)) {
    ++handled_after_signal;
  }
  EXPECT_GT(handled_after_signal, 0) << "the signal came too late to test anything";
}

}  // namespace
}  // namespace rxdesk::testing
