#include "domain/adherence_classes.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace rxdesk {
namespace {

using C = AdherenceClass;

// PQA measure value sets, summarised to ingredients (PQA PDC measure
// specifications: statins; RAS antagonists; diabetes all class, which excludes
// insulin) and the common US brand names of single-ingredient products.
// Combination products are left out: their other ingredient would shift fills.
constexpr auto kDrugs = std::to_array<AdherenceDrug>({
    // statins
    {"atorvastatin", "atorvastatin", C::kStatins},
    {"fluvastatin", "fluvastatin", C::kStatins},
    {"lovastatin", "lovastatin", C::kStatins},
    {"pitavastatin", "pitavastatin", C::kStatins},
    {"pravastatin", "pravastatin", C::kStatins},
    {"rosuvastatin", "rosuvastatin", C::kStatins},
    {"simvastatin", "simvastatin", C::kStatins},
    {"lipitor", "atorvastatin", C::kStatins},
    {"lescol", "fluvastatin", C::kStatins},
    {"mevacor", "lovastatin", C::kStatins},
    {"altoprev", "lovastatin", C::kStatins},
    {"livalo", "pitavastatin", C::kStatins},
    {"pravachol", "pravastatin", C::kStatins},
    {"crestor", "rosuvastatin", C::kStatins},
    {"zocor", "simvastatin", C::kStatins},
    // RAS antagonists: ACE inhibitors, ARBs, direct renin inhibitor
    {"benazepril", "benazepril", C::kRasAntagonists},
    {"captopril", "captopril", C::kRasAntagonists},
    {"enalapril", "enalapril", C::kRasAntagonists},
    {"fosinopril", "fosinopril", C::kRasAntagonists},
    {"lisinopril", "lisinopril", C::kRasAntagonists},
    {"moexipril", "moexipril", C::kRasAntagonists},
    {"perindopril", "perindopril", C::kRasAntagonists},
    {"quinapril", "quinapril", C::kRasAntagonists},
    {"ramipril", "ramipril", C::kRasAntagonists},
    {"trandolapril", "trandolapril", C::kRasAntagonists},
    {"azilsartan", "azilsartan", C::kRasAntagonists},
    {"candesartan", "candesartan", C::kRasAntagonists},
    {"eprosartan", "eprosartan", C::kRasAntagonists},
    {"irbesartan", "irbesartan", C::kRasAntagonists},
    {"losartan", "losartan", C::kRasAntagonists},
    {"olmesartan", "olmesartan", C::kRasAntagonists},
    {"telmisartan", "telmisartan", C::kRasAntagonists},
    {"valsartan", "valsartan", C::kRasAntagonists},
    {"aliskiren", "aliskiren", C::kRasAntagonists},
    {"lotensin", "benazepril", C::kRasAntagonists},
    {"vasotec", "enalapril", C::kRasAntagonists},
    {"zestril", "lisinopril", C::kRasAntagonists},
    {"prinivil", "lisinopril", C::kRasAntagonists},
    {"altace", "ramipril", C::kRasAntagonists},
    {"accupril", "quinapril", C::kRasAntagonists},
    {"cozaar", "losartan", C::kRasAntagonists},
    {"diovan", "valsartan", C::kRasAntagonists},
    {"benicar", "olmesartan", C::kRasAntagonists},
    {"micardis", "telmisartan", C::kRasAntagonists},
    {"avapro", "irbesartan", C::kRasAntagonists},
    {"atacand", "candesartan", C::kRasAntagonists},
    {"edarbi", "azilsartan", C::kRasAntagonists},
    {"tekturna", "aliskiren", C::kRasAntagonists},
    // diabetes (non-insulin): biguanides, sulfonylureas, thiazolidinediones,
    // DPP-4 inhibitors, GLP-1 receptor agonists, meglitinides, SGLT2 inhibitors
    {"metformin", "metformin", C::kDiabetes},
    {"glipizide", "glipizide", C::kDiabetes},
    {"glyburide", "glyburide", C::kDiabetes},
    {"glimepiride", "glimepiride", C::kDiabetes},
    {"pioglitazone", "pioglitazone", C::kDiabetes},
    {"rosiglitazone", "rosiglitazone", C::kDiabetes},
    {"sitagliptin", "sitagliptin", C::kDiabetes},
    {"saxagliptin", "saxagliptin", C::kDiabetes},
    {"linagliptin", "linagliptin", C::kDiabetes},
    {"alogliptin", "alogliptin", C::kDiabetes},
    {"liraglutide", "liraglutide", C::kDiabetes},
    {"dulaglutide", "dulaglutide", C::kDiabetes},
    {"semaglutide", "semaglutide", C::kDiabetes},
    {"exenatide", "exenatide", C::kDiabetes},
    {"repaglinide", "repaglinide", C::kDiabetes},
    {"nateglinide", "nateglinide", C::kDiabetes},
    {"canagliflozin", "canagliflozin", C::kDiabetes},
    {"dapagliflozin", "dapagliflozin", C::kDiabetes},
    {"empagliflozin", "empagliflozin", C::kDiabetes},
    {"ertugliflozin", "ertugliflozin", C::kDiabetes},
    {"glucophage", "metformin", C::kDiabetes},
    {"glucotrol", "glipizide", C::kDiabetes},
    {"amaryl", "glimepiride", C::kDiabetes},
    {"actos", "pioglitazone", C::kDiabetes},
    {"januvia", "sitagliptin", C::kDiabetes},
    {"onglyza", "saxagliptin", C::kDiabetes},
    {"tradjenta", "linagliptin", C::kDiabetes},
    {"victoza", "liraglutide", C::kDiabetes},
    {"trulicity", "dulaglutide", C::kDiabetes},
    {"ozempic", "semaglutide", C::kDiabetes},
    {"rybelsus", "semaglutide", C::kDiabetes},
    {"invokana", "canagliflozin", C::kDiabetes},
    {"farxiga", "dapagliflozin", C::kDiabetes},
    {"jardiance", "empagliflozin", C::kDiabetes},
});

constexpr std::size_t kInlineName = 128;

std::size_t WordCount(std::string_view name) {
  std::size_t words = 1;
  for (char c : name) words += c == ' ' ? 1 : 0;
  return words;
}

}  // namespace

