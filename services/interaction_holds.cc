#include "services/interaction_holds.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "domain/interaction_table.h"
#include "domain/order.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/notifications.h"

namespace rxdesk {
namespace {

using Json = nlohmann::json;

constexpr char kTable[] = "interaction_holds";
constexpr char kSelect[] =
    "SELECT id, member_id, rx_number, COALESCE(order_id, ''), screened_for, status, COALESCE(severity, ''), "
    "created_at, COALESCE(resolved_by, ''), COALESCE(resolved_at, ''), updated_at, findings_enc, reason_enc "
    "FROM interaction_holds";

// The shipped table, built once (immutable, shared by every thread).
const InteractionTable& Table() {
  static const InteractionTable table = BuildShippedInteractionTable();
  return table;
}

InteractionHold FromRow(const Row& r) {
  InteractionHold h;
  h.id = r.Text(0);
  h.member_id = r.Text(1);
  h.rx_number = r.Text(2);
  h.order_id = r.Text(3);
  h.screened_for = r.Text(4);
  h.status = r.Text(5);
  h.severity = r.Text(6);
  h.created_at = r.Text(7);
  h.resolved_by = r.Text(8);
  h.resolved_at = r.Text(9);
  h.updated_at = r.Text(10);
  return h;
}

Result<std::optional<InteractionHold>> LoadHold(Connection& c, const std::string& id, Row* raw = nullptr) {
  RXD_ASSIGN_OR_RETURN(Rows rows, c.Query(std::string(kSelect) + " WHERE id = ?", {Value(id)}));
  if (rows.empty()) return std::optional<InteractionHold>();
  if (raw != nullptr) *raw = rows[0];
  return std::optional<InteractionHold>(FromRow(rows[0]));
}

struct Screening {
  std::string status;  // "" (nothing found), open, advisory, unscreened
  std::string severity;
  Json findings;
};

// Screens `drug_name` against the member's other active prescriptions.
Result<Screening> ScreenDrug(Connection& c, const std::string& member_id, const std::string& rx_number,
                             const std::string& drug_name) {
  const InteractionTable& table = Table();
  Screening s;
  s.findings = Json{{"drug", drug_name}, {"findings", Json::array()}};
  const std::optional<ScreenedDrug> fill = table.Describe(drug_name);
  if (!fill) {
    s.status = "unscreened";  // never treated as interaction-free: the pharmacist sees it
    return s;
  }
  RXD_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT rx_number, drug_name FROM prescriptions WHERE member_id = ? AND "
                                          "status = 'active' AND rx_number <> ? ORDER BY rx_number",
                                          {Value(member_id), Value(rx_number)}));
  std::vector<ScreenedDrug> active;
  std::vector<const Row*> active_rows;
  for (const Row& r : rows) {
    std::optional<ScreenedDrug> d = table.Describe(r.Text(1));
    if (!d) continue;
    active.push_back(std::move(*d));
    active_rows.push_back(&r);
  }
  const std::vector<InteractionFinding> findings = ScreenInteractions(*fill, active, table);
  if (findings.empty()) return s;
  for (const InteractionFinding& f : findings) {
    const Row& r = *active_rows[f.active_index];
    s.findings["findings"].push_back({{"severity", ToString(f.severity)},
                                      {"new_agent", f.new_agent},
                                      {"active_rx_number", r.Text(0)},
                                      {"active_drug", r.Text(1)},
                                      {"active_agent", f.active_agent},
                                      {"effect", f.rule->effect},
                                      {"management", f.rule->management},
                                      {"source", f.rule->source}});
  }
  s.severity = std::string(ToString(findings.front().severity));  // sorted most severe first
  s.status = HoldsOrder(findings) ? "open" : "advisory";
  return s;
}

