// Notifications to members (PRODUCT.md §8): which channel and language a member
// gets, and when a failed send is tried again. Pure rules; the outbox, the
// senders and the worker live in services/ and infra/.
//
//   const NotificationChannel ch = DefaultChannel({.has_email = true, .has_phone = true});  // kEmail
//   const RetryDecision next = DecideRetry(policy, /*attempts=*/3, now, /*unit_random=*/0.4);
//   if (next.give_up) MarkFailed(); else Reschedule(next.next_attempt_at);
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

enum class NotificationChannel { kEmail, kSms, kNone };
enum class NotificationLanguage { kEnglish, kSpanish };

std::string_view ToString(NotificationChannel channel);    // "email" | "sms" | "none"
std::string_view ToString(NotificationLanguage language);  // "en" | "es"
// Refusal: invalid_request naming `field`.
Result<NotificationChannel> ParseNotificationChannel(std::string_view text, std::string_view field = "channel");
Result<NotificationLanguage> ParseNotificationLanguage(std::string_view text, std::string_view field = "language");

// Which addresses a member has on file (never the addresses themselves).
struct AddressesOnFile {
  bool has_email = false;
  bool has_phone = false;
};

// A member who never chose: email when they have one, else SMS when they have a
// phone, else nothing. Language: English.
NotificationChannel DefaultChannel(AddressesOnFile on_file);
inline constexpr NotificationLanguage kDefaultNotificationLanguage = NotificationLanguage::kEnglish;

// Whether a channel can reach the member: email needs an email, SMS a phone; none never sends.
bool ChannelReachable(NotificationChannel channel, AddressesOnFile on_file);

// Retries of a failed send: exponential backoff with jitter, then give up.
struct NotificationRetryPolicy {
  // The delay after the first failed attempt; each further failure doubles it.
  // 30 s: a mail relay or SMS gateway restarting is back within a minute or two.
  std::chrono::seconds base_delay{30};
  // The longest delay between two attempts: an hour, so a long outage is still
  // probed every hour rather than once a day.
  std::chrono::seconds max_delay{3600};
  // Attempts in all (the first one included). 8: delays of 30 s, 1, 2, 4, 8, 16
  // and 32 min (about 63 min with no jitter) cover a relay outage of an hour,
  // after which a "refills confirmed at once" message is stale: marked failed.
  int max_attempts = 8;
};

// Refusal: invalid_request naming the field (base_delay >= 1 s, max_delay >= base_delay, max_attempts >= 1).
Status ValidateRetryPolicy(const NotificationRetryPolicy& policy);

// The backoff before attempt `failed_attempts + 1`: base × 2^(failed_attempts − 1),
// capped at max_delay, minus up to half of it by `unit_random` ∈ [0, 1) ("equal
// jitter": nodes that failed together spread out, none retries sooner than half
// the nominal delay), never below 1 s. Requires failed_attempts >= 1.
std::chrono::seconds RetryDelay(const NotificationRetryPolicy& policy, int failed_attempts, double unit_random);

struct RetryDecision {
  bool give_up = false;     // the last attempt failed: mark failed
  Instant next_attempt_at;  // when not giving up
};

// After `attempts` attempts (all failed), at `now`: give up once attempts >=
// max_attempts, else try again after RetryDelay.
RetryDecision DecideRetry(const NotificationRetryPolicy& policy, int attempts, Instant now, double unit_random);

}  // namespace rxdesk
