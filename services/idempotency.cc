#include "services/idempotency.h"

namespace rxdesk {

Status ValidateIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 128) return InvalidField("Idempotency-Key", "must be 1 to 128 characters");
  for (char c : key) {
    if (c < 0x21 || c > 0x7E) return InvalidField("Idempotency-Key", "must be printable ASCII without spaces");
  }
  return OkStatus();
}

Result<std::optional<StoredResponse>> FindIdempotent(Connection& conn, const IdempotencyKey& key) {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT route, request_hash, status, response FROM idempotency_keys "
                                             "WHERE principal = ? AND idem_key = ?",
                                             {Value(key.principal), Value(key.key)}));
  if (rows.empty()) return std::optional<StoredResponse>();
  if (rows[0].Text(0) != key.route || rows[0].Text(1) != key.request_hash) {
    return MakeError("idempotency_key_reused", "this Idempotency-Key was already used for a different request",
                     "Idempotency-Key");
  }
  return std::optional<StoredResponse>(StoredResponse{static_cast<int>(rows[0].Int(2)), rows[0].Text(3)});
}

Status RecordIdempotent(Connection& conn, const IdempotencyKey& key, int status, const std::string& body,
                        const std::string& now) {
  RXD_TRY(conn.Exec("INSERT INTO idempotency_keys(principal, idem_key, route, request_hash, status, response, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    {Value(key.principal), Value(key.key), Value(key.route), Value(key.request_hash), Value(status),
                     Value(body), Value(now)}));
  return OkStatus();
}

}  // namespace rxdesk
