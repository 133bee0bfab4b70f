// Medicare Part D estimates and the Explanation of Benefits over HTTP against the
// real server: the public calculator at the rule's edges, a member's estimate at
// the position their priced fills left them in, and the monthly PDF read back
// with pdftotext (poppler-utils).
#include <date/tz.h>
#include <gtest/gtest.h>

#include <fstream>

#include "domain/zone.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

using nlohmann::json;

// The seed's brand Eliquis 5 mg: $9.75 a unit, tier 3, no generic, no prior authorization.
constexpr char kEliquis[] = "99999-0303-01";

Date TodayCt() {
  static const Zone zone(date::locate_zone("America/Chicago"));
  return zone.LocalDate(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

json EstimateBody(std::int64_t ytd, std::int64_t cost, std::int64_t days = 30) {
  return {{"year", 2026},
          {"ytd_out_of_pocket_cents", ytd},
          {"drug_cost_cents", cost},
          {"days_supply", days},
          {"generic", false},
          {"insulin", false},
          {"lis", "none"}};
}

// "YYYY-MM".
std::string MonthText(std::chrono::year_month month) { return FormatDate(Date{month / 1}).substr(0, 7); }

HttpResult Estimate(const json& body) { return E2e::Get().client().Post("/v1/part-d/estimate", body); }

// The text pdftotext reads from a PDF, layout kept (a table row stays on one line).
std::string PdfText(const std::string& pdf) {
  const std::string path = E2e::Get().data_dir() + "/eob-test-" + std::to_string(std::rand()) + ".pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  const CommandResult r = RunCommand({"/usr/bin/pdftotext", "-layout", "-enc", "UTF-8", path, "-"});
  EXPECT_EQ(r.exit_code, 0) << "pdftotext (poppler-utils) failed: " << r.err;
  std::remove(path.c_str());
  return r.out;
}

// A Part D member with an Eliquis prescription, and agent.demo's verified contact with them.
struct PartDMember {
  json member;
  std::string id;
  std::string rx;
  std::string contact;
};

PartDMember NewPartDMember(int n, const std::string& first, const std::string& last,
                           const std::string& plan = "part-d-2026") {
  auto& env = E2e::Get();
  json body = NewMemberBody(7000 + n);
  body["first_name"] = first;
  body["last_name"] = last;
  body["plan_id"] = plan;
  const HttpResult created = env.client().Post("/v1/members", body, env.Token(Role::kAgent));
  EXPECT_EQ(created.status, 201) << created.body;
  PartDMember m;
  m.member = created.json();
  m.id = m.member.value("id", "");
  const json rx = {{"drug", {{"ndc", kEliquis}, {"name", "Eliquis"}, {"strength", "5 mg"}, {"form", "tablet"}}},
                   {"schedule", "none"},
                   {"quantity", 60},
                   {"days_supply", 30},
                   {"refills_authorized", 11},
                   {"written_date", "2026-01-05"},
                   {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}}}};
  const HttpResult prescribed =
      env.client().Post("/v1/members/" + m.id + "/prescriptions", rx, env.Token(Role::kPharmacist));
  EXPECT_EQ(prescribed.status, 201) << prescribed.body;
  m.rx = prescribed.json().value("rx_number", "");
  m.contact = env.VerifiedContact(env.Token(Role::kAgent), m.member);
  return m;
}

// A dispensed fill of `units` Eliquis tablets ($9.75 each), priced as it is recorded.
void Fill(const PartDMember& m, Date day, int units) {
  auto& env = E2e::Get();
  const HttpResult r = env.client().Post("/v1/prescriptions/" + m.rx + "/fills",
                                         {{"fill_date", FormatDate(day)},
                                          {"quantity", units},
                                          {"days_supply", 30},
                                          {"override_reason", "historical fill entered for the statement"}},
                                         env.Token(Role::kPharmacist));
  ASSERT_EQ(r.status, 201) << r.body;
}

HttpResult GetEob(const PartDMember& m, const std::string& month, const std::string& token,
                  const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  return E2e::Get().client().Get("/v1/members/" + m.id + "/eob/" + month + ".pdf", token, headers);
}

// ---- the public calculator ----

TEST(PartDEstimate, TheDeductibleIsCrossedWithinOneFillAndNeedsNoToken) {
  const HttpResult r = Estimate(EstimateBody(60000, 10000));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json(), (json{{"member_pays_cents", 3625},
                            {"plan_pays_cents", 6375},
                            {"ytd_out_of_pocket_after_cents", 63625},
                            {"phase_after", "initial"}}));
  // One cent short of the deductible stays in it; reaching it exactly moves on.
  EXPECT_EQ(Estimate(EstimateBody(0, 61499)).json()["phase_after"], "deductible");
  EXPECT_EQ(Estimate(EstimateBody(0, 61500)).json()["phase_after"], "initial");
}

