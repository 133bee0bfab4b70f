// Addresses and identifiers on the request path: every order validates its
// address (target < 2 µs), every refill parses an Rx number, every contact
// makes a reference and many look one up.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "domain/address.h"
#include "domain/reference_number.h"
#include "domain/rx_number.h"
#include "domain/time.h"

namespace rxdesk {
namespace {

void BM_ValidateAddressTypicalStreet(benchmark::State& state) {
  const AddressInput in{.line1 = "1600 Pennsylvania Ave NW", .line2 = "Apt 4B", .city = "Washington",
                        .state = "dc", .zip = "20500-0003"};
  for (auto _ : state) {
    Result<Address> a = ValidateAddress(in);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_ValidateAddressTypicalStreet);

void BM_ValidateAddressPoBoxInATerritory(benchmark::State& state) {
  const AddressInput in{.line1 = "P.O. Box 9023", .city = "Mayagüez", .zip = "00681", .country = "Puerto Rico"};
  for (auto _ : state) {
    Result<Address> a = ValidateAddress(in);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_ValidateAddressPoBoxInATerritory);

void BM_ValidateAddressMilitary(benchmark::State& state) {
  const AddressInput in{.line1 = "Unit 2050 Box 4190", .city = "APO", .state = "AP", .zip = "96278-2050"};
  for (auto _ : state) {
    Result<Address> a = ValidateAddress(in);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_ValidateAddressMilitary);

void BM_ValidateAddressRefusesTenKilobytes(benchmark::State& state) {
  const AddressInput in{.line1 = std::string(10 * 1024, 'x'), .city = "Austin", .state = "TX", .zip = "78701"};
  for (auto _ : state) {
    Result<Address> a = ValidateAddress(in);
    benchmark::DoNotOptimize(a);
  }
}
BENCHMARK(BM_ValidateAddressRefusesTenKilobytes);

void BM_RxNumberParse(benchmark::State& state) {
  for (auto _ : state) {
    Result<RxNumber> rx = RxNumber::Parse(" 1234567-1 ");
    benchmark::DoNotOptimize(rx);
  }
}
BENCHMARK(BM_RxNumberParse);

void BM_RxNumberFromSerial(benchmark::State& state) {
  std::uint32_t serial = 0;
  for (auto _ : state) {
    RxNumber rx = RxNumber::FromSerial(serial);
    benchmark::DoNotOptimize(rx);
    serial = (serial + 7919) % 10'000'000;
  }
}
BENCHMARK(BM_RxNumberFromSerial);

void BM_ReferenceNumberParse(benchmark::State& state) {
  for (auto _ : state) {
    Result<ReferenceNumber> r = ReferenceNumber::Parse("rx-261123-4f7kq2-8");
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_ReferenceNumberParse);

void BM_ReferenceNumberMake(benchmark::State& state) {
  const Date day = MakeDate(2026, 11, 23);
  std::uint64_t entropy = 0x9E3779B97F4A7C15ull;
  for (auto _ : state) {
    ReferenceNumber r = ReferenceNumber::Make(day, entropy);
    benchmark::DoNotOptimize(r);
    entropy = entropy * 6364136223846793005ull + 1442695040888963407ull;
  }
}
BENCHMARK(BM_ReferenceNumberMake);

}  // namespace
}  // namespace rxdesk
