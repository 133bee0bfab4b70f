#include "services/intake_service.h"

#include <algorithm>

#include "infra/crypto.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/member_service.h"

namespace rxdesk {
namespace {

constexpr char kSelect[] =
    "SELECT id, status, content_type, size_bytes, sha256, COALESCE(member_id, ''), fields_enc, "
    "COALESCE(keyed_by, ''), COALESCE(keyed_at, ''), COALESCE(verified_by, ''), COALESCE(verified_at, ''), "
    "COALESCE(rx_number, ''), COALESCE(rejection_reason, ''), note_enc, received_by, received_at, updated_at "
    "FROM intake_documents";

constexpr char kTable[] = "intake_documents";
constexpr char kRecordType[] = "intake_document";

}  // namespace

std::string_view ToString(IntakeStatus status) {
  switch (status) {
    case IntakeStatus::kReceived:
      return "received";
    case IntakeStatus::kKeyed:
      return "keyed";
    case IntakeStatus::kApproved:
      return "approved";
    case IntakeStatus::kRejected:
      return "rejected";
  }
  return "received";
}

std::optional<IntakeStatus> ParseIntakeStatus(std::string_view text) {
  for (IntakeStatus s :
       {IntakeStatus::kReceived, IntakeStatus::kKeyed, IntakeStatus::kApproved, IntakeStatus::kRejected}) {
    if (ToString(s) == text) return s;
  }
  return std::nullopt;
}

const std::vector<std::string_view>& IntakeRejectionReasons() {
  static const std::vector<std::string_view> kReasons = {
      "illegible",                // the scan cannot be read with certainty
      "incomplete",               // a required element of the prescription is missing
      "keying_mismatch",          // the keyed fields do not match the document: key again
      "prescriber_not_verified",  // the prescriber could not be confirmed
      "not_a_prescription",       // the document is something else
      "duplicate",                // the same prescription was already taken in
      "other",                    // see the note
  };
  return kReasons;
}

Result<std::optional<IntakeRecord>> IntakeService::Load(Connection& conn, const std::string& id, bool full) const {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string(kSelect) + " WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::optional<IntakeRecord>();
  const Row& r = rows[0];
  IntakeRecord d;
  d.id = r.Text(0);
  d.status = ParseIntakeStatus(r.Text(1)).value_or(IntakeStatus::kReceived);
  d.type = ParseDocumentType(r.Text(2)).value_or(DocumentType::kPdf);
  d.size_bytes = r.Int(3);
  d.sha256 = r.Text(4);
  d.member_id = r.Text(5);
  if (full && !r.IsNull(6)) {
    RXD_ASSIGN_OR_RETURN(std::string text, vault_.Open(kTable, d.id, "fields", r.at(6)));
    const auto json = nlohmann::json::parse(text, nullptr, false);
    RXD_ASSIGN_OR_RETURN(PrescriptionFields fields, PrescriptionFieldsFromJson(json));
    d.fields = std::move(fields);
  }
  d.keyed_by = r.Text(7);
  d.keyed_at = r.Text(8);
  d.verified_by = r.Text(9);
  d.verified_at = r.Text(10);
  d.rx_number = r.Text(11);
  d.rejection_reason = r.Text(12);
  if (full && !r.IsNull(13)) {
    RXD_ASSIGN_OR_RETURN(d.note, vault_.Open(kTable, d.id, "note", r.at(13)));
  }
  d.received_by = r.Text(14);
  d.received_at = r.Text(15);
  d.updated_at = r.Text(16);
  return std::optional<IntakeRecord>(std::move(d));
}

Result<IntakeRecord> IntakeService::Receive(const Caller& caller, std::string_view content_type, std::string_view bytes,
                                            const CommitHook<IntakeRecord>& on_commit) {
  RXD_ASSIGN_OR_RETURN(DocumentType type, CheckIntakeDocument(content_type, bytes, policy_));
  const Instant now = clock_.Now();
  IntakeRecord d;
  d.id = NewId();
  d.type = type;
  d.size_bytes = static_cast<std::int64_t>(bytes.size());
  d.sha256 = Sha256Hex(bytes);
  d.received_by = caller.principal.user_id;
  d.received_at = d.updated_at = FormatInstant(now);
  const Blob sealed = vault_.Seal(kTable, d.id, "document", bytes);
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(
        w.conn.Exec("INSERT INTO intake_documents(id, status, content_type, size_bytes, sha256, document_enc, "
                    "received_by, received_at, updated_at) VALUES (?, 'received', ?, ?, ?, ?, ?, ?, ?)",
                    {Value(d.id), Value(ToString(type)), Value(d.size_bytes), Value(d.sha256), Value(sealed),
                     Value(d.received_by), Value(d.received_at), Value(d.updated_at)}));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "intake.receive", kRecordType, d.id, "")));
    return on_commit ? on_commit(w.conn, d) : OkStatus();
  }));
  return d;
}

