#include "store/writer.h"

namespace rxdesk {

struct Writer::Pending {
  WriteJob job;
  std::function<void(Status)> callback;  // WriteAsync: called instead of waking a waiter
  Status result;
  bool done = false;
  std::mutex mu;
  std::condition_variable cv;

  void Finish(Status s) {
    if (callback) return callback(std::move(s));
    std::lock_guard lock(mu);
    result = std::move(s);
    done = true;
    cv.notify_one();
  }
};

Writer::Writer(std::unique_ptr<Connection> conn, std::size_t max_batch)
    : conn_(std::move(conn)), max_batch_(max_batch), thread_([this] { Loop(); }) {}

Writer::~Writer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

Status Writer::Write(WriteJob job) {
  auto pending = std::make_shared<Pending>();
  pending->job = std::move(job);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return MakeError("store_unavailable", "the writer is stopping");
    queue_.push_back(pending);
  }
  cv_.notify_one();
  std::unique_lock lock(pending->mu);
  pending->cv.wait(lock, [&] { return pending->done; });
  return pending->result;
}

void Writer::WriteAsync(WriteJob job, std::function<void(Status)> done) {
  auto pending = std::make_shared<Pending>();
  pending->job = std::move(job);
  pending->callback = std::move(done);
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(pending);
      pending.reset();
    }
  }
  if (pending) return pending->callback(MakeError("store_unavailable", "the writer is stopping"));
  cv_.notify_one();
}

WriterStats Writer::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Writer::Loop() {
  for (;;) {
    std::deque<std::shared_ptr<Pending>> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty() && stopping_) return;
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    RunBatch(batch);
  }
}

void Writer::RunBatch(std::deque<std::shared_ptr<Pending>>& batch) {
  const auto finish_all = [&](const Status& s) {
    for (auto& p : batch) p->Finish(s);
  };
  Status begun = conn_->Begin();
  if (begun.ok()) begun = chain_.Load(*conn_);
  if (!begun.ok()) {
    (void)conn_->Rollback();
    return finish_all(begun);
  }
  WriteContext ctx{*conn_, chain_};
  std::vector<Status> results;
  results.reserve(batch.size());
  for (auto& p : batch) {
    const AuditChain::Head before = chain_.head();
    Status s = conn_->Savepoint("job");
    if (s.ok()) {
      s = p->job(ctx);
      if (s.ok()) {
        s = conn_->ReleaseSavepoint("job");
      } else {
        (void)conn_->RollbackToSavepoint("job");
        (void)conn_->ReleaseSavepoint("job");
        chain_.Restore(before);
      }
    }
    results.push_back(std::move(s));
  }
  const std::int64_t appended = chain_.appended();
  Status committed = chain_.Save(*conn_);
  if (committed.ok()) committed = conn_->Commit();
  if (!committed.ok()) (void)conn_->Rollback();
  {
    std::lock_guard lock(mu_);
    ++stats_.batches;
    stats_.jobs += batch.size();
    if (committed.ok()) stats_.audit_entries += static_cast<std::uint64_t>(appended);
    else ++stats_.failed_commits;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->Finish(committed.ok() ? results[i] : committed);
}

}  // namespace rxdesk
