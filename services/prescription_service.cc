#include "services/prescription_service.h"

#include "domain/rx_number.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/interaction_holds.h"

namespace rxdesk {
namespace {

constexpr char kSelect[] =
    "SELECT rx_number, member_id, ndc, drug_name, COALESCE(strength, ''), COALESCE(form, ''), schedule, "
    "quantity_milli, days_supply, refills_authorized, refills_remaining, written_date, prescriber_npi, "
    "prescriber_name, COALESCE(prescriber_dea, ''), daw, status, prior_auth_required, prior_auth_approved, "
    "transfer_count, created_at, updated_at FROM prescriptions";

PrescriptionRecord FromRow(const Row& r) {
  PrescriptionRecord p;
  p.rx_number = r.Text(0);
  p.member_id = r.Text(1);
  p.rx.drug = Drug{r.Text(2), r.Text(3), r.Text(4), r.Text(5)};
  p.rx.schedule = ParseSchedule(r.Text(6)).value_or(Schedule::kNone);
  p.rx.quantity = Quantity::FromThousandths(r.Int(7));
  p.rx.days_supply = static_cast<int>(r.Int(8));
  p.rx.refills_authorized = static_cast<int>(r.Int(9));
  p.rx.refills_remaining = static_cast<int>(r.Int(10));
  auto written = ParseDate(r.Text(11));
  p.rx.written_date = written.ok() ? *written : Date{};
  p.rx.prescriber = Prescriber{r.Text(12), r.Text(13), r.Text(14)};
  p.rx.daw = static_cast<DawCode>(r.Int(15));
  p.rx.status = ParseRxStatus(r.Text(16)).value_or(RxStatus::kOnHold);
  const bool pa_required = r.Int(17) != 0, pa_approved = r.Int(18) != 0;
  p.rx.prior_auth = !pa_required ? PriorAuth::kNotRequired : (pa_approved ? PriorAuth::kApproved : PriorAuth::kPending);
  p.transfer_count = static_cast<int>(r.Int(19));
  p.created_at = r.Text(20);
  p.updated_at = r.Text(21);
  return p;
}

FillRecord FillFromRow(const Row& r) {
  FillRecord f;
  f.id = r.Text(0);
  f.rx_number = r.Text(1);
  auto d = ParseDate(r.Text(2));
  f.fill_date = d.ok() ? *d : Date{};
  f.quantity = Quantity::FromThousandths(r.Int(3));
  f.days_supply = static_cast<int>(r.Int(4));
  f.is_refill = r.Int(5) != 0;
  f.overridden = !r.IsNull(6);
  f.created_at = r.Text(7);
  return f;
}

}  // namespace

Result<std::optional<PrescriptionRecord>> PrescriptionService::Load(Connection& conn, const std::string& rx_number) {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query(std::string(kSelect) + " WHERE rx_number = ?", {Value(rx_number)}));
  if (rows.empty()) return std::optional<PrescriptionRecord>();
  return std::optional<PrescriptionRecord>(FromRow(rows[0]));
}

Result<std::optional<LastFill>> PrescriptionService::LastFillOnOrBefore(Connection& conn, const std::string& rx_number,
                                                                       Date day) {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT fill_date, days_supply FROM fills WHERE rx_number = ? AND "
                                             "fill_date <= ? ORDER BY fill_date DESC LIMIT 1",
                                             {Value(rx_number), Value(FormatDate(day))}));
  if (rows.empty()) return std::optional<LastFill>();
  RXD_ASSIGN_OR_RETURN(Date d, ParseDate(rows[0].Text(0)));
  return std::optional<LastFill>(LastFill{d, static_cast<int>(rows[0].Int(1))});
}

Result<PrescriptionRecord> PrescriptionService::LoadVisible(const Caller& caller, const std::string& rx_number,
                                                            std::string_view action,
                                                            const std::function<Status(Connection&)>& also) {
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> p,
                       store_.Read([&](Connection& c) -> Result<std::optional<PrescriptionRecord>> {
                         RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> found, Load(c, rx_number));
                         if (found && also) RXD_TRY(also(c));
                         return found;
                       }));
  if (!p) return MakeError("not_found", "no such prescription");
  if (Status own = members_.CheckOwnership(caller, p->member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, std::string(action), "prescription", rx_number, p->member_id,
                                         "denied")));
    return NotVisible(own.error(), "no such prescription");
  }
  return std::move(*p);
}

