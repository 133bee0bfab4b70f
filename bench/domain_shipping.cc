// Shipping quotes, federal holidays, opening hours and zone conversion.
// Target (A.md): QuoteShipping under 1 µs.
#include <benchmark/benchmark.h>
#include <date/tz.h>

#include <vector>

#include "domain/business_days.h"
#include "domain/holidays.h"
#include "domain/opening_hours.h"
#include "domain/shipping.h"
#include "domain/zone.h"

namespace rxdesk {
namespace {

const Zone& ShippingBenchZone() {
  static const Zone zone(date::locate_zone("America/Chicago"));
  return zone;
}

// Order instants spread over 2026–2027 (every 3 h 17 min), so weekends, holidays,
// cutoffs and both DST offsets all occur.
const std::vector<Instant>& ShippingBenchInstants() {
  static const std::vector<Instant> instants = [] {
    std::vector<Instant> v;
    const Instant start = Instant{Date{MakeDate(2026, 1, 1)}};
    for (int i = 0; i < 4096; ++i) v.push_back(start + std::chrono::minutes{197 * i});
    return v;
  }();
  return instants;
}

void BM_ShippingQuoteExpedited(benchmark::State& state) {
  const ShippingPolicy policy;
  const std::vector<Instant>& instants = ShippingBenchInstants();
  std::size_t i = 0;
  for (auto _ : state) {
    const ShippingQuote q = QuoteShipping(instants[i++ & 4095], ShippingSpeed::kExpedited, policy, ShippingBenchZone());
    benchmark::DoNotOptimize(q);
  }
}
BENCHMARK(BM_ShippingQuoteExpedited);

void BM_ShippingQuoteSpecialtyWithClosures(benchmark::State& state) {
  const ShippingPolicy policy;
  const std::vector<Date> closures = {MakeDate(2026, 11, 27), MakeDate(2026, 12, 24), MakeDate(2027, 11, 26)};
  const std::vector<Instant>& instants = ShippingBenchInstants();
  std::size_t i = 0;
  for (auto _ : state) {
    const ShippingQuote q =
        QuoteShipping(instants[i++ & 4095], ShippingSpeed::kSpecialty, policy, ShippingBenchZone(), closures);
    benchmark::DoNotOptimize(q);
  }
}
BENCHMARK(BM_ShippingQuoteSpecialtyWithClosures);

void BM_ShippingIsFederalHoliday(benchmark::State& state) {
  Date day = MakeDate(2026, 1, 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(IsFederalHoliday(day));
    day += Days{1};
    if (day > MakeDate(2030, 12, 31)) day = MakeDate(2026, 1, 1);
  }
}
BENCHMARK(BM_ShippingIsFederalHoliday);

void BM_ShippingFederalHolidaysOfYear(benchmark::State& state) {
  int year = 2000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(FederalHolidaysOf(year));
    year = year == 2100 ? 2000 : year + 1;
  }
}
BENCHMARK(BM_ShippingFederalHolidaysOfYear);

void BM_ShippingZoneToLocal(benchmark::State& state) {
  const std::vector<Instant>& instants = ShippingBenchInstants();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(ShippingBenchZone().ToLocal(instants[i++ & 4095]));
}
BENCHMARK(BM_ShippingZoneToLocal);

void BM_ShippingZoneToInstant(benchmark::State& state) {
  Date day = MakeDate(2026, 1, 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ShippingBenchZone().ToInstant(day, std::chrono::hours{15}));
    day += Days{1};
    if (day > MakeDate(2027, 12, 31)) day = MakeDate(2026, 1, 1);
  }
}
BENCHMARK(BM_ShippingZoneToInstant);

const OpeningHours& ShippingBenchTty() {
  static const OpeningHours tty(*ParseWeeklyHours("mon-sat 08:00-20:00"), ShippingBenchZone(),
                                {.dates = {MakeDate(2026, 12, 25)}, .federal_holidays = true});
  return tty;
}

void BM_ShippingOpeningHoursIsOpen(benchmark::State& state) {
  const std::vector<Instant>& instants = ShippingBenchInstants();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(ShippingBenchTty().IsOpen(instants[i++ & 4095]));
}
BENCHMARK(BM_ShippingOpeningHoursIsOpen);

void BM_ShippingOpeningHoursNextChange(benchmark::State& state) {
  const std::vector<Instant>& instants = ShippingBenchInstants();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(ShippingBenchTty().NextChange(instants[i++ & 4095]));
}
BENCHMARK(BM_ShippingOpeningHoursNextChange);

}  // namespace
}  // namespace rxdesk
