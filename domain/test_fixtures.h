// Helpers shared by the domain's tests (header-only; not part of the library).
#pragma once

#include <date/tz.h>
#include <gtest/gtest.h>

#include "domain/time.h"
#include "domain/zone.h"

namespace rxdesk::test {

// The operator's default zone. Locating a zone reads the OS tz database: that is
// the edge's job, done here by the tests.
inline const Zone& Chicago() {
  static const Zone zone(date::locate_zone("America/Chicago"));
  return zone;
}

// An instant from RFC 3339 text; a typo in a test fails that test.
inline Instant At(const char* rfc3339) {
  auto t = ParseInstant(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339;
  return t.ok() ? *t : Instant{};
}

}  // namespace rxdesk::test
