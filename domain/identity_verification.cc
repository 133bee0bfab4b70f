#include "domain/identity_verification.h"

#include <cctype>

namespace rxdesk {
namespace {

// Lower-cased ASCII letters and digits with single spaces between words; other
// bytes (UTF-8 letters) are kept as they are so that "José" only matches "José"/"JOSé".
std::string NormalizeName(std::string_view s) {
  std::string out;
  bool space = false;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

// Street line compared on its letters and digits only: "12 Elm St." == "12 elm st".
std::string NormalizeStreet(std::string_view s) {
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

std::string_view Zip5(std::string_view zip) { return zip.substr(0, 5); }

char Initial(std::string_view name) {
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalpha(c)) return static_cast<char>(std::toupper(c));
  }
  return '?';
}

}  // namespace

std::string_view ToString(IdentityFact fact) {
  switch (fact) {
    case IdentityFact::kAddress:
      return "address";
    case IdentityFact::kRxNumber:
      return "rx_number";
    case IdentityFact::kMemberNumber:
      return "member_number";
  }
  return "address";
}

Result<IdentityFact> ClaimedFact(const IdentityClaim& claim) {
  const int offered = (claim.address ? 1 : 0) + (claim.rx_number.empty() ? 0 : 1) + (claim.member_number.empty() ? 0 : 1);
  if (offered != 1) {
    return InvalidField(offered == 0 ? "address" : "",
                        "give exactly one of address, rx_number or member_number besides name and date of birth");
  }
  if (claim.address) return IdentityFact::kAddress;
  if (!claim.rx_number.empty()) return IdentityFact::kRxNumber;
  return IdentityFact::kMemberNumber;
}

bool MatchesIdentity(const IdentityClaim& claim, const IdentityOnFile& on_file) {
  const Result<IdentityFact> fact = ClaimedFact(claim);
  if (!fact.ok()) return false;
  if (NormalizeName(claim.first_name) != NormalizeName(on_file.first_name)) return false;
  if (NormalizeName(claim.last_name) != NormalizeName(on_file.last_name)) return false;
  if (claim.date_of_birth != on_file.date_of_birth) return false;
  switch (*fact) {
    case IdentityFact::kAddress:
      return NormalizeStreet(claim.address->line1) == NormalizeStreet(on_file.address.line1) &&
             !NormalizeStreet(on_file.address.line1).empty() &&
             Zip5(claim.address->zip) == Zip5(on_file.address.zip);
    case IdentityFact::kRxNumber:
      return on_file.owns_claimed_rx;
    case IdentityFact::kMemberNumber:
      return !on_file.member_number.empty() && claim.member_number == on_file.member_number;
  }
  return false;
}

std::string_view ToString(VerificationStatus status) {
  switch (status) {
    case VerificationStatus::kUnverified:
      return "unverified";
    case VerificationStatus::kVerified:
      return "verified";
    case VerificationStatus::kLocked:
      return "locked";
  }
  return "unverified";
}

std::optional<VerificationStatus> ParseVerificationStatus(std::string_view text) {
  for (VerificationStatus s : {VerificationStatus::kUnverified, VerificationStatus::kVerified, VerificationStatus::kLocked}) {
    if (ToString(s) == text) return s;
  }
  return std::nullopt;
}

VerificationState AfterAttempt(VerificationState state, bool matched, const VerificationPolicy& policy) {
  if (state.status != VerificationStatus::kUnverified) return state;
  if (matched) {
    state.status = VerificationStatus::kVerified;
    return state;
  }
  ++state.failed_attempts;
  if (state.failed_attempts >= policy.max_attempts) state.status = VerificationStatus::kLocked;
  return state;
}

int AttemptsLeft(const VerificationState& state, const VerificationPolicy& policy) {
  if (state.status != VerificationStatus::kUnverified) return 0;
  return policy.max_attempts > state.failed_attempts ? policy.max_attempts - state.failed_attempts : 0;
}

MaskedIdentity MaskIdentity(const IdentityOnFile& on_file) {
  MaskedIdentity m;
  m.initials = std::string(1, Initial(on_file.first_name)) + ". " + std::string(1, Initial(on_file.last_name)) + ".";
  const std::size_t n = on_file.member_number.size();
  m.member_number = n > 4 ? std::string(n - 4, '*') + on_file.member_number.substr(n - 4) : std::string(n, '*');
  m.state = on_file.address.state;
  return m;
}

}  // namespace rxdesk
