#include "services/prescriber_requests.h"

#include "infra/ids.h"
#include "services/audit.h"
#include "services/notifications.h"
#include "services/references.h"

namespace rxdesk {
namespace {

// The steps both state machines share (the domain's event enums list them in this order).
enum class Step { kSend, kApprove, kDeny, kCancel };

struct KindInfo {
  std::string table;
  std::string record_type;    // audit record type and action prefix
  std::string noun;           // for messages
  std::string open_statuses;  // SQL list of the statuses the prescriber has not answered
  std::string approved_template;
  std::string denied_template;
};

const KindInfo& Info(PrescriberRequestKind kind) {
  static const KindInfo kSwitch{"mail_order_switches",        "mail_order_switch",
                                "mail-order switch",          "'requested', 'sent_to_prescriber'",
                                "mail_order_switch_approved", "mail_order_switch_denied"};
  static const KindInfo kRenewal{"renewal_requests",    "renewal_request",  "renewal request",
                                 "'requested', 'sent'", "renewal_approved", "renewal_denied"};
  return kind == PrescriberRequestKind::kMailOrderSwitch ? kSwitch : kRenewal;
}

std::optional<Step> ParseStep(PrescriberRequestKind kind, std::string_view type) {
  if (kind == PrescriberRequestKind::kMailOrderSwitch) {
    const auto e = ParseMailOrderSwitchEvent(type);
    return e ? std::optional<Step>(static_cast<Step>(*e)) : std::nullopt;
  }
  const auto e = ParseRenewalEvent(type);
  return e ? std::optional<Step>(static_cast<Step>(*e)) : std::nullopt;
}

bool KnownStatus(PrescriberRequestKind kind, std::string_view status) {
  return kind == PrescriberRequestKind::kMailOrderSwitch ? ParseMailOrderSwitchStatus(status).has_value()
                                                         : ParseRenewalStatus(status).has_value();
}

// The domain's next status, as its name.
Result<std::string> NextStatus(PrescriberRequestKind kind, const std::string& status, Step step) {
  if (kind == PrescriberRequestKind::kMailOrderSwitch) {
    const auto current = ParseMailOrderSwitchStatus(status);
    if (!current) return MakeError("store_error", "a stored request has an unknown status");
    RXD_ASSIGN_OR_RETURN(MailOrderSwitchStatus next,
                         TransitionMailOrderSwitch(*current, static_cast<MailOrderSwitchEvent>(step)));
    return std::string(ToString(next));
  }
  const auto current = ParseRenewalStatus(status);
  if (!current) return MakeError("store_error", "a stored request has an unknown status");
  RXD_ASSIGN_OR_RETURN(RenewalStatus next, TransitionRenewal(*current, static_cast<RenewalEvent>(step)));
  return std::string(ToString(next));
}

std::string SelectFrom(const KindInfo& k) {
  return "SELECT id, reference, member_id, rx_number, status, COALESCE(new_rx_number, ''), reason_enc, requested_by, "
         "created_at, COALESCE(sent_at, ''), COALESCE(answered_at, ''), updated_at FROM " +
         k.table;
}

// The fields an event may carry, checked before anything is read.
Status ValidateEvent(const PrescriberRequestEvent& event, Step step) {
  if (step != Step::kApprove && event.refills_authorized) {
    return InvalidField("refills_authorized", "is given only with an approval");
  }
  if (step != Step::kApprove && event.quantity) return InvalidField("quantity", "is given only with an approval");
  if (step == Step::kApprove && !event.refills_authorized) {
    return InvalidField("refills_authorized", "is required: the refills the prescriber approved");
  }
  if (step != Step::kDeny && step != Step::kCancel && event.reason) {
    return InvalidField("reason", "is given only with a denial or a cancellation");
  }
  if (step == Step::kDeny && !event.reason) return InvalidField("reason", "is required: why the prescriber refused");
  if (event.reason && (event.reason->empty() || event.reason->size() > 500)) {
    return InvalidField("reason", "must be 1 to 500 characters");
  }
  return OkStatus();
}

// Whether the formulary lists the drug as a maintenance medication. The drug table
// keeps the labeler's hyphenated NDC; prescriptions keep the 11-digit form.
Result<bool> IsMaintenance(Connection& conn, const std::string& ndc) {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT maintenance FROM drugs WHERE ndc = ? OR replace(ndc, '-', '') = ? "
                                             "LIMIT 1",
                                             {Value(ndc), Value(ndc)}));
  return !rows.empty() && rows[0].Int(0) != 0;
}

