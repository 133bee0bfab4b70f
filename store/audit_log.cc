#include "store/audit_log.h"

#include "infra/crypto.h"

namespace rxdesk {
namespace {

constexpr char kGenesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

void AppendField(std::string& out, const std::string& field) {
  // Length-prefixed so that no two different entries serialise alike.
  out += std::to_string(field.size());
  out += ':';
  out += field;
  out += '|';
}

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
      "outcome, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {Value(seq), Value(FormatInstant(e.at)), Value(e.actor_id), Value(e.actor_role), Value(e.action),
       Value(e.record_type), Value(e.record_id), e.member_id.empty() ? Value() : Value(e.member_id),
       Value(e.request_id), Value(e.outcome), Value(head_.hash), Value(hash)}));
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

Result<AuditVerifyReport> VerifyAuditLog(Connection& conn) {
  AuditVerifyReport report;
  std::string prev = kGenesis;
  std::int64_t expected_seq = 1;
  const std::int64_t page = 5000;
  std::int64_t after = 0;
  for (;;) {
    RXD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT seq, at, actor_id, actor_role, action, record_type, record_id, COALESCE(member_id, ''), "
                   "request_id, outcome, prev_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
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
      if (r.Text(10) != prev) {
        fail("its previous-hash does not match the entry before it");
        return report;
      }
      if (AuditEntryHash(seq, EntryFromRow(r), prev) != r.Text(11)) {
        fail("its contents do not match its hash");
        return report;
      }
      prev = r.Text(11);
      ++expected_seq;
      ++report.entries;
      after = seq;
    }
    if (static_cast<std::int64_t>(rows.size()) < page) break;
  }
  RXD_ASSIGN_OR_RETURN(Rows head, conn.Query("SELECT seq, hash FROM audit_head WHERE id = 1"));
  if (head.empty() || head[0].Int(0) != report.entries || head[0].Text(1) != prev) {
    report.ok = false;
    report.first_bad_seq = report.entries + 1;
    report.problem = "the chain head does not match the last entry (entries removed from the end?)";
  }
  return report;
}

}  // namespace rxdesk