Result<std::string> Record(WriteContext& w, const PhiVault& vault, const Caller& caller, const RefillScreening& s,
                           const std::string& member_id, const std::string& rx_number, const std::string& order_id,
                           const char* screened_for, Instant now) {
  const std::string id = NewId();
  const std::string at = FormatInstant(now);
  RXD_TRY(
      w.conn.Exec("INSERT INTO interaction_holds(id, member_id, rx_number, order_id, screened_for, status, "
                  "severity, findings_enc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  {Value(id), Value(member_id), Value(rx_number), order_id.empty() ? Value() : Value(order_id),
                   Value(screened_for), Value(s.status), s.severity.empty() ? Value() : Value(s.severity),
                   Value(vault.Seal(kTable, id, "findings", s.findings_json)), Value(at), Value(at)}));
  RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "interaction.screen", "interaction_hold", id, member_id,
                                           s.status == "open" ? "held" : s.status)));
  return id;
}

InteractionFindingView FindingFromJson(const Json& j) {
  const auto text = [&j](const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
  };
  return {text("severity"),     text("new_agent"), text("active_rx_number"), text("active_drug"),
          text("active_agent"), text("effect"),    text("management"),       text("source")};
}

Status CheckReason(const std::string& reason, std::size_t max_chars) {
  if (reason.size() > max_chars * 4) return InvalidField("reason", "is too long");
  for (unsigned char c : reason) {
    if (c < 0x20 && c != '\n' && c != '\t') return InvalidField("reason", "must not hold control characters");
  }
  return OkStatus();
}

}  // namespace

Result<RefillScreening> ScreenRefill(Connection& c, const std::string& rx_number) {
  RXD_ASSIGN_OR_RETURN(std::optional<PrescriptionRecord> rx, PrescriptionService::Load(c, rx_number));
  if (!rx) return RefillScreening{};
  RXD_ASSIGN_OR_RETURN(Screening s, ScreenDrug(c, rx->member_id, rx_number, rx->rx.drug.name));
  return RefillScreening{.status = s.status, .severity = s.severity, .findings_json = s.findings.dump()};
}

Status ScreenRefillOrder(WriteContext& w, const PhiVault& vault, const Caller& caller, OrderRecord& order, Instant now,
                         const RefillScreening& s) {
  if (s.status.empty()) return OkStatus();
  RXD_TRY(Record(w, vault, caller, s, order.member_id, order.rx_number, order.id, "refill", now));
  if (s.status != "open") return OkStatus();
  // Held: the order waits in pharmacist review; what the member sees says no more than that.
  RXD_ASSIGN_OR_RETURN(
      OrderStatus next,
      TransitionOrder(order.status, {.type = OrderEventType::kStartReview, .at = now}, {.last_event_at = now}));
  order.status = next;
  order.updated_at = FormatInstant(now);
  RXD_TRY(w.conn.Exec("UPDATE orders SET status = ?, updated_at = ? WHERE id = ?",
                      {Value(ToString(next)), Value(order.updated_at), Value(order.id)}));
  RXD_TRY(
      w.conn.Exec("INSERT INTO order_events(id, order_id, type, status, at, note, actor_id) VALUES (?, ?, ?, ?, ?, "
                  "?, 'system')",
                  {Value(NewId()), Value(order.id), Value(ToString(OrderEventType::kStartReview)),
                   Value(ToString(next)), Value(order.updated_at), Value(kInteractionReviewNote)}));
  return OkStatus();
}

Status ScreenNewPrescription(WriteContext& w, const PhiVault& vault, const Caller& caller, const PrescriptionRecord& rx,
                             Instant now) {
  RXD_ASSIGN_OR_RETURN(Screening found, ScreenDrug(w.conn, rx.member_id, rx.rx_number, rx.rx.drug.name));
  if (found.status.empty()) return OkStatus();
  const RefillScreening s{.status = found.status, .severity = found.severity, .findings_json = found.findings.dump()};
  RXD_TRY(Record(w, vault, caller, s, rx.member_id, rx.rx_number, "", "prescription", now));
  return OkStatus();
}

Result<bool> OrderHasOpenInteractionHold(Connection& conn, const std::string& order_id) {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT 1 FROM interaction_holds WHERE order_id = ? AND status = 'open' "
                                             "LIMIT 1",
                                             {Value(order_id)}));
  return !rows.empty();
}

