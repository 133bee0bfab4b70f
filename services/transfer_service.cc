#include "services/transfer_service.h"

#include <algorithm>

#include "domain/contact_info.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/notifications.h"
#include "services/references.h"

namespace rxdesk {
namespace {

constexpr char kSelect[] =
    "SELECT id, reference, member_id, status, schedule, prior_transfers, request_enc, expected_earliest, "
    "expected_latest, COALESCE(rx_number, ''), COALESCE(failure_reason, ''), note_enc, requested_by, requested_at, "
    "COALESCE(decided_by, ''), COALESCE(decided_at, ''), updated_at FROM transfers_in";

constexpr char kRecordType[] = "transfer";

nlohmann::json DetailsToJson(const TransferDetails& d) {
  nlohmann::json j = {{"pharmacy", {{"name", d.pharmacy_name}, {"phone", d.pharmacy_phone}}},
                      {"pharmacy_rx_number", d.pharmacy_rx_number},
                      {"rx", ToJson(d.rx)},
                      {"refills_remaining", d.refills_remaining},
                      {"prior_transfers", d.prior_transfers},
                      {"electronic_initial_fill", d.electronic_initial_fill},
                      {"shares_realtime_database", d.shares_realtime_database}};
  if (d.last_fill) {
    j["last_fill"] = {{"date", FormatDate(d.last_fill->date)}, {"days_supply", d.last_fill->days_supply}};
  }
  return j;
}

Result<TransferDetails> DetailsFromJson(const std::string& text) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return MakeError("decrypt_failed", "stored transfer is not readable");
  try {
    TransferDetails d;
    d.pharmacy_name = j.at("pharmacy").at("name").get<std::string>();
    d.pharmacy_phone = j.at("pharmacy").at("phone").get<std::string>();
    d.pharmacy_rx_number = j.at("pharmacy_rx_number").get<std::string>();
    RXD_ASSIGN_OR_RETURN(d.rx, PrescriptionFieldsFromJson(j.at("rx")));
    d.refills_remaining = j.at("refills_remaining").get<int>();
    d.prior_transfers = j.at("prior_transfers").get<int>();
    d.electronic_initial_fill = j.at("electronic_initial_fill").get<bool>();
    d.shares_realtime_database = j.at("shares_realtime_database").get<bool>();
    if (j.contains("last_fill")) {
      RXD_ASSIGN_OR_RETURN(Date date, ParseDate(j["last_fill"].at("date").get<std::string>()));
      d.last_fill = LastFill{date, j["last_fill"].at("days_supply").get<int>()};
    }
    return d;
  } catch (const nlohmann::json::exception&) {
    return MakeError("decrypt_failed", "stored transfer is not readable");
  }
}

// The member's part of the request, checked before the law and the prescription.
Status ValidateDetails(const TransferDetails& d, Date today, const PrescriptionPolicy& rx_policy) {
  if (d.pharmacy_name.empty() || d.pharmacy_name.size() > 200 || !IsPrintableUtf8(d.pharmacy_name)) {
    return InvalidField("pharmacy.name", "must be 1 to 200 printable characters");
  }
  if (d.pharmacy_rx_number.empty() || d.pharmacy_rx_number.size() > 40 || !IsPrintableUtf8(d.pharmacy_rx_number)) {
    return InvalidField("pharmacy_rx_number", "must be 1 to 40 printable characters");
  }
  if (d.last_fill) {
    auto written = ParseDate(d.rx.written_date, "written_date");
    if (d.last_fill->date > today) return InvalidField("last_fill.date", "must not be in the future");
    if (written.ok() && d.last_fill->date < *written) {
      return InvalidField("last_fill.date", "must not be before the written date");
    }
    if (d.last_fill->days_supply < 1 || d.last_fill->days_supply > rx_policy.max_days_supply) {
      return InvalidField("last_fill.days_supply", "must be from 1 to " + std::to_string(rx_policy.max_days_supply));
    }
  }
  return OkStatus();
}

}  // namespace

std::string_view ToString(TransferStatus status) {
  switch (status) {
    case TransferStatus::kPending:
      return "pending";
    case TransferStatus::kCompleted:
      return "completed";
    case TransferStatus::kFailed:
      return "failed";
  }
  return "pending";
}

std::optional<TransferStatus> ParseTransferStatus(std::string_view text) {
  for (TransferStatus s : {TransferStatus::kPending, TransferStatus::kCompleted, TransferStatus::kFailed}) {
    if (ToString(s) == text) return s;
  }
  return std::nullopt;
}

