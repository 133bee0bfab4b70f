// rxdesk — one program, several commands (ARCHITECTURE.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "app/keys.h"
#include "app/simulate.h"

extern char** environ;

int main(int argc, char** argv) {
  CLI::App app{"rxdesk — customer care and mail-order service for pharmacies"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "show help for every command");

  rxdesk::CommonFlags common;
  const auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("--config", common.config_path, "TOML config file (see rxdesk.toml.sample)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--data-dir", common.data_dir, "data directory (SQLite store, key file)")
        ->capture_default_str();
  };

  auto* serve = app.add_subcommand("serve", "serve the HTTP/JSON API and the web app");
  add_common(serve);
  rxdesk::ServeFlags serve_flags;
  serve->add_option("--listen", serve_flags.listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  serve->add_option("--tls-cert", serve_flags.tls_cert, "PEM certificate chain: serve HTTPS only (with --tls-key)");
  serve->add_option("--tls-key", serve_flags.tls_key, "PEM private key of --tls-cert, unencrypted");

  auto* seed = app.add_subcommand("seed", "create deterministic demo data");
  add_common(seed);
  rxdesk::SeedFlags seed_flags;
  seed->add_flag("--demo", seed_flags.demo, "demo data and the demo accounts")->required();
  seed->add_option("--members", seed_flags.members, "how many members")->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  seed->add_option("--seed", seed_flags.seed, "random seed (same seed, same data)")->capture_default_str();

  auto* migrate = app.add_subcommand("migrate", "apply schema migrations");
  add_common(migrate);

  auto* user = app.add_subcommand("user", "manage users from the shell");
  user->require_subcommand(1);
  auto* user_create = user->add_subcommand("create", "create a user (password on stdin)");
  add_common(user_create);
  rxdesk::UserCreateFlags user_flags;
  user_create->add_option("--username", user_flags.username, "login name")->required();
  user_create->add_option("--role", user_flags.role,
                          "member, agent, pharmacist, supervisor, privacy_officer or admin")->required();
  user_create->add_flag("--password-stdin", user_flags.password_stdin, "read the password from stdin")->required();
  user_create->add_option("--member-id", user_flags.member_id, "for members: their member record id");

  auto* user_totp = user->add_subcommand("totp", "print a workforce user's current 2FA code (demo and operator aid)");
  add_common(user_totp);
  std::string totp_username;
  user_totp->add_option("--username", totp_username, "login name")->required();

  auto* user_reset_totp =
      user->add_subcommand("reset-totp", "give a user a new 2FA secret (lost device); ends all their sessions");
  add_common(user_reset_totp);
  user_reset_totp->add_option("--username", totp_username, "login name")->required();

  auto* audit = app.add_subcommand("audit", "the audit log");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand("verify", "walk the hash chain; non-zero exit naming the first broken entry");
  add_common(audit_verify);

  auto* retention = app.add_subcommand("retention", "remove data older than its retention period (docs/privacy.md)");
  retention->require_subcommand(1);
  auto* retention_run = retention->add_subcommand("run", "one retention run now (serve also runs it daily)");
  add_common(retention_run);
  rxdesk::RetentionFlags retention_flags;
  retention_run->add_flag("--dry-run", retention_flags.dry_run, "count what would be removed; remove nothing");

  auto* keys = app.add_subcommand("keys", "data keys (docs/keys.md)");
  keys->require_subcommand(1);
  auto* keys_rotate = keys->add_subcommand(
      "rotate", "add a new current data key and re-encrypt every value under it; servers keep running");
  add_common(keys_rotate);
  rxdesk::KeysRotateFlags rotate_flags;
  keys_rotate->add_option("--batch", rotate_flags.batch, "rows per write transaction")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  keys_rotate->add_flag("--resume", rotate_flags.resume, "only finish an unfinished rotation; never add a key");

  rxdesk::SimulateFlags simulate_flags;
  auto* simulate = rxdesk::AddSimulateCommand(app, simulate_flags);

  // Diagnostic, not in --help: the configuration keys this build binds.
  auto* config = app.add_subcommand("config", "configuration diagnostics")->group("");
  config->require_subcommand(1);
  auto* config_keys = config->add_subcommand("keys", "list every configuration key and its type");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;  // API.md: 2 for usage errors
  }

  if (serve->parsed()) return rxdesk::RunServe(common, serve_flags, environ);
  if (seed->parsed()) return rxdesk::RunSeed(common, seed_flags, environ);
  if (migrate->parsed()) return rxdesk::RunMigrate(common, environ);
  if (user_create->parsed()) return rxdesk::RunUserCreate(common, user_flags, environ);
  if (user_totp->parsed()) return rxdesk::RunUserTotp(common, totp_username, environ);
  if (user_reset_totp->parsed()) return rxdesk::RunUserResetTotp(common, totp_username, environ);
  if (audit_verify->parsed()) return rxdesk::RunAuditVerify(common, environ);
  if (retention_run->parsed()) return rxdesk::RunRetention(common, retention_flags, environ);
  if (keys_rotate->parsed()) return rxdesk::RunKeysRotate(common, rotate_flags, environ);
  if (simulate->parsed()) return rxdesk::RunSimulate(simulate_flags);
  if (config_keys->parsed()) return rxdesk::RunConfigKeys();
  return 2;
}
