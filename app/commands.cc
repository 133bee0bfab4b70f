#include "app/commands.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <thread>

#include "api/api.h"
#include "api/chat_hub.h"
#include "api/http_server.h"
#include "api/kpi_feed.h"
#include "api/rate_limit.h"
#include "app/runtime.h"
#include "app/seed.h"
#include "infra/log.h"
#include "infra/totp.h"
#include "services/benefits_service.h"
#include "services/claim_service.h"
#include "services/contact_center_service.h"
#include "services/fake_carrier.h"
#include "services/adherence_service.h"
#include "services/interaction_holds.h"
#include "services/mtm_service.h"
#include "services/intake_service.h"
#include "services/shipment_service.h"
#include "services/transfer_service.h"
#include "services/notification_worker.h"
#include "services/prescriber_requests.h"
#include "services/prior_auth_service.h"
#include "services/privacy_service.h"
#include "services/refill_reminders.h"
#include "services/retention.h"
#include "store/audit_coverage.h"
#include "store/audit_log.h"
#include "store/migrations.h"

namespace rxdesk {
namespace {

// Config and usage problems exit 2; everything else 1 (API.md).
int Fail(const Error& e) {
  // API-style field errors ("must be at least 12 characters") read alone need their field.
  const bool name_field = e.code == "invalid_request" && !e.field.empty();
  std::cerr << "rxdesk: " << (name_field ? e.field + ": " : "") << e.message << "\n";
  const bool usage = e.code == "config_invalid" || e.code == "invalid_request" || e.code == "invalid_listen_address";
  return usage ? 2 : 1;
}

Result<std::unique_ptr<Runtime>> Open(const CommonFlags& common, char** environ, bool create = true) {
  RuntimeOptions o;
  o.config_path = common.config_path;
  o.data_dir = common.data_dir;
  o.create_data_dir = create;
  o.create_key_file = create;
  return OpenRuntime(o, environ);
}

// This process in lease rows and logs: "host:pid".
std::string ProcessName() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "localhost") + ":" + std::to_string(getpid());
}

// A lease holder named by ProcessName() on this host whose process has ended
// (a crash or kill -9): its leases need not run out. Other hosts' holders, and
// a pid now taken by another process, are left to their leases.
bool HolderIsGoneFromThisHost(const std::string& holder) {
  const std::string self = ProcessName();
  const std::string host = self.substr(0, self.rfind(':') + 1);
  if (holder.size() <= host.size() || holder.compare(0, host.size(), host) != 0) return false;
  const std::string pid_text = holder.substr(host.size());
  if (pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) return false;
  const pid_t pid = static_cast<pid_t>(std::stol(pid_text));
  if (pid <= 0 || pid == getpid()) return false;
  return kill(pid, 0) != 0 && errno == ESRCH;
}

LogLevel ParseLevel(const std::string& s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "warn") return LogLevel::kWarn;
  if (s == "error") return LogLevel::kError;
  return LogLevel::kInfo;
}

}  // namespace

