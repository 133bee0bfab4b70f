// The pharmacists' order queue and a tracking lookup on SQLite with durable
// commits, over 20,000 orders: one page of 50 (with its 50 audit entries in one
// transaction) and one lookup through the fake carrier (one read, one audit entry).
//
//   build/bench/infra_bench --benchmark_filter=Shipment
#include <benchmark/benchmark.h>

#include <memory>

#include "bench/bench_store.h"
#include "infra/ids.h"
#include "services/fake_carrier.h"
#include "services/shipment_service.h"

namespace rxdesk {
namespace {

constexpr int kOrders = 20000;

struct ShipmentBench : BenchStore {
  ShipmentBench() : BenchStore("shipments", Instant{MakeDate(2026, 3, 4)}) {
    if (!ok()) return;
    shipments = std::make_unique<ShipmentService>(*store, clock, *members, carrier);
    const char* statuses[] = {"received", "in_review", "filled", "shipped", "delivered"};
    const Status s = store->Write([&](WriteContext& w) -> Status {
      RXD_TRY(
          w.conn.Exec("INSERT INTO members(id, member_number_enc, member_number_index, first_name_enc, "
                      "last_name_enc, date_of_birth_enc, address_enc, name_dob_index, key_id, created_at, "
                      "updated_at) VALUES ('M', x'00', 'n', x'00', x'00', x'00', x'00', 'ix', 1, 't', 't')"));
      RXD_TRY(
          w.conn.Exec("INSERT INTO prescriptions(rx_number, member_id, ndc, drug_name, schedule, quantity_milli, "
                      "days_supply, refills_authorized, refills_remaining, written_date, prescriber_npi, "
                      "prescriber_name, daw, status, created_at, updated_at) VALUES ('10000000', 'M', 'n', 'd', "
                      "'none', 30000, 30, 5, 5, '2026-01-05', '1245319599', 'Dr. Q', 0, 'active', 't', 't')"));
      for (int i = 0; i < kOrders; ++i) {
        const std::string id = NewId();
        const std::string created = FormatInstant(Instant{MakeDate(2026, 1, 1)} + std::chrono::minutes{i});
        RXD_TRY(w.conn.Exec(
            "INSERT INTO orders(id, reference, member_id, rx_number, status, speed, ship_date, eta_earliest, "
            "eta_latest, fee_cents, address_enc, carrier, tracking_number, created_by, created_at, updated_at) "
            "VALUES (?, ?, 'M', '10000000', ?, 'standard', '2026-03-02', '2026-03-05', '2026-03-10', 0, x'00', "
            "'USPS', '9400100000000000000000', 'b', ?, ?)",
            {Value(id), Value("R" + id), Value(statuses[i % 5]), Value(created), Value(created)}));
        if (i % 5 == 3) shipped = id;
      }
      return OkStatus();
    });
    if (!s.ok()) store.reset();
  }

  FakeCarrier carrier;
  std::unique_ptr<ShipmentService> shipments;
  std::string shipped;
  const Caller pharmacist{.principal = {.user_id = "rph", .role = Role::kPharmacist}, .request_id = "bench"};
};

ShipmentBench& Bench() {
  static ShipmentBench bench;
  return bench;
}

// The first page of the work list (received, in review, filled): 50 orders, 50 audit entries, one commit.
void BM_ShipmentQueuePage(benchmark::State& state) {
  ShipmentBench& b = Bench();
  if (!b.store) {
    state.SkipWithError("store setup failed");
    return;
  }
  const std::vector<OrderStatus> work = {OrderStatus::kReceived, OrderStatus::kInReview, OrderStatus::kFilled};
  for (auto _ : state) {
    auto page = b.shipments->Queue(b.pharmacist, work, 50, "");
    if (!page.ok() || page->items.size() != 50) state.SkipWithError("queue failed");
  }
}
BENCHMARK(BM_ShipmentQueuePage)->Unit(benchmark::kMillisecond);

// One tracking lookup: the order read, the fake carrier, one audit entry committed.
void BM_ShipmentTrackingLookup(benchmark::State& state) {
  ShipmentBench& b = Bench();
  if (!b.store) {
    state.SkipWithError("store setup failed");
    return;
  }
  for (auto _ : state) {
    auto t = b.shipments->Track(b.pharmacist, b.shipped);
    if (!t.ok()) state.SkipWithError("tracking failed");
  }
}
BENCHMARK(BM_ShipmentTrackingLookup)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rxdesk
