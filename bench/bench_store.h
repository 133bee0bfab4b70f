// What a store benchmark stands on: a SQLite store with durable commits in a new
// temporary directory, its key ring and PHI vault, a manual clock, the Chicago
// zone and a MemberService. The directory is removed on destruction.
//
//   struct ShipmentBench : BenchStore {
//     ShipmentBench() : BenchStore("shipments", Instant{MakeDate(2026, 3, 4)}) {
//       if (!ok()) return;
//       shipments = std::make_unique<ShipmentService>(*store, clock, *members, carrier);
//     }
//     std::unique_ptr<ShipmentService> shipments;   // destroyed before the store
//   };
//
// When the directory, the store or the key ring cannot be made, store, vault and
// members stay null and ok() is false: the benchmark skips with an error.
#pragma once

#include <date/tz.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "domain/clock.h"
#include "domain/zone.h"
#include "infra/key_file.h"
#include "services/member_service.h"
#include "services/phi_vault.h"
#include "store/store.h"

namespace rxdesk {

struct BenchStore {
  // Makes "rxdesk-bench-<name>-XXXXXX" under the temp directory and opens it all there.
  BenchStore(std::string_view name, Instant now) : clock(now) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / ("rxdesk-bench-" + std::string(name) + "-XXXXXX")).string();
    if (mkdtemp(tmpl.data()) == nullptr) return;
    dir = tmpl;
    auto opened = Store::Open({.sqlite_path = dir + "/rxdesk.db"});
    auto ring = LoadOrCreateKeyFile(dir + "/rxdesk.key", true);
    if (!opened.ok() || !ring.ok()) return;
    store = std::move(*opened);
    vault = std::make_unique<PhiVault>(std::move(*ring));
    members = std::make_unique<MemberService>(*store, *vault, clock);
  }
  ~BenchStore() {
    members.reset();
    store.reset();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
  BenchStore(const BenchStore&) = delete;
  BenchStore& operator=(const BenchStore&) = delete;

  bool ok() const { return members != nullptr; }

  std::string dir;
  ManualClock clock;
  Zone zone{date::locate_zone("America/Chicago")};
  std::unique_ptr<Store> store;
  std::unique_ptr<PhiVault> vault;
  std::unique_ptr<MemberService> members;
};

}  // namespace rxdesk
