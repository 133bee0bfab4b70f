#include "domain/role.h"

#include <array>
#include <utility>

namespace rxdesk {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 6> kRoles{{
    {Role::kMember, "member"},
    {Role::kAgent, "agent"},
    {Role::kPharmacist, "pharmacist"},
    {Role::kSupervisor, "supervisor"},
    {Role::kPrivacyOfficer, "privacy_officer"},
    {Role::kAdmin, "admin"},
}};

}  // namespace

std::optional<Role> ParseRole(std::string_view text) {
  for (const auto& [role, name] : kRoles) {
    if (name == text) return role;
  }
  return std::nullopt;
}

std::string_view ToString(Role role) {
  for (const auto& [r, name] : kRoles) {
    if (r == role) return name;
  }
  return "member";
}

}  // namespace rxdesk
