// rxdesk — one program, several commands (ARCHITECTURE.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/commands.h"

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

  auto* audit = app.add_subcommand("audit", "the audit log");
  audit->require_subcommand(1);
  auto* audit_verify = audit->add_subcommand("verify", "walk the hash chain; non-zero exit naming the first broken entry");
  add_common(audit_verify);

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
  if (audit_verify->parsed()) return rxdesk::RunAuditVerify(common, environ);
  if (config_keys->parsed()) return rxdesk::RunConfigKeys();
  return 2;
}
