#include "store/audit_coverage.h"

namespace rxdesk {
namespace {

// A successful entry: "ok" or "ok:<detail>" (e.g. ok:override); refusals changed nothing.
constexpr char kOk[] = "(a.outcome = 'ok' OR substr(a.outcome, 1, 3) = 'ok:')";

// Times the bulk system actions wrote at (the demo seed's batches).
constexpr char kBulkTimes[] =
    "(SELECT b.at FROM audit_log b WHERE b.action IN ('seed.members') AND b.actor_id = 'system')";

std::string NotCanonical(const std::string& column) {
  return "(length(" + column + ") <> 20 OR substr(" + column + ", 11, 1) <> 'T' OR substr(" + column +
         ", 20, 1) <> 'Z')";
}

struct AuditedTable {
  const char* table;
  const char* id_column;
  const char* record_type;
  const char* write_actions;  // SQL list of the actions that change a row
  const char* create_action;  // the action that makes a row
  const char* more_writes;    // optional: more (rid, at) pairs of write entries
};

// The tables with an updated_at and the entries that may move it.
constexpr AuditedTable kAuditedTables[] = {
    {"members", "id", "member", "'member.create', 'member.update'", "member.create", nullptr},
    {"prescriptions", "rx_number", "prescription",
     "'prescription.create', 'fill.create', 'prescription.superseded', "
     "'prescription.cancelled', 'prescription.prior_auth_approved'",
     "prescription.create",
     // Filling an order uses up a refill of its prescription.
     "SELECT o.rx_number AS rid, a.at AS at FROM audit_log a JOIN orders o ON o.id = a.record_id "
     "WHERE a.record_type = 'order' AND a.action = 'order.filled' AND (a.outcome = 'ok' OR substr(a.outcome, 1, 3) = "
     "'ok:')"},
    {"orders", "id", "order",
     "'refill.create', 'order.review_started', 'order.filled', 'order.shipped', 'order.delivered', "
     "'order.cancelled', 'order.returned', 'order.replacement'",
     "refill.create", nullptr},
};

Status CheckUpdatedAt(Connection& conn, const AuditedTable& t, const std::string& exempt_until,
                      std::int64_t max_findings, AuditCoverageReport& report) {
  std::string writes = std::string("SELECT a.record_id AS rid, a.at AS at FROM audit_log a WHERE a.record_type = '") +
                       t.record_type + "' AND a.action IN (" + t.write_actions + ") AND " + kOk;
  if (t.more_writes != nullptr) writes += std::string(" UNION ALL ") + t.more_writes;
  const std::string id = std::string("t.") + t.id_column;
  const std::string sql = "SELECT " + id + ", t.updated_at, w.last_at FROM " + t.table +
                          " t LEFT JOIN (SELECT x.rid AS rid, MAX(x.at) AS last_at FROM (" + writes +
                          ") x GROUP BY x.rid) w ON w.rid = " + id + " WHERE " + NotCanonical("t.updated_at") +
                          " OR ((w.last_at IS NULL OR w.last_at < t.updated_at) AND t.updated_at > ? AND "
                          "t.updated_at NOT IN " +
                          kBulkTimes + ") ORDER BY " + id + " LIMIT ?";
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, {Value(exempt_until), Value(max_findings + 1)}));
  for (const Row& r : rows) {
    if (static_cast<std::int64_t>(report.findings.size()) >= max_findings) {
      report.truncated = true;
      break;
    }
    std::string problem;
    if (r.Text(1).size() != 20 || r.Text(1)[10] != 'T' || r.Text(1)[19] != 'Z') {
      problem = "updated_at is not an RFC 3339 UTC instant";
    } else if (r.IsNull(2)) {
      problem = "no write entry names this row";
    } else {
      problem = "updated_at " + r.Text(1) + " is later than its latest write entry (" + r.Text(2) + ")";
    }
    report.findings.push_back({t.table, r.Text(0), std::move(problem)});
  }
  return OkStatus();
}