Result<PrescriptionRecord> PrescriptionService::Create(const Caller& caller, const std::string& member_id,
                                                       const NewPrescriptionInput& input,
                                                       const CommitHook<PrescriptionRecord>& on_commit) {
  const Instant now = clock_.Now();
  // Refused before the write lock is taken; CreateIn checks again (cheap) for its other callers.
  RXD_TRY(ValidateNewPrescription(input, zone_.LocalDate(now), rx_policy_));
  PrescriptionRecord rec;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(rec, CreateIn(w, caller, member_id, input, now));
    return on_commit ? on_commit(w.conn, rec) : OkStatus();
  }));
  return rec;
}

Result<PrescriptionRecord> PrescriptionService::CreateIn(WriteContext& w, const Caller& caller,
                                                         const std::string& member_id,
                                                         const NewPrescriptionInput& input, Instant now) const {
  RXD_ASSIGN_OR_RETURN(Prescription rx, ValidateNewPrescription(input, zone_.LocalDate(now), rx_policy_));
  PrescriptionRecord rec;
  rec.member_id = member_id;
  rec.rx = rx;
  rec.created_at = rec.updated_at = FormatInstant(now);
  RXD_ASSIGN_OR_RETURN(Rows member, w.conn.Query("SELECT 1 FROM members WHERE id = ?", {Value(member_id)}));
  if (member.empty()) return MakeError("not_found", "no such member");
  RXD_ASSIGN_OR_RETURN(Rows serial, w.conn.Query("INSERT INTO counters(name, value) VALUES ('rx_serial', 1000000) "
                                                 "ON CONFLICT(name) DO UPDATE SET value = counters.value + 1 "
                                                 "RETURNING value"));
  rec.rx_number = RxNumber::FromSerial(static_cast<std::uint32_t>(serial[0].Int(0))).str();
  RXD_TRY(w.conn.Exec(
      "INSERT INTO prescriptions(rx_number, member_id, ndc, drug_name, strength, form, schedule, quantity_milli, "
      "days_supply, refills_authorized, refills_remaining, written_date, prescriber_npi, prescriber_name, "
      "prescriber_dea, daw, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?, ?, ?)",
      {Value(rec.rx_number), Value(member_id), Value(rx.drug.ndc), Value(rx.drug.name), Value(rx.drug.strength),
       Value(rx.drug.form), Value(ToString(rx.schedule)), Value(rx.quantity.thousandths()), Value(rx.days_supply),
       Value(rx.refills_authorized), Value(rx.refills_remaining), Value(FormatDate(rx.written_date)),
       Value(rx.prescriber.npi), Value(rx.prescriber.name),
       rx.prescriber.dea.empty() ? Value() : Value(rx.prescriber.dea), Value(static_cast<int>(rx.daw)),
       Value(ToString(rx.status)), Value(rec.created_at), Value(rec.updated_at)}));
  if (hooks_.on_created) RXD_TRY(hooks_.on_created(w.conn, rec));
  RXD_TRY(ScreenNewPrescription(w, vault_, caller, rec, now));  // drug interactions (interaction_holds.h)
  RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "prescription.create", "prescription", rec.rx_number, member_id)));
  return rec;
}

Result<PrescriptionRecord> PrescriptionService::Get(const Caller& caller, const std::string& rx_number) {
  RXD_ASSIGN_OR_RETURN(PrescriptionRecord p, LoadVisible(caller, rx_number, "prescription.read"));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "prescription.read", "prescription", rx_number, p.member_id)));
  return p;
}

Result<Page<PrescriptionRecord>> PrescriptionService::ListForMember(const Caller& caller, const std::string& member_id,
                                                                    int limit, const std::string& cursor) {
  const Instant now = clock_.Now();
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "prescription.list", "member", member_id, member_id, "denied")));
    return own.error();
  }
  RXD_ASSIGN_OR_RETURN(bool exists, store_.Read([&](Connection& c) { return MemberService::Exists(c, member_id); }));
  if (!exists) return MakeError("not_found", "no such member");
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query(std::string(kSelect) + " WHERE member_id = ? AND rx_number > ? ORDER BY rx_number LIMIT ?",
                   {Value(member_id), Value(cursor), Value(limit + 1)});
  }));
  Page<PrescriptionRecord> page;
  for (const Row& r : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = page.items.back().rx_number;
      break;
    }
    page.items.push_back(FromRow(r));
  }
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "prescription.list", "member", member_id, member_id)));
  return page;
}

