// Every setting of rxdesk with its default (PRODUCT.md's *(config)* values and
// the server's own), read from TOML and RXDESK_<SECTION>_<KEY> overrides.
// docs/configuration.md and rxdesk.toml.sample list them all.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "api/rate_limit.h"
#include "domain/result.h"
#include "domain/chat.h"
#include "domain/claim.h"
#include "domain/mail_order_switch.h"
#include "domain/identity_verification.h"
#include "domain/intake_document.h"
#include "domain/staffing_plan.h"
#include "domain/transfer.h"
#include "infra/config_binder.h"
#include "domain/official_channels.h"
#include "services/auth_service.h"
#include "services/notification_worker.h"
#include "services/part_d_service.h"
#include "services/channels.h"
#include "services/contact_center_service.h"
#include "services/desk_config.h"
#include "services/pharmacy_services.h"
#include "services/prior_auth_service.h"
#include "services/privacy_service.h"
#include "services/refill_reminders.h"
#include "domain/ddi.h"
#include "services/adherence_service.h"
#include "services/retention.h"
#include "services/voice_service.h"

namespace rxdesk {

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  int io_threads = 0;        // 0: one per core
  int worker_threads = 64;  // handlers wait for group commits; one per in-flight request
  bool inline_reads = true;  // never-waiting routes run on the I/O thread (embedded store only)
  int max_body_bytes = 1 << 20;
  int read_timeout_s = 30;
  std::string log_level = "info";
  std::string tls_cert;  // PEM certificate chain; with tls_key: HTTPS only ("" = plain HTTP)
  std::string tls_key;   // PEM private key, unencrypted
};

// [limits]: 429 rate_limited past these (api/rate_limit.h); a rate of 0 is off.
struct LimitsConfig {
  int per_ip_per_minute = 1200;  // 20 a second sustained per client IP ...
  int per_ip_burst = 200;        // ... and a page load's worth at once
  AccountLimitsPolicy accounts;  // per account 300/min, burst 60; 10 sign-ins/min per username
  std::vector<std::string> trusted_proxies;  // load balancers whose X-Forwarded-For is believed
};

struct StoreConfig {
  std::string backend = "sqlite";        // sqlite | postgres
  std::string sqlite_file = "rxdesk.db"; // relative to the data dir
  std::string sqlite_synchronous = "FULL";
  std::string postgres_conninfo;         // e.g. "host=db1 dbname=rxdesk user=rxdesk"
};

struct OperatorConfig {
  std::string time_zone = "America/Chicago";  // PRODUCT.md: business hours are CT
  std::string key_file;                        // default: <data dir>/rxdesk.key
};

// [chat]: the web chat (docs/contact-center.md "Web chat") and its WebSocket limits.
struct ChatConfig {
  ChatPolicy policy;                         // default_queue "chat", max_text_bytes 4000, replay_page 200
  std::vector<std::string> allowed_origins;  // empty: same origin only (the Host header's)
  bool require_origin = false;               // true: refuse clients that send no Origin (non-browsers)
  int max_message_bytes = 16 * 1024;         // a larger WebSocket message closes the socket (1009)
  int ping_interval_s = 20;                  // a silent peer is closed after twice this
  int auth_timeout_s = 10;                   // no auth message by then: closed with 4401
  int kpi_feed_interval_s = 5;               // /v1/kpis/live: a snapshot at least this often (and on change)
};

// [clinical]: interaction overrides and adherence (docs/pharmacy-services.md).
struct ClinicalConfig {
  InteractionOverridePolicy overrides;  // a pharmacist's documented reason: 20–2000 characters
  AdherenceServicePolicy adherence;     // PDC threshold 80%, late-refill grace 7 days, 365-day period
};

struct Config {
  ServerConfig server;
  StoreConfig store;
  OperatorConfig op;
  AuthPolicy auth;
  LimitsConfig limits;
  VerificationPolicy verification;  // [contacts]
  PharmacyConfig pharmacy;
  RetentionPolicy retention;  // [retention]
  PrivacyPolicy privacy;      // [privacy]
  StaffingPolicy staffing;    // [staffing] and [staffing.<queue>]
  NotificationConfig notifications;  // [notifications]
  ChannelsConfig channels;    // [channels.<id>]: lines, chat, secure messages and their hours
  VoiceConfig voice;          // [voice]: the IVR webhook
  OfficialChannels official;  // [official_channels]: domains (the lines' numbers come from [channels.<id>])
  DeskConfig desk;            // [notes], [messages], [escalations], [surveys], contacts.fcr_window_days
  ChatConfig chat;            // [chat]
  ContactCenterConfig contact_center;  // [contact_center] and [contact_center.<queue>] (config_contact_center.cc)
  PartDConfig part_d;                  // [part_d.<year>]: Medicare Part D per year (config_part_d.cc)
  ClaimPolicy claims;                  // [claims]: lost or damaged package claims (domain/claim.h)
  MailOrderSwitchPolicy mail_order;    // [mail_order]: the 90-day switch (domain/mail_order_switch.h)
  RefillReminderConfig reminders;      // [reminders]: refill reminders and auto-refill (services/refill_reminders.h)
  PriorAuthConfig prior_auth;          // [prior_auth]: the decision window (services/prior_auth_service.h)
  TransferPolicy transfers;            // [transfers]: expected completion of a transfer in (domain/transfer.h)
  IntakePolicy intake;                 // [intake]: fax and mail intake documents (domain/intake_document.h)
  ClinicalConfig clinical;             // [clinical]: interaction overrides, adherence (services/adherence_service.h)
};

struct ListenAddress {
  std::string host;  // an IP address (IPv6 without brackets)
  std::uint16_t port = 0;
};

// Parses "HOST:PORT": HOST an IPv4 address or a bracketed IPv6 one, PORT 0-65535
// (0 picks a free port). Refusal: config_invalid, message "must be HOST:PORT ...".
Result<ListenAddress> ParseListenAddress(const std::string& text);

// Binds every key of Config (used by the loader and by the docs test).
void BindConfig(Config& config, ConfigBinder& binder);
// The [contact_center] keys: queues, default agent profile, expected wait, KPI targets.
void BindContactCenter(ContactCenterConfig& config, ConfigBinder& binder);
// The [part_d.<year>] keys: each year's Part D parameters and whether it is offered.
void BindPartD(PartDConfig& config, ConfigBinder& binder);

// Defaults, then the TOML file (if any), then the environment.
// Refusal: config_invalid naming the key (and the line, for the file).
Result<Config> LoadConfig(const std::string& toml_path, char** environ);

}  // namespace rxdesk
