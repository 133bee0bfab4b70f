#include "infra/key_file.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace rxdesk {
namespace {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed afterwards.
class KeyDir {
 public:
  KeyDir() {
    std::string pattern = (fs::temp_directory_path() / "rxdesk-keys-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) != nullptr ? pattern : std::string();
  }
  KeyDir(const KeyDir&) = delete;
  KeyDir& operator=(const KeyDir&) = delete;
  ~KeyDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  std::string File(std::string_view name) const { return (fs::path(path_) / name).string(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const std::string& path, std::string_view text, mode_t mode) {
  std::ofstream(path, std::ios::binary) << text;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

// Two fixed keys in base64url: 32 bytes of 'A' (0x41) and of 'B' (0x42).
const std::string kKeyA = Base64UrlEncode(std::string(32, 'A'));
const std::string kKeyB = Base64UrlEncode(std::string(32, 'B'));
const std::string kKeyI = Base64UrlEncode(std::string(32, 'I'));

constexpr std::string_view kAd = "members/01JDB3Q7Z8M4X9K2T6R5W0HNCE/phone";

// --- Creating and loading ---

TEST(LoadOrCreateKeyFile, CreatesAPrivateFileThatLoadsBackToTheSameKeys) {
  KeyDir dir;
  const std::string path = dir.File("rxdesk.key");
  const mode_t old_umask = ::umask(0);  // the file must be 0600 even under a permissive umask
  auto created = LoadOrCreateKeyFile(path, true);
  ::umask(old_umask);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(ModeOf(path), 0600u);
  const std::string text = ReadAll(path);
  EXPECT_NE(text.find("\nrxdesk-keys 1\ndata 1 "), std::string::npos) << "comment, header, data line";
  EXPECT_NE(text.find("\nindex "), std::string::npos);

  auto loaded = LoadOrCreateKeyFile(path, false);
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->Current().key_id(), 1u);
  auto opened = loaded->Decrypt(created->Current().Encrypt("555-0100", kAd), kAd);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "555-0100");
  EXPECT_EQ(loaded->Index().Compute("rivera"), created->Index().Compute("rivera"));
  // Nothing but the key file is left in the directory (no temp files).
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(LoadOrCreateKeyFile, GivesEachNewFileItsOwnKeys) {
  KeyDir dir;
  auto a = LoadOrCreateKeyFile(dir.File("a.key"), true);
  auto b = LoadOrCreateKeyFile(dir.File("b.key"), true);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->Index().Compute("rivera"), b->Index().Compute("rivera"));
  EXPECT_FALSE(b->Decrypt(a->Current().Encrypt("x", kAd), kAd).ok());
}

TEST(LoadOrCreateKeyFile, RacingCreatorsEndUpWithTheSameKeys) {
  for (int round = 0; round < 10; ++round) {
    KeyDir dir;
    const std::string path = dir.File("rxdesk.key");
    std::optional<Result<KeyRing>> first;
    std::optional<Result<KeyRing>> second;
    std::thread t1([&] { first.emplace(LoadOrCreateKeyFile(path, true)); });
    std::thread t2([&] { second.emplace(LoadOrCreateKeyFile(path, true)); });
    t1.join();
    t2.join();
    ASSERT_TRUE(first->ok() && second->ok());
    EXPECT_EQ((*first)->Index().Compute("x"), (*second)->Index().Compute("x")) << round;
  }
}

TEST(LoadOrCreateKeyFile, RefusesAMissingFileUnlessAskedToCreateOne) {
  KeyDir dir;
  const std::string path = dir.File("rxdesk.key");
  auto r = LoadOrCreateKeyFile(path, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "key_file_missing");
  EXPECT_NE(r.error().message.find(path), std::string::npos);
  EXPECT_FALSE(fs::exists(path));
}

TEST(LoadOrCreateKeyFile, ReportsAnUncreatableFile) {
  KeyDir dir;
  auto r = LoadOrCreateKeyFile(dir.File("no/such/dir/rxdesk.key"), true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "key_file_unwritable");
}

TEST(LoadOrCreateKeyFile, RefusesAnyAccessForGroupOrOthersNamingPathAndMode) {
  KeyDir dir;
  const std::string path = dir.File("rxdesk.key");
  const std::string text = "rxdesk-keys 1\ndata 1 " + kKeyA + "\nindex " + kKeyI + "\n";
  for (const mode_t mode : {0644, 0640, 0604, 0620, 0602, 0610, 0601, 0666, 0777}) {
    WriteFile(path, text, mode);
    auto r = LoadOrCreateKeyFile(path, false);
    ASSERT_FALSE(r.ok()) << std::oct << mode;
    EXPECT_EQ(r.error().code, "key_file_insecure");
    char octal[8];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode));
    EXPECT_NE(r.error().message.find(path), std::string::npos);
    EXPECT_NE(r.error().message.find(octal), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find(kKeyA), std::string::npos);
    EXPECT_EQ(r.error().message.find(kKeyI), std::string::npos);
  }
  for (const mode_t mode : {0600, 0400}) {
    WriteFile(path, text, mode);
    EXPECT_TRUE(LoadOrCreateKeyFile(path, false).ok()) << std::oct << mode;
  }
}

TEST(LoadOrCreateKeyFile, RefusesDirectoriesAndFifosWithoutHanging) {
  KeyDir dir;
  const std::string sub = dir.File("sub");
  fs::create_directory(sub);
  ::chmod(sub.c_str(), 0700);
  auto as_dir = LoadOrCreateKeyFile(sub, false);
  ASSERT_FALSE(as_dir.ok());
  EXPECT_EQ(as_dir.error().code, "key_file_invalid");
  const std::string fifo = dir.File("fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto as_fifo = LoadOrCreateKeyFile(fifo, false);
  ASSERT_FALSE(as_fifo.ok());
  EXPECT_EQ(as_fifo.error().code, "key_file_invalid");
}

TEST(LoadOrCreateKeyFile, RefusesAHugeFile) {
  KeyDir dir;
  const std::string path = dir.File("rxdesk.key");
  WriteFile(path, "rxdesk-keys 1\n" + std::string(100 * 1024, '#'), 0600);
  auto r = LoadOrCreateKeyFile(path, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "key_file_invalid");
}

// --- Parsing ---

TEST(ParseKeyFile, ReadsCommentsBlankLinesCrlfAndSeveralDataKeysFirstIsCurrent) {
  const std::string text = "# rotated 2026-11-01\r\n\r\nrxdesk-keys 1\r\n  data 2 " + kKeyB + "\r\ndata\t1\t" + kKeyA +
                           "\r\nindex " + kKeyI;  // no final newline
  auto ring = ParseKeyFile(text, "test.key");
  ASSERT_TRUE(ring.ok()) << ring.error().message;
  EXPECT_EQ(ring->data_key_count(), 2u);
  EXPECT_EQ(ring->Current().key_id(), 2u);
  ASSERT_NE(ring->Find(1), nullptr);
  EXPECT_EQ(ring->Find(3), nullptr);

  // A value sealed before the rotation (key 1 alone) still opens; new ones use key 2.
  auto old_ring = ParseKeyFile("rxdesk-keys 1\ndata 1 " + kKeyA + "\nindex " + kKeyI + "\n", "old.key");
  ASSERT_TRUE(old_ring.ok());
  const std::string old_blob = old_ring->Current().Encrypt("555-0100", kAd);
  auto opened = ring->Decrypt(old_blob, kAd);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "555-0100");
  EXPECT_EQ(FieldCipher::KeyIdOf(ring->Current().Encrypt("x", kAd)), 2u);
  // The blind index does not change with data-key rotation.
  EXPECT_EQ(ring->Index().Compute("rivera"), old_ring->Index().Compute("rivera"));
}

TEST(KeyRingDecrypt, RefusesBlobsUnderUnknownKeysAndGarbage) {
  auto ring = ParseKeyFile("rxdesk-keys 1\ndata 1 " + kKeyA + "\nindex " + kKeyI + "\n", "a.key");
  auto other = ParseKeyFile("rxdesk-keys 1\ndata 7 " + kKeyB + "\nindex " + kKeyI + "\n", "b.key");
  ASSERT_TRUE(ring.ok() && other.ok());
  auto unknown = ring->Decrypt(other->Current().Encrypt("x", kAd), kAd);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, "decrypt_failed");
  EXPECT_NE(unknown.error().message.find("7"), std::string::npos);
  for (const std::string& garbage : {std::string(), std::string("x"), std::string(100, '\0')}) {
    auto r = ring->Decrypt(garbage, kAd);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "decrypt_failed");
  }
}

