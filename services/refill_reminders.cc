#include "services/refill_reminders.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "infra/ids.h"
#include "infra/log.h"
#include "services/audit.h"
#include "services/notification_outbox.h"
#include "services/notifications.h"

namespace rxdesk {
namespace {

constexpr char kLeaseName[] = "refill_reminders";
constexpr char kReminder[] = "reminder";
constexpr char kAutoRefill[] = "auto_refill";

// One prescription of a page: its owner, its current cycle and its enrolment.
struct Candidate {
  std::string rx_number;
  std::string member_id;
  LastFill last;
  bool enrolled = false;
};

AuditEntry SystemEntry(Instant now, std::string action, const std::string& rx_number, const std::string& member_id,
                       const std::string& request_id, std::string outcome) {
  AuditEntry e = MakeSystemAudit(now, std::move(action), "prescription", rx_number, request_id, std::move(outcome));
  e.member_id = member_id;
  return e;
}

// The standing the job acts in when it places an enrolled member's refill: the
// member's own (they asked for it by enrolling), under the actor "system".
Caller SystemCallerFor(const std::string& member_id, const std::string& request_id) {
  Caller c;
  c.principal.user_id = "system";
  c.principal.role = Role::kMember;
  c.principal.member_id = member_id;
  c.request_id = request_id;
  return c;
}

// Records what a cycle got, unless a row is there already. Returns whether it was recorded.
Result<bool> MarkCycle(Connection& conn, const Candidate& c, const char* kind, const std::string& outcome,
                       const std::string& channel, const std::string& order_id, Date as_of, Instant now) {
  RXD_ASSIGN_OR_RETURN(
      std::int64_t changed,
      conn.Exec("INSERT INTO refill_cycle_actions(rx_number, cycle_fill_date, kind, member_id, outcome, channel, "
                "order_id, as_of, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (rx_number, "
                "cycle_fill_date, kind) DO NOTHING",
                {Value(c.rx_number), Value(FormatDate(c.last.date)), Value(kind), Value(c.member_id), Value(outcome),
                 channel.empty() ? Value() : Value(channel), order_id.empty() ? Value() : Value(order_id),
                 Value(FormatDate(as_of)), Value(FormatInstant(now))}));
  return changed == 1;
}

Result<bool> HasOpenOrder(Connection& conn, const std::string& rx_number) {
  RXD_ASSIGN_OR_RETURN(Rows open, conn.Query("SELECT 1 FROM orders WHERE rx_number = ? AND status IN ('received', "
                                             "'in_review', 'filled') LIMIT 1",
                                             {Value(rx_number)}));
  return !open.empty();
}

std::string_view DetailOf(const Error& e, std::string_view key) {
  for (const auto& [k, v] : e.details) {
    if (k == key) return v;
  }
  return {};
}

bool IsEligibilityCode(std::string_view code) {
  return code == "schedule_ii_no_refills" || code == "not_active" || code == "expired" ||
         code == "no_refills_remaining" || code == "too_soon" || code == "prior_auth_required";
}

Result<AutoRefillSetting> LoadSetting(Connection& conn, const std::string& rx_number) {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT enabled, updated_at FROM auto_refill_enrollments WHERE "
                                             "rx_number = ?",
                                             {Value(rx_number)}));
  AutoRefillSetting s;
  s.rx_number = rx_number;
  if (!rows.empty()) {
    s.enabled = rows[0].Int(0) != 0;
    s.updated_at = rows[0].Text(1);
  }
  return s;
}

}  // namespace

struct RefillReminderService::PassState {
  std::string request_id;
  Date as_of{};
  std::string after;        // the last Rx number of the previous page
  std::string last_rx;      // the last Rx number of this page
  int read = 0;             // rows of this page
  Instant lease_renewed{};  // when the lease was last renewed
};

RefillReminderService::RefillReminderService(Store& store, const Clock& clock, const Zone& zone,
                                             const MemberService& members, PharmacyServices& pharmacy,
                                             RefillReminderOptions options, std::string holder)
    : store_(store),
      clock_(clock),
      zone_(zone),
      members_(members),
      pharmacy_(pharmacy),
      options_(std::move(options)),
      holder_(std::move(holder)) {}

// ---------------------------------------------------------------- enrolment

