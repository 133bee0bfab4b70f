// The append-only, hash-chained audit log of every PHI read and write.
//
// Each entry's hash is SHA-256 over its fields and the previous entry's hash,
// so changing, removing or reordering any row breaks the chain from there on.
// Entries are appended by the Writer in the same transaction as the change
// they record (see store/writer.h), so neither can exist without the other.
#pragma once

#include <cstdint>
#include <string>

#include "domain/time.h"
#include "store/db.h"

namespace rxdesk {

struct AuditEntry {
  Instant at{};
  std::string actor_id;     // user id, or "system"
  std::string actor_role;   // member, agent, ..., system
  std::string action;       // e.g. "member.read", "refill.create", "login"
  std::string record_type;  // e.g. "member", "prescription", "order"
  std::string record_id;    // opaque id, never PHI
  std::string member_id;    // whose data it is, when known (for access reports)
  std::string request_id;
  std::string outcome;      // "ok", "denied", "refused:<code>"
};

// The head of the chain, as held during one write batch.
class AuditChain {
 public:
  // Reads the head under the batch's write lock (SELECT ... FOR UPDATE on PostgreSQL).
  Status Load(Connection& conn);
  // Inserts the entry as seq = head + 1 and advances the head.
  Status Append(Connection& conn, const AuditEntry& entry);
  // Writes the head back when it moved.
  Status Save(Connection& conn);

  struct Head {
    std::int64_t seq = 0;
    std::string hash;
  };
  Head head() const { return head_; }
  void Restore(Head head) { head_ = std::move(head); }
  std::int64_t appended() const { return head_.seq - loaded_seq_; }

 private:
  Head head_;
  std::int64_t loaded_seq_ = 0;
};

// The hash of one entry given the previous hash (hex SHA-256).
std::string AuditEntryHash(std::int64_t seq, const AuditEntry& e, const std::string& prev_hash);

struct AuditVerifyReport {
  std::int64_t entries = 0;
  bool ok = true;
  std::int64_t first_bad_seq = 0;  // when !ok
  std::string problem;             // when !ok: what is wrong there
};

// Walks the whole chain in order and checks every link and the head.
Result<AuditVerifyReport> VerifyAuditLog(Connection& conn);

}  // namespace rxdesk
