// The real clock, for production wiring only (the domain takes a Clock&).
#pragma once

#include "domain/clock.h"

namespace rxdesk {

class SystemClock final : public Clock {
 public:
  Instant Now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

}  // namespace rxdesk