const std::vector<std::string_view>& TransferFailureReasons() {
  static const std::vector<std::string_view> kReasons = {
      "prescription_not_found",   // the other pharmacy has no such prescription for this member
      "not_transferable",         // it may not move (e.g. the other pharmacy reports more transfers)
      "no_refills_remaining",     // nothing left to transfer
      "pharmacy_unreachable",     // the other pharmacy did not answer within the window
      "prescriber_not_verified",  // a controlled prescription whose prescriber could not be verified
      "member_cancelled",         // the member withdrew the request
      "other",                    // see the note
  };
  return kReasons;
}

Result<TransferRecord> TransferService::FromRow(const Row& r) const {
  TransferRecord t;
  t.id = r.Text(0);
  t.reference = r.Text(1);
  t.member_id = r.Text(2);
  t.status = ParseTransferStatus(r.Text(3)).value_or(TransferStatus::kPending);
  t.schedule = ParseSchedule(r.Text(4)).value_or(Schedule::kNone);
  RXD_ASSIGN_OR_RETURN(std::string request, vault_.Open("transfers_in", t.id, "request", r.at(6)));
  RXD_ASSIGN_OR_RETURN(t.details, DetailsFromJson(request));
  t.details.prior_transfers = static_cast<int>(r.Int(5));
  RXD_ASSIGN_OR_RETURN(t.expected_earliest, ParseInstant(r.Text(7)));
  RXD_ASSIGN_OR_RETURN(t.expected_latest, ParseInstant(r.Text(8)));
  t.rx_number = r.Text(9);
  t.failure_reason = r.Text(10);
  if (!r.IsNull(11)) {
    RXD_ASSIGN_OR_RETURN(t.note, vault_.Open("transfers_in", t.id, "note", r.at(11)));
  }
  t.requested_by = r.Text(12);
  RXD_ASSIGN_OR_RETURN(t.requested_at, ParseInstant(r.Text(13)));
  t.decided_by = r.Text(14);
  t.decided_at = r.Text(15);
  t.updated_at = r.Text(16);
  t.overdue = t.status == TransferStatus::kPending && clock_.Now() > t.expected_latest;
  return t;
}

Result<std::optional<TransferRecord>> TransferService::Load(Connection& conn, const std::string& id) const {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string(kSelect) + " WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::optional<TransferRecord>();
  RXD_ASSIGN_OR_RETURN(TransferRecord t, FromRow(rows[0]));
  return std::optional<TransferRecord>(std::move(t));
}

Result<TransferRecord> TransferService::Request(const Caller& caller, const std::string& member_id,
                                                const TransferDetails& details,
                                                const CommitHook<TransferRecord>& on_commit) {
  const Instant now = clock_.Now();
  const Date today = zone_.LocalDate(now);
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "transfer.request", "member", member_id, member_id, "denied")));
    return NotVisible(own.error(), "no such member");
  }
  RXD_TRY(ValidateDetails(details, today, rx_policy_));
  const std::optional<Schedule> schedule = ParseSchedule(details.rx.schedule);
  if (!schedule) return InvalidField("schedule", "must be none, II, III, IV or V");
  if (details.refills_remaining > details.rx.refills_authorized) {
    return InvalidField("refills_remaining", "must not exceed refills_authorized");
  }
  // The law first (21 CFR 1306.25, 1306.08(e)): a refusal is an outcome the privacy
  // officer can see, so it is committed with its audit entry.
  const Status law = CheckTransferIn({.schedule = *schedule,
                                      .prior_transfers = details.prior_transfers,
                                      .refills_remaining = details.refills_remaining,
                                      .electronic_initial_fill = details.electronic_initial_fill,
                                      .shares_realtime_database = details.shares_realtime_database});
  if (!law.ok() && law.error().code != "invalid_request") {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "transfer.request", "member", member_id, member_id,
                                         "refused:" + law.error().code)));
  }
  RXD_TRY(law);
  RXD_TRY(ValidateNewPrescription(details.rx.View(), today, rx_policy_));

  TransferRecord t;
  t.id = NewId();
  t.member_id = member_id;
  t.status = TransferStatus::kPending;
  t.schedule = *schedule;
  t.details = details;
  t.requested_at = now;
  const TransferWindow window = ExpectedTransferCompletion(now, *schedule, policy_);
  t.expected_earliest = window.earliest;
  t.expected_latest = window.latest;
  t.requested_by = caller.principal.user_id;
  t.updated_at = FormatInstant(now);
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(members_.CheckOwnership(w.conn, caller, member_id));  // the contact may have closed meanwhile
    RXD_ASSIGN_OR_RETURN(bool exists, MemberService::Exists(w.conn, member_id));
    if (!exists) return MakeError("not_found", "no such member");
    RXD_ASSIGN_OR_RETURN(t.reference, UniqueReference(w.conn, today, ReferenceEntropy));
    RXD_TRY(w.conn.Exec(
        "INSERT INTO transfers_in(id, reference, member_id, status, schedule, prior_transfers, request_enc, "
        "expected_earliest, expected_latest, requested_by, requested_at, updated_at) VALUES (?, ?, ?, 'pending', ?, "
        "?, ?, ?, ?, ?, ?, ?)",
        {Value(t.id), Value(t.reference), Value(member_id), Value(ToString(t.schedule)), Value(details.prior_transfers),
         Value(vault_.Seal("transfers_in", t.id, "request", DetailsToJson(details).dump())),
         Value(FormatInstant(t.expected_earliest)), Value(FormatInstant(t.expected_latest)), Value(t.requested_by),
         Value(FormatInstant(now)), Value(t.updated_at)}));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "transfer.request", kRecordType, t.id, member_id)));
    return on_commit ? on_commit(w.conn, t) : OkStatus();
  }));
  return t;
}

