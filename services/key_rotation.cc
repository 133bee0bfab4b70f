#include "services/key_rotation.h"

#include "services/audit.h"

#include <algorithm>
#include <set>

namespace rxdesk {

const std::vector<SealedTable>& SealedTables() {
  static const std::vector<SealedTable> kTables = {
      {"members",
       "id",
       {"member_number", "first_name", "last_name", "date_of_birth", "address", "email", "phone"},
       "key_id"},
      {"users", "id", {"totp_secret"}},
      {"fills", "id", {"override_reason"}},
      {"orders", "id", {"address"}},
      {"idempotency_keys", "id", {"response"}},
      {"privacy_incidents",
       "id",
       {"reported_by", "summary", "phi_involved", "unauthorized_person", "mitigation", "resolution"},
       "key_id"},
      {"contact_notes", "id", {"fields"}, "key_id"},
      {"message_threads", "id", {"subject"}, "key_id"},
      {"thread_messages", "id", {"body"}, "key_id"},
      {"tickets", "id", {"summary"}, "key_id"},
      {"csat_surveys", "contact_id", {"comment"}, "key_id"},
      {"chat_messages", "id", {"text"}, "key_id"},
      {"ivr_calls", "call_sid", {"member_number", "from"}},
      {"order_claims", "id", {"description", "decision_reason"}},
      {"prior_authorizations", "id", {"note", "reason"}},
      {"transfers_in", "id", {"request", "note"}},
      {"intake_documents", "id", {"document", "fields", "note"}},
      {"mail_order_switches", "id", {"reason"}},
      {"renewal_requests", "id", {"reason"}},
      {"interaction_holds", "id", {"findings", "reason"}},
      {"mtm_requests", "id", {"note", "outcome"}},
  };
  return kTables;
}

namespace {

// The 4 key-id bytes of a blob's header (FieldCipher: version, key id big-endian, ...).
Blob KeyIdBytes(std::uint32_t key_id) {
  std::string bytes(4, '\0');
  bytes[0] = static_cast<char>(key_id >> 24);
  bytes[1] = static_cast<char>(key_id >> 16);
  bytes[2] = static_cast<char>(key_id >> 8);
  bytes[3] = static_cast<char>(key_id);
  return Blob{std::move(bytes)};
}

std::string Column(std::string_view field) { return std::string(field) + "_enc"; }

std::string_view AdTable(const SealedTable& t) { return t.ad_table.empty() ? t.table : t.ad_table; }

}  // namespace

struct KeyRotation::Batch {
  std::int64_t rows_seen = 0;     // rows the batch selected (0: the table is done)
  std::int64_t rows_changed = 0;  // rows re-encrypted
  std::int64_t values_changed = 0;
  std::string last_id;  // the cursor for the next batch
  std::vector<std::string> unreadable;
};

KeyRotation::KeyRotation(Store& store, const PhiVault& vault, const Clock& clock, KeyRotationParams params,
                         std::vector<SealedTable> tables)
    : store_(store), vault_(vault), clock_(clock), params_(params), tables_(std::move(tables)) {}

Status KeyRotation::ValidateParams() const {
  if (params_.batch_rows < 1 || params_.batch_rows > 100000) {
    return InvalidField("batch_rows", "must be from 1 to 100000");
  }
  if (params_.max_passes < 1 || params_.max_passes > 10) return InvalidField("max_passes", "must be from 1 to 10");
  return OkStatus();
}

// "(substr(a_enc, 2, 4) <> ? OR substr(b_enc, 2, 4) <> ?)": some value is under
// another key. NULL columns (no value) never match. substr works on SQLite
// blobs and PostgreSQL bytea alike, 1-based.
std::string KeyRotation::PendingCondition(const SealedTable& t) const {
  std::string sql = "(";
  for (std::size_t i = 0; i < t.fields.size(); ++i) {
    if (i > 0) sql += " OR ";
    sql += "substr(" + Column(t.fields[i]) + ", 2, 4) <> ?";
  }
  return sql + ")";
}

Result<std::vector<TableProgress>> KeyRotation::CountPending() const {
  const Blob target = KeyIdBytes(vault_.current_key_id());
  std::vector<TableProgress> out;
  for (const SealedTable& t : tables_) {
    const std::string sql = "SELECT COUNT(*) FROM " + std::string(t.table) + " WHERE " + PendingCondition(t);
    const std::vector<Value> params(t.fields.size(), Value(target));
    RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) { return c.Query(sql, params); }));
    out.push_back({std::string(t.table), 0, rows.at(0).Int(0)});
  }
  return out;
}

