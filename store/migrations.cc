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
      {9, "prescription transfers in and fax/mail intake documents", R"SQL(
-- Transfers in from another pharmacy (docs/pharmacy-services.md "Transfers in").
-- request_enc: the sealed request (the other pharmacy, the prescription's details,
-- its Rx number there, the prescriber); only what the queue and the law need is in
-- clear. status: pending | completed | failed; rx_number: the prescription created here.
CREATE TABLE transfers_in (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  member_id TEXT NOT NULL REFERENCES members(id),
  status TEXT NOT NULL,
  schedule TEXT NOT NULL,
  prior_transfers INTEGER NOT NULL,
  request_enc {BLOB} NOT NULL,
  expected_earliest TEXT NOT NULL,
  expected_latest TEXT NOT NULL,
  rx_number TEXT REFERENCES prescriptions(rx_number),
  failure_reason TEXT,
  note_enc {BLOB},
  requested_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE INDEX transfers_in_member ON transfers_in(member_id, requested_at, id);
CREATE INDEX transfers_in_status ON transfers_in(status, requested_at, id);
-- Scanned prescriptions received by fax or mail (docs/pharmacy-services.md "Fax and
-- mail intake"). document_enc: the file, sealed; sha256: of the file as received.
-- fields_enc: the keyed prescription (sealed JSON). status: received | keyed |
-- approved | rejected.
CREATE TABLE intake_documents (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  document_enc {BLOB} NOT NULL,
  member_id TEXT REFERENCES members(id),
  fields_enc {BLOB},
  keyed_by TEXT,
  keyed_at TEXT,
  verified_by TEXT,
  verified_at TEXT,
  rx_number TEXT REFERENCES prescriptions(rx_number),
  rejection_reason TEXT,
  note_enc {BLOB},
  received_by TEXT NOT NULL,
  received_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX intake_documents_status ON intake_documents(status, received_at, id);
)SQL"},
      {10, "90-day mail-order switches and renewal requests to the prescriber", R"SQL(
-- Requests the pharmacist tracks to the prescriber's answer (docs/pharmacy-services.md
-- "90-day mail-order switch and renewal requests"). reference: what the member
-- quotes. new_rx_number: the prescription the approval created. reason_enc: why it
-- was denied or cancelled, free text that may be clinical (PHI), sealed. At most
-- one open request (requested or sent) per prescription, enforced by the index.
CREATE TABLE mail_order_switches (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  member_id TEXT NOT NULL REFERENCES members(id),
  rx_number TEXT NOT NULL REFERENCES prescriptions(rx_number),
  status TEXT NOT NULL,
  new_rx_number TEXT REFERENCES prescriptions(rx_number),
  reason_enc {BLOB},
  requested_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  answered_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX mail_order_switches_open ON mail_order_switches(rx_number)
  WHERE status IN ('requested', 'sent_to_prescriber');
CREATE INDEX mail_order_switches_member ON mail_order_switches(member_id, id);
CREATE INDEX mail_order_switches_status ON mail_order_switches(status, id);
CREATE TABLE renewal_requests (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  member_id TEXT NOT NULL REFERENCES members(id),
  rx_number TEXT NOT NULL REFERENCES prescriptions(rx_number),
  status TEXT NOT NULL,
  new_rx_number TEXT REFERENCES prescriptions(rx_number),
  reason_enc {BLOB},
  requested_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  answered_at TEXT,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX renewal_requests_open ON renewal_requests(rx_number) WHERE status IN ('requested', 'sent');
CREATE INDEX renewal_requests_member ON renewal_requests(member_id, id);
CREATE INDEX renewal_requests_status ON renewal_requests(status, id);
)SQL"},
      {11, "refill reminders and auto-refill: enrolments, what each supply cycle got, the job's lease", R"SQL(
-- Auto-refill per prescription (docs/pharmacy-services.md "Refill reminders and
-- auto-refill"), set by the member or by an agent in a verified contact. No row:
-- not enrolled. enabled: 0 or 1 (turning it off keeps the row and who did it).
CREATE TABLE auto_refill_enrollments (
  rx_number TEXT PRIMARY KEY REFERENCES prescriptions(rx_number),
  member_id TEXT NOT NULL REFERENCES members(id),
  enabled INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX auto_refill_enrollments_member ON auto_refill_enrollments(member_id);
-- What the reminder job did for one supply cycle of a prescription (the cycle is
-- its last fill, named by the fill's date), at most once per kind: the primary
-- key makes a reminder and an automatic refill idempotent. Written in the same
-- transaction as the outbox row or the order. kind: reminder | auto_refill.
-- outcome: reminder: queued | unreachable (the member's channel is none or has no
-- address); auto_refill: ordered | already_requested | refused:<eligibility code>.
CREATE TABLE refill_cycle_actions (
  rx_number TEXT NOT NULL REFERENCES prescriptions(rx_number),
  cycle_fill_date TEXT NOT NULL,
  kind TEXT NOT NULL,
  member_id TEXT NOT NULL REFERENCES members(id),
  outcome TEXT NOT NULL,
  channel TEXT,
  order_id TEXT REFERENCES orders(id),
  as_of TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (rx_number, cycle_fill_date, kind)
);
CREATE INDEX refill_cycle_actions_member ON refill_cycle_actions(member_id, created_at);
-- One reminder pass at a time across every node (services/refill_reminders.h).
INSERT INTO job_leases(name) VALUES ('refill_reminders');
)SQL"},
      {12, "lost or damaged package claims, replacement orders, the pharmacist's order queue", R"SQL(
-- A free replacement order (docs/pharmacy-services.md "Orders, shipments and
-- lost or damaged packages") names the order it replaces; its fill uses no refill.
ALTER TABLE orders ADD COLUMN replaces_order_id TEXT REFERENCES orders(id);
-- The pharmacist's work list: orders by status, oldest first.
CREATE INDEX orders_status ON orders(status, created_at, id);
-- One claim per order (order_id UNIQUE). status: pending_approval | approved |
-- denied (domain/claim.h). description (the member's account) and
-- decision_reason (a pharmacist's reason for a denial) are sealed.
CREATE TABLE order_claims (
  id TEXT PRIMARY KEY,
  order_id TEXT NOT NULL UNIQUE REFERENCES orders(id),
  member_id TEXT NOT NULL REFERENCES members(id),
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  controlled INTEGER NOT NULL,
  return_required INTEGER NOT NULL,
  reported_on TEXT NOT NULL,
  window_closes_on TEXT NOT NULL,
  description_enc {BLOB},
  replacement_order_id TEXT REFERENCES orders(id),
  decision_reason_enc {BLOB},
  decided_by TEXT,
  decided_at TEXT,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX order_claims_member ON order_claims(member_id, id);
CREATE INDEX order_claims_status ON order_claims(status, id);
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
  created_at TEXT NOT NULL,
  -- How the fill was priced (services/fill_pricing.h): covered (on the plan's
  -- formulary), not_covered (off it: the member paid the cost, nothing accumulates),
  -- unpriced (no price on file: every amount 0), no_plan (the member paid the cost).
  pricing TEXT NOT NULL DEFAULT 'covered',
  -- The member-year's fills in the order they were priced (1, 2, …). The
  -- year-to-date position is the latest row's ytd, which is also the year's highest.
  position BIGINT NOT NULL DEFAULT 0,
  dispensed_ndc TEXT,
  tier INTEGER,
  channel TEXT
);
CREATE INDEX fill_costs_member ON fill_costs(member_id, benefit_year, fill_date);
CREATE INDEX fill_costs_position ON fill_costs(member_id, benefit_year, position);
-- A member's benefit status that is not part of the plan: the Part D Low-Income
-- Subsidy level (none|full). No row means none.
CREATE TABLE member_benefits (
  member_id TEXT PRIMARY KEY REFERENCES members(id),
  lis TEXT NOT NULL DEFAULT 'none',
  updated_at TEXT NOT NULL
);
-- Plans and formulary (docs/pharmacy-services.md "Plans, formulary and prior
-- authorization"). Not PHI. A drug's price: unit_cost_millicents per unit of
-- quantity (thousandths of a cent; NULL: not priced); a fill costs unit cost ×
-- quantity, half up to the cent. a_rated_generic_ndc: its A-rated generic.
ALTER TABLE plans ADD COLUMN mail_copay_multiplier INTEGER NOT NULL DEFAULT 2;
ALTER TABLE drugs ADD COLUMN unit_cost_millicents BIGINT;
ALTER TABLE drugs ADD COLUMN a_rated_generic_ndc TEXT;
ALTER TABLE drugs ADD COLUMN insulin INTEGER NOT NULL DEFAULT 0;
-- Each tier's cost share per plan: retail (30 days) and mail (90 days; NULL kind:
-- derived from retail by the plan's multiplier). kind copay|coinsurance; basis
-- points 2500 = 25%; max NULL: no ceiling.
CREATE TABLE plan_tiers (
  plan_id TEXT NOT NULL REFERENCES plans(id),
  tier INTEGER NOT NULL,
  retail_kind TEXT NOT NULL,
  retail_copay_cents BIGINT NOT NULL DEFAULT 0,
  retail_coinsurance_bp INTEGER NOT NULL DEFAULT 0,
  retail_min_cents BIGINT NOT NULL DEFAULT 0,
  retail_max_cents BIGINT,
  mail_kind TEXT,
  mail_copay_cents BIGINT NOT NULL DEFAULT 0,
  mail_coinsurance_bp INTEGER NOT NULL DEFAULT 0,
  mail_min_cents BIGINT NOT NULL DEFAULT 0,
  mail_max_cents BIGINT,
  PRIMARY KEY (plan_id, tier)
);
CREATE TABLE formulary (
  plan_id TEXT NOT NULL REFERENCES plans(id),
  ndc TEXT NOT NULL REFERENCES drugs(ndc),
  tier INTEGER NOT NULL,
  prior_authorization INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (plan_id, ndc)
);
CREATE INDEX formulary_tier ON formulary(plan_id, tier, ndc);
-- Prior authorization requests (PRODUCT.md section 5): decided by a pharmacist by
-- due_at. note_enc (the request's justification) and reason_enc (the decision's)
-- are PHI, sealed.
CREATE TABLE prior_authorizations (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE,
  rx_number TEXT NOT NULL REFERENCES prescriptions(rx_number),
  member_id TEXT NOT NULL REFERENCES members(id),
  status TEXT NOT NULL,
  note_enc {BLOB},
  requested_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  due_at TEXT NOT NULL,
  decided_by TEXT,
  decided_at TEXT,
  reason_enc {BLOB},
  updated_at TEXT NOT NULL
);
CREATE INDEX prior_authorizations_queue ON prior_authorizations(status, due_at, id);
CREATE INDEX prior_authorizations_rx ON prior_authorizations(rx_number, status);
)SQL"},
      {14, "interaction screening holds, MTM requests, each member's fill series for adherence", R"SQL(
-- Drug-drug interaction screening (docs/pharmacy-services.md "Drug-drug
-- interaction screening"): one row per screening that found something. status
-- open (a major interaction holds the order or prescription until a pharmacist
-- overrides or cancels), overridden, cancelled, advisory (moderate or minor
-- findings only: nothing held) or unscreened (the drug is not in the interaction
-- table). order_id is NULL for a screening made when the prescription was
-- entered. severity is the most severe finding. findings_enc (the drug pairs,
-- effects and management) and reason_enc (the pharmacist's documented reason)
-- are sealed: for pharmacists only.
CREATE TABLE interaction_holds (
  id TEXT PRIMARY KEY,
  member_id TEXT NOT NULL REFERENCES members(id),
  rx_number TEXT NOT NULL REFERENCES prescriptions(rx_number),
  order_id TEXT REFERENCES orders(id),
  screened_for TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT,
  findings_enc {BLOB} NOT NULL,
  created_at TEXT NOT NULL,
  resolved_by TEXT,
  resolved_at TEXT,
  reason_enc {BLOB},
  updated_at TEXT NOT NULL
);
CREATE INDEX interaction_holds_queue ON interaction_holds(status, id);
CREATE INDEX interaction_holds_order ON interaction_holds(order_id, status);
CREATE INDEX interaction_holds_rx ON interaction_holds(rx_number, status);
-- Medication therapy management requests (docs/pharmacy-services.md "Adherence
-- and medication therapy management"): each is a callback in the
-- clinical_pharmacist queue (contact_id) tracked to completion. status requested
-- | completed | cancelled. note_enc (the member's words) and outcome_enc (the
-- pharmacist's summary) are sealed.
CREATE TABLE mtm_requests (
  id TEXT PRIMARY KEY,
  reference TEXT NOT NULL,
  member_id TEXT NOT NULL REFERENCES members(id),
  contact_id TEXT NOT NULL REFERENCES contacts(id),
  topic TEXT NOT NULL,
  status TEXT NOT NULL,
  note_enc {BLOB},
  requested_by TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  completed_by TEXT,
  completed_at TEXT,
  outcome_enc {BLOB},
  updated_at TEXT NOT NULL
);
CREATE INDEX mtm_requests_queue ON mtm_requests(status, id);
CREATE INDEX mtm_requests_member ON mtm_requests(member_id, id);
-- Every fill of a member as one text, kept by a trigger on fills whatever writes
-- the fill, so the at-risk list reads one short row per member instead of
-- joining a million fills: entries "drug name<US>fill date<US>days supply"
-- separated by <RS> (characters 31 and 30), in insertion order. The drug name is
-- the prescription's (stored in clear there too).
CREATE TABLE adherence_series (
  member_id TEXT PRIMARY KEY REFERENCES members(id),
  series TEXT NOT NULL
);
{ADHERENCE_SERIES}
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

// Migration 15: the trigger that keeps adherence_series, and its backfill from the
// fills already stored.
std::string AdherenceSeries(Dialect dialect) {
  if (dialect == Dialect::kSqlite) {
    return "CREATE TRIGGER fills_adherence_series AFTER INSERT ON fills BEGIN "
           "INSERT INTO adherence_series(member_id, series) SELECT p.member_id, p.drug_name || char(31) || "
           "NEW.fill_date || char(31) || NEW.days_supply FROM prescriptions p WHERE p.rx_number = NEW.rx_number "
           "ON CONFLICT(member_id) DO UPDATE SET series = adherence_series.series || char(30) || excluded.series; "
           "END;\n"
           "INSERT INTO adherence_series(member_id, series) SELECT p.member_id, group_concat(p.drug_name || char(31) "
           "|| f.fill_date || char(31) || f.days_supply, char(30)) FROM fills f JOIN prescriptions p ON p.rx_number = "
           "f.rx_number GROUP BY p.member_id;\n";
  }
  return "CREATE OR REPLACE FUNCTION rxdesk_adherence_series() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
         "INSERT INTO adherence_series(member_id, series) SELECT p.member_id, p.drug_name || chr(31) || "
         "NEW.fill_date || chr(31) || NEW.days_supply FROM prescriptions p WHERE p.rx_number = NEW.rx_number "
         "ON CONFLICT(member_id) DO UPDATE SET series = adherence_series.series || chr(30) || excluded.series; "
         "RETURN NEW; END $$;\n"
         "CREATE TRIGGER fills_adherence_series AFTER INSERT ON fills FOR EACH ROW EXECUTE FUNCTION "
         "rxdesk_adherence_series();\n"
         "INSERT INTO adherence_series(member_id, series) SELECT p.member_id, string_agg(p.drug_name || chr(31) || "
         "f.fill_date || chr(31) || f.days_supply, chr(30)) FROM fills f JOIN prescriptions p ON p.rx_number = "
         "f.rx_number GROUP BY p.member_id;\n";
}

std::string Render(const char* sql, Dialect dialect) {
  std::string out = sql;
  ReplaceAll(out, "{BLOB}", dialect == Dialect::kSqlite ? "BLOB" : "BYTEA");
  ReplaceAll(out, "{AUDIT_PRUNE_GUARD}", AuditPruneGuard(dialect));
  ReplaceAll(out, "{CONTACTS_AGENT_NULLABLE}", ContactsAgentNullable(dialect));
  ReplaceAll(out, "{ADHERENCE_SERIES}", AdherenceSeries(dialect));
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
