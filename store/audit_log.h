// The append-only, hash-chained audit log of every PHI read and write.
//
// Each entry's hash is SHA-256 over its fields and the previous entry's hash,
// so changing, removing or reordering any row breaks the chain from there on.
// Entries are appended by the Writer in the same transaction as the change
// they record (see store/writer.h), so neither can exist without the other.
//
//   RXD_TRY(w.audit.Append(w.conn, entry));                        // in a write job
//   RXD_ASSIGN_OR_RETURN(auto page, SearchAuditLog(conn, {.member_id = id, .limit = 50}));
//   RXD_ASSIGN_OR_RETURN(AuditVerifyReport report, VerifyAuditLog(conn));
//
// Retention (services/retention.h) removes the oldest entries through one
// guarded path, PruneAuditLog: it first moves the checkpoint (the last removed
// entry's seq and hash) onto the last entry it removes, and the database refuses
// any other DELETE (triggers: only rows at or below the checkpoint may go, the
// checkpoint only moves forward onto an existing entry). Verification starts
// from the checkpoint. Ordinary UPDATE and DELETE stay refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
  std::string outcome;  // "ok", "denied", "refused:<code>"
  // Why the access happened, e.g. "contact:RX-261123-4F7KQ2-8" when an agent acts
  // in a contact; empty otherwise. A reference, never words about the member.
  // Hashed only when non-empty, so entries written before it existed keep their hash.
  std::string purpose;
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

// The previous-hash of the first entry of a chain.
inline constexpr char kAuditGenesisHash[] = "0000000000000000000000000000000000000000000000000000000000000000";

// The hash of one entry given the previous hash (hex SHA-256). The purpose is
// covered only when non-empty: an entry without one hashes as before it existed.
std::string AuditEntryHash(std::int64_t seq, const AuditEntry& e, const std::string& prev_hash);

// Where verification starts: the last entry retention removed (seq 0 and the
// genesis hash while nothing was removed).
struct AuditCheckpoint {
  std::int64_t seq = 0;
  std::string hash = kAuditGenesisHash;
  std::string at;        // that entry's time ("" while nothing was removed)
  std::string moved_at;  // when retention last moved it ("" while nothing was removed)
};

Result<AuditCheckpoint> LoadAuditCheckpoint(Connection& conn);

struct AuditVerifyReport {
  std::int64_t entries = 0;    // entries verified after the checkpoint
  AuditCheckpoint checkpoint;  // where the walk started
  bool ok = true;
  std::int64_t first_bad_seq = 0;  // when !ok
  std::string problem;             // when !ok: what is wrong there
};

// Walks the chain in order from the checkpoint and checks every link and the head.
Result<AuditVerifyReport> VerifyAuditLog(Connection& conn);

// ---- search (the privacy officer's view) ----

struct AuditRecord {
  std::int64_t seq = 0;
  AuditEntry entry;
};

struct AuditQuery {
  std::string member_id;        // exact; empty: any
  std::string actor_id;         // exact; empty: any
  std::optional<Instant> from;  // from <= at
  std::optional<Instant> to;    // at < to
  std::string action;           // exact, or a prefix when it ends with '.' ("member."); empty: any
  std::string outcome;          // exact; empty: any
  std::int64_t before_seq = 0;  // paging: only entries with seq < before_seq; 0: from the newest
  std::int64_t limit = 50;      // at most this many (requires 1 or more)
  bool oldest_first = false;    // default newest first (then before_seq pages backwards)
};

// The matching entries, newest first unless `oldest_first`. Uses the member,
// actor and time indexes. Instants are stored as fixed-width RFC 3339 UTC text,
// so comparing the text compares the times.
Result<std::vector<AuditRecord>> SearchAuditLog(Connection& conn, const AuditQuery& query);

// ---- retention ----

struct AuditPruneResult {
  std::int64_t removed = 0;
  AuditCheckpoint checkpoint;  // after the prune
};

// Inside the caller's transaction: removes the oldest entries older than
// `cutoff` (at < cutoff), at most `limit` (>= 1) of them. Only the unbroken run
// from the start of the chain goes: an entry older than the cutoff that follows
// a newer one (clock skew between nodes) waits until the entries before it are
// old enough, so what remains is always one verifiable chain. The checkpoint is
// moved onto the last removed entry first; `now` is recorded as moved_at.
Result<AuditPruneResult> PruneAuditLog(Connection& conn, Instant cutoff, std::int64_t limit, Instant now);

// How many entries PruneAuditLog would remove with no limit (for dry runs).
Result<std::int64_t> CountPrunableAuditEntries(Connection& conn, Instant cutoff);

}  // namespace rxdesk
