#include "infra/key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace rxdesk {
namespace {

constexpr std::string_view kMagic = "rxdesk-keys";
constexpr std::string_view kFormatVersion = "1";
// A key file is a few hundred bytes; anything far larger is not one.
constexpr off_t kMaxKeyFileBytes = 64 * 1024;

// Zeroes a string holding key material when it goes out of scope.
class Wiped {
 public:
  explicit Wiped(std::string& s) : s_(s) {}
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
  ~Wiped() { sodium_memzero(s_.data(), s_.size()); }

 private:
  std::string& s_;
};

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  // Closes now, reporting the error close() may give (it can carry a write error).
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string Errno() { return std::strerror(errno); }

Error Invalid(std::string_view origin, std::size_t line, std::string_view what) {
  return MakeError("key_file_invalid",
                   "key file " + std::string(origin) + " line " + std::to_string(line) + ": " + std::string(what))
      .With("line", std::to_string(line));
}

Error Unwritable(const std::string& path, std::string_view step) {
  return MakeError("key_file_unwritable",
                   "cannot create key file " + path + " (" + std::string(step) + "): " + Errno());
}

std::string OctalMode(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Splits a line at runs of spaces and tabs.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) fields.push_back(line.substr(start, i - start));
  }
  return fields;
}

std::optional<std::uint32_t> ParseKeyId(std::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > UINT32_MAX) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

// Decodes a base64url key that must be exactly 32 bytes; nullopt otherwise.
std::optional<std::string> DecodeKey(std::string_view text) {
  auto key = Base64UrlDecode(text);
  if (!key.ok()) return std::nullopt;
  std::string bytes = std::move(*key);
  if (bytes.size() != kSecretKeyBytes) {
    sodium_memzero(bytes.data(), bytes.size());
    return std::nullopt;
  }
  return bytes;
}

std::string NewKeyFileText(std::uint32_t key_id) {
  std::string data_key = RandomBytes(kSecretKeyBytes);
  std::string index_key = RandomBytes(kSecretKeyBytes);
  const Wiped wipe_data(data_key);
  const Wiped wipe_index(index_key);
  std::string text;
  text.reserve(256);
  text += "# rxdesk data keys. Keep this file outside the database and back it up apart from it:\n";
  text += "# without it, encrypted PHI cannot be read. Mode must stay 0600.\n";
  text += std::string(kMagic) + " " + std::string(kFormatVersion) + "\n";
  std::string encoded = Base64UrlEncode(data_key);
  text += "data " + std::to_string(key_id) + " " + encoded + "\n";
  sodium_memzero(encoded.data(), encoded.size());
  encoded = Base64UrlEncode(index_key);
  text += "index " + encoded + "\n";
  sodium_memzero(encoded.data(), encoded.size());
  return text;
}

// Writes all of `text`; false with errno set on failure.
bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Moves `from` to `to` unless `to` exists. Returns 0, or -1 with errno (EEXIST when taken).
int RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return -1;
  // Filesystems without RENAME_NOREPLACE: link() also refuses an existing target.
  if (::link(from.c_str(), to.c_str()) != 0) return -1;
  ::unlink(from.c_str());
  return 0;
}

// Writes a new key file at `path` atomically. An existing file (another
// process won a race) is left alone and counts as success.
Status CreateKeyFile(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  const std::string temp = path + ".tmp-" + HexEncode(RandomBytes(6));
  {
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) return Unwritable(path, "create temporary file");
    std::string text = NewKeyFileText(1);
    const Wiped wipe(text);
    // The umask can only clear bits, but be explicit: 0600 whatever it is.
    const bool written =
        ::fchmod(fd.get(), 0600) == 0 && WriteAll(fd.get(), text) && ::fsync(fd.get()) == 0 && fd.Close() == 0;
    if (!written) {
      Error e = Unwritable(path, "write temporary file");
      ::unlink(temp.c_str());
      return e;
    }
  }
  if (RenameNoReplace(temp, path) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    if (saved == EEXIST) return OkStatus();
    errno = saved;
    return Unwritable(path, "rename into place");
  }
  // The rename is durable only once the directory entry is on disk.
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) return Unwritable(path, "sync directory");
  return OkStatus();
}

// Replaces the key file at `path` with `text` atomically: a private temp file in
// the same directory, fsync, rename over the old file, fsync of the directory.
// A crash leaves either the old file or the new one, never a mix; readers that
// opened the old file keep reading it whole.
Status ReplaceKeyFile(const std::string& path, std::string_view text) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  const std::string temp = path + ".tmp-" + HexEncode(RandomBytes(6));
  {
    Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (fd.get() < 0) return Unwritable(path, "create temporary file");
    const bool written =
        ::fchmod(fd.get(), 0600) == 0 && WriteAll(fd.get(), text) && ::fsync(fd.get()) == 0 && fd.Close() == 0;
    if (!written) {
      Error e = Unwritable(path, "write temporary file");
      ::unlink(temp.c_str());
      return e;
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    Error e = Unwritable(path, "rename into place");
    ::unlink(temp.c_str());
    return e;
  }
  Fd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.get() < 0 || ::fsync(dir_fd.get()) != 0) return Unwritable(path, "sync directory");
  return OkStatus();
}

}  // namespace

