#include "domain/ddi.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "domain/interaction_table.h"

namespace rxdesk {
namespace {

using S = DdiSeverity;

const InteractionTable& Shipped() {
  static const InteractionTable table = BuildShippedInteractionTable();
  return table;
}

// A drug the shipped catalog must know; a test failure (not a crash) otherwise.
ScreenedDrug Drug(std::string_view name, const InteractionTable& table = Shipped()) {
  std::optional<ScreenedDrug> drug = table.Describe(name);
  if (!drug) {
    ADD_FAILURE() << "catalog does not know " << name;
    return table.FromAgents(name, {});
  }
  return std::move(*drug);
}

std::vector<InteractionFinding> Screen(std::string_view new_drug, const std::vector<std::string_view>& active) {
  std::vector<ScreenedDrug> meds;
  for (std::string_view name : active) meds.push_back(Drug(name));
  return ScreenInteractions(Drug(new_drug), meds, Shipped());
}

bool HasAgent(const ScreenedDrug& drug, std::string_view agent, const InteractionTable& table = Shipped()) {
  return std::any_of(drug.agents().begin(), drug.agents().end(),
                     [&](DdiAgentId id) { return table.AgentName(id) == agent; });
}

// ---------------------------------------------------------------------------
// The shipped table covers what the brief and PRODUCT.md §6 require.

struct RequiredPair {
  std::string_view new_drug;
  std::string_view active;
  DdiSeverity severity;
};

// Read as: filling <new_drug> for a member on <active> is a <severity> interaction.
constexpr RequiredPair kRequired[] = {
    {"warfarin 5 mg tablet", "ibuprofen 400 mg tablet", S::kMajor},           // warfarin + NSAIDs
    {"Coumadin", "Aleve", S::kMajor},                                         // brands map to the same
    {"Jantoven 2 mg", "naproxen sodium 220 mg", S::kMajor},
    {"warfarin", "clopidogrel 75 mg", S::kMajor},                             // warfarin + antiplatelet
    {"warfarin", "amiodarone 200 mg", S::kMajor},                             // warfarin + amiodarone
    {"simvastatin 40 mg", "clarithromycin 500 mg", S::kMajor},                // statin + CYP3A4: contraindicated
    {"lovastatin 20 mg", "Biaxin XL", S::kMajor},
    {"Zocor", "ketoconazole 200 mg", S::kMajor},
    {"sildenafil 20 mg", "nitroglycerin 0.4 mg sublingual", S::kMajor},       // PDE5 + nitrates: contraindicated
    {"Cialis 5 mg", "isosorbide mononitrate ER 30 mg", S::kMajor},
    {"Viagra", "Imdur", S::kMajor},
    {"sertraline 50 mg", "phenelzine 15 mg", S::kMajor},                      // SSRI + MAOI: serotonin syndrome
    {"fluoxetine 20 mg", "selegiline 5 mg", S::kMajor},
    {"tramadol 50 mg", "Nardil", S::kMajor},                                  // tramadol + MAOI
    {"methotrexate 2.5 mg", "trimethoprim 100 mg", S::kMajor},                // methotrexate + trimethoprim
    {"methotrexate 2.5 mg", "sulfamethoxazole-trimethoprim DS 800-160 mg", S::kMajor},
    {"Trexall", "Bactrim DS", S::kMajor},
    {"lisinopril 10 mg", "spironolactone 25 mg", S::kModerate},               // ACE-I + K-sparing: hyperkalemia
    {"Zestril", "Aldactone", S::kModerate},
    {"enalapril", "potassium chloride ER 20 mEq", S::kModerate},
    {"sertraline", "tramadol", S::kModerate},                                 // SSRI + tramadol
    {"Prozac", "Ultram", S::kModerate},
    {"levothyroxine 100 mcg", "calcium carbonate 500 mg", S::kModerate},
    {"sildenafil", "amlodipine 5 mg", S::kMinor},
    {"sertraline", "cimetidine", S::kMinor},
    {"methotrexate", "folic acid 1 mg", S::kMinor},
};

TEST(ShippedInteractionTable, BuildsFromItsOwnData) {
  auto table = InteractionTable::Build(ShippedInteractionRules(), ShippedIngredients(), ShippedProducts());
  ASSERT_TRUE(table.ok()) << table.error().field << ": " << table.error().message;
  EXPECT_EQ(table->rules().size(), ShippedInteractionRules().size());
}

TEST(ShippedInteractionTable, FindsEveryRequiredInteractionInBothDirections) {
  for (const RequiredPair& pair : kRequired) {
    for (const auto& [a, b] : {std::pair{pair.new_drug, pair.active}, std::pair{pair.active, pair.new_drug}}) {
      const auto findings = Screen(a, {b});
      ASSERT_EQ(findings.size(), 1u) << a << " + " << b;
      EXPECT_EQ(findings[0].severity, pair.severity) << a << " + " << b;
      EXPECT_EQ(findings[0].active_index, 0u);
      EXPECT_FALSE(findings[0].rule->source.empty());
    }
  }
}

TEST(ShippedInteractionTable, AClassRowCatchesEveryCatalogMemberOfTheClass) {
  // warfarin + "nsaid" must hit each ingredient the catalog files under nsaid.
  int nsaids = 0;
  for (const auto& ingredient : ShippedIngredients()) {
    if (ingredient.classes.find("nsaid") == std::string_view::npos) continue;
    ++nsaids;
    const auto findings = Screen("warfarin", {ingredient.name});
    ASSERT_FALSE(findings.empty()) << ingredient.name;
    EXPECT_EQ(findings[0].severity, S::kMajor) << ingredient.name;
    EXPECT_EQ(findings[0].active_agent, "nsaid") << ingredient.name;
  }
  EXPECT_GE(nsaids, 6);  // ibuprofen, naproxen, diclofenac, meloxicam, celecoxib, ketorolac, aspirin
}

TEST(ScreenInteractions, UnrelatedDrugsScreenClean) {
  EXPECT_TRUE(Screen("Tylenol 500 mg", {"lisinopril", "warfarin", "sertraline", "levothyroxine"}).empty());
  EXPECT_TRUE(Screen("amlodipine", {"lisinopril"}).empty());
}

TEST(ScreenInteractions, AnEmptyMedicationListScreensClean) {
  EXPECT_TRUE(Screen("warfarin", {}).empty());
}

TEST(ScreenInteractions, IsSymmetricForEveryPairOfCatalogDrugs) {
  // Property: screening a against {b} finds the same rows as b against {a},
  // with the matching agents swapped.
  std::vector<std::string_view> names;
  for (const auto& i : ShippedIngredients()) names.push_back(i.name);
  for (const auto& p : ShippedProducts()) names.push_back(p.name);
  std::vector<ScreenedDrug> drugs;
  for (std::string_view n : names) drugs.push_back(Drug(n));
  int interacting_pairs = 0;
  for (const ScreenedDrug& a : drugs) {
    for (const ScreenedDrug& b : drugs) {
      auto ab = ScreenInteractions(a, std::span(&b, 1), Shipped());
      auto ba = ScreenInteractions(b, std::span(&a, 1), Shipped());
      ASSERT_EQ(ab.size(), ba.size()) << a.name() << " / " << b.name();
      auto key = [](const InteractionFinding& f) { return std::tuple(f.rule, f.new_agent, f.active_agent); };
      auto swapped = [](const InteractionFinding& f) { return std::tuple(f.rule, f.active_agent, f.new_agent); };
      std::vector<std::tuple<const InteractionRule*, std::string_view, std::string_view>> x, y;
      for (const auto& f : ab) x.push_back(key(f));
      for (const auto& f : ba) y.push_back(swapped(f));
      std::sort(x.begin(), x.end());
      std::sort(y.begin(), y.end());
      EXPECT_EQ(x, y) << a.name() << " / " << b.name();
      interacting_pairs += ab.empty() ? 0 : 1;
    }
  }
  EXPECT_GT(interacting_pairs, 100);  // the property was exercised, not vacuous
}

TEST(ScreenInteractions, MatchesNamesWhateverTheirCase) {
  const auto findings = Screen("WARFARIN SODIUM 5 MG", {"iBuPrOfEn"});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, S::kMajor);

