#include "app/config.h"

#include <arpa/inet.h>

#include <charconv>

namespace rxdesk {
namespace {

Status OneOf(const std::string& v, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed) {
    if (v == a) return OkStatus();
  }
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return MakeError("config_invalid", "must be one of " + list);
}

// "HH:MM" local time of day.
Result<std::chrono::minutes> ParseTimeOfDay(const std::string& v) {
  const auto digit = [&](std::size_t i) { return std::isdigit(static_cast<unsigned char>(v[i])) != 0; };
  if (v.size() != 5 || v[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
    return MakeError("config_invalid", "must be a local time HH:MM, e.g. 15:00");
  }
  const int h = (v[0] - '0') * 10 + (v[1] - '0'), m = (v[3] - '0') * 10 + (v[4] - '0');
  if (h > 23 || m > 59) return MakeError("config_invalid", "must be a local time HH:MM, e.g. 15:00");
  return std::chrono::minutes(h * 60 + m);
}

// Shipping speeds and the daily cutoff (PRODUCT.md §4).
void BindShipping(ShippingPolicy& s, ConfigBinder& b) {
  b.String("shipping", "cutoff", nullptr, [&s](const std::string& v) -> Status {
    RXD_ASSIGN_OR_RETURN(s.cutoff, ParseTimeOfDay(v));
    return OkStatus();
  });
  const auto terms = [&b](const std::string& speed, DeliveryTerms& t) {
    b.Int("shipping", speed + "_min_business_days", &t.min_business_days, 0, 60);
    b.Int("shipping", speed + "_max_business_days", &t.max_business_days, 0, 60);
    b.Int("shipping", speed + "_fee_cents", [&t](std::int64_t v) { t.fee = Cents(v); }, 0, 100000);
  };
  terms("standard", s.standard);
  terms("expedited", s.expedited);
  terms("specialty", s.specialty);
}

// The domain names a speed's setting "shipping.<speed>.<field>" (fee in Cents);
// the configuration key is "shipping.<speed>_<field>" ("..._fee_cents").
std::string ShippingKey(std::string field) {
  constexpr std::string_view kPrefix = "shipping.";
  const std::size_t dot = field.find('.', kPrefix.size());
  if (dot != std::string::npos) field[dot] = '_';
  if (field.ends_with("_fee")) field += "_cents";
  return field;
}

// An integer setting kept as a double divided by `scale` (100 for a percentage).
void BindScaled(ConfigBinder& b, const std::string& section, const std::string& key, double* target, double scale,
                std::int64_t min, std::int64_t max) {
  b.Int(
      section, key, [target, scale](std::int64_t v) { *target = static_cast<double>(v) / scale; }, min, max);
}

// Staffing (PRODUCT.md §9, docs/workforce.md): the line's target, shrinkage,
// patience and contacts per weekday in [staffing]; each main-line queue's share of
// the contacts and handle time in [staffing.<queue id>]. Percentages are integers.
void BindStaffing(StaffingPolicy& s, ConfigBinder& b) {
  BindScaled(b, "staffing", "target_answer_s", &s.target_answer_s, 1, 0, 3600);
  BindScaled(b, "staffing", "service_level_percent", &s.target_service_level, 100, 1, 100);
  BindScaled(b, "staffing", "shrinkage_percent", &s.shrinkage, 100, 0, 95);
  const auto set_patience = [&s](std::int64_t v) {
    s.patience_s = v == 0 ? std::nullopt : std::optional<double>(static_cast<double>(v));  // 0: Erlang C
  };
  b.Int("staffing", "patience_s", set_patience, 0, 86400);
  static constexpr std::array<const char*, 7> kWeekdays = {"sunday",   "monday", "tuesday", "wednesday",
                                                           "thursday", "friday", "saturday"};
  for (std::size_t d = 0; d < kWeekdays.size(); ++d) {
    BindScaled(b, "staffing", std::string("volume_") + kWeekdays[d], &s.forecast.daily_volume[d], 1, 0, 10'000'000);
  }
  for (StaffingQueue& q : s.queues) {  // the list is fixed before binding: the pointers stay valid
    BindScaled(b, "staffing." + q.id, "share_percent", &q.share, 100, 0, 100);
    BindScaled(b, "staffing." + q.id, "aht_s", &q.aht_s, 1, 1, 14400);
  }
}


// [chat]: the web chat and its WebSocket limits (docs/contact-center.md "Web chat").
void BindChat(ChatConfig& chat, ConfigBinder& b) {
  b.String("chat", "default_queue", &chat.policy.default_queue);
  b.Int("chat", "max_text_bytes", &chat.policy.max_text_bytes, 1, 1 << 20);
  b.Int("chat", "replay_page", &chat.policy.replay_page, 10, 10000);
  b.StringList("chat", "allowed_origins", &chat.allowed_origins);
  b.Bool("chat", "require_origin", &chat.require_origin);
  b.Int("chat", "max_message_bytes", &chat.max_message_bytes, 1024, 16 << 20);
  b.Int("chat", "ping_interval_s", &chat.ping_interval_s, 1, 3600);
  b.Int("chat", "auth_timeout_s", &chat.auth_timeout_s, 1, 600);
  b.Int("chat", "kpi_feed_interval_s", &chat.kpi_feed_interval_s, 1, 3600);
}

// Lines, chat and secure messages (PRODUCT.md §7, docs/contact-center.md) in
// [channels.<id>]; the IVR webhook in [voice]; the official list of §8.
void BindContactChannels(Config& c, ConfigBinder& b) {
  for (ChannelSettings& ch : c.channels.channels) {  // the list is fixed before binding: the pointers stay valid
    const std::string section = "channels." + ch.id;
    const bool line = ch.kind == "phone" || ch.kind == "tty";
    b.String(section, "name", &ch.name);
    if (line) b.String(section, "number", &ch.number);
    b.String(section, "hours", &ch.hours);
    b.StringList(section, "closed_dates", &ch.closed_dates);
    b.Bool(section, "closed_on_federal_holidays", &ch.closed_on_federal_holidays);
    b.String(section, "offer_when_closed", &ch.offer_when_closed);
    if (line) b.String(section, "ivr_flow", &ch.ivr_flow);
  }
  b.String("voice", "webhook_secret", &c.voice.webhook_secret, [](const std::string& v) -> Status {
    if (!v.empty() && v.size() < 16) return MakeError("config_invalid", "must be empty (voice off) or at least 16 characters");
    return OkStatus();
  });
  b.Int("voice", "callback_offer_after_s", &c.voice.callback_offer_after_s, 0, 86400);
  b.StringList("official_channels", "domains", &c.official.domains);
}

}  // namespace

Result<ListenAddress> ParseListenAddress(const std::string& text) {
  const auto refuse = [] {
    return MakeError("config_invalid", "must be HOST:PORT with HOST an IP address and PORT 0-65535, e.g. 127.0.0.1:8080",
                     "listen");
  };
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos) return refuse();
  ListenAddress out;
  out.host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) return refuse();
  out.port = static_cast<std::uint16_t>(value);
  in6_addr buffer{};
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
    if (inet_pton(AF_INET6, out.host.c_str(), &buffer) != 1) return refuse();
  } else if (inet_pton(AF_INET, out.host.c_str(), &buffer) != 1) {
    return refuse();
  }
  return out;
}

