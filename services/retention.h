// Retention (PRODUCT.md section 10): what is removed after how long, by one job
// that runs daily inside `rxdesk serve` and on demand as `rxdesk retention run`.
//
//   RetentionService retention(store, clock, DefaultRetentionTargets(policy), policy, "node-1:4242");
//   RXD_ASSIGN_OR_RETURN(RetentionRunReport r, retention.Run({.dry_run = true}));
//   RetentionScheduler daily(retention, zone);   // serve: checks once a minute
//   daily.Start();
//
// The job is a list of targets, one per kind of data (the audit log today; chat
// transcripts and call recordings add theirs when their tables exist). Each
// target removes, in batches of one transaction each, what is older than its
// window (now - days; an item exactly at the window's edge is kept). Every batch
// writes a "retention.remove" entry in its own transaction and the run ends with
// one "retention.run" entry holding the counts per kind.
//
// One run at a time across every node and command: a lease row (job_leases) is
// taken before the first batch, renewed with each one, and released at the end;
// a crashed holder's lease expires after lease_seconds. The daily job records
// the local day it completed, so a node that restarts (or another node) does not
// run it twice, and a day missed while every node was down is caught up at the
// next check.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "domain/clock.h"
#include "domain/zone.h"
#include "store/store.h"

namespace rxdesk {

struct RetentionPolicy {
  // Audit entries: 6 years, the HIPAA documentation retention period
  // (45 CFR 164.316(b)(2)(i)). 0 keeps them forever; otherwise at least 2190.
  int audit_days = 2190;
  // Chat transcripts document what a member was told, like contact notes: 6 years.
  int chat_transcript_days = 2190;
  // Call recordings are bulky and serve quality review; the contact's notes and
  // its audit entries outlive them: 1 year. State law may ask for longer.
  int call_recording_days = 365;
  // The daily run's local time (operator time zone).
  std::chrono::minutes run_at{3 * 60 + 30};
  // Items removed per transaction: bounds how long one batch holds the writer.
  std::int64_t batch_size = 5000;
  // How long a lease lasts without renewal (a crashed run's lease expires).
  int lease_seconds = 600;
};

// The least audit_days other than 0 (keep forever).
inline constexpr int kMinAuditRetentionDays = 2190;

// One kind of data with a retention window.
class RetentionTarget {
 public:
  virtual ~RetentionTarget() = default;
  // The kind's name in reports and audit entries, e.g. "audit_log".
  virtual std::string_view kind() const = 0;
  // The window in days; 0 keeps everything (the target is skipped).
  virtual int days() const = 0;
  // How many items are older than `cutoff` and would go.
  virtual Result<std::int64_t> CountExpired(Connection& conn, Instant cutoff) const = 0;
  // Removes at most `limit` items older than `cutoff` inside the caller's write
  // transaction; returns how many (fewer than `limit`: nothing more to remove).
  virtual Result<std::int64_t> RemoveExpired(WriteContext& w, Instant cutoff, std::int64_t limit,
                                             Instant now) const = 0;
};

// The audit log's target: PruneAuditLog (store/audit_log.h) behind the checkpoint.
std::unique_ptr<RetentionTarget> AuditLogRetentionTarget(int days);

// Every target that exists today, with the policy's windows.
std::vector<std::unique_ptr<RetentionTarget>> DefaultRetentionTargets(const RetentionPolicy& policy);

struct RetentionKindReport {
  std::string kind;
  int days = 0;                   // 0: kept forever, nothing checked
  std::optional<Instant> cutoff;  // items before it go
  std::int64_t removed = 0;       // or, in a dry run, would be removed
};

struct RetentionRunReport {
  bool dry_run = false;
  Instant at{};
  std::vector<RetentionKindReport> kinds;
};

struct RetentionRunOptions {
  bool dry_run = false;                       // count only; takes no lease, removes nothing (still audited)
  std::optional<Date> run_on;                 // the daily job's local day, recorded when the run completes
  const std::atomic<bool>* cancel = nullptr;  // checked between batches: stop early (then not recorded)
};

// Whether the daily run is due: the local time has reached `run_at` and no run
// has completed on this local day (or later).
bool RetentionDue(const LocalDateTime& local_now, std::chrono::minutes run_at, std::optional<Date> last_run_on);

class RetentionService {
 public:
  // `holder` names this process in the lease (e.g. "host:pid").
  RetentionService(Store& store, const Clock& clock, std::vector<std::unique_ptr<RetentionTarget>> targets,
                   RetentionPolicy policy, std::string holder);

  // One run now. Refusal: retention_running (409-like: another holder has the
  // lease), the store's errors (batches already committed stay committed).
  Result<RetentionRunReport> Run(const RetentionRunOptions& options);

  // The daily job's step: runs if due (RetentionDue, with the last completed day
  // from the lease row). nullopt when it was not due or another node holds the lease.
  Result<std::optional<RetentionRunReport>> RunIfDue(const Zone& zone, const std::atomic<bool>* cancel = nullptr);

  const RetentionPolicy& policy() const { return policy_; }

 private:
  Store& store_;
  const Clock& clock_;
  std::vector<std::unique_ptr<RetentionTarget>> targets_;
  RetentionPolicy policy_;
  std::string holder_;
};

// Runs RetentionService::RunIfDue every `tick` on a thread of its own until Stop().
// After a failed run it waits `retry_after` before trying again. Logs counts only.
class RetentionScheduler {
 public:
  RetentionScheduler(RetentionService& service, const Zone& zone, std::chrono::seconds tick = std::chrono::seconds(60),
                     std::chrono::seconds retry_after = std::chrono::minutes(15));
  ~RetentionScheduler();  // Stop()
  RetentionScheduler(const RetentionScheduler&) = delete;
  RetentionScheduler& operator=(const RetentionScheduler&) = delete;

  void Start();
  // Returns after the current run (if any) finished its batch.
  void Stop();

 private:
  void Loop();

  std::atomic<bool> cancel_{false};
  RetentionService& service_;
  const Zone& zone_;
  const std::chrono::seconds tick_;
  const std::chrono::seconds retry_after_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace rxdesk
