#include "services/contact_gate.h"

namespace rxdesk {

Result<std::optional<Contact>> LoadContact(Connection& conn, const std::string& id) {
  RXD_ASSIGN_OR_RETURN(
      Rows rows, conn.Query("SELECT id, reference, channel, agent_id, COALESCE(member_id, ''), status, verification, "
                            "COALESCE(verified_by, ''), failed_attempts, flagged, opened_at, COALESCE(verified_at, ''), "
                            "COALESCE(closed_at, ''), updated_at, COALESCE(disposition, ''), COALESCE(issue, ''), fcr FROM contacts "
                            "WHERE id = ?",
                            {Value(id)}));
  if (rows.empty()) return std::optional<Contact>();
  const Row& r = rows[0];
  Contact c;
  c.id = r.Text(0);
  c.reference = r.Text(1);
  c.channel = r.Text(2);
  c.agent_id = r.Text(3);
  c.member_id = r.Text(4);
  c.open = r.Text(5) == "open";
  c.verification.status = ParseVerificationStatus(r.Text(6)).value_or(VerificationStatus::kLocked);
  c.verified_by = r.Text(7);
  c.verification.failed_attempts = static_cast<int>(r.Int(8));
  c.flagged = r.Int(9) != 0;
  c.opened_at = r.Text(10);
  c.verified_at = r.Text(11);
  c.closed_at = r.Text(12);
  c.updated_at = r.Text(13);
  c.disposition = r.Text(14);
  c.issue = r.Text(15);
  if (!r.IsNull(16)) c.fcr = r.Int(16) != 0;
  RXD_ASSIGN_OR_RETURN(Rows orders, conn.Query("SELECT order_id FROM contact_orders WHERE contact_id = ? ORDER BY "
                                               "order_id",
                                               {Value(id)}));
  for (const Row& o : orders) c.order_ids.push_back(o.Text(0));
  return std::optional<Contact>(std::move(c));
}

namespace {

bool GateRole(const Caller& caller) { return caller.principal.role == Role::kAgent; }

Error VerificationRequired() {
  return Error{"verification_required", "open a contact, verify the caller's identity and send its id in X-Contact-Id",
               ""};
}

}  // namespace

Status CheckContactGate(Connection& conn, const Caller& caller, const std::string& member_id) {
  if (!GateRole(caller)) return OkStatus();
  if (caller.contact_id.empty() || caller.contact_id.size() > 64) return VerificationRequired();
  RXD_ASSIGN_OR_RETURN(std::optional<Contact> c, LoadContact(conn, caller.contact_id));
  if (!c || c->agent_id != caller.principal.user_id || !c->open ||
      c->verification.status != VerificationStatus::kVerified || c->member_id != member_id) {
    return VerificationRequired();
  }
  return OkStatus();
}

Status CheckContactGate(Store& store, const Caller& caller, const std::string& member_id) {
  if (!GateRole(caller)) return OkStatus();
  if (caller.contact_id.empty()) return VerificationRequired();
  return store.Read([&](Connection& conn) { return CheckContactGate(conn, caller, member_id); });
}

}  // namespace rxdesk
