// The password policy (issue "HIPAA-grade safeguards"; API.md: at least 12
// characters, not the username), plus a refusal of the passwords attackers try
// first: a shipped list of common passwords and the shapes they come in.
//
//   RXD_TRY(CheckPassword("ana.rivera", candidate, {.min_length = 12}));
//
// The list is compared after folding case and stripping a tail of digits and
// symbols, so "Password2026!" is caught as "password". Long passphrases of
// ordinary words pass: length is what makes a password strong (NIST SP 800-63B).
#pragma once

#include <string_view>

#include "domain/result.h"

namespace rxdesk {

struct PasswordPolicy {
  int min_length = 12;  // (config auth.password_min_length)
  int max_length = 256;
};

// Refusal: invalid_request on field "password", saying which rule (never echoing the password).
Status CheckPassword(std::string_view username, std::string_view password, const PasswordPolicy& policy);

// True for a password on the shipped list or of a well-known shape: one
// repeated character, a run of consecutive characters ("123456789012",
// "abcdefghijkl"), a keyboard walk ("qwertyuiop[]"), or a listed word followed
// only by digits and symbols ("welcome12345!").
bool IsCommonPassword(std::string_view password);

}  // namespace rxdesk
