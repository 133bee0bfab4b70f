#include "api/metrics.h"

#include <sstream>

namespace rxdesk {
namespace {

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Metrics::Histogram::Observe(double seconds) {
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++buckets[i];
  }
  ++count;
  sum += seconds;
}

void Metrics::ObserveRequest(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[method + "|" + route + "|" + std::to_string(status)];
  latency_[route].Observe(seconds);
}

void Metrics::ObserveStore(const std::string& kind, double seconds) {
  std::lock_guard lock(mu_);
  store_[kind].Observe(seconds);
}

std::string Metrics::Render(std::uint64_t audit_entries, std::uint64_t write_batches) const {
  std::ostringstream out;
  std::lock_guard lock(mu_);
  out << "# HELP rxdesk_http_requests_total HTTP requests by route pattern and status.\n"
         "# TYPE rxdesk_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto a = key.find('|'), b = key.rfind('|');
    out << "rxdesk_http_requests_total{method=\"" << Escape(key.substr(0, a)) << "\",route=\""
        << Escape(key.substr(a + 1, b - a - 1)) << "\",status=\"" << key.substr(b + 1) << "\"} " << n << "\n";
  }
  const auto histogram = [&](const char* name, const char* help, const char* label,
                             const std::map<std::string, Histogram>& hs) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " histogram\n";
    for (const auto& [key, h] : hs) {
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        out << name << "_bucket{" << label << "=\"" << Escape(key) << "\",le=\"" << kBuckets[i] << "\"} "
            << h.buckets[i] << "\n";
      }
      out << name << "_bucket{" << label << "=\"" << Escape(key) << "\",le=\"+Inf\"} " << h.count << "\n";
      out << name << "_sum{" << label << "=\"" << Escape(key) << "\"} " << h.sum << "\n";
      out << name << "_count{" << label << "=\"" << Escape(key) << "\"} " << h.count << "\n";
    }
  };
  histogram("rxdesk_http_request_duration_seconds", "Request latency by route pattern.", "route", latency_);
  histogram("rxdesk_store_duration_seconds", "Store latency by kind (read, write).", "kind", store_);
  out << "# HELP rxdesk_audit_entries_total Audit entries committed by this process.\n"
         "# TYPE rxdesk_audit_entries_total counter\nrxdesk_audit_entries_total "
      << audit_entries << "\n";
  out << "# HELP rxdesk_write_batches_total Group-commit transactions by this process.\n"
         "# TYPE rxdesk_write_batches_total counter\nrxdesk_write_batches_total "
      << write_batches << "\n";
  return out.str();
}

}  // namespace rxdesk
