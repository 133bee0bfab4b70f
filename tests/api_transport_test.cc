// Transport safeguards against the real server: HTTPS with a throwaway certificate,
// security headers on every response, and rate limits (429 rate_limited + Retry-After)
// per client IP, per account and per sign-in username.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/e2e_env.h"
#include "tests/support/server_process.h"
#include "tests/support/tls_client.h"

namespace rxdesk::testing {
namespace {

namespace fs = std::filesystem;

constexpr char kHsts[] = "max-age=31536000; includeSubDomains";
constexpr char kCsp[] =
    "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'";

// The headers every response carries, whoever answered.
void ExpectSecurityHeaders(const HttpResult& r, const std::string& what) {
  EXPECT_EQ(r.Header("x-content-type-options"), "nosniff") << what;
  EXPECT_EQ(r.Header("x-frame-options"), "DENY") << what;
  EXPECT_EQ(r.Header("referrer-policy"), "no-referrer") << what;
  EXPECT_EQ(r.Header("content-security-policy"), kCsp) << what;
  EXPECT_EQ(r.Header("cross-origin-opener-policy"), "same-origin") << what;
  EXPECT_EQ(r.Header("cache-control"), "no-store") << what;
  EXPECT_TRUE(r.Header("set-cookie").empty()) << what;
  int csp = 0;
  for (const auto& [name, value] : r.headers) csp += name == "content-security-policy" ? 1 : 0;
  EXPECT_EQ(csp, 1) << what << ": one policy, not two";
}

// Runs `rxdesk serve ARGS` that is expected to refuse to start; a server that starts
// anyway is stopped after 20 s (exit code 124) instead of hanging the suite.
CommandResult ServeExpectingRefusal(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
  args.insert(args.begin(), {"/usr/bin/timeout", "20", RxdeskBinary(), "serve", "--listen", "127.0.0.1:0"});
  return RunCommand(args, "", env);
}

// ---- HTTPS -------------------------------------------------------------------

class Https : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    cert_ = new SelfSignedCert(MakeSelfSignedCert(dir_->path()));
    fs::create_directories(dir_->path() + "/data");  // for the server's log file
    server_ = new ServerProcess(dir_->path() + "/data", {"--tls-cert", cert_->cert_file, "--tls-key", cert_->key_file});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete cert_;
    delete dir_;
  }

  static TransportClient Client(TransportOptions options = {}) {
    options.tls = true;
    if (options.ca_file.empty()) options.ca_file = cert_->cert_file;
    return TransportClient("127.0.0.1", server_->port(), options);
  }

  static TempDir* dir_;
  static SelfSignedCert* cert_;
  static ServerProcess* server_;
};
TempDir* Https::dir_ = nullptr;
SelfSignedCert* Https::cert_ = nullptr;
ServerProcess* Https::server_ = nullptr;

TEST_F(Https, ServesTheApiOverTls13WithTheGivenCertificate) {
  TransportClient client = Client();
  const HttpResult r = client.Get("/v1/openapi.json");
  ASSERT_EQ(r.status, 200) << client.last_error();  // verified against the certificate we gave
  EXPECT_EQ(client.protocol(), "TLSv1.3");
  EXPECT_EQ(r.Header("strict-transport-security"), kHsts);
  ExpectSecurityHeaders(r, "GET /v1/openapi.json");
  EXPECT_TRUE(r.json().contains("paths"));
}

TEST_F(Https, AcceptsTls12) {
  TransportClient client = Client({.max_tls_version = TLS1_2_VERSION});
  const HttpResult r = client.Get("/healthz");
  ASSERT_EQ(r.status, 200) << client.last_error();
  EXPECT_EQ(client.protocol(), "TLSv1.2");
  EXPECT_EQ(r.Header("strict-transport-security"), kHsts);
}

TEST_F(Https, RefusesTls11AndOlder) {
  TransportClient client = Client({.min_tls_version = TLS1_VERSION, .max_tls_version = TLS1_1_VERSION});
  const HttpResult r = client.Get("/healthz");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(client.last_error().find("handshake"), std::string::npos) << client.last_error();
}

