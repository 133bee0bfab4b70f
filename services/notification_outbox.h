// The notification outbox and preferences as stored (migration 6), for
// QueueNotification (services/notifications.h), the preference routes and the
// worker (services/notification_worker.h). All functions run on the caller's
// connection, inside the caller's transaction where they write.
//
//   RXD_ASSIGN_OR_RETURN(auto rows, ClaimDueNotifications(w.conn, "node-1:42", now, std::chrono::minutes(5), 10));
//   ... send each ...
//   RXD_ASSIGN_OR_RETURN(bool still_mine, MarkNotificationSent(w.conn, rows[0].id, "node-1:42", now));
//
// Claiming is safe with several nodes on one PostgreSQL: a row is claimed by
// setting its lease (holder, until) only where no live lease is held, with
// FOR UPDATE SKIP LOCKED so two claimers never wait on each other; marks apply
// only while the caller still holds the lease. A claim counts as an attempt,
// so a row that crashes its sender is not retried forever.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/notification.h"
#include "domain/notification_templates.h"
#include "store/db.h"

namespace rxdesk {

// A member's effective preference.
struct NotificationPreference {
  NotificationChannel channel = NotificationChannel::kNone;
  NotificationLanguage language = kDefaultNotificationLanguage;
  bool is_default = true;   // no choice stored: derived from the addresses on file
  AddressesOnFile on_file;  // which addresses exist (never the addresses)
  std::string updated_at;   // of the stored choice; "" by default
};

// The preference of an existing member. Refusal: not_found.
Result<NotificationPreference> LoadNotificationPreference(Connection& conn, const std::string& member_id);
// Stores a choice (insert or replace). No audit: the caller audits.
Status SaveNotificationPreference(Connection& conn, const std::string& member_id, NotificationChannel channel,
                                  NotificationLanguage language, const std::string& updated_by, Instant now);

enum class OutboxStatus { kQueued, kSent, kFailed };
std::string_view ToString(OutboxStatus status);

struct OutboxRow {
  std::string id;
  std::string member_id;
  std::string template_id;
  NotificationParams params;
  NotificationChannel channel = NotificationChannel::kNone;
  NotificationLanguage language = kDefaultNotificationLanguage;
  OutboxStatus status = OutboxStatus::kQueued;
  int attempts = 0;             // including the claim that returned this row
  std::string next_attempt_at;  // "" = due at once
  std::string last_error;
  std::string created_at;
  std::string sent_at;
};

// Inserts a queued row. Requires a validated template and parameters.
Status InsertOutboxRow(Connection& conn, const OutboxRow& row);

// Claims up to `limit` rows due at `now` (queued, next attempt reached, no live
// lease), oldest first: leases them to `holder` until now + lease and counts an attempt.
Result<std::vector<OutboxRow>> ClaimDueNotifications(Connection& conn, const std::string& holder, Instant now,
                                                     std::chrono::seconds lease, int limit);

// Releases the live leases of every holder `gone` says has stopped (its rows
// are claimable at once); returns the rows released.
Result<int> ReleaseLeasesOfGoneHolders(Connection& conn, const std::function<bool(const std::string& holder)>& gone,
                                       Instant now);

// Marks (only while `holder` holds the lease; false when the lease was lost):
// sent; queued again for `next_attempt_at`; failed for good.
Result<bool> MarkNotificationSent(Connection& conn, const std::string& id, const std::string& holder, Instant now);
Result<bool> MarkNotificationRetry(Connection& conn, const std::string& id, const std::string& holder,
                                   Instant next_attempt_at, const std::string& error, Instant now);
Result<bool> MarkNotificationFailed(Connection& conn, const std::string& id, const std::string& holder,
                                    const std::string& error, Instant now);

// One row, or nullopt (tests and tools).
Result<std::optional<OutboxRow>> LoadOutboxRow(Connection& conn, const std::string& id);

// The doorbell: QueueNotification rings it so this process's worker looks at the
// outbox at once instead of at its next poll. Process-wide, because queuing is a
// free function callers use from inside any transaction.
void RingOutboxDoorbell();
std::uint64_t OutboxDoorbellRings();
// Waits until the doorbell rang after `seen` rings, `stop()` is true (checked when
// woken; call WakeOutboxWaiters after setting it), or `timeout` passed.
void WaitForOutboxDoorbell(std::uint64_t seen, std::chrono::milliseconds timeout, const std::function<bool()>& stop);
void WakeOutboxWaiters();

}  // namespace rxdesk