Result<FillResult> PrescriptionService::RecordFill(const Caller& caller, const std::string& rx_number,
                                                   const FillInput& input, const CommitHook<FillResult>& on_commit) {
  const Instant now = clock_.Now();
  if (input.fill_date > zone_.LocalDate(now)) return InvalidField("fill_date", "must not be in the future");
  FillResult result;
  std::optional<Error> refusal;  // committed with its audit entry, then returned
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> p, Load(w.conn, rx_number));
    if (!p) return MakeError("not_found", "no such prescription");
    RXD_ASSIGN_OR_RETURN(std::optional<LastFill> last, LastFillOnOrBefore(w.conn, rx_number, input.fill_date));
    RXD_ASSIGN_OR_RETURN(Rows any, w.conn.Query("SELECT COUNT(*) FROM fills WHERE rx_number = ?", {Value(rx_number)}));
    const bool dispensed_before = any[0].Int(0) > 0;
    const RefillEligibility eligibility = CheckRefillEligibility(p->rx, last, input.fill_date, refill_policy_);
    if (!eligibility.eligible && !input.override_reason) {
      refusal = RefusalError(eligibility);
      return w.audit.Append(w.conn, MakeAudit(caller, now, "fill.create", "prescription", rx_number, p->member_id,
                                              "refused:" + refusal->code));
    }
    // Counting refills follows the law even under an override: no refill beyond those authorized.
    RXD_ASSIGN_OR_RETURN(FillOutcome outcome, ApplyFill(p->rx, dispensed_before));
    result.fill.id = NewId();
    result.fill.rx_number = rx_number;
    result.fill.fill_date = input.fill_date;
    result.fill.quantity = input.quantity;
    result.fill.days_supply = input.days_supply;
    result.fill.is_refill = outcome.kind == FillKind::kRefill;
    result.fill.overridden = !eligibility.eligible;
    result.fill.created_at = FormatInstant(now);
    result.refills_remaining = outcome.refills_remaining;
    RXD_TRY(w.conn.Exec(
        "INSERT INTO fills(id, rx_number, fill_date, quantity_milli, days_supply, is_refill, override_reason_enc, "
        "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {Value(result.fill.id), Value(rx_number), Value(FormatDate(input.fill_date)), Value(input.quantity.thousandths()),
         Value(input.days_supply), Value(result.fill.is_refill),
         result.fill.overridden ? Value(vault_.Seal("fills", result.fill.id, "override_reason", *input.override_reason))
                                : Value(),
         Value(caller.principal.user_id), Value(result.fill.created_at)}));
    RXD_TRY(w.conn.Exec("UPDATE prescriptions SET refills_remaining = ?, updated_at = ? WHERE rx_number = ?",
                        {Value(outcome.refills_remaining), Value(result.fill.created_at), Value(rx_number)}));
    RXD_TRY(FillRecorded(w.conn, *p, result.fill));
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "fill.create", "prescription", rx_number, p->member_id,
                                             result.fill.overridden ? "ok:override" : "ok")));
    return on_commit ? on_commit(w.conn, result) : OkStatus();
  }));
  if (refusal) return std::move(*refusal);
  return result;
}

Result<std::vector<FillRecord>> PrescriptionService::Fills(const Caller& caller, const std::string& rx_number) {
  Rows rows;
  RXD_ASSIGN_OR_RETURN(PrescriptionRecord p, LoadVisible(caller, rx_number, "fill.list", [&](Connection& c) -> Status {
    RXD_ASSIGN_OR_RETURN(rows, c.Query("SELECT id, rx_number, fill_date, quantity_milli, days_supply, is_refill, "
                                       "override_reason_enc, created_at FROM fills WHERE rx_number = ? "
                                       "ORDER BY fill_date, created_at",
                                       {Value(rx_number)}));
    return OkStatus();
  }));
  std::vector<FillRecord> fills;
  for (const Row& r : rows) fills.push_back(FillFromRow(r));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, clock_.Now(), "fill.list", "prescription", rx_number, p.member_id)));
  return fills;
}

Result<RefillEligibility> PrescriptionService::Eligibility(const Caller& caller, const std::string& rx_number) {
  const Instant now = clock_.Now();
  const Date today = zone_.LocalDate(now);
  std::optional<LastFill> last;
  RXD_ASSIGN_OR_RETURN(PrescriptionRecord p, LoadVisible(caller, rx_number, "eligibility.read", [&](Connection& c) -> Status {
    RXD_ASSIGN_OR_RETURN(last, LastFillOnOrBefore(c, rx_number, today));
    return OkStatus();
  }));
  const RefillEligibility e = CheckRefillEligibility(p.rx, last, today, refill_policy_);
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, "eligibility.read", "prescription", rx_number, p.member_id)));
  return e;
}

}  // namespace rxdesk