int RunServe(const CommonFlags& common, const ServeFlags& flags, char** environ) {
  // Block the signals in every thread; one thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // A bad --listen is a usage error, reported before anything is created on disk.
  if (!flags.listen.empty()) {
    if (auto parsed = ParseListenAddress(flags.listen); !parsed.ok()) {
      return Fail(MakeError("config_invalid", "--listen " + parsed.error().message, "listen"));
    }
  }
  // So are unusable TLS files (--tls-cert/--tls-key or server.tls_cert/server.tls_key).
  auto tls = ServeTlsFiles(common.config_path, flags.tls_cert, flags.tls_key, environ);
  if (!tls.ok()) return Fail(tls.error());
  auto rt = Open(common, environ);
  if (!rt.ok()) return Fail(rt.error());
  Runtime& r = **rt;
  InitLogging(ParseLevel(r.config.server.log_level));
  auto listen = ParseListenAddress(flags.listen.empty() ? r.config.server.listen : flags.listen);
  if (!listen.ok()) return Fail(listen.error());

  Metrics metrics;
  r.store->SetObserver([&metrics](const char* kind, double seconds) { metrics.ObserveStore(kind, seconds); });
  AuthService auth(*r.store, *r.vault, r.clock, r.config.auth);
  MemberService members(*r.store, *r.vault, r.clock);
  PharmacyServices pharmacy(*r.store, *r.vault, r.clock, *r.zone, members, r.config.pharmacy);
  ContactService contacts(*r.store, members, r.clock, *r.zone, r.config.verification, r.config.desk.fcr);
  PrivacyService privacy(*r.store, *r.vault, r.clock, *r.zone, r.config.privacy);
  RetentionService retention(*r.store, r.clock, DefaultRetentionTargets(r.config.retention), r.config.retention,
                             ProcessName());
  ApiDeps deps{*r.store, r.clock, *r.zone, auth,     members,          contacts,
               pharmacy, metrics, privacy, *r.vault, r.config.staffing};
  // Contact-center services join here (optional members of ApiDeps).
  // Queues, agents and live routing (docs/contact-center.md "Queues, agents and routing").
  auto contact_center = ContactCenterService::Create(*r.store, r.clock, *r.zone, r.config.contact_center);
  if (!contact_center.ok()) return Fail(contact_center.error());
  deps.contact_center = contact_center->get();
  // Lines, chat and secure messages with their hours; the official list adds the lines' numbers.
  auto channels = ChannelDirectory::Create(r.config.channels, *r.zone);
  if (!channels.ok()) return Fail(channels.error());
  OfficialChannels official = r.config.official;
  for (const ContactChannel& c : channels->channels()) {
    if (!c.number_e164.empty()) official.phones.push_back({c.number_e164, c.settings.id});
  }
  deps.channels = &*channels;
  deps.official = &official;
  // The IVR behind the signed voice webhook (docs/contact-center.md "IVR menus"); off without a secret.
  auto voice = VoiceService::Create(
      {*r.store, *r.vault, r.clock, *r.zone, *channels, **contact_center, members, pharmacy.orders, r.config.voice});
  if (!voice.ok()) return Fail(voice.error());
  deps.voice = voice->get();
  if (!(*voice)->enabled())
    LogInfo("voice_off", {{"reason", "voice.webhook_secret is empty: the webhook answers 401"}});
  // The contact desk: notes, secure messages, escalations, and a CSAT survey with every closed contact.
  NoteService notes(*r.store, *r.vault, r.clock, contacts, r.config.desk.notes);
  MessageService messages(*r.store, *r.vault, r.clock, *r.zone, contacts, r.config.desk.messages);
  TicketService tickets(*r.store, *r.vault, r.clock, *r.zone, contacts, r.config.desk.escalations);
  SurveyService surveys(*r.store, *r.vault, r.clock, r.config.desk.surveys, r.config.desk.survey_link_base);
  contacts.OnClosed(
      [&surveys](Connection& tx, const Contact& c, Instant now) { return surveys.OnContactClosed(tx, c, now); });
  deps.notes = &notes;
  deps.messages = &messages;
  deps.tickets = &tickets;
  deps.surveys = &surveys;
  NotificationPreferenceService notification_preferences(*r.store, members, r.clock);
  deps.notification_preferences = &notification_preferences;
  // Web chat over WebSocket (docs/contact-center.md "Web chat"), routed by the contact center.
  ContactCenter* chat_center = contact_center->get();
  ChatService chat(*r.store, *r.vault, r.clock, chat_center, r.config.chat.policy);
  ChatHub chat_hub(chat, auth, r.clock, &*channels, chat_center);
  deps.chat = &chat;
  // Orders on their way: the pharmacists' queue, tracking through the carrier (the local FAKE carrier:
  // no carrier account is wired yet, docs/pharmacy-services.md) and lost or damaged package claims.
  FakeCarrier carrier;
  ShipmentService shipments(*r.store, r.clock, members, carrier);
  ClaimService claims(*r.store, *r.vault, r.clock, *r.zone, members, r.config.pharmacy.shipping, r.config.claims);
  deps.shipments = &shipments;
  deps.claims = &claims;
  // 90-day mail-order switches and renewals, tracked to the prescriber's answer (docs/pharmacy-services.md).
  PrescriberRequestService prescriber_requests(*r.store, *r.vault, r.clock, *r.zone, members, pharmacy.prescriptions,
                                               {.mail_order = r.config.mail_order,
                                                .prescription = r.config.pharmacy.prescription});
  deps.prescriber_requests = &prescriber_requests;
  PartDService part_d(*r.store, members, r.clock, *r.zone, r.config.part_d);
  deps.part_d = &part_d;
  // Refill reminders and auto-refill (docs/pharmacy-services.md): the opt-in routes, the operator's
  // pass and the background job started below.
  RefillReminderService refill_reminders(*r.store, r.clock, *r.zone, members, pharmacy,
                                         {.policy = {.days_before = r.config.reminders.days_before},
                                          .holder_gone = HolderIsGoneFromThisHost},
                                         ProcessName());
  deps.refill_reminders = &refill_reminders;
  // Plans, formulary and prior authorization; every recorded fill priced in its own transaction
  // (docs/pharmacy-services.md "Plans, formulary and prior authorization").
  const FillPricer fill_pricer(r.config.part_d.Offered());
  pharmacy.prescriptions.SetHooks(fill_pricer.Hooks());
  BenefitsService benefits(*r.store, r.clock, *r.zone, members, fill_pricer);
  PriorAuthService prior_auth(*r.store, *r.vault, r.clock, *r.zone, members, r.config.prior_auth.Policy());
  deps.benefits = &benefits;
  deps.prior_auth = &prior_auth;
  // Transfers in and fax/mail intake (docs/pharmacy-services.md "Transfers in", "Fax and mail intake").
  TransferService transfers(*r.store, *r.vault, r.clock, *r.zone, members, pharmacy.prescriptions, r.config.transfers,
                            r.config.pharmacy.prescription);
  IntakeService intake(*r.store, *r.vault, r.clock, *r.zone, pharmacy.prescriptions, r.config.intake,
                       r.config.pharmacy.prescription);
  deps.transfers = &transfers;
  deps.intake = &intake;
  // Interaction holds, adherence and MTM requests (docs/pharmacy-services.md).
  InteractionHoldService interaction_holds(*r.store, *r.vault, r.clock, r.config.clinical.overrides);
  AdherenceService adherence(*r.store, r.clock, *r.zone, r.config.clinical.adherence);
  MtmService mtm(*r.store, *r.vault, r.clock, contact_center->get());
  deps.interaction_holds = &interaction_holds;
  deps.adherence = &adherence;
  deps.mtm = &mtm;
  Api api(deps);
  // The supervisors' live KPI feed: GET /v1/kpis pushed over a WebSocket.
  KpiFeed kpi_feed([&api](HttpRequest& req) { return api.Handle(req); }, auth,
                   {.interval_s = r.config.chat.kpi_feed_interval_s});

  HttpServerOptions options;
  options.host = listen->host;
  options.port = listen->port;
  options.io_threads = r.config.server.io_threads;
  options.worker_threads = r.config.server.worker_threads;
  options.max_body_bytes = static_cast<std::size_t>(r.config.server.max_body_bytes);
  options.read_timeout_s = r.config.server.read_timeout_s;
  options.tls_cert_file = tls->cert_file;
  options.tls_key_file = tls->key_file;
  options.per_ip_per_minute = r.config.limits.per_ip_per_minute;
  options.per_ip_burst = r.config.limits.per_ip_burst;
  options.trusted_proxies = r.config.limits.trusted_proxies;
  options.websockets.push_back(chat_hub.Endpoint());
  options.websockets.push_back(kpi_feed.Endpoint());
  options.ws.allowed_origins = r.config.chat.allowed_origins;
  options.ws.require_origin = r.config.chat.require_origin;
  options.ws.max_message_bytes = static_cast<std::size_t>(r.config.chat.max_message_bytes);
  options.ws.ping_interval_s = r.config.chat.ping_interval_s;
  options.ws.first_message_timeout_s = r.config.chat.auth_timeout_s;
  SteadyMonotonicClock rate_clock;
  AccountRateLimits account_limits(r.config.limits.accounts, rate_clock, AccountsOf(auth));
  options.on_answer = [&api](const HttpRequest& req, HttpResponse& res, double seconds) { api.Finish(req, res, seconds); };
  if (r.config.server.inline_reads) options.run_inline = [&api](const HttpRequest& req) { return api.RunsInline(req); };
  HttpServer server(options, account_limits.Wrap([&](HttpRequest& req) { return api.Handle(req); }));
  if (Status s = server.Listen(); !s.ok()) return Fail(s.error());

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    LogInfo("shutdown", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    server.Stop();
  });
  LogInfo("listening", {{"address", options.host},
                        {"port", server.port()},
                        {"tls", !tls->cert_file.empty()},
                        {"store", r.config.store.backend},
                        {"schema_version", LatestSchemaVersion()}});
  // The daily retention job (docs/privacy.md): one node at a time, through a lease row.
  RetentionScheduler daily_retention(retention, *r.zone);
  daily_retention.Start();
  // Refill reminders every reminders.interval_s (0: off), one node at a time through a lease row.
  RefillReminderScheduler reminder_job(refill_reminders, std::chrono::seconds(r.config.reminders.interval_s));
  reminder_job.Start();
  // The notification outbox's worker (docs/contact-center.md): on every node; rows are leased.
  const std::unique_ptr<EmailSender> email = EmailSenderFrom(r.config.notifications);
  const std::unique_ptr<SmsGateway> sms = SmsGatewayFrom(r.config.notifications);
  NotificationWorkerOptions notifier_options = WorkerOptionsFrom(r.config.notifications);
  notifier_options.holder_gone = HolderIsGoneFromThisHost;
  NotificationWorker notifier(*r.store, *r.vault, r.clock, std::move(notifier_options), email.get(), sms.get(),
                              ProcessName());
  notifier.Start();
  kpi_feed.Start();
  server.Run();
  kpi_feed.Stop();
  notifier.Stop();
  daily_retention.Stop();
  reminder_job.Stop();
  waiter.join();
  LogInfo("stopped");
  return 0;
}