Result<AutoRefillSetting> RefillReminderService::GetAutoRefill(const Caller& caller, const std::string& rx_number) {
  const Instant now = clock_.Now();
  std::optional<Error> refusal;
  std::string member_id;
  RXD_ASSIGN_OR_RETURN(AutoRefillSetting setting, store_.Read([&](Connection& c) -> Result<AutoRefillSetting> {
    RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> rx, PrescriptionService::Load(c, rx_number));
    if (!rx) {
      refusal = MakeError("not_found", "no such prescription");
      return AutoRefillSetting{};
    }
    member_id = rx->member_id;
    if (Status own = members_.CheckOwnership(c, caller, rx->member_id); !own.ok()) {
      refusal = NotVisible(own.error(), "no such prescription");
      return AutoRefillSetting{};
    }
    return LoadSetting(c, rx_number);
  }));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "auto_refill.read", "prescription", rx_number, member_id,
                                       refusal ? "denied" : "ok")));
  if (refusal) return std::move(*refusal);
  return setting;
}

Result<AutoRefillSetting> RefillReminderService::SetAutoRefill(const Caller& caller, const std::string& rx_number,
                                                               bool enabled) {
  const Instant now = clock_.Now();
  std::optional<Error> refusal;
  AutoRefillSetting setting;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> rx, PrescriptionService::Load(w.conn, rx_number));
    const Status own = rx ? members_.CheckOwnership(w.conn, caller, rx->member_id) : OkStatus();
    if (!rx || !own.ok()) {
      refusal = rx ? NotVisible(own.error(), "no such prescription") : MakeError("not_found", "no such prescription");
      return w.audit.Append(w.conn, MakeAudit(caller, now, "auto_refill.update", "prescription", rx_number,
                                              rx ? rx->member_id : "", "denied"));
    }
    // Enrolling what can never be refilled would only queue "could not refill" messages.
    if (enabled && rx->rx.schedule == Schedule::kII) {
      refusal = MakeError("schedule_ii_no_refills", "a Schedule II prescription is never refilled (21 CFR 1306.12)");
    } else if (enabled && rx->rx.status != RxStatus::kActive) {
      refusal = MakeError("not_active", "only an active prescription can be refilled automatically");
    }
    if (refusal) {
      return w.audit.Append(w.conn, MakeAudit(caller, now, "auto_refill.update", "prescription", rx_number,
                                              rx->member_id, "refused:" + refusal->code));
    }
    setting = {rx_number, enabled, FormatInstant(now)};
    RXD_TRY(
        w.conn.Exec("INSERT INTO auto_refill_enrollments(rx_number, member_id, enabled, updated_by, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (rx_number) DO UPDATE SET enabled = excluded.enabled, "
                    "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                    {Value(rx_number), Value(rx->member_id), Value(enabled), Value(caller.principal.user_id),
                     Value(setting.updated_at)}));
    return w.audit.Append(w.conn, MakeAudit(caller, now, "auto_refill.update", "prescription", rx_number, rx->member_id,
                                            enabled ? "ok:on" : "ok:off"));
  }));
  if (refusal) return std::move(*refusal);
  return setting;
}

// ---------------------------------------------------------------- the pass

Result<bool> RefillReminderService::TakeLease(Connection& conn, Instant now) {
  const std::string until = FormatInstant(now + std::chrono::seconds(options_.lease_seconds));
  RXD_ASSIGN_OR_RETURN(
      std::int64_t changed,
      conn.Exec("UPDATE job_leases SET holder = ?, expires_at = ? WHERE name = ? AND (holder IS "
                "NULL OR holder = ? OR expires_at IS NULL OR expires_at < ?)",
                {Value(holder_), Value(until), Value(kLeaseName), Value(holder_), Value(FormatInstant(now))}));
  if (changed == 1) return true;
  if (!options_.holder_gone) return false;
  // A holder whose process has ended (kill -9) will never renew: take its lease now.
  RXD_ASSIGN_OR_RETURN(Rows rows,
                       conn.Query("SELECT COALESCE(holder, '') FROM job_leases WHERE name = ?", {Value(kLeaseName)}));
  if (rows.empty() || rows[0].Text(0).empty() || !options_.holder_gone(rows[0].Text(0))) return false;
  RXD_ASSIGN_OR_RETURN(changed, conn.Exec("UPDATE job_leases SET holder = ?, expires_at = ? WHERE name = ? AND "
                                          "holder = ?",
                                          {Value(holder_), Value(until), Value(kLeaseName), Value(rows[0].Text(0))}));
  return changed == 1;
}

