#include "services/auth_service.h"

#include "domain/password_policy.h"

#include "infra/crypto.h"
#include "infra/ids.h"
#include "infra/totp.h"

#include <nlohmann/json.hpp>

namespace rxdesk {
namespace {

// Verified against when the username is unknown, so both paths cost the same.
const std::string& DummyHash() {
  static const std::string hash = [] {
    auto h = HashPassword("rxdesk-timing-equalizer", {});
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

AuditEntry Entry(const Caller& caller, Instant at, std::string actor_id, std::string role, std::string action,
                 std::string record_id, std::string outcome) {
  AuditEntry e;
  e.at = at;
  e.actor_id = std::move(actor_id);
  e.actor_role = std::move(role);
  e.action = std::move(action);
  e.record_type = "user";
  e.record_id = std::move(record_id);
  e.request_id = caller.request_id;
  e.outcome = std::move(outcome);
  return e;
}

struct UserRow {
  std::string id;
  std::string username;
  Role role = Role::kMember;
  std::string password_hash;
  Value totp_secret_enc;
  std::int64_t totp_last_step = 0;
  std::string member_id;
  std::optional<Instant> locked_until;
};

Result<std::optional<UserRow>> FindUser(Connection& c, const std::string& username) {
  RXD_ASSIGN_OR_RETURN(Rows rows,
                       c.Query("SELECT id, username, role, password_hash, totp_secret_enc, totp_last_step, "
                               "COALESCE(member_id, ''), locked_until FROM users WHERE username = ? AND disabled = 0",
                               {Value(username)}));
  if (rows.empty()) return std::optional<UserRow>();
  const Row& r = rows[0];
  UserRow u;
  u.id = r.Text(0);
  u.username = r.Text(1);
  u.role = ParseRole(r.Text(2)).value_or(Role::kMember);
  u.password_hash = r.Text(3);
  u.totp_secret_enc = r.at(4);
  u.totp_last_step = r.Int(5);
  u.member_id = r.Text(6);
  if (!r.IsNull(7)) {
    auto t = ParseInstant(r.Text(7));
    if (t.ok()) u.locked_until = *t;
  }
  return std::optional<UserRow>(std::move(u));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Status AuthService::CheckUsername(const std::string& username) const {
  if (username.size() < 3 || username.size() > 64) {
    return InvalidField("username", "must be 3 to 64 characters");
  }
  for (char c : username) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == '@';
    if (!ok) return InvalidField("username", "may contain letters, digits and . _ - @ only");
  }
  return OkStatus();
}

Status AuthService::CheckPasswordPolicy(const std::string& username, const std::string& password) const {
  return CheckPassword(username, password, {.min_length = policy_.password_min_length});
}

Status AuthService::RevokeSessions(Connection& conn, const std::string& user_id, Instant now) {
  RXD_TRY(conn.Exec("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
                    {Value(FormatInstant(now)), Value(user_id)}));
  std::unique_lock lock(cache_mu_);
  std::erase_if(cache_, [&](const auto& entry) { return entry.second.principal.user_id == user_id; });
  return OkStatus();
}

Status AuthService::ChangePassword(const Caller& caller, const std::string& current_password,
                                   const std::string& new_password) {
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(std::optional<UserRow> user,
                       store_.Read([&](Connection& c) { return FindUser(c, caller.principal.username); }));
  const bool ok = user && VerifyPassword(user->password_hash, current_password);
  if (!ok) {
    RXD_TRY(store_.Write([&](WriteContext& w) {
      return w.audit.Append(w.conn, Entry(caller, now, caller.principal.user_id,
                                          std::string(ToString(caller.principal.role)), "password.change",
                                          caller.principal.user_id, "refused:invalid_credentials"));
    }));
    return MakeError("invalid_credentials", "the current password is wrong", "current_password");
  }
  if (Status policy = CheckPasswordPolicy(user->username, new_password); !policy.ok()) {
    Error e = policy.error();
    e.field = "new_password";
    return e;
  }
  if (VerifyPassword(user->password_hash, new_password)) {
    return InvalidField("new_password", "must differ from the current password");
  }
  RXD_ASSIGN_OR_RETURN(std::string hash, HashPassword(new_password, {.ops = static_cast<unsigned long long>(policy_.argon2_ops),
                                                                     .mem_bytes = static_cast<std::size_t>(policy_.argon2_mem_kib) * 1024}));
  // Every session ends, this one too: whoever held a stolen token is out.
  return store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(w.conn.Exec("UPDATE users SET password_hash = ? WHERE id = ?", {Value(hash), Value(user->id)}));
    RXD_TRY(RevokeSessions(w.conn, user->id, now));
    return w.audit.Append(w.conn, Entry(caller, now, user->id, std::string(ToString(user->role)), "password.change",
                                        user->id, "ok"));
  });
}

Result<std::string> AuthService::ResetTotp(const std::string& username_in, const std::string& actor) {
  const std::string username = Lower(username_in);
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(std::optional<UserRow> user, store_.Read([&](Connection& c) { return FindUser(c, username); }));
  if (!user) return MakeError("not_found", "no such user");
  const std::string secret = NewTotpSecret();
  const Blob sealed = vault_.Seal("users", user->id, "totp_secret", secret);
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(w.conn.Exec("UPDATE users SET totp_secret_enc = ?, totp_last_step = 0 WHERE id = ?",
                        {Value(sealed), Value(user->id)}));
    RXD_TRY(RevokeSessions(w.conn, user->id, now));
    return w.audit.Append(w.conn, Entry(Caller{{}, "cli", "", ""}, now, actor, "admin", "user.totp_reset", user->id, "ok"));
  }));
  return OtpAuthUri("rxdesk", username, secret);
}