class RowReader {
 public:
  RowReader(const PhiVault& vault, PrescriberRequestKind kind) : vault_(vault), kind_(kind) {}
  Result<PrescriberRequestRecord> operator()(const Row& r) const {
    PrescriberRequestRecord p;
    p.kind = kind_;
    p.id = r.Text(0);
    p.reference = r.Text(1);
    p.member_id = r.Text(2);
    p.rx_number = r.Text(3);
    p.status = r.Text(4);
    p.new_rx_number = r.Text(5);
    if (!r.IsNull(6)) {
      RXD_ASSIGN_OR_RETURN(p.reason, vault_.Open(Info(kind_).table, p.id, "reason", r.at(6)));
    }
    p.requested_by = r.Text(7);
    p.created_at = r.Text(8);
    p.sent_at = r.Text(9);
    p.answered_at = r.Text(10);
    p.updated_at = r.Text(11);
    return p;
  }

 private:
  const PhiVault& vault_;
  PrescriberRequestKind kind_;
};

Result<Page<PrescriberRequestRecord>> ToPage(const Rows& rows, int limit, const RowReader& read) {
  Page<PrescriberRequestRecord> page;
  for (const Row& r : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = page.items.back().id;
      break;
    }
    RXD_ASSIGN_OR_RETURN(PrescriberRequestRecord rec, read(r));
    page.items.push_back(std::move(rec));
  }
  return page;
}

}  // namespace

Result<PrescriberRequestRecord> PrescriberRequestService::Create(const Caller& caller, PrescriberRequestKind kind,
                                                                 const std::string& rx_number,
                                                                 const CommitHook<PrescriberRequestRecord>& on_commit) {
  const KindInfo& k = Info(kind);
  const std::string action = k.record_type + ".create";
  const Instant now = clock_.Now();
  const Date today = zone_.LocalDate(now);
  PrescriberRequestRecord rec;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> rx, PrescriptionService::Load(w.conn, rx_number));
    const Status own = rx ? members_.CheckOwnership(w.conn, caller, rx->member_id) : OkStatus();
    if (!rx || !own.ok()) {
      refusal = rx ? NotVisible(own.error(), "no such prescription") : MakeError("not_found", "no such prescription");
      if (refusal->code == "not_found") refusal->field = "rx_number";
      return w.audit.Append(
          w.conn, MakeAudit(caller, now, action, "prescription", rx_number, rx ? rx->member_id : "", "denied"));
    }
    const auto refuse = [&](Error e) {
      refusal = std::move(e);
      return w.audit.Append(
          w.conn, MakeAudit(caller, now, action, "prescription", rx_number, rx->member_id, "refused:" + refusal->code));
    };
    if (kind == PrescriberRequestKind::kMailOrderSwitch) {
      if (rx->rx.status != RxStatus::kActive) {
        return refuse(MakeError(std::string(renewal_error::kNotActive), "the prescription is not active"));
      }
      RXD_ASSIGN_OR_RETURN(bool maintenance, IsMaintenance(w.conn, rx->rx.drug.ndc));
      const Status eligible = CheckMailOrderSwitchEligibility(
          {.maintenance = maintenance, .schedule = rx->rx.schedule, .days_supply = rx->rx.days_supply},
          policy_.mail_order);
      if (!eligible.ok()) return refuse(eligible.error());
    } else {
      RXD_ASSIGN_OR_RETURN(std::optional<LastFill> last,
                           PrescriptionService::LastFillOnOrBefore(w.conn, rx_number, today));
      const RefillEligibility refill = CheckRefillEligibility(rx->rx, last, today, prescriptions_.refill_policy());
      const Status eligible = CheckRenewalEligibility({.schedule = rx->rx.schedule, .refill = refill});
      if (!eligible.ok()) return refuse(eligible.error());
    }
    RXD_ASSIGN_OR_RETURN(Rows open, w.conn.Query("SELECT id FROM " + k.table + " WHERE rx_number = ? AND status IN (" +
                                                     k.open_statuses + ") LIMIT 1",
                                                 {Value(rx_number)}));
    if (!open.empty()) {
      return refuse(
          MakeError("conflict", "a " + k.noun + " for this prescription is already open").With("id", open[0].Text(0)));
    }
    rec.kind = kind;
    rec.id = NewId();
    RXD_ASSIGN_OR_RETURN(rec.reference, UniqueReference(w.conn, today, ReferenceEntropy));
    rec.member_id = rx->member_id;
    rec.rx_number = rx_number;
    rec.status = "requested";
    rec.requested_by = caller.principal.user_id;
    rec.created_at = rec.updated_at = FormatInstant(now);
    RXD_TRY(w.conn.Exec("INSERT INTO " + k.table +
                            "(id, reference, member_id, rx_number, status, requested_by, created_at, updated_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        {Value(rec.id), Value(rec.reference), Value(rec.member_id), Value(rec.rx_number),
                         Value(rec.status), Value(rec.requested_by), Value(rec.created_at), Value(rec.updated_at)}));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, action, k.record_type, rec.id, rec.member_id)));
    return on_commit ? on_commit(w.conn, rec) : OkStatus();
  }));
  if (refusal) return std::move(*refusal);
  return rec;
}

