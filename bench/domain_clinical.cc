// Clinical safety hot paths (domain/ddi.h, domain/adherence.h).
//
// Targets: one DDI screen against 20 active medications well under a few
// microseconds; PDC for 10 M fills (1 M members x 10 fills) under 5 s on one core.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "domain/adherence.h"
#include "domain/ddi.h"
#include "domain/interaction_table.h"

namespace rxdesk {
namespace {

// A member on 20 medications, several of which interact with warfarin.
constexpr std::string_view kTwentyActive[] = {
    "ibuprofen 400 mg",     "sertraline 50 mg",      "lisinopril 10 mg",   "amlodipine 5 mg",
    "atorvastatin 20 mg",   "levothyroxine 88 mcg",  "hydrochlorothiazide", "acetaminophen 500 mg",
    "folic acid 1 mg",      "calcium carbonate",     "ferrous sulfate",     "cimetidine 400 mg",
    "spironolactone 25 mg", "potassium chloride ER", "clopidogrel 75 mg",   "tramadol 50 mg",
    "ezetimibe 10 mg",      "naproxen 220 mg",       "Tums",                "Norvasc 10 mg",
};

std::vector<ScreenedDrug> DescribeAll(const InteractionTable& table) {
  std::vector<ScreenedDrug> active;
  for (std::string_view name : kTwentyActive) active.push_back(*table.Describe(name));
  return active;
}

void BM_ClinicalScreenWarfarinAgainst20(benchmark::State& state) {
  const InteractionTable table = BuildShippedInteractionTable();
  const std::vector<ScreenedDrug> active = DescribeAll(table);
  const ScreenedDrug new_drug = *table.Describe("warfarin 5 mg tablet");
  std::size_t findings = 0;
  for (auto _ : state) {
    auto result = ScreenInteractions(new_drug, active, table);
    findings = result.size();
    benchmark::DoNotOptimize(result.data());
  }
  state.counters["findings"] = static_cast<double>(findings);
}
BENCHMARK(BM_ClinicalScreenWarfarinAgainst20);

void BM_ClinicalScreenCleanAgainst20(benchmark::State& state) {
  const InteractionTable table = BuildShippedInteractionTable();
  const std::vector<ScreenedDrug> active = DescribeAll(table);
  const ScreenedDrug new_drug = *table.Describe("Tylenol 500 mg");
  for (auto _ : state) {
    auto result = ScreenInteractions(new_drug, active, table);
    benchmark::DoNotOptimize(result.data());
  }
}
BENCHMARK(BM_ClinicalScreenCleanAgainst20);

void BM_ClinicalDescribeDrugName(benchmark::State& state) {
  const InteractionTable table = BuildShippedInteractionTable();
  for (auto _ : state) {
    auto drug = table.Describe("sulfamethoxazole-trimethoprim DS 800-160 mg tablet");
    benchmark::DoNotOptimize(drug);
  }
}
BENCHMARK(BM_ClinicalDescribeDrugName);

// One member, one year: 13 thirty-day fills, some early (shifted), some late.
std::vector<AdherenceFill> OneMemberYear() {
  std::vector<AdherenceFill> fills;
  Date date = MakeDate(2026, 1, 3);
  const int gaps[] = {27, 33, 30, 25, 41, 30, 28, 35, 30, 26, 30, 29, 30};
  for (int gap : gaps) {
    fills.push_back(AdherenceFill{date, 30, 0});
    date += Days{gap};
  }
  return fills;
}

void BM_ClinicalPdcOneMemberYearSorted(benchmark::State& state) {
  const std::vector<AdherenceFill> fills = OneMemberYear();
  const MeasurementPeriod year{MakeDate(2026, 1, 1), MakeDate(2026, 12, 31)};
  for (auto _ : state) {
    auto pdc = ComputePdc(year, fills);
    benchmark::DoNotOptimize(pdc);
  }
}
BENCHMARK(BM_ClinicalPdcOneMemberYearSorted);

void BM_ClinicalPdcOneMemberYearUnsorted(benchmark::State& state) {
  std::vector<AdherenceFill> fills = OneMemberYear();
  std::mt19937 rng(1);
  std::shuffle(fills.begin(), fills.end(), rng);
  const MeasurementPeriod year{MakeDate(2026, 1, 1), MakeDate(2026, 12, 31)};
  for (auto _ : state) {
    auto pdc = ComputePdc(year, fills);
    benchmark::DoNotOptimize(pdc);
  }
}
BENCHMARK(BM_ClinicalPdcOneMemberYearUnsorted);

// 1 M members x 10 fills of one class, sorted by date per member (as a store
// query ordered by member, date returns them). Timed once: the whole batch.
void BM_ClinicalPdcBatch10MFills(benchmark::State& state) {
  constexpr std::size_t kMembers = 1'000'000;
  constexpr std::size_t kFillsPerMember = 10;
  std::vector<AdherenceFill> fills;
  fills.reserve(kMembers * kFillsPerMember);
  std::mt19937 rng(2026);
  std::uniform_int_distribution<int> start(0, 60);
  std::uniform_int_distribution<int> gap(20, 45);
  for (std::size_t m = 0; m < kMembers; ++m) {
    Date date = MakeDate(2026, 1, 1) + Days{start(rng)};
    for (std::size_t k = 0; k < kFillsPerMember; ++k) {
      fills.push_back(AdherenceFill{date, 30, 0});
      date += Days{gap(rng)};
    }
  }
  const MeasurementPeriod year{MakeDate(2026, 1, 1), MakeDate(2026, 12, 31)};
  std::size_t adherent = 0;
  for (auto _ : state) {
    adherent = 0;
    const std::span<const AdherenceFill> all(fills);
    for (std::size_t m = 0; m < kMembers; ++m) {
      const Result<PdcMeasure> pdc = ComputePdc(year, all.subspan(m * kFillsPerMember, kFillsPerMember));
      adherent += (pdc.ok() && pdc->adherent) ? 1 : 0;
    }
    benchmark::DoNotOptimize(adherent);
  }
  state.counters["adherent_members"] = static_cast<double>(adherent);
  state.counters["fills_per_s"] =
      benchmark::Counter(static_cast<double>(fills.size()), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ClinicalPdcBatch10MFills)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace rxdesk
