// The token-bucket maths and the per-account limits, on a manual monotonic clock.
#include "api/rate_limit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

namespace rxdesk {
namespace {

using std::chrono::nanoseconds;
using std::chrono::seconds;

const RateKey kAlice = RateKey::OfIpv4(0x0a000001);  // 10.0.0.1
const RateKey kBob = RateKey::OfIpv4(0x0a000002);    // 10.0.0.2

// Takes `n` tokens at the current instant; returns how many were allowed.
int TakeMany(RateLimiter& limiter, RateKey key, int n) {
  int allowed = 0;
  for (int i = 0; i < n; ++i) allowed += limiter.Take(key).allowed ? 1 : 0;
  return allowed;
}

// ---- the bucket ------------------------------------------------------------

TEST(RateLimiter, AdmitsExactlyTheBurstAtOnce) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 60, .burst = 5}, clock);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Take(kAlice).allowed) << "request " << i + 1;
  const RateDecision over = limiter.Take(kAlice);
  EXPECT_FALSE(over.allowed);
  EXPECT_EQ(over.retry_after, seconds(1));  // 60 a minute: one token a second
  EXPECT_EQ(over.RetryAfterSeconds(), 1);
}

TEST(RateLimiter, ARefusalTakesNoToken) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 60, .burst = 2}, clock);
  EXPECT_EQ(TakeMany(limiter, kAlice, 2), 2);
  EXPECT_EQ(TakeMany(limiter, kAlice, 50), 0);  // hammering while refused ...
  clock.Advance(seconds(1));
  EXPECT_EQ(TakeMany(limiter, kAlice, 5), 1);  // ... costs nothing: one token a second later
}

TEST(RateLimiter, RefillsOneTokenPerIntervalToTheNanosecond) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 60, .burst = 1}, clock);
  EXPECT_TRUE(limiter.Take(kAlice).allowed);
  clock.Advance(nanoseconds(999'999'999));
  const RateDecision just_before = limiter.Take(kAlice);
  EXPECT_FALSE(just_before.allowed);
  EXPECT_EQ(just_before.retry_after, nanoseconds(1));
  EXPECT_EQ(just_before.RetryAfterSeconds(), 1);
  clock.Advance(nanoseconds(1));
  EXPECT_TRUE(limiter.Take(kAlice).allowed);  // exactly on the refill
  EXPECT_FALSE(limiter.Take(kAlice).allowed);
}

TEST(RateLimiter, WaitingRetryAfterAlwaysWorks) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 7, .burst = 3}, clock);  // an interval of 8.57 s
  EXPECT_EQ(TakeMany(limiter, kAlice, 3), 3);
  const RateDecision over = limiter.Take(kAlice);
  ASSERT_FALSE(over.allowed);
  EXPECT_EQ(over.RetryAfterSeconds(), 9);  // rounded up, never down
  clock.Advance(seconds(over.RetryAfterSeconds()));
  EXPECT_TRUE(limiter.Take(kAlice).allowed);
}

TEST(RateLimiter, AnIdleBucketRefillsToTheBurstAndNoFurther) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 60, .burst = 5}, clock);
  EXPECT_EQ(TakeMany(limiter, kAlice, 5), 5);
  clock.Advance(std::chrono::hours(1));
  EXPECT_EQ(TakeMany(limiter, kAlice, 10), 5);
}

TEST(RateLimiter, PartlyRefilledBucketAdmitsWhatCameBack) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 60, .burst = 5}, clock);
  EXPECT_EQ(TakeMany(limiter, kAlice, 5), 5);
  clock.Advance(seconds(3));
  EXPECT_EQ(TakeMany(limiter, kAlice, 10), 3);
}

TEST(RateLimiter, SustainsExactlyTheRateOverAMinute) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 600, .burst = 10}, clock);
  int allowed = 0;
  for (int ms = 0; ms < 60'000; ms += 10) {  // a request every 10 ms for a minute
    allowed += limiter.Take(kAlice).allowed ? 1 : 0;
    clock.Advance(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(allowed, 600 + 10 - 1);  // the burst, then one per 100 ms
}

TEST(RateLimiter, KeysHaveTheirOwnBuckets) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 60, .burst = 2}, clock);
  EXPECT_EQ(TakeMany(limiter, kAlice, 10), 2);
  EXPECT_EQ(TakeMany(limiter, kBob, 10), 2);
}

