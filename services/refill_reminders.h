// Refill reminders and auto-refill (PRODUCT.md §2): a pass over every
// prescription whose supply runs out within days_before days; a reminder through
// the member's preferred channel, or, for a prescription enrolled in auto-refill,
// the refill itself through the normal refill path. docs/pharmacy-services.md
// "Refill reminders and auto-refill" tells the whole story.
//
//   RefillReminderService reminders(store, clock, zone, members, pharmacy, options, "node-1:4242");
//   RXD_ASSIGN_OR_RETURN(AutoRefillSetting s, reminders.SetAutoRefill(caller, "1000001-4", true));
//   RXD_ASSIGN_OR_RETURN(RefillReminderReport r, reminders.RunPass({.as_of = today}));
//   RefillReminderScheduler job(reminders, std::chrono::seconds(300));   // serve: one pass per interval
//   job.Start();
//
// Exactly once per prescription and supply cycle (the cycle is the last fill,
// named by its date): a row of refill_cycle_actions, keyed by Rx, fill date and
// kind, is written in the same transaction as the outbox row or the order. So a
// second pass, a second node or a pass run again after kill -9 finds the row and
// does nothing more; what a killed pass had not committed, the next pass does.
//
// One pass at a time across every node and the operator's route: a lease row
// (job_leases 'refill_reminders') is taken first, renewed with every page and
// released at the end; a crashed holder's lease expires after lease_seconds, or
// at once when `holder_gone` says the holder's process has ended.
//
// Prescriptions are read a page at a time in Rx number order, so memory does not
// grow with the number of members. No PHI is read: the pass sees Rx numbers,
// member ids, fill dates and the member's channel (never an address).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "domain/clock.h"
#include "domain/refill_reminder.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/member_service.h"
#include "services/pharmacy_services.h"
#include "store/store.h"

namespace rxdesk {

// [reminders] in the configuration (docs/configuration.md).
struct RefillReminderConfig {
  // Seconds between two passes of the background job in `serve`; 0 turns the
  // job off (POST /v1/jobs/refill-reminders/run still runs a pass). 300: a fill
  // recorded now is looked at within five minutes, and a pass over 100k members
  // takes a few seconds (docs/performance.md).
  int interval_s = 300;
  // PRODUCT.md §2 (config): days before the supply runs out (domain/refill_reminder.h).
  int days_before = 7;
};

struct RefillReminderOptions {
  RefillReminderPolicy policy;
  // Prescriptions read per page (and reminders per write transaction): bounds
  // memory and how long one transaction holds the writer.
  int page_size = 500;
  // How long the lease lasts without renewal (every page renews it).
  int lease_seconds = 600;
  // Automatic refills placed at once: each is a transaction of its own, and
  // several in flight share one group commit (one fsync) instead of one each.
  int order_threads = 8;
  // Whether a lease holder's process has ended (serve: a holder on this host
  // whose pid is gone), so a restarted server need not wait for the lease.
  std::function<bool(const std::string& holder)> holder_gone;
};

// A prescription's auto-refill enrolment.
struct AutoRefillSetting {
  std::string rx_number;
  bool enabled = false;
  std::string updated_at;  // "" when never set
};

struct RefillReminderRunOptions {
  std::optional<Date> as_of;                  // the day the pass is for; default today (operator zone)
  std::string request_id;                     // for the audit entries; default a new "reminders-<id>"
  const std::atomic<bool>* cancel = nullptr;  // checked between pages: stop early
};

// Counts only (no PHI): what one pass did.
struct RefillReminderReport {
  Date as_of{};
  Instant started_at{};
  Instant finished_at{};
  std::int64_t scanned = 0;                // prescriptions with a fill read
  std::int64_t due = 0;                    // of those, in their reminder window on as_of
  std::int64_t reminders_queued = 0;       // reminders put in the outbox
  std::int64_t reminders_unreachable = 0;  // channel none, or no address for it: marked, nothing sent
  std::int64_t orders_placed = 0;          // automatic refills placed
  std::int64_t waiting = 0;                // auto-refill too soon: a later pass orders it
  std::int64_t members_told = 0;           // auto-refill refused for the cycle: the member was told
  std::int64_t already_requested = 0;      // a refill of the Rx was already on its way: nothing to do
  std::int64_t already_done = 0;           // the cycle was handled by an earlier pass
};

class RefillReminderService {
 public:
  // `holder` names this process in the lease (e.g. "host:pid").
  RefillReminderService(Store& store, const Clock& clock, const Zone& zone, const MemberService& members,
                        PharmacyServices& pharmacy, RefillReminderOptions options, std::string holder);

  // A prescription's enrolment (members: their own; agents: in a verified
  // contact). Refusals: not_found, verification_required. Audited
  // (auto_refill.read) either way.
  Result<AutoRefillSetting> GetAutoRefill(const Caller& caller, const std::string& rx_number);

  // Turns auto-refill on or off. Refusals: those of GetAutoRefill; turning it on
  // for a Schedule II prescription (schedule_ii_no_refills) or one that is not
  // active (not_active). Audited (auto_refill.update) either way.
  Result<AutoRefillSetting> SetAutoRefill(const Caller& caller, const std::string& rx_number, bool enabled);

  // One pass for `as_of`. Reminders and refusals are judged on as_of; an order
  // goes through OrderService::RequestRefill, which judges eligibility on the
  // day it is placed (a pass for a later day leaves a refill that is too soon
  // today for that day's pass). Refusals: conflict (another pass holds the
  // lease), cancelled, the store's errors (pages already committed stay so).
  Result<RefillReminderReport> RunPass(const RefillReminderRunOptions& options);

  const RefillReminderOptions& options() const { return options_; }

 private:
  struct PassState;  // one pass's position and bookkeeping (refill_reminders.cc)
  Result<bool> TakeLease(Connection& conn, Instant now);
  Status HandlePage(PassState& pass, RefillReminderReport& report);

  Store& store_;
  const Clock& clock_;
  const Zone& zone_;
  const MemberService& members_;
  PharmacyServices& pharmacy_;
  RefillReminderOptions options_;
  std::string holder_;
};

// Runs RefillReminderService::RunPass (for today) every `interval` on a thread
// of its own until Stop(); the first pass comes one interval after Start(). A
// pass another node holds is skipped quietly; each pass logs one line (counts).
class RefillReminderScheduler {
 public:
  RefillReminderScheduler(RefillReminderService& service, std::chrono::seconds interval);
  ~RefillReminderScheduler();  // Stop()
  RefillReminderScheduler(const RefillReminderScheduler&) = delete;
  RefillReminderScheduler& operator=(const RefillReminderScheduler&) = delete;

  void Start();  // does nothing when the interval is 0
  // Returns after the current pass (if any) finished its page.
  void Stop();

 private:
  void Loop();

  std::atomic<bool> cancel_{false};
  RefillReminderService& service_;
  const std::chrono::seconds interval_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace rxdesk
