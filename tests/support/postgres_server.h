// A throwaway PostgreSQL server for tests and benchmarks: initdb into a temp
// dir, start on a free port (socket in the same dir), stop and delete at the end.
//
//   if (!TestPostgres::Available()) GTEST_SKIP() << TestPostgres::NotFoundMessage();
//   TestPostgres& pg = TestPostgres::Shared();          // one server per test binary
//   ASSERT_TRUE(pg.ok()) << pg.error();
//   auto db = pg.CreateDatabase();                      // a fresh, empty database
//   auto conn = OpenPostgres({.conninfo = *db});
//
// Tests run as root in CI and initdb refuses root, so the server's commands then
// run as the `postgres` system user (Debian's postgresql package creates it).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "domain/result.h"

namespace rxdesk::testing {

struct TestPostgresOptions {
  // false (tests): fsync=off, synchronous_commit=off, full_page_writes=off, so
  // the server costs no disk flushes. true (benchmarks): real commit costs.
  bool durable = false;
};

class TestPostgres {
 public:
  // Whether initdb/pg_ctl/postgres were found ($RXDESK_PG_BINDIR, else the
  // newest /usr/lib/postgresql/*/bin).
  static bool Available();
  // The bin directory used, or "" when none was found.
  static std::string BinDir();
  // A message for GTEST_SKIP naming where the binaries were looked for.
  static std::string NotFoundMessage();
  // The one server shared by a whole test binary: started on first call,
  // stopped at exit. Check ok() before use.
  static TestPostgres& Shared();

  // Starts a server (takes ~1-2 s). Never throws: on failure ok() is false and
  // error() says why, with the tail of the server's log.
  explicit TestPostgres(TestPostgresOptions options = {});
  ~TestPostgres();  // pg_ctl -m immediate stop, then removes the temp dir
  TestPostgres(const TestPostgres&) = delete;
  TestPostgres& operator=(const TestPostgres&) = delete;

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // libpq conninfo of the database created at start (user rxdesk, trust auth).
  const std::string& conninfo() const { return conninfo_; }
  std::uint16_t port() const { return port_; }
  const std::string& dir() const { return dir_; }

  // Creates a new empty database with a unique name; returns its conninfo.
  // Refusal: store_unavailable with createdb's output when it fails.
  Result<std::string> CreateDatabase();

 private:
  // Runs `argv` (as the postgres user when root); appends its output to the
  // command log; returns the exit status (-1 if it could not run).
  int Run(const std::vector<std::string>& argv);
  std::string LogTail() const;
  std::string ConninfoFor(const std::string& dbname) const;

  TestPostgresOptions options_;
  std::string bin_dir_;
  std::string dir_;  // temp root: data/, server.log, commands.log, socket
  std::string conninfo_;
  std::string error_;
  std::string host_;  // socket dir, or 127.0.0.1 when the path is too long for a socket
  std::uint16_t port_ = 0;
  bool started_ = false;
  bool as_postgres_user_ = false;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  int databases_created_ = 0;
};

}  // namespace rxdesk::testing