  const std::string_view warfarin[] = {"WarFarin"};
  const std::string_view nsaid_class[] = {"NSAID"};  // a licensed feed may give only the class
  const ScreenedDrug a = Shipped().FromAgents("new", warfarin);
  const ScreenedDrug b = Shipped().FromAgents("active", nsaid_class);
  const auto by_agents = ScreenInteractions(a, std::span(&b, 1), Shipped());
  ASSERT_EQ(by_agents.size(), 1u);
  EXPECT_EQ(by_agents[0].new_agent, "warfarin");
  EXPECT_EQ(by_agents[0].active_agent, "nsaid");
}

TEST(ScreenInteractions, SortsMajorFirstThenByMedicationThenTableOrder) {
  // warfarin vs [sertraline (ssri: moderate), Tylenol (none), ibuprofen (nsaid: major),
  // aspirin (nsaid and antiplatelet: two major rows)].
  const auto findings = Screen("warfarin", {"sertraline", "Tylenol", "ibuprofen", "aspirin 81 mg"});
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(std::tuple(findings[0].severity, findings[0].active_index, findings[0].active_agent),
            std::tuple(S::kMajor, std::size_t{2}, std::string_view("nsaid")));
  EXPECT_EQ(std::tuple(findings[1].severity, findings[1].active_index, findings[1].active_agent),
            std::tuple(S::kMajor, std::size_t{3}, std::string_view("nsaid")));        // warfarin+nsaid is row 0
  EXPECT_EQ(std::tuple(findings[2].severity, findings[2].active_index, findings[2].active_agent),
            std::tuple(S::kMajor, std::size_t{3}, std::string_view("antiplatelet")));  // warfarin+antiplatelet row 1
  EXPECT_EQ(std::tuple(findings[3].severity, findings[3].active_index, findings[3].active_agent),
            std::tuple(S::kModerate, std::size_t{0}, std::string_view("ssri")));
}

TEST(ScreenInteractions, ReportsARowOncePerMedicationEvenWhenItMatchesTwice) {
  // A drug holding both agents of a row meets the row as (a,b) and as (b,a).
  const InteractionRule rules[] = {{"alpha", "beta", S::kMajor, "effect", "manage", "source"}};
  const InteractionTable::Ingredient ingredients[] = {{"alpha", ""}, {"beta", ""}};
  auto table = InteractionTable::Build(rules, ingredients, {});
  ASSERT_TRUE(table.ok());
  const std::string_view both[] = {"alpha", "beta"};
  const ScreenedDrug combo = table->FromAgents("combo", both);
  const ScreenedDrug same = table->FromAgents("combo too", both);
  EXPECT_EQ(ScreenInteractions(combo, std::span(&same, 1), *table).size(), 1u);
}

TEST(ScreenInteractions, CountsTwoStrengthsOfOneDrugAsOneMedication) {
  const auto findings = Screen("ibuprofen", {"warfarin 5 mg", "warfarin 1 mg"});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].active_index, 0u);
}

