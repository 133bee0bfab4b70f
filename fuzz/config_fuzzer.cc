// Fuzz target: the TOML configuration (app/config.h BindConfig / LoadConfig).
//
// Input: a TOML document, optionally followed by a NUL byte and environment
// overrides, one "SECTION_KEY=value" per line (each gets the RXDESK_ prefix).
// Properties: a refusal is config_invalid and names the line (file) or the
// setting (its field); an accepted config is within every documented range
// (docs/configuration.md); the file loader and the text loader agree; an
// accepted config written back as TOML loads to the same config; a listen
// address that parses prints and parses back the same.
#include <sys/mman.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "app/config.h"
#include "domain/shipping.h"
#include "fuzz/fuzz_check.h"

namespace rxdesk::fuzz {
namespace {

constexpr const char* kOrigin = "fuzz.toml";

// Every bound key's value, as a TOML document (the same layout as rxdesk.toml.sample).
std::string Render(const Config& c) {
  const auto time_of_day = [](std::chrono::minutes m) {
    char text[8];
    std::snprintf(text, sizeof text, "%02d:%02d", static_cast<int>(m.count() / 60), static_cast<int>(m.count() % 60));
    return std::string(text);
  };
  const auto terms = [](toml::table& t, const std::string& speed, const DeliveryTerms& d) {
    t.insert(speed + "_min_business_days", d.min_business_days);
    t.insert(speed + "_max_business_days", d.max_business_days);
    t.insert(speed + "_fee_cents", d.fee.value());
  };
  toml::table shipping{{"cutoff", time_of_day(c.pharmacy.shipping.cutoff)}};
  terms(shipping, "standard", c.pharmacy.shipping.standard);
  terms(shipping, "expedited", c.pharmacy.shipping.expedited);
  terms(shipping, "specialty", c.pharmacy.shipping.specialty);
  const RefillPolicy& r = c.pharmacy.refill;
  const toml::table doc{
      {"server", toml::table{{"listen", c.server.listen},
                             {"io_threads", c.server.io_threads},
                             {"worker_threads", c.server.worker_threads},
                             {"max_body_bytes", c.server.max_body_bytes},
                             {"read_timeout_s", c.server.read_timeout_s},
                             {"log_level", c.server.log_level}}},
      {"store", toml::table{{"backend", c.store.backend},
                            {"sqlite_file", c.store.sqlite_file},
                            {"sqlite_synchronous", c.store.sqlite_synchronous},
                            {"postgres_conninfo", c.store.postgres_conninfo}}},
      {"operator", toml::table{{"time_zone", c.op.time_zone}, {"key_file", c.op.key_file}}},
      {"auth", toml::table{{"lockout_failures", c.auth.lockout_failures},
                           {"lockout_window_minutes", c.auth.lockout_window_minutes},
                           {"lockout_minutes", c.auth.lockout_minutes},
                           {"workforce_token_minutes", c.auth.workforce_token_minutes},
                           {"member_token_minutes", c.auth.member_token_minutes},
                           {"password_min_length", c.auth.password_min_length},
                           {"argon2_ops", c.auth.argon2_ops},
                           {"argon2_mem_kib", c.auth.argon2_mem_kib},
                           {"session_cache_seconds", c.auth.session_cache_seconds}}},
      {"refills", toml::table{{"non_controlled_expiry_days", r.non_controlled_expiry_days},
                              {"schedule_v_expiry_days", r.schedule_v_expiry_days},
                              {"non_controlled_threshold_percent", r.non_controlled_threshold_percent},
                              {"controlled_threshold_percent", r.controlled_threshold_percent}}},
      {"prescriptions", toml::table{{"max_days_supply", c.pharmacy.prescription.max_days_supply}}},
      {"shipping", std::move(shipping)},
  };
  std::ostringstream out;
  out << doc;
  return out.str();
}

bool Within(std::int64_t v, std::int64_t lo, std::int64_t hi) { return v >= lo && v <= hi; }

// The ranges docs/configuration.md and rxdesk.toml.sample document.
void CheckRanges(const Config& c) {
  RXD_FUZZ_CHECK(ParseListenAddress(c.server.listen).ok(), "server.listen is HOST:PORT");
  RXD_FUZZ_CHECK(Within(c.server.io_threads, 0, 64) && Within(c.server.worker_threads, 1, 512) &&
                     Within(c.server.max_body_bytes, 1024, 64 << 20) && Within(c.server.read_timeout_s, 1, 3600),
                 "server numbers within range");
  const std::string& level = c.server.log_level;
  RXD_FUZZ_CHECK(level == "debug" || level == "info" || level == "warn" || level == "error", "log_level");
  RXD_FUZZ_CHECK(c.store.backend == "sqlite" || c.store.backend == "postgres", "store.backend");
  const std::string& sync = c.store.sqlite_synchronous;
  RXD_FUZZ_CHECK(sync == "NORMAL" || sync == "FULL" || sync == "EXTRA", "store.sqlite_synchronous");
  const AuthPolicy& a = c.auth;
  RXD_FUZZ_CHECK(Within(a.lockout_failures, 1, 100) && Within(a.lockout_window_minutes, 1, 1440) &&
                     Within(a.lockout_minutes, 1, 1440) && Within(a.workforce_token_minutes, 5, 1440) &&
                     Within(a.member_token_minutes, 5, 1440) && Within(a.password_min_length, 12, 128) &&
                     Within(a.argon2_ops, 1, 10) && Within(a.argon2_mem_kib, 8192, 1048576) &&
                     Within(a.session_cache_seconds, 0, 60),
                 "auth numbers within range");
  const RefillPolicy& r = c.pharmacy.refill;
  RXD_FUZZ_CHECK(Within(r.non_controlled_expiry_days, 1, 3650) && Within(r.schedule_v_expiry_days, 1, 3650) &&
                     Within(r.non_controlled_threshold_percent, 0, 100) &&
                     Within(r.controlled_threshold_percent, 0, 100),
                 "refill numbers within range");
  RXD_FUZZ_CHECK(Within(c.pharmacy.prescription.max_days_supply, 1, 365), "max_days_supply within range");
  const ShippingPolicy& s = c.pharmacy.shipping;
  RXD_FUZZ_CHECK(Within(s.cutoff.count(), 0, 24 * 60 - 1), "cutoff is a time of day");
  for (const DeliveryTerms* t : {&s.standard, &s.expedited, &s.specialty}) {
    RXD_FUZZ_CHECK(Within(t->min_business_days, 0, 60) && Within(t->max_business_days, 0, 60) &&
                       t->min_business_days <= t->max_business_days && Within(t->fee.value(), 0, 100000),
                   "delivery terms within range, min <= max");
  }
  RXD_FUZZ_CHECK(ValidateShippingPolicy(s).ok(), "an accepted shipping policy is valid");
}

bool StartsWithLine(std::string_view message, std::string_view origin) {
  if (!message.starts_with(origin) || message.size() <= origin.size() || message[origin.size()] != ':') return false;
  std::size_t i = origin.size() + 1;
  const std::size_t digits_from = i;
  while (i < message.size() && message[i] >= '0' && message[i] <= '9') ++i;
  return i > digits_from && i < message.size() && message[i] == ':';
}

// An in-memory file LoadConfig can open by path; created once per process.
class MemoryFile {
 public:
  MemoryFile() : fd_(memfd_create("rxdesk-fuzz-config", 0)) {
    RXD_FUZZ_CHECK(fd_ >= 0, "an in-memory file can be created");
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  ~MemoryFile() { close(fd_); }

  // Replaces the content and returns a path that opens it.
  std::string Write(std::string_view text) const {
    RXD_FUZZ_CHECK(ftruncate(fd_, 0) == 0, "the in-memory file truncates");
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = pwrite(fd_, text.data() + done, text.size() - done, static_cast<off_t>(done));
      RXD_FUZZ_CHECK(n > 0, "the in-memory file takes the input");
      done += static_cast<std::size_t>(n);
    }
    return "/proc/self/fd/" + std::to_string(fd_);
  }

