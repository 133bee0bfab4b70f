#include "domain/ddi.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <deque>
#include <functional>
#include <set>
#include <unordered_map>
#include <utility>

namespace rxdesk {
namespace {

// Bounds on catalog names: they keep Describe's phrase buffer on the stack.
constexpr std::size_t kMaxNameChars = 100;
constexpr std::size_t kMaxNameWords = 6;

constexpr std::array<std::pair<DdiSeverity, std::string_view>, 3> kSeverityNames{{
    {DdiSeverity::kMajor, "major"},
    {DdiSeverity::kModerate, "moderate"},
    {DdiSeverity::kMinor, "minor"},
}};

constexpr bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
constexpr char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Calls f(word) for each run of [A-Za-z0-9_] in text; everything else separates.
template <typename F>
void ForEachWord(std::string_view text, F&& f) {
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordChar(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && IsWordChar(text[i])) ++i;
    if (i > start) f(text.substr(start, i - start));
  }
}

// The canonical form of a name: its words, lower-cased, joined by single spaces.
// "Isosorbide-Mononitrate" -> "isosorbide mononitrate", "PDE5_Inhibitor" -> "pde5_inhibitor".
std::string Normalize(std::string_view text) {
  std::string out;
  ForEachWord(text, [&](std::string_view word) {
    if (!out.empty()) out.push_back(' ');
    for (char c : word) out.push_back(Lower(c));
  });
  return out;
}

std::size_t WordCount(std::string_view normalized) {
  return normalized.empty() ? 0 : 1 + static_cast<std::size_t>(std::count(normalized.begin(), normalized.end(), ' '));
}

// Splits "a, b ,c" into normalized items; an empty item yields an empty string.
std::vector<std::string> SplitList(std::string_view list) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = list.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? list.size() : comma;
    items.push_back(Normalize(list.substr(start, end - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return items;
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

std::string Indexed(std::string_view list, std::size_t i, std::string_view member) {
  return std::string(list) + "[" + std::to_string(i) + "]." + std::string(member);
}

struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename T>
using NameMap = std::unordered_map<std::string, T, TransparentHash, std::equal_to<>>;

void SortUnique(std::vector<DdiAgentId>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

}  // namespace

struct InteractionTable::Impl {
  struct Partner {
    DdiAgentId other;
    std::uint32_t rule;
  };

  std::deque<std::string> text;               // owns every string the views below point into
  std::vector<InteractionRule> rules;         // agent names canonical, texts copied
  std::vector<std::string_view> agent_names;  // by DdiAgentId
  std::vector<bool> is_class;                 // by DdiAgentId
  NameMap<DdiAgentId> agent_ids;                 // canonical ingredient or class name -> id
  NameMap<std::vector<DdiAgentId>> terms;        // ingredient or product name -> agents it brings
  std::size_t max_term_words = 0;
  std::size_t max_term_chars = 0;
  std::vector<std::uint32_t> partner_begin;   // CSR index: partners of agent a are [begin[a], begin[a+1])
  std::vector<Partner> partners;              // sorted by `other` within each agent

  std::string_view Keep(std::string s) { return text.emplace_back(std::move(s)); }

  std::span<const Partner> PartnersOf(DdiAgentId a) const {
    if (a + 1 >= partner_begin.size()) return {};
    return std::span<const Partner>(partners).subspan(partner_begin[a], partner_begin[a + 1] - partner_begin[a]);
  }

  DdiAgentId Intern(const std::string& name, bool as_class) {
    const DdiAgentId id = static_cast<DdiAgentId>(agent_names.size());
    agent_ids.emplace(name, id);
    agent_names.push_back(Keep(name));
    is_class.push_back(as_class);
    return id;
  }
};

std::optional<DdiSeverity> ParseDdiSeverity(std::string_view text) {
  for (const auto& [severity, name] : kSeverityNames) {
    if (name == text) return severity;
  }
  return std::nullopt;
}

std::string_view ToString(DdiSeverity severity) {
  for (const auto& [s, name] : kSeverityNames) {
    if (s == severity) return name;
  }
  return "major";
}

InteractionTable::InteractionTable(std::unique_ptr<const Impl> impl) : impl_(std::move(impl)) {}
InteractionTable::InteractionTable(InteractionTable&&) noexcept = default;
InteractionTable& InteractionTable::operator=(InteractionTable&&) noexcept = default;
InteractionTable::~InteractionTable() = default;

std::span<const InteractionRule> InteractionTable::rules() const { return impl_->rules; }
std::size_t InteractionTable::agent_count() const { return impl_->agent_names.size(); }
std::string_view InteractionTable::AgentName(DdiAgentId id) const { return impl_->agent_names[id]; }

Result<InteractionTable> InteractionTable::Build(std::span<const InteractionRule> rules,
                                                 std::span<const Ingredient> ingredients,
                                                 std::span<const Product> products) {
  auto impl = std::make_unique<Impl>();
  auto name_ok = [](const std::string& n) { return !n.empty() && n.size() <= kMaxNameChars && WordCount(n) <= kMaxNameWords; };

  // Ingredients first, so a class can be checked against every ingredient name.
  for (std::size_t i = 0; i < ingredients.size(); ++i) {
    const std::string name = Normalize(ingredients[i].name);
    if (!name_ok(name)) return InvalidField(Indexed("ingredients", i, "name"), "an ingredient needs a name of 1-100 characters");
    if (impl->agent_ids.contains(name)) return InvalidField(Indexed("ingredients", i, "name"), "duplicate ingredient");
    impl->Intern(name, /*as_class=*/false);
  }
  std::vector<std::vector<DdiAgentId>> brings(ingredients.size());  // ingredient -> itself and its classes
  for (std::size_t i = 0; i < ingredients.size(); ++i) {
    brings[i].push_back(static_cast<DdiAgentId>(i));
    if (IsBlank(ingredients[i].classes)) continue;
    for (const std::string& cls : SplitList(ingredients[i].classes)) {
      if (!name_ok(cls)) return InvalidField(Indexed("ingredients", i, "classes"), "empty or overlong class name");
      auto it = impl->agent_ids.find(cls);
      DdiAgentId id = 0;
      if (it == impl->agent_ids.end()) {
        id = impl->Intern(cls, /*as_class=*/true);
      } else if (!impl->is_class[it->second]) {
        return InvalidField(Indexed("ingredients", i, "classes"), "a class may not share an ingredient's name");
      } else {
        id = it->second;
      }
      brings[i].push_back(id);
    }
    SortUnique(brings[i]);
  }

  for (std::size_t i = 0; i < ingredients.size(); ++i) {
    impl->terms.emplace(std::string(impl->agent_names[i]), brings[i]);
  }
  for (std::size_t i = 0; i < products.size(); ++i) {
    const std::string name = Normalize(products[i].name);
    if (!name_ok(name)) return InvalidField(Indexed("products", i, "name"), "a product needs a name of 1-100 characters");
    if (impl->terms.contains(name) || impl->agent_ids.contains(name)) {
      return InvalidField(Indexed("products", i, "name"), "product name already names a product, ingredient or class");
    }
    std::vector<DdiAgentId> agents;
    for (const std::string& ingredient : SplitList(products[i].ingredients)) {
      auto it = impl->agent_ids.find(ingredient);
      if (it == impl->agent_ids.end() || impl->is_class[it->second]) {
        return InvalidField(Indexed("products", i, "ingredients"), "unknown ingredient");
      }
      agents.insert(agents.end(), brings[it->second].begin(), brings[it->second].end());
    }
    SortUnique(agents);
    impl->terms.emplace(name, std::move(agents));
  }
  for (const auto& [term, agents] : impl->terms) {
    impl->max_term_chars = std::max(impl->max_term_chars, term.size());
    impl->max_term_words = std::max(impl->max_term_words, WordCount(term));
  }

  std::set<std::pair<DdiAgentId, DdiAgentId>> pairs;
  std::vector<std::pair<DdiAgentId, DdiAgentId>> rule_agents;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const InteractionRule& row = rules[i];
    auto a = impl->agent_ids.find(Normalize(row.agent_a));
    if (a == impl->agent_ids.end()) return InvalidField(Indexed("interactions", i, "agent_a"), "not an ingredient or class of the catalog");
    auto b = impl->agent_ids.find(Normalize(row.agent_b));
    if (b == impl->agent_ids.end()) return InvalidField(Indexed("interactions", i, "agent_b"), "not an ingredient or class of the catalog");
    if (a->second == b->second) return InvalidField(Indexed("interactions", i, "agent_b"), "an agent does not interact with itself");
    if (static_cast<unsigned>(row.severity) > static_cast<unsigned>(DdiSeverity::kMinor)) {
      return InvalidField(Indexed("interactions", i, "severity"), "unknown severity");
    }
    if (IsBlank(row.effect)) return InvalidField(Indexed("interactions", i, "effect"), "required");
    if (IsBlank(row.management)) return InvalidField(Indexed("interactions", i, "management"), "required");
    if (IsBlank(row.source)) return InvalidField(Indexed("interactions", i, "source"), "a citation is required");
    const auto key = std::minmax(a->second, b->second);
    if (!pairs.insert(key).second) return InvalidField(Indexed("interactions", i, "agent_b"), "duplicate pair");
    rule_agents.emplace_back(a->second, b->second);
    impl->rules.push_back(InteractionRule{impl->agent_names[a->second], impl->agent_names[b->second], row.severity,
                                          impl->Keep(std::string(row.effect)), impl->Keep(std::string(row.management)),
                                          impl->Keep(std::string(row.source))});
  }

  // Adjacency in CSR form: each rule is listed under both agents, which is what
  // makes screening symmetric.
  const std::size_t n = impl->agent_names.size();
  impl->partner_begin.assign(n + 1, 0);
  for (const auto& [a, b] : rule_agents) {
    ++impl->partner_begin[a + 1];
    ++impl->partner_begin[b + 1];
  }
  for (std::size_t i = 0; i < n; ++i) impl->partner_begin[i + 1] += impl->partner_begin[i];
  impl->partners.resize(impl->partner_begin[n]);
  std::vector<std::uint32_t> next(impl->partner_begin.begin(), impl->partner_begin.end() - 1);
  for (std::uint32_t r = 0; r < rule_agents.size(); ++r) {
    const auto [a, b] = rule_agents[r];
    impl->partners[next[a]++] = Impl::Partner{b, r};
    impl->partners[next[b]++] = Impl::Partner{a, r};
  }
  for (std::size_t a = 0; a < n; ++a) {
    std::sort(impl->partners.begin() + impl->partner_begin[a], impl->partners.begin() + impl->partner_begin[a + 1],
              [](const Impl::Partner& x, const Impl::Partner& y) { return x.other < y.other; });
  }
  return InteractionTable(std::move(impl));
}

std::optional<ScreenedDrug> InteractionTable::Describe(std::string_view drug_name) const {
  const Impl& t = *impl_;
  ScreenedDrug drug;
  // The last few words seen, so that every phrase of up to max_term_words words
  // ending at the current word can be looked up without building a word list.
  std::array<std::string_view, kMaxNameWords> recent{};
  std::size_t seen = 0;
  std::array<char, kMaxNameChars> phrase{};
  ForEachWord(drug_name, [&](std::string_view word) {
    recent[seen % kMaxNameWords] = word;
    ++seen;
    const std::size_t longest = std::min(seen, t.max_term_words);
    for (std::size_t len = 1; len <= longest; ++len) {
      std::size_t chars = len - 1;
      for (std::size_t k = 0; k < len; ++k) chars += recent[(seen - len + k) % kMaxNameWords].size();
      if (chars > t.max_term_chars) break;  // longer phrases only grow
      std::size_t at = 0;
      for (std::size_t k = 0; k < len; ++k) {
        if (k > 0) phrase[at++] = ' ';
        for (char c : recent[(seen - len + k) % kMaxNameWords]) phrase[at++] = Lower(c);
      }
      auto it = t.terms.find(std::string_view(phrase.data(), at));
      if (it != t.terms.end()) drug.agents_.insert(drug.agents_.end(), it->second.begin(), it->second.end());
    }
  });
  if (drug.agents_.empty()) return std::nullopt;
  SortUnique(drug.agents_);
  drug.name_ = std::string(drug_name);
  drug.table_ = impl_.get();
  return drug;
}

ScreenedDrug InteractionTable::FromAgents(std::string_view drug_name, std::span<const std::string_view> agents) const {
  const Impl& t = *impl_;
  ScreenedDrug drug;
  drug.name_ = std::string(drug_name);
  drug.table_ = impl_.get();
  for (std::string_view agent : agents) {
    const std::string key = Normalize(agent);
    if (auto term = t.terms.find(key); term != t.terms.end()) {
      drug.agents_.insert(drug.agents_.end(), term->second.begin(), term->second.end());
    } else if (auto id = t.agent_ids.find(key); id != t.agent_ids.end()) {
      drug.agents_.push_back(id->second);  // a class given directly
    }
  }
  SortUnique(drug.agents_);
  return drug;
}

std::vector<InteractionFinding> ScreenInteractions(const ScreenedDrug& new_drug, std::span<const ScreenedDrug> active,
                                                   const InteractionTable& table) {
  const InteractionTable::Impl& t = *table.impl_;
  assert(new_drug.table_ == &t && "drug described by another table");
  std::vector<InteractionFinding> findings;
  for (std::size_t i = 0; i < active.size(); ++i) {
    const ScreenedDrug& med = active[i];
    assert(med.table_ == &t && "drug described by another table");
    for (const DdiAgentId a : new_drug.agents_) {
      const auto partners = t.PartnersOf(a);
      if (partners.empty()) continue;
      for (const DdiAgentId b : med.agents_) {
        const auto it = std::lower_bound(partners.begin(), partners.end(), b,
                                         [](const InteractionTable::Impl::Partner& p, DdiAgentId id) { return p.other < id; });
        if (it == partners.end() || it->other != b) continue;
        const InteractionRule* rule = &t.rules[it->rule];
        // Once per rule and medication: a drug holding both agents of a row would
        // match it twice, and two strengths of one drug are one medication.
        const bool seen = std::any_of(findings.begin(), findings.end(), [&](const InteractionFinding& f) {
          return f.rule == rule && (f.active_index == i || active[f.active_index].agents_ == med.agents_);
        });
        if (seen) continue;
        if (findings.empty()) findings.reserve(8);  // one allocation for a typical screen; none when clean
        findings.push_back(InteractionFinding{rule->severity, i, t.agent_names[a], t.agent_names[b], rule});
      }
    }
  }
  std::sort(findings.begin(), findings.end(), [](const InteractionFinding& x, const InteractionFinding& y) {
    if (x.severity != y.severity) return x.severity < y.severity;
    if (x.active_index != y.active_index) return x.active_index < y.active_index;
    return x.rule < y.rule;  // same array: table order
  });
  return findings;
}

bool HoldsOrder(std::span<const InteractionFinding> findings) {
  return std::any_of(findings.begin(), findings.end(),
                     [](const InteractionFinding& f) { return f.severity == DdiSeverity::kMajor; });
}

namespace {

// Counts the code points of UTF-8 text; nullopt for invalid UTF-8 (overlong,
// surrogates, beyond U+10FFFF) or a control character other than tab/CR/LF.
std::optional<std::size_t> CountPrintableCodePoints(std::string_view text) {
  std::size_t count = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return std::nullopt;
      ++i;
      ++count;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // beyond U+10FFFF
    } else {
      return std::nullopt;
    }
    if (i + len > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if (cc < (k == 1 ? lo : 0x80) || cc > (k == 1 ? hi : 0xBF)) return std::nullopt;
    }
    if (c == 0xC2 && static_cast<unsigned char>(text[i + 1]) <= 0x9F) return std::nullopt;  // C1 controls
    i += len;
    ++count;
  }
  return count;
}

std::string_view TrimWhitespace(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Status ValidateInteractionOverride(std::string_view reason, bool is_pharmacist, const InteractionOverridePolicy& policy) {
  if (!is_pharmacist) return MakeError("forbidden", "only a pharmacist may override a major interaction");
  const std::optional<std::size_t> chars = CountPrintableCodePoints(TrimWhitespace(reason));
  if (!chars) return InvalidField("reason", "the reason must be plain text");
  if (*chars < policy.min_reason_chars) {
    return InvalidField("reason", "document the reason in at least " + std::to_string(policy.min_reason_chars) + " characters");
  }
  if (*chars > policy.max_reason_chars) {
    return InvalidField("reason", "the reason may have at most " + std::to_string(policy.max_reason_chars) + " characters");
  }
  return OkStatus();
}

}  // namespace rxdesk
