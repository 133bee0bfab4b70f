#include "store/audit_log.h"

#include <algorithm>

#include "infra/crypto.h"

namespace rxdesk {
namespace {

void AppendField(std::string& out, const std::string& field) {
  // Length-prefixed so that no two different entries serialise alike.
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += '|';
}

// The columns every reader selects, in this order (see EntryFromRow).
constexpr char kEntryColumns[] =
    "seq, at, actor_id, actor_role, action, record_type, record_id, COALESCE(member_id, ''), request_id, outcome, "
    "COALESCE(purpose, ''), prev_hash, hash";

AuditEntry EntryFromRow(const Row& r) {
  AuditEntry e;
  auto at = ParseInstant(r.Text(1));
  e.at = at.ok() ? *at : Instant{};
  e.actor_id = r.Text(2);
  e.actor_role = r.Text(3);
  e.action = r.Text(4);
  e.record_type = r.Text(5);
  e.record_id = r.Text(6);
  e.member_id = r.Text(7);
  e.request_id = r.Text(8);
  e.outcome = r.Text(9);
  e.purpose = r.Text(10);
  return e;
}

}  // namespace

std::string AuditEntryHash(std::int64_t seq, const AuditEntry& e, const std::string& prev_hash) {
  std::string buf;
  buf.reserve(256);
  AppendField(buf, std::to_string(seq));
  AppendField(buf, FormatInstant(e.at));
  AppendField(buf, e.actor_id);
  AppendField(buf, e.actor_role);
  AppendField(buf, e.action);
  AppendField(buf, e.record_type);
  AppendField(buf, e.record_id);
  AppendField(buf, e.member_id);
  AppendField(buf, e.request_id);
  AppendField(buf, e.outcome);
  // An extra field only when there is a purpose: the fields are length-prefixed,
  // so an entry with a purpose never serialises like one without.
  if (!e.purpose.empty()) AppendField(buf, e.purpose);
  AppendField(buf, prev_hash);
  return Sha256Hex(buf);
}

Status AuditChain::Load(Connection& conn) {
  const char* sql = conn.dialect() == Dialect::kPostgres ? "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"
                                                         : "SELECT seq, hash FROM audit_head WHERE id = 1";
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql));
  if (rows.empty()) return MakeError("store_error", "audit_head row is missing");
  head_.seq = rows[0].Int(0);
  head_.hash = rows[0].Text(1);
  loaded_seq_ = head_.seq;
  return OkStatus();
}

Status AuditChain::Append(Connection& conn, const AuditEntry& e) {
  const std::int64_t seq = head_.seq + 1;
  std::string hash = AuditEntryHash(seq, e, head_.hash);
  RXD_TRY(conn.Exec(
      "INSERT INTO audit_log(seq, at, actor_id, actor_role, action, record_type, record_id, member_id, request_id, "
      "outcome, purpose, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {Value(seq), Value(FormatInstant(e.at)), Value(e.actor_id), Value(e.actor_role), Value(e.action),
       Value(e.record_type), Value(e.record_id), e.member_id.empty() ? Value() : Value(e.member_id),
       Value(e.request_id), Value(e.outcome), e.purpose.empty() ? Value() : Value(e.purpose), Value(head_.hash),
       Value(hash)}));
  head_.seq = seq;
  head_.hash = std::move(hash);
  return OkStatus();
}

Status AuditChain::Save(Connection& conn) {
  if (head_.seq == loaded_seq_) return OkStatus();
  RXD_TRY(conn.Exec("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", {Value(head_.seq), Value(head_.hash)}));
  loaded_seq_ = head_.seq;
  return OkStatus();
}

Result<AuditCheckpoint> LoadAuditCheckpoint(Connection& conn) {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT seq, hash, COALESCE(at, ''), COALESCE(moved_at, '') FROM "
                                             "audit_checkpoint WHERE id = 1"));
  if (rows.empty()) return MakeError("store_error", "audit_checkpoint row is missing");
  AuditCheckpoint cp;
  cp.seq = rows[0].Int(0);
  cp.hash = rows[0].Text(1);
  cp.at = rows[0].Text(2);
  cp.moved_at = rows[0].Text(3);
  return cp;
}

Result<AuditVerifyReport> VerifyAuditLog(Connection& conn) {
  AuditVerifyReport report;
  RXD_ASSIGN_OR_RETURN(report.checkpoint, LoadAuditCheckpoint(conn));
  std::string prev = report.checkpoint.hash;
  std::int64_t expected_seq = report.checkpoint.seq + 1;
  const std::int64_t page = 5000;
  std::int64_t after = report.checkpoint.seq;
  for (;;) {
    RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string("SELECT ") + kEntryColumns +
                                                   " FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                                               {Value(after), Value(page)}));
    for (const Row& r : rows) {
      const std::int64_t seq = r.Int(0);
      const auto fail = [&](std::string problem) {
        report.ok = false;
        report.first_bad_seq = seq;
        report.problem = std::move(problem);
      };
      if (seq != expected_seq) {
        fail("entry " + std::to_string(expected_seq) + " is missing");
        report.first_bad_seq = expected_seq;
        return report;
      }
      if (r.Text(11) != prev) {
        fail(seq == report.checkpoint.seq + 1 && report.checkpoint.seq > 0
                 ? "its previous-hash does not match the retention checkpoint"
                 : "its previous-hash does not match the entry before it");
        return report;
      }
      if (AuditEntryHash(seq, EntryFromRow(r), prev) != r.Text(12)) {
        fail("its contents do not match its hash");
        return report;
      }
      prev = r.Text(12);
      ++expected_seq;
      ++report.entries;
      after = seq;
    }
    if (static_cast<std::int64_t>(rows.size()) < page) break;
  }
  RXD_ASSIGN_OR_RETURN(Rows head, conn.Query("SELECT seq, hash FROM audit_head WHERE id = 1"));
  if (head.empty() || head[0].Int(0) != expected_seq - 1 || head[0].Text(1) != prev) {
    report.ok = false;
    report.first_bad_seq = expected_seq;
    report.problem = "the chain head does not match the last entry (entries removed from the end?)";
  }
  return report;
}

