// Isolation on the one shared PostgreSQL test server: each test gets a new
// schema that its connections put first on the search_path (much faster than
// CREATE DATABASE).
//
//   const std::string conninfo = FreshPostgresSchema("audit");   // "" after a recorded failure
//   auto conn = OpenPostgres({.conninfo = conninfo});
//
// Store tests parameterised on the dialect open theirs with TestStoreOptions:
//
//   if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << ...;
//   auto store = Store::Open(TestStoreOptions(GetParam(), dir_.path(), "desk"));
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "store/db.h"
#include "store/store.h"
#include "tests/support/postgres_server.h"

namespace rxdesk::testing {

// Returns the conninfo of a new schema named "<prefix>_<pid>_<n>", or "" after
// recording a test failure.
inline std::string FreshPostgresSchema(std::string_view prefix) {
  static int schemas = 0;
  TestPostgres& pg = TestPostgres::Shared();
  if (!pg.ok()) {
    ADD_FAILURE() << pg.error();
    return "";
  }
  auto admin = OpenPostgres({.conninfo = pg.conninfo()});
  if (!admin.ok()) {
    ADD_FAILURE() << admin.error().code << ": " << admin.error().message;
    return "";
  }
  const std::string schema = std::string(prefix) + "_" + std::to_string(getpid()) + "_" + std::to_string(++schemas);
  const Status created = (*admin)->ExecScript("CREATE SCHEMA " + schema);
  if (!created.ok()) {
    ADD_FAILURE() << created.error().code << ": " << created.error().message;
    return "";
  }
  return pg.conninfo() + " options='-c search_path=" + schema + "'";
}

// A new SQLite file in `dir`, or a new schema on the shared PostgreSQL server
// (an empty conninfo after a recorded failure, which Store::Open then refuses).
inline StoreOptions TestStoreOptions(Dialect dialect, const std::string& dir, std::string_view prefix) {
  StoreOptions options;
  if (dialect == Dialect::kPostgres) {
    options.postgres_conninfo = FreshPostgresSchema(prefix);
  } else {
    options.sqlite_path = dir + "/rxdesk.db";
  }
  return options;
}

}  // namespace rxdesk::testing
