#include "services/channels.h"

#include <gtest/gtest.h>

#include <functional>

#include "domain/test_fixtures.h"

namespace rxdesk {
namespace {

using test::At;
using test::Chicago;

ChannelDirectory Directory(const ChannelsConfig& config = {}) {
  auto d = ChannelDirectory::Create(config, Chicago());
  EXPECT_TRUE(d.ok()) << (d.ok() ? "" : d.error().message);
  return std::move(d).value();
}

ChannelStatus Status(const ChannelDirectory& d, std::string_view id, const char* at) {
  auto s = d.StatusAt(id, At(at));
  EXPECT_TRUE(s.ok()) << id;
  return s.ok() ? *s : ChannelStatus{};
}

std::string Next(const ChannelStatus& s) { return s.next_change ? FormatInstant(*s.next_change) : "never"; }

ChannelsConfig With(std::string_view id, const std::function<void(ChannelSettings&)>& change) {
  ChannelsConfig c;
  for (ChannelSettings& s : c.channels) {
    if (s.id == id) change(s);
  }
  return c;
}

Error CreateError(const ChannelsConfig& config) {
  auto d = ChannelDirectory::Create(config, Chicago());
  EXPECT_FALSE(d.ok());
  return d.ok() ? Error{} : d.error();
}

// 2026-03-07 is a Saturday in CST (UTC-6); DST starts Sunday 2026-03-08, so Monday 08:00 is CDT (UTC-5).

TEST(Channels, TheDefaultsAreTheSixChannelsOfProductSectionSeven) {
  const ChannelDirectory d = Directory();
  ASSERT_EQ(d.channels().size(), 6u);
  std::vector<std::string> ids;
  for (const ContactChannel& c : d.channels()) ids.push_back(c.settings.id);
  EXPECT_EQ(ids, ChannelsConfig::Ids());
  EXPECT_EQ(d.Find("main")->number_e164, "+18002372765");
  EXPECT_EQ(d.Find("specialty")->number_e164, "+18006734828");
  EXPECT_EQ(d.Find("tty")->number_e164, "+18007114041");
  EXPECT_EQ(d.Find("retail")->number_e164, "+18007467287");
  EXPECT_EQ(d.Find("chat")->number_e164, "");
  EXPECT_EQ(d.Find("tty")->settings.kind, "tty");
  EXPECT_EQ(d.Find("nope"), nullptr);
}

TEST(Channels, TtyOnASaturdayIsClosedOneSecondBeforeEightAndOpensAtEight) {
  const ChannelDirectory d = Directory();
  const ChannelStatus before = Status(d, "tty", "2026-03-07T13:59:59Z");
  EXPECT_FALSE(before.open);
  EXPECT_EQ(Next(before), "2026-03-07T14:00:00Z");
  EXPECT_EQ(before.offer, "secure_message");
  const ChannelStatus at = Status(d, "tty", "2026-03-07T14:00:00Z");
  EXPECT_TRUE(at.open);
  EXPECT_EQ(Next(at), "2026-03-08T02:00:00Z");  // 20:00 CST
  EXPECT_EQ(at.offer, "");
}

TEST(Channels, TtyOnASaturdayIsOpenOneSecondBeforeEightPmAndClosedAtEightPmUntilMonday) {
  const ChannelDirectory d = Directory();
  EXPECT_TRUE(Status(d, "tty", "2026-03-08T01:59:59Z").open);
  const ChannelStatus closed = Status(d, "tty", "2026-03-08T02:00:00Z");
  EXPECT_FALSE(closed.open);
  EXPECT_EQ(Next(closed), "2026-03-09T13:00:00Z");  // Monday 08:00 CDT, after the spring-forward Sunday
}

TEST(Channels, TtyIsClosedAllSundayAtEachOfTheSaturdayEdgeTimes) {
  const ChannelDirectory d = Directory();
  // Sunday 2026-06-14 (CDT, UTC-5): 07:59:59, 08:00, 19:59:59 and 20:00 local are all closed.
  for (const char* t :
       {"2026-06-14T12:59:59Z", "2026-06-14T13:00:00Z", "2026-06-15T00:59:59Z", "2026-06-15T01:00:00Z"}) {
    const ChannelStatus s = Status(d, "tty", t);
    EXPECT_FALSE(s.open) << t;
    EXPECT_EQ(Next(s), "2026-06-15T13:00:00Z") << t;  // Monday 08:00 CDT
    EXPECT_EQ(s.offer, "secure_message") << t;
  }
  // And the summer Saturday before behaves as the winter one.
  EXPECT_FALSE(Status(d, "tty", "2026-06-13T12:59:59Z").open);
  EXPECT_TRUE(Status(d, "tty", "2026-06-13T13:00:00Z").open);
  EXPECT_TRUE(Status(d, "tty", "2026-06-14T00:59:59Z").open);
  EXPECT_FALSE(Status(d, "tty", "2026-06-14T01:00:00Z").open);
}

TEST(Channels, TtyAfterTheFallBackSaturdayOpensMondayAtEightStandardTime) {
  const ChannelDirectory d = Directory();
  // Saturday 2026-10-31 20:00 CDT = 01:00Z; clocks fall back on Sunday; Monday 08:00 CST = 14:00Z.
  const ChannelStatus s = Status(d, "tty", "2026-11-01T01:00:00Z");
  EXPECT_FALSE(s.open);
  EXPECT_EQ(Next(s), "2026-11-02T14:00:00Z");
}

TEST(Channels, ChatClosesAtTenPmAndOffersASecureMessageUntilSevenAm) {
  const ChannelDirectory d = Directory();
  const ChannelStatus open = Status(d, "chat", "2026-03-11T02:59:59Z");  // Tuesday 21:59:59 CDT
  EXPECT_TRUE(open.open);
  EXPECT_EQ(open.offer, "");
  const ChannelStatus closed = Status(d, "chat", "2026-03-11T03:00:00Z");  // 22:00 CDT
  EXPECT_FALSE(closed.open);
  EXPECT_EQ(closed.offer, "secure_message");
  EXPECT_EQ(Next(closed), "2026-03-11T12:00:00Z");  // Wednesday 07:00 CDT
}

TEST(Channels, TwentyFourSevenLinesNeverChangeAndOfferNothing) {
  const ChannelDirectory d = Directory();
  for (const char* id : {"main", "specialty", "retail", "secure_message"}) {
    const ChannelStatus s = Status(d, id, "2026-03-08T08:30:00Z");  // inside the spring-forward hour
    EXPECT_TRUE(s.open) << id;
    EXPECT_EQ(Next(s), "never") << id;
  }
}

TEST(Channels, AConfiguredHolidayClosesAFullDayLineFromLocalMidnightToMidnight) {
  const ChannelDirectory d = Directory(With("main", [](ChannelSettings& s) { s.closed_dates = {"2026-12-25"}; }));
  const ChannelStatus eve = Status(d, "main", "2026-12-25T05:59:59Z");  // 23:59:59 CST on the 24th
  EXPECT_TRUE(eve.open);
  EXPECT_EQ(Next(eve), "2026-12-25T06:00:00Z");
  const ChannelStatus day = Status(d, "main", "2026-12-25T18:00:00Z");
  EXPECT_FALSE(day.open);
  EXPECT_EQ(Next(day), "2026-12-26T06:00:00Z");
  EXPECT_EQ(day.offer, "");  // main offers nothing unless configured
  EXPECT_TRUE(Status(d, "main", "2026-12-26T06:00:00Z").open);
}

TEST(Channels, FederalHolidaysCloseATtyLineOnTheObservedDay) {
  const ChannelDirectory d = Directory(With("tty", [](ChannelSettings& s) { s.closed_on_federal_holidays = true; }));
  // July 4, 2026 is a Saturday: observed Friday July 3.
  EXPECT_FALSE(Status(d, "tty", "2026-07-03T17:00:00Z").open);
  EXPECT_TRUE(Status(d, "tty", "2026-07-04T17:00:00Z").open);
  EXPECT_TRUE(Status(d, "tty", "2026-07-02T17:00:00Z").open);
}

TEST(Channels, IsOpenIsFalseForAnUnknownChannelAndStatusAtSaysNotFound) {
  const ChannelDirectory d = Directory();
  EXPECT_FALSE(d.IsOpen("fax", At("2026-03-07T15:00:00Z")));
  auto s = d.StatusAt("fax", At("2026-03-07T15:00:00Z"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "not_found");
}

TEST(Channels, ALineIsFoundByItsNumberInAnyCommonForm) {
  const ChannelDirectory d = Directory();
  for (const char* n : {"1-800-237-2765", "+1 (800) 237-2765", "800.237.2765", "18002372765", "+18002372765"}) {
    const ContactChannel* c = d.FindByNumber(n);
    ASSERT_NE(c, nullptr) << n;
    EXPECT_EQ(c->settings.id, "main") << n;
  }
  EXPECT_EQ(d.FindByNumber("1-800-711-4041")->settings.id, "tty");
  EXPECT_EQ(d.FindByNumber("1-800-555-0100"), nullptr);
  EXPECT_EQ(d.FindByNumber(""), nullptr);
  EXPECT_EQ(d.FindByNumber("not a number"), nullptr);
}

TEST(Channels, BadSettingsAreRefusedNamingTheKey) {
  EXPECT_EQ(CreateError(With("tty", [](ChannelSettings& s) { s.hours = "mon-sat 8-20"; })).field, "channels.tty.hours");
  EXPECT_EQ(CreateError(With("chat", [](ChannelSettings& s) { s.kind = "fax"; })).field, "channels.chat.kind");
  EXPECT_EQ(CreateError(With("main", [](ChannelSettings& s) { s.number = "12345"; })).field, "channels.main.number");
  EXPECT_EQ(CreateError(With("main", [](ChannelSettings& s) { s.number = ""; })).field, "channels.main.number");
  EXPECT_EQ(CreateError(With("chat", [](ChannelSettings& s) { s.number = "1-800-237-2765"; })).field,
            "channels.chat.number");
  EXPECT_EQ(CreateError(With("main", [](ChannelSettings& s) { s.closed_dates = {"2026-02-30"}; })).field,
            "channels.main.closed_dates");
  EXPECT_EQ(CreateError(With("tty", [](ChannelSettings& s) { s.offer_when_closed = "fax"; })).field,
            "channels.tty.offer_when_closed");
  EXPECT_EQ(CreateError(With("tty", [](ChannelSettings& s) { s.hours = ""; })).code, "config_invalid");
}

}  // namespace
}  // namespace rxdesk
