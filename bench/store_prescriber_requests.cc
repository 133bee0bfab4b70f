// Mail-order switches on SQLite with durable commits: one whole switch (request,
// sent to the prescriber, approval that writes the new 90-day prescription,
// cancels the retail one, audits and queues the member's notification: three
// transactions), and the pharmacist's queue page (50 oldest of 10,000 open
// requests, each row's sealed reason column read).
//
//   build/bench/infra_bench --benchmark_filter=PrescriberRequest
#include <benchmark/benchmark.h>
#include <date/tz.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "infra/ids.h"
#include "infra/key_file.h"
#include "services/prescriber_requests.h"

namespace rxdesk {
namespace {

namespace fs = std::filesystem;

// A statement's outcome without its row count.
Status Ran(const Result<std::int64_t>& r) {
  if (!r.ok()) return r.error();
  return OkStatus();
}

struct RequestsBench {
  RequestsBench() {
    std::string tmpl = (fs::temp_directory_path() / "rxdesk-bench-requests-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return;
    dir = tmpl;
    auto opened = Store::Open({.sqlite_path = dir + "/rxdesk.db"});
    auto ring = LoadOrCreateKeyFile(dir + "/rxdesk.key", true);
    if (!opened.ok() || !ring.ok()) return;
    store = std::move(*opened);
    vault = std::make_unique<PhiVault>(std::move(*ring));
    members = std::make_unique<MemberService>(*store, *vault, clock);
    prescriptions = std::make_unique<PrescriptionService>(*store, *vault, clock, zone, *members, RefillPolicy{},
                                                          PrescriptionPolicy{});
    requests = std::make_unique<PrescriberRequestService>(*store, *vault, clock, zone, *members, *prescriptions,
                                                          PrescriberRequestPolicy{});
    pharmacist.principal = {.user_id = "BENCHPHARMACIST", .role = Role::kPharmacist};
    Member m;
    m.id = "BENCHMEMBER";
    m.member_number = "9100000";
    m.first_name = "Ana";
    m.last_name = "Ruiz";
    m.date_of_birth = MakeDate(1960, 1, 2);
    m.address = {.line1 = "1 Main St", .city = "Austin", .state = "TX", .zip = "78701", .country = "US"};
    m.email = "member@example.com";
    m.created_at = m.updated_at = "2026-11-23T15:00:00Z";
    (void)store->Write([&](WriteContext& w) -> Status {
      RXD_TRY(members->Save(w.conn, m));
      RXD_TRY(
          w.conn.Exec("INSERT INTO users(id, username, role, password_hash, created_at) VALUES "
                      "('BENCHPHARMACIST', 'bench-pharmacist', 'pharmacist', 'x', 't')"));
      return Ran(
          w.conn.Exec("INSERT INTO drugs(ndc, name, strength, form, schedule, generic, maintenance) VALUES "
                      "('99999-0101-01', 'atorvastatin', '20 mg', 'tablet', 'none', 1, 1)"));
    });
  }
  ~RequestsBench() {
    requests.reset();
    prescriptions.reset();
    members.reset();
    store.reset();
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
  std::string NewRetailRx() {
    NewPrescriptionInput in;
    in.drug = {"99999-0101-01", "atorvastatin", "20 mg", "tablet"};
    in.schedule = "none";
    in.quantity = "30";
    in.days_supply = 30;
    in.refills_authorized = 3;
    in.written_date = "2026-11-01";
    in.prescriber = {"1245319599", "Dr. Avery Quinn", ""};
    auto rx = prescriptions->Create(pharmacist, "BENCHMEMBER", in, nullptr);
    return rx.ok() ? rx->rx_number : "";
  }

  std::string dir;
  ManualClock clock{*ParseInstant("2026-11-23T15:00:00Z")};
  Zone zone{date::locate_zone("America/Chicago")};
  std::unique_ptr<Store> store;
  std::unique_ptr<PhiVault> vault;
  std::unique_ptr<MemberService> members;
  std::unique_ptr<PrescriptionService> prescriptions;
  std::unique_ptr<PrescriberRequestService> requests;
  Caller pharmacist;
};

void BM_PrescriberRequestSwitchRequestSendApprove(benchmark::State& state) {
  RequestsBench b;
  if (!b.requests) {
    state.SkipWithError("no store");
    return;
  }
  std::vector<std::string> rxs;
  for (std::int64_t i = 0; i < state.max_iterations; ++i) rxs.push_back(b.NewRetailRx());
  std::size_t next = 0;
  for (auto _ : state) {
    const std::string& rx = rxs[next++ % rxs.size()];
    auto r = b.requests->Create(b.pharmacist, PrescriberRequestKind::kMailOrderSwitch, rx, nullptr);
    if (!r.ok()) {
      state.SkipWithError(r.error().code.c_str());
      return;
    }
    auto sent = b.requests->Apply(b.pharmacist, r->kind, r->id, {.type = "sent_to_prescriber"});
    auto approved = b.requests->Apply(b.pharmacist, r->kind, r->id, {.type = "approved", .refills_authorized = 3});
    if (!sent.ok() || !approved.ok()) {
      state.SkipWithError("event refused");
      return;
    }
  }
}
BENCHMARK(BM_PrescriberRequestSwitchRequestSendApprove)->Iterations(300)->Unit(benchmark::kMillisecond);

void BM_PrescriberRequestQueuePage50Of10kOpen(benchmark::State& state) {
  RequestsBench b;
  if (!b.requests) {
    state.SkipWithError("no store");
    return;
  }
  // 10,000 open requests written straight into the table (the service's own
  // checks are the other benchmark's subject).
  const std::string rx = b.NewRetailRx();
  (void)b.store->Write([&](WriteContext& w) -> Status {
    for (int i = 0; i < 10000; ++i) {
      const std::string id = NewId();
      RXD_TRY(
          w.conn.Exec("INSERT INTO mail_order_switches(id, reference, member_id, rx_number, status, requested_by, "
                      "created_at, updated_at) VALUES (?, ?, 'BENCHMEMBER', ?, 'cancelled', 'BENCHPHARMACIST', "
                      "'2026-11-23T15:00:00Z', '2026-11-23T15:00:00Z')",
                      {Value(id), Value("RX-BENCH-" + std::to_string(i)), Value(rx)}));
    }
    // Open them all: the one-open-per-Rx index would refuse them as inserted.
    return Ran(w.conn.Exec("DROP INDEX mail_order_switches_open"));
  });
  (void)b.store->Write(
      [&](WriteContext& w) { return Ran(w.conn.Exec("UPDATE mail_order_switches SET status = 'requested'")); });
  for (auto _ : state) {
    auto page = b.requests->Queue(b.pharmacist, PrescriberRequestKind::kMailOrderSwitch, std::nullopt, 50, "");
    if (!page.ok() || page->items.size() != 50) {
      state.SkipWithError("queue");
      return;
    }
    benchmark::DoNotOptimize(page->items.data());
  }
}
BENCHMARK(BM_PrescriberRequestQueuePage50Of10kOpen)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rxdesk
