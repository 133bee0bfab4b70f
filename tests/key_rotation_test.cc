// `rxdesk keys rotate` end to end, with the real binary: a server keeps
// answering reads while another process rotates the data key under it; no
// value is left under the old key (read from the SQLite file itself); the
// server's writes afterwards use the new key; a rotation killed with -9 is
// finished by the next run without adding a key; refusals; and the audit
// chain still verifies.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "infra/key_file.h"
#include "store/db.h"
#include "tests/e2e_env.h"

extern char** environ;

namespace rxdesk::testing {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Every sealed column of the schema, written out here rather than taken from the
// code under test: the check must not share a mistake with it.
const std::map<std::string, std::vector<std::string>> kSealedColumns = {
    {"members",
     {"member_number_enc", "first_name_enc", "last_name_enc", "date_of_birth_enc", "address_enc", "email_enc",
      "phone_enc"}},
    {"users", {"totp_secret_enc"}},
    {"fills", {"override_reason_enc"}},
    {"orders", {"address_enc"}},
    {"privacy_incidents",
     {"reported_by_enc", "summary_enc", "phi_involved_enc", "unauthorized_person_enc", "mitigation_enc",
      "resolution_enc"}},
};

Blob KeyIdBytes(std::uint32_t id) {
  return Blob{std::string{static_cast<char>(id >> 24), static_cast<char>(id >> 16), static_cast<char>(id >> 8),
                          static_cast<char>(id)}};
}

std::unique_ptr<Connection> OpenDatabase(const std::string& data_dir) {
  auto db = OpenSqlite({.path = data_dir + "/rxdesk.db"});
  EXPECT_TRUE(db.ok()) << db.error().message;
  return db.ok() ? std::move(*db) : nullptr;
}

std::int64_t Count(Connection& db, const std::string& sql, std::vector<Value> params = {}) {
  auto rows = db.Query(sql, params);
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.error().message;
  return rows.ok() ? rows->at(0).Int(0) : -1;
}

bool TableExists(Connection& db, const std::string& table) {
  return Count(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", {Value(table)}) == 1;
}

// Sealed values under `key_id`, summed over every sealed column of every table.
std::int64_t ValuesUnderKey(const std::string& data_dir, std::uint32_t key_id) {
  auto db = OpenDatabase(data_dir);
  if (!db) return -1;
  std::int64_t n = 0;
  for (const auto& [table, columns] : kSealedColumns) {
    if (!TableExists(*db, table)) continue;  // a table of a later migration
    for (const std::string& column : columns) {
      n += Count(*db, "SELECT COUNT(*) FROM " + table + " WHERE substr(" + column + ", 2, 4) = ?",
                 {Value(KeyIdBytes(key_id))});
    }
  }
  return n;
}

std::vector<std::uint32_t> KeyIdsInFile(const std::string& data_dir) {
  auto ring = LoadOrCreateKeyFile(data_dir + "/rxdesk.key", false);
  EXPECT_TRUE(ring.ok()) << ring.error().message;
  return ring.ok() ? ring->key_ids() : std::vector<std::uint32_t>{};
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A seeded data dir of its own.
void Seed(const std::string& data_dir, int members) {
  const CommandResult r = Rxdesk({"seed", "--demo", "--members", std::to_string(members)}, data_dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

// `rxdesk keys rotate` running in the background, output in files.
class BackgroundRotate {
 public:
  BackgroundRotate(const std::string& data_dir, std::vector<std::string> extra) {
    out_ = data_dir + "/../rotate.out";
    std::vector<std::string> args = {RxdeskBinary(), "keys", "rotate", "--data-dir", data_dir};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
      if (!std::string_view(*e).starts_with("RXDESK_")) env.emplace_back(*e);
    }
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(fd, 1);
      dup2(fd, 2);
      std::vector<char*> a, v;
      for (auto& s : args) a.push_back(s.data());
      a.push_back(nullptr);
      for (auto& s : env) v.push_back(s.data());
      v.push_back(nullptr);
      execve(a[0], a.data(), v.data());
      _exit(127);
    }
  }
  ~BackgroundRotate() { Kill9(); }
  void Kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }
  bool Running() const { return pid_ > 0 && ::waitpid(pid_, nullptr, WNOHANG) == 0; }
  std::string Output() const { return ReadText(out_); }

 private:
  pid_t pid_ = -1;
  std::string out_;
};

std::string Login(HttpClient& client, const std::string& data_dir, const std::string& username) {
  const CommandResult totp = Rxdesk({"user", "totp", "--username", username}, data_dir);
  EXPECT_EQ(totp.exit_code, 0) << totp.err;
  const HttpResult r = client.Post(
      "/v1/auth/login",
      {{"username", username}, {"password", kDemoPassword}, {"totp", totp.out.substr(0, totp.out.find('\n'))}});
  EXPECT_EQ(r.status, 200) << r.body;
  return r.status == 200 ? r.json()["token"].get<std::string>() : "";
}

std::vector<std::string> MemberIds(const std::string& data_dir) {
  auto db = OpenDatabase(data_dir);
  std::vector<std::string> ids;
  if (!db) return ids;
  auto rows = db->Query("SELECT id FROM members ORDER BY id");
  EXPECT_TRUE(rows.ok());
  for (const Row& r : *rows) ids.push_back(r.Text(0));
  return ids;
}

// ---- the main scenario ---------------------------------------------------------

TEST(KeyRotation, AServerKeepsReadingWhileAnotherProcessRotatesAndThenWritesUnderTheNewKey) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  Seed(data, 150);
  ASSERT_EQ(KeyIdsInFile(data), std::vector<std::uint32_t>{1});
  const std::int64_t sealed_before = ValuesUnderKey(data, 1);
  ASSERT_GT(sealed_before, 150 * 5);

  ServerProcess server(data);
  HttpClient client("127.0.0.1", server.port());
  // Pharmacists read any member without a contact; agents would need a verified one.
  const std::string token = Login(client, data, "pharmacist.demo");
  ASSERT_FALSE(token.empty());
  const std::vector<std::string> ids = MemberIds(data);
  ASSERT_EQ(ids.size(), 150u);
  std::map<std::string, std::string> before;
  for (const std::string& id : ids) {
    const HttpResult r = client.Get("/v1/members/" + id, token);
    ASSERT_EQ(r.status, 200) << r.body;
    before[id] = r.json().dump();
  }

  // A reader on its own connection, round and round the members, for the whole rotation.
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0}, failures{0}, reads_during{0};
  std::atomic<bool> rotating{false};
  std::string first_failure;
  std::thread reader([&] {
    HttpClient own("127.0.0.1", server.port());
    for (std::size_t i = 0; !stop.load(); ++i) {
      const std::string& id = ids[i % ids.size()];
      const HttpResult r = own.Get("/v1/members/" + id, token);
      const bool same = r.status == 200 && r.json().dump() == before[id];
      if (!same && failures.fetch_add(1) == 0) first_failure = std::to_string(r.status) + " " + r.body;
      reads.fetch_add(1);
      if (rotating.load()) reads_during.fetch_add(1);
    }
  });