KeyRing::KeyRing(std::vector<FieldCipher> data_ciphers, BlindIndex index)
    : data_(std::move(data_ciphers)), index_(std::move(index)) {
  assert(!data_.empty());
}

KeyRing KeyRing::Generate(std::uint32_t key_id) {
  std::string data_key = RandomBytes(kSecretKeyBytes);
  std::string index_key = RandomBytes(kSecretKeyBytes);
  const Wiped wipe_data(data_key);
  const Wiped wipe_index(index_key);
  std::vector<FieldCipher> data;
  data.push_back(std::move(*FieldCipher::FromBytes(data_key, key_id)));
  return KeyRing(std::move(data), std::move(*BlindIndex::FromBytes(index_key)));
}

std::vector<std::uint32_t> KeyRing::key_ids() const {
  std::vector<std::uint32_t> ids;
  ids.reserve(data_.size());
  for (const FieldCipher& c : data_) ids.push_back(c.key_id());
  return ids;
}

const FieldCipher* KeyRing::Find(std::uint32_t key_id) const {
  for (const FieldCipher& c : data_) {
    if (c.key_id() == key_id) return &c;
  }
  return nullptr;
}

Result<std::string> KeyRing::Decrypt(std::string_view blob, std::string_view associated_data) const {
  const std::optional<std::uint32_t> key_id = FieldCipher::KeyIdOf(blob);
  if (!key_id) return MakeError("decrypt_failed", "the encrypted value is truncated or of an unknown format");
  const FieldCipher* cipher = Find(*key_id);
  if (cipher == nullptr) {
    return MakeError("decrypt_failed", "the encrypted value is under data key " + std::to_string(*key_id) +
                                           ", which is not in the key file");
  }
  return cipher->Decrypt(blob, associated_data);
}

Result<KeyRing> ParseKeyFile(std::string_view text, std::string_view origin) {
  std::vector<FieldCipher> data;
  std::optional<BlindIndex> index;
  bool saw_header = false;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::vector<std::string_view> fields = Fields(line);
    if (fields.empty() || fields[0].front() == '#') continue;

    if (!saw_header) {
      if (fields[0] != kMagic) return Invalid(origin, line_number, "expected the header 'rxdesk-keys 1'");
      if (fields.size() != 2 || fields[1] != kFormatVersion) {
        return Invalid(origin, line_number, "unsupported key file version (this build reads version 1)");
      }
      saw_header = true;
    } else if (fields[0] == "data") {
      if (fields.size() != 3) return Invalid(origin, line_number, "expected 'data <key id> <base64url key>'");
      const std::optional<std::uint32_t> key_id = ParseKeyId(fields[1]);
      if (!key_id) return Invalid(origin, line_number, "the key id must be a number from 0 to 4294967295");
      for (const FieldCipher& c : data) {
        if (c.key_id() == *key_id) return Invalid(origin, line_number, "data key id repeated");
      }
      std::optional<std::string> key = DecodeKey(fields[2]);
      if (!key) return Invalid(origin, line_number, "a data key must be 32 bytes in base64url");
      const Wiped wipe(*key);
      data.push_back(std::move(*FieldCipher::FromBytes(*key, *key_id)));
    } else if (fields[0] == "index") {
      if (fields.size() != 2) return Invalid(origin, line_number, "expected 'index <base64url key>'");
      if (index) return Invalid(origin, line_number, "more than one index key");
      std::optional<std::string> key = DecodeKey(fields[1]);
      if (!key) return Invalid(origin, line_number, "the index key must be 32 bytes in base64url");
      const Wiped wipe(*key);
      index.emplace(std::move(*BlindIndex::FromBytes(*key)));
    } else {
      return Invalid(origin, line_number, "unknown record (expected 'data' or 'index')");
    }
  }
  const std::size_t last = line_number == 0 ? 1 : line_number;
  if (!saw_header) return Invalid(origin, last, "empty; expected the header 'rxdesk-keys 1'");
  if (data.empty()) return Invalid(origin, last, "no 'data' key");
  if (!index) return Invalid(origin, last, "no 'index' key");
  return KeyRing(std::move(data), std::move(*index));
}