TEST(RateLimiter, OffAdmitsEverythingAndHoldsNothing) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 0, .burst = 1}, clock);
  EXPECT_FALSE(limiter.enabled());
  EXPECT_EQ(TakeMany(limiter, kAlice, 10'000), 10'000);
  EXPECT_EQ(limiter.tracked(), 0u);
}

TEST(RateLimiter, HugeRatesDoNotOverflow) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 1'000'000, .burst = 1'000'000}, clock);
  EXPECT_EQ(TakeMany(limiter, kAlice, 1'000'000), 1'000'000);
  const RateDecision over = limiter.Take(kAlice);
  EXPECT_FALSE(over.allowed);
  EXPECT_EQ(over.retry_after, nanoseconds(60'000));  // 60 s / 1,000,000
  EXPECT_EQ(over.RetryAfterSeconds(), 1);
}

TEST(RateLimiter, SlowestRateWaitsAMinute) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 1, .burst = 1}, clock);
  EXPECT_TRUE(limiter.Take(kAlice).allowed);
  EXPECT_EQ(limiter.Take(kAlice).RetryAfterSeconds(), 60);
}

TEST(RateLimiter, ConcurrentTakersGetExactlyTheBurst) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 60, .burst = 100}, clock);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] { allowed += TakeMany(limiter, kAlice, 1000); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 100);
}

// ---- bounded memory --------------------------------------------------------

TEST(RateLimiter, ManyDistinctClientsStayWithinMaxKeys) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 60, .burst = 5}, clock, {.max_keys = 1024});
  for (std::uint32_t ip = 0; ip < 200'000; ++ip) ASSERT_TRUE(limiter.Take(RateKey::OfIpv4(ip)).allowed);
  EXPECT_LE(limiter.tracked(), 1024u);
  EXPECT_GT(limiter.evicted(), 0u);  // all were in use within the same second
}

TEST(RateLimiter, IdleBucketsAreDroppedBeforeBusyOnes) {
  ManualMonotonicClock clock;
  RateLimiter limiter({.per_minute = 60, .burst = 5}, clock, {.max_keys = 1024});
  for (std::uint32_t ip = 0; ip < 5'000; ++ip) (void)limiter.Take(RateKey::OfIpv4(ip));
  const std::uint64_t evicted_while_busy = limiter.evicted();
  clock.Advance(seconds(2));  // every bucket is full again: idle
  // A client over its limit keeps its bucket while new clients arrive.
  EXPECT_EQ(TakeMany(limiter, kAlice, 10), 5);
  for (std::uint32_t ip = 100'000; ip < 100'500; ++ip) (void)limiter.Take(RateKey::OfIpv4(ip));
  EXPECT_EQ(limiter.evicted(), evicted_while_busy);  // room came from idle buckets only
  EXPECT_FALSE(limiter.Take(kAlice).allowed);
  EXPECT_LE(limiter.tracked(), 1024u);
}

// ---- keys ------------------------------------------------------------------

std::array<std::uint8_t, 16> V6(std::initializer_list<int> bytes) {
  std::array<std::uint8_t, 16> out{};
  std::size_t i = 0;
  for (int b : bytes) out[i++] = static_cast<std::uint8_t>(b);
  return out;
}

TEST(RateKey, Ipv6AddressesShareTheirSlash64) {
  const auto a = V6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1});
  const auto same_64 = V6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0xff, 0xee, 0, 0, 0, 0, 0, 9});
  const auto next_64 = V6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1});
  EXPECT_EQ(RateKey::OfIpv6(a), RateKey::OfIpv6(same_64));
  EXPECT_FALSE(RateKey::OfIpv6(a) == RateKey::OfIpv6(next_64));
}

TEST(RateKey, AnIpv4MappedAddressIsItsIpv4Key) {
  const auto mapped = V6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1});
  EXPECT_EQ(RateKey::OfIpv6(mapped), kAlice);
  EXPECT_FALSE(RateKey::OfIpv6(V6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})) == kAlice);  // ::1
}

TEST(RateKey, TextKeysDifferByText) {
  EXPECT_EQ(RateKey::OfText("u:alice"), RateKey::OfText("u:alice"));
  EXPECT_FALSE(RateKey::OfText("u:alice") == RateKey::OfText("u:alicf"));
  EXPECT_FALSE(RateKey::OfText("") == RateKey::OfText(std::string(1, '\0')));
  EXPECT_FALSE(RateKey::OfText(std::string(1 << 20, 'a')) == RateKey::OfText(std::string((1 << 20) + 1, 'a')));
}