TEST(PartDEstimate, TheCapIsReachedMidFillAndThenNothingIsOwed) {
  HttpResult r = Estimate(EstimateBody(200000, 100000));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["member_pays_cents"], 10000);
  EXPECT_EQ(r.json()["plan_pays_cents"], 90000);
  EXPECT_EQ(r.json()["phase_after"], "catastrophic");
  r = Estimate(EstimateBody(210000, 100000));
  EXPECT_EQ(r.json()["member_pays_cents"], 0);
  EXPECT_EQ(r.json()["ytd_out_of_pocket_after_cents"], 210000);
}

TEST(PartDEstimate, TheCoinsuranceIsRoundedHalfUpToTheCent) {
  EXPECT_EQ(Estimate(EstimateBody(61500, 2)).json()["member_pays_cents"], 1);      // 25% of 2¢ = 0.5¢
  EXPECT_EQ(Estimate(EstimateBody(61500, 1)).json()["member_pays_cents"], 0);      // 0.25¢
  EXPECT_EQ(Estimate(EstimateBody(61500, 6)).json()["member_pays_cents"], 2);      // 1.5¢
  EXPECT_EQ(Estimate(EstimateBody(61400, 102)).json()["member_pays_cents"], 101);  // $1 + 25% of 2¢
}

TEST(PartDEstimate, LowIncomeSubsidyMembersPayTheYearsCopayNeverMoreThanTheCost) {
  json body = EstimateBody(0, 40000);
  body["lis"] = "full";
  EXPECT_EQ(Estimate(body).json()["member_pays_cents"], 1265);
  body["generic"] = true;
  EXPECT_EQ(Estimate(body).json()["member_pays_cents"], 510);
  body["drug_cost_cents"] = 300;
  EXPECT_EQ(Estimate(body).json()["member_pays_cents"], 300);
  body["year"] = 2025;
  body["drug_cost_cents"] = 40000;
  EXPECT_EQ(Estimate(body).json()["member_pays_cents"], 490);
}

TEST(PartDEstimate, InsulinSkipsTheDeductibleAndIsCappedPerStartedMonth) {
  json body = EstimateBody(0, 60000, 30);
  body["insulin"] = true;
  EXPECT_EQ(Estimate(body).json()["member_pays_cents"], 3500);
  body["days_supply"] = 31;
  EXPECT_EQ(Estimate(body).json()["member_pays_cents"], 7000);
  body["drug_cost_cents"] = 10000;  // 25% is less than the cap
  EXPECT_EQ(Estimate(body).json()["member_pays_cents"], 2500);
}

TEST(PartDEstimate, AYearWithoutParametersIsUnsupported) {
  for (int year : {2024, 2027, 2100}) {
    json body = EstimateBody(0, 100);
    body["year"] = year;
    const HttpResult r = Estimate(body);
    EXPECT_EQ(r.status, 422) << year;
    EXPECT_EQ(r.error_code(), "unsupported_year");
  }
}

