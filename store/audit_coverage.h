// The second half of `rxdesk audit verify`: no audited table changed without an
// entry. The chain (store/audit_log.h) proves the log was not altered; this
// proves the data was not altered behind the log's back, within limits.
//
//   RXD_ASSIGN_OR_RETURN(AuditCoverageReport r, VerifyAuditedTables(conn, checkpoint));
//   for (const AuditCoverageFinding& f : r.findings) Print(f.table, f.record_id, f.problem);
//
// The rule, per table (kAuditedTables in audit_coverage.cc):
//   members, prescriptions, orders: every row has a successful write entry
//     naming it (its id in record_id, or for prescriptions also an order.filled
//     entry of an order of that Rx) and its updated_at is not later than the
//     latest such entry; and every successful create entry still has its row
//     (the product never deletes these rows).
//   fills (no updated_at): for each (Rx, order, created_at) there are at least as
//     many fill.create / order.filled entries at that instant as fills.
//   A row whose updated_at (created_at) is not canonical RFC 3339 UTC is reported.
// Exemptions, and so the limits of the rule:
//   - rows written by a bulk system action (the demo seed: one entry per batch)
//     are covered by that entry when their time equals its time exactly;
//   - rows whose time is at or before the retention checkpoint's entry: their
//     entries may have been removed lawfully;
//   - a direct UPDATE that leaves updated_at alone is not seen (rows carry no
//     hash), nor is a forged row whose time copies an existing entry's exactly;
//   - other tables (users, sessions, contacts, ...) are not checked.
// Findings name the table, the record id and the problem; never a value.
//
// A service that adds a write path to one of these tables adds its action here.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "store/audit_log.h"
#include "store/db.h"

namespace rxdesk {

struct AuditCoverageFinding {
  std::string table;
  std::string record_id;
  std::string problem;
};

struct AuditCoverageReport {
  std::vector<std::pair<std::string, std::int64_t>> rows_checked;  // table, rows
  std::vector<AuditCoverageFinding> findings;                      // at most max_findings in all
  bool truncated = false;                                          // there were more findings than listed
  bool ok() const { return findings.empty(); }
};

// Checks every audited table against the log. `checkpoint` is where retention
// left the chain (LoadAuditCheckpoint). Reads only.
Result<AuditCoverageReport> VerifyAuditedTables(Connection& conn, const AuditCheckpoint& checkpoint,
                                                std::int64_t max_findings = 100);

}  // namespace rxdesk