TEST(RateDecision, RetryAfterIsWholeSecondsRoundedUpAndAtLeastOne) {
  EXPECT_EQ((RateDecision{false, nanoseconds(0)}.RetryAfterSeconds()), 1);
  EXPECT_EQ((RateDecision{false, nanoseconds(1)}.RetryAfterSeconds()), 1);
  EXPECT_EQ((RateDecision{false, seconds(1)}.RetryAfterSeconds()), 1);
  EXPECT_EQ((RateDecision{false, seconds(1) + nanoseconds(1)}.RetryAfterSeconds()), 2);
}

TEST(TooManyRequests, IsThe429OfTheErrorModelWithRetryAfter) {
  const HttpResponse r = TooManyRequests(RateDecision{false, std::chrono::milliseconds(2500)});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.content_type, "application/json");
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["error"]["code"], "rate_limited");
  EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "Retry-After");
  EXPECT_EQ(r.headers[0].second, "3");
}

// ---- per account and per username ------------------------------------------

class AccountLimitsTest : public ::testing::Test {
 protected:
  AccountRateLimits Make(AccountLimitsPolicy policy) {
    return AccountRateLimits(policy, clock_, [this](std::string_view token) -> std::optional<std::string> {
      ++asked_;
      if (token == "token-a1" || token == "token-a2") return "user-a";  // two sessions of one account
      if (token == "token-b") return "user-b";
      if (token.starts_with("token-c")) return std::string(token);  // one account per token
      return std::nullopt;
    });
  }

  HttpResponse Call(AccountRateLimits& limits, HttpRequest request) {
    return limits.Handle(request, [this](HttpRequest&) {
      ++handled_;
      return HttpResponse{};
    });
  }

  static HttpRequest Login(const std::string& body, const std::string& ip = "10.0.0.1") {
    HttpRequest r;
    r.method = "POST";
    r.path = "/v1/auth/login";
    r.body = body;
    r.remote_ip = ip;
    return r;
  }

  static HttpRequest WithToken(const std::string& token) {
    HttpRequest r;
    r.method = "GET";
    r.path = "/v1/me";
    r.headers = {{"authorization", "Bearer " + token}};
    return r;
  }

  ManualMonotonicClock clock_;
  int handled_ = 0;
  std::atomic<int> asked_{0};
};

TEST_F(AccountLimitsTest, SignInsPerUsernameAreLimitedWhateverTheIp) {
  AccountRateLimits limits = Make({.per_account = {}, .login_per_username_per_minute = 3});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Call(limits, Login(R"({"username":"alice","password":"x"})", "10.0.0." + std::to_string(i))).status, 200);
  }
  // Other IPs, other spellings of the same username: still that username.
  const HttpResponse over = Call(limits, Login(R"({"username":"ALICE","password":"y"})", "192.0.2.7"));
  EXPECT_EQ(over.status, 429);
  EXPECT_EQ(over.headers.at(0).second, "20");  // 3 a minute: one every 20 s
  EXPECT_EQ(handled_, 3);                      // the refused attempt never reached the handler
  EXPECT_EQ(Call(limits, Login(R"({"username":"bob","password":"x"})")).status, 200);
  clock_.Advance(seconds(20));
  EXPECT_EQ(Call(limits, Login(R"({"username":"alice","password":"x"})")).status, 200);
}

TEST_F(AccountLimitsTest, MalformedSignInsPassThroughUncounted) {
  AccountRateLimits limits = Make({.per_account = {}, .login_per_username_per_minute = 1});
  for (const char* body : {"", "{not json", "[]", R"({"username":5})", R"({"password":"x"})", "null"}) {
    EXPECT_EQ(Call(limits, Login(body)).status, 200) << body;
  }
  EXPECT_EQ(handled_, 6);  // the API answers them (400)
}

TEST_F(AccountLimitsTest, AccountClaimsPerMemberNumberAreLimited) {
  AccountRateLimits limits = Make({.per_account = {}, .login_per_username_per_minute = 2});
  HttpRequest claim = Login(R"({"member_number":"M123","date_of_birth":"1960-01-01"})");
  claim.path = "/v1/auth/register";
  EXPECT_EQ(Call(limits, claim).status, 200);
  EXPECT_EQ(Call(limits, claim).status, 200);
  EXPECT_EQ(Call(limits, claim).status, 429);
  // A username "M123" is another bucket.
  EXPECT_EQ(Call(limits, Login(R"({"username":"M123","password":"x"})")).status, 200);
}

