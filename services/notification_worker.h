// The worker that empties the notification outbox (services/notifications.h
// queues into it): claims due rows with a lease, reads the member's address
// (audited, as the system), renders the template in the member's language,
// sends it by email (SMTP) or SMS (HTTP gateway), then marks the row sent,
// schedules a retry with backoff and jitter, or marks it failed after the last
// attempt. Runs on a thread of its own inside `rxdesk serve`.
//
//   NotificationWorker worker(store, vault, clock, WorkerOptionsFrom(config.notifications),
//                             email.get(), sms.get(), "host:4242");
//   worker.Start();                 // woken by each queued notification, else polls
//   ...
//   worker.Stop();                  // after the send in progress, if any
//
// Delivery is at least once: a crash between a send and its mark sends again
// once the lease expires (the Message-ID / Idempotency-Key stay the same, so a
// receiver may drop the duplicate). A channel with no sender configured fails
// its rows at once ("email_off", "sms_off") rather than keeping stale messages.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "domain/clock.h"
#include "domain/notification.h"
#include "infra/email_sender.h"
#include "infra/sms_gateway.h"
#include "services/phi_vault.h"
#include "store/store.h"

namespace rxdesk {

// [notifications] (docs/configuration.md).
struct NotificationConfig {
  std::string smtp_url;               // smtp://host:port or smtps://...; "" = email off
  std::string from;                   // sender address; required with smtp_url
  std::string smtp_tls = "starttls";  // starttls (required on smtp://) | none (local relay only)
  std::string smtp_username;          // AUTH when set
  std::string smtp_password;
  std::string sms_gateway_url;  // "" = SMS off
  std::string sms_token;        // bearer token for the gateway
  int retry_base_delay_s = 30;  // NotificationRetryPolicy's defaults and reasons
  int retry_max_delay_s = 3600;
  int max_attempts = 8;
  int poll_interval_ms = 1000;  // how often the outbox is looked at without a doorbell
  int send_timeout_s = 20;      // one SMTP session or gateway request
  int batch_size = 10;          // rows claimed at once
};

// Refusal: config_invalid naming the key (notifications.from without smtp_url's
// partner, a bad URL scheme, max delay below base delay).
Status ValidateNotificationConfig(const NotificationConfig& config);

struct NotificationWorkerOptions {
  NotificationRetryPolicy retry;
  std::chrono::milliseconds poll_interval{1000};
  int batch_size = 10;
  // Longer than a whole batch of sends at their timeout: a live sender never
  // loses its lease; a crashed one's rows are claimed again after it.
  std::chrono::seconds lease{310};
  // A uniform number in [0, 1) for the jitter; default: a per-worker PRNG.
  std::function<double()> unit_random;
  // Whether a lease holder is known to be gone (e.g. a crashed process on this
  // host): its leases are released when the worker starts, so a restart after
  // a crash sends at once instead of after the lease. Null: wait for leases.
  std::function<bool(const std::string& holder)> holder_gone;
};

NotificationWorkerOptions WorkerOptionsFrom(const NotificationConfig& config);
// The configured senders, or null when the channel is off.
std::unique_ptr<EmailSender> EmailSenderFrom(const NotificationConfig& config);
std::unique_ptr<SmsGateway> SmsGatewayFrom(const NotificationConfig& config);

struct NotificationRoundReport {
  int claimed = 0;
  int sent = 0;
  int retried = 0;
  int failed = 0;
};

class NotificationWorker {
 public:
  // `email` / `sms` may be null (that channel is off); they must outlive the worker.
  // `holder` names this process in leases (e.g. "host:pid").
  NotificationWorker(Store& store, const PhiVault& vault, const Clock& clock, NotificationWorkerOptions options,
                     EmailSender* email, SmsGateway* sms, std::string holder);
  ~NotificationWorker();  // Stop()
  NotificationWorker(const NotificationWorker&) = delete;
  NotificationWorker& operator=(const NotificationWorker&) = delete;

  // One round at the clock's now: claims up to batch_size due rows, sends each,
  // then marks them all in one transaction. Refusal: the store's errors (rows
  // claimed and not marked are sent again once their lease expires).
  Result<NotificationRoundReport> RunOnce();

  void Start();
  void Stop();

 private:
  struct Claimed;
  void Loop();
  double UnitRandom();

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  NotificationWorkerOptions options_;
  EmailSender* email_;
  SmsGateway* sms_;
  const std::string holder_;
  std::mutex random_mu_;
  std::uint64_t random_state_;  // guarded by random_mu_
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace rxdesk
