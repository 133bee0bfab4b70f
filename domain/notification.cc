#include "domain/notification.h"

#include <algorithm>
#include <cmath>

namespace rxdesk {

std::string_view ToString(NotificationChannel channel) {
  switch (channel) {
    case NotificationChannel::kEmail:
      return "email";
    case NotificationChannel::kSms:
      return "sms";
    case NotificationChannel::kNone:
      return "none";
  }
  return "none";
}

std::string_view ToString(NotificationLanguage language) {
  return language == NotificationLanguage::kSpanish ? "es" : "en";
}

Result<NotificationChannel> ParseNotificationChannel(std::string_view text, std::string_view field) {
  if (text == "email") return NotificationChannel::kEmail;
  if (text == "sms") return NotificationChannel::kSms;
  if (text == "none") return NotificationChannel::kNone;
  return InvalidField(std::string(field), "must be email, sms or none");
}

Result<NotificationLanguage> ParseNotificationLanguage(std::string_view text, std::string_view field) {
  if (text == "en") return NotificationLanguage::kEnglish;
  if (text == "es") return NotificationLanguage::kSpanish;
  return InvalidField(std::string(field), "must be en or es");
}

NotificationChannel DefaultChannel(AddressesOnFile on_file) {
  if (on_file.has_email) return NotificationChannel::kEmail;
  if (on_file.has_phone) return NotificationChannel::kSms;
  return NotificationChannel::kNone;
}

bool ChannelReachable(NotificationChannel channel, AddressesOnFile on_file) {
  switch (channel) {
    case NotificationChannel::kEmail:
      return on_file.has_email;
    case NotificationChannel::kSms:
      return on_file.has_phone;
    case NotificationChannel::kNone:
      return false;
  }
  return false;
}

Status ValidateRetryPolicy(const NotificationRetryPolicy& p) {
  if (p.base_delay < std::chrono::seconds(1)) return InvalidField("base_delay", "must be at least 1 second");
  if (p.max_delay < p.base_delay) return InvalidField("max_delay", "must be at least the base delay");
  if (p.max_attempts < 1) return InvalidField("max_attempts", "must be at least 1");
  return OkStatus();
}

std::chrono::seconds RetryDelay(const NotificationRetryPolicy& p, int failed_attempts, double unit_random) {
  // Doubling stops at the cap, so no shift overflows whatever the attempt count.
  std::int64_t nominal = p.base_delay.count();
  for (int i = 1; i < failed_attempts && nominal < p.max_delay.count(); ++i) nominal *= 2;
  nominal = std::min<std::int64_t>(nominal, p.max_delay.count());
  const double u = std::clamp(unit_random, 0.0, 1.0);
  const auto jitter = static_cast<std::int64_t>(std::floor(u * static_cast<double>(nominal) / 2.0));
  return std::chrono::seconds(std::max<std::int64_t>(1, nominal - std::min(jitter, nominal / 2)));
}

RetryDecision DecideRetry(const NotificationRetryPolicy& p, int attempts, Instant now, double unit_random) {
  if (attempts >= p.max_attempts) return {.give_up = true, .next_attempt_at = now};
  return {.give_up = false, .next_attempt_at = now + RetryDelay(p, std::max(attempts, 1), unit_random)};
}

}  // namespace rxdesk
