// Prometheus text metrics for /metrics: requests by route and status, request
// latency histogram, store latency, audit entries. Thread-safe, lock-light.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace rxdesk {

class Metrics {
 public:
  // Records one request by its route pattern (never the raw path) and status.
  void ObserveRequest(const std::string& method, const std::string& route, int status, double seconds);
  // Records one store round (read or write job) by kind.
  void ObserveStore(const std::string& kind, double seconds);

  // The exposition text. `audit_entries` and `write_batches` come from the writer.
  std::string Render(std::uint64_t audit_entries, std::uint64_t write_batches) const;

  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

 private:
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
    void Observe(double seconds);
  };
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t> requests_;  // "method|route|status" guarded by mu_
  std::map<std::string, Histogram> latency_;       // route, guarded by mu_
  std::map<std::string, Histogram> store_;         // kind, guarded by mu_
};

}  // namespace rxdesk