int RunMigrate(const CommonFlags& common, char** environ) {
  RuntimeOptions o;
  o.config_path = common.config_path;
  o.data_dir = common.data_dir;
  o.migrate = false;
  auto rt = OpenRuntime(o, environ);
  if (!rt.ok()) return Fail(rt.error());
  auto conn = (*rt)->store->Connect();
  if (!conn.ok()) return Fail(conn.error());
  auto applied = Migrate(**conn);
  if (!applied.ok()) return Fail(applied.error());
  std::cout << "schema at version " << LatestSchemaVersion() << " (" << *applied << " migration(s) applied)\n";
  return 0;
}

int RunUserCreate(const CommonFlags& common, const UserCreateFlags& flags, char** environ) {
  const auto role = ParseRole(flags.role);
  if (!role) {
    std::cerr << "rxdesk: --role must be member, agent, pharmacist, supervisor, privacy_officer or admin\n";
    return 2;
  }
  if (*role == Role::kMember && flags.member_id.empty()) {
    std::cerr << "rxdesk: --member-id is required for role member\n";
    return 2;
  }
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto rt = Open(common, environ);
  if (!rt.ok()) return Fail(rt.error());
  AuthService auth(*(*rt)->store, *(*rt)->vault, (*rt)->clock, (*rt)->config.auth);
  auto created = auth.CreateUser(flags.username, *role, password, flags.member_id, "cli");
  if (!created.ok()) return Fail(created.error());
  if (!created->otpauth_uri.empty()) std::cout << created->otpauth_uri << "\n";
  std::cerr << "created " << flags.role << " " << flags.username << "\n";
  return 0;
}

