#include "services/prescription_fields.h"

namespace rxdesk {

NewPrescriptionInput PrescriptionFields::View() const {
  NewPrescriptionInput in;
  in.drug = {ndc, drug_name, strength, form};
  in.schedule = schedule;
  in.quantity = quantity;
  in.days_supply = days_supply;
  in.refills_authorized = refills_authorized;
  in.written_date = written_date;
  in.prescriber = {prescriber_npi, prescriber_name, prescriber_dea};
  in.daw = daw;
  return in;
}

nlohmann::json ToJson(const PrescriptionFields& f) {
  nlohmann::json prescriber = {{"npi", f.prescriber_npi}, {"name", f.prescriber_name}};
  if (!f.prescriber_dea.empty()) prescriber["dea"] = f.prescriber_dea;
  return nlohmann::json{{"drug", {{"ndc", f.ndc}, {"name", f.drug_name}, {"strength", f.strength}, {"form", f.form}}},
                        {"schedule", f.schedule},
                        {"quantity", f.quantity},
                        {"days_supply", f.days_supply},
                        {"refills_authorized", f.refills_authorized},
                        {"written_date", f.written_date},
                        {"prescriber", prescriber},
                        {"daw", f.daw}};
}

Result<PrescriptionFields> PrescriptionFieldsFromJson(const nlohmann::json& j) {
  try {
    PrescriptionFields f;
    const nlohmann::json& drug = j.at("drug");
    f.ndc = drug.at("ndc").get<std::string>();
    f.drug_name = drug.at("name").get<std::string>();
    f.strength = drug.value("strength", "");
    f.form = drug.value("form", "");
    f.schedule = j.at("schedule").get<std::string>();
    f.quantity = j.at("quantity").get<std::string>();
    f.days_supply = j.at("days_supply").get<std::int64_t>();
    f.refills_authorized = j.at("refills_authorized").get<std::int64_t>();
    f.written_date = j.at("written_date").get<std::string>();
    const nlohmann::json& prescriber = j.at("prescriber");
    f.prescriber_npi = prescriber.at("npi").get<std::string>();
    f.prescriber_name = prescriber.at("name").get<std::string>();
    f.prescriber_dea = prescriber.value("dea", "");
    f.daw = j.value("daw", std::int64_t{0});
    return f;
  } catch (const nlohmann::json::exception&) {
    return MakeError("decrypt_failed", "stored prescription fields are not readable");
  }
}

}  // namespace rxdesk