Result<PrescriberRequestRecord> PrescriberRequestService::Get(const Caller& caller, PrescriberRequestKind kind,
                                                              const std::string& id) {
  const KindInfo& k = Info(kind);
  const std::string action = k.record_type + ".read";
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(
      Rows rows, store_.Read([&](Connection& c) { return c.Query(SelectFrom(k) + " WHERE id = ?", {Value(id)}); }));
  if (rows.empty()) return MakeError("not_found", "no such " + k.noun);
  const std::string member_id = rows[0].Text(2);
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, action, k.record_type, id, member_id, "denied")));
    return NotVisible(own.error(), "no such " + k.noun);
  }
  RXD_ASSIGN_OR_RETURN(PrescriberRequestRecord rec, RowReader(vault_, kind)(rows[0]));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, action, k.record_type, id, member_id)));
  return rec;
}

Result<Page<PrescriberRequestRecord>> PrescriberRequestService::ListForMember(const Caller& caller,
                                                                              PrescriberRequestKind kind,
                                                                              const std::string& member_id, int limit,
                                                                              const std::string& cursor) {
  const KindInfo& k = Info(kind);
  const std::string action = k.record_type + ".list";
  const Instant now = clock_.Now();
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, action, "member", member_id, member_id, "denied")));
    return own.error();
  }
  RXD_ASSIGN_OR_RETURN(bool exists, store_.Read([&](Connection& c) { return MemberService::Exists(c, member_id); }));
  if (!exists) return MakeError("not_found", "no such member");
  // Newest first; the cursor is the last id seen (ids sort by creation time).
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    if (cursor.empty()) {
      return c.Query(SelectFrom(k) + " WHERE member_id = ? ORDER BY id DESC LIMIT ?",
                     {Value(member_id), Value(limit + 1)});
    }
    return c.Query(SelectFrom(k) + " WHERE member_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                   {Value(member_id), Value(cursor), Value(limit + 1)});
  }));
  RXD_ASSIGN_OR_RETURN(Page<PrescriberRequestRecord> page, ToPage(rows, limit, RowReader(vault_, kind)));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, action, "member", member_id, member_id)));
  return page;
}