  rotating.store(true);
  const CommandResult rotated = Rxdesk({"keys", "rotate", "--batch", "7"}, data);
  rotating.store(false);
  std::this_thread::sleep_for(300ms);  // and a little after
  stop.store(true);
  reader.join();

  ASSERT_EQ(rotated.exit_code, 0) << rotated.out << rotated.err;
  EXPECT_NE(rotated.err.find("added data key 2 as current"), std::string::npos) << rotated.err;
  EXPECT_NE(rotated.err.find("waiting"), std::string::npos) << "it waits for servers to see the key: " << rotated.err;
  EXPECT_NE(rotated.out.find("members: 150/150 rows re-encrypted"), std::string::npos) << rotated.out;
  EXPECT_NE(rotated.out.find("users: 5/5 rows re-encrypted"), std::string::npos) << rotated.out;
  EXPECT_NE(rotated.out.find("0 rows left under older keys"), std::string::npos) << rotated.out;
  for (const auto& [id, json] : before) {
    EXPECT_EQ(rotated.out.find(id), std::string::npos) << "no record ids in the output";
  }
  EXPECT_EQ(failures.load(), 0) << "of " << reads.load() << " reads; first: " << first_failure;
  EXPECT_GT(reads_during.load(), 100) << "the reads must overlap the rotation";

