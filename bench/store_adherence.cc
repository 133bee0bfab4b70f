// The adherence at-risk list (services/adherence_service.h) on SQLite with
// 100,000 members and 1.2 million fills (12 a year each, across statins, RAS
// antagonists, diabetes drugs and an unmeasured drug): the full scan a filter
// that matches nobody forces (every member's PDC computed), and the first page
// of the unfiltered list. Target (issue 7): the list answers in under 1 s.
//
//   build/bench/infra_bench --benchmark_filter=AtRisk
#include <benchmark/benchmark.h>
#include <date/tz.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "infra/ids.h"
#include "services/adherence_service.h"

namespace rxdesk {
namespace {

namespace fs = std::filesystem;

constexpr int kMembers = 100'000;
constexpr int kFillsPerMember = 12;
constexpr const char* kDrugs[] = {"atorvastatin 20 mg", "lisinopril 10 mg", "metformin 500 mg", "sertraline 50 mg"};

struct AtRiskBenchData {
  std::string dir;
  std::unique_ptr<Store> store;
  ManualClock clock{*ParseInstant("2026-06-15T17:00:00Z")};
  Zone zone{date::locate_zone("America/Chicago")};
  std::string error;

  AtRiskBenchData() {
    std::string tmpl = (fs::temp_directory_path() / "rxdesk-bench-atrisk-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      error = "cannot make a temp dir";
      return;
    }
    dir = tmpl;
    auto opened = Store::Open({.sqlite_path = dir + "/bench.db", .sqlite_synchronous = "NORMAL"});
    if (!opened.ok()) {
      error = opened.error().message;
      return;
    }
    store = std::move(*opened);
    const Date today = zone.LocalDate(clock.Now());
    // Every member refills on time (a full scan for reason=late_refill finds nobody);
    // one in ten went without for months mid-year (a PDC near 60%: the unfiltered list).
    for (int start = 0; start < kMembers && error.empty(); start += 5000) {
      const Status s = store->Write([&](WriteContext& w) -> Status {
        for (int i = start; i < start + 5000 && i < kMembers; ++i) {
          const std::string id = NewId();
          RXD_TRY(w.conn.Exec(
              "INSERT INTO members(id, member_number_enc, member_number_index, first_name_enc, last_name_enc, "
              "date_of_birth_enc, address_enc, name_dob_index, key_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
              "?, ?, 'ix', 1, 't', 't')",
              {Value(id), Value(Blob{"x"}), Value("n-" + id), Value(Blob{"x"}), Value(Blob{"x"}), Value(Blob{"x"}),
               Value(Blob{"x"})}));
          for (int k = 0; k < 3; ++k) {
            const std::string rx = "B" + std::to_string(i) + "-" + std::to_string(k);
            RXD_TRY(w.conn.Exec(
                "INSERT INTO prescriptions(rx_number, member_id, ndc, drug_name, schedule, quantity_milli, "
                "days_supply, refills_authorized, refills_remaining, written_date, prescriber_npi, prescriber_name, "
                "daw, status, created_at, updated_at) VALUES (?, ?, '1', ?, 'none', 90000, 90, 11, 11, '2025-01-01', "
                "'1', 'Dr', 0, 'active', 't', 't')",
                {Value(rx), Value(id), Value(kDrugs[(i + k) % 4])}));
            for (int f = 0; f < kFillsPerMember / 3; ++f) {
              const int days_ago = 90 * f + (i % 10 == 0 && f >= 2 ? 200 : 0) + (i % 7);
              RXD_TRY(
                  w.conn.Exec("INSERT INTO fills(id, rx_number, fill_date, quantity_milli, days_supply, "
                              "is_refill, created_by, created_at) VALUES (?, ?, ?, 90000, 90, 1, 'bench', 't')",
                              {Value(NewId()), Value(rx), Value(FormatDate(today - Days{days_ago}))}));
            }
          }
        }
        return OkStatus();
      });
      if (!s.ok()) error = s.error().message;
    }
  }
  ~AtRiskBenchData() {
    store.reset();
    std::error_code ec;
    if (!dir.empty()) fs::remove_all(dir, ec);
  }
};

AtRiskBenchData& Data() {
  static AtRiskBenchData data;
  return data;
}

Caller Pharmacist() {
  Caller c;
  c.principal = {.user_id = "bench", .username = "bench", .role = Role::kPharmacist};
  return c;
}

void BM_AtRiskFullScan100kMembers1_2MFills(benchmark::State& state) {
  AtRiskBenchData& data = Data();
  if (!data.error.empty()) {
    state.SkipWithError(data.error.c_str());
    return;
  }
  AdherenceService adherence(*data.store, data.clock, data.zone);
  std::size_t items = 0;
  for (auto _ : state) {
    auto page = adherence.AtRisk(Pharmacist(), {.reason = AtRiskFilter::kLateRefill, .limit = 500});
    if (!page.ok()) {
      state.SkipWithError(page.error().message.c_str());
      return;
    }
    items = page->items.size();
  }
  state.counters["items"] = static_cast<double>(items);
}
BENCHMARK(BM_AtRiskFullScan100kMembers1_2MFills)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

void BM_AtRiskFirstPage100kMembers(benchmark::State& state) {
  AtRiskBenchData& data = Data();
  if (!data.error.empty()) {
    state.SkipWithError(data.error.c_str());
    return;
  }
  AdherenceService adherence(*data.store, data.clock, data.zone);
  for (auto _ : state) {
    auto page = adherence.AtRisk(Pharmacist(), {.limit = 50});
    if (!page.ok()) {
      state.SkipWithError(page.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(page->items.size());
  }
}
BENCHMARK(BM_AtRiskFirstPage100kMembers)->Unit(benchmark::kMillisecond)->Iterations(10)->UseRealTime();

}  // namespace
}  // namespace rxdesk