TEST(ParseKeyFile, RefusesMalformedFilesNamingTheLine) {
  const std::string data_a = "data 1 " + kKeyA + "\n";
  const std::string index = "index " + kKeyI + "\n";
  const struct {
    std::string text;
    int line;
  } kCases[] = {
      {"", 1},                                                 // empty
      {"# only a comment\n", 1},                               // no header
      {"rxdesk-keys\n", 1},                                    // no version
      {"rxdesk-keys 2\n" + data_a + index, 1},                 // future version
      {data_a + "rxdesk-keys 1\n" + index, 1},                 // header not first
      {"rxdesk-keys 1\n" + data_a, 2},                         // no index: last line
      {"rxdesk-keys 1\n" + index, 2},                          // no data key
      {"rxdesk-keys 1\ndata 1\n" + index, 2},                  // missing key
      {"rxdesk-keys 1\ndata one " + kKeyA + "\n" + index, 2},  // key id not a number
      {"rxdesk-keys 1\ndata -1 " + kKeyA + "\n" + index, 2},
      {"rxdesk-keys 1\ndata 4294967296 " + kKeyA + "\n" + index, 2},        // 2^32
      {"rxdesk-keys 1\n# c\ndata 1 " + kKeyA.substr(1) + "\n" + index, 3},  // 31.x bytes
      {"rxdesk-keys 1\ndata 1 " + kKeyA + "=\n" + index, 2},                // padding
      {"rxdesk-keys 1\ndata 1 " + Base64UrlEncode(std::string(33, 'A')) + "\n" + index, 2},
      {"rxdesk-keys 1\n" + data_a + "data 1 " + kKeyB + "\n" + index, 3},  // repeated id
      {"rxdesk-keys 1\n" + data_a + index + index, 4},                     // two index keys
      {"rxdesk-keys 1\n" + data_a + "index\n", 3},
      {"rxdesk-keys 1\n" + data_a + "index " + kKeyI + " extra\n", 3},
      {"rxdesk-keys 1\n" + data_a + "secret " + kKeyB + "\n" + index, 3},  // unknown record
  };
  for (const auto& c : kCases) {
    auto r = ParseKeyFile(c.text, "bad.key");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.error().code, "key_file_invalid") << c.text;
    EXPECT_NE(r.error().message.find("bad.key line " + std::to_string(c.line) + ":"), std::string::npos)
        << r.error().message;
    ASSERT_FALSE(r.error().details.empty());
    EXPECT_EQ(r.error().details[0], std::make_pair(std::string("line"), std::to_string(c.line)));
    for (const std::string& key : {kKeyA, kKeyB, kKeyI}) {
      EXPECT_EQ(r.error().message.find(key), std::string::npos) << "key material in: " << r.error().message;
    }
  }
}

