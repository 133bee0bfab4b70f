#include "services/audit.h"

#include "infra/ack_gate.h"

namespace rxdesk {

AuditEntry MakeAudit(const Caller& caller, Instant at, std::string action, std::string record_type,
                     std::string record_id, std::string member_id, std::string outcome) {
  AuditEntry e;
  e.at = at;
  e.actor_id = caller.principal.user_id.empty() ? "anonymous" : caller.principal.user_id;
  e.actor_role = caller.principal.user_id.empty() ? "anonymous" : std::string(ToString(caller.principal.role));
  e.action = std::move(action);
  e.record_type = std::move(record_type);
  e.record_id = std::move(record_id);
  e.member_id = std::move(member_id);
  e.request_id = caller.request_id;
  e.outcome = std::move(outcome);
  // Why: the contact the caller acts in (X-Contact-Id), checked by the gate for agents.
  if (!caller.contact_id.empty() && caller.contact_id.size() <= 64) e.purpose = "contact:" + caller.contact_id;
  return e;
}

AuditEntry MakeSystemAudit(Instant at, std::string action, std::string record_type, std::string record_id,
                           std::string request_id, std::string outcome) {
  AuditEntry e;
  e.at = at;
  e.actor_id = "system";
  e.actor_role = "system";
  e.action = std::move(action);
  e.record_type = std::move(record_type);
  e.record_id = std::move(record_id);
  e.request_id = std::move(request_id);
  e.outcome = std::move(outcome);
  return e;
}

Status AuditAlone(Store& store, const AuditEntry& entry) {
  if (AckGate* gate = AckGate::Current()) {
    store.WriteAsync([entry](WriteContext& w) { return w.audit.Append(w.conn, entry); }, gate->Hold());
    return OkStatus();
  }
  return store.Write([&](WriteContext& w) { return w.audit.Append(w.conn, entry); });
}

}  // namespace rxdesk