Result<Page<PrescriberRequestRecord>> PrescriberRequestService::Queue(const Caller& caller, PrescriberRequestKind kind,
                                                                      const std::optional<std::string>& status,
                                                                      int limit, const std::string& cursor) {
  const KindInfo& k = Info(kind);
  const std::string action = k.record_type + ".queue";
  const Instant now = clock_.Now();
  const Role role = caller.principal.role;
  if (role != Role::kPharmacist && role != Role::kSupervisor) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, action, k.record_type, "-", "", "denied")));
    return MakeError("forbidden", "the queue is for pharmacists and supervisors");
  }
  if (status && !KnownStatus(kind, *status)) return InvalidField("status", "is not a status of a " + k.noun);
  // Oldest first: the request waiting longest is worked first.
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    if (status) {
      return c.Query(SelectFrom(k) + " WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
                     {Value(*status), Value(cursor), Value(limit + 1)});
    }
    return c.Query(SelectFrom(k) + " WHERE status IN (" + k.open_statuses + ") AND id > ? ORDER BY id LIMIT ?",
                   {Value(cursor), Value(limit + 1)});
  }));
  RXD_ASSIGN_OR_RETURN(Page<PrescriberRequestRecord> page, ToPage(rows, limit, RowReader(vault_, kind)));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, action, k.record_type, "-", "")));
  return page;
}