TEST(ParseKeyFile, AcceptsTheExtremeKeyIds) {
  for (const char* id : {"0", "4294967295"}) {
    auto r = ParseKeyFile("rxdesk-keys 1\ndata " + std::string(id) + " " + kKeyA + "\nindex " + kKeyI, "k");
    ASSERT_TRUE(r.ok()) << id;
    EXPECT_EQ(r->Current().key_id(), std::stoul(id));
  }
}

TEST(KeyRing, GenerateMakesFreshKeysUnderTheGivenId) {
  const KeyRing a = KeyRing::Generate(5);
  const KeyRing b = KeyRing::Generate(5);
  EXPECT_EQ(a.Current().key_id(), 5u);
  EXPECT_NE(a.Index().Compute("x"), b.Index().Compute("x"));
  const std::string blob = a.Current().Encrypt("x", kAd);
  EXPECT_TRUE(a.Decrypt(blob, kAd).ok());
  EXPECT_FALSE(b.Decrypt(blob, kAd).ok());
}

// --- Rotation: adding a data key under the lock ---

// The key ids of the file at `path`, current first (empty when it does not load).
std::vector<std::uint32_t> KeyIdsOf(const std::string& path) {
  auto ring = LoadOrCreateKeyFile(path, false);
  EXPECT_TRUE(ring.ok()) << ring.error().message;
  return ring.ok() ? ring->key_ids() : std::vector<std::uint32_t>{};
}

