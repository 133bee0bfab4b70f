// `rxdesk seed --demo`: deterministic, realistic synthetic data — plans, a drug
// list with NDCs and schedules, members across the states and territories,
// prescriptions with a year of fills, orders in every state — and the demo
// accounts. The same seed gives the same data. Nothing here is a real person.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/runtime.h"

namespace rxdesk {

struct SeedOptions {
  int members = 200;
  std::uint64_t seed = 20261123;
  // Called after each batch with (members done, members total).
  std::function<void(int, int)> progress;
};

struct DemoAccount {
  std::string username;
  std::string role;
  std::string password;
  std::string totp_secret_base32;  // empty for members
};

struct SeedReport {
  int members = 0;
  int prescriptions = 0;
  int fills = 0;
  int orders = 0;
  std::vector<DemoAccount> accounts;
};

// Refuses (conflict) when the store already holds demo data.
Result<SeedReport> SeedDemo(Runtime& runtime, const SeedOptions& options);

}  // namespace rxdesk