Result<RefillReminderReport> RefillReminderService::RunPass(const RefillReminderRunOptions& options) {
  RXD_TRY(ValidateRefillReminderPolicy(options_.policy));
  const auto started = std::chrono::steady_clock::now();  // the log's figure: finer than the clock's seconds
  RefillReminderReport report;
  report.started_at = clock_.Now();
  report.as_of = options.as_of.value_or(zone_.LocalDate(report.started_at));
  const std::string request_id = options.request_id.empty() ? "reminders-" + NewId() : options.request_id;

  bool taken = false;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(taken, TakeLease(w.conn, clock_.Now()));
    return OkStatus();
  }));
  if (!taken) return MakeError("conflict", "a refill reminder pass is already running; try again later");

  PassState pass{.request_id = request_id, .as_of = report.as_of, .lease_renewed = clock_.Now()};
  const Status ran = [&]() -> Status {
    for (;;) {
      if (options.cancel != nullptr && options.cancel->load()) {
        return MakeError("cancelled", "the refill reminder pass was stopped before it finished");
      }
      RXD_TRY(HandlePage(pass, report));
      if (pass.read < options_.page_size) return OkStatus();
      pass.after = pass.last_rx;
    }
  }();

  // Released even after a failure, so the next pass can start at once.
  const Status released = store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(
        w.conn.Exec("UPDATE job_leases SET holder = NULL, expires_at = NULL, last_run_on = CASE WHEN ? = 1 THEN ? "
                    "ELSE last_run_on END, last_finished_at = CASE WHEN ? = 1 THEN ? ELSE last_finished_at END "
                    "WHERE name = ? AND holder = ?",
                    {Value(ran.ok()), Value(FormatDate(report.as_of)), Value(ran.ok()),
                     Value(FormatInstant(clock_.Now())), Value(kLeaseName), Value(holder_)}));
    return OkStatus();
  });
  RXD_TRY(ran);
  RXD_TRY(released);
  report.finished_at = clock_.Now();
  RXD_TRY(AuditAlone(store_, MakeSystemAudit(report.finished_at, "refill_reminders.run", "job", kLeaseName, request_id,
                                             "ok:as_of=" + FormatDate(report.as_of) +
                                                 ",reminders=" + std::to_string(report.reminders_queued) +
                                                 ",orders=" + std::to_string(report.orders_placed))));
  // The run's progress line: counts only.
  LogInfo("refill_reminders_run",
          {{"request_id", request_id},
           {"as_of", FormatDate(report.as_of)},
           {"scanned", report.scanned},
           {"due", report.due},
           {"reminders_queued", report.reminders_queued},
           {"reminders_unreachable", report.reminders_unreachable},
           {"orders_placed", report.orders_placed},
           {"waiting", report.waiting},
           {"members_told", report.members_told},
           {"already_requested", report.already_requested},
           {"already_done", report.already_done},
           {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}});
  return report;
}

