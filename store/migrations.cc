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
      {4, "contact center: contacts without a holder, agents, routing, agent states", R"SQL(
-- A self-service or waiting contact has no holder until the ACD routes it.
{CONTACTS_AGENT_NULLABLE}
-- Agents' routing profiles (users with role agent or pharmacist); skills as
-- "name:proficiency" pairs joined by ',', languages as "en,es".
CREATE TABLE cc_agents (
  user_id TEXT PRIMARY KEY REFERENCES users(id),
  skills TEXT NOT NULL,
  languages TEXT NOT NULL,
  capacity_voice INTEGER NOT NULL,
  capacity_chat INTEGER NOT NULL,
  capacity_message INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
-- One row per routed contact; instants in milliseconds since the Unix epoch.
CREATE TABLE cc_routing (
  contact_id TEXT PRIMARY KEY REFERENCES contacts(id),
  queue TEXT NOT NULL,
  channel TEXT NOT NULL,
  language TEXT NOT NULL,
  tty INTEGER NOT NULL,
  callback INTEGER NOT NULL,
  priority INTEGER NOT NULL,
  enqueued_at BIGINT NOT NULL,
  agent_id TEXT REFERENCES users(id),
  assigned_at BIGINT,
  overflow INTEGER NOT NULL DEFAULT 0,
  ended_at BIGINT,
  wrap_up_until BIGINT,
  abandoned_at BIGINT
);
CREATE INDEX cc_routing_enqueued ON cc_routing(enqueued_at);
CREATE INDEX cc_routing_agent ON cc_routing(agent_id, assigned_at);
-- Every agent state change (available, busy, wrap_up, break, offline) with its reason.
CREATE TABLE cc_agent_states (
  seq BIGINT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  state TEXT NOT NULL,
  reason TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX cc_agent_states_user ON cc_agent_states(user_id, at);
CREATE INDEX cc_agent_states_at ON cc_agent_states(at);
-- The ACD's inputs in the order it received them: a restart replays them.
CREATE TABLE cc_inputs (
  seq BIGINT PRIMARY KEY,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  user_id TEXT,
  contact_id TEXT,
  presence TEXT,
  reason TEXT
);
CREATE INDEX cc_inputs_at ON cc_inputs(at);
)SQL"},
      {5, "contact documentation, secure messages, escalation tickets, CSAT surveys", R"SQL(
-- How a contact ended (PRODUCT.md section 8). resolved: 1 for the disposition
-- "resolved", 0 for any other, NULL while open or closed without a disposition.
-- fcr: NULL while no repeat is known (first-contact resolution holds once 7 days
-- pass: implicit), 0 when a contact of the same member on the same issue came
-- within 7 days of this resolved one.
ALTER TABLE contacts ADD COLUMN disposition TEXT;
ALTER TABLE contacts ADD COLUMN issue TEXT;
ALTER TABLE contacts ADD COLUMN resolved INTEGER;
ALTER TABLE contacts ADD COLUMN fcr INTEGER;
CREATE INDEX contacts_member_issue ON contacts(member_id, issue, closed_at);
CREATE TABLE contact_orders (
  contact_id TEXT NOT NULL REFERENCES contacts(id),
  order_id TEXT NOT NULL REFERENCES orders(id),
  PRIMARY KEY (contact_id, order_id)
);
-- Notes written with a template; the fields (JSON) are sealed: they describe a member's care.
CREATE TABLE contact_notes (
  id TEXT PRIMARY KEY,
  contact_id TEXT NOT NULL REFERENCES contacts(id),
  template TEXT NOT NULL,
  fields_enc {BLOB} NOT NULL,
  author_id TEXT NOT NULL,
  key_id BIGINT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX contact_notes_contact ON contact_notes(contact_id, id);
-- Secure messages to the pharmacist pool: one thread per contact of channel "message".
-- awaiting_since: the oldest member message no pharmacist has answered (the SLA clock).
CREATE TABLE message_threads (
  id TEXT PRIMARY KEY,
  contact_id TEXT NOT NULL UNIQUE REFERENCES contacts(id),
  member_id TEXT NOT NULL REFERENCES members(id),
  subject_enc {BLOB} NOT NULL,
  status TEXT NOT NULL,
  awaiting_since TEXT,
  key_id BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX message_threads_member ON message_threads(member_id, id);
CREATE INDEX message_threads_status ON message_threads(status, awaiting_since, id);
CREATE TABLE thread_messages (
  id TEXT PRIMARY KEY,
  thread_id TEXT NOT NULL REFERENCES message_threads(id),
  author_id TEXT NOT NULL,
  author_role TEXT NOT NULL,
  body_enc {BLOB} NOT NULL,
  key_id BIGINT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX thread_messages_thread ON thread_messages(thread_id, id);
-- Escalation tickets; the summary is sealed, the reason is a code of the path.
CREATE TABLE tickets (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  contact_id TEXT NOT NULL REFERENCES contacts(id),
  member_id TEXT REFERENCES members(id),
  path TEXT NOT NULL,
  reason TEXT NOT NULL,
  summary_enc {BLOB} NOT NULL,
  status TEXT NOT NULL,
  owner_id TEXT REFERENCES users(id),
  due_at TEXT NOT NULL,
  key_id BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  closed_at TEXT
);
CREATE INDEX tickets_path_status ON tickets(path, status, id);
CREATE INDEX tickets_due ON tickets(status, due_at);
CREATE TABLE ticket_history (
  id TEXT PRIMARY KEY,
  ticket_id TEXT NOT NULL REFERENCES tickets(id),
  from_status TEXT,
  to_status TEXT NOT NULL,
  owner_id TEXT,
  at TEXT NOT NULL,
  actor_id TEXT NOT NULL
);
CREATE INDEX ticket_history_ticket ON ticket_history(ticket_id, id);
{APPEND_ONLY ticket_history}
-- One survey per closed contact. The link's token is stored hashed; score stays
-- NULL until answered; answered_by: link | agent | ivr | chat.
CREATE TABLE csat_surveys (
  contact_id TEXT PRIMARY KEY REFERENCES contacts(id),
  token_hash TEXT NOT NULL UNIQUE,
  member_id TEXT REFERENCES members(id),
  score INTEGER,
  comment_enc {BLOB},
  answered_by TEXT,
  key_id BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  answered_at TEXT
);
CREATE INDEX csat_surveys_answered ON csat_surveys(answered_at);
)SQL"},
      {6, "notification preferences and the notification outbox", R"SQL(
-- A member's choice of channel and language (PRODUCT.md section 8). No row:
-- the default (email when one is on file, else SMS when a phone is, else none; English).
CREATE TABLE notification_preferences (
  member_id TEXT PRIMARY KEY REFERENCES members(id),
  channel TEXT NOT NULL,
  language TEXT NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- The outbox: one row per notification, written in the transaction of the change
-- it tells of and sent by the worker. No PHI: the address is read from the member
-- at send time; params are references (domain/notification_templates.h);
-- last_error is a code and a short reason, never an address.
-- next_attempt_at NULL: due at once. lease_*: the node sending it, until when.
CREATE TABLE notification_outbox (
  id TEXT PRIMARY KEY,
  member_id TEXT NOT NULL REFERENCES members(id),
  template_id TEXT NOT NULL,
  params TEXT NOT NULL,
  channel TEXT NOT NULL,
  language TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT,
  lease_holder TEXT,
  lease_until TEXT,
  last_error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  sent_at TEXT
);
CREATE INDEX notification_outbox_due ON notification_outbox(status, id);
CREATE INDEX notification_outbox_member ON notification_outbox(member_id, id);
)SQL"},
      {7, "web chats and their sealed messages", R"SQL(
-- One row per web chat (docs/contact-center.md "Web chat"); its id is the chat
-- contact's id. Read markers are kept so both sides see them after a reconnect.
CREATE TABLE chats (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL,
  member_user_id TEXT NOT NULL REFERENCES users(id),
  member_id TEXT REFERENCES members(id),
  agent_user_id TEXT REFERENCES users(id),
  queue TEXT NOT NULL,
  language TEXT NOT NULL,
  status TEXT NOT NULL,
  last_seq BIGINT NOT NULL DEFAULT 0,
  member_read_seq BIGINT NOT NULL DEFAULT 0,
  agent_read_seq BIGINT NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  assigned_at TEXT,
  ended_at TEXT,
  ended_by TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX chats_member ON chats(member_user_id, status);
CREATE INDEX chats_agent ON chats(agent_user_id, status);
-- Messages in order (seq per chat); text_enc is PHI, sealed. A client's retry of
-- the same client_id finds its first copy instead of storing a second.
CREATE TABLE chat_messages (
  id TEXT PRIMARY KEY,
  chat_id TEXT NOT NULL REFERENCES chats(id),
  seq BIGINT NOT NULL,
  client_id TEXT NOT NULL,
  sender_role TEXT NOT NULL,
  sender_user_id TEXT NOT NULL REFERENCES users(id),
  text_enc {BLOB} NOT NULL,
  key_id BIGINT NOT NULL,
  sent_at TEXT NOT NULL,
  UNIQUE (chat_id, seq),
  UNIQUE (chat_id, sender_user_id, client_id)
);
)SQL"},
      {8, "IVR calls: where each call stands in its flow", R"SQL(
-- One row per call of the voice webhook (docs/contact-center.md "IVR menus"), so
-- a restart mid-call continues where the caller was. from_enc (the caller's
-- number) and member_number_enc (typed, waiting for the date of birth) are PHI,
-- sealed. version: each event moves it by one; a concurrent event loses (409).
CREATE TABLE ivr_calls (
  call_sid TEXT PRIMARY KEY,
  contact_id TEXT NOT NULL REFERENCES contacts(id),
  line TEXT NOT NULL,
  node TEXT NOT NULL,
  language TEXT NOT NULL,
  failures INTEGER NOT NULL DEFAULT 0,
  member_number_enc {BLOB},
  member_id TEXT REFERENCES members(id),
  pending_service TEXT,
  queue TEXT,
  from_enc {BLOB},
  version BIGINT NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  ended_at TEXT
);
CREATE INDEX ivr_calls_contact ON ivr_calls(contact_id);
)SQL"},
      {13, "what each fill cost: plan and member shares, Part D year-to-date", R"SQL(
-- One row per priced fill (docs/pharmacy-services.md "Plans, formulary and
-- prior authorization"), written in the same transaction as the fill. Amounts are
-- in cents. benefit_year is the fill date's calendar year. For a Part D plan,
-- ytd_out_of_pocket_after_cents is the member's true out-of-pocket spending for
-- the year after this fill and phase_after its benefit phase
-- (deductible|initial|catastrophic); for other plans the member's running total
-- for the year and NULL. The EOB (docs/pharmacy-services.md "Explanation of
-- Benefits") reads these rows.
CREATE TABLE fill_costs (
  fill_id TEXT PRIMARY KEY REFERENCES fills(id),
  member_id TEXT NOT NULL REFERENCES members(id),
  plan_id TEXT REFERENCES plans(id),
  benefit_year INTEGER NOT NULL,
  fill_date TEXT NOT NULL,
  drug_cost_cents BIGINT NOT NULL,
  plan_paid_cents BIGINT NOT NULL,
  member_paid_cents BIGINT NOT NULL,
  ytd_out_of_pocket_after_cents BIGINT NOT NULL,
  phase_after TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX fill_costs_member ON fill_costs(member_id, benefit_year, fill_date);
-- A member's benefit status that is not part of the plan: the Part D Low-Income
-- Subsidy level (none|full). No row means none.
CREATE TABLE member_benefits (
  member_id TEXT PRIMARY KEY REFERENCES members(id),
  lis TEXT NOT NULL DEFAULT 'none',
  updated_at TEXT NOT NULL
);
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

// Migration 4: contacts.agent_id loses NOT NULL. SQLite cannot drop a constraint,
// so the table is rebuilt as its documentation describes (new table, copy, drop,
// rename, indexes); nothing references contacts yet at version 3.
std::string ContactsAgentNullable(Dialect dialect) {
  if (dialect == Dialect::kPostgres) return "ALTER TABLE contacts ALTER COLUMN agent_id DROP NOT NULL;\n";
  return R"(CREATE TABLE contacts_rebuilt (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  agent_id TEXT REFERENCES users(id),
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
INSERT INTO contacts_rebuilt(id, reference, channel, agent_id, member_id, status, verification, verified_by,
  failed_attempts, flagged, opened_at, verified_at, closed_at, updated_at)
  SELECT id, reference, channel, agent_id, member_id, status, verification, verified_by, failed_attempts, flagged,
  opened_at, verified_at, closed_at, updated_at FROM contacts;
DROP TABLE contacts;
ALTER TABLE contacts_rebuilt RENAME TO contacts;
CREATE INDEX contacts_agent ON contacts(agent_id, opened_at);
CREATE INDEX contacts_member ON contacts(member_id, opened_at);
CREATE INDEX contacts_flagged ON contacts(flagged, opened_at);
)";
}

std::string Render(const char* sql, Dialect dialect) {
  std::string out = sql;
  ReplaceAll(out, "{BLOB}", dialect == Dialect::kSqlite ? "BLOB" : "BYTEA");
  ReplaceAll(out, "{AUDIT_PRUNE_GUARD}", AuditPruneGuard(dialect));
  ReplaceAll(out, "{CONTACTS_AGENT_NULLABLE}", ContactsAgentNullable(dialect));
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
