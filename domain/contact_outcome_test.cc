#include "domain/contact_outcome.h"

#include <gtest/gtest.h>

#include "domain/test_fixtures.h"

namespace rxdesk {
namespace {

using std::chrono::seconds;
using test::At;

TEST(ContactOutcome, EveryDispositionAndIssueReadsBackAsItsName) {
  for (const char* d : {"resolved", "unresolved", "escalated", "transferred", "no_action"}) {
    auto parsed = ParseDisposition(d);
    ASSERT_TRUE(parsed.ok()) << d;
    EXPECT_EQ(ToString(*parsed), d);
  }
  for (const char* i : {"refill", "transfer", "billing", "shipping", "clinical", "complaint", "other"}) {
    auto parsed = ParseIssue(i);
    ASSERT_TRUE(parsed.ok()) << i;
    EXPECT_EQ(ToString(*parsed), i);
  }
}

TEST(ContactOutcome, UnknownOrMiscasedValuesAreRefusedNamingTheField) {
  for (const char* bad : {"", "Resolved", "closed", "resolved "}) {
    auto d = ParseDisposition(bad, "disposition");
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.error().code, "invalid_request");
    EXPECT_EQ(d.error().field, "disposition");
  }
  auto i = ParseIssue("REFILL", "issue");
  ASSERT_FALSE(i.ok());
  EXPECT_EQ(i.error().field, "issue");
}

TEST(ContactOutcome, OnlyResolvedCountsAsResolved) {
  EXPECT_TRUE(IsResolved(Disposition::kResolved));
  for (Disposition d :
       {Disposition::kUnresolved, Disposition::kEscalated, Disposition::kTransferred, Disposition::kNoAction}) {
    EXPECT_FALSE(IsResolved(d));
  }
}

TEST(ContactOutcome, AContactOneMinuteBeforeSevenDaysIsARepeat) {
  const Instant closed = At("2026-11-02T15:00:00Z");
  EXPECT_TRUE(IsRepeatContact(closed, At("2026-11-09T14:59:00Z"), FcrPolicy{}));
  EXPECT_TRUE(IsRepeatContact(closed, At("2026-11-09T14:59:59Z"), FcrPolicy{}));
}

TEST(ContactOutcome, AContactAtExactlySevenDaysOrLaterIsNotARepeat) {
  const Instant closed = At("2026-11-02T15:00:00Z");
  EXPECT_FALSE(IsRepeatContact(closed, At("2026-11-09T15:00:00Z"), FcrPolicy{}));
  EXPECT_FALSE(IsRepeatContact(closed, At("2026-11-09T15:00:01Z"), FcrPolicy{}));
}

TEST(ContactOutcome, AContactRightAfterOrDuringTheFirstIsARepeat) {
  const Instant closed = At("2026-11-02T15:00:00Z");
  EXPECT_TRUE(IsRepeatContact(closed, closed, FcrPolicy{}));
  EXPECT_TRUE(IsRepeatContact(closed, closed - seconds{60}, FcrPolicy{}));
}

TEST(ContactOutcome, TheWindowFollowsThePolicy) {
  const Instant closed = At("2026-11-02T15:00:00Z");
  const FcrPolicy two_days{.repeat_window = std::chrono::days{2}};
  EXPECT_TRUE(IsRepeatContact(closed, At("2026-11-04T14:59:59Z"), two_days));
  EXPECT_FALSE(IsRepeatContact(closed, At("2026-11-04T15:00:00Z"), two_days));
}

}  // namespace
}  // namespace rxdesk
