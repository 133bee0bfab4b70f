// Drug–drug interaction (DDI) screening (PRODUCT.md §6): every new fill is
// screened against the member's active medications with an interaction table;
// a major interaction holds the order until a pharmacist overrides it with a
// documented reason, or cancels it.
//
//   InteractionTable table = BuildShippedInteractionTable();      // once, at startup
//   std::optional<ScreenedDrug> fill = table.Describe("Advil 200 mg tablet");
//   std::vector<ScreenedDrug> active = ...;                        // Describe() each active med once
//   if (!fill) { /* unknown drug: route to a pharmacist, never treat as interaction-free */ }
//   std::vector<InteractionFinding> findings = ScreenInteractions(*fill, active, table);
//   if (HoldsOrder(findings)) { /* order waits for a pharmacist */ }
//   RXD_TRY(ValidateInteractionOverride(reason, role == Role::kPharmacist));
//
// The table pairs two *agents*: an ingredient ("warfarin") or a class ("nsaid").
// A drug is screened as the set of its ingredients plus their classes, so a
// class row ("warfarin" + "nsaid") catches every NSAID in the catalog. Agent
// names are interned to small integers when the table is built, so screening
// compares integers only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace rxdesk {

// Ordered most severe first, so sorting by value puts majors at the top.
enum class DdiSeverity : std::uint8_t { kMajor, kModerate, kMinor };

// "major", "moderate", "minor" (the API's spelling); nullopt for anything else.
std::optional<DdiSeverity> ParseDdiSeverity(std::string_view text);
std::string_view ToString(DdiSeverity severity);

// One row of an interaction table. Symmetric: (a, b) is the same row as (b, a).
struct InteractionRule {
  std::string_view agent_a;     // ingredient or class, e.g. "warfarin"
  std::string_view agent_b;     // e.g. "nsaid"
  DdiSeverity severity = DdiSeverity::kMajor;
  std::string_view effect;      // clinical effect, for the pharmacist only (never shown to a member)
  std::string_view management;  // what the pharmacist should consider
  std::string_view source;      // citation: label section or reference
};

// Named apart from the contact center's AgentId (domain/acd.h) so both headers can be included together.
using DdiAgentId = std::uint32_t;

class InteractionTable;
struct InteractionFinding;

// A drug resolved against one InteractionTable: its ingredients and classes as
// interned ids. Build one per drug with InteractionTable::Describe/FromAgents and
// reuse it; screening never resolves names.
class ScreenedDrug {
 public:
  std::string_view name() const { return name_; }
  std::span<const DdiAgentId> agents() const { return agents_; }  // sorted, unique
  // False when nothing in the name or agent list is known to the table: such a
  // drug cannot be screened and must not be treated as interaction-free.
  bool recognized() const { return !agents_.empty(); }

 private:
  friend class InteractionTable;
  friend std::vector<InteractionFinding> ScreenInteractions(const ScreenedDrug&, std::span<const ScreenedDrug>,
                                                            const InteractionTable&);
  std::string name_;
  std::vector<DdiAgentId> agents_;
  const void* table_ = nullptr;  // the table that interned agents_
};

// An interaction table with its drug catalog, indexed for screening. Immutable
// once built, so one instance may be shared by all threads. Move-only.
class InteractionTable {
 public:
  // Catalog row: an ingredient and its comma-separated classes, e.g.
  // {"aspirin", "nsaid, antiplatelet"}. An ingredient may have no class.
  struct Ingredient {
    std::string_view name;
    std::string_view classes;
  };
  // Catalog row: a product (brand) name and its comma-separated ingredients,
  // e.g. {"bactrim", "sulfamethoxazole, trimethoprim"}.
  struct Product {
    std::string_view name;
    std::string_view ingredients;
  };

  // Builds and indexes a table, copying every string. Names match
  // case-insensitively with punctuation treated as spaces. Refusal:
  // invalid_request naming the row (e.g. "interactions[3].agent_b") for an
  // unknown agent, a duplicate or self pair, an empty text, or a catalog conflict.
  static Result<InteractionTable> Build(std::span<const InteractionRule> rules,
                                        std::span<const Ingredient> ingredients,
                                        std::span<const Product> products);

  InteractionTable(InteractionTable&&) noexcept;
  InteractionTable& operator=(InteractionTable&&) noexcept;
  ~InteractionTable();

  // Resolves a drug name as written on a prescription ("Advil 200 mg tablet",
  // "sulfamethoxazole-trimethoprim DS"): every ingredient or product name found
  // in it, as whole words, contributes its ingredients and their classes. Class
  // names inside a drug name do not count ("silver nitrate" is not a nitrate drug).
  // Returns nullopt when no catalog name is found (unknown or garbage text).
  std::optional<ScreenedDrug> Describe(std::string_view drug_name) const;

  // Resolves a drug from an explicit list of ingredient, product or class names
  // (e.g. from a licensed drug file). Ingredients bring their classes; unknown
  // names are skipped. Check recognized() on the result.
  ScreenedDrug FromAgents(std::string_view drug_name, std::span<const std::string_view> agents) const;

  std::span<const InteractionRule> rules() const;
  std::size_t agent_count() const;
  std::string_view AgentName(DdiAgentId id) const;  // requires id < agent_count()

 private:
  struct Impl;
  explicit InteractionTable(std::unique_ptr<const Impl> impl);
  friend std::vector<InteractionFinding> ScreenInteractions(const ScreenedDrug&, std::span<const ScreenedDrug>,
                                                            const InteractionTable&);
  std::unique_ptr<const Impl> impl_;
};

// One interaction between the new drug and one active medication.
struct InteractionFinding {
  DdiSeverity severity = DdiSeverity::kMajor;
  std::size_t active_index = 0;          // index into the active medications given
  std::string_view new_agent;            // the new drug's matching agent, e.g. "ibuprofen" or "nsaid"
  std::string_view active_agent;         // the active medication's matching agent
  const InteractionRule* rule = nullptr; // the table's row (effect, management, source); lives with the table
};

// Screens `new_drug` against `active` (both described by `table`). Returns
// findings sorted major first (then by active index, then table order), one per
// rule and active medication; active entries with the same ingredients (two
// strengths of warfarin) count as one. Matching is symmetric. Empty when no
// row applies. Requires every drug to come from this same table.
std::vector<InteractionFinding> ScreenInteractions(const ScreenedDrug& new_drug, std::span<const ScreenedDrug> active,
                                                   const InteractionTable& table);

// True when any finding is major: the order is held until a pharmacist overrides
// with a documented reason or cancels (PRODUCT.md §6).
bool HoldsOrder(std::span<const InteractionFinding> findings);

// Rules for a pharmacist's override of a major interaction. PRODUCT.md §6 asks for
// "a documented reason" without a length; these bounds are rxdesk's choice.
struct InteractionOverridePolicy {
  std::size_t min_reason_chars = 20;    // long enough that "ok" or "override" alone is refused
  std::size_t max_reason_chars = 2000;  // a note, not a document
};

// Checks who overrides and why: only a pharmacist may override (PRODUCT.md §1),
// and the reason must be valid UTF-8 without control characters (newline and tab
// allowed) and, once trimmed, min–max characters (code points) long.
// Refusal: forbidden (not a pharmacist; checked first), or invalid_request on "reason".
Status ValidateInteractionOverride(std::string_view reason, bool is_pharmacist,
                                   const InteractionOverridePolicy& policy = {});

}  // namespace rxdesk