Result<std::vector<AuditRecord>> SearchAuditLog(Connection& conn, const AuditQuery& q) {
  std::string sql = std::string("SELECT ") + kEntryColumns + " FROM audit_log WHERE 1 = 1";
  std::vector<Value> params;
  if (!q.member_id.empty()) {
    sql += " AND member_id = ?";
    params.emplace_back(q.member_id);
  }
  if (!q.actor_id.empty()) {
    sql += " AND actor_id = ?";
    params.emplace_back(q.actor_id);
  }
  if (q.from) {
    sql += " AND at >= ?";
    params.emplace_back(FormatInstant(*q.from));
  }
  if (q.to) {
    sql += " AND at < ?";
    params.emplace_back(FormatInstant(*q.to));
  }
  if (!q.action.empty() && q.action.back() == '.') {
    // substr rather than LIKE: '_' and '%' in the prefix mean themselves.
    sql += " AND substr(action, 1, ?) = ?";
    params.emplace_back(static_cast<std::int64_t>(q.action.size()));
    params.emplace_back(q.action);
  } else if (!q.action.empty()) {
    sql += " AND action = ?";
    params.emplace_back(q.action);
  }
  if (!q.outcome.empty()) {
    sql += " AND outcome = ?";
    params.emplace_back(q.outcome);
  }
  if (q.before_seq > 0) {
    sql += q.oldest_first ? " AND seq > ?" : " AND seq < ?";
    params.emplace_back(q.before_seq);
  }
  sql += q.oldest_first ? " ORDER BY seq LIMIT ?" : " ORDER BY seq DESC LIMIT ?";
  params.emplace_back(std::max<std::int64_t>(q.limit, 1));
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, params));
  std::vector<AuditRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back({r.Int(0), EntryFromRow(r)});
  return out;
}

namespace {

// The entries after the checkpoint that retention may remove, walking forward
// from `after` at most `limit` rows: stops at the first entry not older than the
// cutoff, at a gap, or at a time it cannot read. Returns (last removable seq, its
// hash, its at) in `last`; the count of removable rows seen.
struct Removable {
  std::int64_t count = 0;
  std::int64_t last_seq = 0;
  std::string last_hash;
  std::string last_at;
  bool stopped = false;  // met an entry that must stay
};

Result<Removable> ScanRemovable(Connection& conn, std::int64_t after, Instant cutoff, std::int64_t limit) {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT seq, at, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
                                             {Value(after), Value(limit)}));
  Removable out;
  out.last_seq = after;
  for (const Row& r : rows) {
    const auto at = ParseInstant(r.Text(1));
    if (r.Int(0) != out.last_seq + 1 || !at.ok() || *at >= cutoff) {
      out.stopped = true;
      return out;
    }
    ++out.count;
    out.last_seq = r.Int(0);
    out.last_hash = r.Text(2);
    out.last_at = r.Text(1);
  }
  if (static_cast<std::int64_t>(rows.size()) < limit) out.stopped = true;  // the end of the chain
  return out;
}

}  // namespace

Result<AuditPruneResult> PruneAuditLog(Connection& conn, Instant cutoff, std::int64_t limit, Instant now) {
  if (limit < 1) return MakeError("invalid_request", "the prune limit must be at least 1", "limit");
  AuditPruneResult result;
  RXD_ASSIGN_OR_RETURN(result.checkpoint, LoadAuditCheckpoint(conn));
  RXD_ASSIGN_OR_RETURN(Removable removable, ScanRemovable(conn, result.checkpoint.seq, cutoff, limit));
  if (removable.count == 0) return result;
  // The checkpoint first: the delete guard lets only rows at or below it go.
  RXD_TRY(conn.Exec(
      "UPDATE audit_checkpoint SET seq = ?, hash = ?, at = ?, moved_at = ? WHERE id = 1",
      {Value(removable.last_seq), Value(removable.last_hash), Value(removable.last_at), Value(FormatInstant(now))}));
  RXD_ASSIGN_OR_RETURN(result.removed, conn.Exec("DELETE FROM audit_log WHERE seq > ? AND seq <= ?",
                                                 {Value(result.checkpoint.seq), Value(removable.last_seq)}));
  result.checkpoint.seq = removable.last_seq;
  result.checkpoint.hash = removable.last_hash;
  result.checkpoint.at = removable.last_at;
  result.checkpoint.moved_at = FormatInstant(now);
  return result;
}

Result<std::int64_t> CountPrunableAuditEntries(Connection& conn, Instant cutoff) {
  RXD_ASSIGN_OR_RETURN(AuditCheckpoint cp, LoadAuditCheckpoint(conn));
  std::int64_t total = 0;
  std::int64_t after = cp.seq;
  for (;;) {
    RXD_ASSIGN_OR_RETURN(Removable page, ScanRemovable(conn, after, cutoff, 5000));
    total += page.count;
    if (page.stopped) return total;
    after = page.last_seq;
  }
}

}  // namespace rxdesk
