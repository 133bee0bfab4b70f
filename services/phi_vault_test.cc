// The vault's field encryption and how it follows a key file that another
// process rotates: unknown key ids reload it (rate-limited), a new current key
// is noticed within the check interval, and failed reloads keep the keys in use.
#include "services/phi_vault.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "tests/support/server_process.h"

namespace rxdesk {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

// A steady clock the test moves by hand.
class FakeSteady {
 public:
  std::chrono::steady_clock::time_point Now() const { return std::chrono::steady_clock::time_point(ms_.load() * 1ms); }
  void Set(std::chrono::milliseconds t) { ms_.store(t.count()); }

 private:
  std::atomic<std::int64_t> ms_{0};
};

class PhiVaultFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.path() + "/rxdesk.key";
    auto ring = LoadOrCreateKeyFile(path_, true);
    ASSERT_TRUE(ring.ok());
    KeyReloadPolicy policy{.key_file = path_};
    policy.now = [this] { return steady_.Now(); };
    vault_ = std::make_unique<PhiVault>(std::move(*ring), std::move(policy));
  }

  // What `rxdesk keys rotate` does to the file in another process.
  std::uint32_t AddKey() {
    auto lock = KeyFileLock::Acquire(path_);
    EXPECT_TRUE(lock.ok());
    auto id = AddDataKey(*lock);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : 0;
  }

  // A vault of the file as it is now, as the rotating process holds it.
  std::unique_ptr<PhiVault> Fresh() {
    auto ring = LoadOrCreateKeyFile(path_, false);
    EXPECT_TRUE(ring.ok());
    return std::make_unique<PhiVault>(std::move(*ring));
  }

  std::uint32_t SealedKeyId() {
    return FieldCipher::KeyIdOf(vault_->Seal("members", "m1", "phone", "1").bytes).value();
  }

  TempDir dir_;
  std::string path_;
  FakeSteady steady_;
  std::unique_ptr<PhiVault> vault_;
};

TEST(PhiVault, SealsEachFieldBoundToItsTableRowAndField) {
  const PhiVault vault(KeyRing::Generate(3));
  const Blob sealed = vault.Seal("members", "m1", "phone", "555-0100");
  EXPECT_EQ(FieldCipher::KeyIdOf(sealed.bytes), 3u);
  EXPECT_EQ(vault.current_key_id(), 3u);
  EXPECT_EQ(vault.key_ids(), std::vector<std::uint32_t>{3});
  auto opened = vault.Open("members", "m1", "phone", Value(sealed));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "555-0100");
  for (const auto& [table, id, field] : {std::tuple{"members", "m2", "phone"}, std::tuple{"members", "m1", "email"},
                                         std::tuple{"orders", "m1", "phone"}}) {
    auto moved = vault.Open(table, id, field, Value(sealed));
    ASSERT_FALSE(moved.ok()) << table << "/" << id << "/" << field;
    EXPECT_EQ(moved.error().code, "decrypt_failed");
    EXPECT_EQ(moved.error().message.find("555"), std::string::npos);
  }
  EXPECT_FALSE(vault.Open("members", "m1", "phone", Value()).ok());
  EXPECT_EQ(PhiVault::AssociatedData("members", "m1", "phone"), "members/m1/phone");
}

TEST(PhiVault, FixedKeysCannotBeReloaded) {
  const PhiVault vault(KeyRing::Generate());
  const Status s = vault.Reload();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "invalid_request");
}

TEST_F(PhiVaultFileTest, OpensAValueUnderAKeyAddedAfterItLoadedTheFile) {
  const Blob old_value = vault_->Seal("members", "m1", "phone", "old");
  EXPECT_EQ(AddKey(), 2u);
  const auto rotating = Fresh();
  const Blob new_value = rotating->Seal("members", "m1", "phone", "new");
  // No time has passed: the unknown key id alone triggers the reload.
  auto opened = vault_->Open("members", "m1", "phone", Value(new_value));
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(*opened, "new");
  EXPECT_EQ(*vault_->Open("members", "m1", "phone", Value(old_value)), "old");
  EXPECT_EQ(vault_->key_ids(), (std::vector<std::uint32_t>{2, 1}));
  EXPECT_EQ(vault_->Index("rivera"), rotating->Index("rivera"));
}

