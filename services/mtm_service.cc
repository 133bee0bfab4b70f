#include "services/mtm_service.h"

#include <algorithm>

#include "domain/contact_info.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/contact_center_service.h"
#include "services/contact_gate.h"
#include "services/member_service.h"
#include "services/notifications.h"

namespace rxdesk {
namespace {

constexpr char kTable[] = "mtm_requests";
constexpr std::size_t kMaxNoteBytes = 4000;     // 1000 characters of up to 4 bytes
constexpr std::size_t kMaxOutcomeBytes = 8000;  // 2000 characters
const std::vector<std::string> kTopics = {"medication_review", "new_medication", "side_effects", "cost", "other"};

constexpr char kSelect[] =
    "SELECT id, reference, member_id, contact_id, topic, status, requested_by, requested_at, "
    "COALESCE(completed_by, ''), COALESCE(completed_at, ''), updated_at, note_enc, outcome_enc FROM mtm_requests";

MtmRequest FromRow(const Row& r) {
  MtmRequest m;
  m.id = r.Text(0);
  m.reference = r.Text(1);
  m.member_id = r.Text(2);
  m.contact_id = r.Text(3);
  m.topic = r.Text(4);
  m.status = r.Text(5);
  m.requested_by = r.Text(6);
  m.requested_at = r.Text(7);
  m.completed_by = r.Text(8);
  m.completed_at = r.Text(9);
  m.updated_at = r.Text(10);
  return m;
}

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// Free text: printable UTF-8 (newlines and tabs allowed), at most `max` characters.
Status CheckText(std::string_view field, const std::string& text, std::size_t max, std::size_t max_bytes) {
  std::string flat = text;
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  std::replace(flat.begin(), flat.end(), '\t', ' ');
  flat.erase(std::remove(flat.begin(), flat.end(), '\r'), flat.end());
  if (text.size() > max_bytes || !IsPrintableUtf8(flat) || CodePoints(text) > max) {
    return InvalidField(std::string(field), "must be printable text of at most " + std::to_string(max) + " characters");
  }
  return OkStatus();
}

// Members: their own record (another's is not found); agents: a verified contact for it.
Status CheckAccess(Connection& c, const Caller& caller, const std::string& member_id) {
  if (caller.principal.role == Role::kMember && caller.principal.member_id != member_id) {
    return MakeError("not_found", "no such member");
  }
  RXD_TRY(CheckContactGate(c, caller, member_id));
  RXD_ASSIGN_OR_RETURN(bool exists, MemberService::Exists(c, member_id));
  if (!exists) return MakeError("not_found", "no such member");
  return OkStatus();
}

Page<MtmRequest> ToPage(const Rows& rows, int limit) {
  Page<MtmRequest> page;
  for (const Row& r : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = page.items.back().id;
      break;
    }
    page.items.push_back(FromRow(r));
  }
  return page;
}

}  // namespace

Result<MtmRequest> MtmService::Request(const Caller& caller, const std::string& member_id, const NewMtmRequest& input) {
  if (std::find(kTopics.begin(), kTopics.end(), input.topic) == kTopics.end()) {
    return InvalidField("topic", "must be medication_review, new_medication, side_effects, cost or other");
  }
  RXD_TRY(CheckText("note", input.note, 1000, kMaxNoteBytes));
  const Instant now = clock_.Now();
  if (Status access = store_.Read([&](Connection& c) { return CheckAccess(c, caller, member_id); }); !access.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "mtm.request", "member", member_id, member_id, "denied")));
    return std::move(access).error();
  }
  if (contact_center_ == nullptr) return MakeError("store_unavailable", "the contact center is not running");
  // The callback first: once it is queued, a pharmacist calls whatever happens to this process.
  RXD_ASSIGN_OR_RETURN(Arrived arrived, contact_center_->RequestCallback(caller, kMtmQueue, input.language));
  if (arrived.contact.member_id != member_id) return MakeError("verification_required", "verify this member first");
  MtmRequest m;
  m.id = NewId();
  m.reference = arrived.contact.reference;
  m.member_id = member_id;
  m.contact_id = arrived.contact.id;
  m.topic = input.topic;
  m.status = "requested";
  m.requested_by = caller.principal.user_id;
  m.requested_at = m.updated_at = FormatInstant(now);
  m.note = input.note;
  m.position = arrived.position;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(
        w.conn.Exec("INSERT INTO mtm_requests(id, reference, member_id, contact_id, topic, status, note_enc, "
                    "requested_by, requested_at, updated_at) VALUES (?, ?, ?, ?, ?, 'requested', ?, ?, ?, ?)",
                    {Value(m.id), Value(m.reference), Value(member_id), Value(m.contact_id), Value(m.topic),
                     m.note.empty() ? Value() : Value(vault_.Seal(kTable, m.id, "note", m.note)), Value(m.requested_by),
                     Value(m.requested_at), Value(m.updated_at)}));
    RXD_TRY(QueueNotification(
        w.conn,
        {.member_id = member_id, .template_id = "mtm_request_received", .params = {{"reference", m.reference}}}));
    return w.audit.Append(w.conn, MakeAudit(caller, now, "mtm.request", "mtm_request", m.id, member_id));
  }));
  return m;
}

