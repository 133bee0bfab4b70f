#include "domain/ivr.h"

#include <gtest/gtest.h>

#include <map>

namespace rxdesk {
namespace {

using Kind = IvrAction::Kind;

// A pharmacy behind the IVR, recording what the call asked of it.
class FakeBackend final : public IvrBackend {
 public:
  Result<IvrQueued> Enqueue(const std::string& queue, Language language) override {
    enqueued.emplace_back(queue, language);
    return queued;
  }
  Status RequestCallback(const std::string& queue, Language language) override {
    callbacks.emplace_back(queue, language);
    return OkStatus();
  }
  Result<std::optional<std::string>> VerifyMember(const std::string& member_number, Date dob) override {
    ++verifications;
    if (member_number == kMemberNumber && dob == MakeDate(1961, 4, 1)) return std::optional<std::string>("m-1");
    return std::optional<std::string>();
  }
  Result<IvrRefillOutcome> Refill(const std::string& member_id, const std::string& rx) override {
    refills.emplace_back(member_id, rx);
    return refill;
  }
  Result<std::optional<IvrOrderStatus>> LatestOrder(const std::string&) override { return order; }
  Status Abandon() override {
    ++abandons;
    return OkStatus();
  }

  static constexpr char kMemberNumber[] = "M000000013";  // serial 1 + Damm check digit
  IvrQueued queued{.position = 3, .expected_wait = std::chrono::seconds(120)};
  IvrRefillOutcome refill{.placed = true,
                          .reference = "RX-261123-4F7KQ2-8",
                          .eta_earliest = MakeDate(2026, 11, 25),
                          .eta_latest = MakeDate(2026, 11, 27)};
  std::optional<IvrOrderStatus> order;
  std::vector<std::pair<std::string, Language>> enqueued, callbacks;
  std::vector<std::pair<std::string, std::string>> refills;
  int verifications = 0;
  int abandons = 0;
};

class IvrCall : public ::testing::Test {
 protected:
  void SetUp() override { first = StartIvrCall(flow, {.reference = "RX-261123-4F7KQ2-8"}, state); }

  std::vector<IvrAction> Press(const std::string& digits) {
    auto r = StepIvrCall(flow, policy, state, {.type = IvrEventType::kDigits, .digits = digits}, backend);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : std::vector<IvrAction>{};
  }
  std::vector<IvrAction> Timeout() {
    auto r = StepIvrCall(flow, policy, state, {.type = IvrEventType::kTimeout}, backend);
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : std::vector<IvrAction>{};
  }
  Result<std::vector<IvrAction>> Hangup() {
    return StepIvrCall(flow, policy, state, {.type = IvrEventType::kHangup}, backend);
  }
  static std::string Said(const std::vector<IvrAction>& actions) {
    std::string out;
    for (const IvrAction& a : actions) {
      if (a.kind == Kind::kSay) out += a.text + " | ";
    }
    return out;
  }
  static const IvrAction* Find(const std::vector<IvrAction>& actions, Kind kind) {
    for (const IvrAction& a : actions) {
      if (a.kind == kind) return &a;
    }
    return nullptr;
  }
  const std::string& Msg(const std::string& key, Language l = Language::kEnglish) {
    return flow.messages.at(key).In(l);
  }
  void Verify() {
    Press("6");
    Press("1");
    Press("000000013");
    Press("04011961");
  }

