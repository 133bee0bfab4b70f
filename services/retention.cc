#include "services/retention.h"

#include "services/audit.h"

#include "infra/ids.h"
#include "infra/log.h"
#include "store/audit_log.h"

namespace rxdesk {
namespace {

constexpr char kLeaseName[] = "retention";

class AuditLogTarget final : public RetentionTarget {
 public:
  explicit AuditLogTarget(int days) : days_(days) {}
  std::string_view kind() const override { return "audit_log"; }
  int days() const override { return days_; }
  Result<std::int64_t> CountExpired(Connection& conn, Instant cutoff) const override {
    return CountPrunableAuditEntries(conn, cutoff);
  }
  Result<std::int64_t> RemoveExpired(WriteContext& w, Instant cutoff, std::int64_t limit, Instant now) const override {
    RXD_ASSIGN_OR_RETURN(AuditPruneResult pruned, PruneAuditLog(w.conn, cutoff, limit, now));
    return pruned.removed;
  }

 private:
  int days_;
};

// Takes or renews the lease: free, expired, or already ours. With `run_on` (the
// daily job), only if no run has completed on that local day yet: another node
// may have finished it between our check and this step. Returns whether we hold it.
Result<bool> TakeLease(Connection& conn, const std::string& holder, Instant now, int lease_seconds,
                       std::optional<Date> run_on) {
  RXD_ASSIGN_OR_RETURN(
      std::int64_t changed,
      conn.Exec("UPDATE job_leases SET holder = ?, expires_at = ? WHERE name = ? AND (holder IS NULL OR holder = ? "
                "OR expires_at IS NULL OR expires_at < ?) AND (? = '' OR last_run_on IS NULL OR last_run_on < ?)",
                {Value(holder), Value(FormatInstant(now + std::chrono::seconds(lease_seconds))), Value(kLeaseName),
                 Value(holder), Value(FormatInstant(now)), Value(run_on ? FormatDate(*run_on) : std::string()),
                 Value(run_on ? FormatDate(*run_on) : std::string())}));
  return changed == 1;
}

std::string Counts(const RetentionRunReport& report) {
  std::string out;
  for (const RetentionKindReport& k : report.kinds) {
    if (!out.empty()) out += ',';
    out += k.kind + "=" + (k.days == 0 ? std::string("kept") : std::to_string(k.removed));
  }
  return out;
}

}  // namespace

std::unique_ptr<RetentionTarget> AuditLogRetentionTarget(int days) { return std::make_unique<AuditLogTarget>(days); }

std::vector<std::unique_ptr<RetentionTarget>> DefaultRetentionTargets(const RetentionPolicy& policy) {
  std::vector<std::unique_ptr<RetentionTarget>> targets;
  targets.push_back(AuditLogRetentionTarget(policy.audit_days));
  // Chat transcripts (policy.chat_transcript_days) and call recordings
  // (policy.call_recording_days) join here when the contact center stores them.
  return targets;
}

bool RetentionDue(const LocalDateTime& local_now, std::chrono::minutes run_at, std::optional<Date> last_run_on) {
  if (local_now.time_of_day < run_at) return false;
  return !last_run_on || *last_run_on < local_now.date;
}

RetentionService::RetentionService(Store& store, const Clock& clock,
                                   std::vector<std::unique_ptr<RetentionTarget>> targets, RetentionPolicy policy,
                                   std::string holder)
    : store_(store), clock_(clock), targets_(std::move(targets)), policy_(policy), holder_(std::move(holder)) {}

Result<RetentionRunReport> RetentionService::Run(const RetentionRunOptions& options) {
  RetentionRunReport report;
  report.dry_run = options.dry_run;
  report.at = clock_.Now();
  const std::string request_id = "retention-" + NewId();
  const auto cancelled = [&] { return options.cancel != nullptr && options.cancel->load(); };

  if (!options.dry_run) {
    bool taken = false;
    RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
      RXD_ASSIGN_OR_RETURN(taken, TakeLease(w.conn, holder_, clock_.Now(), policy_.lease_seconds, options.run_on));
      return OkStatus();
    }));
    if (!taken) return MakeError("retention_running", "another node or command is running retention; try later");
  }

  bool completed = false;
  const Status ran = [&]() -> Status {
    for (const auto& target : targets_) {
      RetentionKindReport k;
      k.kind = std::string(target->kind());
      k.days = target->days();
      if (k.days <= 0) {
        report.kinds.push_back(std::move(k));
        continue;
      }
      const Instant cutoff = report.at - std::chrono::days(k.days);
      k.cutoff = cutoff;
      if (options.dry_run) {
        RXD_ASSIGN_OR_RETURN(k.removed, store_.Read([&](Connection& c) { return target->CountExpired(c, cutoff); }));
      } else {
        for (std::int64_t removed = policy_.batch_size; removed == policy_.batch_size && !cancelled();) {
          RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
            const Instant now = clock_.Now();
            RXD_ASSIGN_OR_RETURN(bool held, TakeLease(w.conn, holder_, now, policy_.lease_seconds, std::nullopt));
            if (!held) return MakeError("retention_running", "the retention lease was lost to another holder");
            RXD_ASSIGN_OR_RETURN(removed, target->RemoveExpired(w, cutoff, policy_.batch_size, now));
            if (removed == 0) return OkStatus();
            return w.audit.Append(w.conn, MakeSystemAudit(now, "retention.remove", k.kind, "-", request_id,
                                                          "ok:removed=" + std::to_string(removed)));
          }));
          k.removed += removed;
        }
      }
      report.kinds.push_back(std::move(k));
    }
    if (cancelled()) return MakeError("cancelled", "the retention run was stopped before it finished");
    completed = true;
    const std::string outcome = std::string(options.dry_run ? "ok:dry_run:" : "ok:") + Counts(report);
    return store_.Write([&](WriteContext& w) {
      return w.audit.Append(w.conn, MakeSystemAudit(clock_.Now(), "retention.run", "retention", "-", request_id, outcome));
    });
  }();

  if (!options.dry_run) {
    // Released even after a failure, so the next check can try again at once.
    const bool record_day = ran.ok() && completed && options.run_on.has_value();
    const Status released = store_.Write([&](WriteContext& w) -> Status {
      RXD_TRY(w.conn.Exec(
          "UPDATE job_leases SET holder = NULL, expires_at = NULL, last_run_on = CASE WHEN ? = 1 THEN ? ELSE "
          "last_run_on END, last_finished_at = CASE WHEN ? = 1 THEN ? ELSE last_finished_at END WHERE name = ? AND "
          "holder = ?",
          {Value(record_day), Value(options.run_on ? FormatDate(*options.run_on) : std::string()), Value(ran.ok()),
           Value(FormatInstant(clock_.Now())), Value(kLeaseName), Value(holder_)}));
      return OkStatus();
    });
    if (ran.ok() && !released.ok()) return released.error();
  }
  RXD_TRY(ran);
  return report;
}