 private:
  int fd_;
};

void CheckListenAddress(std::string_view text) {
  const Result<ListenAddress> l = ParseListenAddress(std::string(text));
  if (!l.ok()) {
    RXD_FUZZ_CHECK(l.error().code == "config_invalid" && l.error().field == "listen", "listen refusal");
    return;
  }
  RXD_FUZZ_CHECK(!l->host.empty(), "a listen address has a host");
  const bool v6 = l->host.find(':') != std::string::npos;
  const std::string printed = (v6 ? "[" + l->host + "]" : l->host) + ":" + std::to_string(l->port);
  const Result<ListenAddress> again = ParseListenAddress(printed);
  RXD_FUZZ_CHECK(again.ok() && again->host == l->host && again->port == l->port, "a listen address prints back");
}

}  // namespace
}  // namespace rxdesk::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rxdesk;
  using namespace rxdesk::fuzz;
  std::string_view rest = AsText(data, size);
  const std::string_view toml_text = NextPart(rest, '\0');
  std::vector<std::string> variables;
  while (!rest.empty()) variables.push_back("RXDESK_" + std::string(NextPart(rest, '\n')));
  std::vector<char*> environ_list;
  for (std::string& v : variables) environ_list.push_back(v.data());
  environ_list.push_back(nullptr);

  CheckListenAddress(toml_text.substr(0, toml_text.find('\n')));

  // The text loader, file only.
  Config bound;
  ConfigBinder binder;
  BindConfig(bound, binder);
  const Status from_text = binder.LoadToml(toml_text, kOrigin);
  if (!from_text.ok()) {
    RXD_FUZZ_CHECK(from_text.error().code == "config_invalid", "TOML refusal code");
    RXD_FUZZ_CHECK(StartsWithLine(from_text.error().message, kOrigin), "a TOML refusal names its line");
  }

  // The file loader, file and environment.
  static const MemoryFile file;
  const std::string path = file.Write(toml_text);
  const Result<Config> loaded = LoadConfig(path, environ_list.data());
  if (!loaded.ok()) {
    const Error& e = loaded.error();
    RXD_FUZZ_CHECK(e.code == "config_invalid", "config refusal code");
    RXD_FUZZ_CHECK(StartsWithLine(e.message, path) || !e.field.empty(),
                   "a config refusal names the line or the setting");
    return 0;
  }
  CheckRanges(*loaded);
  RXD_FUZZ_CHECK(from_text.ok(), "the file loader accepts only what the text loader accepts");
  if (!variables.empty()) return 0;
  RXD_FUZZ_CHECK(Render(*loaded) == Render(bound), "the file loader and the text loader agree");

  // Written back as TOML, the accepted config loads to itself.
  const std::string written = Render(*loaded);
  Config reloaded;
  ConfigBinder rebinder;
  BindConfig(reloaded, rebinder);
  const Status round_trip = rebinder.LoadToml(written, kOrigin);
  RXD_FUZZ_CHECK(round_trip.ok() && Render(reloaded) == written, "an accepted config round-trips through TOML");
  return 0;
}