Result<CreatedUser> AuthService::CreateUser(const std::string& username_in, Role role, const std::string& password,
                                            const std::string& member_id, const std::string& actor) {
  const std::string username = Lower(username_in);
  RXD_TRY(CheckUsername(username));
  RXD_TRY(CheckPasswordPolicy(username, password));
  RXD_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, {.ops = static_cast<unsigned long long>(policy_.argon2_ops),
                                                                 .mem_bytes = static_cast<std::size_t>(policy_.argon2_mem_kib) * 1024}));
  CreatedUser created;
  created.id = NewId();
  std::optional<Blob> totp_enc;
  if (IsWorkforce(role)) {
    const std::string secret = NewTotpSecret();
    totp_enc = vault_.Seal("users", created.id, "totp_secret", secret);
    created.otpauth_uri = OtpAuthUri("rxdesk", username, secret);
  }
  const Instant now = clock_.Now();
  Status s = store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(w.conn.Exec(
        "INSERT INTO users(id, username, role, password_hash, totp_secret_enc, member_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        {Value(created.id), Value(username), Value(ToString(role)), Value(hash),
         totp_enc ? Value(*totp_enc) : Value(), member_id.empty() ? Value() : Value(member_id),
         Value(FormatInstant(now))}));
    AuditEntry e = Entry(Caller{{}, "cli", "", ""}, now, actor, "admin", "user.create", created.id, "ok");
    e.member_id = member_id;
    return w.audit.Append(w.conn, e);
  });
  if (!s.ok()) {
    if (s.error().code == "conflict") return MakeError("conflict", "that username is taken", "username");
    return s.error();
  }
  return created;
}