int RunAuditVerify(const CommonFlags& common, char** environ) {
  auto rt = Open(common, environ, /*create=*/false);
  if (!rt.ok()) return Fail(rt.error());
  auto conn = (*rt)->store->Connect();
  if (!conn.ok()) return Fail(conn.error());
  auto report = VerifyAuditLog(**conn);
  if (!report.ok()) return Fail(report.error());
  bool ok = report->ok;
  const AuditCheckpoint& cp = report->checkpoint;
  if (!report->ok) {
    std::cout << "audit log BROKEN at entry " << report->first_bad_seq << ": " << report->problem << " ("
              << report->entries << " entries verified before it)\n";
  } else {
    std::cout << "audit log ok: " << report->entries << " entries, chain intact";
    if (cp.seq > 0) std::cout << " from the retention checkpoint (entries 1-" << cp.seq << " removed by retention)";
    std::cout << "\n";
  }
  // Retention removes only entries older than its window: a checkpoint inside the
  // window means entries were removed that should still be here (or the window was
  // lengthened since; then this is expected once, until those days pass).
  const int days = (*rt)->config.retention.audit_days;
  if (cp.seq > 0 && days > 0) {
    const auto at = ParseInstant(cp.at);
    if (!at.ok() || *at >= (*rt)->clock.Now() - std::chrono::days(days)) {
      ok = false;
      std::cout << "audit log BROKEN at the retention checkpoint (entry " << cp.seq
                << "): it removed entries younger than retention.audit_days = " << days << "\n";
    }
  }
  auto tables = VerifyAuditedTables(**conn, cp);
  if (!tables.ok()) return Fail(tables.error());
  std::string counts;
  for (const auto& [table, rows] : tables->rows_checked) {
    counts += (counts.empty() ? "" : ", ") + table + " " + std::to_string(rows);
  }
  if (tables->ok()) {
    std::cout << "audited tables ok: every row has its entries (" << counts << " rows)\n";
  } else {
    ok = false;
    std::cout << "audited tables CHANGED WITHOUT AN ENTRY (" << tables->findings.size()
              << (tables->truncated ? "+" : "") << " rows):\n";
    for (const AuditCoverageFinding& f : tables->findings) {
      std::cout << "  " << f.table << " " << f.record_id << ": " << f.problem << "\n";
    }
  }
  return ok ? 0 : 1;
}

}  // namespace rxdesk

