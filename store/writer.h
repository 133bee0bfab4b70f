// Group commit: every write in rxdesk runs as a job on one writer thread, many
// jobs to a transaction, one durable commit for the batch.
//
//   Status s = writer.Write([&](WriteContext& w) -> Status {
//     RXD_TRY(w.conn.Exec("INSERT ...", {...}));
//     return w.audit.Append(w.conn, entry);     // same transaction as the change
//   });
//   // s.ok(): the change and its audit entry are committed (fsync'd) — now acknowledge.
//
// Each job runs inside its own savepoint: a job that returns an error is rolled
// back alone (its audit entries too) and the rest of the batch commits. Write()
// returns only after the batch's commit finished, so an acknowledged write can
// never be lost by a crash. One writer per process; on PostgreSQL several
// processes are serialised by the audit head's row lock.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "store/audit_log.h"
#include "store/db.h"

namespace rxdesk {

struct WriteContext {
  Connection& conn;
  AuditChain& audit;
};

using WriteJob = std::function<Status(WriteContext&)>;

struct WriterStats {
  std::uint64_t batches = 0;
  std::uint64_t jobs = 0;
  std::uint64_t audit_entries = 0;
  std::uint64_t failed_commits = 0;
};

class Writer {
 public:
  // Takes the connection it writes through. `max_batch` bounds one transaction.
  explicit Writer(std::unique_ptr<Connection> conn, std::size_t max_batch = 512);
  ~Writer();  // finishes queued jobs, then stops
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Runs the job in the next batch and waits for the batch to commit.
  // Returns the job's own error, or the commit's error (then nothing of it persisted).
  Status Write(WriteJob job);

  // The same without waiting: `done` gets what Write would return, on the writer
  // thread once the batch committed (or at once, on this thread, when the writer is
  // stopping). Keep `done` short: hand the outcome to another thread.
  void WriteAsync(WriteJob job, std::function<void(Status)> done);

  WriterStats stats() const;

 private:
  struct Pending;
  void Loop();
  void RunBatch(std::deque<std::shared_ptr<Pending>>& batch);

  std::unique_ptr<Connection> conn_;
  const std::size_t max_batch_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Pending>> queue_;  // guarded by mu_
  bool stopping_ = false;                       // guarded by mu_
  WriterStats stats_;                           // guarded by mu_
  AuditChain chain_;                            // writer thread only
  std::thread thread_;
};

}  // namespace rxdesk