TEST_F(Https, APlainHttpClientGetsNoAnswerOnTheTlsPort) {
  TransportClient plain("127.0.0.1", server_->port());
  const HttpResult r = plain.Get("/healthz");
  EXPECT_EQ(r.status, 0) << r.body;
  EXPECT_FALSE(plain.last_error().empty());
}

TEST_F(Https, KeepsOneConnectionForManyRequests) {
  TransportClient client = Client();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(client.Get("/healthz").status, 200) << client.last_error();
  EXPECT_EQ(client.connections(), 1);
}

TEST_F(Https, ErrorsAndEarlyAnswersCarryHstsAndTheSecurityHeadersToo) {
  TransportClient client = Client();
  const HttpResult not_found = client.Get("/v1/nothing-here");
  EXPECT_EQ(not_found.status, 404);
  const HttpResult unauthenticated = client.Get("/v1/me");
  EXPECT_EQ(unauthenticated.status, 401);
  // 413 is answered by the server itself, before any handler.
  const HttpResult too_large = client.Send("POST", "/v1/members", std::string((1 << 20) + 1, 'x'));
  EXPECT_EQ(too_large.status, 413);
  for (const auto& [r, what] : {std::pair{not_found, "404"}, {unauthenticated, "401"}, {too_large, "413"}}) {
    EXPECT_EQ(r.Header("strict-transport-security"), kHsts) << what;
    ExpectSecurityHeaders(r, what);
  }
}

TEST_F(Https, TheConfigKeysServeHttpsToo) {
  fs::create_directories(dir_->path() + "/data-config");
  ServerProcess server(dir_->path() + "/data-config", {},
                       {"RXDESK_SERVER_TLS_CERT=" + cert_->cert_file, "RXDESK_SERVER_TLS_KEY=" + cert_->key_file});
  TransportClient client("127.0.0.1", server.port(), {.tls = true, .ca_file = cert_->cert_file});
  const HttpResult r = client.Get("/healthz");
  EXPECT_EQ(r.status, 200) << client.last_error();
  EXPECT_EQ(r.Header("strict-transport-security"), kHsts);
}

// ---- TLS files that cannot be used: exit 2, naming the problem, nothing created ----

class TlsStartup : public ::testing::Test {
 protected:
  void SetUp() override { cert_ = MakeSelfSignedCert(dir_.path()); }

  // Expects exit code 2, `needle` in stderr, and no data dir left behind.
  void ExpectRefusal(const std::vector<std::string>& args, const std::string& needle,
                     const std::vector<std::string>& env = {}) {
    std::vector<std::string> all = args;
    all.insert(all.end(), {"--data-dir", data_});
    const CommandResult r = ServeExpectingRefusal(all, env);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
    EXPECT_FALSE(fs::exists(data_)) << "a refused start must leave nothing behind";
  }

  TempDir dir_;
  SelfSignedCert cert_;
  std::string data_ = dir_.path() + "/data";
};

TEST_F(TlsStartup, AMissingCertificateFileExitsTwoNamingFlagAndFile) {
  const std::string missing = dir_.path() + "/absent.crt";
  ExpectRefusal({"--tls-cert", missing, "--tls-key", cert_.key_file},
                "--tls-cert: the TLS certificate " + missing + " does not exist");
}

TEST_F(TlsStartup, AMissingKeyFileExitsTwoNamingFlagAndFile) {
  const std::string missing = dir_.path() + "/absent.key";
  ExpectRefusal({"--tls-cert", cert_.cert_file, "--tls-key", missing}, "--tls-key: the TLS private key " + missing);
}

TEST_F(TlsStartup, OnlyOneOfTheTwoFlagsExitsTwo) {
  ExpectRefusal({"--tls-cert", cert_.cert_file}, "--tls-cert and --tls-key must be given together");
  ExpectRefusal({"--tls-key", cert_.key_file}, "--tls-cert and --tls-key must be given together");
}

