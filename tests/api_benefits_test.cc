// Plans, formulary, prior authorization and what fills cost, over HTTP against the
// real seeded server: tiers with copays and coinsurance, the 2 × mail share, generic
// substitution by DAW code, PA required → refill refused → approved → allowed with
// the SLA's edge at 24 h, Part D fills crossing the deductible and the cap, LIS
// copays, insulin, and the roles that may not.
#include <gtest/gtest.h>

#include <set>

#include "domain/time.h"
#include "store/db.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

using json = nlohmann::json;

constexpr char kAtorvastatin[] = "99999010101";   // generic, tier 1, $0.12 a tablet
constexpr char kLevothyroxine[] = "99999010401";  // generic, tier 1, $0.25 a tablet
constexpr char kInsulin[] = "99999011201";        // insulin glargine, $9.80 a unit
constexpr char kLipitor[] = "99999030101";        // brand, tier 3, A-rated generic atorvastatin, $8.50
constexpr char kZoloft[] = "99999030201";         // brand, tier 4 (40%, ≤ $150 a month), $11.00
constexpr char kEliquis[] = "99999030301";        // brand, tier 3, no generic, $9.75
constexpr char kOzempic[] = "99999030401";        // brand, tier 4, PA, $32.50
constexpr char kHumira[] = "99999030501";         // specialty, tier 5, PA, $3,450.00

HttpClient& Client() { return E2e::Get().client(); }
const std::string& TokenOf(Role role) { return E2e::Get().Token(role); }

HttpResult Put(const std::string& target, const json& body, const std::string& token,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
  headers.emplace_back("Content-Type", "application/json");
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return Client().Send("PUT", target, body.dump(), headers);
}

Rows Sql(const std::string& sql, std::initializer_list<Value> params = {}) {
  auto db = OpenSqlite({.path = E2e::Get().data_dir() + "/rxdesk.db"});
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return {};
  auto rows = (*db)->Query(sql, std::span<const Value>(params.begin(), params.size()));
  EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
  return rows.ok() ? *rows : Rows{};
}

struct Member {
  std::string id;
  std::string contact;  // agent.demo's verified contact with them
};

Member NewMember(int n, const std::string& plan) {
  json body = NewMemberBody(7000 + n);
  body["last_name"] = "Benefits" + std::to_string(n);
  body["plan_id"] = plan;
  const HttpResult m = Client().Post("/v1/members", body, TokenOf(Role::kAgent));
  EXPECT_EQ(m.status, 201) << m.body;
  return {m.json().value("id", ""), E2e::Get().VerifiedContact(TokenOf(Role::kAgent), m.json())};
}

std::string NewRx(const Member& m, const std::string& ndc, int daw = 0, int days = 30) {
  const json body = {{"drug", {{"ndc", ndc}, {"name", "test drug"}}},
                     {"schedule", "none"},
                     {"quantity", days},
                     {"days_supply", days},
                     {"refills_authorized", 11},
                     {"written_date", "2026-01-02"},
                     {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}}},
                     {"daw", daw}};
  const HttpResult rx = Client().Post("/v1/members/" + m.id + "/prescriptions", body, TokenOf(Role::kPharmacist));
  EXPECT_EQ(rx.status, 201) << rx.body;
  return rx.json().value("rx_number", "");
}

// A pharmacist's historical fill (the override keeps these tests about money, not timing).
void Fill(const std::string& rx, const std::string& date, double quantity, int days) {
  const HttpResult f = Client().Post(
      "/v1/prescriptions/" + rx + "/fills",
      {{"fill_date", date}, {"quantity", quantity}, {"days_supply", days}, {"override_reason", "benefits test fill"}},
      TokenOf(Role::kPharmacist));
  ASSERT_EQ(f.status, 201) << f.body;
}

json Year(const Member& m) {
  const HttpResult y = Client().Get("/v1/members/" + m.id + "/benefits?year=2026", TokenOf(Role::kPharmacist));
  EXPECT_EQ(y.status, 200) << y.body;
  return y.json();
}

std::int64_t Paid(const Member& m) { return Year(m)["member_paid_cents"].get<std::int64_t>(); }

json Drug(const std::string& plan, const std::string& ndc, const std::string& query = "") {
  const HttpResult d = Client().Get("/v1/plans/" + plan + "/drugs/" + ndc + query, TokenOf(Role::kMember));
  EXPECT_EQ(d.status, 200) << d.body;
  return d.json();
}