Result<Page<IntakeRecord>> IntakeService::List(const Caller& caller, IntakeStatus status, int limit,
                                               const std::string& cursor) {
  Page<IntakeRecord> page;
  RXD_TRY(store_.Read([&](Connection& c) -> Status {
    // Oldest first: ids sort in creation order.
    RXD_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT id FROM intake_documents WHERE status = ? AND id > ? ORDER BY id "
                                            "LIMIT ?",
                                            {Value(ToString(status)), Value(cursor), Value(limit + 1)}));
    for (const Row& r : rows) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_cursor = page.items.back().id;
        break;
      }
      RXD_ASSIGN_OR_RETURN(std::optional<IntakeRecord> d, Load(c, r.Text(0), false));
      if (d) page.items.push_back(std::move(*d));
    }
    return OkStatus();
  }));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "intake.list", kRecordType, "-", "")));
  return page;
}

Result<IntakeRecord> IntakeService::Get(const Caller& caller, const std::string& id) {
  RXD_ASSIGN_OR_RETURN(std::optional<IntakeRecord> d, store_.Read([&](Connection& c) { return Load(c, id, true); }));
  if (!d) return MakeError("not_found", "no such intake document");
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "intake.read", kRecordType, id, d->member_id)));
  return std::move(*d);
}

Result<std::pair<DocumentType, std::string>> IntakeService::Document(const Caller& caller, const std::string& id) {
  std::optional<std::pair<DocumentType, std::string>> out;
  std::string member_id;
  RXD_TRY(store_.Read([&](Connection& c) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT content_type, document_enc, COALESCE(member_id, '') FROM "
                                            "intake_documents WHERE id = ?",
                                            {Value(id)}));
    if (rows.empty()) return OkStatus();
    RXD_ASSIGN_OR_RETURN(std::string bytes, vault_.Open(kTable, id, "document", rows[0].at(1)));
    out.emplace(ParseDocumentType(rows[0].Text(0)).value_or(DocumentType::kPdf), std::move(bytes));
    member_id = rows[0].Text(2);
    return OkStatus();
  }));
  if (!out) return MakeError("not_found", "no such intake document");
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "intake.document.read", kRecordType, id, member_id)));
  return std::move(*out);
}

