// The drug classes whose adherence rxdesk measures (PRODUCT.md §6, "PDC per drug
// class"), and which class a prescription's drug belongs to. The classes are the
// three PQA PDC measures Medicare Part D star ratings use: statins, renin–
// angiotensin system antagonists and non-insulin diabetes medications.
//
//   const AdherenceClassifier classifier;                    // once; immutable
//   if (auto c = classifier.Classify("Lipitor 20 mg tablet")) {
//     // c->drug_class == AdherenceClass::kStatins, c->ingredient == "atorvastatin"
//     fills.push_back({fill_date, days_supply, c->ingredient_id});  // domain/adherence.h
//   }
//
// Matching is by whole words, case-insensitive, punctuation treated as spaces
// ("metFORMIN-ER" is metformin). A drug that names two ingredients of the
// catalog is classified by the first found in catalog order; a drug none of
// whose words is in the catalog has no class (it is not measured).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace rxdesk {

enum class AdherenceClass : std::uint8_t {
  kStatins,         // PQA PDC-STA
  kRasAntagonists,  // PQA PDC-RASA: ACE inhibitors, ARBs, direct renin inhibitors
  kDiabetes,        // PQA PDC-DR: non-insulin diabetes medications, all classes
};
inline constexpr int kAdherenceClassCount = 3;

// "statins", "ras_antagonists", "diabetes" (the API's spelling).
std::string_view ToString(AdherenceClass c);
// Exact API name to class; nullopt for anything else.
std::optional<AdherenceClass> ParseAdherenceClass(std::string_view text);

// One catalog row: a generic ingredient or a brand name, and its class.
struct AdherenceDrug {
  std::string_view name;        // lower case, words separated by one space
  std::string_view ingredient;  // the generic ingredient (same as name for generics)
  AdherenceClass drug_class;
};

// The shipped catalog (static data, validated by the tests).
std::span<const AdherenceDrug> ShippedAdherenceDrugs();

struct ClassifiedDrug {
  AdherenceClass drug_class;
  std::string_view ingredient;  // lives with the catalog
  std::uint32_t ingredient_id;  // stable per classifier: AdherenceFill::drug
};

// Classifies drug names against a catalog. Immutable after construction: one
// instance may be shared by all threads.
class AdherenceClassifier {
 public:
  explicit AdherenceClassifier(std::span<const AdherenceDrug> catalog = ShippedAdherenceDrugs());

  // The class of a drug as written on a prescription, or nullopt when no word
  // sequence of the name is in the catalog. Allocates only for names over 128 bytes.
  std::optional<ClassifiedDrug> Classify(std::string_view drug_name) const;

 private:
  std::span<const AdherenceDrug> catalog_;
  std::unordered_map<std::string_view, std::size_t> by_name_;  // name -> catalog index
  std::vector<std::uint32_t> ingredient_ids_;                  // per catalog row
  std::size_t max_words_ = 1;
};

}  // namespace rxdesk
