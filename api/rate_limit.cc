#include "api/rate_limit.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

namespace rxdesk {
namespace {

// MurmurHash3's 64-bit finaliser: spreads sequential addresses over shards and buckets.
std::uint64_t Mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

std::uint64_t HashOf(const RateKey& key) { return Mix(key.hi * 0x9e3779b97f4a7c15ULL ^ Mix(key.lo)); }

struct RateKeyHash {
  std::size_t operator()(const RateKey& key) const { return static_cast<std::size_t>(HashOf(key)); }
};

std::uint64_t Fnv1a(std::string_view text, std::uint64_t basis) {
  std::uint64_t h = basis;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

constexpr std::string_view kRateLimitedBody =
    R"({"error":{"code":"rate_limited","message":"too many requests; try again after the seconds in Retry-After"}})";

}  // namespace

RateKey RateKey::OfIpv4(std::uint32_t address) { return RateKey{0, 0xffff'0000'0000ULL | address}; }

RateKey RateKey::OfIpv6(const std::array<std::uint8_t, 16>& address) {
  const bool v4_mapped = std::all_of(address.begin(), address.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
                         address[10] == 0xff && address[11] == 0xff;
  if (v4_mapped) {
    return OfIpv4(static_cast<std::uint32_t>(address[12]) << 24 | static_cast<std::uint32_t>(address[13]) << 16 |
                  static_cast<std::uint32_t>(address[14]) << 8 | address[15]);
  }
  std::uint64_t prefix = 0;
  for (int i = 0; i < 8; ++i) prefix = prefix << 8 | address[static_cast<std::size_t>(i)];
  return RateKey{prefix, 0};
}

RateKey RateKey::OfText(std::string_view text) {
  // Two independent 64-bit FNV-1a hashes (different offset bases), mixed.
  return RateKey{Mix(Fnv1a(text, 0xcbf29ce484222325ULL)) | 1, Mix(Fnv1a(text, 0x84222325cbf29ce4ULL))};
}

int RateDecision::RetryAfterSeconds() const {
  constexpr std::int64_t kSecond = 1'000'000'000;
  const std::int64_t ns = retry_after.count();
  return static_cast<int>(std::max<std::int64_t>(1, (ns + kSecond - 1) / kSecond));
}

struct alignas(64) RateLimiter::Shard {
  std::mutex mu;
  // Per key: the instant (ns on the monotonic clock) at which its bucket is full again.
  std::unordered_map<RateKey, std::int64_t, RateKeyHash> full_at;      // guarded by mu
  std::int64_t next_sweep = std::numeric_limits<std::int64_t>::min();  // guarded by mu
  std::uint64_t evicted = 0;                                           // guarded by mu
};

RateLimiter::RateLimiter(RateLimit limit, const MonotonicClock& clock, RateLimiterOptions options)
    : limit_(limit), clock_(clock), options_(options), shards_(std::make_unique<Shard[]>(kShards)) {
  if (limit_.enabled()) {
    limit_.burst = std::max(1, limit_.burst);
    interval_ns_ = std::max<std::int64_t>(1, std::int64_t{60'000'000'000} / limit_.per_minute);
    tolerance_ns_ = static_cast<std::int64_t>(limit_.burst - 1) * interval_ns_;
  }
}

RateLimiter::~RateLimiter() = default;

RateDecision RateLimiter::Take(RateKey key) {
  if (!limit_.enabled()) return {};
  const std::int64_t now = clock_.Now().count();
  const std::uint64_t hash = HashOf(key);
  Shard& shard = shards_[hash >> 60];  // the top 4 bits: 16 shards
  std::lock_guard lock(shard.mu);
  const auto it = shard.full_at.find(key);
  if (it == shard.full_at.end()) {
    // A new bucket starts full and burst >= 1: admitted.
    const std::size_t capacity = std::max<std::size_t>(1, options_.max_keys / kShards);
    if (shard.full_at.size() >= capacity) {
      if (now >= shard.next_sweep) {
        std::erase_if(shard.full_at, [now](const auto& entry) { return entry.second <= now; });
        shard.next_sweep = now + options_.sweep_interval.count();
      }
      if (shard.full_at.size() >= capacity) {
        shard.full_at.erase(shard.full_at.begin());
        ++shard.evicted;
      }
    }
    shard.full_at.emplace(key, now + interval_ns_);
    return {};
  }
  const std::int64_t full_at = std::max(it->second, now);
  if (full_at - now > tolerance_ns_) {
    return RateDecision{false, std::chrono::nanoseconds(full_at - tolerance_ns_ - now)};
  }
  it->second = full_at + interval_ns_;
  return {};
}

std::size_t RateLimiter::tracked() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mu);
    n += shards_[i].full_at.size();
  }
  return n;
}

std::uint64_t RateLimiter::evicted() const {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < kShards; ++i) {
    std::lock_guard lock(shards_[i].mu);
    n += shards_[i].evicted;
  }
  return n;
}

HttpResponse TooManyRequests(const RateDecision& decision) {
  HttpResponse r;
  r.status = 429;
  r.body = kRateLimitedBody;
  r.headers.emplace_back("Retry-After", std::to_string(decision.RetryAfterSeconds()));
  return r;
}

struct AccountRateLimits::TokenCache {
  struct Entry {
    RateKey account;
    std::int64_t trusted_until = 0;  // ns on the monotonic clock
  };
  std::shared_mutex mu;
  std::unordered_map<RateKey, Entry, RateKeyHash> by_token;  // guarded by mu
};

AccountRateLimits::AccountRateLimits(AccountLimitsPolicy policy, const MonotonicClock& clock, AccountOf account_of,
                                     RateLimiterOptions options)
    : policy_(policy),
      clock_(clock),
      account_of_(std::move(account_of)),
      per_account_(policy.per_account, clock, options),
      login_(RateLimit{.per_minute = policy.login_per_username_per_minute,
                       .burst = std::max(1, policy.login_per_username_per_minute)},
             clock, options),
      tokens_(std::make_unique<TokenCache>()) {}

AccountRateLimits::~AccountRateLimits() = default;

std::optional<RateKey> AccountRateLimits::AccountKey(std::string_view token) {
  // Tokens are kept by a hash of themselves, never in clear.
  const RateKey token_key = RateKey::OfText(token);
  const std::int64_t now = clock_.Now().count();
  {
    std::shared_lock lock(tokens_->mu);
    const auto it = tokens_->by_token.find(token_key);
    if (it != tokens_->by_token.end() && now < it->second.trusted_until) return it->second.account;
  }
  const std::optional<std::string> account = account_of_(token);
  if (!account) return std::nullopt;  // unknown tokens are not remembered: the API refuses them
  const RateKey account_key = RateKey::OfText(*account);
  std::unique_lock lock(tokens_->mu);
  if (tokens_->by_token.size() >= policy_.account_cache_max_tokens) tokens_->by_token.clear();  // bounded
  tokens_->by_token[token_key] = {account_key, now + policy_.account_cache_ttl.count()};
  return account_key;
}

HttpResponse AccountRateLimits::Handle(HttpRequest& request, const HttpHandler& inner) {
  if (login_.enabled() && request.method == "POST") {
    // Sign-ins by username; account claims by member number (guessing a date of
    // birth and ZIP for one member is the same attack).
    std::string_view field, tag;
    if (request.path == "/v1/auth/login") {
      field = "username";
      tag = "u:";
    } else if (request.path == "/v1/auth/register") {
      field = "member_number";
      tag = "m:";
    }
    if (!field.empty()) {
      const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
      if (body.is_object()) {
        const auto it = body.find(field);
        if (it != body.end() && it->is_string()) {
          const RateDecision d = login_.Take(RateKey::OfText(std::string(tag) + AsciiLower(it->get<std::string>())));
          if (!d.allowed) return TooManyRequests(d);
        }
      }
    }
  }
  if (per_account_.enabled()) {
    const std::string_view auth = request.Header("authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (auth.size() > kBearer.size() && auth.starts_with(kBearer)) {
      if (const std::optional<RateKey> account = AccountKey(auth.substr(kBearer.size()))) {
        const RateDecision d = per_account_.Take(*account);
        if (!d.allowed) return TooManyRequests(d);
      }
    }
  }
  return inner(request);
}

HttpHandler AccountRateLimits::Wrap(HttpHandler inner) {
  if (!per_account_.enabled() && !login_.enabled()) return inner;
  return [this, inner = std::move(inner)](HttpRequest& request) { return Handle(request, inner); };
}

AccountRateLimits::AccountOf AccountsOf(const AuthService& auth) {
  return [&auth](std::string_view token) -> std::optional<std::string> {
    Result<Principal> principal = auth.Authenticate(token);
    if (!principal.ok()) return std::nullopt;
    return std::move(principal->user_id);
  };
}

}  // namespace rxdesk
