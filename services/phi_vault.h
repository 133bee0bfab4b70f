// PHI at rest: each field encrypted on its own (XChaCha20-Poly1305) with
// "<table>/<record id>/<field>" as associated data, so a ciphertext copied to
// another row or column does not decrypt. Lookups use keyed blind indexes.
//
//   Blob enc = vault.Seal("members", id, "last_name", "Rivera");
//   RXD_ASSIGN_OR_RETURN(std::string name, vault.Open("members", id, "last_name", row.at(3)));
#pragma once

#include <string>
#include <string_view>

#include "infra/key_file.h"
#include "store/db.h"

namespace rxdesk {

class PhiVault {
 public:
  explicit PhiVault(const KeyRing& keys) : keys_(keys) {}

  Blob Seal(std::string_view table, std::string_view id, std::string_view field, std::string_view plaintext) const;
  // Refusal: decrypt_failed (tampered, wrong row, unknown key).
  Result<std::string> Open(std::string_view table, std::string_view id, std::string_view field,
                           const Value& sealed) const;
  // Blind index of already-normalized text.
  std::string Index(std::string_view normalized) const;
  // Normalizes (trim, collapse spaces, lower case) then indexes.
  std::string IndexOf(std::string_view text) const;
  std::uint32_t current_key_id() const;

 private:
  const KeyRing& keys_;
};

}  // namespace rxdesk
