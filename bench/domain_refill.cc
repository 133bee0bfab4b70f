// Refill eligibility, new-prescription validation and transfer checks: the cost per
// request. Target: CheckRefillEligibility under 1 µs, without allocating.
#include <benchmark/benchmark.h>

#include <optional>

#include "domain/prescription.h"
#include "domain/refill.h"
#include "domain/transfer.h"

namespace rxdesk {
namespace {

Prescription RefillBenchRx(Schedule schedule) {
  Prescription rx;
  rx.drug = {.ndc = "00002322730", .name = "Atomoxetine", .strength = "40 mg", .form = "capsule"};
  rx.schedule = schedule;
  rx.quantity = Quantity::FromUnits(30);
  rx.days_supply = 30;
  rx.refills_authorized = 5;
  rx.refills_remaining = 3;
  rx.written_date = MakeDate(2026, 1, 15);
  rx.prescriber = {.npi = "1234567893", .name = "Dr. Ana Ruiz", .dea = "AB1234563"};
  return rx;
}

// Eligible: every rule is evaluated and passes.
void BM_RefillEligibleNonControlled(benchmark::State& state) {
  const Prescription rx = RefillBenchRx(Schedule::kNone);
  const std::optional<LastFill> last = LastFill{MakeDate(2026, 3, 1), 30};
  const RefillPolicy policy;
  Date today = MakeDate(2026, 4, 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(today);
    benchmark::DoNotOptimize(CheckRefillEligibility(rx, last, today, policy));
  }
}
BENCHMARK(BM_RefillEligibleNonControlled);

// Schedule IV: the calendar-month expiry and the 85% threshold, refused too soon.
void BM_RefillTooSoonScheduleIv(benchmark::State& state) {
  const Prescription rx = RefillBenchRx(Schedule::kIV);
  const std::optional<LastFill> last = LastFill{MakeDate(2026, 3, 1), 30};
  const RefillPolicy policy;
  Date today = MakeDate(2026, 3, 20);
  for (auto _ : state) {
    benchmark::DoNotOptimize(today);
    benchmark::DoNotOptimize(CheckRefillEligibility(rx, last, today, policy));
  }
}
BENCHMARK(BM_RefillTooSoonScheduleIv);

// The 422 body for a too-soon refusal (formats the date: allocates).
void BM_RefillRefusalError(benchmark::State& state) {
  const RefillEligibility refused = CheckRefillEligibility(
      RefillBenchRx(Schedule::kIV), LastFill{MakeDate(2026, 3, 1), 30}, MakeDate(2026, 3, 20), RefillPolicy{});
  for (auto _ : state) {
    benchmark::DoNotOptimize(RefusalError(refused));
  }
}
BENCHMARK(BM_RefillRefusalError);

NewPrescriptionInput RefillBenchInput() {
  NewPrescriptionInput in;
  in.drug = {.ndc = "0002-3227-30", .name = "Atomoxetine", .strength = "40 mg", .form = "capsule"};
  in.schedule = "none";
  in.quantity = "30";
  in.days_supply = 30;
  in.refills_authorized = 3;
  in.written_date = "2026-11-20";
  in.prescriber = {.npi = "1234567893", .name = "Dr. Ana Ruiz", .dea = ""};
  return in;
}

void BM_ValidateNewPrescription(benchmark::State& state) {
  const NewPrescriptionInput in = RefillBenchInput();
  const PrescriptionPolicy policy;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ValidateNewPrescription(in, MakeDate(2026, 11, 23), policy));
  }
}
BENCHMARK(BM_ValidateNewPrescription);

// Controlled: adds the DEA number (trim, upper-case, checksum).
void BM_ValidateNewPrescriptionScheduleIii(benchmark::State& state) {
  NewPrescriptionInput in = RefillBenchInput();
  in.schedule = "III";
  in.quantity = "2.5";
  in.prescriber.dea = "ab1234563";
  const PrescriptionPolicy policy;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ValidateNewPrescription(in, MakeDate(2026, 11, 23), policy));
  }
}
BENCHMARK(BM_ValidateNewPrescriptionScheduleIii);

// Refused at the first field: the cheapest 400.
void BM_ValidateNewPrescriptionBadNdc(benchmark::State& state) {
  NewPrescriptionInput in = RefillBenchInput();
  in.drug.ndc = "0002322730";
  const PrescriptionPolicy policy;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ValidateNewPrescription(in, MakeDate(2026, 11, 23), policy));
  }
}
BENCHMARK(BM_ValidateNewPrescriptionBadNdc);

void BM_CheckTransferIn(benchmark::State& state) {
  const TransferInRequest request{.schedule = Schedule::kIV, .prior_transfers = 0, .refills_remaining = 2};
  for (auto _ : state) {
    benchmark::DoNotOptimize(CheckTransferIn(request));
  }
}
BENCHMARK(BM_CheckTransferIn);

}  // namespace
}  // namespace rxdesk
