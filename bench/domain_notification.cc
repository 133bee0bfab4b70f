// Notification templates and backoff (domain/notification_templates.h,
// domain/notification.h): what QueueNotification checks inside every caller's
// transaction, and what the worker renders per message.
//
//   build/bench/domain_bench --benchmark_filter=Notification
#include <benchmark/benchmark.h>

#include "domain/notification.h"
#include "domain/notification_templates.h"

namespace rxdesk {
namespace {

const NotificationParams kRef = {{"reference", "RX-261123-4F7KQ2-8"}};

void BM_NotificationValidateParams(benchmark::State& state) {
  for (auto _ : state) {
    Status s = ValidateNotificationParams("refill_confirmed", kRef);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_NotificationValidateParams);

void BM_NotificationRenderRefillConfirmedSpanish(benchmark::State& state) {
  for (auto _ : state) {
    auto m = RenderNotification("refill_confirmed", NotificationLanguage::kSpanish, kRef);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_NotificationRenderRefillConfirmedSpanish);

void BM_NotificationRenderSurveyWithLink(benchmark::State& state) {
  const NotificationParams params = {
      {"reference", "RX-261123-4F7KQ2-8"},
      {"link", "https://care.example.com/s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdE"}};
  for (auto _ : state) {
    auto m = RenderNotification("csat_survey", NotificationLanguage::kEnglish, params);
    benchmark::DoNotOptimize(m);
  }
}
BENCHMARK(BM_NotificationRenderSurveyWithLink);

void BM_NotificationDecideRetry(benchmark::State& state) {
  const NotificationRetryPolicy policy;
  const Instant now{std::chrono::seconds(1'800'000'000)};
  int attempts = 0;
  for (auto _ : state) {
    RetryDecision d = DecideRetry(policy, 1 + (attempts++ & 7), now, 0.37);
    benchmark::DoNotOptimize(d);
  }
}
BENCHMARK(BM_NotificationDecideRetry);

}  // namespace
}  // namespace rxdesk