  const IvrFlow& flow = MainLineFlow();
  IvrPolicy policy;
  FakeBackend backend;
  IvrCallState state;
  std::vector<IvrAction> first;
};

TEST(IvrFlow, TheMainLineFlowIsValid) {
  const Status s = ValidateIvrFlow(MainLineFlow());
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().field + " " + s.error().message);
}

TEST(IvrFlow, TheMainMenuMapsTheKeysOfApiMdToTheirQueues) {
  const IvrMenu* main = MainLineFlow().Menu("main");
  ASSERT_NE(main, nullptr);
  const std::map<std::string, std::string> expected = {{"1", "refills_delivery"}, {"2", "billing_insurance"},
                                                       {"3", "medicare_part_d"},  {"4", "clinical_pharmacist"},
                                                       {"5", "international"},    {"0", "representative"}};
  for (const auto& [digit, queue] : expected) {
    const auto it =
        std::find_if(main->options.begin(), main->options.end(), [&](const IvrOption& o) { return o.digit == digit; });
    ASSERT_NE(it, main->options.end()) << digit;
    EXPECT_EQ(it->kind, IvrOptionKind::kEnqueue) << digit;
    EXPECT_EQ(it->target, queue) << digit;
  }
  EXPECT_EQ(MainLineFlow().max_failures, 3);
  EXPECT_EQ(MainLineFlow().failure_queue, "representative");
}

TEST_F(IvrCall, AnsweringWelcomesReadsTheReferenceDigitByDigitAndGathersOneKey) {
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first[0].text, Msg("welcome"));
  EXPECT_EQ(first[1].text, "Your reference number is R X, 2 6 1 1 2 3, 4 F 7 K Q 2, 8.");
  EXPECT_EQ(first[2].text, flow.Menu("main")->prompt.en);
  EXPECT_EQ(first[3], (IvrAction{.kind = Kind::kGather, .max_digits = 1, .timeout_s = 5}));
  EXPECT_EQ(state.node, "main");
}

TEST_F(IvrCall, EachMainMenuKeyEnqueuesItsQueueInEnglish) {
  for (const auto& [digit, queue] : std::vector<std::pair<std::string, std::string>>{{"1", "refills_delivery"},
                                                                                     {"2", "billing_insurance"},
                                                                                     {"3", "medicare_part_d"},
                                                                                     {"4", "clinical_pharmacist"},
                                                                                     {"5", "international"},
                                                                                     {"0", "representative"}}) {
    StartIvrCall(flow, {.reference = "RX-1"}, state);
    const auto actions = Press(digit);
    const IvrAction* e = Find(actions, Kind::kEnqueue);
    ASSERT_NE(e, nullptr) << digit;
    EXPECT_EQ(e->queue, queue);
    EXPECT_EQ(e->language, Language::kEnglish);
    EXPECT_EQ(actions.back().kind, Kind::kEnqueue) << "enqueue comes last";
    EXPECT_EQ(state.node, kIvrWaiting);
  }
}

TEST_F(IvrCall, TheExpectedWaitIsAnnouncedWithThePosition) {
  const auto actions = Press("1");
  EXPECT_NE(Said(actions).find("You are number 3 in line. The expected wait is about 2 minutes."), std::string::npos)
      << Said(actions);
}

TEST_F(IvrCall, AnAgentFreeAtOnceIsAnnouncedWithoutAPosition) {
  backend.queued = {.position = 0, .expected_wait = std::chrono::seconds(0)};
  const auto actions = Press("2");
  EXPECT_EQ(Said(actions), Msg("agent_now") + " | ");
  EXPECT_EQ(Find(actions, Kind::kEnqueue)->queue, "billing_insurance");
}

TEST_F(IvrCall, AnInvalidKeyReplaysTheMenuAndTwoThenAValidOneEnqueues) {
  for (int i = 0; i < 2; ++i) {
    const auto actions = Press("7");
    ASSERT_EQ(actions.size(), 3u);
    EXPECT_EQ(actions[0].text, Msg("invalid"));
    EXPECT_EQ(actions[1].text, flow.Menu("main")->prompt.en);
    EXPECT_EQ(actions[2].kind, Kind::kGather);
    EXPECT_EQ(state.failures, i + 1);
  }
  const auto actions = Press("1");
  EXPECT_EQ(Find(actions, Kind::kEnqueue)->queue, "refills_delivery");
  EXPECT_EQ(state.failures, 0);
}