TEST(AddDataKey, PutsAFreshKeyFirstKeepsEveryOldLineAndStaysPrivate) {
  KeyDir dir;
  const std::string path = dir.File("rxdesk.key");
  const std::string before = "# keep me\nrxdesk-keys 1\ndata 1 " + kKeyA + "\nindex " + kKeyI + "\n";
  WriteFile(path, before, 0600);
  auto old_ring = LoadOrCreateKeyFile(path, false);
  ASSERT_TRUE(old_ring.ok());
  const std::string old_blob = old_ring->Current().Encrypt("555-0100", kAd);

  auto lock = KeyFileLock::Acquire(path);
  ASSERT_TRUE(lock.ok()) << lock.error().message;
  const mode_t old_umask = ::umask(0);  // the new file must be 0600 even under a permissive umask
  auto added = AddDataKey(*lock);
  ::umask(old_umask);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(*added, 2u);
  EXPECT_EQ(ModeOf(path), 0600u);

  // The new file is the old one with one `data` line inserted above the first.
  const std::string after = ReadAll(path);
  const std::size_t inserted = after.find("data 2 ");
  ASSERT_EQ(inserted, before.find("data 1 "));
  const std::size_t line_end = after.find('\n', inserted);
  EXPECT_EQ(after.substr(0, inserted) + after.substr(line_end + 1), before);
  EXPECT_GT(after.find(kKeyA), line_end) << "the old key stays below the new line";

  auto ring = LoadOrCreateKeyFile(path, false);
  ASSERT_TRUE(ring.ok()) << ring.error().message;
  EXPECT_EQ(ring->key_ids(), (std::vector<std::uint32_t>{2, 1}));
  auto opened = ring->Decrypt(old_blob, kAd);
  ASSERT_TRUE(opened.ok()) << "a value sealed before the rotation still opens";
  EXPECT_EQ(*opened, "555-0100");
  EXPECT_EQ(FieldCipher::KeyIdOf(ring->Current().Encrypt("x", kAd)), 2u);
  EXPECT_FALSE(old_ring->Decrypt(ring->Current().Encrypt("x", kAd), kAd).ok()) << "the new key is fresh";
  EXPECT_EQ(ring->Index().Compute("rivera"), old_ring->Index().Compute("rivera")) << "the index key never changes";
  // Only the key file and the lock file are left (no temporary files).
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"rxdesk.key", "rxdesk.key.lock"}));
}

TEST(AddDataKey, EachRotationAddsOneKeyAboveTheHighestIdWhereverItStands) {
  KeyDir dir;
  const std::string path = dir.File("rxdesk.key");
  WriteFile(path, "rxdesk-keys 1\ndata 3 " + kKeyA + "\ndata 7 " + kKeyB + "\nindex " + kKeyI + "\n", 0600);
  auto lock = KeyFileLock::Acquire(path);
  ASSERT_TRUE(lock.ok());
  auto first = AddDataKey(*lock);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, 8u);
  auto second = AddDataKey(*lock);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 9u);
  EXPECT_EQ(KeyIdsOf(path), (std::vector<std::uint32_t>{9, 8, 3, 7}));
}

TEST(AddDataKey, WorksOnTheFileLoadOrCreateMakesAndOnCrlfFiles) {
  KeyDir dir;
  const std::string made = dir.File("made.key");
  ASSERT_TRUE(LoadOrCreateKeyFile(made, true).ok());
  auto lock = KeyFileLock::Acquire(made);
  ASSERT_TRUE(lock.ok());
  ASSERT_TRUE(AddDataKey(*lock).ok());
  EXPECT_EQ(KeyIdsOf(made), (std::vector<std::uint32_t>{2, 1}));

  const std::string crlf = dir.File("crlf.key");
  WriteFile(crlf, "rxdesk-keys 1\r\n\tdata 1 " + kKeyA + "\r\nindex " + kKeyI, 0600);  // no final newline
  auto crlf_lock = KeyFileLock::Acquire(crlf);
  ASSERT_TRUE(crlf_lock.ok());
  ASSERT_TRUE(AddDataKey(*crlf_lock).ok());
  EXPECT_EQ(KeyIdsOf(crlf), (std::vector<std::uint32_t>{2, 1}));
}

TEST(AddDataKey, RefusesWhenTheHighestIdIsTakenLeavingTheFileAlone) {
  KeyDir dir;
  const std::string path = dir.File("rxdesk.key");
  const std::string text = "rxdesk-keys 1\ndata 4294967295 " + kKeyA + "\nindex " + kKeyI + "\n";
  WriteFile(path, text, 0600);
  auto lock = KeyFileLock::Acquire(path);
  ASSERT_TRUE(lock.ok());
  auto r = AddDataKey(*lock);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "key_file_full");
  EXPECT_EQ(ReadAll(path), text);
  // Just below the top, the last id is still given out.
  const std::string below = "rxdesk-keys 1\ndata 4294967294 " + kKeyA + "\nindex " + kKeyI + "\n";
  WriteFile(path, below, 0600);
  auto last = AddDataKey(*lock);
  ASSERT_TRUE(last.ok()) << last.error().message;
  EXPECT_EQ(*last, 4294967295u);
}