Result<Page<InteractionHold>> InteractionHoldService::List(const Caller& caller, const std::string& status, int limit,
                                                           const std::string& cursor) {
  static const std::vector<std::string> kStatuses = {"open", "overridden", "cancelled", "advisory", "unscreened"};
  if (std::find(kStatuses.begin(), kStatuses.end(), status) == kStatuses.end()) {
    return InvalidField("status", "must be open, overridden, cancelled, advisory or unscreened");
  }
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query(std::string(kSelect) + " WHERE status = ? AND id > ? ORDER BY id LIMIT ?",
                   {Value(status), Value(cursor), Value(limit + 1)});
  }));
  Page<InteractionHold> page;
  for (const Row& r : rows) {
    if (static_cast<int>(page.items.size()) == limit) {
      page.next_cursor = page.items.back().id;
      break;
    }
    page.items.push_back(FromRow(r));
  }
  const Instant now = clock_.Now();
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "interaction_hold.list", "interaction_hold", "-", "")));
    for (const InteractionHold& h : page.items) {
      RXD_TRY(w.audit.Append(w.conn,
                             MakeAudit(caller, now, "interaction_hold.list", "interaction_hold", h.id, h.member_id)));
    }
    return OkStatus();
  }));
  return page;
}

Result<InteractionHold> InteractionHoldService::Get(const Caller& caller, const std::string& id) {
  Row raw({});
  RXD_ASSIGN_OR_RETURN(std::optional<InteractionHold> h,
                       store_.Read([&](Connection& c) { return LoadHold(c, id, &raw); }));
  if (!h) return MakeError("not_found", "no such interaction hold");
  RXD_ASSIGN_OR_RETURN(std::string findings, vault_.Open(kTable, id, "findings", raw.at(11)));
  const Json j = Json::parse(findings, nullptr, false);
  if (j.is_object()) {
    h->drug = j.value("drug", "");
    if (j.contains("findings") && j["findings"].is_array()) {
      for (const Json& f : j["findings"]) h->findings.push_back(FindingFromJson(f));
    }
  }
  if (!raw.IsNull(12)) {
    RXD_ASSIGN_OR_RETURN(h->reason, vault_.Open(kTable, id, "reason", raw.at(12)));
  }
  RXD_TRY(AuditAlone(store_,
                     MakeAudit(caller, clock_.Now(), "interaction_hold.read", "interaction_hold", id, h->member_id)));
  return std::move(*h);
}

Result<InteractionHold> InteractionHoldService::Override(const Caller& caller, const std::string& id,
                                                         const std::string& reason) {
  RXD_TRY(ValidateInteractionOverride(reason, caller.principal.role == Role::kPharmacist, policy_));
  const Instant now = clock_.Now();
  InteractionHold hold;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<InteractionHold> h, LoadHold(w.conn, id));
    if (!h) return MakeError("not_found", "no such interaction hold");
    hold = std::move(*h);
    if (hold.status != "open") {
      refusal = MakeError("conflict", "this interaction hold is not open").With("status", hold.status);
      return w.audit.Append(w.conn, MakeAudit(caller, now, "interaction.override", "interaction_hold", id,
                                              hold.member_id, "refused:conflict"));
    }
    hold.status = "overridden";
    hold.resolved_by = caller.principal.user_id;
    hold.resolved_at = hold.updated_at = FormatInstant(now);
    RXD_TRY(
        w.conn.Exec("UPDATE interaction_holds SET status = 'overridden', resolved_by = ?, resolved_at = ?, "
                    "reason_enc = ?, updated_at = ? WHERE id = ? AND status = 'open'",
                    {Value(hold.resolved_by), Value(hold.resolved_at), Value(vault_.Seal(kTable, id, "reason", reason)),
                     Value(hold.updated_at), Value(id)}));
    return w.audit.Append(w.conn,
                          MakeAudit(caller, now, "interaction.override", "interaction_hold", id, hold.member_id));
  }));
  if (refusal) return std::move(*refusal);
  return hold;
}