Result<IntakeRecord> IntakeService::KeyFields(const Caller& caller, const std::string& id, const std::string& member_id,
                                              const PrescriptionFields& fields) {
  const Instant now = clock_.Now();
  RXD_TRY(ValidateNewPrescription(fields.View(), zone_.LocalDate(now), rx_policy_));
  IntakeRecord d;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<IntakeRecord> found, Load(w.conn, id, false));
    if (!found) return MakeError("not_found", "no such intake document");
    d = std::move(*found);
    if (d.status != IntakeStatus::kReceived && d.status != IntakeStatus::kKeyed) {
      refusal = MakeError("invalid_transition", "the document was already verified");
      return w.audit.Append(
          w.conn, MakeAudit(caller, now, "intake.key", kRecordType, id, d.member_id, "refused:invalid_transition"));
    }
    RXD_ASSIGN_OR_RETURN(bool exists, MemberService::Exists(w.conn, member_id));
    if (!exists) return MakeError("not_found", "no such member", "member_id");
    const std::string at = FormatInstant(now);
    RXD_TRY(
        w.conn.Exec("UPDATE intake_documents SET status = 'keyed', member_id = ?, fields_enc = ?, keyed_by = ?, "
                    "keyed_at = ?, updated_at = ? WHERE id = ?",
                    {Value(member_id), Value(vault_.Seal(kTable, id, "fields", ToJson(fields).dump())),
                     Value(caller.principal.user_id), Value(at), Value(at), Value(id)}));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "intake.key", kRecordType, id, member_id)));
    d.status = IntakeStatus::kKeyed;
    d.member_id = member_id;
    d.fields = fields;
    d.keyed_by = caller.principal.user_id;
    d.keyed_at = d.updated_at = at;
    return OkStatus();
  }));
  if (refusal) return std::move(*refusal);
  return d;
}

Result<IntakeRecord> IntakeService::Verify(const Caller& caller, const std::string& id,
                                           const IntakeDecision& decision) {
  const auto& reasons = IntakeRejectionReasons();
  if (!decision.approve && std::find(reasons.begin(), reasons.end(), decision.reason) == reasons.end()) {
    return InvalidField("reason", "is not an intake rejection reason");
  }
  const Instant now = clock_.Now();
  IntakeRecord d;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<IntakeRecord> found, Load(w.conn, id, true));
    if (!found) return MakeError("not_found", "no such intake document");
    d = std::move(*found);
    if (d.status != IntakeStatus::kKeyed) {
      refusal = MakeError("invalid_transition", d.status == IntakeStatus::kReceived
                                                    ? "the document's fields must be keyed before verification"
                                                    : "the document was already verified");
    } else if (d.keyed_by == caller.principal.user_id) {
      // Two people for every faxed prescription: the one who keyed it cannot verify it.
      refusal = MakeError("same_user_cannot_verify", "another pharmacist must verify what you keyed");
    }
    if (refusal) {
      return w.audit.Append(
          w.conn, MakeAudit(caller, now, "intake.verify", kRecordType, id, d.member_id, "refused:" + refusal->code));
    }
    const std::string at = FormatInstant(now);
    if (decision.approve) {
      RXD_ASSIGN_OR_RETURN(PrescriptionRecord rx,
                           prescriptions_.CreateIn(w, caller, d.member_id, d.fields->View(), now));
      d.rx_number = rx.rx_number;
    } else {
      d.rejection_reason = decision.reason;
    }
    d.status = decision.approve ? IntakeStatus::kApproved : IntakeStatus::kRejected;
    RXD_ASSIGN_OR_RETURN(
        std::int64_t changed,
        w.conn.Exec(
            "UPDATE intake_documents SET status = ?, rx_number = ?, rejection_reason = ?, note_enc = ?, "
            "verified_by = ?, verified_at = ?, updated_at = ? WHERE id = ? AND status = 'keyed' AND keyed_at = ?",
            {Value(ToString(d.status)), d.rx_number.empty() ? Value() : Value(d.rx_number),
             d.rejection_reason.empty() ? Value() : Value(d.rejection_reason),
             decision.note.empty() ? Value() : Value(vault_.Seal(kTable, id, "note", decision.note)),
             Value(caller.principal.user_id), Value(at), Value(at), Value(id), Value(d.keyed_at)}));
    if (changed != 1) return MakeError("conflict", "the document changed meanwhile; read it again");
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "intake.verify", kRecordType, id, d.member_id,
                                             decision.approve ? "ok:approved" : "ok:rejected:" + decision.reason)));
    d.note = decision.note;
    d.verified_by = caller.principal.user_id;
    d.verified_at = d.updated_at = at;
    return OkStatus();
  }));
  if (refusal) return std::move(*refusal);
  return d;
}

}  // namespace rxdesk
