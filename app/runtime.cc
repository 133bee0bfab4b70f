#include "app/runtime.h"

#include <date/tz.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "api/http_server.h"
#include "store/migrations.h"

namespace rxdesk {
namespace fs = std::filesystem;
namespace {

// Whether the store holds no rxdesk schema yet: no SQLite file, or a PostgreSQL
// database without migrations. Only then may a new key file be made.
Result<bool> IsNewDatabase(const StoreOptions& options) {
  if (options.postgres_conninfo.empty()) {
    std::error_code ec;
    return !fs::exists(options.sqlite_path, ec);
  }
  RXD_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, OpenPostgres({.conninfo = options.postgres_conninfo}));
  RXD_ASSIGN_OR_RETURN(const int version, CurrentSchemaVersion(*conn));
  return version == 0;
}

}  // namespace

Result<TlsFiles> ServeTlsFiles(const std::string& config_path, const std::string& cert_flag,
                               const std::string& key_flag, char** environ) {
  const bool from_flags = !cert_flag.empty() || !key_flag.empty();
  TlsFiles files{cert_flag, key_flag};
  if (from_flags && (cert_flag.empty() || key_flag.empty())) {
    return MakeError("config_invalid", "--tls-cert and --tls-key must be given together",
                     cert_flag.empty() ? "tls-cert" : "tls-key");
  }
  if (!from_flags) {
    RXD_ASSIGN_OR_RETURN(const Config config, LoadConfig(config_path, environ));
    files = {config.server.tls_cert, config.server.tls_key};
    if (files.cert_file.empty()) return files;  // plain HTTP (LoadConfig refuses one without the other)
  }
  if (Status s = CheckTlsFiles(files.cert_file, files.key_file); !s.ok()) {
    const bool cert = s.error().field == "tls_cert";
    const std::string source =
        from_flags ? (cert ? "--tls-cert" : "--tls-key") : (cert ? "server.tls_cert" : "server.tls_key");
    return MakeError("config_invalid", source + ": " + s.error().message, source);
  }
  return files;
}

Result<std::unique_ptr<Runtime>> OpenRuntime(const RuntimeOptions& options, char** environ) {
  auto rt = std::make_unique<Runtime>();
  RXD_ASSIGN_OR_RETURN(rt->config, LoadConfig(options.config_path, environ));
  // Every config error is reported before anything is created on disk.
  try {
    rt->zone = std::make_unique<Zone>(date::locate_zone(rt->config.op.time_zone));
  } catch (const std::exception&) {
    return MakeError("config_invalid", "operator.time_zone: unknown time zone " + rt->config.op.time_zone,
                     "operator.time_zone");
  }
  if (rt->config.store.backend == "postgres" && rt->config.store.postgres_conninfo.empty()) {
    return MakeError("config_invalid", "store.postgres_conninfo is required when store.backend is postgres",
                     "store.postgres_conninfo");
  }
  rt->data_dir = options.data_dir;

  std::error_code ec;
  if (!fs::exists(rt->data_dir, ec)) {
    if (!options.create_data_dir) {
      return MakeError("data_dir_unusable", "data directory " + rt->data_dir + " does not exist", "data-dir");
    }
    fs::create_directories(rt->data_dir, ec);
    if (ec) return MakeError("data_dir_unusable", "cannot create data directory " + rt->data_dir + ": " + ec.message(), "data-dir");
    ::chmod(rt->data_dir.c_str(), 0700);
  }
  if (!fs::is_directory(rt->data_dir, ec) || ::access(rt->data_dir.c_str(), R_OK | W_OK | X_OK) != 0) {
    return MakeError("data_dir_unusable", "data directory " + rt->data_dir + " is not a readable, writable directory",
                     "data-dir");
  }

  StoreOptions store_options;
  if (rt->config.store.backend == "postgres") {
    store_options.postgres_conninfo = rt->config.store.postgres_conninfo;
  } else {
    store_options.sqlite_path = (fs::path(rt->data_dir) / rt->config.store.sqlite_file).string();
  }
  store_options.sqlite_synchronous = rt->config.store.sqlite_synchronous;
  store_options.migrate = options.migrate;

  // The key file: created only together with a new database, refused if missing for an existing one.
  rt->key_file =
      rt->config.op.key_file.empty() ? (fs::path(rt->data_dir) / "rxdesk.key").string() : rt->config.op.key_file;
  RXD_ASSIGN_OR_RETURN(const bool new_database, IsNewDatabase(store_options));
  RXD_ASSIGN_OR_RETURN(KeyRing ring, LoadOrCreateKeyFile(rt->key_file, options.create_key_file && new_database));
  rt->vault = std::make_unique<PhiVault>(std::move(ring), KeyReloadPolicy{.key_file = rt->key_file});

  RXD_ASSIGN_OR_RETURN(rt->store, Store::Open(store_options));

  return rt;
}

}  // namespace rxdesk