Result<TransferRecord> TransferService::LoadVisible(const Caller& caller, const std::string& id,
                                                    std::string_view action) {
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(std::optional<TransferRecord> t, store_.Read([&](Connection& c) { return Load(c, id); }));
  if (!t) return MakeError("not_found", "no such transfer");
  if (Status own = members_.CheckOwnership(caller, t->member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, std::string(action), kRecordType, id, t->member_id, "denied")));
    return NotVisible(own.error(), "no such transfer");
  }
  return std::move(*t);
}

Result<TransferRecord> TransferService::Get(const Caller& caller, const std::string& id) {
  RXD_ASSIGN_OR_RETURN(TransferRecord t, LoadVisible(caller, id, "transfer.read"));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "transfer.read", kRecordType, id, t.member_id)));
  return t;
}

Result<Page<TransferRecord>> TransferService::ListForMember(const Caller& caller, const std::string& member_id,
                                                            int limit, const std::string& cursor) {
  const Instant now = clock_.Now();
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "transfer.list", "member", member_id, member_id, "denied")));
    return NotVisible(own.error(), "no such member");
  }
  Page<TransferRecord> page;
  RXD_TRY(store_.Read([&](Connection& c) -> Status {
    RXD_ASSIGN_OR_RETURN(bool exists, MemberService::Exists(c, member_id));
    if (!exists) return MakeError("not_found", "no such member");
    // Ids sort in creation order: newest first, the cursor is the last id given out.
    RXD_ASSIGN_OR_RETURN(Rows rows, c.Query(std::string(kSelect) +
                                                " WHERE member_id = ? AND (? = '' OR id < ?) ORDER BY id DESC LIMIT ?",
                                            {Value(member_id), Value(cursor), Value(cursor), Value(limit + 1)}));
    for (const Row& r : rows) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_cursor = page.items.back().id;
        break;
      }
      RXD_ASSIGN_OR_RETURN(TransferRecord t, FromRow(r));
      page.items.push_back(std::move(t));
    }
    return OkStatus();
  }));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "transfer.list", "member", member_id, member_id)));
  return page;
}

Result<Page<TransferRecord>> TransferService::Queue(const Caller& caller, TransferStatus status, int limit,
                                                    const std::string& cursor) {
  const Instant now = clock_.Now();
  Page<TransferRecord> page;
  RXD_TRY(store_.Read([&](Connection& c) -> Status {
    // Oldest first: ids sort in creation order, as requested_at does.
    RXD_ASSIGN_OR_RETURN(Rows rows, c.Query(std::string(kSelect) + " WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
                                            {Value(ToString(status)), Value(cursor), Value(limit + 1)}));
    for (const Row& r : rows) {
      if (static_cast<int>(page.items.size()) == limit) {
        page.next_cursor = page.items.back().id;
        break;
      }
      RXD_ASSIGN_OR_RETURN(TransferRecord t, FromRow(r));
      page.items.push_back(std::move(t));
    }
    return OkStatus();
  }));
  // Each listed transfer is a read of that member's PHI.
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    if (page.items.empty()) {
      return w.audit.Append(w.conn, MakeAudit(caller, now, "transfer.queue", kRecordType, "-", ""));
    }
    for (const TransferRecord& t : page.items) {
      RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "transfer.queue", kRecordType, t.id, t.member_id)));
    }
    return OkStatus();
  }));
  return page;
}

Result<TransferRecord> TransferService::LoadPending(WriteContext& w, const Caller& caller, const std::string& id,
                                                    std::string_view action, Instant now,
                                                    std::optional<Error>& refusal) const {
  RXD_ASSIGN_OR_RETURN(std::optional<TransferRecord> t, Load(w.conn, id));
  if (!t) return MakeError("not_found", "no such transfer");
  if (t->status != TransferStatus::kPending) {
    refusal = MakeError("invalid_transition", "the transfer is already " + std::string(ToString(t->status)));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, std::string(action), kRecordType, id, t->member_id,
                                             "refused:invalid_transition")));
  }
  return std::move(*t);
}

