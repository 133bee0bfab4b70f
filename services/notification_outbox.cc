#include "services/notification_outbox.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>

namespace rxdesk {
namespace {

constexpr char kColumns[] =
    "id, member_id, template_id, params, channel, language, status, attempts, COALESCE(next_attempt_at, ''), "
    "COALESCE(last_error, ''), created_at, COALESCE(sent_at, '')";

Result<OutboxRow> FromRow(const Row& r) {
  OutboxRow o;
  o.id = r.Text(0);
  o.member_id = r.Text(1);
  o.template_id = r.Text(2);
  const auto params = nlohmann::json::parse(r.Text(3), nullptr, false);
  if (!params.is_object()) return MakeError("store_error", "outbox row with unreadable params");
  for (const auto& [k, v] : params.items()) {
    if (v.is_string()) o.params[k] = v.get<std::string>();
  }
  RXD_ASSIGN_OR_RETURN(o.channel, ParseNotificationChannel(r.Text(4)));
  RXD_ASSIGN_OR_RETURN(o.language, ParseNotificationLanguage(r.Text(5)));
  const std::string& status = r.Text(6);
  o.status = status == "sent"     ? OutboxStatus::kSent
             : status == "failed" ? OutboxStatus::kFailed
                                  : OutboxStatus::kQueued;
  o.attempts = static_cast<int>(r.Int(7));
  o.next_attempt_at = r.Text(8);
  o.last_error = r.Text(9);
  o.created_at = r.Text(10);
  o.sent_at = r.Text(11);
  return o;
}

std::mutex doorbell_mu;
std::condition_variable doorbell_cv;
std::uint64_t doorbell_rings = 0;  // guarded by doorbell_mu

}  // namespace

std::string_view ToString(OutboxStatus status) {
  switch (status) {
    case OutboxStatus::kQueued:
      return "queued";
    case OutboxStatus::kSent:
      return "sent";
    case OutboxStatus::kFailed:
      return "failed";
  }
  return "queued";
}

Result<NotificationPreference> LoadNotificationPreference(Connection& conn, const std::string& member_id) {
  RXD_ASSIGN_OR_RETURN(
      Rows rows, conn.Query("SELECT CASE WHEN m.email_enc IS NULL THEN 0 ELSE 1 END, CASE WHEN m.phone_enc IS NULL "
                            "THEN 0 ELSE 1 END, p.channel, p.language, p.updated_at FROM members m LEFT JOIN "
                            "notification_preferences p ON p.member_id = m.id WHERE m.id = ?",
                            {Value(member_id)}));
  if (rows.empty()) return MakeError("not_found", "no such member");
  const Row& r = rows[0];
  NotificationPreference p;
  p.on_file = {.has_email = r.Int(0) != 0, .has_phone = r.Int(1) != 0};
  if (r.IsNull(2)) {
    p.channel = DefaultChannel(p.on_file);
    return p;
  }
  RXD_ASSIGN_OR_RETURN(p.channel, ParseNotificationChannel(r.Text(2)));
  RXD_ASSIGN_OR_RETURN(p.language, ParseNotificationLanguage(r.Text(3)));
  p.is_default = false;
  p.updated_at = r.Text(4);
  return p;
}

Status SaveNotificationPreference(Connection& conn, const std::string& member_id, NotificationChannel channel,
                                  NotificationLanguage language, const std::string& updated_by, Instant now) {
  RXD_TRY(
      conn.Exec("INSERT INTO notification_preferences(member_id, channel, language, updated_by, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(member_id) DO UPDATE SET channel = excluded.channel, "
                "language = excluded.language, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                {Value(member_id), Value(ToString(channel)), Value(ToString(language)), Value(updated_by),
                 Value(FormatInstant(now))}));
  return OkStatus();
}

Status InsertOutboxRow(Connection& conn, const OutboxRow& row) {
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [k, v] : row.params) params[k] = v;
  RXD_TRY(conn.Exec(
      "INSERT INTO notification_outbox(id, member_id, template_id, params, channel, language, status, "
      "attempts, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)",
      {Value(row.id), Value(row.member_id), Value(row.template_id), Value(params.dump()), Value(ToString(row.channel)),
       Value(ToString(row.language)), Value(row.created_at), Value(row.created_at)}));
  return OkStatus();
}