Result<std::optional<RetentionRunReport>> RetentionService::RunIfDue(const Zone& zone,
                                                                     const std::atomic<bool>* cancel) {
  const LocalDateTime local = zone.ToLocal(clock_.Now());
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([](Connection& c) {
    return c.Query("SELECT COALESCE(last_run_on, '') FROM job_leases WHERE name = ?", {Value(kLeaseName)});
  }));
  std::optional<Date> last;
  if (!rows.empty() && !rows[0].Text(0).empty()) {
    auto parsed = ParseDate(rows[0].Text(0));
    if (parsed.ok()) last = *parsed;
  }
  if (!RetentionDue(local, policy_.run_at, last)) return std::optional<RetentionRunReport>();
  auto report = Run({.dry_run = false, .run_on = local.date, .cancel = cancel});
  if (!report.ok() && report.error().code == "retention_running") return std::optional<RetentionRunReport>();
  if (!report.ok()) return std::move(report).error();
  return std::optional<RetentionRunReport>(std::move(*report));
}

RetentionScheduler::RetentionScheduler(RetentionService& service, const Zone& zone, std::chrono::seconds tick,
                                       std::chrono::seconds retry_after)
    : service_(service), zone_(zone), tick_(tick), retry_after_(retry_after) {}

RetentionScheduler::~RetentionScheduler() { Stop(); }

void RetentionScheduler::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  cancel_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void RetentionScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cancel_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RetentionScheduler::Loop() {
  std::chrono::seconds wait{0};  // check once at start: a day missed while down is caught up
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, wait, [&] { return stopping_; })) return;
    }
    wait = tick_;
    auto ran = service_.RunIfDue(zone_, &cancel_);
    if (!ran.ok()) {
      if (ran.error().code != "cancelled") {
        LogWarn("retention_failed", {{"code", ran.error().code}, {"message", ran.error().message}});
      }
      wait = retry_after_;
      continue;
    }
    if (*ran) {
      nlohmann::json counts = nlohmann::json::object();
      for (const RetentionKindReport& k : (*ran)->kinds)
        counts[k.kind] = k.days == 0 ? nlohmann::json("kept") : nlohmann::json(k.removed);
      LogInfo("retention_run", {{"removed", counts}});
    }
  }
}

}  // namespace rxdesk