TEST(Plans, ListTheDemoPlansWithEachTiersRetailAndMailShare) {
  const HttpResult list = Client().Get("/v1/plans", TokenOf(Role::kAdmin));
  ASSERT_EQ(list.status, 200) << list.body;
  std::set<std::string> ids;
  const json plans = list.json();
  for (const auto& p : plans["items"]) ids.insert(p["id"].get<std::string>());
  EXPECT_TRUE(ids.contains("commercial-2026") && ids.contains("part-d-2026"));
  const json plan = Client().Get("/v1/plans/commercial-2026", TokenOf(Role::kMember)).json();
  ASSERT_EQ(plan["tiers"].size(), 5u);
  EXPECT_EQ(plan["tiers"][0]["retail30"], json({{"kind", "copay"}, {"copay_cents", 500}}));
  EXPECT_EQ(plan["tiers"][0]["mail90"]["copay_cents"], 1000);  // PRODUCT.md §5: 2 × by default
  EXPECT_TRUE(plan["tiers"][0]["mail90_derived"].get<bool>());
  EXPECT_EQ(plan["tiers"][3]["retail30"]["kind"], "coinsurance");
  EXPECT_EQ(plan["tiers"][3]["retail30"]["coinsurance_percent"], 40.0);
  EXPECT_EQ(plan["tiers"][3]["mail90"]["max_cents"], 30000);
  EXPECT_FALSE(plan["tiers"][4]["mail90_derived"].get<bool>());
  EXPECT_EQ(Client().Get("/v1/plans/part-d-2026", TokenOf(Role::kAgent)).json()["cost_sharing"],
            "part_d_standard_benefit");
  EXPECT_EQ(Client().Get("/v1/plans/no-such-plan", TokenOf(Role::kAgent)).status, 404);
  EXPECT_EQ(Client().Get("/v1/plans", "").status, 401);
}

TEST(Formulary, FiltersByTierAndNameAndPages) {
  const HttpResult specialty = Client().Get("/v1/plans/commercial-2026/formulary?tier=5", TokenOf(Role::kMember));
  ASSERT_EQ(specialty.status, 200) << specialty.body;
  ASSERT_EQ(specialty.json()["items"].size(), 1u);
  EXPECT_EQ(specialty.json()["items"][0]["ndc"], kHumira);
  EXPECT_TRUE(specialty.json()["items"][0]["prior_authorization"].get<bool>());
  const json lipitor = Client().Get("/v1/plans/commercial-2026/formulary?q=LIPI", TokenOf(Role::kMember)).json();
  ASSERT_EQ(lipitor["items"].size(), 1u);
  EXPECT_EQ(lipitor["items"][0]["a_rated_generic_ndc"], kAtorvastatin);
  // A name with LIKE's wildcards matches literally, not everything.
  EXPECT_TRUE(
      Client().Get("/v1/plans/commercial-2026/formulary?q=%25", TokenOf(Role::kMember)).json()["items"].empty());
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    const json page =
        Client()
            .Get("/v1/plans/commercial-2026/formulary?limit=7" + (cursor.empty() ? "" : "&cursor=" + cursor),
                 TokenOf(Role::kMember))
            .json();
    for (const auto& i : page["items"]) EXPECT_TRUE(seen.insert(i["ndc"].get<std::string>()).second);
    cursor = page["next_cursor"].is_null() ? "" : page["next_cursor"].get<std::string>();
    ++pages;
  } while (!cursor.empty() && pages < 20);
  EXPECT_EQ(seen.size(), 29u);  // the 24 listed drugs and 5 brands
  for (const char* bad : {"tier=0", "tier=6", "tier=x", "limit=0"}) {
    const HttpResult r =
        Client().Get(std::string("/v1/plans/commercial-2026/formulary?") + bad, TokenOf(Role::kMember));
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(r.json()["error"]["code"], "invalid_request");
  }
  EXPECT_EQ(Client().Get("/v1/plans/nope/formulary", TokenOf(Role::kMember)).status, 404);
}

