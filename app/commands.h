// The subcommands of `rxdesk`. Each returns the process exit code of API.md:
// 0 ok, 2 usage or config error (with a message naming the problem), 1 other failure.
#pragma once

#include <string>

namespace rxdesk {

struct CommonFlags {
  std::string config_path;
  std::string data_dir = "./data";
};
struct ServeFlags {
  std::string listen;
  std::string tls_cert;  // with tls_key: HTTPS (overrides server.tls_cert/server.tls_key)
  std::string tls_key;
};
struct SeedFlags {
  bool demo = false;
  int members = 200;
  unsigned long long seed = 20261123;
};
struct UserCreateFlags {
  std::string username;
  std::string role;
  bool password_stdin = false;
  std::string member_id;
};

int RunServe(const CommonFlags& common, const ServeFlags& flags, char** environ);
int RunSeed(const CommonFlags& common, const SeedFlags& flags, char** environ);
int RunMigrate(const CommonFlags& common, char** environ);
int RunUserCreate(const CommonFlags& common, const UserCreateFlags& flags, char** environ);
int RunUserTotp(const CommonFlags& common, const std::string& username, char** environ);
// A new TOTP secret for a user who lost their device; revokes their sessions.
int RunUserResetTotp(const CommonFlags& common, const std::string& username, char** environ);
// Walks the audit chain from the retention checkpoint, then checks that no audited
// table changed without an entry (store/audit_coverage.h). Exit 1 naming what is wrong.
int RunAuditVerify(const CommonFlags& common, char** environ);
struct RetentionFlags {
  bool dry_run = false;
};
// `rxdesk retention run [--dry-run]`: one retention run now (services/retention.h).
int RunRetention(const CommonFlags& common, const RetentionFlags& flags, char** environ);
// Prints every configuration key as "section.key kind", one a line (the list the
// docs test compares rxdesk.toml.sample and docs/configuration.md against).
int RunConfigKeys();

}  // namespace rxdesk