Status RefillReminderService::HandlePage(PassState& pass, RefillReminderReport& report) {
  const Date as_of = pass.as_of;
  const std::string& request_id = pass.request_id;
  // The page: prescriptions after `after`, each with its last fill on or before
  // as_of and its enrolment. Not active ones matter only when enrolled (the member
  // is told auto-refill cannot go on).
  std::vector<Candidate> due;
  std::set<std::pair<std::string, std::string>> done;  // (rx, kind) already handled for the current cycle
  RXD_TRY(store_.Read([&](Connection& c) -> Status {
    RXD_ASSIGN_OR_RETURN(
        Rows rows,
        c.Query("SELECT p.rx_number, p.member_id, f.fill_date, f.days_supply, COALESCE(e.enabled, 0), p.status FROM "
                "prescriptions p JOIN fills f ON f.id = (SELECT f2.id FROM fills f2 WHERE f2.rx_number = p.rx_number "
                "AND f2.fill_date <= ? ORDER BY f2.fill_date DESC, f2.id DESC LIMIT 1) LEFT JOIN "
                "auto_refill_enrollments e ON e.rx_number = p.rx_number WHERE p.rx_number > ? ORDER BY p.rx_number "
                "LIMIT ?",
                {Value(FormatDate(as_of)), Value(pass.after), Value(options_.page_size)}));
    pass.read = static_cast<int>(rows.size());
    for (const Row& r : rows) {
      pass.last_rx = r.Text(0);
      ++report.scanned;
      auto fill_date = ParseDate(r.Text(2));
      if (!fill_date.ok()) continue;
      Candidate cand{r.Text(0), r.Text(1), {*fill_date, static_cast<int>(r.Int(3))}, r.Int(4) != 0};
      if (!cand.enrolled && r.Text(5) != "active") continue;
      if (!ReminderDue(cand.last, as_of, options_.policy)) continue;
      ++report.due;
      due.push_back(std::move(cand));
    }
    if (due.empty()) return OkStatus();
    RXD_ASSIGN_OR_RETURN(Rows marks, c.Query("SELECT rx_number, cycle_fill_date, kind FROM refill_cycle_actions WHERE "
                                             "rx_number >= ? AND rx_number <= ?",
                                             {Value(due.front().rx_number), Value(due.back().rx_number)}));
    std::map<std::string, std::string> cycle_of;
    for (const Candidate& cand : due) cycle_of[cand.rx_number] = FormatDate(cand.last.date);
    for (const Row& m : marks) {
      const auto it = cycle_of.find(m.Text(0));
      if (it != cycle_of.end() && it->second == m.Text(1)) done.insert({m.Text(0), m.Text(2)});
    }
    return OkStatus();
  }));

  // Reminders: every prescription of the page that is not enrolled, in one transaction.
  std::vector<const Candidate*> reminders;
  std::vector<const Candidate*> enrolled;
  for (const Candidate& cand : due) {
    // A cycle that got an automatic refill (or was told it could not) needs no reminder.
    if (done.contains({cand.rx_number, kReminder}) || done.contains({cand.rx_number, kAutoRefill})) {
      ++report.already_done;
    } else {
      (cand.enrolled ? enrolled : reminders).push_back(&cand);
    }
  }
  // A page with nothing to write renews the lease only once a third of it has passed.
  const bool renew = clock_.Now() - pass.lease_renewed >= std::chrono::seconds(options_.lease_seconds / 3);
  if (!reminders.empty() || renew) {
    RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
      const Instant now = clock_.Now();
      RXD_ASSIGN_OR_RETURN(bool held, TakeLease(w.conn, now));
      if (!held) return MakeError("conflict", "the refill reminder lease was lost to another holder");
      pass.lease_renewed = now;
      std::int64_t queued = 0, unreachable = 0, requested = 0, raced = 0;
      for (const Candidate* cand : reminders) {
        // The member already asked for this refill: a reminder would only confuse.
        RXD_ASSIGN_OR_RETURN(bool open, HasOpenOrder(w.conn, cand->rx_number));
        if (open) {
          ++requested;
          continue;
        }
        RXD_ASSIGN_OR_RETURN(NotificationPreference pref, LoadNotificationPreference(w.conn, cand->member_id));
        const bool reachable = ChannelReachable(pref.channel, pref.on_file);
        RXD_ASSIGN_OR_RETURN(bool marked, MarkCycle(w.conn, *cand, kReminder, reachable ? "queued" : "unreachable",
                                                    std::string(ToString(pref.channel)), "", as_of, now));
        if (!marked) {
          ++raced;
          continue;
        }
        if (reachable) {
          RXD_TRY(QueueNotification(w.conn, {.member_id = cand->member_id, .template_id = "refill_reminder"}));
        }
        RXD_TRY(w.audit.Append(
            w.conn,
            SystemEntry(now, "refill_reminder.queue", cand->rx_number, cand->member_id, request_id,
                        std::string(reachable ? "ok:" : "ok:unreachable:") + std::string(ToString(pref.channel)))));
        ++(reachable ? queued : unreachable);
      }
      report.reminders_queued += queued;
      report.reminders_unreachable += unreachable;
      report.already_requested += requested;
      report.already_done += raced;
      return OkStatus();
    }));
  }

  // Auto-refill: one transaction per prescription (each is an order), several at
  // once so that their commits share the writer's group commit.
  const auto one = [&](const Candidate* cand, RefillReminderReport& counts) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> rx,
                         store_.Read([&](Connection& c) { return PrescriptionService::Load(c, cand->rx_number); }));
    if (!rx) return OkStatus();
    const RefillEligibility eligibility =
        CheckRefillEligibility(rx->rx, cand->last, as_of, pharmacy_.prescriptions.refill_policy());
    AutoRefillStep step = DecideAutoRefill(eligibility);
    std::string refusal_code(ToString(eligibility.reason));
    if (step == AutoRefillStep::kPlaceOrder) {
      const Caller system = SystemCallerFor(cand->member_id, request_id);
      auto order = pharmacy_.orders.RequestRefill(
          system, {.rx_number = cand->rx_number}, [&](Connection& conn, const OrderRecord& o) -> Status {
            // A plain insert: a row already there (another pass won) rolls the order back.
            RXD_TRY(
                conn.Exec("INSERT INTO refill_cycle_actions(rx_number, cycle_fill_date, kind, member_id, outcome, "
                          "order_id, as_of, created_at) VALUES (?, ?, ?, ?, 'ordered', ?, ?, ?)",
                          {Value(cand->rx_number), Value(FormatDate(cand->last.date)), Value(kAutoRefill),
                           Value(cand->member_id), Value(o.id), Value(FormatDate(as_of)), Value(o.created_at)}));
            return OkStatus();
          });
      if (order.ok()) {
        RXD_TRY(AuditAlone(store_, SystemEntry(clock_.Now(), "auto_refill.order", cand->rx_number, cand->member_id,
                                               request_id, "ok:order=" + order->id)));
        ++counts.orders_placed;
        return OkStatus();
      }
      const Error& e = order.error();
      if (e.code == "conflict") {
        ++counts.already_done;
        return OkStatus();
      }
      if (e.code == "refill_already_requested") {
        RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
          RXD_ASSIGN_OR_RETURN(bool marked, MarkCycle(w.conn, *cand, kAutoRefill, "already_requested", "",
                                                      std::string(DetailOf(e, "order_id")), as_of, clock_.Now()));
          (void)marked;
          return OkStatus();
        }));
        ++counts.already_requested;
        return OkStatus();
      }
      if (!IsEligibilityCode(e.code)) return e;
      // The refill path judged today, not as_of: its answer stands.
      step = e.code == "too_soon" && !DetailOf(e, "next_eligible_date").empty() ? AutoRefillStep::kWait
                                                                                : AutoRefillStep::kTellMember;
      refusal_code = e.code;
    }
    if (step == AutoRefillStep::kWait) {
      ++counts.waiting;
      return OkStatus();
    }
    // kTellMember: once per cycle, and never tried again in it.
    bool told = false;
    RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
      const Instant now = clock_.Now();
      RXD_ASSIGN_OR_RETURN(told, MarkCycle(w.conn, *cand, kAutoRefill, "refused:" + refusal_code, "", "", as_of, now));
      if (!told) return OkStatus();
      RXD_TRY(QueueNotification(w.conn, {.member_id = cand->member_id, .template_id = "auto_refill_unavailable"}));
      return w.audit.Append(w.conn, SystemEntry(now, "auto_refill.refused", cand->rx_number, cand->member_id,
                                                request_id, "ok:" + refusal_code));
    }));
    ++(told ? counts.members_told : counts.already_done);
    return OkStatus();
  };
  std::mutex mu;
  std::optional<Error> failure;
  std::atomic<std::size_t> next{0};
  const auto worker = [&] {
    RefillReminderReport mine;
    for (std::size_t i = next++; i < enrolled.size(); i = next++) {
      if (Status s = one(enrolled[i], mine); !s.ok()) {
        std::lock_guard lock(mu);
        if (!failure) failure = s.error();
        next = enrolled.size();
      }
    }
    std::lock_guard lock(mu);
    report.orders_placed += mine.orders_placed;
    report.already_done += mine.already_done;
    report.already_requested += mine.already_requested;
    report.waiting += mine.waiting;
    report.members_told += mine.members_told;
  };
  std::vector<std::thread> threads;
  const std::size_t count = std::min(enrolled.size(), static_cast<std::size_t>(std::max(1, options_.order_threads)));
  for (std::size_t k = 0; k < count; ++k) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  if (failure) return std::move(*failure);
  return OkStatus();
}

// ---------------------------------------------------------------- the scheduler

RefillReminderScheduler::RefillReminderScheduler(RefillReminderService& service, std::chrono::seconds interval)
    : service_(service), interval_(interval) {}

RefillReminderScheduler::~RefillReminderScheduler() { Stop(); }

void RefillReminderScheduler::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || interval_.count() <= 0) return;
  stopping_ = false;
  cancel_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void RefillReminderScheduler::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cancel_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RefillReminderScheduler::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_for(lock, interval_, [&] { return stopping_; })) return;
    }
    // A finished pass logs its own progress line (RunPass).
    auto ran = service_.RunPass({.cancel = &cancel_});
    // Another node's pass, or a stop: nothing to say.
    if (!ran.ok() && ran.error().code != "conflict" && ran.error().code != "cancelled") {
      LogWarn("refill_reminders_failed", {{"code", ran.error().code}, {"message", ran.error().message}});
    }
  }
}

}  // namespace rxdesk
