// Writer::WriteAsync on both stores: the callback comes after the batch committed,
// a failing job is reported alone, and a stopping writer refuses at once.
#include "store/writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/support/postgres_schema.h"

namespace rxdesk {
namespace {

using testing::TestPostgres;
using testing::TestStoreOptions;

Status Insert(WriteContext& w, int n) {
  RXD_TRY(w.conn.Exec("INSERT INTO probe (n) VALUES (?)", {Value(n)}));
  return OkStatus();
}

std::string StoreName(const ::testing::TestParamInfo<Dialect>& info) {
  return info.param == Dialect::kSqlite ? "Sqlite" : "Postgres";
}

class WriterAsyncTest : public ::testing::TestWithParam<Dialect> {
 protected:
  void SetUp() override {
    if (GetParam() == Dialect::kPostgres && !TestPostgres::Available()) {
      GTEST_SKIP() << TestPostgres::NotFoundMessage();
    }
    dir_ = std::filesystem::temp_directory_path() / ("rxdesk-writer-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    auto store = Store::Open(TestStoreOptions(GetParam(), dir_.string(), "writer"));
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(*store);
    ASSERT_TRUE(store_->Write([](WriteContext& w) { return w.conn.ExecScript("CREATE TABLE probe (n INTEGER)"); }).ok());
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Waits until `n` callbacks arrived.
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<Status> results;
    void Add(Status s) {
      std::lock_guard lock(mu);
      results.push_back(std::move(s));
      cv.notify_all();
    }
    void WaitFor(std::size_t n) {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return results.size() >= n; });
    }
  };

  std::int64_t Count() {
    auto rows = store_->Read([](Connection& c) { return c.Query("SELECT COUNT(*) FROM probe"); });
    EXPECT_TRUE(rows.ok());
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(WriterAsyncTest, TheCallbackComesAfterTheCommitSoAnotherConnectionSeesTheRow) {
  Waiter waiter;
  std::atomic<std::int64_t> seen_in_callback{-1};
  store_->WriteAsync([](WriteContext& w) { return Insert(w, 1); },
                     [&](Status s) {
                       seen_in_callback = Count();  // a pooled read connection, not the writer's
                       waiter.Add(std::move(s));
                     });
  waiter.WaitFor(1);
  EXPECT_TRUE(waiter.results[0].ok());
  EXPECT_EQ(seen_in_callback.load(), 1);
}

TEST_P(WriterAsyncTest, AFailingJobIsReportedAloneAndTheOthersInItsBatchCommit) {
  Waiter waiter;
  for (int i = 0; i < 20; ++i) {
    store_->WriteAsync(
        [i](WriteContext& w) -> Status {
          if (i == 7) return MakeError("conflict", "job seven refuses");
          return Insert(w, i);
        },
        [&waiter](Status s) { waiter.Add(std::move(s)); });
  }
  waiter.WaitFor(20);
  int failed = 0;
  for (const Status& s : waiter.results) {
    if (!s.ok()) {
      ++failed;
      EXPECT_EQ(s.error().code, "conflict");
    }
  }
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(Count(), 19);
}

TEST_P(WriterAsyncTest, BlockingAndQueuedWritesMixAndAllCommit) {
  Waiter waiter;
  for (int i = 0; i < 10; ++i) {
    store_->WriteAsync([](WriteContext& w) { return Insert(w, 1); },
                       [&waiter](Status s) { waiter.Add(std::move(s)); });
    ASSERT_TRUE(
        store_->Write([](WriteContext& w) { return Insert(w, 2); }).ok());
  }
  waiter.WaitFor(10);
  for (const Status& s : waiter.results) EXPECT_TRUE(s.ok());
  EXPECT_EQ(Count(), 20);
}

INSTANTIATE_TEST_SUITE_P(BothStores, WriterAsyncTest, ::testing::Values(Dialect::kSqlite, Dialect::kPostgres),
                         StoreName);

}  // namespace
}  // namespace rxdesk
