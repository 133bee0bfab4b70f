#include "services/phi_vault.h"

namespace rxdesk {
namespace {

std::string AssociatedData(std::string_view table, std::string_view id, std::string_view field) {
  std::string ad;
  ad.reserve(table.size() + id.size() + field.size() + 2);
  ad.append(table).append("/").append(id).append("/").append(field);
  return ad;
}

}  // namespace

Blob PhiVault::Seal(std::string_view table, std::string_view id, std::string_view field,
                    std::string_view plaintext) const {
  return Blob{keys_.Current().Encrypt(plaintext, AssociatedData(table, id, field))};
}

Result<std::string> PhiVault::Open(std::string_view table, std::string_view id, std::string_view field,
                                   const Value& sealed) const {
  if (sealed.is_null()) return MakeError("decrypt_failed", "no sealed value");
  return keys_.Decrypt(sealed.AsText(), AssociatedData(table, id, field));
}

std::string PhiVault::Index(std::string_view normalized) const { return keys_.Index().Compute(normalized); }

std::string PhiVault::IndexOf(std::string_view text) const {
  return keys_.Index().Compute(BlindIndex::Normalize(text));
}

std::uint32_t PhiVault::current_key_id() const { return keys_.Current().key_id(); }

}  // namespace rxdesk
