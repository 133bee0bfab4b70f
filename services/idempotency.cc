#include "services/idempotency.h"

#include "infra/ids.h"

namespace rxdesk {

Status ValidateIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 128) return InvalidField("Idempotency-Key", "must be 1 to 128 characters");
  for (char c : key) {
    if (c < 0x21 || c > 0x7E) return InvalidField("Idempotency-Key", "must be printable ASCII without spaces");
  }
  return OkStatus();
}

Result<std::optional<StoredResponse>> FindIdempotent(Connection& conn, const PhiVault& vault, const IdempotencyKey& key) {
  RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT route, request_hash, status, id, response_enc FROM idempotency_keys "
                                             "WHERE principal = ? AND idem_key = ?",
                                             {Value(key.principal), Value(key.key)}));
  if (rows.empty()) return std::optional<StoredResponse>();
  if (rows[0].Text(0) != key.route || rows[0].Text(1) != key.request_hash) {
    return MakeError("idempotency_key_reused", "this Idempotency-Key was already used for a different request",
                     "Idempotency-Key");
  }
  RXD_ASSIGN_OR_RETURN(std::string body, vault.Open("idempotency_keys", rows[0].Text(3), "response", rows[0].at(4)));
  return std::optional<StoredResponse>(StoredResponse{static_cast<int>(rows[0].Int(2)), std::move(body)});
}

Status RecordIdempotent(Connection& conn, const PhiVault& vault, const IdempotencyKey& key, int status,
                        const std::string& body, const std::string& now) {
  const std::string id = NewId();
  RXD_TRY(conn.Exec("INSERT INTO idempotency_keys(principal, idem_key, route, request_hash, status, response, id, "
                    "response_enc, created_at) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?)",
                    {Value(key.principal), Value(key.key), Value(key.route), Value(key.request_hash), Value(status),
                     Value(id), Value(vault.Seal("idempotency_keys", id, "response", body)), Value(now)}));
  return OkStatus();
}

}  // namespace rxdesk
