// Identity verification before any PHI (PRODUCT.md §8): the caller gives full
// name + date of birth + one more fact on file (the address, an Rx number or
// the member number); three failed attempts lock PHI for the contact.
//
//   IdentityClaim claim{.first_name = "Ana", .last_name = "Rivera", .date_of_birth = dob, .rx_number = "1234567"};
//   const bool ok = MatchesIdentity(claim, on_file);
//   VerificationState next = AfterAttempt(state, ok, policy);   // kVerified, or one more failure / kLocked
//   MaskedIdentity shown = MaskIdentity(on_file);               // what an agent sees before verification
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/address.h"
#include "domain/result.h"
#include "domain/time.h"

namespace rxdesk {

// The third fact a claim offers besides name and date of birth.
enum class IdentityFact { kAddress, kRxNumber, kMemberNumber };
std::string_view ToString(IdentityFact fact);  // "address", "rx_number", "member_number"

struct IdentityClaim {
  std::string first_name;
  std::string last_name;
  Date date_of_birth{};
  std::optional<Address> address;  // one of these three
  std::string rx_number;           // canonical form (domain/rx_number.h)
  std::string member_number;       // canonical form (domain/member_number.h)
};

// The facts on file for one member. `owns_claimed_rx` is whether the Rx number
// in the claim (if any) is one of this member's prescriptions: looked up by the caller.
struct IdentityOnFile {
  std::string first_name;
  std::string last_name;
  Date date_of_birth{};
  Address address;
  std::string member_number;
  bool owns_claimed_rx = false;
};

// Which third fact the claim offers. Refusal: invalid_request when it offers
// none or more than one (an agent asks for exactly one).
Result<IdentityFact> ClaimedFact(const IdentityClaim& claim);

// True when name, date of birth and the claimed fact all match the record.
// Names compare case-insensitively with spacing collapsed; the address compares
// line 1 (case, spacing and punctuation ignored) and the 5-digit ZIP.
bool MatchesIdentity(const IdentityClaim& claim, const IdentityOnFile& on_file);

enum class VerificationStatus { kUnverified, kVerified, kLocked };
std::string_view ToString(VerificationStatus status);  // "unverified", "verified", "locked"
std::optional<VerificationStatus> ParseVerificationStatus(std::string_view text);

struct VerificationState {
  VerificationStatus status = VerificationStatus::kUnverified;
  int failed_attempts = 0;
};

struct VerificationPolicy {
  int max_attempts = 3;  // (config) failures that lock PHI for the contact
};

// The state after one attempt. A verified or locked state does not change (the
// caller refuses attempts on a locked contact before asking).
VerificationState AfterAttempt(VerificationState state, bool matched, const VerificationPolicy& policy);

// Attempts left before the lock (0 when locked or verified).
int AttemptsLeft(const VerificationState& state, const VerificationPolicy& policy);

// What an agent may see of a member before verification: initials, the last
// four characters of the member number and the state. Nothing else of the
// record (no date of birth, no street, no city: HIPAA's identifiers).
struct MaskedIdentity {
  std::string initials;       // "A. R."
  std::string member_number;  // "*****6789" (same length as the real number)
  std::string state;          // "IL"
};
MaskedIdentity MaskIdentity(const IdentityOnFile& on_file);

}  // namespace rxdesk