TEST_F(PhiVaultFileTest, UnknownKeysReloadTheFileAtMostOncePerInterval) {
  // A value under a key no file will ever hold: it costs a reload, then is refused.
  const KeyRing stranger = KeyRing::Generate(99);
  const Value foreign(Blob{stranger.Current().Encrypt("x", "members/m1/phone")});
  steady_.Set(10'000ms);
  EXPECT_FALSE(vault_->Open("members", "m1", "phone", foreign).ok());
  AddKey();
  const Value new_value(Fresh()->Seal("members", "m1", "phone", "new"));
  steady_.Set(10'999ms);  // just below the interval: no second reload yet
  auto early = vault_->Open("members", "m1", "phone", new_value);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, "decrypt_failed");
  steady_.Set(11'000ms);  // on it
  EXPECT_TRUE(vault_->Open("members", "m1", "phone", new_value).ok());
  // Once known, the key needs no reload at all.
  steady_.Set(11'001ms);
  EXPECT_TRUE(vault_->Open("members", "m1", "phone", new_value).ok());
}

TEST_F(PhiVaultFileTest, SealsUnderANewCurrentKeyFromTheFirstCheckAfterTheChange) {
  EXPECT_EQ(SealedKeyId(), 1u);
  AddKey();
  steady_.Set(1'999ms);  // the first check is due at 2000 ms
  EXPECT_EQ(SealedKeyId(), 1u);
  EXPECT_EQ(vault_->current_key_id(), 1u);
  steady_.Set(2'000ms);
  EXPECT_EQ(SealedKeyId(), 2u);
  EXPECT_EQ(vault_->current_key_id(), 2u);
  // The next change is seen one interval after the last check, not before.
  AddKey();
  steady_.Set(3'999ms);
  EXPECT_EQ(SealedKeyId(), 2u);
  steady_.Set(4'000ms);
  EXPECT_EQ(SealedKeyId(), 3u);
  EXPECT_EQ(vault_->key_ids(), (std::vector<std::uint32_t>{3, 2, 1}));
}

TEST_F(PhiVaultFileTest, AFileMadeReadableByOthersIsNotReloadedUntilItIsPrivateAgain) {
  const Blob old_value = vault_->Seal("members", "m1", "phone", "old");
  AddKey();
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);
  steady_.Set(2'000ms);
  EXPECT_EQ(SealedKeyId(), 1u) << "the keys in use stay";
  EXPECT_TRUE(vault_->Open("members", "m1", "phone", Value(old_value)).ok());
  const Status explicit_reload = vault_->Reload();
  ASSERT_FALSE(explicit_reload.ok());
  EXPECT_EQ(explicit_reload.error().code, "key_file_insecure");
  ASSERT_EQ(::chmod(path_.c_str(), 0600), 0);
  steady_.Set(4'000ms);
  EXPECT_EQ(SealedKeyId(), 2u);
}

TEST_F(PhiVaultFileTest, AMissingOrBrokenFileKeepsTheKeysInUse) {
  const std::string saved = path_ + ".saved";
  std::filesystem::rename(path_, saved);
  steady_.Set(2'000ms);
  EXPECT_EQ(SealedKeyId(), 1u);
  EXPECT_EQ(vault_->Reload().error().code, "key_file_missing");
  {
    std::FILE* f = std::fopen(path_.c_str(), "w");
    std::fputs("rxdesk-keys 1\n", f);  // no keys
    std::fclose(f);
    ::chmod(path_.c_str(), 0600);
  }
  steady_.Set(4'000ms);
  EXPECT_EQ(SealedKeyId(), 1u);
  EXPECT_EQ(vault_->Reload().error().code, "key_file_invalid");
}

TEST_F(PhiVaultFileTest, RefusesAKeyFileWithAnotherBlindIndexKey) {
  const std::string index_before = vault_->IndexOf("Rivera");
  const std::string other = dir_.path() + "/other.key";
  ASSERT_TRUE(LoadOrCreateKeyFile(other, true).ok());
  {
    auto lock = KeyFileLock::Acquire(other);
    ASSERT_TRUE(AddDataKey(*lock).ok());  // key 2, like a rotation, but another installation's file
  }
  std::filesystem::rename(other, path_);
  const Status s = vault_->Reload();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "key_file_invalid");
  steady_.Set(2'000ms);
  EXPECT_EQ(SealedKeyId(), 1u);
  EXPECT_EQ(vault_->IndexOf("Rivera"), index_before);
}

TEST_F(PhiVaultFileTest, ReloadOnDemandPicksUpANewKeyAtOnce) {
  AddKey();
  ASSERT_TRUE(vault_->Reload().ok());
  EXPECT_EQ(SealedKeyId(), 2u);
  // Reloading an unchanged file changes nothing.
  ASSERT_TRUE(vault_->Reload().ok());
  EXPECT_EQ(vault_->key_ids(), (std::vector<std::uint32_t>{2, 1}));
}

TEST(PhiVaultThreads, ReadersAndWritersNeverFailWhileKeysAreAdded) {
  TempDir dir;
  const std::string path = dir.path() + "/rxdesk.key";
  auto ring = LoadOrCreateKeyFile(path, true);
  ASSERT_TRUE(ring.ok());
  // Real time, and intervals of zero: every call may check and reload.
  const PhiVault vault(std::move(*ring), {.key_file = path, .check_interval = 0ms, .min_reload_interval = 0ms});
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<std::uint32_t> newest_seen{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string id = "m" + std::to_string(t);
      while (!stop.load()) {
        const Blob b = vault.Seal("members", id, "phone", id);
        const auto opened = vault.Open("members", id, "phone", Value(b));
        if (!opened.ok() || *opened != id) failures.fetch_add(1);
        std::uint32_t seen = newest_seen.load();
        const std::uint32_t key = FieldCipher::KeyIdOf(b.bytes).value_or(0);
        while (key > seen && !newest_seen.compare_exchange_weak(seen, key)) {
        }
      }
    });
  }
  // A second process's values: the readers open them as soon as the key exists.
  for (int i = 0; i < 10; ++i) {
    auto lock = KeyFileLock::Acquire(path);
    ASSERT_TRUE(lock.ok());
    ASSERT_TRUE(AddDataKey(*lock).ok());
    auto now = LoadOrCreateKeyFile(path, false);
    ASSERT_TRUE(now.ok());
    const PhiVault other(std::move(*now));
    auto opened = vault.Open("members", "x", "phone", Value(other.Seal("members", "x", "phone", "v")));
    EXPECT_TRUE(opened.ok()) << i;
    std::this_thread::sleep_for(5ms);
  }
  stop.store(true);
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(vault.current_key_id(), 11u);
  EXPECT_EQ(FieldCipher::KeyIdOf(vault.Seal("members", "m", "phone", "x").bytes), 11u);
}

}  // namespace
}  // namespace rxdesk
