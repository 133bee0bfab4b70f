// Numbered schema migrations, written once for both dialects.
//
// A newer binary upgrades an older database in place (each migration in its own
// transaction); an older binary refuses a newer database with `schema_too_new`.
#pragma once

#include "store/db.h"

namespace rxdesk {

// The schema version this binary writes.
int LatestSchemaVersion();

// The version recorded in the database (0 for an empty one). Reads only.
Result<int> CurrentSchemaVersion(Connection& conn);

// Applies every missing migration. Returns the number applied. Safe to run from
// several processes at once (PostgreSQL: an advisory lock; SQLite: the write lock).
// Refusal: `schema_too_new` when the database is newer than this binary.
Result<int> Migrate(Connection& conn);

}  // namespace rxdesk
