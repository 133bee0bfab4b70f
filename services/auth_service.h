// Accounts and sessions: argon2id passwords, TOTP for the workforce, lockout,
// opaque expiring revocable bearer tokens, and members claiming their account.
#pragma once

#include <chrono>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "domain/clock.h"
#include "services/caller.h"
#include "services/phi_vault.h"
#include "store/store.h"

namespace rxdesk {

struct AuthPolicy {
  int lockout_failures = 5;          // PRODUCT.md §10 / API.md: 5 failures ...
  int lockout_window_minutes = 15;   // ... in 15 minutes (config)
  int lockout_minutes = 15;          // how long the lock lasts (config)
  int workforce_token_minutes = 480; // one shift (config)
  int member_token_minutes = 30;     // (config)
  int password_min_length = 12;      // API.md
  int argon2_ops = 2;                // OWASP argon2id: t=2, m=19 MiB
  int argon2_mem_kib = 19 * 1024;
  // How long a validated token is trusted without asking the store again. Logout
  // on the same node takes effect at once; a revocation elsewhere within this time.
  int session_cache_seconds = 2;
};

struct LoginResult {
  std::string token;
  Instant expires_at;
  Role role;
};

struct CreatedUser {
  std::string id;
  std::string otpauth_uri;  // workforce roles: the TOTP secret to enrol
};

class AuthService {
 public:
  AuthService(Store& store, const PhiVault& vault, const Clock& clock, AuthPolicy policy)
      : store_(store), vault_(vault), clock_(clock), policy_(policy) {}

  // Creates a user. Workforce roles get a TOTP secret (returned once as an otpauth URI).
  // Refusals: invalid_request (username/password policy), conflict (username taken).
  Result<CreatedUser> CreateUser(const std::string& username, Role role, const std::string& password,
                                 const std::string& member_id, const std::string& actor);

  // Refusals: invalid_credentials, mfa_required, account_locked (with the unlock instant).
  Result<LoginResult> Login(const std::string& username, const std::string& password,
                            const std::optional<std::string>& totp, const Caller& caller);

  // The principal behind a bearer token; `unauthenticated` if unknown, expired or revoked.
  Result<Principal> Authenticate(std::string_view token) const;

  Status Logout(const Caller& caller);

  // A member claims their online account: member number + date of birth + ZIP must
  // match the record (else identity_not_matched, the same whichever fact is wrong).
  Result<std::string> Register(const std::string& member_number, const std::string& date_of_birth,
                               const std::string& zip, const std::string& username, const std::string& password,
                               const Caller& caller);

  // Changes the caller's password and revokes every session of theirs (this
  // one too). Refusals: invalid_credentials (current password wrong, audited),
  // invalid_request on new_password (policy, or unchanged).
  Status ChangePassword(const Caller& caller, const std::string& current_password, const std::string& new_password);

  // A new TOTP secret for a user (lost phone), returned as an otpauth URI; every
  // session of the user is revoked. Refusal: not_found.
  Result<std::string> ResetTotp(const std::string& username, const std::string& actor);

  // Password rules (domain/password_policy.h): length ≥ policy, not the username,
  // not a common password. Refusal: invalid_request on `password`.
  Status CheckPasswordPolicy(const std::string& username, const std::string& password) const;
  Status CheckUsername(const std::string& username) const;

 private:
  struct CachedSession {
    Principal principal;
    Instant expires_at;
    std::chrono::steady_clock::time_point trusted_until;
  };

  // Revokes every session of the user, in the store and in this node's cache.
  Status RevokeSessions(Connection& conn, const std::string& user_id, Instant now);

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  AuthPolicy policy_;
  mutable std::shared_mutex cache_mu_;
  mutable std::unordered_map<std::string, CachedSession> cache_;  // by token hash; guarded by cache_mu_
};

}  // namespace rxdesk
