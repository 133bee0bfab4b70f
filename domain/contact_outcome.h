// How a contact ended (PRODUCT.md section 8): its disposition, the issue it was
// about, and first-contact resolution (FCR): a resolved contact counts as
// resolved at first contact unless the same member comes back on the same issue
// within 7 days (config).
//
//   RXD_ASSIGN_OR_RETURN(Disposition d, ParseDisposition(text, "disposition"));
//   RXD_ASSIGN_OR_RETURN(Issue issue, ParseIssue(text, "issue"));
//   if (IsRepeatContact(earlier.closed_at, later.opened_at, FcrPolicy{})) MarkNotFirstContactResolved(earlier);
#pragma once

#include <chrono>
#include <string_view>

#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

enum class Disposition { kResolved, kUnresolved, kEscalated, kTransferred, kNoAction };
enum class Issue { kRefill, kTransfer, kBilling, kShipping, kClinical, kComplaint, kOther };

// "resolved", "unresolved", "escalated", "transferred", "no_action".
std::string_view ToString(Disposition disposition);
// "refill", "transfer", "billing", "shipping", "clinical", "complaint", "other".
std::string_view ToString(Issue issue);
// Refusal: invalid_request naming `field` for any other text.
Result<Disposition> ParseDisposition(std::string_view text, std::string_view field = "disposition");
Result<Issue> ParseIssue(std::string_view text, std::string_view field = "issue");

// Only "resolved" counts towards FCR's denominator.
constexpr bool IsResolved(Disposition d) { return d == Disposition::kResolved; }

struct FcrPolicy {
  // (config) A repeat contact on the same issue within this time after a
  // resolved one means the first did not resolve it (PRODUCT.md section 9: 7 days).
  std::chrono::seconds repeat_window = std::chrono::days{7};
};

// True when a contact opened at `later_opened_at` repeats one resolved (closed)
// at `earlier_closed_at`: it came before the window ended. The window is
// half-open: at exactly 7 days the first contact has stood for 7 days and keeps
// its FCR. A contact opened before the earlier one closed repeats it too.
constexpr bool IsRepeatContact(Instant earlier_closed_at, Instant later_opened_at, const FcrPolicy& policy) {
  return later_opened_at < earlier_closed_at + policy.repeat_window;
}

}  // namespace rxdesk