std::string_view ToString(AdherenceClass c) {
  switch (c) {
    case AdherenceClass::kStatins:
      return "statins";
    case AdherenceClass::kRasAntagonists:
      return "ras_antagonists";
    case AdherenceClass::kDiabetes:
      return "diabetes";
  }
  return "statins";
}

std::optional<AdherenceClass> ParseAdherenceClass(std::string_view text) {
  for (int i = 0; i < kAdherenceClassCount; ++i) {
    const auto c = static_cast<AdherenceClass>(i);
    if (ToString(c) == text) return c;
  }
  return std::nullopt;
}

std::span<const AdherenceDrug> ShippedAdherenceDrugs() { return kDrugs; }

AdherenceClassifier::AdherenceClassifier(std::span<const AdherenceDrug> catalog) : catalog_(catalog) {
  std::unordered_map<std::string_view, std::uint32_t> ids;
  ingredient_ids_.reserve(catalog.size());
  for (std::size_t i = 0; i < catalog.size(); ++i) {
    by_name_.emplace(catalog[i].name, i);
    const auto [it, inserted] = ids.emplace(catalog[i].ingredient, static_cast<std::uint32_t>(ids.size()));
    ingredient_ids_.push_back(it->second);
    max_words_ = std::max(max_words_, WordCount(catalog[i].name));
  }
}

std::optional<ClassifiedDrug> AdherenceClassifier::Classify(std::string_view drug_name) const {
  // Normalise: lower case, every run of non-alphanumerics one space, trimmed.
  std::array<char, kInlineName> local{};
  std::string heap;
  char* out = local.data();
  if (drug_name.size() >= kInlineName) {
    heap.resize(drug_name.size() + 1);
    out = heap.data();
  }
  std::size_t n = 0;
  bool space = true;
  for (char raw : drug_name) {
    const auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) != 0) {
      out[n++] = static_cast<char>(std::tolower(c));
      space = false;
    } else if (!space) {
      out[n++] = ' ';
      space = true;
    }
  }
  if (n > 0 && out[n - 1] == ' ') --n;
  const std::string_view text(out, n);
  // Word starts, then every run of up to max_words_ words; the earliest catalog row wins.
  std::array<std::size_t, 32> starts{};
  std::size_t words = 0;
  for (std::size_t i = 0; i < text.size() && words < starts.size(); ++i) {
    if (i == 0 || text[i - 1] == ' ') starts[words++] = i;
  }
  std::optional<std::size_t> best;
  for (std::size_t w = 0; w < words; ++w) {
    std::size_t end = starts[w];
    for (std::size_t k = 0; k < max_words_ && w + k < words; ++k) {
      end = text.find(' ', starts[w + k]);
      if (end == std::string_view::npos) end = text.size();
      const auto found = by_name_.find(text.substr(starts[w], end - starts[w]));
      if (found != by_name_.end() && (!best || found->second < *best)) best = found->second;
    }
  }
  if (!best) return std::nullopt;
  const AdherenceDrug& d = catalog_[*best];
  return ClassifiedDrug{d.drug_class, d.ingredient, ingredient_ids_[*best]};
}

}  // namespace rxdesk