namespace {

// Opens, checks (regular file, private, small) and reads the key file; the
// caller wipes the text. Refusals as LoadOrCreateKeyFile.
Result<std::string> ReadKeyFileText(const std::string& path, bool create_if_missing) {
  // O_NONBLOCK: opening a FIFO planted at the path must not hang start-up.
  constexpr int kOpenFlags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  int raw_fd = ::open(path.c_str(), kOpenFlags);
  if (raw_fd < 0 && errno == ENOENT) {
    if (!create_if_missing) {
      return MakeError("key_file_missing", "key file " + path +
                                               " does not exist; it holds the keys to the encrypted data, so "
                                               "restore it from backup (a new one is made only with a new database)");
    }
    RXD_TRY(CreateKeyFile(path));
    raw_fd = ::open(path.c_str(), kOpenFlags);
  }
  Fd fd(raw_fd);
  if (fd.get() < 0) return MakeError("key_file_unreadable", "cannot open key file " + path + ": " + Errno());

  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return MakeError("key_file_unreadable", "cannot stat key file " + path + ": " + Errno());
  if (!S_ISREG(st.st_mode)) return MakeError("key_file_invalid", "key file " + path + " is not a regular file");
  // Like ssh with private keys: any access for group or others is refused.
  if ((st.st_mode & 077) != 0) {
    const std::string mode = OctalMode(st.st_mode);
    return MakeError("key_file_insecure", "key file " + path + " has mode " + mode +
                                              "; group and others must have no access (chmod 600 " + path + ")")
        .With("path", path)
        .With("mode", mode);
  }
  if (st.st_size > kMaxKeyFileBytes) {
    return MakeError("key_file_invalid", "key file " + path + " is too large to be a key file");
  }

  std::string text(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t filled = 0;
  while (filled < text.size()) {
    const ssize_t n = ::read(fd.get(), text.data() + filled, text.size() - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      sodium_memzero(text.data(), text.size());
      return MakeError("key_file_unreadable", "cannot read key file " + path + ": " + Errno());
    }
    if (n == 0) break;  // shrank while reading; parse what is there
    filled += static_cast<std::size_t>(n);
  }
  text.resize(filled);
  return text;
}

// Where a new first `data` line goes: the start of the first `data` line.
// Requires text that ParseKeyFile accepted.
std::size_t FirstDataLineOffset(std::string_view text) {
  std::size_t offset = 0;
  while (offset < text.size()) {
    const std::size_t end = text.find('\n', offset);
    const std::string_view line = text.substr(offset, end == std::string_view::npos ? text.npos : end - offset);
    const std::vector<std::string_view> fields = Fields(line);
    if (!fields.empty() && fields[0] == "data") return offset;
    if (end == std::string_view::npos) break;
    offset = end + 1;
  }
  return text.size();
}

}  // namespace

Result<KeyRing> LoadOrCreateKeyFile(const std::string& path, bool create_if_missing) {
  RXD_ASSIGN_OR_RETURN(std::string text, ReadKeyFileText(path, create_if_missing));
  const Wiped wipe(text);
  return ParseKeyFile(text, path);
}

// --- Rotation: the lock and the new key ---

KeyFileLock::KeyFileLock(int fd, std::string key_path) : fd_(fd), key_path_(std::move(key_path)) {}

KeyFileLock::KeyFileLock(KeyFileLock&& other) noexcept : fd_(other.fd_), key_path_(std::move(other.key_path_)) {
  other.fd_ = -1;
}

KeyFileLock& KeyFileLock::operator=(KeyFileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    key_path_ = std::move(other.key_path_);
    other.fd_ = -1;
  }
  return *this;
}

KeyFileLock::~KeyFileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

Result<KeyFileLock> KeyFileLock::Acquire(const std::string& key_path) {
  const std::string lock_path = key_path + ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Unwritable(lock_path, "open lock file");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const bool held = errno == EWOULDBLOCK;
    Error e = held ? MakeError("key_rotation_running", "another process is changing key file " + key_path +
                                                           " (it holds " + lock_path + "); wait for it to finish")
                   : Unwritable(lock_path, "lock");
    ::close(fd);
    return e;
  }
  return KeyFileLock(fd, key_path);
}

Result<std::uint32_t> AddDataKey(const KeyFileLock& lock) {
  const std::string& path = lock.key_path();
  RXD_ASSIGN_OR_RETURN(std::string text, ReadKeyFileText(path, /*create_if_missing=*/false));
  const Wiped wipe_text(text);
  RXD_ASSIGN_OR_RETURN(const KeyRing ring, ParseKeyFile(text, path));
  std::uint32_t highest = 0;
  for (const std::uint32_t id : ring.key_ids()) highest = std::max(highest, id);
  if (highest == UINT32_MAX) {
    return MakeError("key_file_full", "key file " + path + " already uses data key id 4294967295; no id is left");
  }
  const std::uint32_t key_id = highest + 1;

  std::string key = RandomBytes(kSecretKeyBytes);
  const Wiped wipe_key(key);
  std::string encoded = Base64UrlEncode(key);
  const Wiped wipe_encoded(encoded);
  std::string line = "data " + std::to_string(key_id) + " " + encoded + "\n";
  const Wiped wipe_line(line);
  std::string updated = text;
  const Wiped wipe_updated(updated);
  updated.insert(FirstDataLineOffset(text), line);
  RXD_TRY(ReplaceKeyFile(path, updated));
  return key_id;
}

}  // namespace rxdesk
