// Everything a command needs, opened in the right order: config, data dir,
// key file, store (migrated), time zone, services.
#pragma once

#include <memory>
#include <string>

#include "app/config.h"
#include "domain/zone.h"
#include "infra/key_file.h"
#include "infra/system_clock.h"
#include "services/phi_vault.h"
#include "store/store.h"

namespace rxdesk {

struct RuntimeOptions {
  std::string config_path;
  std::string data_dir = "data";
  bool create_data_dir = true;
  bool create_key_file = true;   // only for a new database
  bool migrate = true;
};

struct Runtime {
  Config config;
  std::string data_dir;
  SystemClock clock;
  std::string key_file;             // the data keys' file; the vault follows its changes (key rotation)
  std::unique_ptr<PhiVault> vault;
  std::unique_ptr<Store> store;
  std::unique_ptr<Zone> zone;
};

// Refusals carry codes: config_invalid (exit 2), data_dir_unusable, key_file_*, store_*, schema_too_new.
Result<std::unique_ptr<Runtime>> OpenRuntime(const RuntimeOptions& options, char** environ);

// The TLS files `serve` uses: --tls-cert/--tls-key when given (both), else
// server.tls_cert/server.tls_key; neither means plain HTTP. The files are read and
// checked (api/http_server.h CheckTlsFiles) before anything is created on disk.
// Refusal: config_invalid naming the flag or key and the problem (exit 2).
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
};
Result<TlsFiles> ServeTlsFiles(const std::string& config_path, const std::string& cert_flag,
                               const std::string& key_flag, char** environ);

}  // namespace rxdesk