Result<TransferRecord> TransferService::Complete(const Caller& caller, const std::string& id, const std::string& note,
                                                 const CommitHook<TransferRecord>& on_commit) {
  const Instant now = clock_.Now();
  TransferRecord t;
  std::optional<Error> refusal;  // committed with its audit entry, then returned
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(t, LoadPending(w, caller, id, "transfer.complete", now, refusal));
    if (refusal) return OkStatus();
    RXD_ASSIGN_OR_RETURN(PrescriptionRecord rx,
                         prescriptions_.CreateIn(w, caller, t.member_id, t.details.rx.View(), now));
    const std::string at = FormatInstant(now);
    // What moved: the refills left there, and one more transfer on its record.
    RXD_TRY(w.conn.Exec(
        "UPDATE prescriptions SET refills_remaining = ?, transfer_count = ?, updated_at = ? WHERE "
        "rx_number = ?",
        {Value(t.details.refills_remaining), Value(t.details.prior_transfers + 1), Value(at), Value(rx.rx_number)}));
    if (t.details.last_fill) {
      // The transferring pharmacy's last dispensing, so the next fill here is a refill
      // and "too soon" counts from it (domain/refill.h LastFill).
      RXD_TRY(
          w.conn.Exec("INSERT INTO fills(id, rx_number, fill_date, quantity_milli, days_supply, is_refill, "
                      "created_by, created_at) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
                      {Value(NewId()), Value(rx.rx_number), Value(FormatDate(t.details.last_fill->date)),
                       Value(rx.rx.quantity.thousandths()), Value(t.details.last_fill->days_supply),
                       Value(caller.principal.user_id), Value(at)}));
      // Each fill has its creating entry at its instant (store/audit_coverage.h).
      RXD_TRY(w.audit.Append(
          w.conn, MakeAudit(caller, now, "fill.create", "prescription", rx.rx_number, t.member_id, "ok:transferred")));
    }
    RXD_ASSIGN_OR_RETURN(
        std::int64_t changed,
        w.conn.Exec("UPDATE transfers_in SET status = 'completed', rx_number = ?, note_enc = ?, decided_by = ?, "
                    "decided_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
                    {Value(rx.rx_number), note.empty() ? Value() : Value(vault_.Seal("transfers_in", id, "note", note)),
                     Value(caller.principal.user_id), Value(at), Value(at), Value(id)}));
    if (changed != 1) return MakeError("conflict", "the transfer changed meanwhile; read it again");
    RXD_TRY(QueueNotification(
        w.conn,
        {.member_id = t.member_id, .template_id = "transfer_confirmed", .params = {{"reference", t.reference}}}));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "transfer.complete", kRecordType, id, t.member_id)));
    t.status = TransferStatus::kCompleted;
    t.rx_number = rx.rx_number;
    t.note = note;
    t.decided_by = caller.principal.user_id;
    t.decided_at = t.updated_at = at;
    t.overdue = false;
    return on_commit ? on_commit(w.conn, t) : OkStatus();
  }));
  if (refusal) return std::move(*refusal);
  return t;
}

Result<TransferRecord> TransferService::Fail(const Caller& caller, const std::string& id, const std::string& reason,
                                             const std::string& note, const CommitHook<TransferRecord>& on_commit) {
  const auto& reasons = TransferFailureReasons();
  if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end()) {
    return InvalidField("reason", "is not a transfer failure reason");
  }
  const Instant now = clock_.Now();
  TransferRecord t;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(t, LoadPending(w, caller, id, "transfer.fail", now, refusal));
    if (refusal) return OkStatus();
    const std::string at = FormatInstant(now);
    RXD_ASSIGN_OR_RETURN(
        std::int64_t changed,
        w.conn.Exec("UPDATE transfers_in SET status = 'failed', failure_reason = ?, note_enc = ?, decided_by = ?, "
                    "decided_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
                    {Value(reason), note.empty() ? Value() : Value(vault_.Seal("transfers_in", id, "note", note)),
                     Value(caller.principal.user_id), Value(at), Value(at), Value(id)}));
    if (changed != 1) return MakeError("conflict", "the transfer changed meanwhile; read it again");
    RXD_TRY(QueueNotification(
        w.conn, {.member_id = t.member_id, .template_id = "transfer_failed", .params = {{"reference", t.reference}}}));
    RXD_TRY(
        w.audit.Append(w.conn, MakeAudit(caller, now, "transfer.fail", kRecordType, id, t.member_id, "ok:" + reason)));
    t.status = TransferStatus::kFailed;
    t.failure_reason = reason;
    t.note = note;
    t.decided_by = caller.principal.user_id;
    t.decided_at = t.updated_at = at;
    t.overdue = false;
    return on_commit ? on_commit(w.conn, t) : OkStatus();
  }));
  if (refusal) return std::move(*refusal);
  return t;
}

}  // namespace rxdesk