TEST(DrugLookup, CopaysCoinsuranceAndTheMailShareAtTwiceTheRetailCopay) {
  const json eliquis = Drug("commercial-2026", kEliquis);
  EXPECT_EQ(eliquis["tier"], 3);
  EXPECT_FALSE(eliquis["prior_authorization"].get<bool>());
  EXPECT_EQ(eliquis["retail30"]["drug_cost_cents"], 29250);
  EXPECT_EQ(eliquis["retail30"]["member_pays_cents"], 4500);
  EXPECT_EQ(eliquis["retail30"]["plan_pays_cents"], 29250 - 4500);
  EXPECT_EQ(eliquis["mail90"]["member_pays_cents"], 9000);  // 2 × the $45 copay for 90 days
  EXPECT_TRUE(eliquis["generic_alternative"].is_null());
  const json zoloft = Drug("commercial-2026", kZoloft, "?daw=1");
  EXPECT_EQ(zoloft["retail30"]["member_pays_cents"], 13200);  // 40% of $330
  EXPECT_EQ(zoloft["mail90"]["member_pays_cents"], 30000);    // 40% of $990 held at 2 × $150
  EXPECT_EQ(Drug("commercial-2026", kOzempic)["prior_authorization"], true);
  EXPECT_EQ(Client().Get("/v1/plans/commercial-2026/drugs/12345-6789-01", TokenOf(Role::kMember)).status, 404);
  EXPECT_EQ(Client().Get("/v1/plans/commercial-2026/drugs/not-an-ndc", TokenOf(Role::kMember)).status, 404);
  EXPECT_EQ(Client().Get("/v1/plans/commercial-2026/drugs/99999-0303-01", TokenOf(Role::kMember)).json()["ndc"],
            kEliquis);
  EXPECT_EQ(Client()
                .Get(std::string("/v1/plans/commercial-2026/drugs/") + kEliquis + "?daw=10", TokenOf(Role::kMember))
                .json()["error"]["field"],
            "daw");
  EXPECT_EQ(
      Client()
          .Get(std::string("/v1/plans/commercial-2026/drugs/") + kEliquis + "?quantity=-3", TokenOf(Role::kMember))
          .status,
      400);
}

TEST(DrugLookup, DawZeroDispensesTheGenericAndShowsTheSavingWhileDawOneOrTwoKeepTheBrand) {
  const json daw0 = Drug("commercial-2026", kLipitor);
  EXPECT_EQ(daw0["generic_alternative"]["ndc"], kAtorvastatin);
  EXPECT_EQ(daw0["retail30"]["dispensed"], "generic");
  EXPECT_EQ(daw0["retail30"]["member_pays_cents"], 360);  // 30 × $0.12, below the $5 copay
  EXPECT_EQ(daw0["retail30"]["brand_member_cost_cents"], 4500);
  EXPECT_EQ(daw0["retail30"]["saving_cents"], 4140);
  EXPECT_EQ(daw0["mail90"]["member_pays_cents"], 1000);  // the $10 mail copay, below the $10.80 cost
  EXPECT_EQ(daw0["mail90"]["saving_cents"], 8000);
  for (const char* daw : {"1", "2"}) {
    const json kept = Drug("commercial-2026", kLipitor, std::string("?daw=") + daw);
    EXPECT_EQ(kept["retail30"]["dispensed"], "brand") << daw;
    EXPECT_EQ(kept["retail30"]["member_pays_cents"], 4500) << daw;
    EXPECT_EQ(kept["retail30"]["saving_cents"], 0) << daw;
  }
}

