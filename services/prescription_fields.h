// A new prescription's fields kept for later: a transfer in waiting for the
// pharmacist, a faxed prescription keyed by intake staff. NewPrescriptionInput
// borrows its text from a parsed request; this owns it, round-trips through the
// JSON that is sealed in the store, and lends a NewPrescriptionInput again when
// the domain validates it (domain/prescription.h ValidateNewPrescription).
//
//   PrescriptionFields f = ...;                     // from the request
//   RXD_TRY(ValidateNewPrescription(f.View(), today, policy));
//   Blob sealed = vault.Seal("intake_documents", id, "fields", ToJson(f).dump());
//   RXD_ASSIGN_OR_RETURN(PrescriptionFields back, PrescriptionFieldsFromJson(json));
#pragma once

#include <cstdint>
#include <string>

#include "domain/prescription.h"
#include "nlohmann/json.hpp"

namespace rxdesk {

struct PrescriptionFields {
  std::string ndc;
  std::string drug_name;
  std::string strength;  // "" when not given
  std::string form;      // "" when not given
  std::string schedule;  // "none" | "II" | "III" | "IV" | "V"
  std::string quantity;  // decimal text, see ParseQuantity
  std::int64_t days_supply = 0;
  std::int64_t refills_authorized = 0;
  std::string written_date;  // YYYY-MM-DD
  std::string prescriber_npi;
  std::string prescriber_name;
  std::string prescriber_dea;  // "" when not given
  std::int64_t daw = 0;

  // The domain's input, borrowing from this object (which must outlive it).
  NewPrescriptionInput View() const;
};

// The fields in the API's shape: {"drug": {...}, "schedule", "quantity", "days_supply",
// "refills_authorized", "written_date", "prescriber": {...}, "daw"}.
nlohmann::json ToJson(const PrescriptionFields& fields);
// The reverse of ToJson. Refusal: decrypt_failed for a document of another shape.
Result<PrescriptionFields> PrescriptionFieldsFromJson(const nlohmann::json& json);

}  // namespace rxdesk