TEST_F(IvrCall, TheThirdFailureInARowGoesToARepresentative) {
  Press("7");
  const auto second = Timeout();
  EXPECT_EQ(second[0].text, Msg("no_input"));
  const auto third = Press("#");
  EXPECT_EQ(third[0].text, Msg("representative"));
  EXPECT_EQ(Find(third, Kind::kEnqueue)->queue, "representative");
  EXPECT_EQ(backend.enqueued.size(), 1u);
}

TEST_F(IvrCall, AnEmptyDigitsEventCountsAsMissingInput) {
  const auto actions = Press("");
  EXPECT_EQ(actions[0].text, Msg("no_input"));
  EXPECT_EQ(state.failures, 1);
}

TEST_F(IvrCall, NineReplaysTheMenuInSpanishAndTheRestOfTheCallStaysSpanish) {
  const auto menu = Press("9");
  ASSERT_EQ(menu.size(), 2u);
  EXPECT_EQ(menu[0].text, flow.Menu("main")->prompt.es);
  EXPECT_EQ(menu[0].language, Language::kSpanish);
  const auto invalid = Press("8");
  EXPECT_EQ(invalid[0].text, Msg("invalid", Language::kSpanish));
  EXPECT_EQ(invalid[0].language, Language::kSpanish);
  const auto actions = Press("4");
  const IvrAction* e = Find(actions, Kind::kEnqueue);
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->queue, "clinical_pharmacist");
  EXPECT_EQ(e->language, Language::kSpanish);
  EXPECT_EQ(backend.enqueued.back().second, Language::kSpanish);
  EXPECT_NE(Said(actions).find("Usted es el número 3 en la fila"), std::string::npos);
}

TEST_F(IvrCall, NoCallbackIsOfferedWhenTheWaitEqualsTheThreshold) {
  backend.queued = {.position = 9, .expected_wait = std::chrono::seconds(300)};
  const auto actions = Press("1");
  EXPECT_NE(Find(actions, Kind::kEnqueue), nullptr);
  EXPECT_EQ(Said(actions).find(Msg("callback_offer")), std::string::npos);
}

TEST_F(IvrCall, ACallbackIsOfferedOneSecondPastTheThresholdAndOneBooksItAndEndsTheCall) {
  backend.queued = {.position = 9, .expected_wait = std::chrono::seconds(301)};
  const auto offer = Press("1");
  EXPECT_EQ(Find(offer, Kind::kEnqueue), nullptr);
  EXPECT_NE(Said(offer).find(Msg("callback_offer")), std::string::npos);
  EXPECT_NE(Said(offer).find("about 6 minutes"), std::string::npos) << "rounded up";
  EXPECT_EQ(offer.back().kind, Kind::kGather);
  const auto booked = Press("1");
  EXPECT_EQ(booked[0].text, Msg("callback_booked"));
  EXPECT_EQ(booked.back().kind, Kind::kHangup);
  ASSERT_EQ(backend.callbacks.size(), 1u);
  EXPECT_EQ(backend.callbacks[0].first, "refills_delivery");
  EXPECT_EQ(state.node, kIvrEnded);
}

TEST_F(IvrCall, DecliningTheCallbackOrSayingNothingKeepsThePlaceInTheQueue) {
  backend.queued = {.position = 9, .expected_wait = std::chrono::seconds(900)};
  Press("3");
  const auto kept = Press("2");
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].queue, "medicare_part_d");
  EXPECT_TRUE(backend.callbacks.empty());
  StartIvrCall(flow, {.reference = "RX-1"}, state);
  Press("3");
  EXPECT_EQ(Timeout()[0].kind, Kind::kEnqueue);
}

TEST_F(IvrCall, ACustomCallbackThresholdIsHonoured) {
  policy.callback_offer_after = std::chrono::seconds(0);
  backend.queued = {.position = 1, .expected_wait = std::chrono::seconds(1)};
  EXPECT_NE(Said(Press("1")).find(Msg("callback_offer")), std::string::npos);
}

