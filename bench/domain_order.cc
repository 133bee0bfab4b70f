// Order state machine and package claims: the per-event and per-claim cost.
#include <benchmark/benchmark.h>

#include "domain/claim.h"
#include "domain/order.h"

namespace rxdesk {
namespace {

const Instant kOrderBenchAt = Instant{MakeDate(2026, 11, 23)} + std::chrono::hours{15};

// One legal move: in_review + filled.
void BM_OrderTransitionFill(benchmark::State& state) {
  const OrderEvent fill{.type = OrderEventType::kFill, .at = kOrderBenchAt};
  const OrderGuards guards{.last_event_at = kOrderBenchAt};
  for (auto _ : state) {
    benchmark::DoNotOptimize(TransitionOrder(OrderStatus::kInReview, fill, guards));
  }
}
BENCHMARK(BM_OrderTransitionFill);

// The heaviest legal move: shipping validates carrier, tracking and note.
void BM_OrderTransitionShip(benchmark::State& state) {
  const OrderEvent ship{.type = OrderEventType::kShip, .at = kOrderBenchAt, .carrier = "UPS",
                        .tracking = "1Z 999 AA1 01 2345 6784", .note = "Leave at the front desk, gracias"};
  const OrderGuards guards{.last_event_at = kOrderBenchAt};
  for (auto _ : state) {
    benchmark::DoNotOptimize(TransitionOrder(OrderStatus::kFilled, ship, guards));
  }
}
BENCHMARK(BM_OrderTransitionShip);

// A refusal builds an Error with details (allocates): the 409 path.
void BM_OrderTransitionRefused(benchmark::State& state) {
  const OrderEvent cancel{.type = OrderEventType::kCancel, .at = kOrderBenchAt};
  const OrderGuards guards{.last_event_at = kOrderBenchAt};
  for (auto _ : state) {
    benchmark::DoNotOptimize(TransitionOrder(OrderStatus::kShipped, cancel, guards));
  }
}
BENCHMARK(BM_OrderTransitionRefused);

void BM_PackageClaimAccepted(benchmark::State& state) {
  const ClaimInput input{.kind = ClaimKind::kDamaged, .order_status = OrderStatus::kDelivered,
                         .eta_latest = MakeDate(2026, 3, 10), .delivered_on = MakeDate(2026, 3, 9),
                         .reported_on = MakeDate(2026, 3, 20), .controlled = true};
  const ClaimPolicy policy;
  for (auto _ : state) {
    benchmark::DoNotOptimize(CheckPackageClaim(input, policy));
  }
}
BENCHMARK(BM_PackageClaimAccepted);

// Refused with a formatted date in the details (allocates).
void BM_PackageClaimWindowClosed(benchmark::State& state) {
  const ClaimInput input{.kind = ClaimKind::kLost, .order_status = OrderStatus::kShipped,
                         .eta_latest = MakeDate(2026, 3, 10), .reported_on = MakeDate(2026, 4, 10)};
  const ClaimPolicy policy;
  for (auto _ : state) {
    benchmark::DoNotOptimize(CheckPackageClaim(input, policy));
  }
}
BENCHMARK(BM_PackageClaimWindowClosed);

}  // namespace
}  // namespace rxdesk