TEST(PriorAuthorization, RequiredRefusesTheRefillUntilAPharmacistApproves) {
  const Member m = NewMember(1, "commercial-2026");
  const std::string rx = NewRx(m, kOzempic);
  const auto agent = InContact(m.contact);
  const HttpResult refused = Client().Post("/v1/refills", {{"rx_number", rx}}, TokenOf(Role::kAgent), agent);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "prior_auth_required");

  const HttpResult pa = Client().Post("/v1/prior-authorizations", {{"rx_number", rx}, {"note", "A1c 9.1 on metformin"}},
                                      TokenOf(Role::kAgent), agent);
  ASSERT_EQ(pa.status, 201) << pa.body;
  EXPECT_EQ(pa.json()["status"], "pending");
  EXPECT_FALSE(pa.json()["overdue"].get<bool>());
  const std::string id = pa.json()["id"];
  const Instant requested = *ParseInstant(pa.json()["requested_at"].get<std::string>());
  EXPECT_EQ(*ParseInstant(pa.json()["due_at"].get<std::string>()), requested + std::chrono::hours{24});
  const HttpResult twice = Client().Post("/v1/prior-authorizations", {{"rx_number", rx}}, TokenOf(Role::kAgent), agent);
  EXPECT_EQ(twice.status, 409);
  // The agent outside the verified contact, and the member themselves, get nothing of it.
  EXPECT_EQ(Client().Get("/v1/prior-authorizations/" + id, TokenOf(Role::kAgent)).json()["error"]["code"],
            "verification_required");
  EXPECT_EQ(Client().Get("/v1/prior-authorizations/" + id, TokenOf(Role::kMember)).status, 404);

  const std::string decide = "/v1/prior-authorizations/" + id + "/decision";
  EXPECT_EQ(Client().Post(decide, {{"decision", "approved"}, {"reason", "ok"}}, TokenOf(Role::kAgent), agent).status,
            403);
  EXPECT_EQ(Client().Post(decide, {{"decision", "approved"}, {"reason", "ok"}}, TokenOf(Role::kSupervisor)).status,
            403);
  EXPECT_EQ(Client().Post(decide, {{"decision", "approved"}}, TokenOf(Role::kPharmacist)).json()["error"]["field"],
            "reason");
  EXPECT_EQ(Client()
                .Post(decide, {{"decision", "maybe"}, {"reason", "x"}}, TokenOf(Role::kPharmacist))
                .json()["error"]["field"],
            "decision");
  EXPECT_EQ(Client()
                .Post(decide, {{"decision", "approved"}, {"reason", "x"}, {"extra", 1}}, TokenOf(Role::kPharmacist))
                .json()["error"]["field"],
            "extra");
  const HttpResult approved =
      Client().Post(decide, {{"decision", "approved"}, {"reason", "step therapy met"}}, TokenOf(Role::kPharmacist));
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["status"], "approved");
  EXPECT_EQ(approved.json()["reason"], "step therapy met");
  EXPECT_EQ(Client().Post(decide, {{"decision", "denied"}, {"reason", "again"}}, TokenOf(Role::kPharmacist)).status,
            409);
  // The member is told a decision was made (never which): one outbox row.
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM notification_outbox WHERE member_id = ? AND template_id = 'prior_auth_decided'",
                {Value(m.id)})[0]
                .Int(0),
            1);
  const HttpResult eligibility =
      Client().Get("/v1/prescriptions/" + rx + "/refill-eligibility", TokenOf(Role::kAgent), agent);
  EXPECT_TRUE(eligibility.json()["eligible"].get<bool>()) << eligibility.body;
  EXPECT_EQ(Client().Post("/v1/refills", {{"rx_number", rx}}, TokenOf(Role::kAgent), agent).status, 201);
  EXPECT_EQ(Client().Post("/v1/prior-authorizations", {{"rx_number", rx}}, TokenOf(Role::kAgent), agent).status, 409);
}

TEST(PriorAuthorization, APendingRequestIsOverdueAtTwentyFourHoursExactly) {
  const Member m = NewMember(2, "commercial-2026");
  const HttpResult pa =
      Client().Post("/v1/prior-authorizations", {{"rx_number", NewRx(m, kHumira)}}, TokenOf(Role::kPharmacist));
  ASSERT_EQ(pa.status, 201) << pa.body;
  const std::string id = pa.json()["id"];
  const Instant due = *ParseInstant(pa.json()["due_at"].get<std::string>());
  const auto overdue_at = [&](Instant at) -> std::optional<bool> {
    std::string cursor;
    for (int pages = 0; pages < 50; ++pages) {
      const HttpResult r = Client().Get("/v1/prior-authorizations?status=pending&limit=500&at=" + FormatInstant(at) +
                                            (cursor.empty() ? "" : "&cursor=" + cursor),
                                        TokenOf(Role::kSupervisor));
      EXPECT_EQ(r.status, 200) << r.body;
      const json body = r.json();
      for (const auto& i : body["items"]) {
        if (i["id"] == id) {
          EXPECT_FALSE(i.contains("note"));  // the queue carries no PHI
          return i["overdue"].get<bool>();
        }
      }
      if (body["next_cursor"].is_null()) break;
      cursor = body["next_cursor"];
    }
    return std::nullopt;
  };
  EXPECT_EQ(overdue_at(due - std::chrono::seconds{1}), false);
  EXPECT_EQ(overdue_at(due), true);
  EXPECT_EQ(overdue_at(due + std::chrono::hours{48}), true);
  EXPECT_EQ(Client().Get("/v1/prior-authorizations?status=late", TokenOf(Role::kPharmacist)).json()["error"]["field"],
            "status");
  EXPECT_EQ(Client().Get("/v1/prior-authorizations?at=yesterday", TokenOf(Role::kPharmacist)).status, 400);
  EXPECT_EQ(Client().Get("/v1/prior-authorizations?cursor=zzz", TokenOf(Role::kPharmacist)).status, 400);
  EXPECT_EQ(Client().Get("/v1/prior-authorizations", TokenOf(Role::kAgent)).status, 403);
  EXPECT_EQ(Client().Get("/v1/prior-authorizations", TokenOf(Role::kPrivacyOfficer)).status, 403);
}

