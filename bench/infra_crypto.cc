// Costs of the crypto primitives on the request path: sealing and opening one
// PHI field, a blind-index lookup token, a password hash (deliberately slow),
// SHA-256 for the audit chain, TOTP verification and id generation.
#include <benchmark/benchmark.h>

#include "infra/crypto.h"
#include "infra/ids.h"
#include "infra/key_file.h"
#include "infra/totp.h"

namespace rxdesk {
namespace {

constexpr std::string_view kFieldAd = "members/01JDB3Q7Z8M4X9K2T6R5W0HNCE/address_line1";

const std::string& FortyBytes() {
  static const std::string field = "1234 Example Parkway, Apartment 56, Unit";  // 40 bytes
  return field;
}

void BM_FieldCipherEncrypt40(benchmark::State& state) {
  const KeyRing keys = KeyRing::Generate();
  for (auto _ : state) benchmark::DoNotOptimize(keys.Current().Encrypt(FortyBytes(), kFieldAd));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(FortyBytes().size()));
}
BENCHMARK(BM_FieldCipherEncrypt40);

void BM_FieldCipherDecrypt40(benchmark::State& state) {
  const KeyRing keys = KeyRing::Generate();
  const std::string blob = keys.Current().Encrypt(FortyBytes(), kFieldAd);
  for (auto _ : state) benchmark::DoNotOptimize(keys.Decrypt(blob, kFieldAd));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(FortyBytes().size()));
}
BENCHMARK(BM_FieldCipherDecrypt40);

void BM_BlindIndexCompute(benchmark::State& state) {
  const KeyRing keys = KeyRing::Generate();
  for (auto _ : state) benchmark::DoNotOptimize(keys.Index().Compute("maria rivera"));
}
BENCHMARK(BM_BlindIndexCompute);

void BM_BlindIndexNormalizeAndCompute(benchmark::State& state) {
  const KeyRing keys = KeyRing::Generate();
  for (auto _ : state) benchmark::DoNotOptimize(keys.Index().Compute(BlindIndex::Normalize("  Maria   RIVERA ")));
}
BENCHMARK(BM_BlindIndexNormalizeAndCompute);

// The point of argon2id is to be slow: this is the cost of one sign-in.
void BM_HashPasswordOwaspDefaults(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(HashPassword("correct horse battery staple"));
}
BENCHMARK(BM_HashPasswordOwaspDefaults)->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_VerifyPasswordOwaspDefaults(benchmark::State& state) {
  const std::string hash = *HashPassword("correct horse battery staple");
  for (auto _ : state) benchmark::DoNotOptimize(VerifyPassword(hash, "correct horse battery staple"));
}
BENCHMARK(BM_VerifyPasswordOwaspDefaults)->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_Sha256Of256Bytes(benchmark::State& state) {
  const std::string input(256, 'a');
  for (auto _ : state) benchmark::DoNotOptimize(Sha256(input));
  state.SetBytesProcessed(state.iterations() * 256);
}
BENCHMARK(BM_Sha256Of256Bytes);

void BM_Sha256HexOf256Bytes(benchmark::State& state) {
  const std::string input(256, 'a');
  for (auto _ : state) benchmark::DoNotOptimize(Sha256Hex(input));
}
BENCHMARK(BM_Sha256HexOf256Bytes);

void BM_VerifyTotpWindowOne(benchmark::State& state) {
  const std::string secret = NewTotpSecret();
  const std::string code = TotpCode(secret, 1'800'000'000);
  for (auto _ : state) benchmark::DoNotOptimize(VerifyTotp(secret, code, 1'800'000'000));
}
BENCHMARK(BM_VerifyTotpWindowOne);

void BM_NewId(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(NewId());
}
BENCHMARK(BM_NewId);

}  // namespace
}  // namespace rxdesk