TEST_F(TlsStartup, OnlyOneOfTheTwoConfigKeysExitsTwo) {
  ExpectRefusal({}, "server.tls_cert and server.tls_key must be set together",
                {"RXDESK_SERVER_TLS_CERT=" + cert_.cert_file});
}

TEST_F(TlsStartup, ACertificateThatIsNotPemExitsTwo) {
  const std::string garbage = dir_.path() + "/garbage.crt";
  std::ofstream(garbage) << "not a certificate\n";
  ExpectRefusal({"--tls-cert", garbage, "--tls-key", cert_.key_file}, "is not a PEM certificate chain");
  // The key file given as the certificate is refused the same way.
  ExpectRefusal({"--tls-cert", cert_.key_file, "--tls-key", cert_.key_file}, "is not a PEM certificate chain");
}

TEST_F(TlsStartup, AKeyOfAnotherCertificateExitsTwo) {
  const SelfSignedCert other = MakeSelfSignedCert(dir_.path(), "other");
  ExpectRefusal({"--tls-cert", cert_.cert_file, "--tls-key", other.key_file}, "does not belong to the certificate");
}

TEST_F(TlsStartup, AnEncryptedKeyExitsTwoInsteadOfAskingForAPassphrase) {
  const std::string encrypted = dir_.path() + "/encrypted.key";
  {
    FILE* in = std::fopen(cert_.key_file.c_str(), "r");
    ASSERT_NE(in, nullptr);
    EVP_PKEY* key = PEM_read_PrivateKey(in, nullptr, nullptr, nullptr);
    std::fclose(in);
    ASSERT_NE(key, nullptr);
    FILE* out = std::fopen(encrypted.c_str(), "w");
    ASSERT_NE(out, nullptr);
    char passphrase[] = "correct horse";
    EXPECT_EQ(PEM_write_PrivateKey(out, key, EVP_aes_256_cbc(), reinterpret_cast<unsigned char*>(passphrase),
                                   static_cast<int>(sizeof passphrase - 1), nullptr, nullptr),
              1);
    std::fclose(out);
    EVP_PKEY_free(key);
  }
  ExpectRefusal({"--tls-cert", cert_.cert_file, "--tls-key", encrypted}, "it is encrypted");
}

TEST_F(TlsStartup, ADirectoryGivenAsTheCertificateExitsTwo) {
  ExpectRefusal({"--tls-cert", dir_.path(), "--tls-key", cert_.key_file}, "is not a regular file");
}

TEST_F(TlsStartup, BadConfigKeyPathsNameTheKey) {
  ExpectRefusal({}, "server.tls_cert: the TLS certificate /nonexistent/rxdesk.crt does not exist",
                {"RXDESK_SERVER_TLS_CERT=/nonexistent/rxdesk.crt", "RXDESK_SERVER_TLS_KEY=" + cert_.key_file});
}

// ---- security headers over plain HTTP ------------------------------------------

TEST(SecurityHeaders, EveryPlainHttpResponseCarriesThemButNoHsts) {
  auto& env = E2e::Get();
  const HttpResult health = env.client().Get("/healthz");
  const HttpResult openapi = env.client().Get("/v1/openapi.json");
  const HttpResult missing = env.client().Get("/v1/nothing-here");
  const HttpResult me = env.client().Get("/v1/me", env.Token(Role::kMember));
  ASSERT_EQ(me.status, 200);
  for (const auto& [r, what] :
       {std::pair{health, "healthz"}, {openapi, "openapi"}, {missing, "404"}, {me, "authenticated read"}}) {
    ExpectSecurityHeaders(r, what);
    EXPECT_TRUE(r.Header("strict-transport-security").empty()) << what << ": no HSTS over plain HTTP";
  }
}