TEST(ScreenInteractions, KeepsOneFindingPerDifferentInteractingMedication) {
  const auto findings = Screen("warfarin", {"ibuprofen", "naproxen"});
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].active_index, 0u);
  EXPECT_EQ(findings[1].active_index, 1u);
}

TEST(ScreenInteractions, AnUnrecognizedDrugFindsNothingAndSaysSo) {
  const std::string_view unknown[] = {"unobtainium"};
  const ScreenedDrug drug = Shipped().FromAgents("mystery", unknown);
  EXPECT_FALSE(drug.recognized());
  const ScreenedDrug warfarin = Drug("warfarin");
  EXPECT_TRUE(ScreenInteractions(drug, std::span(&warfarin, 1), Shipped()).empty());
}

TEST(HoldsOrder, OnlyAMajorFindingHoldsTheOrder) {
  auto finding = [](DdiSeverity s) { return InteractionFinding{s, 0, "a", "b", nullptr}; };
  EXPECT_FALSE(HoldsOrder({}));
  const InteractionFinding lesser[] = {finding(S::kModerate), finding(S::kMinor)};
  EXPECT_FALSE(HoldsOrder(lesser));
  const InteractionFinding with_major[] = {finding(S::kMinor), finding(S::kMajor)};
  EXPECT_TRUE(HoldsOrder(with_major));

  EXPECT_TRUE(HoldsOrder(Screen("Viagra", {"nitroglycerin"})));
  EXPECT_FALSE(HoldsOrder(Screen("sertraline", {"tramadol"})));
}

