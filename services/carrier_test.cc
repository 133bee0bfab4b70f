// Carriers' tracking-number formats at their edges, and the fake carrier's
// answers over time (services/carrier.h, services/fake_carrier.h).
#include "services/carrier.h"

#include <gtest/gtest.h>

#include <string>

#include "services/fake_carrier.h"

namespace rxdesk {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

std::string CodeOf(const Status& s) { return s.ok() ? "ok" : s.error().code; }
std::string CodeOf(const Result<TrackingReport>& r) { return r.ok() ? "ok" : r.error().code; }

TEST(TrackingNumbers, UspsTakesTwentyToTwentyTwoDigits) {
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("USPS", std::string(19, '9'))), "invalid_tracking_number");
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("USPS", std::string(20, '9'))), "ok");
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("USPS", "9400100000000000000000")), "ok");
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("USPS", std::string(23, '9'))), "invalid_tracking_number");
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("USPS", "9400 1000 0000 0000 00")), "invalid_tracking_number");
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("USPS", "940010000000000000000A")), "invalid_tracking_number");
}

TEST(TrackingNumbers, UpsTakes1ZAndSixteenUpperCaseLettersOrDigits) {
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("UPS", "1Z999AA10123456784")), "ok");
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("UPS", "1Z999AA1012345678")), "invalid_tracking_number");    // 15
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("UPS", "1Z999AA101234567845")), "invalid_tracking_number");  // 17
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("UPS", "1z999AA10123456784")), "invalid_tracking_number");
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("UPS", "1Z999aa10123456784")), "invalid_tracking_number");
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("UPS", "2Z999AA10123456784")), "invalid_tracking_number");
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("UPS", "1Z999AA1012345678-")), "invalid_tracking_number");
}

TEST(TrackingNumbers, FedexTakesTwelveOrFifteenDigits) {
  for (std::size_t n : {11u, 13u, 14u, 16u, 22u}) {
    EXPECT_EQ(CodeOf(ValidateTrackingNumber("FedEx", std::string(n, '1'))), "invalid_tracking_number") << n;
  }
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("FedEx", std::string(12, '1'))), "ok");
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("FedEx", std::string(15, '1'))), "ok");
}

TEST(TrackingNumbers, CarrierNamesAreMatchedInAnyCaseAndOthersRefused) {
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("fedex", std::string(12, '1'))), "ok");
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("usps", std::string(22, '1'))), "ok");
  for (const char* name : {"", "DHL", "USPS ", "U.S.P.S.", "FedExx"}) {
    const Status s = ValidateTrackingNumber(name, std::string(22, '1'));
    EXPECT_EQ(CodeOf(s), "unknown_carrier") << name;
    if (!s.ok()) {
      EXPECT_EQ(s.error().field, "carrier");
    }
  }
}

TEST(TrackingNumbers, TheRefusalNamesTheFormatAndNeverEchoesTheInput) {
  const Status s = ValidateTrackingNumber("USPS", "<script>alert(1)</script>");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "tracking");
  EXPECT_EQ(s.error().message.find("script"), std::string::npos);
  ASSERT_EQ(s.error().details.size(), 1u);
  EXPECT_EQ(s.error().details[0], std::make_pair(std::string("format"), std::string("20 to 22 digits")));
  EXPECT_EQ(CodeOf(ValidateTrackingNumber("USPS", std::string(100000, '9'))), "invalid_tracking_number");
}

// Shipped Monday 2026-03-02 15:00 UTC, quoted Thursday 03-05 to Monday 03-09.
ShipmentRef Package(std::string tracking) {
  return ShipmentRef{.carrier = "USPS",
                     .tracking_number = std::move(tracking),
                     .shipped_at = Instant{MakeDate(2026, 3, 2)} + hours{15},
                     .eta_earliest = MakeDate(2026, 3, 5),
                     .eta_latest = MakeDate(2026, 3, 9)};
}

