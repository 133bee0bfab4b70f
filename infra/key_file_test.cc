#include "infra/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
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
      {"", 1},                                                                     // empty
      {"# only a comment\n", 1},                                                   // no header
      {"rxdesk-keys\n", 1},                                                        // no version
      {"rxdesk-keys 2\n" + data_a + index, 1},                                     // future version
      {data_a + "rxdesk-keys 1\n" + index, 1},                                     // header not first
      {"rxdesk-keys 1\n" + data_a, 2},                                             // no index: last line
      {"rxdesk-keys 1\n" + index, 2},                                              // no data key
      {"rxdesk-keys 1\ndata 1\n" + index, 2},                                      // missing key
      {"rxdesk-keys 1\ndata one " + kKeyA + "\n" + index, 2},                      // key id not a number
      {"rxdesk-keys 1\ndata -1 " + kKeyA + "\n" + index, 2},
      {"rxdesk-keys 1\ndata 4294967296 " + kKeyA + "\n" + index, 2},               // 2^32
      {"rxdesk-keys 1\n# c\ndata 1 " + kKeyA.substr(1) + "\n" + index, 3},         // 31.x bytes
      {"rxdesk-keys 1\ndata 1 " + kKeyA + "=\n" + index, 2},                       // padding
      {"rxdesk-keys 1\ndata 1 " + Base64UrlEncode(std::string(33, 'A')) + "\n" + index, 2},
      {"rxdesk-keys 1\n" + data_a + "data 1 " + kKeyB + "\n" + index, 3},          // repeated id
      {"rxdesk-keys 1\n" + data_a + index + index, 4},                             // two index keys
      {"rxdesk-keys 1\n" + data_a + "index\n", 3},
      {"rxdesk-keys 1\n" + data_a + "index " + kKeyI + " extra\n", 3},
      {"rxdesk-keys 1\n" + data_a + "secret " + kKeyB + "\n" + index, 3},          // unknown record
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

}  // namespace
}  // namespace rxdesk