// ---------------------------------------------------------------------------
// Describing drugs by name.

TEST(Describe, BringsTheIngredientAndItsClasses) {
  const ScreenedDrug aspirin = Drug("Aspirin 81 mg EC");
  EXPECT_TRUE(HasAgent(aspirin, "aspirin"));
  EXPECT_TRUE(HasAgent(aspirin, "nsaid"));
  EXPECT_TRUE(HasAgent(aspirin, "antiplatelet"));
  EXPECT_EQ(aspirin.name(), "Aspirin 81 mg EC");
}

TEST(Describe, ResolvesBrandsCombinationsAndSaltForms) {
  const ScreenedDrug bactrim = Drug("BACTRIM DS");
  EXPECT_TRUE(HasAgent(bactrim, "trimethoprim"));
  EXPECT_TRUE(HasAgent(bactrim, "sulfamethoxazole"));
  EXPECT_TRUE(HasAgent(Drug("sulfamethoxazole/trimethoprim 400-80"), "trimethoprim"));
  EXPECT_TRUE(HasAgent(Drug("sertraline hydrochloride 50 mg tablet"), "ssri"));
  EXPECT_TRUE(HasAgent(Drug("sildenafil citrate 100 mg"), "pde5_inhibitor"));
  EXPECT_TRUE(HasAgent(Drug("Nitro-Dur 0.4 mg/hr patch"), "nitrate"));
  EXPECT_TRUE(HasAgent(Drug("isosorbide-mononitrate"), "nitrate"));
  EXPECT_TRUE(HasAgent(Drug("Vytorin 10/40"), "simvastatin"));
}

TEST(Describe, DoesNotMistakeASaltOrAClassWordForADrug) {
  // Losartan potassium is not a potassium supplement; silver nitrate is not an
  // anti-anginal nitrate; "nsaid" in a name is not an NSAID ingredient.
  EXPECT_FALSE(Shipped().Describe("losartan potassium 50 mg").has_value());
  EXPECT_FALSE(Shipped().Describe("silver nitrate applicator").has_value());
  EXPECT_FALSE(Shipped().Describe("nsaid").has_value());
}

TEST(Describe, MatchesWholeWordsOnly) {
  EXPECT_FALSE(Shipped().Describe("ibuprofenx").has_value());
  EXPECT_FALSE(Shipped().Describe("xibuprofen").has_value());
  EXPECT_FALSE(Shipped().Describe("isosorbide").has_value());  // half of a two-word name
  EXPECT_TRUE(Shipped().Describe("(ibuprofen)").has_value());
}

TEST(Describe, RefusesEmptyAndGarbageText) {
  const std::string long_garbage(100000, 'a');
  const std::string many_words = [] {
    std::string s;
    for (int i = 0; i < 5000; ++i) s += "tab ";
    return s;
  }();
  for (std::string_view bad : {std::string_view(""), std::string_view("   "), std::string_view("\xff\xfe\xfd"),
                               std::string_view("'; DROP TABLE drugs;--"), std::string_view("ibu\0profen", 10),
                               std::string_view("<script>alert(1)</script>"), std::string_view(long_garbage),
                               std::string_view(many_words), std::string_view("\xc3\xa9\xc3\xa9")}) {
    EXPECT_FALSE(Shipped().Describe(bad).has_value()) << bad.substr(0, 40);
  }
  // A known name survives surrounding garbage.
  EXPECT_TRUE(Shipped().Describe(many_words + " warfarin").has_value());
}

TEST(FromAgents, ExpandsIngredientsAndSkipsUnknownNames) {
  const std::string_view agents[] = {"Ibuprofen", "", "not-a-drug", "ANTIPLATELET"};
  const ScreenedDrug drug = Shipped().FromAgents("custom", agents);
  EXPECT_TRUE(drug.recognized());
  EXPECT_TRUE(HasAgent(drug, "ibuprofen"));
  EXPECT_TRUE(HasAgent(drug, "nsaid"));
  EXPECT_TRUE(HasAgent(drug, "antiplatelet"));
  EXPECT_EQ(drug.agents().size(), 3u);
}