TEST(PartDEstimate, EveryFieldIsCheckedAndNamed) {
  const auto field_of = [](const json& body) {
    const HttpResult r = Estimate(body);
    EXPECT_EQ(r.status, 400) << body << r.body;
    EXPECT_EQ(r.error_code(), "invalid_request");
    return r.json()["error"].value("field", "");
  };
  for (const char* key :
       {"year", "ytd_out_of_pocket_cents", "drug_cost_cents", "days_supply", "generic", "insulin", "lis"}) {
    json missing = EstimateBody(0, 100);
    missing.erase(key);
    EXPECT_EQ(field_of(missing), key) << "missing";
    json wrong = EstimateBody(0, 100);
    wrong[key] = json::array();
    EXPECT_EQ(field_of(wrong), key) << "wrong type";
  }
  json b = EstimateBody(0, 100);
  b["coupon"] = "FREE";
  EXPECT_EQ(field_of(b), "coupon");
  EXPECT_EQ(field_of(EstimateBody(0, -1)), "drug_cost_cents");
  EXPECT_EQ(field_of(EstimateBody(0, 1'000'000'001)), "drug_cost_cents");
  EXPECT_EQ(field_of(EstimateBody(-1, 100)), "ytd_out_of_pocket_cents");
  EXPECT_EQ(field_of(EstimateBody(210001, 100)), "ytd_out_of_pocket_cents");
  EXPECT_EQ(field_of(EstimateBody(0, 100, 0)), "days_supply");
  EXPECT_EQ(field_of(EstimateBody(0, 100, 366)), "days_supply");
  b = EstimateBody(0, 100);
  b["lis"] = "partial";
  EXPECT_EQ(field_of(b), "lis");
  b = EstimateBody(0, 100);
  b["year"] = 2026.0;
  EXPECT_EQ(field_of(b), "year");
  b = EstimateBody(0, 100);
  b["drug_cost_cents"] = "100";
  EXPECT_EQ(field_of(b), "drug_cost_cents");
  const HttpResult huge =
      E2e::Get().client().Send("POST", "/v1/part-d/estimate", R"({"year": 2026, "drug_cost_cents": 1e400})",
                               {{"Content-Type", "application/json"}});
  EXPECT_EQ(huge.status, 400) << huge.body;
  EXPECT_EQ(
      E2e::Get().client().Send("POST", "/v1/part-d/estimate", "[]", {{"Content-Type", "application/json"}}).status,
      400);
}

// ---- a member's own estimate ----

TEST(MemberPartDEstimate, StartsFromThePositionTheirPricedFillsLeftThemIn) {
  auto& env = E2e::Get();
  const PartDMember m = NewPartDMember(1, "Rosa", "Delgado");
  const Date today = TodayCt();
  const int year = static_cast<int>(std::chrono::year_month_day{today}.year());
  Fill(m, today, 60);  // $585.00, all of it deductible
  const json body = {{"drug_cost_cents", 10000}, {"days_supply", 30}, {"generic", false}, {"insulin", false}};
  const std::string path = "/v1/members/" + m.id + "/part-d/estimate";
  const HttpResult r = env.client().Post(path, body, env.Token(Role::kAgent), InContact(m.contact));
  if (year != 2026) {  // only 2025 and 2026 ship offered
    EXPECT_EQ(r.error_code(), "unsupported_year") << r.body;
    return;
  }
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["year"], 2026);
  EXPECT_EQ(r.json()["ytd_out_of_pocket_cents"], 58500);
  EXPECT_EQ(r.json()["lis"], "none");
  // $30 finishes the deductible, then 25% of $70 = $17.50.
  EXPECT_EQ(r.json()["member_pays_cents"], 4750);
  EXPECT_EQ(r.json()["phase_after"], "initial");

  // With the full subsidy set, the brand copay applies instead.
  const HttpResult lis = env.client().Send("PUT", "/v1/members/" + m.id + "/benefits/lis", R"({"lis": "full"})",
                                           {{"Content-Type", "application/json"},
                                            {"Authorization", "Bearer " + env.Token(Role::kAgent)},
                                            {"X-Contact-Id", m.contact}});
  ASSERT_EQ(lis.status, 200) << lis.body;
  const HttpResult with_lis = env.client().Post(path, body, env.Token(Role::kAgent), InContact(m.contact));
  EXPECT_EQ(with_lis.json()["lis"], "full");
  EXPECT_EQ(with_lis.json()["member_pays_cents"], 1265);
}

TEST(MemberPartDEstimate, OnlyTheMemberOrAnAgentInAVerifiedContactMayAsk) {
  auto& env = E2e::Get();
  const PartDMember m = NewPartDMember(2, "Tomás", "Ibáñez");
  const json body = {{"drug_cost_cents", 10000}, {"days_supply", 30}, {"generic", true}, {"insulin", false}};
  const std::string path = "/v1/members/" + m.id + "/part-d/estimate";
  const HttpResult no_contact = env.client().Post(path, body, env.Token(Role::kAgent));
  EXPECT_EQ(no_contact.status, 403);
  EXPECT_EQ(no_contact.error_code(), "verification_required");
  // member.demo is someone else: they learn nothing about this member.
  const HttpResult other = env.client().Post(path, body, env.Token(Role::kMember));
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body.find(m.id), std::string::npos);
  for (Role role : {Role::kAdmin, Role::kPrivacyOfficer}) {
    EXPECT_EQ(env.client().Post(path, body, env.Token(role)).status, 403);
  }
  EXPECT_EQ(env.client().Post(path, body).status, 401);
  json unknown = body;
  unknown["ytd_out_of_pocket_cents"] = 0;  // the position is the member's record, not the caller's word
  const HttpResult r = env.client().Post(path, unknown, env.Token(Role::kAgent), InContact(m.contact));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "ytd_out_of_pocket_cents");
}