Result<std::vector<OutboxRow>> ClaimDueNotifications(Connection& conn, const std::string& holder, Instant now,
                                                     std::chrono::seconds lease, int limit) {
  const std::string at = FormatInstant(now);
  // PostgreSQL: SKIP LOCKED so a second claimer takes other rows instead of
  // waiting; the update checks the conditions again on the locked row.
  const std::string lock = conn.dialect() == Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
  // Two statements, not UPDATE ... WHERE id IN (SELECT ... LIMIT n): PostgreSQL may
  // run such a subquery more than once and so update more than n rows.
  RXD_ASSIGN_OR_RETURN(
      Rows due,
      conn.Query("SELECT id FROM notification_outbox WHERE status = 'queued' AND (next_attempt_at IS NULL "
                 "OR next_attempt_at <= ?) AND (lease_until IS NULL OR lease_until <= ?) ORDER BY id LIMIT ?" +
                     lock,
                 {Value(at), Value(at), Value(limit)}));
  Rows rows;
  for (const Row& d : due) {
    RXD_ASSIGN_OR_RETURN(
        Rows claimed,
        conn.Query(
            std::string("UPDATE notification_outbox SET lease_holder = ?, lease_until = ?, attempts = attempts + "
                        "1, updated_at = ? WHERE id = ? AND status = 'queued' AND (lease_until IS NULL OR "
                        "lease_until <= ?) RETURNING ") +
                kColumns,
            {Value(holder), Value(FormatInstant(now + lease)), Value(at), Value(d.Text(0)), Value(at)}));
    for (Row& r : claimed) rows.push_back(std::move(r));
  }
  std::vector<OutboxRow> out;
  for (const Row& r : rows) {
    RXD_ASSIGN_OR_RETURN(OutboxRow o, FromRow(r));
    out.push_back(std::move(o));
  }
  std::sort(out.begin(), out.end(), [](const OutboxRow& a, const OutboxRow& b) { return a.id < b.id; });
  return out;
}

Result<int> ReleaseLeasesOfGoneHolders(Connection& conn, const std::function<bool(const std::string& holder)>& gone,
                                       Instant now) {
  RXD_ASSIGN_OR_RETURN(Rows holders, conn.Query("SELECT DISTINCT lease_holder FROM notification_outbox WHERE "
                                                "status = 'queued' AND lease_until > ?",
                                                {Value(FormatInstant(now))}));
  int released = 0;
  for (const Row& h : holders) {
    const std::string holder = h.Text(0);
    if (holder.empty() || !gone(holder)) continue;
    RXD_ASSIGN_OR_RETURN(std::int64_t n, conn.Exec("UPDATE notification_outbox SET lease_holder = NULL, lease_until = "
                                                   "NULL, updated_at = ? WHERE lease_holder = ? AND status = 'queued'",
                                                   {Value(FormatInstant(now)), Value(holder)}));
    released += static_cast<int>(n);
  }
  return released;
}

Result<bool> MarkNotificationSent(Connection& conn, const std::string& id, const std::string& holder, Instant now) {
  const std::string at = FormatInstant(now);
  RXD_ASSIGN_OR_RETURN(std::int64_t n,
                       conn.Exec("UPDATE notification_outbox SET status = 'sent', sent_at = ?, lease_holder = NULL, "
                                 "lease_until = NULL, last_error = NULL, updated_at = ? WHERE id = ? AND "
                                 "lease_holder = ? AND status = 'queued'",
                                 {Value(at), Value(at), Value(id), Value(holder)}));
  return n == 1;
}

Result<bool> MarkNotificationRetry(Connection& conn, const std::string& id, const std::string& holder,
                                   Instant next_attempt_at, const std::string& error, Instant now) {
  RXD_ASSIGN_OR_RETURN(std::int64_t n,
                       conn.Exec("UPDATE notification_outbox SET next_attempt_at = ?, last_error = ?, "
                                 "lease_holder = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND "
                                 "lease_holder = ? AND status = 'queued'",
                                 {Value(FormatInstant(next_attempt_at)), Value(error.substr(0, 200)),
                                  Value(FormatInstant(now)), Value(id), Value(holder)}));
  return n == 1;
}

Result<bool> MarkNotificationFailed(Connection& conn, const std::string& id, const std::string& holder,
                                    const std::string& error, Instant now) {
  RXD_ASSIGN_OR_RETURN(std::int64_t n,
                       conn.Exec("UPDATE notification_outbox SET status = 'failed', last_error = ?, "
                                 "lease_holder = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND "
                                 "lease_holder = ? AND status = 'queued'",
                                 {Value(error.substr(0, 200)), Value(FormatInstant(now)), Value(id), Value(holder)}));
  return n == 1;
}

Result<std::optional<OutboxRow>> LoadOutboxRow(Connection& conn, const std::string& id) {
  RXD_ASSIGN_OR_RETURN(
      Rows rows, conn.Query(std::string("SELECT ") + kColumns + " FROM notification_outbox WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::optional<OutboxRow>();
  RXD_ASSIGN_OR_RETURN(OutboxRow o, FromRow(rows[0]));
  return std::optional<OutboxRow>(std::move(o));
}

void RingOutboxDoorbell() {
  {
    std::lock_guard lock(doorbell_mu);
    ++doorbell_rings;
  }
  doorbell_cv.notify_all();
}

std::uint64_t OutboxDoorbellRings() {
  std::lock_guard lock(doorbell_mu);
  return doorbell_rings;
}

void WaitForOutboxDoorbell(std::uint64_t seen, std::chrono::milliseconds timeout, const std::function<bool()>& stop) {
  std::unique_lock lock(doorbell_mu);
  doorbell_cv.wait_for(lock, timeout, [&] { return doorbell_rings != seen || stop(); });
}

void WakeOutboxWaiters() {
  { std::lock_guard lock(doorbell_mu); }
  doorbell_cv.notify_all();
}

}  // namespace rxdesk
