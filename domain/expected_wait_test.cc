#include "domain/expected_wait.h"

#include <gtest/gtest.h>

#include <limits>

namespace rxdesk {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ExpectedWait, IsZeroWithAnAgentAlready) {
  EXPECT_EQ(ExpectedWait({.position = 0, .recent_aht = seconds{300}, .staffed_agents = 1}, {}), seconds{0});
  EXPECT_EQ(ExpectedWait({.position = -1, .recent_aht = seconds{300}, .staffed_agents = 1}, {}), seconds{0});
}

TEST(ExpectedWait, IsPositionTimesRecentAhtSharedAmongStaffedAgents) {
  // 3 × 300 s / 2 = 450 s.
  EXPECT_EQ(ExpectedWait({.position = 3, .recent_aht = seconds{300}, .staffed_agents = 2}, {}), seconds{450});
}

TEST(ExpectedWait, RoundsUpToTheNextSecond) {
  // 1 × 1001 ms / 1 → 2 s; 1 × 300 s / 7 = 42.86 s → 43 s.
  EXPECT_EQ(ExpectedWait({.position = 1, .recent_aht = milliseconds{1001}, .staffed_agents = 1}, {}), seconds{2});
  EXPECT_EQ(ExpectedWait({.position = 1, .recent_aht = seconds{300}, .staffed_agents = 7}, {}), seconds{43});
}

TEST(ExpectedWait, UsesTheDefaultAhtWithoutHistory) {
  EXPECT_EQ(ExpectedWait({.position = 1, .recent_aht = std::nullopt, .staffed_agents = 1}, {}), seconds{360});
  EXPECT_EQ(ExpectedWait({.position = 1, .recent_aht = milliseconds{0}, .staffed_agents = 1}, {}), seconds{360});
}

TEST(ExpectedWait, CountsNoStaffedAgentAsOne) {
  EXPECT_EQ(ExpectedWait({.position = 2, .recent_aht = seconds{100}, .staffed_agents = 0}, {}), seconds{200});
}

TEST(ExpectedWait, StopsAtTheCapJustAfterIt) {
  const ExpectedWaitParams p{.default_aht = seconds{360}, .max_wait = seconds{600}};
  EXPECT_EQ(ExpectedWait({.position = 6, .recent_aht = seconds{100}, .staffed_agents = 1}, p), seconds{600});
  EXPECT_EQ(ExpectedWait({.position = 7, .recent_aht = seconds{100}, .staffed_agents = 1}, p), seconds{600});
  EXPECT_EQ(ExpectedWait({.position = 5, .recent_aht = seconds{100}, .staffed_agents = 1}, p), seconds{500});
}

TEST(ExpectedWait, AHugeLineDoesNotOverflow) {
  EXPECT_EQ(ExpectedWait(
                {.position = std::numeric_limits<int>::max(), .recent_aht = seconds{86400}, .staffed_agents = 1}, {}),
            seconds{std::chrono::hours{4}});
}

}  // namespace
}  // namespace rxdesk