void BindConfig(Config& c, ConfigBinder& b) {
  b.String("server", "listen", &c.server.listen, [](const std::string& v) -> Status {
    RXD_TRY(ParseListenAddress(v));
    return OkStatus();
  });
  b.Int("server", "io_threads", &c.server.io_threads, 0, 64);
  b.Int("server", "worker_threads", &c.server.worker_threads, 1, 512);
  b.Bool("server", "inline_reads", &c.server.inline_reads);
  b.Int("server", "max_body_bytes", &c.server.max_body_bytes, 1024, 64 << 20);
  b.Int("server", "read_timeout_s", &c.server.read_timeout_s, 1, 3600);
  b.String("server", "log_level", &c.server.log_level,
           [](const std::string& v) { return OneOf(v, {"debug", "info", "warn", "error"}); });
  b.String("server", "tls_cert", &c.server.tls_cert);
  b.String("server", "tls_key", &c.server.tls_key);

  b.String("store", "backend", &c.store.backend, [](const std::string& v) { return OneOf(v, {"sqlite", "postgres"}); });
  b.String("store", "sqlite_file", &c.store.sqlite_file);
  b.String("store", "sqlite_synchronous", &c.store.sqlite_synchronous,
           [](const std::string& v) { return OneOf(v, {"NORMAL", "FULL", "EXTRA"}); });
  b.String("store", "postgres_conninfo", &c.store.postgres_conninfo);

  b.String("operator", "time_zone", &c.op.time_zone);
  b.String("operator", "key_file", &c.op.key_file);

  b.Int("auth", "lockout_failures", &c.auth.lockout_failures, 1, 100);
  b.Int("auth", "lockout_window_minutes", &c.auth.lockout_window_minutes, 1, 24 * 60);
  b.Int("auth", "lockout_minutes", &c.auth.lockout_minutes, 1, 24 * 60);
  b.Int("auth", "workforce_token_minutes", &c.auth.workforce_token_minutes, 5, 24 * 60);
  b.Int("auth", "member_token_minutes", &c.auth.member_token_minutes, 5, 24 * 60);
  b.Int("auth", "password_min_length", &c.auth.password_min_length, 12, 128);
  b.Int("auth", "argon2_ops", &c.auth.argon2_ops, 1, 10);
  b.Int("auth", "argon2_mem_kib", &c.auth.argon2_mem_kib, 8 * 1024, 1024 * 1024);
  b.Int("auth", "session_cache_seconds", &c.auth.session_cache_seconds, 0, 60);

  b.Int("limits", "per_ip_per_minute", &c.limits.per_ip_per_minute, 0, 100'000'000);
  b.Int("limits", "per_ip_burst", &c.limits.per_ip_burst, 1, 100'000'000);
  b.Int("limits", "per_account_per_minute", &c.limits.accounts.per_account.per_minute, 0, 100'000'000);
  b.Int("limits", "per_account_burst", &c.limits.accounts.per_account.burst, 1, 100'000'000);
  b.Int("limits", "login_per_username_per_minute", &c.limits.accounts.login_per_username_per_minute, 0, 10'000);
  b.StringList("limits", "trusted_proxies", &c.limits.trusted_proxies);

  b.Int("contacts", "verification_max_attempts", &c.verification.max_attempts, 1, 10);
  BindDeskConfig(c.desk, b);  // contact documentation, secure messages, escalations, surveys

  RefillPolicy& r = c.pharmacy.refill;
  b.Int("refills", "non_controlled_expiry_days", &r.non_controlled_expiry_days, 1, 3650);
  b.Int("refills", "schedule_v_expiry_days", &r.schedule_v_expiry_days, 1, 3650);
  b.Int("refills", "non_controlled_threshold_percent", &r.non_controlled_threshold_percent, 0, 100);
  b.Int("refills", "controlled_threshold_percent", &r.controlled_threshold_percent, 0, 100);
  b.Int("prescriptions", "max_days_supply", &c.pharmacy.prescription.max_days_supply, 1, 365);
  BindShipping(c.pharmacy.shipping, b);
  // Lost or damaged package claims (docs/pharmacy-services.md); 0-365 is ValidateClaimPolicy's range.
  b.Int("claims", "window_days", &c.claims.window_days, 0, 365);
  b.Bool("claims", "return_damaged", &c.claims.return_damaged);
  b.Bool("claims", "return_damaged_controlled", &c.claims.return_damaged_controlled);
  // The 90-day mail-order switch (docs/pharmacy-services.md); 1-365 is the longest days supply there is.
  b.Int("mail_order", "max_retail_days_supply", &c.mail_order.max_retail_days_supply, 1, 365);
  b.Int("mail_order", "mail_days_supply", &c.mail_order.mail_days_supply, 1, 365);

  // Retention (docs/privacy.md). 0 keeps forever; the audit floor is checked in LoadConfig.
  b.Int("retention", "audit_days", &c.retention.audit_days, 0, 36500);
  b.Int("retention", "chat_transcript_days", &c.retention.chat_transcript_days, 0, 36500);
  b.Int("retention", "call_recording_days", &c.retention.call_recording_days, 0, 36500);
  b.String("retention", "run_at", nullptr, [&c](const std::string& v) -> Status {
    RXD_ASSIGN_OR_RETURN(c.retention.run_at, ParseTimeOfDay(v));
    return OkStatus();
  });
  b.Int("privacy", "access_report_max_entries", &c.privacy.access_report_max_entries, 100, 1000000);
  BindStaffing(c.staffing, b);
  BindContactCenter(c.contact_center, b);
  // Notifications (docs/contact-center.md): senders, retries and the worker's pace.
  NotificationConfig& n = c.notifications;
  b.String("notifications", "smtp_url", &n.smtp_url);
  b.String("notifications", "from", &n.from);
  b.String("notifications", "smtp_tls", &n.smtp_tls);
  b.String("notifications", "smtp_username", &n.smtp_username);
  b.String("notifications", "smtp_password", &n.smtp_password);
  b.String("notifications", "sms_gateway_url", &n.sms_gateway_url);
  b.String("notifications", "sms_token", &n.sms_token);
  b.Int("notifications", "retry_base_delay_s", &n.retry_base_delay_s, 1, 86400);
  b.Int("notifications", "retry_max_delay_s", &n.retry_max_delay_s, 1, 7 * 86400);
  b.Int("notifications", "max_attempts", &n.max_attempts, 1, 100);
  b.Int("notifications", "poll_interval_ms", &n.poll_interval_ms, 10, 60000);
  b.Int("notifications", "send_timeout_s", &n.send_timeout_s, 1, 300);
  b.Int("notifications", "batch_size", &n.batch_size, 1, 1000);
  BindContactChannels(c, b);
  BindChat(c.chat, b);
  // Transfers in (PRODUCT.md §3, docs/pharmacy-services.md "Transfers in"): hours after the request.
  const auto hours = [&b](const char* key, std::chrono::hours* target) {
    b.Int("transfers", key, [target](std::int64_t v) { *target = std::chrono::hours(v); }, 0, 24 * 30);
  };
  hours("processing_max_hours", &c.transfers.processing_max);
  hours("controlled_verification_min_hours", &c.transfers.controlled_verification_min);
  hours("controlled_verification_max_hours", &c.transfers.controlled_verification_max);
  // Fax and mail intake (docs/pharmacy-services.md): at most the server's own request limit (1 MiB).
  b.Int("intake", "max_document_bytes", [&c](std::int64_t v) { c.intake.max_document_bytes = static_cast<std::size_t>(v); },
        1, 1 << 20);
  // Refill reminders and auto-refill (docs/pharmacy-services.md); 0 turns the background job off.
  b.Int("reminders", "interval_s", &c.reminders.interval_s, 0, 86400);
  b.Int("reminders", "days_before", &c.reminders.days_before, 0, 90);
  BindPartD(c.part_d, b);
  // Prior authorization (docs/pharmacy-services.md); up to 30 days, ValidatePriorAuthPolicy's range.
  b.Int("prior_auth", "decision_within_hours", &c.prior_auth.decision_within_hours, 1, 720);
  // Interaction overrides and adherence (docs/pharmacy-services.md); min and max ranges never cross.
  const auto size = [&b](const char* key, std::size_t* target, std::int64_t min, std::int64_t max) {
    b.Int("clinical", key, [target](std::int64_t v) { *target = static_cast<std::size_t>(v); }, min, max);
  };
  size("override_min_reason_chars", &c.clinical.overrides.min_reason_chars, 1, 200);
  size("override_max_reason_chars", &c.clinical.overrides.max_reason_chars, 200, 2000);
  b.Int("clinical", "adherence_threshold_percent", &c.clinical.adherence.pdc.adherent_threshold_percent, 1, 100);
  b.Int("clinical", "late_refill_grace_days", &c.clinical.adherence.pdc.late_refill_grace_days, 0, 365);
  b.Int("clinical", "adherence_period_days", &c.clinical.adherence.default_period_days, 1, 731);
}

Result<Config> LoadConfig(const std::string& toml_path, char** environ) {
  Config config;
  ConfigBinder binder;
  BindConfig(config, binder);
  if (!toml_path.empty()) RXD_TRY(binder.LoadTomlFile(toml_path));
  RXD_TRY(binder.ApplyEnvironment(environ, {"RXDESK_BIN"}));
  if (config.server.tls_cert.empty() != config.server.tls_key.empty()) {
    return MakeError("config_invalid", "server.tls_cert and server.tls_key must be set together (or neither)",
                     config.server.tls_cert.empty() ? "server.tls_cert" : "server.tls_key");
  }
  for (const std::string& proxy : config.limits.trusted_proxies) {
    in6_addr buffer{};
    if (inet_pton(AF_INET, proxy.c_str(), &buffer) != 1 && inet_pton(AF_INET6, proxy.c_str(), &buffer) != 1) {
      return MakeError("config_invalid", "limits.trusted_proxies: " + proxy + " is not an IP address",
                       "limits.trusted_proxies");
    }
  }
  if (config.retention.audit_days != 0 && config.retention.audit_days < kMinAuditRetentionDays) {
    return MakeError("config_invalid",
                     "retention.audit_days must be 0 (keep forever) or at least " +
                         std::to_string(kMinAuditRetentionDays) + " (6 years, 45 CFR 164.316(b)(2))",
                     "retention.audit_days");
  }
  if (Status s = ValidateShippingPolicy(config.pharmacy.shipping); !s.ok()) {
    const std::string key = ShippingKey(s.error().field);
    return MakeError("config_invalid", key + " " + s.error().message, key);
  }
  RXD_TRY(ValidateNotificationConfig(config.notifications));
  // Every queue's busiest interval must be sizeable, so GET /v1/staffing never fails on settings.
  if (Status s = ValidateStaffingPolicy(config.staffing); !s.ok()) {
    const std::string& field = s.error().field;
    std::string key = "staffing";
    if (field.starts_with("queues[")) {
      const std::size_t i = std::stoul(field.substr(7));
      if (i < config.staffing.queues.size()) key += "." + config.staffing.queues[i].id;
    }
    return MakeError("config_invalid", key + ": " + s.error().message, key);
  }
  RXD_TRY(ValidateChannels(config.channels));
  if (config.transfers.controlled_verification_min > config.transfers.controlled_verification_max) {
    return MakeError("config_invalid",
                     "transfers.controlled_verification_min_hours must not exceed controlled_verification_max_hours",
                     "transfers.controlled_verification_min_hours");
  }
  if (Status s = ValidatePartDConfig(config.part_d); !s.ok()) {
    return MakeError("config_invalid", s.error().field + " " + s.error().message, s.error().field);
  }
  return config;
}

}  // namespace rxdesk