TEST_F(IvrCall, HangingUpWhileWaitingAbandonsButHangingUpInTheMenuDoesNot) {
  Press("1");
  ASSERT_TRUE(Hangup().ok());
  EXPECT_EQ(backend.abandons, 1);
  EXPECT_EQ(state.node, kIvrEnded);
  ASSERT_TRUE(Hangup().ok()) << "a repeated hangup is harmless";
  EXPECT_EQ(backend.abandons, 1);
  StartIvrCall(flow, {.reference = "RX-1"}, state);
  ASSERT_TRUE(Hangup().ok());
  EXPECT_EQ(backend.abandons, 1);
}

TEST_F(IvrCall, EventsAfterTheCallEndedAreAConflict) {
  ASSERT_TRUE(Hangup().ok());
  auto r = StepIvrCall(flow, policy, state, {.type = IvrEventType::kDigits, .digits = "1"}, backend);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "conflict");
}

TEST_F(IvrCall, KeysPressedOnHoldDoNothing) {
  Press("1");
  EXPECT_TRUE(Press("0").empty());
  EXPECT_TRUE(Timeout().empty());
  EXPECT_EQ(backend.enqueued.size(), 1u);
}

TEST_F(IvrCall, SelfServiceAsksForTheMemberNumberThenTheDateOfBirth) {
  const auto sub = Press("6");
  EXPECT_EQ(sub[0].text, flow.Menu("self_service")->prompt.en);
  const auto ask_number = Press("1");
  EXPECT_EQ(ask_number[0].text, Msg("verify_member"));
  EXPECT_EQ(ask_number[1].max_digits, 9);
  const auto ask_dob = Press("000000013#");
  EXPECT_EQ(ask_dob[0].text, Msg("verify_dob"));
  EXPECT_EQ(ask_dob[1].max_digits, 8);
  EXPECT_EQ(state.member_number, "M000000013");
  const auto verified = Press("04011961");
  EXPECT_EQ(verified[0].text, Msg("verified"));
  EXPECT_EQ(verified[1].text, Msg("refill_rx"));
  EXPECT_EQ(state.member_id, "m-1");
  EXPECT_EQ(state.member_number, "") << "the typed number is not kept once used";
}

TEST_F(IvrCall, AVerifiedCallerRefillsByRxNumberAndHearsTheOrderReferenceAndEta) {
  Verify();
  const auto placed = Press("12345671");
  ASSERT_EQ(backend.refills.size(), 1u);
  EXPECT_EQ(backend.refills[0], (std::pair<std::string, std::string>{"m-1", "12345671"}));
  EXPECT_EQ(placed[0].text,
            "Your refill is placed. Its order reference is R X, 2 6 1 1 2 3, 4 F 7 K Q 2, 8. Expected delivery between "
            "Wednesday, November 25 and Friday, November 27.");
  EXPECT_EQ(placed[1].text, flow.Menu("main")->prompt.en) << "back to the main menu";
  EXPECT_EQ(state.node, "main");
}

TEST_F(IvrCall, AVerifiedCallerIsNotAskedAgainForASecondService) {
  Verify();
  Press("12345671");
  Press("6");
  const auto ask = Press("1");
  EXPECT_EQ(ask[0].text, Msg("refill_rx"));
  EXPECT_EQ(backend.verifications, 1);
}

TEST_F(IvrCall, ATooSoonRefillSaysWhenItCanBeRefilled) {
  backend.refill = {.refusal = "too_soon", .next_eligible = MakeDate(2026, 12, 1)};
  Verify();
  const auto said = Press("12345671");
  EXPECT_EQ(said[0].text, "It is too soon to refill this prescription. You can refill it on Tuesday, December 1.");
}

