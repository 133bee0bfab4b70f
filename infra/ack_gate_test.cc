#include "infra/ack_gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace rxdesk {
namespace {

TEST(AckGate, WithNothingHeldFinallyRunsAtOnceWithOk) {
  auto gate = AckGate::Make();
  bool ran = false;
  gate->Finally([&](Status s) {
    ran = true;
    EXPECT_TRUE(s.ok());
  });
  EXPECT_TRUE(ran);
}

TEST(AckGate, FinallyWaitsForEveryHeldWriteAndRunsOnTheLastReporter) {
  auto gate = AckGate::Make();
  auto first = gate->Hold();
  auto second = gate->Hold();
  int runs = 0;
  gate->Finally([&](Status s) {
    ++runs;
    EXPECT_TRUE(s.ok());
  });
  EXPECT_EQ(runs, 0);
  first(OkStatus());
  EXPECT_EQ(runs, 0);
  second(OkStatus());
  EXPECT_EQ(runs, 1);
}

TEST(AckGate, WritesThatReportBeforeFinallyStillLetItRunOnce) {
  auto gate = AckGate::Make();
  gate->Hold()(OkStatus());
  int runs = 0;
  gate->Finally([&](Status) { ++runs; });
  EXPECT_EQ(runs, 1);
}

TEST(AckGate, TheFirstFailureWinsAndLaterOnesDoNotReplaceIt) {
  auto gate = AckGate::Make();
  auto a = gate->Hold();
  auto b = gate->Hold();
  auto c = gate->Hold();
  std::string code;
  gate->Finally([&](Status s) { code = s.ok() ? "ok" : s.error().code; });
  a(OkStatus());
  b(MakeError("store_unavailable", "commit failed"));
  c(MakeError("conflict", "later"));
  EXPECT_EQ(code, "store_unavailable");
}

TEST(AckGate, CurrentIsSetOnlyInsideAScopeAndScopesNest) {
  EXPECT_EQ(AckGate::Current(), nullptr);
  auto outer = AckGate::Make();
  auto inner = AckGate::Make();
  {
    AckGate::Scope a(*outer);
    EXPECT_EQ(AckGate::Current(), outer.get());
    {
      AckGate::Scope b(*inner);
      EXPECT_EQ(AckGate::Current(), inner.get());
    }
    EXPECT_EQ(AckGate::Current(), outer.get());
    std::thread other([] { EXPECT_EQ(AckGate::Current(), nullptr); });  // per thread
    other.join();
  }
  EXPECT_EQ(AckGate::Current(), nullptr);
}

TEST(AckGate, AnAnswerLeftByAWriteIsTakenOnce) {
  auto gate = AckGate::Make();
  EXPECT_FALSE(gate->TakeAnswer().has_value());
  gate->SetAnswer(std::string("later"));
  std::any answer = gate->TakeAnswer();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(std::any_cast<std::string>(answer), "later");
  EXPECT_FALSE(gate->TakeAnswer().has_value());
}

TEST(AckGate, ManyThreadsReportingAtOnceRunFinallyExactlyOnce) {
  for (int round = 0; round < 50; ++round) {
    auto gate = AckGate::Make();
    std::vector<AckGate::Done> holds;
    for (int i = 0; i < 8; ++i) holds.push_back(gate->Hold());
    std::atomic<int> runs{0};
    std::vector<std::thread> threads;
    for (auto& h : holds) threads.emplace_back([h] { h(OkStatus()); });
    gate->Finally([&](Status) { runs.fetch_add(1); });
    for (auto& t : threads) t.join();
    EXPECT_EQ(runs.load(), 1);
  }
}

}  // namespace
}  // namespace rxdesk
