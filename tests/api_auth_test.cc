// Accounts over HTTP against the real server: login, 2FA, lockout, logout, registration.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

TEST(Login, WorkforceNeedsTheTotpCodeAfterTheRightPassword) {
  auto& env = E2e::Get();
  const HttpResult no_code = env.client().Post("/v1/auth/login", {{"username", "pharmacist.demo"}, {"password", kDemoPassword}});
  EXPECT_EQ(no_code.status, 401);
  EXPECT_EQ(no_code.error_code(), "mfa_required");
  const HttpResult wrong_code = env.client().Post(
      "/v1/auth/login", {{"username", "pharmacist.demo"}, {"password", kDemoPassword}, {"totp", "000000"}});
  EXPECT_EQ(wrong_code.status, 401);
  EXPECT_EQ(wrong_code.error_code(), "mfa_required");
  const std::string token = env.Login("pharmacist.demo", kDemoPassword, true);
  EXPECT_GE(token.size(), 32u);
}

TEST(Login, WrongPasswordAndUnknownUserLookTheSame) {
  auto& env = E2e::Get();
  const HttpResult wrong = env.client().Post("/v1/auth/login", {{"username", "supervisor.demo"}, {"password", "not-the-password"}});
  const HttpResult unknown = env.client().Post("/v1/auth/login", {{"username", "nobody.here"}, {"password", "not-the-password"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.error_code(), "invalid_credentials");
  EXPECT_EQ(unknown.error_code(), "invalid_credentials");
  EXPECT_EQ(wrong.json()["error"]["message"], unknown.json()["error"]["message"]);
}

TEST(Login, RefusesMalformedBodiesNamingTheField) {
  auto& env = E2e::Get();
  EXPECT_EQ(env.client().Send("POST", "/v1/auth/login", "{not json", {{"Content-Type", "application/json"}}).status, 400);
  const HttpResult missing = env.client().Post("/v1/auth/login", {{"username", "x"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.json()["error"]["field"], "password");
  const HttpResult wrong_type = env.client().Post("/v1/auth/login", {{"username", 5}, {"password", "x"}});
  EXPECT_EQ(wrong_type.json()["error"]["field"], "username");
  const HttpResult unknown = env.client().Post("/v1/auth/login", {{"username", "a"}, {"password", "b"}, {"admin", true}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown.json()["error"]["field"], "admin");
}

TEST(Login, LocksTheAccountAfterFiveFailuresInFifteenMinutes) {
  auto& env = E2e::Get();
  // A user of our own, so the demo accounts stay usable.
  ASSERT_EQ(Rxdesk({"user", "create", "--username", "lockme", "--role", "agent", "--password-stdin"}, env.data_dir(),
                   "correct-horse-battery\n")
                .exit_code,
            0);
  for (int i = 0; i < 5; ++i) {
    const HttpResult r = env.client().Post("/v1/auth/login", {{"username", "lockme"}, {"password", "wrong-password-x"}});
    ASSERT_EQ(r.status, 401) << "attempt " << i + 1;
  }
  // The sixth attempt, even with the right password, meets the lock.
  const HttpResult locked = env.client().Post("/v1/auth/login", {{"username", "lockme"}, {"password", "correct-horse-battery"}});
  EXPECT_EQ(locked.status, 423);
  EXPECT_EQ(locked.error_code(), "account_locked");
}

TEST(Logout, RevokesTheTokenAtOnce) {
  auto& env = E2e::Get();
  const std::string token = env.Login("supervisor.demo", kDemoPassword, true);
  EXPECT_EQ(env.client().Get("/v1/me", token).status, 200);
  EXPECT_EQ(env.client().Post("/v1/auth/logout", nlohmann::json::object(), token).status, 204);
  const HttpResult after = env.client().Get("/v1/me", token);
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.error_code(), "unauthenticated");
}

TEST(Auth, EveryProtectedRouteRefusesMissingAndForgedTokens) {
  auto& env = E2e::Get();
  EXPECT_EQ(env.client().Get("/v1/me").status, 401);
  EXPECT_EQ(env.client().Get("/v1/me", "forged-token-forged-token-forged-token").status, 401);
  EXPECT_EQ(env.client().Send("GET", "/v1/me", "", {{"Authorization", "Basic abc"}}).status, 401);
}

TEST(Register, AMemberClaimsTheirAccountWithTheThreeFacts) {
  auto& env = E2e::Get();
  const std::string& agent = env.Token(Role::kAgent);
  const HttpResult created = env.client().Post("/v1/members", NewMemberBody(501), agent);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto member = created.json();
  const nlohmann::json good = {{"member_number", member["member_number"]},
                               {"date_of_birth", member["date_of_birth"]},
                               {"zip", "78701"},
                               {"username", "claimer501"},
                               {"password", "a-long-enough-passphrase"}};
  // Each wrong fact gets the very same answer.
  std::string first_message;
  for (const char* key : {"member_number", "date_of_birth", "zip"}) {
    nlohmann::json bad = good;
    if (std::string(key) == "member_number") bad[key] = "M000000000";
    if (std::string(key) == "date_of_birth") bad[key] = "1961-04-09";
    if (std::string(key) == "zip") bad[key] = "73301";
    const HttpResult r = env.client().Post("/v1/auth/register", bad);
    EXPECT_EQ(r.status, 422) << key;
    EXPECT_EQ(r.error_code(), "identity_not_matched") << key;
    if (first_message.empty()) first_message = r.json()["error"]["message"];
    EXPECT_EQ(r.json()["error"]["message"], first_message) << key;
  }
  const auto with = [&](const char* key, const char* value) {
    nlohmann::json changed = good;
    changed[key] = value;
    return changed;
  };
  const HttpResult short_password = env.client().Post("/v1/auth/register", with("password", "short"));
  EXPECT_EQ(short_password.status, 400);
  EXPECT_EQ(short_password.json()["error"]["field"], "password");
  const HttpResult same_as_user = env.client().Post("/v1/auth/register", with("password", "claimer501"));
  EXPECT_EQ(same_as_user.status, 400);
  // A common password, however decorated, is refused with the same field.
  const HttpResult common = env.client().Post("/v1/auth/register", with("password", "Password2026!"));
  EXPECT_EQ(common.status, 400);
  EXPECT_EQ(common.json()["error"]["field"], "password");

  const HttpResult ok = env.client().Post("/v1/auth/register", good);
  ASSERT_EQ(ok.status, 201) << ok.body;
  const std::string token = env.Login("claimer501", "a-long-enough-passphrase", false);
  const HttpResult me = env.client().Get("/v1/me", token);
  EXPECT_EQ(me.json()["member_id"], member["id"]);
  // The same member cannot be claimed twice.
  EXPECT_EQ(env.client().Post("/v1/auth/register", with("username", "claimer501b")).status, 409);
}

TEST(Password, AChangeEndsEverySessionOfTheUserAndNeedsTheCurrentPassword) {
  auto& env = E2e::Get();
  // A member account (no TOTP), so that two sessions can be opened back to back.
  const auto member = env.client().Post("/v1/members", NewMemberBody(502), env.Token(Role::kAgent)).json();
  ASSERT_EQ(env.client()
                .Post("/v1/auth/register", {{"member_number", member["member_number"]},
                                            {"date_of_birth", member["date_of_birth"]},
                                            {"zip", "78701"},
                                            {"username", "changer"},
                                            {"password", "first-passphrase-here"}})
                .status,
            201);
  const std::string one = env.Login("changer", "first-passphrase-here", false);
  const std::string two = env.Login("changer", "first-passphrase-here", false);
  ASSERT_FALSE(one.empty());
  ASSERT_FALSE(two.empty());
  const auto change = [&](const std::string& token, const char* current, const char* next) {
    return env.client().Post("/v1/auth/password", {{"current_password", current}, {"new_password", next}}, token);
  };
  const HttpResult wrong = change(one, "not-the-passphrase", "second-passphrase-here");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.error_code(), "invalid_credentials");
  const HttpResult weak = change(one, "first-passphrase-here", "qwerty123456");
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(weak.json()["error"]["field"], "new_password");
  const HttpResult same = change(one, "first-passphrase-here", "first-passphrase-here");
  EXPECT_EQ(same.status, 400);
  EXPECT_EQ(env.client().Get("/v1/me", two).status, 200);  // refusals changed nothing

  ASSERT_EQ(change(one, "first-passphrase-here", "second-passphrase-here").status, 204);
  EXPECT_EQ(env.client().Get("/v1/me", one).status, 401);
  EXPECT_EQ(env.client().Get("/v1/me", two).status, 401);  // the other session ended too
  const HttpResult old_password =
      env.client().Post("/v1/auth/login", {{"username", "changer"}, {"password", "first-passphrase-here"}});
  EXPECT_EQ(old_password.status, 401);
}

TEST(Totp, AResetEndsEverySessionAndTheOldCodesStopWorking) {
  auto& env = E2e::Get();
  ASSERT_EQ(Rxdesk({"user", "create", "--username", "lost.phone", "--role", "agent", "--password-stdin"},
                   env.data_dir(), "lost-phone-passphrase\n")
                .exit_code,
            0);
  const std::string token = env.Login("lost.phone", "lost-phone-passphrase", true);
  ASSERT_EQ(env.client().Get("/v1/me", token).status, 200);
  const CommandResult reset = Rxdesk({"user", "reset-totp", "--username", "lost.phone"}, env.data_dir());
  ASSERT_EQ(reset.exit_code, 0) << reset.err;
  EXPECT_NE(reset.out.find("otpauth://totp/"), std::string::npos);
  // The reset ran in another process: the server stops trusting the token once its
  // session cache entry lapses (auth.session_cache_seconds, 2 s here).
  int status = 200;
  for (int i = 0; i < 50 && status == 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = env.client().Get("/v1/me", token).status;
  }
  EXPECT_EQ(status, 401);
  // The new secret signs in (the CLI reads the current one).
  EXPECT_FALSE(env.Login("lost.phone", "lost-phone-passphrase", true).empty());
  EXPECT_EQ(Rxdesk({"user", "reset-totp", "--username", "nobody.here"}, env.data_dir()).exit_code, 1);
}

}  // namespace
}  // namespace rxdesk::testing