TEST(AddDataKey, RefusesAMissingInsecureOrInvalidFileAndChangesNothing) {
  KeyDir dir;
  const std::string path = dir.File("rxdesk.key");
  {
    auto lock = KeyFileLock::Acquire(path);
    ASSERT_TRUE(lock.ok());
    auto missing = AddDataKey(*lock);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, "key_file_missing");
    EXPECT_FALSE(fs::exists(path)) << "rotation never creates a key file";
  }
  const std::string text = "rxdesk-keys 1\ndata 1 " + kKeyA + "\nindex " + kKeyI + "\n";
  WriteFile(path, text, 0644);
  auto lock = KeyFileLock::Acquire(path);
  ASSERT_TRUE(lock.ok());
  auto insecure = AddDataKey(*lock);
  ASSERT_FALSE(insecure.ok());
  EXPECT_EQ(insecure.error().code, "key_file_insecure");
  EXPECT_EQ(ReadAll(path), text);
  EXPECT_EQ(ModeOf(path), 0644u);

  const std::string broken = "rxdesk-keys 1\ndata 1 " + kKeyA + "\n";  // no index key
  WriteFile(path, broken, 0600);
  auto invalid = AddDataKey(*lock);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().code, "key_file_invalid");
  EXPECT_EQ(ReadAll(path), broken);
}

TEST(AddDataKey, AReaderAlwaysSeesAWholeFileWhileKeysAreAdded) {
  KeyDir dir;
  const std::string path = dir.File("rxdesk.key");
  ASSERT_TRUE(LoadOrCreateKeyFile(path, true).ok());
  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::atomic<int> failures{0};
  std::thread reader([&] {
    while (!done.load()) {
      if (!LoadOrCreateKeyFile(path, false).ok()) failures.fetch_add(1);
      reads.fetch_add(1);
    }
  });
  auto lock = KeyFileLock::Acquire(path);
  ASSERT_TRUE(lock.ok());
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(AddDataKey(*lock).ok());
  done.store(true);
  reader.join();
  EXPECT_EQ(failures.load(), 0) << "of " << reads.load() << " reads";
  EXPECT_EQ(KeyIdsOf(path).size(), 21u);
  EXPECT_EQ(KeyIdsOf(path).front(), 21u);
}

TEST(KeyFileLock, IsExclusiveUntilReleased) {
  KeyDir dir;
  const std::string path = dir.File("rxdesk.key");
  {
    auto first = KeyFileLock::Acquire(path);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->key_path(), path);
    EXPECT_EQ(ModeOf(path + ".lock"), 0600u);
    auto second = KeyFileLock::Acquire(path);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().code, "key_rotation_running");
    EXPECT_NE(second.error().message.find(path), std::string::npos);
    KeyFileLock moved = std::move(*first);  // the lock travels with the object
    EXPECT_FALSE(KeyFileLock::Acquire(path).ok());
  }
  EXPECT_TRUE(KeyFileLock::Acquire(path).ok()) << "released when destroyed";
  // Another key file has its own lock.
  auto a = KeyFileLock::Acquire(dir.File("a.key"));
  auto b = KeyFileLock::Acquire(dir.File("b.key"));
  EXPECT_TRUE(a.ok() && b.ok());
}

TEST(KeyFileLock, IsReleasedWhenTheHolderIsKilled) {
  KeyDir dir;
  const std::string path = dir.File("rxdesk.key");
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto held = KeyFileLock::Acquire(path);
    const char byte = held.ok() ? 'y' : 'n';
    (void)!::write(ready[1], &byte, 1);
    for (;;) ::pause();
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::close(ready[0]);
  ::close(ready[1]);
  ASSERT_EQ(byte, 'y');
  EXPECT_FALSE(KeyFileLock::Acquire(path).ok()) << "held by the child";
  ::kill(child, SIGKILL);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  EXPECT_TRUE(KeyFileLock::Acquire(path).ok()) << "kill -9 releases the lock";
}

TEST(KeyFileLock, ReportsALockFileThatCannotBeCreated) {
  KeyDir dir;
  auto r = KeyFileLock::Acquire(dir.File("no/such/dir/rxdesk.key"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "key_file_unwritable");
}

TEST(KeyRing, KeyIdsListsTheCurrentKeyFirst) {
  auto ring = ParseKeyFile("rxdesk-keys 1\ndata 5 " + kKeyA + "\ndata 2 " + kKeyB + "\nindex " + kKeyI, "k");
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->key_ids(), (std::vector<std::uint32_t>{5, 2}));
}

}  // namespace
}  // namespace rxdesk
