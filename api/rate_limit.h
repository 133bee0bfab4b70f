// Rate limits (API.md: 429 `rate_limited` with `Retry-After`): a token bucket per
// client IP, checked by the HTTP server before a request reaches a worker, and per
// account and per login username, checked around the API handler.
//
//   SteadyMonotonicClock clock;
//   RateLimiter per_ip({.per_minute = 1200, .burst = 200}, clock);
//   const RateDecision d = per_ip.Take(RateKey::OfIpv4(0x7f000001));
//   if (!d.allowed) return TooManyRequests(d);  // 429, Retry-After: d.RetryAfterSeconds()
//
//   AccountRateLimits accounts(config.limits.accounts, clock, AccountsOf(auth));
//   HttpServer server(options, accounts.Wrap([&](HttpRequest& r) { return api.Handle(r); }));
//
// The bucket is kept in its GCRA form (the "virtual scheduling" token bucket of
// ITU-T I.371): one instant per key, the time at which the bucket will be full
// again. It admits exactly `burst` requests at once from a full bucket and then one
// every 60 s / per_minute, in integer nanoseconds, with no floating-point drift.
// A bucket that is full again is idle: dropping it changes nothing, which is how
// memory stays bounded under many distinct clients (see RateLimiterOptions).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/http_server.h"
#include "services/auth_service.h"

namespace rxdesk {

// A rate: `per_minute` requests a minute sustained, `burst` of them at once.
struct RateLimit {
  int per_minute = 0;  // 0 = off
  int burst = 1;       // requests a full bucket admits back to back; at least 1

  bool enabled() const { return per_minute > 0; }
};

// Where "now" comes from for rate limits: a monotonic clock (wall-clock steps must
// neither refill nor drain buckets). Thread-safe in every implementation.
class MonotonicClock {
 public:
  virtual ~MonotonicClock() = default;
  virtual std::chrono::nanoseconds Now() const = 0;
};

// std::chrono::steady_clock, for production wiring.
class SteadyMonotonicClock final : public MonotonicClock {
 public:
  std::chrono::nanoseconds Now() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch());
  }
};

// A monotonic clock that moves only when told to, for tests. Thread-safe.
class ManualMonotonicClock final : public MonotonicClock {
 public:
  std::chrono::nanoseconds Now() const override { return std::chrono::nanoseconds(now_.load()); }
  void Advance(std::chrono::nanoseconds d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<std::int64_t> now_{0};
};

// What a bucket is kept for: 128 bits from an address or a text.
struct RateKey {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;

  // An IPv4 address in host byte order.
  static RateKey OfIpv4(std::uint32_t address);
  // An IPv6 address (network byte order). One client usually holds a whole /64, so
  // the key is the /64 prefix; an IPv4-mapped address (::ffff:a.b.c.d) is its IPv4 key.
  static RateKey OfIpv6(const std::array<std::uint8_t, 16>& address);
  // A name (an account id, a lower-cased username), hashed; different names collide
  // with a chance of about 2^-128 per pair.
  static RateKey OfText(std::string_view text);

  bool operator==(const RateKey&) const = default;
};

struct RateDecision {
  bool allowed = true;
  std::chrono::nanoseconds retry_after{0};  // when refused: wait this long for one token

  // Retry-After in whole seconds (rounded up, at least 1): waiting that long always works.
  int RetryAfterSeconds() const;
};

struct RateLimiterOptions {
  // Buckets held at most. A new client when all are taken first drops idle buckets
  // (at most once per sweep_interval), else one arbitrary bucket (which then starts
  // full again). 65,536 buckets are about 5 MiB.
  std::size_t max_keys = 65'536;
  std::chrono::nanoseconds sweep_interval = std::chrono::seconds(1);
};

// Token buckets by key, thread-safe (sharded locks: a Take is a hash lookup under
// an uncontended mutex most of the time).
class RateLimiter {
 public:
  RateLimiter(RateLimit limit, const MonotonicClock& clock, RateLimiterOptions options = {});
  ~RateLimiter();
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  bool enabled() const { return limit_.enabled(); }
  const RateLimit& limit() const { return limit_; }

  // Takes a token from `key`'s bucket: allowed, or refused with the wait until one
  // is there. Always allowed when the limit is off. A refusal takes nothing.
  RateDecision Take(RateKey key);

  // Buckets held now (idle ones included until swept), and buckets dropped while
  // still in use because max_keys was reached. For tests and diagnostics.
  std::size_t tracked() const;
  std::uint64_t evicted() const;

 private:
  struct Shard;
  static constexpr std::size_t kShards = 16;

  RateLimit limit_;
  const MonotonicClock& clock_;
  RateLimiterOptions options_;
  std::int64_t interval_ns_ = 0;   // 60 s / per_minute
  std::int64_t tolerance_ns_ = 0;  // (burst - 1) * interval
  std::unique_ptr<Shard[]> shards_;
};

// The 429 of API.md: {"error": {"code": "rate_limited", ...}} and Retry-After.
HttpResponse TooManyRequests(const RateDecision& decision);

// The per-account limits of the API (config [limits]).
struct AccountLimitsPolicy {
  // Requests a minute per signed-in account, whatever IPs they come from.
  RateLimit per_account{.per_minute = 300, .burst = 60};
  // Sign-in attempts a minute per username (also account claims per member
  // number), whatever IPs they come from, so that one account cannot be
  // brute-forced from many addresses. The bucket holds one minute's attempts.
  int login_per_username_per_minute = 10;
  // How long a token's account is remembered without asking AccountOf again (a
  // revoked token then still counts against its account this long; the API refuses it
  // at once all the same), and how many tokens are remembered at most.
  std::chrono::nanoseconds account_cache_ttl = std::chrono::seconds(2);
  std::size_t account_cache_max_tokens = 100'000;
};

class AccountRateLimits {
 public:
  // The account (user id) behind a bearer token, or nothing for an unknown token.
  // Thread-safe; asked once per token per account_cache_ttl.
  using AccountOf = std::function<std::optional<std::string>(std::string_view bearer_token)>;

  AccountRateLimits(AccountLimitsPolicy policy, const MonotonicClock& clock, AccountOf account_of,
                    RateLimiterOptions options = {});
  ~AccountRateLimits();

  // Refuses with TooManyRequests when the request's account, or the username of a
  // sign-in (`POST /v1/auth/login`) or the member number of an account claim
  // (`POST /v1/auth/register`), is over its limit; otherwise runs `inner`. Requests
  // with no or an unknown token and malformed sign-ins pass through (the API answers them).
  HttpResponse Handle(HttpRequest& request, const HttpHandler& inner);
  // `inner` behind these limits, as one handler (this object must outlive it).
  HttpHandler Wrap(HttpHandler inner);

 private:
  struct TokenCache;
  // The account's bucket key for a bearer token (cached), or nothing for an unknown token.
  std::optional<RateKey> AccountKey(std::string_view token);

  AccountLimitsPolicy policy_;
  const MonotonicClock& clock_;
  AccountOf account_of_;
  RateLimiter per_account_;
  RateLimiter login_;
  std::unique_ptr<TokenCache> tokens_;
};

// AccountRateLimits::AccountOf through the API's own authentication (its session
// cache makes this a lookup, not a store round, for a token seen in the last seconds).
AccountRateLimits::AccountOf AccountsOf(const AuthService& auth);

}  // namespace rxdesk
