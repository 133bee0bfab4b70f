#include "tests/support/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

extern char** environ;

namespace rxdesk::testing {
namespace {
namespace fs = std::filesystem;

constexpr char kSearchRoot[] = "/usr/lib/postgresql";
constexpr char kUser[] = "rxdesk";               // the cluster's superuser (initdb -U)
constexpr std::size_t kMaxSocketDirLength = 80;  // sun_path holds 108 bytes incl. "/.s.PGSQL.NNNNN"

bool HasServerBinaries(const fs::path& dir) {
  std::error_code ec;
  for (const char* name : {"initdb", "pg_ctl", "postgres", "createdb"}) {
    if (!fs::is_regular_file(dir / name, ec)) return false;
  }
  return true;
}

std::uint16_t FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  std::uint16_t port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string Tail(const fs::path& file, std::size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  return all.size() <= max_bytes ? all : all.substr(all.size() - max_bytes);
}

}  // namespace

std::string TestPostgres::BinDir() {
  if (const char* env = std::getenv("RXDESK_PG_BINDIR"); env != nullptr && *env != '\0') {
    return HasServerBinaries(env) ? std::string(env) : std::string();
  }
  std::error_code ec;
  int best_version = -1;
  std::string best;
  for (const auto& entry : fs::directory_iterator(kSearchRoot, ec)) {
    // Version directories are "15", "16", ... (older ones "9.6"); atoi reads the major.
    const int version = std::atoi(entry.path().filename().c_str());
    const fs::path bin = entry.path() / "bin";
    if (version > best_version && HasServerBinaries(bin)) {
      best_version = version;
      best = bin.string();
    }
  }
  return best;
}

bool TestPostgres::Available() { return !BinDir().empty(); }

std::string TestPostgres::NotFoundMessage() {
  return std::string("PostgreSQL binaries not found: looked in ") + kSearchRoot +
         "/*/bin (or $RXDESK_PG_BINDIR) for initdb, pg_ctl, postgres and createdb";
}

TestPostgres& TestPostgres::Shared() {
  // Destroyed at exit, which stops the server; starting one costs ~1-2 s.
  static const std::unique_ptr<TestPostgres> shared = std::make_unique<TestPostgres>();
  return *shared;
}

TestPostgres::TestPostgres(TestPostgresOptions options) : options_(options), bin_dir_(BinDir()) {
  if (bin_dir_.empty()) {
    error_ = NotFoundMessage();
    return;
  }
  if (geteuid() == 0) {
    // initdb refuses to run as root; Debian's postgresql package creates this user.
    const passwd* pw = getpwnam("postgres");
    if (pw == nullptr) {
      error_ = "running as root, and there is no 'postgres' user to run the server as";
      return;
    }
    as_postgres_user_ = true;
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
  }
  std::string tmpl = (fs::temp_directory_path() / "rxdesk-pg-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    error_ = "mkdtemp failed for " + tmpl;
    return;
  }
  dir_ = tmpl;
  if (as_postgres_user_ && chown(dir_.c_str(), uid_, gid_) != 0) {
    error_ = "cannot chown " + dir_ + " to the postgres user";
    return;
  }
  host_ = dir_.size() <= kMaxSocketDirLength ? dir_ : "127.0.0.1";

  const std::string data = dir_ + "/data";
  if (Run({bin_dir_ + "/initdb", "-D", data, "-A", "trust", "-E", "UTF8", "--locale=C", "-U", kUser, "--no-sync"}) !=
      0) {
    error_ = "initdb failed:\n" + LogTail();
    return;
  }

  std::string server_options = "-c listen_addresses=127.0.0.1 -c max_connections=40";
  server_options += " -c unix_socket_directories=" + (host_ == dir_ ? dir_ : std::string("''"));
  // Tests only: a crash of a throwaway server loses nothing anyone needs.
  if (!options_.durable) server_options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";

  // The free port may be taken between the probe and the bind: try a few.
  for (int attempt = 0; attempt < 5 && !started_; ++attempt) {
    port_ = FreeLoopbackPort();
    if (port_ == 0) continue;
    const int rc = Run({bin_dir_ + "/pg_ctl", "-D", data, "-l", dir_ + "/server.log", "-w", "-t", "60", "-o",
                        server_options + " -c port=" + std::to_string(port_), "start"});
    started_ = rc == 0;
  }
  if (!started_) {
    error_ = "pg_ctl start failed:\n" + LogTail();
    return;
  }
  auto db = CreateDatabase();
  if (!db.ok()) {
    error_ = db.error().message;
    return;
  }
  conninfo_ = *db;
}

TestPostgres::~TestPostgres() {
  if (started_) (void)Run({bin_dir_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"});
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

Result<std::string> TestPostgres::CreateDatabase() {
  const std::string name = "rxdesk_test_" + std::to_string(++databases_created_);
  if (Run({bin_dir_ + "/createdb", "-h", host_, "-p", std::to_string(port_), "-U", kUser, name}) != 0) {
    return MakeError("store_unavailable", "createdb " + name + " failed:\n" + LogTail());
  }
  return ConninfoFor(name);
}

std::string TestPostgres::ConninfoFor(const std::string& dbname) const {
  return "host=" + host_ + " port=" + std::to_string(port_) + " user=" + kUser + " dbname=" + dbname;
}

int TestPostgres::Run(const std::vector<std::string>& argv) {
  // Everything the child needs is prepared before fork: after it, only
  // async-signal-safe calls (the parent may have other threads).
  std::vector<std::string> args = argv;
  std::vector<char*> cargs;
  for (auto& a : args) cargs.push_back(a.data());
  cargs.push_back(nullptr);
  const std::string log = dir_ + "/commands.log";
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return -1;
  {
    const std::string header = "$ " + argv.front() + "\n";
    (void)!write(log_fd, header.data(), header.size());
  }
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t pid = fork();
  if (pid == 0) {
    // The child must not run in a directory the postgres user cannot enter.
    if (chdir(dir_.c_str()) != 0) _exit(126);
    if (as_postgres_user_) {
      if (setgroups(0, nullptr) != 0 || setgid(gid_) != 0 || setuid(uid_) != 0) _exit(126);
    }
    if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    execve(cargs[0], cargs.data(), environ);
    _exit(127);
  }
  if (null_fd >= 0) close(null_fd);
  close(log_fd);
  if (pid < 0) return -1;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string TestPostgres::LogTail() const {
  return Tail(fs::path(dir_) / "commands.log", 2000) + "\n--- server.log ---\n" +
         Tail(fs::path(dir_) / "server.log", 2000);
}

}  // namespace rxdesk::testing