Result<Page<MtmRequest>> MtmService::ListForMember(const Caller& caller, const std::string& member_id, int limit,
                                                   const std::string& cursor) {
  const Instant now = clock_.Now();
  Result<Rows> rows = store_.Read([&](Connection& c) -> Result<Rows> {
    RXD_TRY(CheckAccess(c, caller, member_id));
    if (cursor.empty()) {
      return c.Query(std::string(kSelect) + " WHERE member_id = ? ORDER BY id DESC LIMIT ?",
                     {Value(member_id), Value(limit + 1)});
    }
    return c.Query(std::string(kSelect) + " WHERE member_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                   {Value(member_id), Value(cursor), Value(limit + 1)});
  });
  if (!rows.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "mtm.list", "member", member_id, member_id, "denied")));
    return std::move(rows).error();
  }
  Page<MtmRequest> page = ToPage(*rows, limit);
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "mtm.list", "member", member_id, member_id)));
  return page;
}

Result<Page<MtmRequest>> MtmService::Queue(const Caller& caller, const std::string& status, int limit,
                                           const std::string& cursor) {
  if (status != "requested" && status != "completed") {
    return InvalidField("status", "must be requested or completed");
  }
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query(std::string(kSelect) + " WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
                   {Value(status), Value(cursor), Value(limit + 1)});
  }));
  Page<MtmRequest> page = ToPage(rows, limit);
  const Instant now = clock_.Now();
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "mtm.queue", "mtm_request", "-", "")));
    for (const MtmRequest& m : page.items) {
      RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "mtm.queue", "mtm_request", m.id, m.member_id)));
    }
    return OkStatus();
  }));
  return page;
}

Result<MtmRequest> MtmService::Get(const Caller& caller, const std::string& id) {
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query(std::string(kSelect) + " WHERE id = ?", {Value(id)});
  }));
  if (rows.empty()) return MakeError("not_found", "no such MTM request");
  MtmRequest m = FromRow(rows[0]);
  if (!rows[0].IsNull(11)) {
    RXD_ASSIGN_OR_RETURN(m.note, vault_.Open(kTable, id, "note", rows[0].at(11)));
  }
  if (!rows[0].IsNull(12)) {
    RXD_ASSIGN_OR_RETURN(m.outcome, vault_.Open(kTable, id, "outcome", rows[0].at(12)));
  }
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "mtm.read", "mtm_request", id, m.member_id)));
  return m;
}

Result<MtmRequest> MtmService::Complete(const Caller& caller, const std::string& id, const std::string& outcome) {
  if (caller.principal.role != Role::kPharmacist) return MakeError("forbidden", "only a pharmacist completes MTM");
  if (outcome.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidField("outcome", "must summarise the review");
  }
  RXD_TRY(CheckText("outcome", outcome, 2000, kMaxOutcomeBytes));
  const Instant now = clock_.Now();
  MtmRequest m;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows rows, w.conn.Query(std::string(kSelect) + " WHERE id = ?", {Value(id)}));
    if (rows.empty()) return MakeError("not_found", "no such MTM request");
    m = FromRow(rows[0]);
    if (m.status != "requested") {
      refusal = MakeError("conflict", "this MTM request is already completed");
      return w.audit.Append(w.conn,
                            MakeAudit(caller, now, "mtm.complete", "mtm_request", id, m.member_id, "refused:conflict"));
    }
    m.status = "completed";
    m.completed_by = caller.principal.user_id;
    m.completed_at = m.updated_at = FormatInstant(now);
    m.outcome = outcome;
    RXD_TRY(
        w.conn.Exec("UPDATE mtm_requests SET status = 'completed', completed_by = ?, completed_at = ?, "
                    "outcome_enc = ?, updated_at = ? WHERE id = ?",
                    {Value(m.completed_by), Value(m.completed_at), Value(vault_.Seal(kTable, id, "outcome", outcome)),
                     Value(m.updated_at), Value(id)}));
    return w.audit.Append(w.conn, MakeAudit(caller, now, "mtm.complete", "mtm_request", id, m.member_id));
  }));
  if (refusal) return std::move(*refusal);
  return m;
}

}  // namespace rxdesk
