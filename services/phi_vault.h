// PHI at rest: each field encrypted on its own (XChaCha20-Poly1305) with
// "<table>/<record id>/<field>" as associated data, so a ciphertext copied to
// another row or column does not decrypt. Lookups use keyed blind indexes.
//
//   PhiVault vault(std::move(keys), {.key_file = "data/rxdesk.key"});
//   Blob enc = vault.Seal("members", id, "last_name", "Rivera");
//   RXD_ASSIGN_OR_RETURN(std::string name, vault.Open("members", id, "last_name", row.at(3)));
//
// Key rotation with no downtime for reads (docs/keys.md). When the vault knows
// its key file, it follows `rxdesk keys rotate` running in another process:
//  - Open() of a value under a key id it does not know reloads the key file
//    (at most once per min_reload_interval) and tries again;
//  - Seal() looks at the file (inode, size, mtime) at most every check_interval
//    and reloads it when it changed, so new values go under the new current key.
// The hot path takes no lock: the key ring in use is one atomic pointer. Rings
// replaced by a reload are kept until the vault is destroyed (one per change of
// the key file: a handful in a process's life), so no reader ever holds a freed
// ring and none pays for a reference count. A reload that fails (file missing,
// readable by others, malformed, or with another blind-index key) keeps the
// keys in use and logs a warning with the error code and no key material.
// All methods are thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "infra/key_file.h"
#include "store/db.h"

namespace rxdesk {

struct KeyReloadPolicy {
  // The key file to follow; empty: the keys given are fixed (tools, tests).
  std::string key_file;
  // How often Seal() looks whether the key file changed (a new current key).
  std::chrono::milliseconds check_interval{2000};
  // The least time between two reloads caused by values under unknown keys, so
  // a flood of foreign or forged blobs cannot turn into a flood of file reads.
  std::chrono::milliseconds min_reload_interval{1000};
  // Monotonic time; tests substitute their own.
  std::function<std::chrono::steady_clock::time_point()> now = [] { return std::chrono::steady_clock::now(); };
};

class PhiVault {
 public:
  explicit PhiVault(KeyRing keys, KeyReloadPolicy policy = {});
  PhiVault(const PhiVault&) = delete;
  PhiVault& operator=(const PhiVault&) = delete;

  // Encrypts under the current data key (after the periodic key-file check).
  Blob Seal(std::string_view table, std::string_view id, std::string_view field, std::string_view plaintext) const;
  // Refusal: decrypt_failed (NULL, tampered, wrong row, or a key id that is not
  // in the key file even after a reload).
  Result<std::string> Open(std::string_view table, std::string_view id, std::string_view field,
                           const Value& sealed) const;
  // Blind index of already-normalized text. The index key never rotates.
  std::string Index(std::string_view normalized) const;
  // Normalizes (trim, collapse spaces, lower case) then indexes.
  std::string IndexOf(std::string_view text) const;
  // The key id Seal() uses now.
  std::uint32_t current_key_id() const;
  // Every data key id known now, current first.
  std::vector<std::uint32_t> key_ids() const;

  // Reloads the key file now, whatever the intervals (e.g. on SIGHUP). Refusals:
  // those of LoadOrCreateKeyFile, key_file_invalid when the blind-index key
  // differs from the one in use, invalid_request when the vault has no key file.
  // On refusal the keys in use stay.
  Status Reload() const;

  // "<table>/<id>/<field>": the associated data every sealed value is bound to.
  static std::string AssociatedData(std::string_view table, std::string_view id, std::string_view field);

 private:
  struct FileIdentity {
    std::uint64_t device = 0, inode = 0;
    std::int64_t size = -1, mtime_ns = 0;
    bool operator==(const FileIdentity&) const = default;
  };

  const KeyRing& Ring() const { return *current_.load(std::memory_order_acquire); }
  void MaybeCheckKeyFile() const;
  const KeyRing& RingWithKey(std::uint32_t key_id) const;
  Status ReloadLocked() const;  // REQUIRES: reload_mu_ held
  static FileIdentity IdentityOf(const std::string& path);

  const KeyReloadPolicy policy_;
  const std::string index_probe_;  // the index token of a fixed text: proves the index key unchanged
  mutable std::atomic<const KeyRing*> current_;
  mutable std::atomic<std::int64_t> next_check_ns_;  // steady-clock time of the next key-file check
  mutable std::mutex reload_mu_;
  mutable std::vector<std::unique_ptr<const KeyRing>> rings_;            // guarded by reload_mu_; only grows
  mutable FileIdentity seen_;                                            // guarded by reload_mu_
  mutable std::chrono::steady_clock::time_point last_unknown_reload_{};  // guarded by reload_mu_
  mutable bool reloaded_for_unknown_ = false;                            // guarded by reload_mu_
};

}  // namespace rxdesk