TEST(SecurityHeaders, TheServersOwnEarlyAnswersCarryThemToo) {
  auto& env = E2e::Get();
  // Malformed HTTP is answered by the server before any handler (400).
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), env.port()});
  boost::asio::write(socket, boost::asio::buffer(std::string("NOT HTTP AT ALL\r\n\r\n")));
  std::string answer;
  boost::system::error_code ec;
  std::array<char, 4096> buf{};
  for (;;) {
    const std::size_t n = socket.read_some(boost::asio::buffer(buf), ec);
    answer.append(buf.data(), n);
    if (ec) break;
  }
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << answer;
  for (const char* header : {"X-Content-Type-Options: nosniff", "X-Frame-Options: DENY", "Referrer-Policy: no-referrer",
                             "Cross-Origin-Opener-Policy: same-origin", "Cache-Control: no-store"}) {
    EXPECT_NE(answer.find(header), std::string::npos) << header << " in " << answer;
  }
  EXPECT_NE(answer.find(std::string("Content-Security-Policy: ") + kCsp), std::string::npos) << answer;
}

// ---- rate limits ---------------------------------------------------------------

// A server of its own with low limits: 60 a minute per IP (one a second) with a
// burst of 5; 3 per account; 3 sign-ins a minute per username. Each test plays its
// own client IPs (127.0.0.x) and accounts, so the tests do not share buckets.
class RateLimits : public ::testing::Test {
 protected:
  static constexpr char kPassword[] = "transport-safeguards-passphrase";

  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const CommandResult seeded = Rxdesk({"seed", "--demo", "--members", "1"}, dir_->path());
    ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
    server_ = new ServerProcess(
        dir_->path(), {},
        {"RXDESK_LIMITS_PER_IP_PER_MINUTE=60", "RXDESK_LIMITS_PER_IP_BURST=5",
         "RXDESK_LIMITS_PER_ACCOUNT_PER_MINUTE=60", "RXDESK_LIMITS_PER_ACCOUNT_BURST=3",
         "RXDESK_LIMITS_LOGIN_PER_USERNAME_PER_MINUTE=3", "RXDESK_LIMITS_TRUSTED_PROXIES=127.0.0.51"});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }

  static TransportClient From(const std::string& ip) {
    return TransportClient("127.0.0.1", server_->port(), {.source_address = ip});
  }

  // A new agent account, signed in from `ip`; returns its token.
  static std::string NewAgentToken(const std::string& username, const std::string& ip) {
    const CommandResult created =
        Rxdesk({"user", "create", "--username", username, "--role", "agent", "--password-stdin"}, dir_->path(),
               std::string(kPassword) + "\n");
    EXPECT_EQ(created.exit_code, 0) << created.err;
    const CommandResult totp = Rxdesk({"user", "totp", "--username", username}, dir_->path());
    EXPECT_EQ(totp.exit_code, 0) << totp.err;
    const HttpResult r = From(ip).Post(
        "/v1/auth/login",
        {{"username", username}, {"password", kPassword}, {"totp", totp.out.substr(0, totp.out.find('\n'))}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json().value("token", "");
  }

  static void ExpectRateLimited(const HttpResult& r, const std::string& retry_after, const std::string& what) {
    EXPECT_EQ(r.status, 429) << what << ": " << r.body;
    EXPECT_EQ(r.error_code(), "rate_limited") << what;
    EXPECT_EQ(r.Header("retry-after"), retry_after) << what;
    EXPECT_FALSE(r.Header("x-request-id").empty()) << what;
    ExpectSecurityHeaders(r, what);
  }

  static TempDir* dir_;
  static ServerProcess* server_;
};
TempDir* RateLimits::dir_ = nullptr;
ServerProcess* RateLimits::server_ = nullptr;

TEST_F(RateLimits, OneIpGetsItsBurstThen429AndAgainAfterRetryAfter) {
  TransportClient flood = From("127.0.0.11");
  for (int i = 0; i < 5; ++i) ASSERT_EQ(flood.Get("/healthz").status, 200) << "request " << i + 1;
  const HttpResult limited = flood.Get("/healthz");
  ExpectRateLimited(limited, "1", "sixth request of one IP");
  EXPECT_EQ(From("127.0.0.12").Get("/healthz").status, 200) << "another IP is not limited";
  std::this_thread::sleep_for(std::chrono::seconds(std::stoi(limited.Header("retry-after"))));
  EXPECT_EQ(flood.Get("/healthz").status, 200) << "after waiting Retry-After it works";
}

TEST_F(RateLimits, AnAccountIsLimitedWhateverIpsItUses) {
  const std::string token = NewAgentToken("rate.agent1", "127.0.0.21");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(From("127.0.0.2" + std::to_string(2 + i)).Get("/v1/me", token).status, 200) << "request " << i + 1;
  }
  ExpectRateLimited(From("127.0.0.25").Get("/v1/me", token), "1", "fourth request of one account from a fresh IP");
}