Result<KeyRotation::Batch> KeyRotation::RunBatch(const SealedTable& t, const std::string& after,
                                                 const std::string& run_id) const {
  const std::uint32_t target_id = vault_.current_key_id();
  const Blob target = KeyIdBytes(target_id);
  std::string select = "SELECT " + std::string(t.primary_key);
  for (const std::string_view f : t.fields) select += ", " + Column(f);
  select += " FROM " + std::string(t.table) + " WHERE " + std::string(t.primary_key) + " > ? AND " +
            PendingCondition(t) + " ORDER BY " + std::string(t.primary_key) + " LIMIT ?";
  if (store_.dialect() == Dialect::kPostgres) select += " FOR UPDATE";
  std::string update = "UPDATE " + std::string(t.table) + " SET ";
  for (std::size_t i = 0; i < t.fields.size(); ++i) update += (i > 0 ? ", " : "") + Column(t.fields[i]) + " = ?";
  if (!t.key_id_column.empty()) update += ", " + std::string(t.key_id_column) + " = ?";
  update += " WHERE " + std::string(t.primary_key) + " = ?";

  Batch batch;
  const Status s = store_.Write([&](WriteContext& w) -> Status {
    batch = Batch{};  // a retried job starts clean
    std::vector<Value> params;
    params.reserve(t.fields.size() + 2);
    params.emplace_back(after);
    for (std::size_t i = 0; i < t.fields.size(); ++i) params.emplace_back(target);
    params.emplace_back(static_cast<std::int64_t>(params_.batch_rows));
    RXD_ASSIGN_OR_RETURN(Rows rows, w.conn.Query(select, params));
    batch.rows_seen = static_cast<std::int64_t>(rows.size());
    std::string first_changed, last_changed;
    for (const Row& row : rows) {
      const std::string& id = row.Text(0);
      batch.last_id = id;
      std::vector<Value> values;
      values.reserve(t.fields.size() + 2);
      std::int64_t changed = 0;
      bool readable = true;
      for (std::size_t i = 0; i < t.fields.size() && readable; ++i) {
        const Value& sealed = row.at(i + 1);
        const std::optional<std::uint32_t> key_id = FieldCipher::KeyIdOf(sealed.AsText());
        if (sealed.is_null() || key_id == target_id) {
          values.push_back(sealed);
          continue;
        }
        auto plain = vault_.Open(AdTable(t), id, t.fields[i], sealed);
        if (!plain.ok()) {
          readable = false;
          break;
        }
        values.emplace_back(vault_.Seal(AdTable(t), id, t.fields[i], *plain));
        ++changed;
      }
      if (!readable) {
        batch.unreadable.push_back(std::string(t.table) + "/" + id);
        continue;
      }
      if (!t.key_id_column.empty()) values.emplace_back(static_cast<std::int64_t>(target_id));
      values.emplace_back(id);
      RXD_TRY(w.conn.Exec(update, values));
      if (first_changed.empty()) first_changed = id;
      last_changed = id;
      ++batch.rows_changed;
      batch.values_changed += changed;
    }
    if (batch.rows_changed == 0) return OkStatus();
    // One entry per batch, in the batch's transaction: re-encryption is one system
    // action over many records, and the entry names their range (ids only).
    return w.audit.Append(w.conn, MakeSystemAudit(clock_.Now(), "keys.reencrypt", std::string(t.table),
                                              first_changed + ".." + last_changed, run_id, "ok"));
  });
  if (!s.ok()) return s.error();
  return batch;
}

Result<KeyRotationReport> KeyRotation::Run(const std::string& run_id,
                                           const std::function<void(const TableProgress&)>& progress) const {
  RXD_TRY(ValidateParams());
  KeyRotationReport report;
  report.key_id = vault_.current_key_id();
  RXD_ASSIGN_OR_RETURN(report.tables, CountPending());
  std::set<std::string> unreadable;
  for (int pass = 0; pass < params_.max_passes; ++pass) {
    for (std::size_t i = 0; i < tables_.size(); ++i) {
      TableProgress& p = report.tables[i];
      std::string cursor;  // ids are non-empty text, so "" sorts before all of them
      for (;;) {
        RXD_ASSIGN_OR_RETURN(Batch b, RunBatch(tables_[i], cursor, run_id));
        if (b.rows_seen == 0) break;
        cursor = b.last_id;
        unreadable.insert(b.unreadable.begin(), b.unreadable.end());
        if (b.rows_changed == 0) continue;
        report.rows += b.rows_changed;
        report.values += b.values_changed;
        ++report.batches;
        p.done += b.rows_changed;
        p.total = std::max(p.total, p.done);
        if (progress) progress(p);
      }
    }
    RXD_ASSIGN_OR_RETURN(const std::vector<TableProgress> left, CountPending());
    report.left = 0;
    for (const TableProgress& t : left) report.left += t.total;
    // Done, or only unreadable rows are left: another pass could not change anything.
    // Otherwise a server sealed rows under the old key behind the cursor: go again.
    if (report.left <= static_cast<std::int64_t>(unreadable.size())) break;
  }
  report.unreadable.assign(unreadable.begin(), unreadable.end());
  return report;
}

Status KeyRotation::AuditRun(const std::string& run_id, std::string action, std::string outcome) const {
  const AuditEntry entry = MakeSystemAudit(clock_.Now(), std::move(action), "data_key",
                                       std::to_string(vault_.current_key_id()), run_id, std::move(outcome));
  return store_.Write([&](WriteContext& w) { return w.audit.Append(w.conn, entry); });
}

}  // namespace rxdesk
