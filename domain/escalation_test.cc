#include "domain/escalation.h"

#include <gtest/gtest.h>

#include "domain/test_fixtures.h"

namespace rxdesk {
namespace {

using test::At;

constexpr EscalationPath kPaths[] = {EscalationPath::kSupervisor, EscalationPath::kPharmacyManager,
                                     EscalationPath::kClinicalRisk, EscalationPath::kPrivacyOfficer};

TEST(Escalation, PathsAndStatusesReadBackAsTheirNames) {
  for (EscalationPath p : kPaths) EXPECT_EQ(*ParseEscalationPath(ToString(p)), p);
  for (const char* s : {"open", "in_progress", "resolved", "closed"}) EXPECT_EQ(ToString(*ParseTicketStatus(s)), s);
  EXPECT_EQ(ParseEscalationPath("manager").error().field, "path");
  EXPECT_EQ(ParseTicketStatus("done").error().field, "status");
}

TEST(Escalation, EachPathTakesTheReasonsTheProductSendsDownIt) {
  EXPECT_TRUE(ValidateEscalationReason(EscalationPath::kSupervisor, "complaint").ok());
  EXPECT_TRUE(ValidateEscalationReason(EscalationPath::kSupervisor, "billing_dispute").ok());
  EXPECT_TRUE(ValidateEscalationReason(EscalationPath::kPharmacyManager, "dispensing_error").ok());
  EXPECT_TRUE(ValidateEscalationReason(EscalationPath::kClinicalRisk, "adverse_event").ok());
  EXPECT_TRUE(ValidateEscalationReason(EscalationPath::kPrivacyOfficer, "suspected_privacy_incident").ok());
  for (EscalationPath p : kPaths) EXPECT_TRUE(ValidateEscalationReason(p, "other").ok());
}

TEST(Escalation, AReasonOfAnotherPathIsRefusedNamingReason) {
  const Status s = ValidateEscalationReason(EscalationPath::kPrivacyOfficer, "adverse_event");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "invalid_request");
  EXPECT_EQ(s.error().field, "reason");
  EXPECT_FALSE(ValidateEscalationReason(EscalationPath::kSupervisor, "").ok());
}

TEST(Escalation, EachPathHasItsOwnDueTime) {
  const Instant opened = At("2026-11-02T15:00:00Z");
  const EscalationPolicy policy;
  EXPECT_EQ(TicketDueAt(EscalationPath::kSupervisor, opened, policy), At("2026-11-03T15:00:00Z"));
  EXPECT_EQ(TicketDueAt(EscalationPath::kPharmacyManager, opened, policy), At("2026-11-02T23:00:00Z"));
  EXPECT_EQ(TicketDueAt(EscalationPath::kClinicalRisk, opened, policy), At("2026-11-02T19:00:00Z"));
  EXPECT_EQ(TicketDueAt(EscalationPath::kPrivacyOfficer, opened, policy), At("2026-11-03T15:00:00Z"));
  const EscalationPolicy quick{.clinical_risk = std::chrono::hours{1}};
  EXPECT_EQ(TicketDueAt(EscalationPath::kClinicalRisk, opened, quick), At("2026-11-02T16:00:00Z"));
}

TEST(Escalation, AnOpenTicketBreachesOnTheSecondItIsDueAndADoneOneNever) {
  const Instant due = At("2026-11-02T19:00:00Z");
  EXPECT_FALSE(IsTicketBreached(TicketStatus::kOpen, due, due - std::chrono::seconds{1}));
  EXPECT_TRUE(IsTicketBreached(TicketStatus::kOpen, due, due));
  EXPECT_TRUE(IsTicketBreached(TicketStatus::kInProgress, due, due + std::chrono::seconds{1}));
  EXPECT_FALSE(IsTicketBreached(TicketStatus::kResolved, due, due + std::chrono::hours{100}));
  EXPECT_FALSE(IsTicketBreached(TicketStatus::kClosed, due, due + std::chrono::hours{100}));
}

TEST(Escalation, TicketsMoveOpenInProgressResolvedClosedOnly) {
  EXPECT_TRUE(CheckTicketTransition(TicketStatus::kOpen, TicketStatus::kInProgress).ok());
  EXPECT_TRUE(CheckTicketTransition(TicketStatus::kInProgress, TicketStatus::kResolved).ok());
  EXPECT_TRUE(CheckTicketTransition(TicketStatus::kInProgress, TicketStatus::kClosed).ok());
  EXPECT_TRUE(CheckTicketTransition(TicketStatus::kResolved, TicketStatus::kClosed).ok());
  for (auto [from, to] :
       {std::pair{TicketStatus::kOpen, TicketStatus::kResolved}, std::pair{TicketStatus::kOpen, TicketStatus::kClosed},
        std::pair{TicketStatus::kOpen, TicketStatus::kOpen}, std::pair{TicketStatus::kClosed, TicketStatus::kOpen},
        std::pair{TicketStatus::kResolved, TicketStatus::kInProgress}}) {
    const Status s = CheckTicketTransition(from, to);
    ASSERT_FALSE(s.ok()) << ToString(from) << " -> " << ToString(to);
    EXPECT_EQ(s.error().code, "invalid_transition");
  }
}

TEST(Escalation, EachRoleSeesItsOwnPathsAndSupervisorsSeeAllButReadOnlyTheirs) {
  EXPECT_TRUE(MaySeeTicket(Role::kPharmacist, EscalationPath::kPharmacyManager));
  EXPECT_TRUE(MaySeeTicket(Role::kPharmacist, EscalationPath::kClinicalRisk));
  EXPECT_FALSE(MaySeeTicket(Role::kPharmacist, EscalationPath::kSupervisor));
  EXPECT_FALSE(MaySeeTicket(Role::kPharmacist, EscalationPath::kPrivacyOfficer));
  EXPECT_TRUE(MaySeeTicket(Role::kPrivacyOfficer, EscalationPath::kPrivacyOfficer));
  EXPECT_FALSE(MaySeeTicket(Role::kPrivacyOfficer, EscalationPath::kClinicalRisk));
  for (EscalationPath p : kPaths) {
    EXPECT_TRUE(MaySeeTicket(Role::kSupervisor, p));
    EXPECT_FALSE(MaySeeTicket(Role::kAgent, p));
    EXPECT_FALSE(MaySeeTicket(Role::kMember, p));
    EXPECT_FALSE(MaySeeTicket(Role::kAdmin, p));
  }
  EXPECT_TRUE(MayReadTicketSummary(Role::kSupervisor, EscalationPath::kSupervisor));
  EXPECT_FALSE(MayReadTicketSummary(Role::kSupervisor, EscalationPath::kClinicalRisk));
  EXPECT_FALSE(MayWorkTicket(Role::kSupervisor, EscalationPath::kPrivacyOfficer));
  EXPECT_TRUE(MayAssignTicket(Role::kSupervisor, EscalationPath::kPrivacyOfficer));
}

}  // namespace
}  // namespace rxdesk
