// The IVR over the signed voice webhook (API.md "Voice"), against the real
// server: a call walks the main menu, switches to Spanish, self-serves a refill
// after keypad verification and hears the order's reference, and continues
// after a restart; unsigned or mis-signed requests are 401.
#include <gtest/gtest.h>

#include <regex>

#include "domain/time.h"
#include "infra/crypto.h"
#include "infra/ids.h"
#include "store/db.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

constexpr char kSecret[] = "e2e-voice-secret-0123456789";
constexpr char kMainLine[] = "+1 (800) 237-2765";

std::string Sign(const std::string& body, const std::string& secret = kSecret) {
  return "sha256=" + HexEncode(HmacSha256(secret, body));
}

class Voice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>();
    const CommandResult seeded = Rxdesk({"seed", "--demo", "--members", "3"}, dir_->path());
    ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
    Start();
  }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }
  static void Start() {
    // No callback offer here (no agent is online, so every wait is long); the TTY line is never open.
    server_ = std::make_unique<ServerProcess>(
        dir_->path(), std::vector<std::string>{},
        std::vector<std::string>{
            std::string("RXDESK_VOICE_WEBHOOK_SECRET=") + kSecret, "RXDESK_VOICE_CALLBACK_OFFER_AFTER_S=86400",
            "RXDESK_CHANNELS_TTY_HOURS=sun 00:00-00:01", "RXDESK_CHANNELS_TTY_CLOSED_DATES=" + ClosedDates()});
    client_ = std::make_unique<HttpClient>("127.0.0.1", server_->port());
  }
  // The TTY line's one open minute a week is closed too: every date of the next weeks.
  static std::string ClosedDates() {
    std::string dates;
    const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    for (int d = -2; d < 30; ++d) {
      if (!dates.empty()) dates += ",";
      dates += FormatDate(Date(today + std::chrono::days(d)));
    }
    return dates;
  }

  static HttpResult SignedPost(const std::string& target, const nlohmann::json& body,
                               const std::string& signature = "") {
    const std::string raw = body.dump();
    return client_->Send(
        "POST", target, raw,
        {{"Content-Type", "application/json"}, {"X-Rxdesk-Signature", signature.empty() ? Sign(raw) : signature}});
  }
  static std::string NewSid() { return "CA" + RandomToken(12); }
  static nlohmann::json StartCall(const std::string& sid, const std::string& to = kMainLine) {
    const HttpResult r = SignedPost("/v1/voice/calls", {{"call_sid", sid}, {"to", to}, {"from", "+15125550199"}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json()["actions"] : nlohmann::json::array();
  }
  static nlohmann::json Press(const std::string& sid, const std::string& digits) {
    const HttpResult r = SignedPost("/v1/voice/calls/" + sid + "/events", {{"type", "digits"}, {"digits", digits}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json()["actions"] : nlohmann::json::array();
  }
  static nlohmann::json Event(const std::string& sid, const std::string& type) {
    const HttpResult r = SignedPost("/v1/voice/calls/" + sid + "/events", {{"type", type}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json()["actions"] : nlohmann::json::array();
  }
  static nlohmann::json Find(const nlohmann::json& actions, const std::string& kind) {
    for (const auto& a : actions) {
      if (a.contains(kind)) return a[kind];
    }
    return nullptr;
  }
  static std::string Said(const nlohmann::json& actions) {
    std::string out;
    for (const auto& a : actions) {
      if (a.contains("say")) out += a["say"]["text"].get<std::string>() + " | ";
    }
    return out;
  }

  static std::unique_ptr<TempDir> dir_;
  static std::unique_ptr<ServerProcess> server_;
  static std::unique_ptr<HttpClient> client_;
};

std::unique_ptr<TempDir> Voice::dir_;
std::unique_ptr<ServerProcess> Voice::server_;
std::unique_ptr<HttpClient> Voice::client_;

TEST_F(Voice, ACallIsGreetedWithItsReferenceDigitByDigitAndTheMainMenu) {
  const auto actions = StartCall(NewSid());
  ASSERT_EQ(actions.size(), 4u) << actions;
  const std::string reference = actions[1]["say"]["text"];
  EXPECT_TRUE(std::regex_match(
      reference,
      std::regex(
          "Your reference number is R X, [0-9 ]+, [A-Z0-9 ]+, ([A-Z0-9]|star|tilde|dollar sign|equals sign)\\.")))
      << reference;
  EXPECT_EQ(actions[1]["say"]["lang"], "en");
  EXPECT_NE(actions[2]["say"]["text"].get<std::string>().find("press 1"), std::string::npos);
  EXPECT_EQ(actions[3], (nlohmann::json{{"gather", {{"max_digits", 1}, {"timeout_s", 5}}}}));
}

TEST_F(Voice, InvalidTwiceThenAValidChoiceEnqueuesToItsQueue) {
  const std::string sid = NewSid();
  StartCall(sid);
  EXPECT_NE(Said(Press(sid, "7")).find("not an option"), std::string::npos);
  EXPECT_NE(Said(Event(sid, "timeout")).find("did not hear"), std::string::npos);
  const auto actions = Press(sid, "1");
  EXPECT_EQ(Find(actions, "enqueue"), (nlohmann::json{{"queue", "refills_delivery"}, {"lang", "en"}})) << actions;
  EXPECT_EQ(actions.back().begin().key(), "enqueue");
  EXPECT_NE(Said(actions).find("in line"), std::string::npos) << actions;
}

TEST_F(Voice, TheThirdInvalidChoiceGoesToARepresentative) {
  const std::string sid = NewSid();
  StartCall(sid);
  Press(sid, "7");
  Press(sid, "8");
  const auto actions = Press(sid, "#");
  EXPECT_EQ(Find(actions, "enqueue"), (nlohmann::json{{"queue", "representative"}, {"lang", "en"}})) << actions;
}

TEST_F(Voice, NineThenAnOptionEnqueuesInSpanish) {
  const std::string sid = NewSid();
  StartCall(sid);
  const auto menu = Press(sid, "9");
  ASSERT_FALSE(menu.empty());
  EXPECT_EQ(menu[0]["say"]["lang"], "es");
  EXPECT_NE(menu[0]["say"]["text"].get<std::string>().find("oprima 1"), std::string::npos);
  const auto actions = Press(sid, "3");
  EXPECT_EQ(Find(actions, "enqueue"), (nlohmann::json{{"queue", "medicare_part_d"}, {"lang", "es"}})) << actions;
  EXPECT_EQ(actions[0]["say"]["lang"], "es");
}

TEST_F(Voice, AVerifiedCallerSelfServesARefillAndHearsTheOrderReference) {
  HttpClient& c = *client_;
  // A member with a prescription never filled (so eligible now), made by the demo pharmacist.
  const CommandResult totp = Rxdesk({"user", "totp", "--username", "pharmacist.demo"}, dir_->path());
  ASSERT_EQ(totp.exit_code, 0) << totp.err;
  const HttpResult login = c.Post("/v1/auth/login", {{"username", "pharmacist.demo"},
                                                     {"password", kDemoPassword},
                                                     {"totp", totp.out.substr(0, totp.out.find('\n'))}});
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token = login.json()["token"];
  const HttpResult created = c.Post("/v1/members", NewMemberBody(901), token);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto member = created.json();
  const std::string member_id = member["id"];
  const auto written = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) - std::chrono::days(10);
  const HttpResult prescribed = c.Post("/v1/members/" + member_id + "/prescriptions",
                                       {{"drug", {{"ndc", "00093-7146-56"}, {"name", "atorvastatin"}}},
                                        {"schedule", "none"},
                                        {"quantity", 30},
                                        {"days_supply", 30},
                                        {"refills_authorized", 3},
                                        {"written_date", FormatDate(Date(written))},
                                        {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}}}},
                                       token);
  ASSERT_EQ(prescribed.status, 201) << prescribed.body;
  const std::string rx = prescribed.json()["rx_number"];
  const std::string number = member["member_number"];  // "M" + 9 digits
  const std::string dob = member["date_of_birth"];     // YYYY-MM-DD
  const std::string keypad_dob = dob.substr(5, 2) + dob.substr(8, 2) + dob.substr(0, 4);

  const std::string sid = NewSid();
  StartCall(sid);
  Press(sid, "6");
  EXPECT_NE(Said(Press(sid, "1")).find("member number"), std::string::npos);
  EXPECT_NE(Said(Press(sid, number.substr(1) + "#")).find("date of birth"), std::string::npos);
  const auto verified = Press(sid, keypad_dob);
  EXPECT_NE(Said(verified).find("You are verified"), std::string::npos) << verified;
  const auto placed = Press(sid, rx);
  const std::string said = Said(placed);
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(said, m, std::regex("order reference is ([A-Za-z0-9, ]+)\\. Expected delivery between")))
      << said;
  // The order exists for the member, under the reference read back.
  // A check symbol is said as a word (domain/ivr.h SpellOut).
  std::string spoken = m[1];
  for (const auto& [word, symbol] : std::vector<std::pair<std::string, std::string>>{
           {"dollar sign", "$"}, {"equals sign", "="}, {"star", "*"}, {"tilde", "~"}}) {
    if (const auto at = spoken.find(word); at != std::string::npos) spoken.replace(at, word.size(), symbol);
  }
  std::string reference;
  for (char ch : spoken) {
    if (ch != ' ' && ch != ',') reference += ch;
  }
  auto db = OpenSqlite({.path = dir_->path() + "/rxdesk.db"});
  ASSERT_TRUE(db.ok());
  auto orders =
      (*db)->Query("SELECT reference FROM orders WHERE member_id = ? AND rx_number = ?", {Value(member_id), Value(rx)});
  ASSERT_TRUE(orders.ok());
  ASSERT_EQ(orders->size(), 1u);
  std::string stored = (*orders)[0].Text(0);
  stored.erase(std::remove(stored.begin(), stored.end(), '-'), stored.end());
  EXPECT_EQ(stored, reference);
  // The refill was audited as the member, through the IVR, with the call's contact as purpose.
  auto contact = (*db)->Query("SELECT contact_id FROM ivr_calls WHERE call_sid = ?", {Value(sid)});
  ASSERT_TRUE(contact.ok());
  ASSERT_EQ(contact->size(), 1u);
  auto audit = (*db)->Query(
      "SELECT COUNT(*) FROM audit_log WHERE action = 'refill.create' AND actor_id = 'ivr' AND "
      "member_id = ? AND purpose = ?",
      {Value(member_id), Value("contact:" + (*contact)[0].Text(0))});
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ((*audit)[0].Int(0), 1);
}

TEST_F(Voice, WrongDetailsOnTheKeypadAreRefusedWithoutSayingWhichFactWasWrong) {
  const std::string sid = NewSid();
  StartCall(sid);
  Press(sid, "6");
  Press(sid, "2");
  Press(sid, "000000013");
  const auto refused = Press(sid, "01011900");
  EXPECT_NE(Said(refused).find("do not match"), std::string::npos) << refused;
  EXPECT_NE(Said(refused).find("member number"), std::string::npos) << "asked again from the start";
}

TEST_F(Voice, UnsignedMisSignedAndTamperedRequestsAre401) {
  const std::string sid = NewSid();
  const std::string body = nlohmann::json{{"call_sid", sid}, {"to", kMainLine}, {"from", "+15125550199"}}.dump();
  const auto send = [&](const std::string& target, const std::string& raw,
                        std::vector<std::pair<std::string, std::string>> headers) {
    headers.emplace_back("Content-Type", "application/json");
    return client_->Send("POST", target, raw, headers);
  };
  for (const std::string& target : {std::string("/v1/voice/calls"), "/v1/voice/calls/" + sid + "/events"}) {
    EXPECT_EQ(send(target, body, {}).status, 401) << target;
    EXPECT_EQ(send(target, body, {{"X-Rxdesk-Signature", Sign(body, "another-secret-0123456789")}}).status, 401);
    EXPECT_EQ(send(target, body + " ", {{"X-Rxdesk-Signature", Sign(body)}}).status, 401) << "tampered body";
    EXPECT_EQ(send(target, body, {{"X-Rxdesk-Signature", Sign(body).substr(7)}}).status, 401) << "no sha256= prefix";
    EXPECT_EQ(send(target, body, {{"X-Rxdesk-Signature", "sha256="}}).status, 401);
    const HttpResult r = send(target, body, {{"Authorization", "Bearer " + E2e::Get().Token(Role::kAdmin)}});
    EXPECT_EQ(r.status, 401) << "a token is no signature";
    EXPECT_EQ(r.error_code(), "unauthenticated");
  }
  // Upper-case hex is the same signature.
  std::string upper = Sign(body);
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  upper.replace(0, 7, "sha256=");
  EXPECT_EQ(send("/v1/voice/calls", body, {{"X-Rxdesk-Signature", upper}}).status, 200);
}

TEST_F(Voice, AnUnknownCallSidIs404) {
  const HttpResult r = SignedPost("/v1/voice/calls/CAunknown000/events", {{"type", "timeout"}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "not_found");
}

TEST_F(Voice, MalformedEventsAndCallsAre400NamingTheField) {
  const std::string sid = NewSid();
  StartCall(sid);
  const std::string events = "/v1/voice/calls/" + sid + "/events";
  const auto field = [](const HttpResult& r) {
    return r.status == 400 ? r.json()["error"].value("field", "") : "status " + std::to_string(r.status);
  };
  EXPECT_EQ(field(SignedPost(events, {{"type", "digits"}})), "digits");
  EXPECT_EQ(field(SignedPost(events, {{"type", "digits"}, {"digits", "1a"}})), "digits");
  EXPECT_EQ(field(SignedPost(events, {{"type", "digits"}, {"digits", std::string(33, '1')}})), "digits");
  EXPECT_EQ(field(SignedPost(events, {{"type", "timeout"}, {"digits", "1"}})), "digits");
  EXPECT_EQ(field(SignedPost(events, {{"type", "ring"}})), "type");
  EXPECT_EQ(field(SignedPost(events, {{"type", "timeout"}, {"extra", 1}})), "extra");
  EXPECT_EQ(field(SignedPost(events, {{"type", 1}})), "type");
  EXPECT_EQ(field(SignedPost("/v1/voice/calls", {{"call_sid", "bad sid!"}, {"to", kMainLine}, {"from", "x"}})),
            "call_sid");
  EXPECT_EQ(field(SignedPost("/v1/voice/calls", {{"call_sid", NewSid()}, {"to", kMainLine}})), "from");
  const HttpResult unknown_line =
      SignedPost("/v1/voice/calls", {{"call_sid", NewSid()}, {"to", "+1 512 555 0100"}, {"from", "x"}});
  EXPECT_EQ(unknown_line.status, 404);
  EXPECT_EQ(unknown_line.json()["error"]["field"], "to");
  const HttpResult again = SignedPost("/v1/voice/calls", {{"call_sid", sid}, {"to", kMainLine}, {"from", "x"}});
  EXPECT_EQ(again.status, 409);
}

TEST_F(Voice, AHungUpCallTakesNoMoreKeys) {
  const std::string sid = NewSid();
  StartCall(sid);
  Press(sid, "2");
  EXPECT_TRUE(Event(sid, "hangup").empty());
  EXPECT_EQ(SignedPost("/v1/voice/calls/" + sid + "/events", {{"type", "digits"}, {"digits", "1"}}).status, 409);
}

TEST_F(Voice, TheTtyLineOutsideItsHoursSaysSoOffersASecureMessageAndHangsUp) {
  const auto actions = StartCall(NewSid(), "1-800-711-4041");
  const std::string said = Said(actions);
  EXPECT_NE(said.find("closed now"), std::string::npos) << said;
  EXPECT_NE(said.find("secure message"), std::string::npos) << said;
  EXPECT_NE(said.find("reference number"), std::string::npos) << said;
  EXPECT_EQ(actions.back(), (nlohmann::json{{"hangup", nlohmann::json::object()}}));
  EXPECT_EQ(Find(actions, "gather"), nullptr);
}

// Last: it restarts the suite's server.
TEST_F(Voice, ZzACallContinuesInSpanishWithItsFailuresAfterARestart) {
  const std::string sid = NewSid();
  StartCall(sid);
  Press(sid, "9");
  Press(sid, "7");  // one failure, in Spanish
  ASSERT_EQ(server_->Terminate(), 0);
  Start();
  const auto second = Press(sid, "8");
  ASSERT_FALSE(second.empty());
  EXPECT_EQ(second[0]["say"]["lang"], "es");
  EXPECT_NE(second[0]["say"]["text"].get<std::string>().find("no es una opción"), std::string::npos) << second;
  const auto third = Press(sid, "8");
  EXPECT_EQ(Find(third, "enqueue"), (nlohmann::json{{"queue", "representative"}, {"lang", "es"}})) << third;
}

// A server with the default callback threshold and no agent online: the wait is long.
TEST(VoiceCallback, PressingOneWhenTheWaitIsLongBooksACallbackAndEndsTheCall) {
  TempDir dir;
  ServerProcess server(dir.path(), {}, {std::string("RXDESK_VOICE_WEBHOOK_SECRET=") + kSecret});
  HttpClient client("127.0.0.1", server.port());
  const auto post = [&](const std::string& target, const nlohmann::json& body) {
    const std::string raw = body.dump();
    return client.Send("POST", target, raw, {{"Content-Type", "application/json"}, {"X-Rxdesk-Signature", Sign(raw)}});
  };
  ASSERT_EQ(post("/v1/voice/calls", {{"call_sid", "CAcallback1"}, {"to", kMainLine}, {"from", "+15125550199"}}).status,
            200);
  const HttpResult offer = post("/v1/voice/calls/CAcallback1/events", {{"type", "digits"}, {"digits", "1"}});
  ASSERT_EQ(offer.status, 200) << offer.body;
  const std::string offered = offer.body;
  ASSERT_NE(offered.find("call you back"), std::string::npos) << offered;
  ASSERT_EQ(offer.json()["actions"].back().begin().key(), "gather");
  const HttpResult booked = post("/v1/voice/calls/CAcallback1/events", {{"type", "digits"}, {"digits", "1"}});
  ASSERT_EQ(booked.status, 200) << booked.body;
  EXPECT_NE(booked.body.find("We will call you back"), std::string::npos) << booked.body;
  EXPECT_EQ(booked.json()["actions"].back(), (nlohmann::json{{"hangup", nlohmann::json::object()}}));
  // The call's own contact waits on as a callback, in its place: not an abandonment.
  auto db = OpenSqlite({.path = dir.path() + "/rxdesk.db"});
  ASSERT_TRUE(db.ok());
  auto rows = (*db)->Query("SELECT COUNT(*) FROM contacts WHERE channel = 'call'");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 1) << "the call's contact is the callback";
  rows = (*db)->Query("SELECT callback, abandoned_at IS NULL, assigned_at IS NULL FROM cc_routing");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 2) << "a waiting call turned into a callback";
  EXPECT_EQ((*rows)[0].Int(1), 1) << "not abandoned";
  EXPECT_EQ((*rows)[0].Int(2), 1) << "still waiting for an agent to call back";
}

}  // namespace
}  // namespace rxdesk::testing
