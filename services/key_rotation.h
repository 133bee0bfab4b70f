// Key rotation, the database half: re-encrypts every sealed value that is not
// under the vault's current data key (the key-file half is AddDataKey in
// infra/key_file.h; the operator's steps are in docs/keys.md).
//
//   KeyRotation rotation(store, vault, clock, {.batch_rows = 500});
//   RXD_ASSIGN_OR_RETURN(std::vector<TableProgress> pending, rotation.CountPending());
//   RXD_ASSIGN_OR_RETURN(KeyRotationReport report,
//                        rotation.Run("run-01J...", [](const TableProgress& p) { Show(p.table, p.done, p.total); }));
//   if (report.left > 0 || !report.unreadable.empty()) { /* not finished: run again */ }
//
// Each batch is one write transaction through the Store's writer: it selects
// the next rows (in primary-key order) holding a value under another key,
// opens each such value, seals it under the current key, updates the row (and
// its key-id column), and appends one audit entry for the batch. The rows are
// read inside that transaction (SQLite: BEGIN IMMEDIATE holds the write lock;
// PostgreSQL: SELECT ... FOR UPDATE), so a server updating the same row at the
// same time is never overwritten with an older value. A crash loses at most
// the batch in flight: which rows are left is read from the values themselves
// (every blob names its key id), so running again finishes the job and nothing
// else has to record progress. No plaintext, and no value, is ever logged or
// put in an error message.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/clock.h"
#include "services/phi_vault.h"
#include "store/store.h"

namespace rxdesk {

// One table with sealed columns. A value of field F is stored in column "F_enc"
// and bound to the associated data "<ad_table>/<primary key value>/F"
// (PhiVault::AssociatedData), where ad_table is `table` unless given.
struct SealedTable {
  std::string_view table;
  std::string_view primary_key;
  std::vector<std::string_view> fields;
  std::string_view key_id_column = {};  // a column recording the row's data key id, if the table has one
  std::string_view ad_table = {};       // the record type in the associated data, when not `table`
};

// Every table of the schema with sealed (*_enc) columns. A migration adding one
// adds a line here; key_rotation_test fails while a *_enc column is missing.
const std::vector<SealedTable>& SealedTables();

struct KeyRotationParams {
  // Rows per write transaction: larger is faster, smaller holds the database's
  // write lock for less time while servers are writing too (1 to 100000).
  int batch_rows = 500;
  // Walks over all tables; a later one picks up rows written under an older key
  // by a server that had not seen the new key yet (1 to 10).
  int max_passes = 3;
};

struct TableProgress {
  std::string table;
  std::int64_t done = 0;   // rows re-encrypted so far
  std::int64_t total = 0;  // rows found under another key (at the start; grows if more appear)
};

struct KeyRotationReport {
  std::uint32_t key_id = 0;             // the key everything is now under
  std::vector<TableProgress> tables;    // in SealedTables() order
  std::int64_t rows = 0;                // rows re-encrypted
  std::int64_t values = 0;              // sealed values re-encrypted
  std::int64_t batches = 0;             // write transactions that changed rows
  std::vector<std::string> unreadable;  // "<table>/<id>" of rows left as they were: a value would not open
  std::int64_t left = 0;                // rows still under another key at the end, unreadable ones included
};

class KeyRotation {
 public:
  // Re-encrypts to `vault`'s current key; give it fixed keys (no key file to
  // follow) so that key cannot change during a run. Params are checked by Run.
  KeyRotation(Store& store, const PhiVault& vault, const Clock& clock, KeyRotationParams params = {},
              std::vector<SealedTable> tables = SealedTables());

  // Per table, the rows with at least one value not under the vault's current
  // key (done = 0). Refusals: the store's errors.
  Result<std::vector<TableProgress>> CountPending() const;

  // Re-encrypts every value not under the vault's current key, batch by batch,
  // calling `progress` after each batch that changed rows. `run_id` is the
  // request id of the audit entries (one per batch: action "keys.reencrypt",
  // actor "system", record type the table, record id "<first id>..<last id>").
  // A row whose value will not open is left as it was and listed in
  // `unreadable`. Refusals: invalid_request (field "batch_rows"/"max_passes"
  // out of range); the store's errors (batches committed before stay done).
  Result<KeyRotationReport> Run(const std::string& run_id,
                                const std::function<void(const TableProgress&)>& progress = {}) const;

  // Appends one audit entry for the run as a whole (actor "system", record type
  // "data_key", record id the current key id), e.g. "keys.rotate" when a key was added.
  Status AuditRun(const std::string& run_id, std::string action, std::string outcome = "ok") const;

 private:
  struct Batch;
  Status ValidateParams() const;
  Result<Batch> RunBatch(const SealedTable& t, const std::string& after, const std::string& run_id) const;
  std::string PendingCondition(const SealedTable& t) const;

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  const KeyRotationParams params_;
  const std::vector<SealedTable> tables_;
};

}  // namespace rxdesk
