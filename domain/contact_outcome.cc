#include "domain/contact_outcome.h"

#include <array>
#include <string>

namespace rxdesk {
namespace {

constexpr std::array<std::string_view, 5> kDispositions = {"resolved", "unresolved", "escalated", "transferred",
                                                           "no_action"};
constexpr std::array<std::string_view, 7> kIssues = {"refill",   "transfer",  "billing", "shipping",
                                                     "clinical", "complaint", "other"};

}  // namespace

std::string_view ToString(Disposition disposition) { return kDispositions[static_cast<std::size_t>(disposition)]; }

std::string_view ToString(Issue issue) { return kIssues[static_cast<std::size_t>(issue)]; }

Result<Disposition> ParseDisposition(std::string_view text, std::string_view field) {
  for (std::size_t i = 0; i < kDispositions.size(); ++i) {
    if (kDispositions[i] == text) return static_cast<Disposition>(i);
  }
  return InvalidField(std::string(field), "must be resolved, unresolved, escalated, transferred or no_action");
}

Result<Issue> ParseIssue(std::string_view text, std::string_view field) {
  for (std::size_t i = 0; i < kIssues.size(); ++i) {
    if (kIssues[i] == text) return static_cast<Issue>(i);
  }
  return InvalidField(std::string(field), "must be refill, transfer, billing, shipping, clinical, complaint or other");
}

}  // namespace rxdesk