Result<LoginResult> AuthService::Login(const std::string& username_in, const std::string& password,
                                       const std::optional<std::string>& totp, const Caller& caller) {
  const std::string username = Lower(username_in);
  const Instant now = clock_.Now();
  RXD_ASSIGN_OR_RETURN(std::optional<UserRow> found, store_.Read([&](Connection& c) { return FindUser(c, username); }));
  if (!found) {
    (void)VerifyPassword(DummyHash(), password);
    return MakeError("invalid_credentials", "the username or password is wrong");
  }
  const UserRow& user = *found;
  if (user.locked_until && *user.locked_until > now) {
    return MakeError("account_locked", "too many failed sign-ins; try again after " + FormatInstant(*user.locked_until));
  }
  const bool password_ok = VerifyPassword(user.password_hash, password);

  // Second factor: workforce always; members once they enrolled.
  std::optional<std::int64_t> totp_step;
  bool totp_needed = !user.totp_secret_enc.is_null();
  bool totp_ok = !totp_needed;
  if (password_ok && totp_needed && totp && !totp->empty()) {
    auto secret = vault_.Open("users", user.id, "totp_secret", user.totp_secret_enc);
    if (secret.ok()) {
      totp_step = VerifyTotp(*secret, *totp, now.time_since_epoch().count(), 1);
      totp_ok = totp_step.has_value() && *totp_step > user.totp_last_step;  // a code works once
    }
  }
  if (password_ok && totp_needed && (!totp || totp->empty())) {
    return MakeError("mfa_required", "enter the 6-digit code from your authenticator app", "totp");
  }

  if (!password_ok || !totp_ok) {
    const std::string window_start = FormatInstant(now - std::chrono::minutes(policy_.lockout_window_minutes));
    Status s = store_.Write([&](WriteContext& w) -> Status {
      RXD_TRY(w.conn.Exec("INSERT INTO login_failures(user_id, at) VALUES (?, ?)",
                          {Value(user.id), Value(FormatInstant(now))}));
      RXD_ASSIGN_OR_RETURN(Rows n, w.conn.Query("SELECT COUNT(*) FROM login_failures WHERE user_id = ? AND at > ?",
                                                {Value(user.id), Value(window_start)}));
      std::string outcome = "refused:invalid_credentials";
      if (n[0].Int(0) >= policy_.lockout_failures) {
        RXD_TRY(w.conn.Exec("UPDATE users SET locked_until = ? WHERE id = ?",
                            {Value(FormatInstant(now + std::chrono::minutes(policy_.lockout_minutes))),
                             Value(user.id)}));
        outcome = "refused:account_locked";
      }
      return w.audit.Append(w.conn, Entry(caller, now, user.id, std::string(ToString(user.role)), "login",
                                          user.id, outcome));
    });
    RXD_TRY(s);
    if (password_ok) return MakeError("mfa_required", "the code is wrong or was already used", "totp");
    return MakeError("invalid_credentials", "the username or password is wrong");
  }

  LoginResult result;
  result.token = RandomToken(32);
  result.role = user.role;
  const int minutes = IsWorkforce(user.role) ? policy_.workforce_token_minutes : policy_.member_token_minutes;
  result.expires_at = now + std::chrono::minutes(minutes);
  const std::string token_hash = Sha256Hex(result.token);
  Status s = store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(w.conn.Exec("INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                        {Value(token_hash), Value(user.id), Value(FormatInstant(now)),
                         Value(FormatInstant(result.expires_at))}));
    RXD_TRY(w.conn.Exec("DELETE FROM login_failures WHERE user_id = ?", {Value(user.id)}));
    if (totp_step) {
      RXD_TRY(w.conn.Exec("UPDATE users SET totp_last_step = ?, locked_until = NULL WHERE id = ?",
                          {Value(*totp_step), Value(user.id)}));
    } else {
      RXD_TRY(w.conn.Exec("UPDATE users SET locked_until = NULL WHERE id = ?", {Value(user.id)}));
    }
    return w.audit.Append(w.conn, Entry(caller, now, user.id, std::string(ToString(user.role)), "login", user.id, "ok"));
  });
  RXD_TRY(s);
  return result;
}

Result<Principal> AuthService::Authenticate(std::string_view token) const {
  if (token.empty() || token.size() > 128) return MakeError("unauthenticated", "the token is not valid");
  const std::string token_hash = Sha256Hex(token);
  const auto steady_now = std::chrono::steady_clock::now();
  {
    std::shared_lock lock(cache_mu_);
    const auto it = cache_.find(token_hash);
    if (it != cache_.end() && steady_now < it->second.trusted_until && it->second.expires_at > clock_.Now()) {
      return it->second.principal;
    }
  }
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query("SELECT u.id, u.username, u.role, COALESCE(u.member_id, ''), s.expires_at FROM sessions s "
                   "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.revoked_at IS NULL AND "
                   "u.disabled = 0",
                   {Value(token_hash)});
  }));
  if (rows.empty()) return MakeError("unauthenticated", "the token is not valid");
  const Row& r = rows[0];
  auto expires = ParseInstant(r.Text(4));
  if (!expires.ok() || *expires <= clock_.Now()) return MakeError("unauthenticated", "the token has expired");
  auto role = ParseRole(r.Text(2));
  if (!role) return MakeError("unauthenticated", "the token is not valid");
  Principal principal{r.Text(0), r.Text(1), *role, r.Text(3), token_hash};
  if (policy_.session_cache_seconds > 0) {
    std::unique_lock lock(cache_mu_);
    if (cache_.size() > 100'000) cache_.clear();  // bounded: a flood of tokens cannot grow it without limit
    cache_[token_hash] = {principal, *expires, steady_now + std::chrono::seconds(policy_.session_cache_seconds)};
  }
  return principal;
}