TEST(FakeCarrier, FollowsAPackageFromAcceptanceToDeliveryOnADayOfTheWindow) {
  const FakeCarrier carrier;
  const ShipmentRef p = Package("9400100000000000000000");
  const Date day = FakeCarrier::DeliveryDay(p);
  EXPECT_GE(day, p.eta_earliest);
  EXPECT_LE(day, p.eta_latest);
  const Instant out = Instant{day} + hours{13};
  const Instant delivered = Instant{day} + hours{21};

  auto before = carrier.Track(p, p.shipped_at - seconds{1});
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->status, TrackingStatus::kPreTransit);
  EXPECT_TRUE(before->scans.empty());

  auto accepted = carrier.Track(p, p.shipped_at);
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->status, TrackingStatus::kInTransit);
  EXPECT_EQ(accepted->scans.size(), 1u);
  EXPECT_EQ(accepted->expected_delivery, day);

  EXPECT_EQ(carrier.Track(p, out - seconds{1})->status, TrackingStatus::kInTransit);
  EXPECT_EQ(carrier.Track(p, out)->status, TrackingStatus::kOutForDelivery);
  EXPECT_EQ(carrier.Track(p, delivered - seconds{1})->status, TrackingStatus::kOutForDelivery);
  auto done = carrier.Track(p, delivered);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, TrackingStatus::kDelivered);
  EXPECT_EQ(done->delivered_at, delivered);
  EXPECT_FALSE(done->expected_delivery.has_value());
  ASSERT_EQ(done->scans.size(), 5u);
  for (std::size_t i = 1; i < done->scans.size(); ++i) EXPECT_LT(done->scans[i - 1].at, done->scans[i].at);
  // A year later it is still delivered, on the same day.
  EXPECT_EQ(carrier.Track(p, delivered + hours{24 * 365})->delivered_at, delivered);
}

TEST(FakeCarrier, AnswersTheSameForTheSameNumberAndTime) {
  const FakeCarrier a, b;
  const ShipmentRef p = Package("9400111122223333444455");
  const Instant t = p.shipped_at + hours{50};
  auto x = a.Track(p, t);
  auto y = b.Track(p, t);
  ASSERT_TRUE(x.ok() && y.ok());
  EXPECT_EQ(x->status, y->status);
  EXPECT_EQ(x->scans.size(), y->scans.size());
  EXPECT_EQ(FakeCarrier::DeliveryDay(p), FakeCarrier::DeliveryDay(Package("9400111122223333444455")));
}

TEST(FakeCarrier, NeverDeliversBeforeADayAfterShippingEvenWhenTheWindowSaysSo) {
  ShipmentRef p = Package("9400100000000000000000");
  p.eta_earliest = p.eta_latest = MakeDate(2026, 3, 2);  // the ship date itself
  const FakeCarrier carrier;
  auto r = carrier.Track(p, p.shipped_at + hours{31});
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->status, TrackingStatus::kDelivered);
  EXPECT_EQ(carrier.Track(p, p.shipped_at + hours{32})->status, TrackingStatus::kDelivered);
}

TEST(FakeCarrier, ANumberEndingInSevenHitsAnExceptionThirtySixHoursAfterShipping) {
  const FakeCarrier carrier;
  const ShipmentRef p = Package("9400100000000000000007");
  EXPECT_EQ(carrier.Track(p, p.shipped_at + hours{36} - seconds{1})->status, TrackingStatus::kInTransit);
  auto r = carrier.Track(p, p.shipped_at + hours{36});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, TrackingStatus::kException);
  EXPECT_FALSE(r->expected_delivery.has_value());
  EXPECT_EQ(carrier.Track(p, p.shipped_at + hours{24 * 60})->status, TrackingStatus::kException);
}

TEST(FakeCarrier, NumbersEndingInEightOrNineAndMalformedOnesAreCarrierFailures) {
  const FakeCarrier carrier;
  const ShipmentRef p = Package("9400100000000000000008");
  EXPECT_EQ(CodeOf(carrier.Track(p, p.shipped_at)), "carrier_unavailable");
  EXPECT_EQ(CodeOf(carrier.Track(Package("9400100000000000000009"), p.shipped_at)), "carrier_error");
  EXPECT_EQ(CodeOf(carrier.Track(Package("9400100000000000"), p.shipped_at)), "carrier_error");
  ShipmentRef dhl = Package("9400100000000000000000");
  dhl.carrier = "DHL";
  EXPECT_EQ(CodeOf(carrier.Track(dhl, p.shipped_at)), "carrier_error");
}

}  // namespace
}  // namespace rxdesk
