// The monthly Explanation of Benefits: 200 documents of a month with 10 fills,
// each timed on its own. Target (issue: pharmacy services): under 50 ms each,
// median and p99. Two figures: the PDF alone (RenderEobPdf), and what a download
// costs the server besides HTTP: the statement read from a SQLite store (member
// decrypted, a year of fills, audit entry committed) plus the PDF.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "bench/bench_store.h"
#include "infra/ids.h"
#include "services/eob_pdf.h"
#include "services/part_d_service.h"

namespace rxdesk {
namespace {

using namespace std::chrono_literals;

constexpr int kEobBenchDocuments = 200;

double EobPercentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(at, values.size() - 1)];
}

void ReportEob(benchmark::State& state, const std::vector<double>& millis, std::size_t bytes) {
  state.counters["documents"] = static_cast<double>(millis.size());
  state.counters["median_ms"] = EobPercentile(millis, 0.50);
  state.counters["p99_ms"] = EobPercentile(millis, 0.99);
  state.counters["max_ms"] = *std::max_element(millis.begin(), millis.end());
  state.counters["pdf_bytes"] = static_cast<double>(bytes);
}

EobStatement EobBenchStatement() {
  EobStatement s;
  s.member_name = "María José Núñez Peña";
  s.member_number = "RX00012345";
  s.plan_name = "rxdesk Medicare Part D 2026";
  s.month = 2026y / std::chrono::March;
  s.issued_on = MakeDate(2026, 4, 1);
  for (int i = 0; i < 10; ++i) {
    const EobLine line{.fill_date = MakeDate(2026, 3, static_cast<unsigned>(1 + 3 * i)),
                       .drug = i % 2 == 0 ? "atorvastatin 20 mg" : "insulin glargine 100 units/mL",
                       .rx_number = std::to_string(10000150 + i),
                       .drug_cost = Cents(12345 + 1000 * i),
                       .plan_paid = Cents(9259 + 750 * i),
                       .member_paid = Cents(3086 + 250 * i)};
    s.lines.push_back(line);
    s.month_totals.fills += 1;
    s.month_totals.drug_cost += line.drug_cost;
    s.month_totals.plan_paid += line.plan_paid;
    s.month_totals.member_paid += line.member_paid;
  }
  s.year_to_date = s.month_totals;
  s.part_d = EobPartDProgress{.year = 2026,
                              .out_of_pocket = Cents(68086),
                              .deductible = Cents(61500),
                              .out_of_pocket_threshold = Cents(210000),
                              .phase = PartDPhase::kInitial};
  return s;
}

void BM_EobPdfRender10Fills(benchmark::State& state) {
  const EobStatement statement = EobBenchStatement();
  std::vector<double> millis;
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (int i = 0; i < kEobBenchDocuments; ++i) {
      const auto start = std::chrono::steady_clock::now();
      Result<std::string> pdf = RenderEobPdf(statement);
      millis.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      if (!pdf.ok()) {
        state.SkipWithError("render failed");
        return;
      }
      bytes = pdf->size();
    }
  }
  ReportEob(state, millis, bytes);
}
BENCHMARK(BM_EobPdfRender10Fills)->Iterations(1)->Unit(benchmark::kMillisecond);

// The statement of March 2026 for a Part D member with 10 fills that month and 20
// earlier in the year, read from SQLite (FULL sync) and rendered.
void BM_EobStatementAndPdf10Fills(benchmark::State& state) {
  BenchStore b("eob", *ParseInstant("2026-04-02T15:00:00Z"));
  if (!b.ok()) {
    state.SkipWithError("cannot open a store");
    return;
  }
  PartDService part_d(*b.store, *b.members, b.clock, b.zone, PartDConfig{});
  Member m;
  m.id = NewId();
  m.member_number = "RX00012345";
  m.first_name = "María José";
  m.last_name = "Núñez Peña";
  m.date_of_birth = MakeDate(1950, 2, 3);
  m.address = *ValidateAddress({.line1 = "1 Main St", .city = "Austin", .state = "TX", .zip = "78701"});
  m.plan_id = "pd";
  m.created_at = m.updated_at = "2026-01-01T00:00:00Z";
  const Status seeded = b.store->Write([&](WriteContext& w) -> Status {
    RXD_TRY(w.conn.Exec("INSERT INTO plans(id, name, kind) VALUES ('pd', 'Part D', 'medicare_part_d')"));
    RXD_TRY(b.members->Save(w.conn, m));
    RXD_TRY(
        w.conn.Exec("INSERT INTO prescriptions(rx_number, member_id, ndc, drug_name, strength, schedule, "
                    "quantity_milli, days_supply, refills_authorized, refills_remaining, written_date, "
                    "prescriber_npi, prescriber_name, daw, status, created_at, updated_at) VALUES ('10000150', ?, "
                    "'99999010101', 'atorvastatin', '20 mg', 'none', 30000, 30, 11, 11, '2026-01-01', "
                    "'1245319599', 'Dr. Quinn', 0, 'active', 't', 't')",
                    {Value(m.id)}));
    std::int64_t ytd = 0;
    for (int i = 0; i < 30; ++i) {
      const std::string fill = NewId();
      const Date day = MakeDate(2026, static_cast<unsigned>(1 + i / 10), static_cast<unsigned>(1 + (i % 10) * 2));
      ytd += 2500;
      RXD_TRY(
          w.conn.Exec("INSERT INTO fills(id, rx_number, fill_date, quantity_milli, days_supply, is_refill, "
                      "created_by, created_at) VALUES (?, '10000150', ?, 30000, 30, 1, 'bench', 't')",
                      {Value(fill), Value(FormatDate(day))}));
      RXD_TRY(
          w.conn.Exec("INSERT INTO fill_costs(fill_id, member_id, plan_id, benefit_year, fill_date, "
                      "drug_cost_cents, plan_paid_cents, member_paid_cents, ytd_out_of_pocket_after_cents, "
                      "phase_after, created_at) VALUES (?, ?, 'pd', 2026, ?, 10000, 7500, 2500, ?, 'deductible', 't')",
                      {Value(fill), Value(m.id), Value(FormatDate(day)), Value(ytd)}));
    }
    return OkStatus();
  });
  if (!seeded.ok()) {
    state.SkipWithError(seeded.error().message.c_str());
    return;
  }
  Caller caller;
  caller.principal = {.user_id = "bench", .username = "bench", .role = Role::kMember, .member_id = m.id};
  caller.request_id = "bench";
  std::vector<double> millis;
  std::size_t bytes = 0;
  for (auto _ : state) {
    for (int i = 0; i < kEobBenchDocuments; ++i) {
      const auto start = std::chrono::steady_clock::now();
      Result<EobStatement> statement = part_d.Statement(caller, m.id, 2026y / std::chrono::March);
      Result<std::string> pdf = statement.ok() ? RenderEobPdf(*statement) : Result<std::string>(statement.error());
      millis.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      if (!pdf.ok() || statement->lines.size() != 10) {
        state.SkipWithError("statement failed");
        return;
      }
      bytes = pdf->size();
    }
  }
  ReportEob(state, millis, bytes);
}
BENCHMARK(BM_EobStatementAndPdf10Fills)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rxdesk
