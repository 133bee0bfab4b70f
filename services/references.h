// Reference numbers (PRODUCT.md section 8) that a member quotes later: one
// space shared by orders, contacts, privacy incidents and transfers, so a quoted reference
// names one thing.
//
//   RXD_ASSIGN_OR_RETURN(std::string ref, UniqueReference(w.conn, zone.LocalDate(now), ReferenceEntropy));
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "domain/time.h"
#include "store/db.h"

namespace rxdesk {

// A reference for `day` that no order, contact, incident or transfer has yet. References carry 30
// random bits per day, so a collision is rare but possible: draw again.
// Refusal: conflict after 8 draws (a broken entropy source).
Result<std::string> UniqueReference(Connection& conn, Date day, const std::function<std::uint64_t()>& entropy);

// 64 bits from the system's CSPRNG.
std::uint64_t ReferenceEntropy();

}  // namespace rxdesk