Result<PrescriberRequestRecord> PrescriberRequestService::Apply(const Caller& caller, PrescriberRequestKind kind,
                                                                const std::string& id,
                                                                const PrescriberRequestEvent& event) {
  const KindInfo& k = Info(kind);
  const std::optional<Step> step = ParseStep(kind, event.type);
  if (!step) return InvalidField("type", "is not an event of a " + k.noun);
  RXD_TRY(ValidateEvent(event, *step));
  const std::string action = k.record_type + "." + event.type;
  const Instant now = clock_.Now();
  const Date today = zone_.LocalDate(now);
  const std::string now_text = FormatInstant(now);
  PrescriberRequestRecord rec;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows rows, w.conn.Query(SelectFrom(k) + " WHERE id = ?", {Value(id)}));
    if (rows.empty()) {
      refusal = MakeError("not_found", "no such " + k.noun);
      return OkStatus();
    }
    RXD_ASSIGN_OR_RETURN(rec, RowReader(vault_, kind)(rows[0]));
    const auto refuse = [&](Error e, const std::string& outcome) {
      refusal = std::move(e);
      return w.audit.Append(w.conn, MakeAudit(caller, now, action, k.record_type, id, rec.member_id, outcome));
    };
    if (Status own = members_.CheckOwnership(w.conn, caller, rec.member_id); !own.ok()) {
      return refuse(NotVisible(own.error(), "no such " + k.noun), "denied");
    }
    // The prescriber's side is recorded by a pharmacist (PRODUCT.md §1: clinical actions).
    if (*step != Step::kCancel && caller.principal.role != Role::kPharmacist) {
      return refuse(MakeError("forbidden", "only a pharmacist records the prescriber's side"), "denied");
    }
    Result<std::string> next = NextStatus(kind, rec.status, *step);
    if (!next.ok()) return refuse(next.error(), "refused:" + next.error().code);
    if (*step == Step::kApprove) {
      RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> old, PrescriptionService::Load(w.conn, rec.rx_number));
      if (!old) return MakeError("store_error", "a request without its prescription");
      const bool to_mail = kind == PrescriberRequestKind::kMailOrderSwitch;
      if (to_mail && old->rx.status != RxStatus::kActive) {
        return refuse(MakeError(std::string(renewal_error::kNotActive), "the retail prescription is no longer active"),
                      "refused:not_active");
      }
      Quantity quantity = old->rx.quantity;
      int days_supply = old->rx.days_supply;
      if (to_mail) {
        days_supply = policy_.mail_order.mail_days_supply;
        Result<Quantity> scaled = ScaleQuantityToMailSupply(old->rx.quantity, old->rx.days_supply, policy_.mail_order);
        if (!scaled.ok()) return refuse(scaled.error(), "refused:" + scaled.error().code);
        quantity = *scaled;
      }
      if (event.quantity) quantity = *event.quantity;
      // The new prescription passes the same checks as one a pharmacist enters (law included).
      const Prescription& o = old->rx;
      const std::string schedule(ToString(o.schedule)), quantity_text = FormatQuantity(quantity),
                                                        written = FormatDate(today);
      NewPrescriptionInput in;
      in.drug = {o.drug.ndc, o.drug.name, o.drug.strength, o.drug.form};
      in.schedule = schedule;
      in.quantity = quantity_text;
      in.days_supply = days_supply;
      in.refills_authorized = *event.refills_authorized;
      in.written_date = written;
      in.prescriber = {o.prescriber.npi, o.prescriber.name, o.prescriber.dea};
      in.daw = static_cast<int>(o.daw);
      // Refused here, with its audit entry; CreateIn checks the same again.
      Result<Prescription> fresh = ValidateNewPrescription(in, today, policy_.prescription);
      if (!fresh.ok()) return refuse(fresh.error(), "refused:" + fresh.error().code);
      if (to_mail) {
        // The 90-day prescription replaces the retail one: two live prescriptions for
        // the same therapy would let both be filled.
        // Before the new one, so it is not screened against its own predecessor.
        RXD_TRY(w.conn.Exec("UPDATE prescriptions SET status = 'cancelled', updated_at = ? WHERE rx_number = ?",
                            {Value(now_text), Value(rec.rx_number)}));
        RXD_TRY(w.audit.Append(
            w.conn, MakeAudit(caller, now, "prescription.superseded", "prescription", rec.rx_number, rec.member_id)));
      }
      // Inserted as any new prescription is (hooks, interaction screening, prescription.create audit).
      RXD_ASSIGN_OR_RETURN(PrescriptionRecord created, prescriptions_.CreateIn(w, caller, rec.member_id, in, now));
      rec.new_rx_number = created.rx_number;
      RXD_TRY(QueueNotification(
          w.conn,
          {.member_id = rec.member_id, .template_id = k.approved_template, .params = {{"reference", rec.reference}}}));
    }
    if (*step == Step::kDeny) {
      RXD_TRY(QueueNotification(
          w.conn,
          {.member_id = rec.member_id, .template_id = k.denied_template, .params = {{"reference", rec.reference}}}));
    }
    const std::string previous = rec.status;
    rec.status = *next;
    if (event.reason) rec.reason = *event.reason;
    if (*step == Step::kSend) {
      rec.sent_at = now_text;
    } else {
      rec.answered_at = now_text;
    }
    rec.updated_at = now_text;
    // Guarded by the status read above: a concurrent event that moved it first wins.
    RXD_ASSIGN_OR_RETURN(
        std::int64_t changed,
        w.conn.Exec("UPDATE " + k.table +
                        " SET status = ?, new_rx_number = ?, reason_enc = ?, sent_at = ?, answered_at = ?, "
                        "updated_at = ? WHERE id = ? AND status = ?",
                    {Value(rec.status), rec.new_rx_number.empty() ? Value() : Value(rec.new_rx_number),
                     rec.reason.empty() ? Value() : Value(vault_.Seal(k.table, rec.id, "reason", rec.reason)),
                     rec.sent_at.empty() ? Value() : Value(rec.sent_at),
                     rec.answered_at.empty() ? Value() : Value(rec.answered_at), Value(rec.updated_at), Value(rec.id),
                     Value(previous)}));
    if (changed != 1) return MakeError("conflict", "the request changed meanwhile; read it again");
    return w.audit.Append(w.conn, MakeAudit(caller, now, action, k.record_type, rec.id, rec.member_id));
  }));
  if (refusal) return std::move(*refusal);
  return rec;
}

}  // namespace rxdesk