// ---------------------------------------------------------------------------
// Building a table from an operator's data refuses what would screen wrongly.

struct BadTable {
  std::string_view why;
  std::vector<InteractionRule> rules;
  std::vector<InteractionTable::Ingredient> ingredients;
  std::vector<InteractionTable::Product> products;
  std::string_view field;
};

TEST(InteractionTableBuild, RefusesBrokenDataNamingTheRow) {
  const InteractionRule ok_rule{"alpha", "beta", S::kMajor, "effect", "manage", "source"};
  const std::vector<InteractionTable::Ingredient> ok_ingredients = {{"alpha", "class_one"}, {"beta", ""}};
  const std::string overlong(101, 'a');  // names are limited to 100 characters
  auto rule = [&](auto mutate) {
    InteractionRule r = ok_rule;
    mutate(r);
    return r;
  };
  const std::vector<BadTable> cases = {
      {"unknown agent", {rule([](auto& r) { r.agent_b = "gamma"; })}, ok_ingredients, {}, "interactions[0].agent_b"},
      {"unknown agent a", {rule([](auto& r) { r.agent_a = "delta"; })}, ok_ingredients, {}, "interactions[0].agent_a"},
      {"self pair", {rule([](auto& r) { r.agent_b = "ALPHA"; })}, ok_ingredients, {}, "interactions[0].agent_b"},
      {"reversed duplicate", {ok_rule, rule([](auto& r) { std::swap(r.agent_a, r.agent_b); })}, ok_ingredients, {},
       "interactions[1].agent_b"},
      {"blank citation", {rule([](auto& r) { r.source = "  "; })}, ok_ingredients, {}, "interactions[0].source"},
      {"no effect", {rule([](auto& r) { r.effect = ""; })}, ok_ingredients, {}, "interactions[0].effect"},
      {"no management", {rule([](auto& r) { r.management = "\n"; })}, ok_ingredients, {}, "interactions[0].management"},
      {"bad severity", {rule([](auto& r) { r.severity = static_cast<DdiSeverity>(7); })}, ok_ingredients, {},
       "interactions[0].severity"},
      {"unnamed ingredient", {}, {{"alpha", ""}, {"--", ""}}, {}, "ingredients[1].name"},
      {"duplicate ingredient", {}, {{"alpha", ""}, {"ALPHA", ""}}, {}, "ingredients[1].name"},
      {"class named like an ingredient", {}, {{"alpha", "beta"}, {"beta", ""}}, {}, "ingredients[0].classes"},
      {"empty class in list", {}, {{"alpha", "one,,two"}}, {}, "ingredients[0].classes"},
      {"overlong name", {}, {{overlong, ""}}, {},
       "ingredients[0].name"},
      {"seven-word name", {}, {{"a b c d e f g", ""}}, {}, "ingredients[0].name"},
      {"product of unknown ingredient", {}, ok_ingredients, {{"brandx", "alpha, zeta"}}, "products[0].ingredients"},
      {"product of a class", {}, ok_ingredients, {{"brandx", "class_one"}}, "products[0].ingredients"},
      {"product with no ingredient", {}, ok_ingredients, {{"brandx", ""}}, "products[0].ingredients"},
      {"product named like an ingredient", {}, ok_ingredients, {{"Alpha", "beta"}}, "products[0].name"},
      {"duplicate product", {}, ok_ingredients, {{"brandx", "beta"}, {"BrandX", "alpha"}}, "products[1].name"},
  };
  for (const BadTable& c : cases) {
    auto table = InteractionTable::Build(c.rules, c.ingredients, c.products);
    ASSERT_FALSE(table.ok()) << c.why;
    EXPECT_EQ(table.error().code, "invalid_request") << c.why;
    EXPECT_EQ(table.error().field, c.field) << c.why;
  }
  EXPECT_TRUE(InteractionTable::Build(std::span(&ok_rule, 1), ok_ingredients, {}).ok());
}

