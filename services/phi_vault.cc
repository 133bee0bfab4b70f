#include "services/phi_vault.h"

#include <sys/stat.h>

#include "infra/log.h"

namespace rxdesk {
namespace {

constexpr std::string_view kIndexProbe = "rxdesk blind-index key check";

std::int64_t Nanos(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string PhiVault::AssociatedData(std::string_view table, std::string_view id, std::string_view field) {
  std::string ad;
  ad.reserve(table.size() + id.size() + field.size() + 2);
  ad.append(table).append("/").append(id).append("/").append(field);
  return ad;
}

PhiVault::PhiVault(KeyRing keys, KeyReloadPolicy policy)
    : policy_(std::move(policy)), index_probe_(keys.Index().Compute(kIndexProbe)) {
  rings_.push_back(std::make_unique<const KeyRing>(std::move(keys)));
  current_.store(rings_.back().get(), std::memory_order_release);
  next_check_ns_.store(Nanos(policy_.now() + policy_.check_interval), std::memory_order_relaxed);
  if (!policy_.key_file.empty()) seen_ = IdentityOf(policy_.key_file);
}

PhiVault::FileIdentity PhiVault::IdentityOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return FileIdentity{};
  return FileIdentity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                      static_cast<std::int64_t>(st.st_size),
                      static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

Status PhiVault::ReloadLocked() const {
  const FileIdentity identity = IdentityOf(policy_.key_file);
  auto loaded = LoadOrCreateKeyFile(policy_.key_file, /*create_if_missing=*/false);
  if (!loaded.ok()) {
    LogWarn("key_file_reload_failed", {{"code", loaded.error().code}});
    return std::move(loaded).error();
  }
  // Lookups by blind index would silently stop matching: never accept another index key.
  if (loaded->Index().Compute(kIndexProbe) != index_probe_) {
    LogWarn("key_file_reload_failed", {{"code", "key_file_invalid"}, {"reason", "index key changed"}});
    return MakeError("key_file_invalid", "key file " + policy_.key_file +
                                             " has another blind-index key than the one in use; the index key never "
                                             "changes (docs/keys.md)");
  }
  seen_ = identity;
  if (loaded->key_ids() == Ring().key_ids()) return OkStatus();  // touched, not changed
  rings_.push_back(std::make_unique<const KeyRing>(std::move(*loaded)));
  current_.store(rings_.back().get(), std::memory_order_release);
  LogInfo("key_file_reloaded",
          {{"current_key_id", rings_.back()->Current().key_id()}, {"data_keys", rings_.back()->data_key_count()}});
  return OkStatus();
}

Status PhiVault::Reload() const {
  if (policy_.key_file.empty()) return MakeError("invalid_request", "this vault has fixed keys and no key file");
  const std::lock_guard lock(reload_mu_);
  return ReloadLocked();
}

void PhiVault::MaybeCheckKeyFile() const {
  if (policy_.key_file.empty()) return;
  const auto now = policy_.now();
  std::int64_t due = next_check_ns_.load(std::memory_order_relaxed);
  if (Nanos(now) < due) return;
  // One thread per interval does the check; the others seal with the keys in use.
  if (!next_check_ns_.compare_exchange_strong(due, Nanos(now + policy_.check_interval), std::memory_order_relaxed)) {
    return;
  }
  const std::unique_lock lock(reload_mu_, std::try_to_lock);
  if (!lock.owns_lock()) return;  // a reload is under way
  if (IdentityOf(policy_.key_file) == seen_) return;
  (void)ReloadLocked();  // logged; the keys in use stay
}

const KeyRing& PhiVault::RingWithKey(std::uint32_t key_id) const {
  const std::lock_guard lock(reload_mu_);
  // Another thread may have reloaded while this one waited for the lock.
  if (Ring().Find(key_id) != nullptr) return Ring();
  const auto now = policy_.now();
  if (reloaded_for_unknown_ && now - last_unknown_reload_ < policy_.min_reload_interval) return Ring();
  reloaded_for_unknown_ = true;
  last_unknown_reload_ = now;
  (void)ReloadLocked();
  return Ring();
}

Blob PhiVault::Seal(std::string_view table, std::string_view id, std::string_view field,
                    std::string_view plaintext) const {
  MaybeCheckKeyFile();
  return Blob{Ring().Current().Encrypt(plaintext, AssociatedData(table, id, field))};
}

Result<std::string> PhiVault::Open(std::string_view table, std::string_view id, std::string_view field,
                                   const Value& sealed) const {
  if (sealed.is_null()) return MakeError("decrypt_failed", "no sealed value");
  const std::string& blob = sealed.AsText();
  const KeyRing* ring = &Ring();
  if (!policy_.key_file.empty()) {
    // A key id not known yet: a rotation in another process added it after this one loaded the file.
    const std::optional<std::uint32_t> key_id = FieldCipher::KeyIdOf(blob);
    if (key_id && ring->Find(*key_id) == nullptr) ring = &RingWithKey(*key_id);
  }
  return ring->Decrypt(blob, AssociatedData(table, id, field));
}

std::string PhiVault::Index(std::string_view normalized) const { return Ring().Index().Compute(normalized); }

std::string PhiVault::IndexOf(std::string_view text) const {
  return Ring().Index().Compute(BlindIndex::Normalize(text));
}

std::uint32_t PhiVault::current_key_id() const { return Ring().Current().key_id(); }

std::vector<std::uint32_t> PhiVault::key_ids() const { return Ring().key_ids(); }

}  // namespace rxdesk
