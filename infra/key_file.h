// The data keys, kept in a file outside the database, so a stolen database
// (or backup) alone does not reveal PHI (PRODUCT.md section 10).
//
//   RXD_ASSIGN_OR_RETURN(KeyRing keys, LoadOrCreateKeyFile("data/rxdesk.key", /*create_if_missing=*/true));
//   std::string sealed = keys.Current().Encrypt(phone, "members/" + id + "/phone");
//   RXD_ASSIGN_OR_RETURN(std::string phone, keys.Decrypt(sealed, "members/" + id + "/phone"));
//   std::string token = keys.Index().Compute(BlindIndex::Normalize(last_name));
//
// File format (text, one record a line; '#' starts a comment line):
//   rxdesk-keys 1
//   data <key id> <32 bytes, base64url>     one or more; the FIRST is current
//   index <32 bytes, base64url>             exactly one
// Rotation adds a new `data` line at the top; older lines stay so old blobs
// still open. The blind-index key cannot rotate without re-indexing.
//
// Rotation (see services/key_rotation.h and docs/keys.md):
//   RXD_ASSIGN_OR_RETURN(KeyFileLock lock, KeyFileLock::Acquire("data/rxdesk.key"));
//   RXD_ASSIGN_OR_RETURN(std::uint32_t new_id, AddDataKey(lock));   // now the current key
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"
#include "infra/crypto.h"

namespace rxdesk {

// The keys of one installation. Move-only; keys are zeroed on destruction.
class KeyRing {
 public:
  // Requires at least one data cipher (the first is current) with unique key ids.
  KeyRing(std::vector<FieldCipher> data_ciphers, BlindIndex index);
  // Fresh random keys, current key id `key_id`: for new files and for tests.
  static KeyRing Generate(std::uint32_t key_id = 1);

  // The cipher new values are encrypted with.
  const FieldCipher& Current() const { return data_.front(); }
  // The cipher for `key_id` (to open data written before a rotation), or nullptr.
  const FieldCipher* Find(std::uint32_t key_id) const;
  // Opens a blob with whichever key it names. Refusal: decrypt_failed (unknown
  // key id, truncated, tampered, wrong associated data).
  Result<std::string> Decrypt(std::string_view blob, std::string_view associated_data) const;
  const BlindIndex& Index() const { return index_; }
  // Number of data keys (current plus retired).
  std::size_t data_key_count() const { return data_.size(); }
  // The data key ids in file order: the current one first.
  std::vector<std::uint32_t> key_ids() const;

 private:
  std::vector<FieldCipher> data_;
  BlindIndex index_;
};

// Reads the key file at `path`. When it does not exist and `create_if_missing`,
// writes fresh keys first (mode 0600; temp file, fsync, no-replace rename, fsync
// of the directory, so a crash never leaves a half-written key file and two
// processes racing both end up with the same keys).
// Refusals: key_file_missing (absent, !create_if_missing); key_file_insecure
// (any group/other permission bit; names path and mode, never a key);
// key_file_invalid (malformed, with the line number; or not a regular file);
// key_file_unreadable / key_file_unwritable (I/O errors, with the errno text).
Result<KeyRing> LoadOrCreateKeyFile(const std::string& path, bool create_if_missing);

// Parses key-file text; `origin` names it in messages. Refusal: key_file_invalid
// with the line number (no key material in the message).
Result<KeyRing> ParseKeyFile(std::string_view text, std::string_view origin);

// An exclusive advisory lock (flock) on "<key file>.lock", held by whoever
// changes the key file, for as long as the change and its follow-up (the
// re-encryption) run. Two rotations at once would each add a key and one of
// them would be lost with everything encrypted under it. The kernel drops the
// lock when the holder exits, even on kill -9, so it never goes stale. The
// empty lock file stays on disk. Move-only.
class KeyFileLock {
 public:
  // Takes the lock without waiting. Refusals: key_rotation_running (another
  // process holds it); key_file_unwritable (the lock file cannot be created).
  static Result<KeyFileLock> Acquire(const std::string& key_path);
  KeyFileLock(KeyFileLock&& other) noexcept;
  KeyFileLock& operator=(KeyFileLock&& other) noexcept;
  KeyFileLock(const KeyFileLock&) = delete;
  KeyFileLock& operator=(const KeyFileLock&) = delete;
  ~KeyFileLock();

  // The key file this lock guards.
  const std::string& key_path() const { return key_path_; }

 private:
  KeyFileLock(int fd, std::string key_path);
  int fd_ = -1;
  std::string key_path_;
};

// Adds a fresh random data key to the locked key file as the current one: a new
// `data` line above the first, with an id one above the highest in the file.
// Every other line (older data keys, the index key, comments) is kept byte for
// byte, so values sealed under older keys still open. The file is replaced
// atomically (temp file 0600, fsync, rename, fsync of the directory): a crash
// leaves the old file or the new one, never a mix. Returns the new key id.
// Refusals: those of LoadOrCreateKeyFile for an existing file (missing,
// insecure, invalid, unreadable); key_file_full (id 4294967295 already used);
// key_file_unwritable.
Result<std::uint32_t> AddDataKey(const KeyFileLock& lock);

}  // namespace rxdesk