TEST_F(IvrCall, AnOtherRefusalSaysARepresentativeCanHelp) {
  backend.refill = {.refusal = "no_refills_remaining"};
  Verify();
  EXPECT_EQ(Press("12345671")[0].text, Msg("refill_refused"));
}

TEST_F(IvrCall, AnUnknownOrMistypedRxNumberIsAskedAgainAndCountsAsAFailure) {
  backend.refill = {.refusal = "not_found"};
  Verify();
  const auto again = Press("12345671");
  EXPECT_EQ(again[0].text, Msg("refill_not_found"));
  EXPECT_EQ(again[1].text, Msg("refill_rx"));
  EXPECT_EQ(Press("12345675")[0].text, Msg("refill_not_found"));  // wrong check digit: never reaches the backend
  EXPECT_EQ(backend.refills.size(), 1u);
  EXPECT_EQ(Press("1")[0].text, Msg("representative"));
}

TEST_F(IvrCall, WrongDetailsAreRefusedAlikeAndTheThirdTimeGoesToARepresentative) {
  Press("6");
  Press("1");
  Press("000000013");
  const auto wrong_dob = Press("04021961");
  EXPECT_EQ(wrong_dob[0].text, Msg("verify_failed"));
  EXPECT_EQ(wrong_dob[1].text, Msg("verify_member"));
  const auto bad_check_digit = Press("000000019");
  EXPECT_EQ(bad_check_digit[0].text, Msg("verify_failed"));
  Press("000000013");
  const auto third = Press("13011961");  // month 13: not a date
  EXPECT_EQ(third[0].text, Msg("representative"));
  EXPECT_EQ(Find(third, Kind::kEnqueue)->queue, "representative");
  EXPECT_EQ(state.member_id, "");
  EXPECT_EQ(backend.verifications, 1) << "an impossible date never reaches the backend";
}

TEST_F(IvrCall, OrderStatusReadsTheLatestOrderWithItsEta) {
  backend.order = IvrOrderStatus{.reference = "RX-261120-ABCDE2-3",
                                 .status = "shipped",
                                 .eta_earliest = MakeDate(2026, 11, 24),
                                 .eta_latest = MakeDate(2026, 11, 26)};
  Press("6");
  Press("2");
  Press("000000013");
  const auto said = Press("04011961");
  EXPECT_EQ(said[1].text,
            "Your latest order, reference R X, 2 6 1 1 2 0, A B C D E 2, 3, is shipped. Expected delivery between "
            "Tuesday, November 24 and Thursday, November 26.");
  EXPECT_EQ(said[2].text, flow.Menu("main")->prompt.en);
}

TEST_F(IvrCall, OrderStatusWithNoOrdersSaysSo) {
  Press("6");
  Press("2");
  Press("000000013");
  EXPECT_EQ(Press("04011961")[1].text, Msg("no_orders"));
}

TEST_F(IvrCall, StarInTheSelfServiceMenuGoesBackToTheMainMenu) {
  Press("6");
  EXPECT_EQ(Press("*")[0].text, flow.Menu("main")->prompt.en);
  EXPECT_EQ(state.node, "main");
}

TEST(IvrStart, AClosedLineSaysWhenItOpensOffersASecureMessageReadsTheReferenceAndHangsUp) {
  IvrCallState state;
  const auto actions = StartIvrCall(MainLineFlow(),
                                    {.reference = "RX-1",
                                     .open = false,
                                     .opens_at = LocalDateTime{MakeDate(2026, 11, 23), std::chrono::hours(8)},
                                     .offer_secure_message = true},
                                    state);
  ASSERT_EQ(actions.size(), 6u);
  EXPECT_EQ(actions[0].text, "This line is closed now.");
  EXPECT_EQ(actions[1].text, "It opens Monday at 8:00 AM.");
  EXPECT_EQ(actions[2].text, MainLineFlow().messages.at("secure_message").en);
  EXPECT_EQ(actions[3].text, "Your reference number is R X, 1.");
  EXPECT_EQ(actions[5].kind, Kind::kHangup);
  EXPECT_EQ(state.node, kIvrEnded);
}