TEST(InteractionTableBuild, AcceptsAnEmptyTable) {
  auto table = InteractionTable::Build({}, {}, {});
  ASSERT_TRUE(table.ok());
  EXPECT_FALSE(table->Describe("warfarin").has_value());
}

TEST(DdiSeverity, ParsesTheApiSpellingOnly) {
  for (DdiSeverity s : {S::kMajor, S::kModerate, S::kMinor}) EXPECT_EQ(ParseDdiSeverity(ToString(s)), s);
  EXPECT_EQ(ToString(S::kModerate), "moderate");
  for (std::string_view bad : {"", "Major", "severe", "major "}) EXPECT_FALSE(ParseDdiSeverity(bad)) << bad;
}

// ---------------------------------------------------------------------------
// Overrides (PRODUCT.md §1: DDI overrides are a pharmacist's clinical action).

constexpr std::string_view kGoodReason = "Prescriber confirmed; INR monitored weekly.";

TEST(ValidateInteractionOverride, OnlyAPharmacistMayOverride) {
  const Status s = ValidateInteractionOverride(kGoodReason, /*is_pharmacist=*/false);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "forbidden");
  // Checked before the reason, so a non-pharmacist learns nothing more.
  EXPECT_EQ(ValidateInteractionOverride("", false).error().code, "forbidden");
  EXPECT_TRUE(ValidateInteractionOverride(kGoodReason, true).ok());
}

TEST(ValidateInteractionOverride, NeedsAReasonOfAtLeastTwentyCharacters) {
  const std::string nineteen(19, 'x');
  const std::string twenty(20, 'x');
  for (const std::string& bad : {std::string(""), std::string("ok"), nineteen, "   " + nineteen + " \n\t",
                                 std::string(40, ' ')}) {
    const Status s = ValidateInteractionOverride(bad, true);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().code, "invalid_request");
    EXPECT_EQ(s.error().field, "reason");
  }
  EXPECT_TRUE(ValidateInteractionOverride(twenty, true).ok());
  EXPECT_TRUE(ValidateInteractionOverride("  " + twenty + "\n", true).ok());
}

TEST(ValidateInteractionOverride, CountsCharactersNotBytes) {
  std::string nineteen_e, twenty_e;  // "é" is 2 bytes: 19 of them are 38 bytes but 19 characters
  for (int i = 0; i < 19; ++i) nineteen_e += "\xc3\xa9";
  twenty_e = nineteen_e + "\xc3\xa9";
  EXPECT_FALSE(ValidateInteractionOverride(nineteen_e, true).ok());
  EXPECT_TRUE(ValidateInteractionOverride(twenty_e, true).ok());
}

TEST(ValidateInteractionOverride, RefusesControlCharactersAndBrokenUtf8) {
  const std::string base = "Prescriber confirmed the plan";
  for (const std::string& bad : {base + '\x01', base + std::string("\0", 1) + "x", base + "\x7f", base + "\xc2\x85",
                                 base + "\xff", base + "\xc3", base + "\xc0\xaf", base + "\xed\xa0\x80",
                                 base + "\xf4\x90\x80\x80", base + "\xe0\x80\xaf"}) {
    const Status s = ValidateInteractionOverride(bad, true);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().field, "reason");
  }
  EXPECT_TRUE(ValidateInteractionOverride(base + "\nand\tINR follow-up \xe2\x9c\x93 \xf0\x9f\x91\x8d", true).ok());
}

TEST(ValidateInteractionOverride, FollowsTheConfiguredBounds) {
  const InteractionOverridePolicy policy{.min_reason_chars = 5, .max_reason_chars = 10};
  EXPECT_FALSE(ValidateInteractionOverride("abcd", true, policy).ok());
  EXPECT_TRUE(ValidateInteractionOverride("abcde", true, policy).ok());
  EXPECT_TRUE(ValidateInteractionOverride("abcdefghij", true, policy).ok());
  EXPECT_FALSE(ValidateInteractionOverride("abcdefghijk", true, policy).ok());
  EXPECT_FALSE(ValidateInteractionOverride(std::string(2001, 'x'), true).ok());  // default maximum 2000
  EXPECT_TRUE(ValidateInteractionOverride(std::string(2000, 'x'), true).ok());
}

}  // namespace
}  // namespace rxdesk