Status CheckNotRemoved(Connection& conn, const AuditedTable& t, std::int64_t max_findings,
                       AuditCoverageReport& report) {
  const std::string sql = std::string("SELECT DISTINCT a.record_id FROM audit_log a WHERE a.record_type = '") +
                          t.record_type + "' AND a.action = '" + t.create_action + "' AND " + kOk +
                          " AND NOT EXISTS (SELECT 1 FROM " + t.table + " t WHERE t." + t.id_column +
                          " = a.record_id) ORDER BY a.record_id LIMIT ?";
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, {Value(max_findings + 1)}));
  for (const Row& r : rows) {
    if (static_cast<std::int64_t>(report.findings.size()) >= max_findings) {
      report.truncated = true;
      break;
    }
    report.findings.push_back({t.table, r.Text(0), "the row was removed; no entry removes it"});
  }
  return OkStatus();
}

// Fills are never updated: each needs its own creating entry at its creation time.
Status CheckFills(Connection& conn, const std::string& exempt_until, std::int64_t max_findings,
                  AuditCoverageReport& report) {
  const std::string entries =
      std::string(
          "SELECT a.record_id AS rx, CAST('' AS TEXT) AS oid, a.at AS at FROM audit_log a WHERE "
          "a.record_type = 'prescription' AND a.action = 'fill.create' AND ") +
      kOk +
      " UNION ALL SELECT o.rx_number AS rx, o.id AS oid, a.at AS at FROM audit_log a JOIN orders o ON o.id = "
      "a.record_id WHERE a.record_type = 'order' AND a.action = 'order.filled' AND " +
      kOk;
  const std::string sql =
      "SELECT f.id, f.created_at, COALESCE(e.n, 0) FROM fills f "
      "JOIN (SELECT rx_number, COALESCE(order_id, '') AS oid, created_at, COUNT(*) AS n FROM fills "
      "GROUP BY rx_number, COALESCE(order_id, ''), created_at) c "
      "ON c.rx_number = f.rx_number AND c.oid = COALESCE(f.order_id, '') AND c.created_at = f.created_at "
      "LEFT JOIN (SELECT x.rx AS rx, x.oid AS oid, x.at AS at, COUNT(*) AS n FROM (" +
      entries +
      ") x GROUP BY x.rx, x.oid, x.at) e ON e.rx = f.rx_number AND e.oid = COALESCE(f.order_id, '') AND e.at = "
      "f.created_at WHERE " +
      NotCanonical("f.created_at") + " OR (COALESCE(e.n, 0) < c.n AND f.created_at > ? AND f.created_at NOT IN " +
      kBulkTimes + ") ORDER BY f.id LIMIT ?";
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(sql, {Value(exempt_until), Value(max_findings + 1)}));
  for (const Row& r : rows) {
    if (static_cast<std::int64_t>(report.findings.size()) >= max_findings) {
      report.truncated = true;
      break;
    }
    const bool canonical = r.Text(1).size() == 20 && r.Text(1)[10] == 'T' && r.Text(1)[19] == 'Z';
    report.findings.push_back({"fills", r.Text(0),
                               !canonical      ? "created_at is not an RFC 3339 UTC instant"
                               : r.Int(2) == 0 ? "no write entry created this fill"
                                               : "more fills at " + r.Text(1) + " than entries creating them"});
  }
  return OkStatus();
}

Result<std::int64_t> CountRows(Connection& conn, const char* table) {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string("SELECT COUNT(*) FROM ") + table));
  return rows.empty() ? 0 : rows[0].Int(0);
}

}  // namespace

Result<AuditCoverageReport> VerifyAuditedTables(Connection& conn, const AuditCheckpoint& checkpoint,
                                                std::int64_t max_findings) {
  AuditCoverageReport report;
  // Rows last written at or before the last removed entry may have lost their entries to retention.
  const std::string exempt_until = checkpoint.at;
  for (const AuditedTable& t : kAuditedTables) {
    RXD_ASSIGN_OR_RETURN(std::int64_t rows, CountRows(conn, t.table));
    report.rows_checked.emplace_back(t.table, rows);
    RXD_TRY(CheckUpdatedAt(conn, t, exempt_until, max_findings, report));
    RXD_TRY(CheckNotRemoved(conn, t, max_findings, report));
  }
  RXD_ASSIGN_OR_RETURN(std::int64_t fills, CountRows(conn, "fills"));
  report.rows_checked.emplace_back("fills", fills);
  RXD_TRY(CheckFills(conn, exempt_until, max_findings, report));
  return report;
}

}  // namespace rxdesk
