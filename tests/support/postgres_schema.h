// Isolation on the one shared PostgreSQL test server: each test gets a new
// schema that its connections put first on the search_path (much faster than
// CREATE DATABASE).
//
//   const std::string conninfo = FreshPostgresSchema("audit");   // "" after a recorded failure
//   auto conn = OpenPostgres({.conninfo = conninfo});
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "store/db.h"
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

}  // namespace rxdesk::testing