TEST(PriorAuthorization, IsRefusedForADrugThatNeedsNoneAndForMalformedRequests) {
  const Member m = NewMember(3, "commercial-2026");
  const HttpResult none =
      Client().Post("/v1/prior-authorizations", {{"rx_number", NewRx(m, kEliquis)}}, TokenOf(Role::kPharmacist));
  EXPECT_EQ(none.status, 422);
  EXPECT_EQ(none.json()["error"]["code"], "prior_auth_not_required");
  EXPECT_EQ(Client()
                .Post("/v1/prior-authorizations", {{"rx_number", 1234}}, TokenOf(Role::kPharmacist))
                .json()["error"]["field"],
            "rx_number");
  EXPECT_EQ(Client()
                .Post("/v1/prior-authorizations", {{"rx_number", "10000000"}, {"why", "x"}}, TokenOf(Role::kPharmacist))
                .json()["error"]["field"],
            "why");
  EXPECT_EQ(Client().Post("/v1/prior-authorizations", {{"rx_number", "99999999"}}, TokenOf(Role::kPharmacist)).status,
            404);
  EXPECT_EQ(Client()
                .Post("/v1/prior-authorizations", {{"rx_number", NewRx(m, kOzempic)}, {"note", ""}},
                      TokenOf(Role::kPharmacist))
                .json()["error"]["field"],
            "note");
}

TEST(PartDFills, CrossTheDeductibleWithinOneFillThenReachTheCapMidFillThenCostNothing) {
  const Member m = NewMember(4, "part-d-2026");
  const std::string eliquis = NewRx(m, kEliquis);
  Fill(eliquis, "2026-02-02", 60, 60);  // $585: all deductible
  json y = Year(m);
  EXPECT_EQ(y["member_paid_cents"], 58500);
  EXPECT_EQ(y["part_d"]["phase"], "deductible");
  EXPECT_FALSE(y["part_d"]["deductible_met"].get<bool>());
  Fill(eliquis, "2026-04-02", 30, 30);  // $292.50: $30 ends the deductible, 25% of $262.50 = $65.63
  y = Year(m);
  EXPECT_EQ(y["member_paid_cents"], 58500 + 3000 + 6563);
  EXPECT_EQ(y["out_of_pocket_cents"], 68063);
  EXPECT_EQ(y["part_d"]["deductible_met_cents"], 61500);
  EXPECT_TRUE(y["part_d"]["deductible_met"].get<bool>());
  EXPECT_EQ(y["part_d"]["phase"], "initial");
  const std::string humira = NewRx(m, kHumira, 0, 28);
  Fill(humira, "2026-05-04", 2, 28);  // $6,900: 25% would be $1,725, but only $1,419.37 is left to $2,100
  y = Year(m);
  EXPECT_EQ(y["out_of_pocket_cents"], 210000);
  EXPECT_EQ(y["member_paid_cents"], 210000);
  EXPECT_EQ(y["plan_paid_cents"], y["drug_cost_cents"].get<std::int64_t>() - 210000);
  EXPECT_EQ(y["part_d"]["phase"], "catastrophic");
  EXPECT_EQ(y["part_d"]["remaining_to_threshold_cents"], 0);
  Fill(humira, "2026-06-01", 2, 28);
  EXPECT_EQ(Paid(m), 210000);  // $0 for the rest of the year
  EXPECT_EQ(Year(m)["fills"], 4);
}

