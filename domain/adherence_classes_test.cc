#include "domain/adherence_classes.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace rxdesk {
namespace {

TEST(AdherenceClasses, GenericNamesAsWrittenOnALabelAreClassified) {
  const AdherenceClassifier classifier;
  const auto statin = classifier.Classify("Atorvastatin 20 mg tablet");
  ASSERT_TRUE(statin);
  EXPECT_EQ(statin->drug_class, AdherenceClass::kStatins);
  EXPECT_EQ(statin->ingredient, "atorvastatin");
  const auto ras = classifier.Classify("LOSARTAN POTASSIUM 50MG");
  ASSERT_TRUE(ras);
  EXPECT_EQ(ras->drug_class, AdherenceClass::kRasAntagonists);
  const auto diabetes = classifier.Classify("metformin-ER 500 mg");
  ASSERT_TRUE(diabetes);
  EXPECT_EQ(diabetes->drug_class, AdherenceClass::kDiabetes);
}

TEST(AdherenceClasses, BrandNamesShareTheirIngredientsId) {
  const AdherenceClassifier classifier;
  const auto brand = classifier.Classify("Lipitor");
  const auto generic = classifier.Classify("atorvastatin");
  ASSERT_TRUE(brand && generic);
  EXPECT_EQ(brand->ingredient, "atorvastatin");
  EXPECT_EQ(brand->ingredient_id, generic->ingredient_id);
  EXPECT_NE(classifier.Classify("simvastatin")->ingredient_id, generic->ingredient_id);
}

TEST(AdherenceClasses, InsulinAndUnmeasuredDrugsHaveNoClass) {
  const AdherenceClassifier classifier;
  EXPECT_FALSE(classifier.Classify("insulin glargine 100 units/mL"));
  EXPECT_FALSE(classifier.Classify("sertraline 50 mg"));
  EXPECT_FALSE(classifier.Classify(""));
  EXPECT_FALSE(classifier.Classify("   --  "));
}

TEST(AdherenceClasses, OnlyWholeWordsMatch) {
  const AdherenceClassifier classifier;
  EXPECT_FALSE(classifier.Classify("atorvastatinx"));
  EXPECT_FALSE(classifier.Classify("xmetformin"));
}

TEST(AdherenceClasses, HugeAndBinaryNamesAreHandled) {
  const AdherenceClassifier classifier;
  std::string huge(100000, 'a');
  huge += " rosuvastatin";
  ASSERT_TRUE(classifier.Classify(huge));  // one huge word, then the drug
  std::string many_words;
  for (int i = 0; i < 40; ++i) many_words += "tablet ";
  EXPECT_FALSE(classifier.Classify(many_words + "rosuvastatin"));  // only the first 32 words are read
  std::string binary("\x00\xff\x80 metformin", 13);
  const auto c = classifier.Classify(binary);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->drug_class, AdherenceClass::kDiabetes);
}

TEST(AdherenceClasses, ClassNamesRoundTripAndUnknownNamesAreRefused) {
  for (int i = 0; i < kAdherenceClassCount; ++i) {
    const auto c = static_cast<AdherenceClass>(i);
    EXPECT_EQ(ParseAdherenceClass(ToString(c)), c);
  }
  EXPECT_FALSE(ParseAdherenceClass("Statins"));
  EXPECT_FALSE(ParseAdherenceClass(""));
}

TEST(AdherenceClasses, TheShippedCatalogHasUniqueNormalisedNames) {
  std::set<std::string_view> names;
  for (const AdherenceDrug& d : ShippedAdherenceDrugs()) {
    EXPECT_TRUE(names.insert(d.name).second) << d.name;
    for (char c : d.name) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ' ') << d.name;
    // Every ingredient is itself a catalog name, so a generic label always classifies.
    EXPECT_TRUE(AdherenceClassifier().Classify(d.ingredient)) << d.ingredient;
  }
}

}  // namespace
}  // namespace rxdesk
