// Medicare Part D pricing: one estimate (the public calculator), and a year of
// fills for 100,000 members (the EOB run). Target: the year run under 2 s.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "domain/part_d.h"

namespace rxdesk {
namespace {

constexpr std::size_t kPartDBenchMembers = 100'000;
constexpr std::size_t kPartDBenchFillsPerMember = 12;

// A fixed linear congruential sequence, so every run prices the same fills.
class PartDBenchRandom {
 public:
  std::int64_t Next(std::uint64_t bound) {
    state_ = state_ * 6364136223846793005u + 1442695040888963407u;
    return static_cast<std::int64_t>((state_ >> 33) % bound);
  }

 private:
  std::uint64_t state_ = 2026;
};

std::vector<PartDInput> PartDBenchInputs() {
  PartDBenchRandom random;
  std::vector<PartDInput> inputs(1024);
  for (PartDInput& in : inputs) {
    in = PartDInput{.year = 2026,
                    .ytd_out_of_pocket = Cents{random.Next(210'001)},
                    .drug_cost = Cents{random.Next(200'000)},
                    .days_supply = 1 + random.Next(90),
                    .generic = random.Next(2) == 0,
                    .insulin = random.Next(10) == 0,
                    .lis = random.Next(5) == 0 ? LowIncomeSubsidy::kFull : LowIncomeSubsidy::kNone};
  }
  return inputs;
}

void PartDBenchEstimate(benchmark::State& state) {
  const std::vector<PartDInput> inputs = PartDBenchInputs();
  const PartDParameters parameters{};
  std::size_t i = 0;
  for (auto _ : state) {
    Result<PartDEstimate> estimate = EstimatePartD(inputs[i++ & 1023], parameters);
    benchmark::DoNotOptimize(estimate);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(PartDBenchEstimate);

// One member's year: a fill on the 10th of each month, mostly modest generics and
// brands, some specialty-priced, some insulin, a fifth of members with full LIS.
std::vector<PartDFill> PartDBenchYearOfFills() {
  PartDBenchRandom random;
  std::vector<PartDFill> fills;
  fills.reserve(kPartDBenchMembers * kPartDBenchFillsPerMember);
  for (std::size_t member = 0; member < kPartDBenchMembers; ++member) {
    const LowIncomeSubsidy lis = random.Next(5) == 0 ? LowIncomeSubsidy::kFull : LowIncomeSubsidy::kNone;
    const bool specialty = random.Next(20) == 0;
    for (unsigned month = 1; month <= kPartDBenchFillsPerMember; ++month) {
      fills.push_back(PartDFill{.fill_date = MakeDate(2026, month, 10),
                                .drug_cost = Cents{specialty ? 100'000 + random.Next(900'000) : random.Next(60'000)},
                                .days_supply = random.Next(4) == 0 ? 90 : 30,
                                .generic = random.Next(2) == 0,
                                .insulin = random.Next(10) == 0,
                                .lis = lis});
    }
  }
  return fills;
}

void PartDBenchAccumulateYear100kMembers(benchmark::State& state) {
  const std::vector<PartDFill> fills = PartDBenchYearOfFills();
  const std::array<PartDParameters, 1> configured{};
  PartDYearLedger ledger;  // reused across members, as the EOB run does
  for (auto _ : state) {
    std::int64_t member_paid = 0;
    for (std::size_t member = 0; member < kPartDBenchMembers; ++member) {
      const std::span<const PartDFill> year(fills.data() + member * kPartDBenchFillsPerMember,
                                            kPartDBenchFillsPerMember);
      if (!AccumulateYear(year, configured, &ledger).ok()) state.SkipWithError("AccumulateYear refused");
      member_paid += ledger.years.front().member_paid.value();
    }
    benchmark::DoNotOptimize(member_paid);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(fills.size()));
}
BENCHMARK(PartDBenchAccumulateYear100kMembers)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace rxdesk
