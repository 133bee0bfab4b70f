#include "app/commands.h"

#include <signal.h>

#include <iostream>
#include <iterator>
#include <thread>

#include "api/api.h"
#include "api/http_server.h"
#include "app/runtime.h"
#include "app/seed.h"
#include "infra/log.h"
#include "store/audit_log.h"
#include "store/migrations.h"
#include "infra/totp.h"
#include <chrono>
#include <cstdio>

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
  Api api({*r.store, r.clock, *r.zone, auth, members, pharmacy, metrics});

  HttpServerOptions options;
  options.host = listen->host;
  options.port = listen->port;
  options.io_threads = r.config.server.io_threads;
  options.worker_threads = r.config.server.worker_threads;
  options.max_body_bytes = static_cast<std::size_t>(r.config.server.max_body_bytes);
  options.read_timeout_s = r.config.server.read_timeout_s;
  HttpServer server(options, [&](HttpRequest& req) { return api.Handle(req); });
  if (Status s = server.Listen(); !s.ok()) return Fail(s.error());

  std::thread waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    LogInfo("shutdown", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    server.Stop();
  });
  LogInfo("listening", {{"address", options.host}, {"port", server.port()},
                        {"store", r.config.store.backend}, {"schema_version", LatestSchemaVersion()}});
  server.Run();
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
  if (!report->ok) {
    std::cout << "audit log BROKEN at entry " << report->first_bad_seq << ": " << report->problem << " ("
              << report->entries << " entries verified before it)\n";
    return 1;
  }
  std::cout << "audit log ok: " << report->entries << " entries, chain intact\n";
  return 0;
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
  std::printf("\ndemo accounts (password for all: %s):\n", report->accounts.empty() ? "" : report->accounts[0].password.c_str());
  for (const auto& a : report->accounts) {
    const std::string totp =
        a.totp_secret_base32.empty() ? "" : "2FA code: rxdesk user totp --username " + a.username + " --data-dir " + common.data_dir;
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

}  // namespace rxdesk