  // The SQLite file itself: nothing under key 1, everything under key 2.
  EXPECT_EQ(KeyIdsInFile(data), (std::vector<std::uint32_t>{2, 1}));
  EXPECT_EQ(ValuesUnderKey(data, 1), 0);
  EXPECT_EQ(ValuesUnderKey(data, 2), sealed_before);
  auto db = OpenDatabase(data);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM members WHERE key_id <> 2"), 0);
  // The running server noticed the new key by itself (no restart, no signal).
  EXPECT_NE(ReadText(server.log_path()).find(R"("current_key_id":2)"), std::string::npos);

  // Its writes from now on use key 2: a new member, and an update of an old one.
  const HttpResult created = client.Post("/v1/members", NewMemberBody(7), token);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string new_id = created.json()["id"].get<std::string>();
  const HttpResult patched = client.Send("PATCH", "/v1/members/" + ids[0], R"({"phone": "(512) 555-0199"})",
                                         {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  ASSERT_EQ(patched.status, 200) << patched.body;
  for (const std::string& id : {new_id, ids[0]}) {
    auto row = db->Query("SELECT key_id, first_name_enc, phone_enc FROM members WHERE id = ?", {Value(id)});
    ASSERT_TRUE(row.ok() && row->size() == 1);
    EXPECT_EQ((*row)[0].Int(0), 2);
    EXPECT_EQ(FieldCipher::KeyIdOf((*row)[0].Text(1)), 2u);
    EXPECT_EQ(FieldCipher::KeyIdOf((*row)[0].Text(2)), 2u);
  }
  EXPECT_EQ(client.Get("/v1/members/" + ids[0], token).json()["phone"], "+15125550199");

  // The rotation is in the audit log as system actions, and the chain holds.
  EXPECT_EQ(Count(*db,
                  "SELECT COUNT(*) FROM audit_log WHERE action = 'keys.rotate' AND actor_id = 'system' AND "
                  "record_type = 'data_key' AND record_id = '2'"),
            1);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM audit_log WHERE action = 'keys.reencrypt' AND record_type = 'members'"),
            (150 + 6) / 7);  // 150 members in batches of 7
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM audit_log WHERE action = 'keys.rotate.finish' AND outcome = 'ok'"), 1);
  const CommandResult verify = Rxdesk({"audit", "verify"}, data);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

// ---- interrupted, resumed, refused -------------------------------------------------

TEST(KeyRotation, AKilledRotationIsFinishedByTheNextRunWithoutAnotherKey) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  Seed(data, 300);
  const std::int64_t sealed = ValuesUnderKey(data, 1);

  BackgroundRotate first(data, {"--batch", "1"});
  // The key goes in first; then the rotation waits for servers and re-encrypts a row per transaction.
  for (int i = 0; i < 500 && KeyIdsInFile(data).size() < 2; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(KeyIdsInFile(data), (std::vector<std::uint32_t>{2, 1})) << first.Output();
  // Meanwhile a second rotation is refused, and adds nothing.
  const CommandResult second = Rxdesk({"keys", "rotate"}, data);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("another process is changing key file"), std::string::npos) << second.err;
  EXPECT_EQ(KeyIdsInFile(data).size(), 2u);

  // kill -9 in the middle of the re-encryption.
  auto db = OpenDatabase(data);
  ASSERT_NE(db, nullptr);
  std::int64_t done = 0;
  for (int i = 0; i < 2000 && done < 20; ++i) {
    std::this_thread::sleep_for(5ms);
    done = Count(*db, "SELECT COUNT(*) FROM members WHERE key_id = 2");
  }
  ASSERT_TRUE(first.Running()) << "finished too early to be interrupted: " << first.Output();
  first.Kill9();
  const std::int64_t moved = ValuesUnderKey(data, 2);
  ASSERT_GT(moved, 0);
  ASSERT_LT(moved, sealed) << "the kill must land mid-way";
  EXPECT_EQ(ValuesUnderKey(data, 1) + moved, sealed) << "every value is whole, under one key or the other";

  // Running the same command again finishes the job and adds no key.
  const CommandResult again = Rxdesk({"keys", "rotate", "--batch", "100"}, data);
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_NE(again.err.find("finishing the rotation to data key 2 (no new key is added)"), std::string::npos)
      << again.err;
  EXPECT_EQ(again.err.find("waiting"), std::string::npos) << "the key is long known: no wait";
  EXPECT_EQ(KeyIdsInFile(data), (std::vector<std::uint32_t>{2, 1}));
  EXPECT_EQ(ValuesUnderKey(data, 1), 0);
  EXPECT_EQ(ValuesUnderKey(data, 2), sealed);

  // --resume with nothing left does nothing; a plain rotate then adds key 3.
  const CommandResult resume = Rxdesk({"keys", "rotate", "--resume"}, data);
  EXPECT_EQ(resume.exit_code, 0) << resume.err;
  EXPECT_NE(resume.out.find("nothing to resume"), std::string::npos) << resume.out;
  EXPECT_EQ(KeyIdsInFile(data).size(), 2u);
  const CommandResult next = Rxdesk({"keys", "rotate"}, data);
  ASSERT_EQ(next.exit_code, 0) << next.err;
  EXPECT_EQ(KeyIdsInFile(data), (std::vector<std::uint32_t>{3, 2, 1}));
  EXPECT_EQ(ValuesUnderKey(data, 3), sealed);
  struct stat st {};
  ASSERT_EQ(::stat((data + "/rxdesk.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const CommandResult verify = Rxdesk({"audit", "verify"}, data);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM audit_log WHERE action = 'keys.rotate.resume'"), 1);
}

TEST(KeyRotation, RefusesWhatWouldEndangerTheKeysAndBadUsage) {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  Seed(data, 2);
  const std::string key = data + "/rxdesk.key";
  const std::string text = ReadText(key);

  ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
  const CommandResult insecure = Rxdesk({"keys", "rotate"}, data);
  EXPECT_EQ(insecure.exit_code, 1);
  EXPECT_NE(insecure.err.find("has mode 0644"), std::string::npos) << insecure.err;
  EXPECT_EQ(ReadText(key), text);
  ASSERT_EQ(::chmod(key.c_str(), 0600), 0);

  fs::rename(key, key + ".away");
  const CommandResult missing = Rxdesk({"keys", "rotate"}, data);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("does not exist"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(key)) << "rotation never makes a first key file";
  fs::rename(key + ".away", key);

  const CommandResult no_dir = Rxdesk({"keys", "rotate"}, dir.path() + "/nowhere");
  EXPECT_EQ(no_dir.exit_code, 1);
  EXPECT_FALSE(fs::exists(dir.path() + "/nowhere"));

  for (const char* batch : {"0", "100001", "x"}) {
    const CommandResult r = Rxdesk({"keys", "rotate", "--batch", batch}, data);
    EXPECT_EQ(r.exit_code, 2) << batch;
    EXPECT_NE(r.err.find("--batch"), std::string::npos) << r.err;
  }
  EXPECT_EQ(ReadText(key), text) << "nothing was rotated";

  const CommandResult help = Rxdesk({"keys", "rotate", "--help"}, data);
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--batch", "--resume", "--data-dir", "--config"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  }
  const CommandResult none = Rxdesk({"keys"}, data);
  EXPECT_EQ(none.exit_code, 2);

  // The smallest batch works too, and a rotation of a tiny store is complete.
  const CommandResult one = Rxdesk({"keys", "rotate", "--batch", "1"}, data);
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(ValuesUnderKey(data, 1), 0);
}

}  // namespace
}  // namespace rxdesk::testing