TEST(PartDFills, AFullLisMemberPaysTheLisCopaysAndInsulinIsCappedAtThirtyFiveAMonth) {
  const Member lis = NewMember(5, "part-d-2026");
  EXPECT_EQ(Put("/v1/members/" + lis.id + "/benefits/lis", {{"lis", "full"}}, TokenOf(Role::kAgent)).status,
            403);  // an agent needs the verified contact
  EXPECT_EQ(Put("/v1/members/" + lis.id + "/benefits/lis", {{"lis", "partial"}}, TokenOf(Role::kPharmacist))
                .json()["error"]["field"],
            "lis");
  const HttpResult set =
      Put("/v1/members/" + lis.id + "/benefits/lis", {{"lis", "full"}}, TokenOf(Role::kAgent), InContact(lis.contact));
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(Year(lis)["lis"], "full");
  Fill(NewRx(lis, kEliquis), "2026-03-02", 30, 30);
  EXPECT_EQ(Paid(lis), 1265);  // brand: $12.65
  Fill(NewRx(lis, kLevothyroxine), "2026-03-02", 90, 90);
  EXPECT_EQ(Paid(lis), 1265 + 510);  // generic costing $22.50: $5.10
  EXPECT_EQ(Year(lis)["part_d"]["deductible_cents"], 0);

  const Member insulin = NewMember(6, "part-d-2026");
  const std::string rx = NewRx(insulin, kInsulin);
  Fill(rx, "2026-03-02", 30, 30);  // $294 in the deductible phase: still $35
  EXPECT_EQ(Paid(insulin), 3500);
  Fill(rx, "2026-05-02", 60, 60);  // two months' supply: $70
  EXPECT_EQ(Paid(insulin), 3500 + 7000);
}

TEST(CommercialFills, AnOrdersFillGoesByMailAtTheMailShare) {
  const Member m = NewMember(8, "commercial-2026");
  const std::string rx = NewRx(m, kAtorvastatin, 0, 90);
  const HttpResult order =
      Client().Post("/v1/refills", {{"rx_number", rx}}, TokenOf(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(order.status, 201) << order.body;
  const std::string events = "/v1/orders/" + order.json()["order_id"].get<std::string>() + "/events";
  ASSERT_EQ(Client().Post(events, {{"type", "review_started"}}, TokenOf(Role::kPharmacist)).status, 201);
  ASSERT_EQ(Client().Post(events, {{"type", "filled"}}, TokenOf(Role::kPharmacist)).status, 201);
  // 90 × $0.12 = $10.80; the 90-day mail copay is 2 × $5 (retail would be the whole $10.80).
  EXPECT_EQ(Paid(m), 1000);
  Fill(NewRx(m, kAtorvastatin, 0, 90), "2026-03-02", 90, 90);
  EXPECT_EQ(Paid(m), 1000 + 1080);
}

TEST(Benefits, AMemberSeesOnlyTheirOwnYearAndNoRoleOutsideTheRuleGetsIt) {
  const std::string& own = E2e::Get().DemoMemberId();
  const HttpResult mine = Client().Get("/v1/members/" + own + "/benefits", TokenOf(Role::kMember));
  ASSERT_EQ(mine.status, 200) << mine.body;
  EXPECT_GE(mine.json()["fills"].get<int>(), 1);  // the seeded history is priced
  const Member other = NewMember(9, "commercial-2026");
  EXPECT_EQ(Client().Get("/v1/members/" + other.id + "/benefits", TokenOf(Role::kMember)).status, 404);
  EXPECT_EQ(Client().Get("/v1/members/" + other.id + "/benefits", TokenOf(Role::kAgent)).json()["error"]["code"],
            "verification_required");
  EXPECT_EQ(Client().Get("/v1/members/" + other.id + "/benefits", TokenOf(Role::kAdmin)).status, 403);
  EXPECT_EQ(Client().Get("/v1/members/" + other.id + "/benefits?year=1999", TokenOf(Role::kPharmacist)).status, 400);
  EXPECT_EQ(Put("/v1/members/" + other.id + "/benefits/lis", {{"lis", "full"}}, TokenOf(Role::kMember)).status, 403);
  EXPECT_EQ(Sql("SELECT COUNT(*) FROM fills f LEFT JOIN fill_costs c ON c.fill_id = f.id WHERE c.fill_id IS NULL AND "
                "f.created_by = 'seed'")[0]
                .Int(0),
            0);
}

}  // namespace
}  // namespace rxdesk::testing