TEST(IvrSpeech, ReferencesDatesAndOpeningTimesAreSpokenInBothLanguages) {
  EXPECT_EQ(SpellOut("RX-261123-4F7KQ2-8"), "R X, 2 6 1 1 2 3, 4 F 7 K Q 2, 8");
  EXPECT_EQ(SpellOut(""), "");
  EXPECT_EQ(SpellOut("ab"), "A B");
}

TEST(IvrSpellOut, CheckSymbolsAreSaidAsWordsInTheCallersLanguage) {
  EXPECT_EQ(SpellOut("RX-261123-4F7KQ2-*"), "R X, 2 6 1 1 2 3, 4 F 7 K Q 2, star");
  EXPECT_EQ(SpellOut("RX-261123-4F7KQ2-*", Language::kSpanish), "R X, 2 6 1 1 2 3, 4 F 7 K Q 2, asterisco");
  EXPECT_EQ(SpellOut("1-$"), "1, dollar sign");
  EXPECT_EQ(SpellOut("1-$", Language::kSpanish), "1, signo de dólar");
  EXPECT_EQ(SpellOut("1-="), "1, equals sign");
  EXPECT_EQ(SpellOut("1-=", Language::kSpanish), "1, signo igual");
  EXPECT_EQ(SpellOut("1-~"), "1, tilde");
  EXPECT_EQ(SpellOut("1-u"), "1, U");
  EXPECT_EQ(SpeakDate(MakeDate(2026, 3, 9), Language::kEnglish), "Monday, March 9");
  EXPECT_EQ(SpeakDate(MakeDate(2026, 3, 9), Language::kSpanish), "lunes 9 de marzo");
  EXPECT_EQ(SpeakOpening({MakeDate(2026, 3, 9), std::chrono::minutes(20 * 60 + 5)}, Language::kEnglish),
            "Monday at 8:05 PM");
  EXPECT_EQ(SpeakOpening({MakeDate(2026, 3, 8), std::chrono::minutes(0)}, Language::kEnglish), "Sunday at 12:00 AM");
  EXPECT_EQ(SpeakOpening({MakeDate(2026, 3, 9), std::chrono::hours(8)}, Language::kSpanish), "el lunes a las 8:00");
}

IvrFlow Broken(const std::function<void(IvrFlow&)>& change) {
  IvrFlow f = MainLineFlow();
  change(f);
  return f;
}

std::string RefusedField(const IvrFlow& flow) {
  const Status s = ValidateIvrFlow(flow);
  EXPECT_FALSE(s.ok());
  return s.ok() ? "" : s.error().field;
}

TEST(IvrFlow, ValidationNamesTheBrokenPart) {
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.start = "nope"; })), "start");
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.max_failures = 0; })), "max_failures");
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.gather_timeout_s = 61; })), "gather_timeout_s");
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.menus[0].options[5].target = "nowhere"; })),
            "menus.main.options[5].goto");
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.menus[0].options[1].digit = "1"; })), "menus.main.options[1].digit");
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.menus[0].options[0].digit = "12"; })),
            "menus.main.options[0].digit");
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.menus[0].options[6].target = "fr"; })),
            "menus.main.options[6].language");
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.menus[1].options[0].target = "transfer"; })),
            "menus.self_service.options[0].self_service");
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.menus[0].prompt.es.clear(); })), "menus.main.es");
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.messages.erase("welcome"); })), "messages.welcome.en");
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.messages["goodbye"].es.clear(); })), "messages.goodbye.es");
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.messages["hello"] = {"hi", "hola"}; })), "messages.hello");
  EXPECT_EQ(RefusedField(Broken([](IvrFlow& f) { f.menus[1].id = "main"; })), "menus.main");
}

}  // namespace
}  // namespace rxdesk