TEST_F(RateLimits, AFloodFromOneIpLimitsNeitherOtherAccountsNorOtherIps) {
  const std::string flooder = NewAgentToken("rate.agent2", "127.0.0.31");
  const std::string bystander = NewAgentToken("rate.agent3", "127.0.0.32");
  TransportClient flood = From("127.0.0.33");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(flood.Get("/v1/me", flooder).status, 200) << "request " << i + 1;
  ExpectRateLimited(flood.Get("/v1/me", flooder), "1", "the account's fourth request");
  for (int i = 0; i < 20; ++i) EXPECT_EQ(flood.Get("/v1/me", flooder).status, 429);  // and then the IP's too
  EXPECT_EQ(From("127.0.0.34").Get("/v1/me", bystander).status, 200);
  EXPECT_EQ(From("127.0.0.35").Get("/healthz").status, 200);
}

TEST_F(RateLimits, SignInsPerUsernameAreLimitedAcrossIps) {
  const nlohmann::json attempt = {{"username", "ghost.user"}, {"password", "not-the-password-1"}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(From("127.0.0.4" + std::to_string(1 + i)).Post("/v1/auth/login", attempt).status, 401) << i + 1;
  }
  ExpectRateLimited(From("127.0.0.44").Post("/v1/auth/login", attempt), "20", "fourth sign-in for one username");
  const nlohmann::json same_user_other_case = {{"username", "GHOST.user"}, {"password", "x-not-the-password"}};
  EXPECT_EQ(From("127.0.0.45").Post("/v1/auth/login", same_user_other_case).status, 429);
  const nlohmann::json other_user = {{"username", "other.ghost"}, {"password", "not-the-password-1"}};
  EXPECT_EQ(From("127.0.0.46").Post("/v1/auth/login", other_user).status, 401);
}

TEST_F(RateLimits, BehindATrustedProxyTheForwardedClientIsLimited) {
  TransportClient proxy = From("127.0.0.51");  // RXDESK_LIMITS_TRUSTED_PROXIES
  const std::vector<std::pair<std::string, std::string>> client_a = {{"X-Forwarded-For", "203.0.113.9"}};
  const std::vector<std::pair<std::string, std::string>> client_b = {{"X-Forwarded-For", "198.51.100.1, 203.0.113.10"}};
  for (int i = 0; i < 5; ++i) ASSERT_EQ(proxy.Send("GET", "/healthz", "", client_a).status, 200) << i + 1;
  EXPECT_EQ(proxy.Send("GET", "/healthz", "", client_a).status, 429);
  EXPECT_EQ(proxy.Send("GET", "/healthz", "", client_b).status, 200) << "another client behind the same proxy";
  // An untrusted peer cannot pick its bucket with the header.
  TransportClient spoofer = From("127.0.0.52");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(spoofer.Send("GET", "/healthz", "", {{"X-Forwarded-For", "192.0.2." + std::to_string(i)}}).status, 200);
  }
  EXPECT_EQ(spoofer.Send("GET", "/healthz", "", {{"X-Forwarded-For", "192.0.2.99"}}).status, 429);
}

}  // namespace
}  // namespace rxdesk::testing