Result<InteractionHold> InteractionHoldService::Cancel(const Caller& caller, const std::string& id,
                                                       const std::string& reason) {
  if (caller.principal.role != Role::kPharmacist) return MakeError("forbidden", "only a pharmacist may cancel");
  RXD_TRY(CheckReason(reason, policy_.max_reason_chars));
  const Instant now = clock_.Now();
  const std::string at = FormatInstant(now);
  InteractionHold hold;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(std::optional<InteractionHold> h, LoadHold(w.conn, id));
    if (!h) return MakeError("not_found", "no such interaction hold");
    hold = std::move(*h);
    const auto refuse = [&](Error e) {
      refusal = std::move(e);
      return w.audit.Append(w.conn, MakeAudit(caller, now, "interaction.cancel", "interaction_hold", id, hold.member_id,
                                              "refused:" + refusal->code));
    };
    if (hold.status != "open") {
      return refuse(MakeError("conflict", "this interaction hold is not open").With("status", hold.status));
    }
    if (!hold.order_id.empty()) {
      RXD_ASSIGN_OR_RETURN(Rows order,
                           w.conn.Query("SELECT status, reference FROM orders WHERE id = ?", {Value(hold.order_id)}));
      if (order.empty()) return MakeError("store_error", "hold without its order");
      const OrderStatus current = ParseOrderStatus(order[0].Text(0)).value_or(OrderStatus::kReceived);
      if (current != OrderStatus::kCancelled) {
        auto next = TransitionOrder(current, {.type = OrderEventType::kCancel, .at = now}, {.last_event_at = now});
        if (!next.ok()) return refuse(std::move(next).error());
        RXD_TRY(w.conn.Exec("UPDATE orders SET status = ?, updated_at = ? WHERE id = ?",
                            {Value(ToString(*next)), Value(at), Value(hold.order_id)}));
        RXD_TRY(w.conn.Exec(
            "INSERT INTO order_events(id, order_id, type, status, at, note, actor_id) VALUES (?, ?, "
            "?, ?, ?, ?, ?)",
            {Value(NewId()), Value(hold.order_id), Value(ToString(OrderEventType::kCancel)), Value(ToString(*next)),
             Value(at), Value(kInteractionCancelNote), Value(caller.principal.user_id)}));
        // The order changed: its own entry, as any cancellation has (store/audit_coverage.h).
        RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "order.cancelled", "order", hold.order_id, hold.member_id,
                                                 "ok:interaction")));
        RXD_TRY(QueueNotification(w.conn, {.member_id = hold.member_id,
                                           .template_id = "order_review_cancelled",
                                           .params = {{"reference", order[0].Text(1)}}}));
      }
    } else {
      RXD_TRY(w.conn.Exec("UPDATE prescriptions SET status = 'cancelled', updated_at = ? WHERE rx_number = ?",
                          {Value(at), Value(hold.rx_number)}));
      RXD_TRY(w.audit.Append(w.conn, MakeAudit(caller, now, "prescription.cancelled", "prescription", hold.rx_number,
                                               hold.member_id, "ok:interaction")));
      RXD_TRY(QueueNotification(
          w.conn, {.member_id = hold.member_id, .template_id = "prescription_review_cancelled", .params = {}}));
    }
    hold.status = "cancelled";
    hold.resolved_by = caller.principal.user_id;
    hold.resolved_at = hold.updated_at = at;
    RXD_TRY(w.conn.Exec(
        "UPDATE interaction_holds SET status = 'cancelled', resolved_by = ?, resolved_at = ?, "
        "reason_enc = ?, updated_at = ? WHERE id = ?",
        {Value(hold.resolved_by), Value(at),
         reason.empty() ? Value() : Value(vault_.Seal(kTable, id, "reason", reason)), Value(at), Value(id)}));
    return w.audit.Append(w.conn, MakeAudit(caller, now, "interaction.cancel", "interaction_hold", id, hold.member_id));
  }));
  if (refusal) return std::move(*refusal);
  return hold;
}

}  // namespace rxdesk