namespace rxdesk {

int RunSeed(const CommonFlags& common, const SeedFlags& flags, char** environ) {
  auto rt = Open(common, environ);
  if (!rt.ok()) return Fail(rt.error());
  const auto started = std::chrono::steady_clock::now();
  SeedOptions options;
  options.members = flags.members;
  options.seed = flags.seed;
  options.progress = [&](int done, int total) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "\rseeding members: %d/%d (%3d%%) %.1fs", done, total, done * 100 / total, s);
    if (done == total) std::fprintf(stderr, "\n");
  };
  auto report = SeedDemo(**rt, options);
  if (!report.ok()) return Fail(report.error());
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("seeded %d members, %d prescriptions, %d fills, %d orders in %.1f s\n", report->members,
              report->prescriptions, report->fills, report->orders, s);
  std::printf("\ndemo accounts (password for all: %s):\n",
              report->accounts.empty() ? "" : report->accounts[0].password.c_str());
  for (const auto& a : report->accounts) {
    const std::string totp = a.totp_secret_base32.empty() ? ""
                                                          : "2FA code: rxdesk user totp --username " + a.username +
                                                                " --data-dir " + common.data_dir;
    std::printf("  %-16s %-16s %s\n", a.username.c_str(), a.role.c_str(), totp.c_str());
  }
  return 0;
}

}  // namespace rxdesk

namespace rxdesk {

int RunConfigKeys() {
  Config config;
  ConfigBinder binder;
  BindConfig(config, binder);
  for (const ConfigBinder::Key& k : binder.keys()) std::cout << k.section << "." << k.key << " " << k.kind << "\n";
  return 0;
}

int RunUserTotp(const CommonFlags& common, const std::string& username, char** environ) {
  auto rt = Open(common, environ, /*create=*/false);
  if (!rt.ok()) return Fail(rt.error());
  Runtime& r = **rt;
  auto rows = r.store->Read([&](Connection& c) {
    return c.Query("SELECT id, totp_secret_enc FROM users WHERE username = ?", {Value(username)});
  });
  if (!rows.ok()) return Fail(rows.error());
  if (rows->empty() || (*rows)[0].IsNull(1)) {
    std::cerr << "rxdesk: no user " << username << " with two-factor sign-in\n";
    return 1;
  }
  auto secret = r.vault->Open("users", (*rows)[0].Text(0), "totp_secret", (*rows)[0].at(1));
  if (!secret.ok()) return Fail(secret.error());
  std::cout << TotpCode(*secret, r.clock.Now().time_since_epoch().count()) << "\n";
  return 0;
}

int RunUserResetTotp(const CommonFlags& common, const std::string& username, char** environ) {
  auto rt = Open(common, environ, /*create=*/false);
  if (!rt.ok()) return Fail(rt.error());
  Runtime& r = **rt;
  AuthService auth(*r.store, *r.vault, r.clock, r.config.auth);
  auto uri = auth.ResetTotp(username, "cli");
  if (!uri.ok()) return Fail(uri.error());
  std::cout << "new 2FA secret for " << username << " (enrol it in an authenticator app; every session was ended):\n"
            << *uri << "\n";
  return 0;
}

}  // namespace rxdesk

namespace rxdesk {

int RunRetention(const CommonFlags& common, const RetentionFlags& flags, char** environ) {
  auto rt = Open(common, environ, /*create=*/false);
  if (!rt.ok()) return Fail(rt.error());
  Runtime& r = **rt;
  RetentionService retention(*r.store, r.clock, DefaultRetentionTargets(r.config.retention), r.config.retention,
                             ProcessName());
  auto report = retention.Run({.dry_run = flags.dry_run});
  if (!report.ok()) return Fail(report.error());
  std::cout << "retention " << (flags.dry_run ? "dry run (nothing removed)" : "run") << " at "
            << FormatInstant(report->at) << "\n";
  for (const RetentionKindReport& k : report->kinds) {
    if (k.days == 0) {
      std::cout << "  " << k.kind << ": kept forever (retention days = 0)\n";
      continue;
    }
    std::cout << "  " << k.kind << ": " << k.removed << (flags.dry_run ? " would be removed" : " removed")
              << " (older than " << k.days << " days: before " << FormatInstant(*k.cutoff) << ")\n";
  }
  // Kinds with a window but no data yet (docs/privacy.md).
  std::cout << "  chat_transcripts: " << r.config.retention.chat_transcript_days << " days; none stored yet\n";
  std::cout << "  call_recordings: " << r.config.retention.call_recording_days << " days; none stored yet\n";
  return 0;
}

}  // namespace rxdesk
