// What a service test stands on: a migrated store of one dialect in a temporary
// directory, the key ring and PHI vault, a manual clock, the Chicago zone and a
// MemberService, with helpers that make callers, add users and members, and run a
// statement or a query. A fixture derives from it next to its gtest base, so its
// tests keep naming store_, vault_, clock_...
//
//   class ShipmentsTest : public ::testing::TestWithParam<Dialect>, protected testing::ServiceEnv {
//    protected:
//     ShipmentsTest() : ServiceEnv(Instant{kEta}) {}
//     void SetUp() override {
//       if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) GTEST_SKIP() << ...;
//       ASSERT_TRUE(OpenServiceEnv(GetParam(), "shipments"));
//       orders_ = std::make_unique<OrderService>(*store_, *vault_, clock_, zone_, *members_, ...);
//       member_ = AddSealedMember(/*with_email=*/true);
//     }
//   };
//
// Members are destroyed after the deriving fixture's own, so services built on
// store_ and members_ go first.
#pragma once

#include <date/tz.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/address.h"
#include "domain/clock.h"
#include "domain/zone.h"
#include "infra/ids.h"
#include "infra/key_file.h"
#include "services/caller.h"
#include "services/member_service.h"
#include "services/phi_vault.h"
#include "store/store.h"
#include "tests/support/postgres_schema.h"
#include "tests/support/server_process.h"

namespace rxdesk::testing {

class ServiceEnv {
 protected:
  explicit ServiceEnv(Instant now) : clock_(now) {}

  // Loads (creating) the key ring in dir_, then opens a new store of `dialect`
  // (a SQLite file in dir_, or a schema named after `prefix`) and members_ over it.
  // The caller skips PostgreSQL first when its binaries are not installed.
  ::testing::AssertionResult OpenServiceEnv(Dialect dialect, std::string_view prefix) {
    options_ = TestStoreOptions(dialect, dir_.path(), prefix);
    auto ring = LoadOrCreateKeyFile(dir_.path() + "/rxdesk.key", true);
    if (!ring.ok()) return ::testing::AssertionFailure() << "key ring: " << ring.error().message;
    vault_ = std::make_unique<PhiVault>(std::move(*ring));
    return ReopenStore();
  }

  // Closes store_ and members_ and opens them again on the same data, as a
  // restarted server would. The caller resets its own services over them first.
  ::testing::AssertionResult ReopenStore() {
    members_.reset();
    store_.reset();
    auto store = Store::Open(options_);
    if (!store.ok()) return ::testing::AssertionFailure() << "store: " << store.error().message;
    store_ = std::move(*store);
    members_ = std::make_unique<MemberService>(*store_, *vault_, clock_);
    return ::testing::AssertionSuccess();
  }

  // A caller with `role`, tied to `member_id` unless empty.
  static Caller CallerFor(const std::string& user_id, Role role, const std::string& member_id = "") {
    Caller c;
    c.principal.user_id = user_id;
    c.principal.role = role;
    c.principal.member_id = member_id;
    c.request_id = "test";
    return c;
  }

  // Runs one statement in a write of its own; a failure fails the test.
  void Exec(const std::string& sql, std::vector<Value> params = {}) {
    const Status s = store_->Write([&](WriteContext& w) -> Status {
      RXD_TRY(w.conn.Exec(sql, params));
      return OkStatus();
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  // The rows of one query (none after a failure, which fails the test).
  Rows Query(const std::string& sql, std::vector<Value> params = {}) {
    auto rows = store_->Read([&](Connection& c) { return c.Query(sql, params); });
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
    return rows.ok() ? *rows : Rows{};
  }

  // A user row of `role` (username "<role>-<id>"), tied to `member_id` unless empty.
  std::string AddUser(const std::string& role, const std::string& member_id = "") {
    const std::string id = NewId();
    const Status s = store_->Write([&](WriteContext& w) -> Status {
      RXD_TRY(w.conn.Exec(
          "INSERT INTO users(id, username, role, password_hash, member_id, created_at) VALUES (?, ?, ?, 'x', ?, "
          "'t')",
          {Value(id), Value(role + "-" + id), Value(role), member_id.empty() ? Value() : Value(member_id)}));
      return OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return id;
  }

  // A member row written directly, each PHI field sealed as "x"; with an email on
  // file when `with_email`, so notifications are queued for them.
  std::string AddSealedMember(bool with_email) {
    const std::string id = NewId();
    const auto seal = [&](std::string_view f) { return Value(vault_->Seal("members", id, f, "x")); };
    const Status s = store_->Write([&](WriteContext& w) -> Status {
      if (with_email) {
        RXD_TRY(
            w.conn.Exec("INSERT INTO members(id, member_number_enc, member_number_index, first_name_enc, "
                        "last_name_enc, date_of_birth_enc, address_enc, email_enc, name_dob_index, key_id, "
                        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'ix', 1, 't', 't')",
                        {Value(id), seal("member_number"), Value("n-" + id), seal("first_name"), seal("last_name"),
                         seal("date_of_birth"), seal("address"), seal("email")}));
      } else {
        RXD_TRY(
            w.conn.Exec("INSERT INTO members(id, member_number_enc, member_number_index, first_name_enc, "
                        "last_name_enc, date_of_birth_enc, address_enc, name_dob_index, key_id, created_at, "
                        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'ix', 1, 't', 't')",
                        {Value(id), seal("member_number"), Value("n-" + id), seal("first_name"), seal("last_name"),
                         seal("date_of_birth"), seal("address")}));
      }
      return OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return id;
  }

  // A member saved through members_: born 1950-02-03, at 1 Main St, Austin TX
  // 78701, on `plan_id`, created 2026-01-01. Returns what was saved.
  Member AddPlanMember(const std::string& first_name, const std::string& last_name, const std::string& plan_id) {
    Member m;
    m.id = NewId();
    m.member_number = "M" + m.id.substr(m.id.size() - 9);
    m.first_name = first_name;
    m.last_name = last_name;
    m.date_of_birth = MakeDate(1950, 2, 3);
    m.address = *ValidateAddress({.line1 = "1 Main St", .city = "Austin", .state = "TX", .zip = "78701"});
    m.plan_id = plan_id;
    m.created_at = m.updated_at = "2026-01-01T00:00:00Z";
    const Status s = store_->Write([&](WriteContext& w) { return members_->Save(w.conn, m); });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return m;
  }

  TempDir dir_;
  StoreOptions options_;
  ManualClock clock_;
  Zone zone_{date::locate_zone("America/Chicago")};
  std::unique_ptr<PhiVault> vault_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<MemberService> members_;
};

}  // namespace rxdesk::testing
