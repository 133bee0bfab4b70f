// Idempotency keys for creating POSTs (API.md): a repeat with the same key and
// body returns the first response; the same key with another body is refused.
// The first response is stored in the same transaction as what it created, so
// a retry after a crash can never create a second order.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "services/phi_vault.h"
#include "store/store.h"

namespace rxdesk {

struct IdempotencyKey {
  std::string principal;     // user id: keys are per caller
  std::string key;           // the client's Idempotency-Key
  std::string route;         // route pattern
  std::string request_hash;  // SHA-256 of method, path and body
};

struct StoredResponse {
  int status = 0;
  std::string body;
};

// Validates the header value: 1–128 printable ASCII characters.
Status ValidateIdempotencyKey(std::string_view key);

// The stored response for this key, if any. Refusal: idempotency_key_reused
// (409) when the key was used with a different request.
Result<std::optional<StoredResponse>> FindIdempotent(Connection& conn, const PhiVault& vault, const IdempotencyKey& key);

// Records the response, sealed (it may hold PHI), inside the creating transaction.
Status RecordIdempotent(Connection& conn, const PhiVault& vault, const IdempotencyKey& key, int status,
                        const std::string& body, const std::string& now);

// Services call this at the end of their write job with what they created.
template <typename T>
using CommitHook = std::function<Status(Connection&, const T&)>;

}  // namespace rxdesk