Status AuthService::Logout(const Caller& caller) {
  const Instant now = clock_.Now();
  {
    std::unique_lock lock(cache_mu_);
    cache_.erase(caller.principal.token_hash);
  }
  return store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(w.conn.Exec("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                        {Value(FormatInstant(now)), Value(caller.principal.token_hash)}));
    return w.audit.Append(w.conn, Entry(caller, now, caller.principal.user_id,
                                        std::string(ToString(caller.principal.role)), "logout",
                                        caller.principal.user_id, "ok"));
  });
}

Result<std::string> AuthService::Register(const std::string& member_number, const std::string& date_of_birth,
                                          const std::string& zip, const std::string& username_in,
                                          const std::string& password, const Caller& caller) {
  const std::string username = Lower(username_in);
  RXD_TRY(CheckUsername(username));
  RXD_TRY(CheckPasswordPolicy(username, password));
  const Error not_matched{"identity_not_matched",
                          "we could not match those details to a member; check them or call member services", ""};
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query("SELECT id, date_of_birth_enc, address_enc FROM members WHERE member_number_index = ?",
                   {Value(vault_.IndexOf(member_number))});
  }));
  bool matched = false;
  std::string member_id;
  if (!rows.empty()) {
    member_id = rows[0].Text(0);
    auto dob = vault_.Open("members", member_id, "date_of_birth", rows[0].at(1));
    auto address = vault_.Open("members", member_id, "address", rows[0].at(2));
    if (dob.ok() && address.ok()) {
      const auto j = nlohmann::json::parse(*address, nullptr, false);
      const std::string on_file_zip = j.is_object() && j.contains("zip") ? j["zip"].get<std::string>() : "";
      const bool dob_ok = ConstantTimeEquals(*dob, date_of_birth);
      const bool zip_ok = zip.size() >= 5 && on_file_zip.size() >= 5 &&
                          ConstantTimeEquals(on_file_zip.substr(0, 5), zip.substr(0, 5));
      matched = dob_ok && zip_ok;
    }
  }
  const Instant now = clock_.Now();
  if (!matched) {
    RXD_TRY(store_.Write([&](WriteContext& w) {
      AuditEntry e = Entry(caller, now, "anonymous", "anonymous", "account.register", "-", "refused:identity_not_matched");
      return w.audit.Append(w.conn, e);
    }));
    return not_matched;
  }
  RXD_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, {.ops = static_cast<unsigned long long>(policy_.argon2_ops),
                                                                 .mem_bytes = static_cast<std::size_t>(policy_.argon2_mem_kib) * 1024}));
  const std::string user_id = NewId();
  Status s = store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(w.conn.Exec("INSERT INTO users(id, username, role, password_hash, member_id, created_at) VALUES "
                        "(?, ?, 'member', ?, ?, ?)",
                        {Value(user_id), Value(username), Value(hash), Value(member_id), Value(FormatInstant(now))}));
    AuditEntry e = Entry(caller, now, user_id, "member", "account.register", user_id, "ok");
    e.member_id = member_id;
    return w.audit.Append(w.conn, e);
  });
  if (!s.ok()) {
    if (s.error().code == "conflict") {
      return MakeError("conflict", "that username is taken, or this member already has an online account", "username");
    }
    return s.error();
  }
  return username;
}

}  // namespace rxdesk