TEST(MemberPartDEstimate, AMemberOutsidePartDIsRefusedWithItsCode) {
  auto& env = E2e::Get();
  const PartDMember m = NewPartDMember(3, "Ana", "Commercial", "commercial-2026");
  const HttpResult r =
      env.client().Post("/v1/members/" + m.id + "/part-d/estimate",
                        {{"drug_cost_cents", 100}, {"days_supply", 30}, {"generic", true}, {"insulin", false}},
                        env.Token(Role::kAgent), InContact(m.contact));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.error_code(), "no_part_d_plan");
}

// ---- the Explanation of Benefits ----

// September 2026: $585.00 (all deductible), then $292.50 crossing the deductible
// ($30 + 25% of $262.50 = $65.625, half up $65.63). October: $8,775.00 reaching
// the $2,100 threshold mid-fill ($1,419.37).
struct StatementMember {
  PartDMember m;
  StatementMember() : m(NewPartDMember(4, "María José", "Núñez Peña")) {
    Fill(m, MakeDate(2026, 9, 2), 60);
    Fill(m, MakeDate(2026, 9, 30), 30);
    Fill(m, MakeDate(2026, 10, 5), 900);
  }
};

StatementMember& Statement() {
  static StatementMember* s = new StatementMember();
  return *s;
}

