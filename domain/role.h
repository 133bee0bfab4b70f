// The people who use rxdesk (PRODUCT.md §1) and what sets them apart.
#pragma once

#include <optional>
#include <string_view>

namespace rxdesk {

enum class Role { kMember, kAgent, kPharmacist, kSupervisor, kPrivacyOfficer, kAdmin };

// "member", "agent", "pharmacist", "supervisor", "privacy_officer", "admin"; nullopt otherwise.
std::optional<Role> ParseRole(std::string_view text);
std::string_view ToString(Role role);

// Workforce roles must use two factors (PRODUCT.md §10); members may opt in.
constexpr bool IsWorkforce(Role r) { return r != Role::kMember; }

// Roles that serve members and may see their PHI in a contact: agent and up
// (pharmacist, supervisor). Admins and privacy officers do not by default.
constexpr bool ServesMembers(Role r) {
  return r == Role::kAgent || r == Role::kPharmacist || r == Role::kSupervisor;
}

}  // namespace rxdesk
