// Where "now" comes from. The domain never asks the system for the time: a
// Clock is passed in. Production wiring uses SystemClock (infra/system_clock.h);
// tests and the simulator use ManualClock.
#pragma once

#include <atomic>

#include "domain/time.h"

namespace rxdesk {

class Clock {
 public:
  virtual ~Clock() = default;
  // The current instant. Thread-safe in every implementation.
  virtual Instant Now() const = 0;
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Instant start) : now_(start.time_since_epoch().count()) {}
  Instant Now() const override { return Instant{std::chrono::seconds{now_.load()}}; }
  void Set(Instant t) { now_.store(t.time_since_epoch().count()); }
  void Advance(std::chrono::seconds d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<long long> now_;
};

}  // namespace rxdesk
