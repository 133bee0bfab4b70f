#include "store/migrations.h"

#include <string>
#include <vector>

namespace rxdesk {
namespace {

struct Migration {
  int version;
  const char* description;
  const char* sql;  // {BLOB} and {APPEND_ONLY table} are expanded per dialect
};

// Never edit a migration that has shipped: add a new one.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "accounts, members, prescriptions, orders, audit", R"SQL(
CREATE TABLE plans (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL
);
CREATE TABLE drugs (
  ndc TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  strength TEXT,
  form TEXT,
  schedule TEXT NOT NULL,
  generic INTEGER NOT NULL,
  maintenance INTEGER NOT NULL
);
-- PHI columns (*_enc) are encrypted per field; *_index columns are keyed blind indexes.
CREATE TABLE members (
  id TEXT PRIMARY KEY,
  member_number_enc {BLOB} NOT NULL,
  member_number_index TEXT NOT NULL UNIQUE,
  first_name_enc {BLOB} NOT NULL,
  last_name_enc {BLOB} NOT NULL,
  date_of_birth_enc {BLOB} NOT NULL,
  address_enc {BLOB} NOT NULL,
  email_enc {BLOB},
  phone_enc {BLOB},
  name_dob_index TEXT NOT NULL,
  email_index TEXT,
  phone_index TEXT,
  plan_id TEXT REFERENCES plans(id),
  key_id BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX members_name_dob ON members(name_dob_index);
CREATE INDEX members_email ON members(email_index);
CREATE INDEX members_phone ON members(phone_index);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  totp_secret_enc {BLOB},
  totp_last_step BIGINT NOT NULL DEFAULT 0,
  member_id TEXT UNIQUE REFERENCES members(id),
  locked_until TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE login_failures (
  user_id TEXT NOT NULL REFERENCES users(id),
  at TEXT NOT NULL
);
CREATE INDEX login_failures_user ON login_failures(user_id, at);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE prescriptions (
  rx_number TEXT PRIMARY KEY,
  member_id TEXT NOT NULL REFERENCES members(id),
  ndc TEXT NOT NULL,
  drug_name TEXT NOT NULL,
  strength TEXT,
  form TEXT,
  schedule TEXT NOT NULL,
  quantity_milli BIGINT NOT NULL,
  days_supply INTEGER NOT NULL,
  refills_authorized INTEGER NOT NULL,
  refills_remaining INTEGER NOT NULL,
  written_date TEXT NOT NULL,
  prescriber_npi TEXT NOT NULL,
  prescriber_name TEXT NOT NULL,
  prescriber_dea TEXT,
  daw INTEGER NOT NULL,
  status TEXT NOT NULL,
  prior_auth_required INTEGER NOT NULL DEFAULT 0,
  prior_auth_approved INTEGER NOT NULL DEFAULT 0,
  transfer_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX prescriptions_member ON prescriptions(member_id);
CREATE TABLE fills (
  id TEXT PRIMARY KEY,
  rx_number TEXT NOT NULL REFERENCES prescriptions(rx_number),
  fill_date TEXT NOT NULL,
  quantity_milli BIGINT NOT NULL,
  days_supply INTEGER NOT NULL,
  is_refill INTEGER NOT NULL,
  override_reason_enc {BLOB},
  order_id TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX fills_rx ON fills(rx_number, fill_date);
CREATE TABLE orders (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  member_id TEXT NOT NULL REFERENCES members(id),
  rx_number TEXT NOT NULL REFERENCES prescriptions(rx_number),
  status TEXT NOT NULL,
  speed TEXT NOT NULL,
  ship_date TEXT NOT NULL,
  eta_earliest TEXT NOT NULL,
  eta_latest TEXT NOT NULL,
  fee_cents BIGINT NOT NULL,
  address_enc {BLOB} NOT NULL,
  carrier TEXT,
  tracking_number TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX orders_member ON orders(member_id, created_at);
CREATE INDEX orders_rx ON orders(rx_number, status);
CREATE TABLE order_events (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL REFERENCES orders(id),
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  at TEXT NOT NULL,
  carrier TEXT,
  tracking_number TEXT,
  note TEXT,
  actor_id TEXT NOT NULL
);
CREATE INDEX order_events_order ON order_events(order_id, at);
CREATE TABLE idempotency_keys (
  principal TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  route TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (principal, idem_key)
);
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
-- Append-only, hash-chained: each row's hash covers its fields and the previous hash.
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  actor_role TEXT NOT NULL,
  action TEXT NOT NULL,
  record_type TEXT NOT NULL,
  record_id TEXT NOT NULL,
  member_id TEXT,
  request_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_member ON audit_log(member_id, seq);
CREATE INDEX audit_actor ON audit_log(actor_id, seq);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head(id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
{APPEND_ONLY audit_log}
)SQL"},
      {2, "contacts and identity verification", R"SQL(
-- One record per call, chat, message or portal request (PRODUCT.md section 8).
-- The contact center extends it; identity verification lives here because
-- every agent's PHI access names a verified contact.
CREATE TABLE contacts (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  agent_id TEXT NOT NULL REFERENCES users(id),
  member_id TEXT REFERENCES members(id),
  status TEXT NOT NULL,
  verification TEXT NOT NULL,
  verified_by TEXT,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  flagged INTEGER NOT NULL DEFAULT 0,
  opened_at TEXT NOT NULL,
  verified_at TEXT,
  closed_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX contacts_agent ON contacts(agent_id, opened_at);
CREATE INDEX contacts_member ON contacts(member_id, opened_at);
CREATE INDEX contacts_flagged ON contacts(flagged, opened_at);
-- Stored responses of creating POSTs may hold PHI (a created member): sealed
-- from now on, under a row id like every sealed value. Earlier plaintext ones
-- are retry caches only: dropped rather than kept readable.
DELETE FROM idempotency_keys;
ALTER TABLE idempotency_keys ADD COLUMN id TEXT;
ALTER TABLE idempotency_keys ADD COLUMN response_enc {BLOB};
CREATE UNIQUE INDEX idempotency_keys_id ON idempotency_keys(id);
)SQL"},
      {3, "audit purpose, retention checkpoint and job lease, privacy incidents", R"SQL(
-- Why an access happened (e.g. "contact:RX-261123-4F7KQ2-8"); hashed only when set.
ALTER TABLE audit_log ADD COLUMN purpose TEXT;
-- Time-window searches and retention.
CREATE INDEX audit_at ON audit_log(at);
-- The last entry retention removed: verification starts after it. Only retention
-- moves it (forward, onto an existing entry), and only rows at or below it may be
-- deleted (store/audit_log.h).
CREATE TABLE audit_checkpoint (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  at TEXT,
  moved_at TEXT
);
INSERT INTO audit_checkpoint(id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
{AUDIT_PRUNE_GUARD}
-- Background jobs that must run on one node at a time, and when they last ran.
CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT,
  expires_at TEXT,
  last_run_on TEXT,
  last_finished_at TEXT
);
INSERT INTO job_leases(name) VALUES ('retention');
-- Privacy incidents (45 CFR 164.402 risk assessment). *_enc: free text, sealed.
CREATE TABLE privacy_incidents (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  discovered_at TEXT NOT NULL,
  notification_due_on TEXT NOT NULL,
  reported_by_enc {BLOB} NOT NULL,
  summary_enc {BLOB} NOT NULL,
  phi_involved_enc {BLOB},
  unauthorized_person_enc {BLOB},
  phi_acquired_or_viewed TEXT NOT NULL,
  mitigation_enc {BLOB},
  resolution_enc {BLOB},
  notified_at TEXT,
  closed_at TEXT,
  key_id BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX privacy_incidents_status ON privacy_incidents(status, id);
CREATE TABLE privacy_incident_members (
  incident_id TEXT NOT NULL REFERENCES privacy_incidents(id),
  member_id TEXT NOT NULL REFERENCES members(id),
  PRIMARY KEY (incident_id, member_id)
);
CREATE INDEX privacy_incident_members_member ON privacy_incident_members(member_id);
CREATE TABLE privacy_incident_history (
  id TEXT PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES privacy_incidents(id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL
);
CREATE INDEX privacy_incident_history_incident ON privacy_incident_history(incident_id, at);
{APPEND_ONLY privacy_incident_history}
)SQL"},
  };
  return kMigrations;
}

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  for (std::size_t pos = s.find(from); pos != std::string::npos; pos = s.find(from, pos + to.size())) {
    s.replace(pos, from.size(), to);
  }
}

std::string AppendOnlyGuard(Dialect dialect, const std::string& table) {
  if (dialect == Dialect::kSqlite) {
    return "CREATE TRIGGER " + table + "_no_update BEFORE UPDATE ON " + table +
           " BEGIN SELECT RAISE(ABORT, 'append-only table'); END;\n"
           "CREATE TRIGGER " + table + "_no_delete BEFORE DELETE ON " + table +
           " BEGIN SELECT RAISE(ABORT, 'append-only table'); END;\n";
  }
  return "CREATE OR REPLACE FUNCTION rxdesk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
         "RAISE EXCEPTION 'append-only table'; END $$;\n"
         "CREATE TRIGGER " + table + "_append_only BEFORE UPDATE OR DELETE ON " + table +
         " FOR EACH ROW EXECUTE FUNCTION rxdesk_append_only();\n";
}

// Migration 3: retention's one way to remove audit entries. A row may be deleted
// only at or below the checkpoint; the checkpoint moves only forward and only onto
// an entry that exists with that hash. Everything else stays refused, as before.
std::string AuditPruneGuard(Dialect dialect) {
  if (dialect == Dialect::kSqlite) {
    return "DROP TRIGGER audit_log_no_delete;\n"
           "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
           "WHEN OLD.seq > (SELECT seq FROM audit_checkpoint WHERE id = 1) "
           "BEGIN SELECT RAISE(ABORT, 'append-only table'); END;\n"
           "CREATE TRIGGER audit_checkpoint_forward_only BEFORE UPDATE ON audit_checkpoint "
           "WHEN NEW.id <> OLD.id OR NEW.seq <= OLD.seq OR NOT EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq "
           "AND hash = NEW.hash) BEGIN SELECT RAISE(ABORT, 'the audit checkpoint moves only forward onto an entry'); "
           "END;\n"
           "CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint "
           "BEGIN SELECT RAISE(ABORT, 'append-only table'); END;\n";
  }
  return "DROP TRIGGER audit_log_append_only ON audit_log;\n"
         "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION "
         "rxdesk_append_only();\n"
         "CREATE OR REPLACE FUNCTION rxdesk_audit_prune_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
         "IF OLD.seq > (SELECT seq FROM audit_checkpoint WHERE id = 1) THEN RAISE EXCEPTION 'append-only table'; "
         "END IF; RETURN OLD; END $$;\n"
         "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION "
         "rxdesk_audit_prune_guard();\n"
         "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION "
         "rxdesk_append_only();\n"
         "CREATE OR REPLACE FUNCTION rxdesk_audit_checkpoint_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
         "IF TG_OP <> 'UPDATE' OR NEW.id <> OLD.id OR NEW.seq <= OLD.seq OR NOT EXISTS (SELECT 1 FROM audit_log "
         "WHERE seq = NEW.seq AND hash = NEW.hash) THEN RAISE EXCEPTION 'the audit checkpoint moves only forward "
         "onto an entry'; END IF; RETURN NEW; END $$;\n"
         "CREATE TRIGGER audit_checkpoint_guard BEFORE UPDATE OR DELETE ON audit_checkpoint FOR EACH ROW EXECUTE "
         "FUNCTION rxdesk_audit_checkpoint_guard();\n"
         "CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint FOR EACH STATEMENT "
         "EXECUTE FUNCTION rxdesk_append_only();\n";
}

std::string Render(const char* sql, Dialect dialect) {
  std::string out = sql;
  ReplaceAll(out, "{BLOB}", dialect == Dialect::kSqlite ? "BLOB" : "BYTEA");
  ReplaceAll(out, "{AUDIT_PRUNE_GUARD}", AuditPruneGuard(dialect));
  for (std::size_t pos = out.find("{APPEND_ONLY "); pos != std::string::npos; pos = out.find("{APPEND_ONLY ")) {
    const std::size_t end = out.find('}', pos);
    const std::string table = out.substr(pos + 13, end - pos - 13);
    out.replace(pos, end - pos + 1, AppendOnlyGuard(dialect, table));
  }
  return out;
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

Result<int> CurrentSchemaVersion(Connection& conn) {
  // Read-only, so that probing a fresh database (runtime, Store::Open) never races
  // another process's migration with DDL of its own.
  const char* exists = conn.dialect() == Dialect::kPostgres
                           ? "SELECT to_regclass('schema_migrations') IS NOT NULL"
                           : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
  RXD_ASSIGN_OR_RETURN(Rows found, conn.Query(exists));
  if (found.at(0).Int(0) == 0) return 0;
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return static_cast<int>(rows.at(0).Int(0));
}

namespace {

Error SchemaTooNew(int version) {
  return MakeError("schema_too_new", "the database has schema version " + std::to_string(version) +
                                         " but this rxdesk supports up to " + std::to_string(LatestSchemaVersion()) +
                                         "; run a newer rxdesk");
}

// Migrate() once no other process migrates the same database.
Result<int> MigrateSerialised(Connection& conn) {
  RXD_TRY(conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                    "description TEXT NOT NULL, applied_at TEXT NOT NULL)"));
  RXD_ASSIGN_OR_RETURN(int current, CurrentSchemaVersion(conn));
  if (current > LatestSchemaVersion()) return SchemaTooNew(current);
  int applied = 0;
  for (const Migration& m : Migrations()) {
    if (m.version <= current) continue;
    RXD_TRY(conn.Begin());
    // Read again under the write lock (SQLite's BEGIN IMMEDIATE): another process
    // may have applied it since the first read.
    Result<int> now = CurrentSchemaVersion(conn);
    if (!now.ok() || *now >= m.version) {
      (void)conn.Rollback();
      if (!now.ok()) return std::move(now).error();
      current = *now;
      continue;
    }
    Status s = conn.ExecScript(Render(m.sql, conn.dialect()));
    if (s.ok()) {
      s = conn.Exec("INSERT INTO schema_migrations(version, description, applied_at) VALUES (?, ?, "
                    "CURRENT_TIMESTAMP)",
                    {Value(m.version), Value(m.description)})
              .ok()
              ? OkStatus()
              : Status(MakeError("store_error", "cannot record migration"));
    }
    if (!s.ok()) {
      (void)conn.Rollback();
      return MakeError(s.error().code, "migration " + std::to_string(m.version) + " failed: " + s.error().message);
    }
    RXD_TRY(conn.Commit());
    ++applied;
  }
  return applied;
}

// Any 64-bit number no other rxdesk advisory lock uses ("rxdesk" in ASCII, then 1).
constexpr char kMigrationLock[] = "8248453104419930113";

}  // namespace

Result<int> Migrate(Connection& conn) {
  if (conn.dialect() != Dialect::kPostgres) return MigrateSerialised(conn);
  // Several nodes may start together on a new database: PostgreSQL would let two
  // of them create the same tables (one then fails on a duplicate catalog entry),
  // so migrators queue on a session advisory lock. A lost session frees it.
  RXD_TRY(conn.Query(std::string("SELECT pg_advisory_lock(") + kMigrationLock + ")"));
  Result<int> applied = MigrateSerialised(conn);
  (void)conn.Query(std::string("SELECT pg_advisory_unlock(") + kMigrationLock + ")");
  return applied;
}

}  // namespace rxdesk
