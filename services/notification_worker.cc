#include "services/notification_worker.h"

#include <random>

#include "domain/notification_templates.h"
#include "infra/log.h"
#include "services/audit.h"
#include "services/notification_outbox.h"

namespace rxdesk {

struct NotificationWorker::Claimed {
  OutboxRow row;
  std::string address;          // decrypted, in memory only until the send
  std::string permanent_error;  // set: fail without sending
};

Status ValidateNotificationConfig(const NotificationConfig& c) {
  const auto invalid = [](const std::string& key, const std::string& message) {
    return MakeError("config_invalid", "notifications." + key + " " + message, "notifications." + key);
  };
  if (!c.smtp_url.empty()) {
    if (!c.smtp_url.starts_with("smtp://") && !c.smtp_url.starts_with("smtps://")) {
      return invalid("smtp_url", "must start with smtp:// or smtps://");
    }
    if (!ValidMailbox(c.from)) return invalid("from", "must be an email address when smtp_url is set");
  }
  if (c.smtp_tls != "starttls" && c.smtp_tls != "none") return invalid("smtp_tls", "must be starttls or none");
  if (!c.sms_gateway_url.empty() && !c.sms_gateway_url.starts_with("http://") &&
      !c.sms_gateway_url.starts_with("https://")) {
    return invalid("sms_gateway_url", "must start with http:// or https://");
  }
  if (c.retry_max_delay_s < c.retry_base_delay_s)
    return invalid("retry_max_delay_s", "must be at least retry_base_delay_s");
  return OkStatus();
}

NotificationWorkerOptions WorkerOptionsFrom(const NotificationConfig& c) {
  NotificationWorkerOptions o;
  o.retry = {.base_delay = std::chrono::seconds(c.retry_base_delay_s),
             .max_delay = std::chrono::seconds(c.retry_max_delay_s),
             .max_attempts = c.max_attempts};
  o.poll_interval = std::chrono::milliseconds(c.poll_interval_ms);
  o.batch_size = c.batch_size;
  o.lease = std::chrono::seconds(c.batch_size * (c.send_timeout_s + 5) + 60);
  return o;
}

std::unique_ptr<EmailSender> EmailSenderFrom(const NotificationConfig& c) {
  if (c.smtp_url.empty()) return nullptr;
  return std::make_unique<SmtpEmailSender>(
      SmtpOptions{.url = c.smtp_url,
                  .from = c.from,
                  .tls = c.smtp_tls == "none" ? SmtpTls::kNone : SmtpTls::kStartTls,
                  .username = c.smtp_username,
                  .password = c.smtp_password,
                  .timeout_s = c.send_timeout_s});
}

std::unique_ptr<SmsGateway> SmsGatewayFrom(const NotificationConfig& c) {
  if (c.sms_gateway_url.empty()) return nullptr;
  return std::make_unique<HttpSmsGateway>(
      SmsGatewayOptions{.url = c.sms_gateway_url, .token = c.sms_token, .timeout_s = c.send_timeout_s});
}

NotificationWorker::NotificationWorker(Store& store, const PhiVault& vault, const Clock& clock,
                                       NotificationWorkerOptions options, EmailSender* email, SmsGateway* sms,
                                       std::string holder)
    : store_(store),
      vault_(vault),
      clock_(clock),
      options_(std::move(options)),
      email_(email),
      sms_(sms),
      holder_(std::move(holder)),
      random_state_(std::random_device{}()) {}

NotificationWorker::~NotificationWorker() { Stop(); }

double NotificationWorker::UnitRandom() {
  if (options_.unit_random) return options_.unit_random();
  std::lock_guard lock(random_mu_);
  std::mt19937_64 gen(random_state_);
  random_state_ = gen();
  return static_cast<double>(random_state_ >> 11) * 0x1.0p-53;
}

Result<NotificationRoundReport> NotificationWorker::RunOnce() {
  const Instant now = clock_.Now();
  std::vector<Claimed> claimed;
  // Claim and read the addresses in one transaction, with the audit entry of each read.
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    claimed.clear();
    RXD_ASSIGN_OR_RETURN(std::vector<OutboxRow> rows,
                         ClaimDueNotifications(w.conn, holder_, now, options_.lease, options_.batch_size));
    for (OutboxRow& row : rows) {
      Claimed c{std::move(row), "", ""};
      const bool email = c.row.channel == NotificationChannel::kEmail;
      if (c.row.channel == NotificationChannel::kNone) {
        c.permanent_error = "no_channel";
      } else if (email ? email_ == nullptr : sms_ == nullptr) {
        c.permanent_error = email ? "email_off" : "sms_off";
      } else {
        const char* field = email ? "email" : "phone";
        RXD_ASSIGN_OR_RETURN(Rows found, w.conn.Query(std::string("SELECT ") + field + "_enc FROM members WHERE id = ?",
                                                      {Value(c.row.member_id)}));
        if (found.empty() || found[0].IsNull(0)) {
          c.permanent_error = email ? "no_email_on_file" : "no_phone_on_file";
        } else if (auto address = vault_.Open("members", c.row.member_id, field, found[0].at(0)); !address.ok()) {
          c.permanent_error = "decrypt_failed";
        } else {
          c.address = std::move(*address);
          AuditEntry entry =
              MakeSystemAudit(now, "notification.address_read", "notification", c.row.id, "notify-" + c.row.id, "ok");
          entry.member_id = c.row.member_id;
          entry.purpose = "notification:" + c.row.template_id;
          RXD_TRY(w.audit.Append(w.conn, entry));
        }
      }
      claimed.push_back(std::move(c));
    }
    return OkStatus();
  }));

  struct Mark {
    std::string id;
    enum Kind { kSent, kRetry, kFailed } kind;
    Instant next_attempt_at;
    std::string error;
    Instant at;
  };
  std::vector<Mark> marks;
  NotificationRoundReport report;
  report.claimed = static_cast<int>(claimed.size());
  for (Claimed& c : claimed) {
    SendOutcome outcome{.ok = false, .permanent = true, .error = c.permanent_error};
    if (c.permanent_error.empty()) {
      auto message = RenderNotification(c.row.template_id, c.row.language, c.row.params);
      if (!message.ok()) {
        outcome.error = "template_invalid";
      } else if (c.row.channel == NotificationChannel::kEmail) {
        outcome = email_->Send({.to = c.address,
                                .subject = message->subject,
                                .body = message->body,
                                .message_id = "<" + c.row.id + "@rxdesk>",
                                .date = now});
      } else {
        outcome = sms_->Send({.to = c.address, .text = message->sms, .id = c.row.id});
      }
    }
    c.address.clear();
    const Instant done = clock_.Now();
    const nlohmann::json fields = {{"id", c.row.id},
                                   {"template", c.row.template_id},
                                   {"channel", ToString(c.row.channel)},
                                   {"attempt", c.row.attempts}};
    if (outcome.ok) {
      marks.push_back({c.row.id, Mark::kSent, done, "", done});
      ++report.sent;
      LogInfo("notification_sent", fields);
    } else {
      const RetryDecision next = outcome.permanent ? RetryDecision{.give_up = true, .next_attempt_at = done}
                                                   : DecideRetry(options_.retry, c.row.attempts, done, UnitRandom());
      marks.push_back(
          {c.row.id, next.give_up ? Mark::kFailed : Mark::kRetry, next.next_attempt_at, outcome.error, done});
      ++(next.give_up ? report.failed : report.retried);
      nlohmann::json f = fields;
      f["error"] = outcome.error;
      f["outcome"] = next.give_up ? "failed" : "retry";
      if (!next.give_up) f["next_attempt_at"] = FormatInstant(next.next_attempt_at);
      LogWarn("notification_not_sent", f);
    }
  }
  // One transaction for the batch's marks: a crash before it sends the batch again
  // (at least once), and a durable commit per message would bound the rate instead.
  if (!marks.empty()) {
    const Status marked = store_.Write([&](WriteContext& w) -> Status {
      for (const Mark& m : marks) {
        switch (m.kind) {
          case Mark::kSent:
            RXD_TRY(MarkNotificationSent(w.conn, m.id, holder_, m.at));
            break;
          case Mark::kRetry:
            RXD_TRY(MarkNotificationRetry(w.conn, m.id, holder_, m.next_attempt_at, m.error, m.at));
            break;
          case Mark::kFailed:
            RXD_TRY(MarkNotificationFailed(w.conn, m.id, holder_, m.error, m.at));
            break;
        }
      }
      return OkStatus();
    });
    if (!marked.ok()) LogWarn("notification_mark_failed", {{"rows", marks.size()}, {"code", marked.error().code}});
  }
  return report;
}

void NotificationWorker::Start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void NotificationWorker::Stop() {
  stopping_ = true;
  WakeOutboxWaiters();
  if (thread_.joinable()) thread_.join();
}

void NotificationWorker::Loop() {
  if (options_.holder_gone) {
    int released = 0;
    const Status s = store_.Write([&](WriteContext& w) -> Status {
      RXD_ASSIGN_OR_RETURN(released, ReleaseLeasesOfGoneHolders(w.conn, options_.holder_gone, clock_.Now()));
      return OkStatus();
    });
    if (!s.ok()) {
      LogWarn("notification_lease_release_failed", {{"code", s.error().code}});
    } else if (released > 0) {
      LogInfo("notification_leases_released", {{"rows", released}});
    }
  }
  while (!stopping_.load()) {
    const std::uint64_t seen = OutboxDoorbellRings();
    Result<NotificationRoundReport> round = RunOnce();
    if (!round.ok()) LogWarn("notification_round_failed", {{"code", round.error().code}});
    // A full batch: more may be due at once.
    if (round.ok() && round->claimed >= options_.batch_size) continue;
    WaitForOutboxDoorbell(seen, options_.poll_interval, [this] { return stopping_.load(); });
  }
}

}  // namespace rxdesk