TEST_F(AccountLimitsTest, EveryTokenOfAnAccountSharesItsBucket) {
  AccountRateLimits limits = Make({.per_account = {.per_minute = 60, .burst = 2}, .login_per_username_per_minute = 0});
  EXPECT_EQ(Call(limits, WithToken("token-a1")).status, 200);
  EXPECT_EQ(Call(limits, WithToken("token-a2")).status, 200);
  const HttpResponse over = Call(limits, WithToken("token-a1"));
  EXPECT_EQ(over.status, 429);
  EXPECT_EQ(over.headers.at(0).second, "1");
  EXPECT_EQ(Call(limits, WithToken("token-a2")).status, 429);
  EXPECT_EQ(Call(limits, WithToken("token-b")).status, 200);  // another account is not limited
  clock_.Advance(seconds(1));
  EXPECT_EQ(Call(limits, WithToken("token-a2")).status, 200);
}

TEST_F(AccountLimitsTest, UnknownTokensAndOtherSchemesPassThrough) {
  AccountRateLimits limits = Make({.per_account = {.per_minute = 60, .burst = 1}, .login_per_username_per_minute = 0});
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Call(limits, WithToken("forged")).status, 200);  // the API answers 401
    HttpRequest basic = WithToken("x");
    basic.headers = {{"authorization", "Basic dXNlcjpwYXNz"}};
    EXPECT_EQ(Call(limits, basic).status, 200);
    HttpRequest empty = WithToken("x");
    empty.headers = {{"authorization", "Bearer "}};
    EXPECT_EQ(Call(limits, empty).status, 200);
  }
  EXPECT_EQ(handled_, 15);
}

TEST_F(AccountLimitsTest, ATokensAccountIsAskedForOncePerTtl) {
  AccountRateLimits limits =
      Make({.per_account = {.per_minute = 6000, .burst = 100}, .login_per_username_per_minute = 0});
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Call(limits, WithToken("token-a1")).status, 200);
  EXPECT_EQ(asked_.load(), 1);
  clock_.Advance(std::chrono::milliseconds(1999));
  EXPECT_EQ(Call(limits, WithToken("token-a1")).status, 200);
  EXPECT_EQ(asked_.load(), 1);
  clock_.Advance(std::chrono::milliseconds(1));  // the 2 s are over: asked again
  EXPECT_EQ(Call(limits, WithToken("token-a1")).status, 200);
  EXPECT_EQ(asked_.load(), 2);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call(limits, WithToken("forged")).status, 200);
  EXPECT_EQ(asked_.load(), 5);  // unknown tokens are not remembered
}

TEST_F(AccountLimitsTest, TheTokenCacheStaysBoundedAndCorrect) {
  AccountLimitsPolicy policy{.per_account = {.per_minute = 60, .burst = 1}, .login_per_username_per_minute = 0};
  policy.account_cache_max_tokens = 8;
  AccountRateLimits limits = Make(policy);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(Call(limits, WithToken("token-c" + std::to_string(i))).status, 200) << i;
  }
  // Forgotten tokens are asked again and still land in their account's bucket.
  EXPECT_EQ(Call(limits, WithToken("token-c0")).status, 429);
  EXPECT_EQ(Call(limits, WithToken("token-c99")).status, 429);
}

TEST_F(AccountLimitsTest, WrapRunsTheHandlerBehindTheLimits) {
  AccountRateLimits limits = Make({.per_account = {.per_minute = 60, .burst = 1}, .login_per_username_per_minute = 0});
  HttpHandler handler = limits.Wrap([this](HttpRequest&) {
    ++handled_;
    return HttpResponse{};
  });
  HttpRequest request = WithToken("token-b");
  EXPECT_EQ(handler(request).status, 200);
  EXPECT_EQ(handler(request).status, 429);
  EXPECT_EQ(handled_, 1);
}

TEST_F(AccountLimitsTest, AllOffIsTheHandlerItself) {
  AccountRateLimits limits = Make({.per_account = {.per_minute = 0, .burst = 1}, .login_per_username_per_minute = 0});
  HttpHandler handler = limits.Wrap([this](HttpRequest&) {
    ++handled_;
    return HttpResponse{};
  });
  for (int i = 0; i < 1000; ++i) {
    HttpRequest request = Login(R"({"username":"alice","password":"x"})");
    EXPECT_EQ(handler(request).status, 200);
  }
  EXPECT_EQ(handled_, 1000);
}

}  // namespace
}  // namespace rxdesk