TEST(Eob, TheMonthsPdfListsEachFillTheTotalsAndTheYearToDate) {
  auto& env = E2e::Get();
  const PartDMember& m = Statement().m;
  const HttpResult r = GetEob(m, "2026-09", env.Token(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/pdf");
  EXPECT_EQ(r.Header("content-disposition"), "attachment; filename=\"eob-2026-09.pdf\"");
  EXPECT_EQ(r.body.substr(0, 5), "%PDF-");
  const std::string text = PdfText(r.body);
  EXPECT_NE(text.find("María José Núñez Peña"), std::string::npos) << text;
  EXPECT_NE(text.find(m.member["member_number"].get<std::string>()), std::string::npos) << text;
  EXPECT_NE(text.find("September 1, 2026 – September 30, 2026"), std::string::npos) << text;
  EXPECT_NE(text.find("09/02/2026"), std::string::npos) << text;
  EXPECT_NE(text.find("09/30/2026"), std::string::npos) << text;
  EXPECT_EQ(text.find("10/05/2026"), std::string::npos) << text;
  EXPECT_NE(text.find("Eliquis 5 mg"), std::string::npos) << text;
  EXPECT_NE(text.find(m.rx), std::string::npos) << text;
  // Row two: $292.50 cost, $196.87 plan, $95.63 member.
  EXPECT_NE(text.find("$292.50"), std::string::npos) << text;
  EXPECT_NE(text.find("$196.87"), std::string::npos) << text;
  EXPECT_NE(text.find("$95.63"), std::string::npos) << text;
  EXPECT_NE(text.find("Total for September 2026 (2 fills)"), std::string::npos) << text;
  EXPECT_NE(text.find("$877.50"), std::string::npos) << text;
  EXPECT_NE(text.find("$615.00 of $615.00 met"), std::string::npos) << text;
  EXPECT_NE(text.find("$680.63 of $2,100.00 ($1,419.37 to go)"), std::string::npos) << text;
}

TEST(Eob, TheThresholdReachedMidFillShowsOnTheNextMonthsPdf) {
  auto& env = E2e::Get();
  const PartDMember& m = Statement().m;
  const HttpResult r = GetEob(m, "2026-10", env.Token(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string text = PdfText(r.body);
  EXPECT_NE(text.find("$8,775.00"), std::string::npos) << text;
  EXPECT_NE(text.find("$7,355.63"), std::string::npos) << text;  // plan paid
  EXPECT_NE(text.find("$1,419.37"), std::string::npos) << text;  // member paid: the rest to $2,100
  EXPECT_NE(text.find("$9,652.50"), std::string::npos) << text;  // year-to-date drug cost
  EXPECT_NE(text.find("$2,100.00 of $2,100.00 reached"), std::string::npos) << text;
  EXPECT_NE(text.find("catastrophic coverage"), std::string::npos) << text;
}

TEST(Eob, AMonthWithoutFillsStillRendersAndSaysSo) {
  auto& env = E2e::Get();
  const PartDMember& m = Statement().m;
  const HttpResult r = GetEob(m, "2026-08", env.Token(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string text = PdfText(r.body);
  EXPECT_NE(text.find("No prescriptions were filled in August 2026."), std::string::npos) << text;
  EXPECT_NE(text.find("$0.00 of $615.00 met so far"), std::string::npos) << text;
}

TEST(Eob, TheListNamesTheMonthsWithFillsNewestFirst) {
  auto& env = E2e::Get();
  const PartDMember& m = Statement().m;
  const std::string path = "/v1/members/" + m.id + "/eob";
  const HttpResult r = env.client().Get(path + "?limit=1", env.Token(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json()["items"].size(), 1u);
  EXPECT_EQ(r.json()["items"][0]["month"], "2026-10");
  EXPECT_EQ(r.json()["items"][0]["pdf"], "/v1/members/" + m.id + "/eob/2026-10.pdf");
  ASSERT_TRUE(r.json()["next_cursor"].is_string());
  const HttpResult next = env.client().Get(path + "?limit=1&cursor=" + r.json()["next_cursor"].get<std::string>(),
                                           env.Token(Role::kAgent), InContact(m.contact));
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(next.json()["items"][0], (json{{"month", "2026-09"},
                                           {"fills", 2},
                                           {"drug_cost_cents", 87750},
                                           {"plan_paid_cents", 19687},
                                           {"member_paid_cents", 68063},
                                           {"pdf", "/v1/members/" + m.id + "/eob/2026-09.pdf"}}));
  EXPECT_TRUE(next.json()["next_cursor"].is_null());
  EXPECT_EQ(env.client().Get(path + "?cursor=nonsense", env.Token(Role::kAgent), InContact(m.contact)).status, 400);
}

TEST(Eob, AFutureOrMalformedMonthIsRefusedWithAClearCode) {
  auto& env = E2e::Get();
  const PartDMember& m = Statement().m;
  const std::chrono::year_month_day today{TodayCt()};
  const std::chrono::year_month next = (today.year() / today.month()) + std::chrono::months{1};
  const HttpResult future = GetEob(m, MonthText(next), env.Token(Role::kAgent), InContact(m.contact));
  EXPECT_EQ(future.status, 404);
  EXPECT_EQ(future.error_code(), "month_in_future");
  for (const char* bad : {"2026-13", "2026-9", "26-09", "2026-09-01", "september", "%2e%2e"}) {
    const HttpResult r = GetEob(m, bad, env.Token(Role::kAgent), InContact(m.contact));
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
    EXPECT_EQ(r.error_code(), "invalid_request") << bad;
  }
  // The current month renders as it stands.
  EXPECT_EQ(GetEob(m, MonthText(today.year() / today.month()), env.Token(Role::kAgent), InContact(m.contact)).status,
            200);
}

TEST(Eob, AnotherMembersEobIsNotFoundAndAnAgentNeedsAVerifiedContact) {
  auto& env = E2e::Get();
  const PartDMember& m = Statement().m;
  const HttpResult other = GetEob(m, "2026-09", env.Token(Role::kMember));
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body.find("Núñez"), std::string::npos);
  EXPECT_EQ(env.client().Get("/v1/members/" + m.id + "/eob", env.Token(Role::kMember)).status, 404);
  const HttpResult no_contact = GetEob(m, "2026-09", env.Token(Role::kAgent));
  EXPECT_EQ(no_contact.status, 403);
  EXPECT_EQ(no_contact.error_code(), "verification_required");
  for (Role role : {Role::kAdmin, Role::kPrivacyOfficer}) EXPECT_EQ(GetEob(m, "2026-09", env.Token(role)).status, 403);
  EXPECT_EQ(GetEob(m, "2026-09", "").status, 401);
  // A member downloads their own: member.demo's current month.
  const std::chrono::year_month_day today{TodayCt()};
  const std::string month = MonthText(today.year() / today.month());
  const HttpResult own =
      env.client().Get("/v1/members/" + env.DemoMemberId() + "/eob/" + month + ".pdf", env.Token(Role::kMember));
  EXPECT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.Header("content-type"), "application/pdf");
}

TEST(Eob, EveryDownloadIsInTheAuditLogWithTheMember) {
  auto& env = E2e::Get();
  const PartDMember& m = Statement().m;
  ASSERT_EQ(GetEob(m, "2026-09", env.Token(Role::kAgent), InContact(m.contact)).status, 200);
  ASSERT_EQ(GetEob(m, "2026-09", env.Token(Role::kAgent)).status, 403);
  const HttpResult search = env.client().Post("/v1/audit/search", {{"member_id", m.id}, {"action", "eob.read"}},
                                              env.Token(Role::kPrivacyOfficer));
  ASSERT_EQ(search.status, 200) << search.body;
  int ok = 0, denied = 0;
  const json found = search.json();
  for (const json& item : found["items"]) {
    ok += item["outcome"] == "ok";
    denied += item["outcome"] == "denied";
  }
  EXPECT_GE(ok, 1) << search.body;
  EXPECT_GE(denied, 1) << search.body;
}

}  // namespace
}  // namespace rxdesk::testing
