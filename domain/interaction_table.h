// The interaction table and drug catalog rxdesk ships (PRODUCT.md §6: "a shipped
// interaction table"). A starter set of well-documented interactions, each row
// citing the FDA label section (or reference) it rests on; an operator with a
// licensed compendium builds an InteractionTable from that instead.
//
//   InteractionTable table = BuildShippedInteractionTable();   // once, at startup
//   auto drug = table.Describe("Zocor 40 mg");                  // simvastatin + statin
//
// Severity tiers are rxdesk's, assigned from the label text:
//   major    — contraindicated, or the label warns of serious harm (bleeding,
//              rhabdomyolysis, serotonin syndrome, marrow suppression);
//   moderate — the label asks for monitoring, a dose limit or dose separation;
//   minor    — a documented effect with no labeled action.
// Compendia may grade some rows differently; the pharmacist reviews every finding.
#pragma once

#include <span>

#include "domain/ddi.h"

namespace rxdesk {

// The shipped rows, catalog ingredients (with classes) and brand names. Static data.
std::span<const InteractionRule> ShippedInteractionRules();
std::span<const InteractionTable::Ingredient> ShippedIngredients();
std::span<const InteractionTable::Product> ShippedProducts();

// Builds the table from the shipped data. The data is validated by the tests, so
// this cannot fail at run time.
InteractionTable BuildShippedInteractionTable();

}  // namespace rxdesk
