#include "services/references.h"

#include "domain/reference_number.h"
#include "infra/crypto.h"

namespace rxdesk {

Result<std::string> UniqueReference(Connection& conn, Date day, const std::function<std::uint64_t()>& entropy) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    std::string reference = MakeReferenceNumber(day, entropy());
    RXD_ASSIGN_OR_RETURN(Rows taken, conn.Query("SELECT 1 FROM orders WHERE reference = ? UNION ALL "
                                                "SELECT 1 FROM contacts WHERE reference = ? UNION ALL "
                                                "SELECT 1 FROM privacy_incidents WHERE reference = ? UNION ALL "
                                                "SELECT 1 FROM transfers_in WHERE reference = ? UNION ALL "
                                                "SELECT 1 FROM prior_authorizations WHERE reference = ?",
                                                {Value(reference), Value(reference), Value(reference),
                                                 Value(reference), Value(reference)}));
    if (taken.empty()) return reference;
  }
  return MakeError("conflict", "could not draw an unused reference number");
}

std::uint64_t ReferenceEntropy() {
  const std::string bytes = RandomBytes(8);
  std::uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  return v;
}

}  // namespace rxdesk
