// Helpers to write audit entries for a caller's action.
#pragma once

#include <string>

#include "services/caller.h"
#include "store/audit_log.h"
#include "store/store.h"

namespace rxdesk {

AuditEntry MakeAudit(const Caller& caller, Instant at, std::string action, std::string record_type,
                     std::string record_id, std::string member_id, std::string outcome = "ok");

// An entry for a job the system runs on its own (retention, key rotation): actor "system".
AuditEntry MakeSystemAudit(Instant at, std::string action, std::string record_type, std::string record_id,
                           std::string request_id, std::string outcome);

// Commits one audit entry on its own (reads and refusals). The caller must not
// return the data it audits unless this succeeded.
//   While a request is being handled (AckGate::Current() is set) the entry is
// queued for the next group commit and this returns at once: the request's
// answer then waits for the commit and becomes an error if it fails, so no
// answer leaves before its audit entry is durable, and no thread waits for it.
// Elsewhere (jobs, tools, WebSocket messages) it waits for the commit.
Status AuditAlone(Store& store, const AuditEntry& entry);

}  // namespace rxdesk
