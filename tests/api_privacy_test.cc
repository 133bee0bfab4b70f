// The privacy officer's tools and retention, against the real server and CLI:
// audit search (filters, paging edges, audited), the access report (JSON and
// CSV, a known read by an agent, no PHI), privacy incidents (lifecycle, wrong
// transitions, sealed at rest), every other role refused, retention (the
// window's edge in-process with a manual clock, the CLI, the lease, the daily
// schedule), and `audit verify` catching rows changed with SQL behind its back.
#include <date/tz.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "domain/clock.h"
#include "services/retention.h"
#include "store/audit_log.h"
#include "store/store.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr Role kNotOfficers[] = {Role::kMember, Role::kAgent, Role::kPharmacist, Role::kSupervisor, Role::kAdmin};

HttpResult Send(const std::string& method, const std::string& target, const Json& body, const std::string& token,
                Headers extra = {}) {
  extra.emplace_back("Authorization", "Bearer " + token);
  extra.emplace_back("Content-Type", "application/json");
  return E2e::Get().client().Send(method, target, body.is_null() ? "" : body.dump(), extra);
}

const std::string& Officer() { return E2e::Get().Token(Role::kPrivacyOfficer); }

HttpResult SearchAudit(const Json& body) { return Send("POST", "/v1/audit/search", body, Officer()); }

std::string UserId(Role role) {
  const HttpResult me = E2e::Get().client().Get("/v1/me", E2e::Get().Token(role));
  EXPECT_EQ(me.status, 200) << me.body;
  return me.json().value("user_id", "");
}

// A new member, created by the pharmacist (pharmacists need no contact).
Json NewMember(int n) {
  const HttpResult created =
      E2e::Get().client().Post("/v1/members", NewMemberBody(5000 + n), E2e::Get().Token(Role::kPharmacist));
  EXPECT_EQ(created.status, 201) << created.body;
  return created.json();
}

// agent.demo reads the member; where the server gates agents on a verified
// contact (identity verification), through one, which also sets the entry's purpose.
HttpResult AgentReads(const Json& member) {
  auto& env = E2e::Get();
  const std::string& agent = env.Token(Role::kAgent);
  Headers headers;
  const Json doc = env.client().Get("/v1/openapi.json").json();
  if (doc["paths"].contains("/v1/contacts/{id}/verify")) {
    const HttpResult contact = Send("POST", "/v1/contacts", {{"channel", "call"}}, agent);
    EXPECT_EQ(contact.status, 201) << contact.body;
    const std::string id = contact.json().value("id", "");
    const HttpResult verified = Send("POST", "/v1/contacts/" + id + "/verify",
                                     {{"first_name", member["first_name"]},
                                      {"last_name", member["last_name"]},
                                      {"date_of_birth", member["date_of_birth"]},
                                      {"address", member["address"]}},
                                     agent);
    EXPECT_EQ(verified.status, 200) << verified.body;
    headers.emplace_back("X-Contact-Id", id);
  }
  return Send("GET", "/v1/members/" + member["id"].get<std::string>(), nullptr, agent, headers);
}

// The items of a list response, by value: a range-for over r.json()["items"] would
// iterate a destroyed temporary.
Json Items(const HttpResult& r) { return r.json()["items"]; }

std::vector<std::int64_t> Seqs(const HttpResult& r) {
  std::vector<std::int64_t> out;
  for (const Json& item : Items(r)) out.push_back(item["seq"].get<std::int64_t>());
  return out;
}

// ---- who may ----

TEST(PrivacyRoles, EveryOtherRoleIsRefusedOnEveryPrivacyRoute) {
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"POST", "/v1/audit/search"},     {"POST", "/v1/audit/access-report"}, {"POST", "/v1/privacy/incidents"},
      {"GET", "/v1/privacy/incidents"}, {"GET", "/v1/privacy/incidents/x1"}, {"PATCH", "/v1/privacy/incidents/x1"}};
  for (const auto& [method, path] : routes) {
    for (Role role : kNotOfficers) {
      const HttpResult r = Send(method, path, method == "GET" ? Json() : Json::object(), E2e::Get().Token(role));
      EXPECT_EQ(r.status, 403) << ToString(role) << " " << method << " " << path << ": " << r.body;
      EXPECT_EQ(r.error_code(), "forbidden");
    }
    EXPECT_EQ(E2e::Get()
                  .client()
                  .Send(method, path, method == "GET" ? "" : "{}", {{"Content-Type", "application/json"}})
                  .status,
              401)
        << method << " " << path;
  }
}

TEST(PrivacyRoles, TheOpenApiDocumentListsOnlyThePrivacyOfficer) {
  const Json doc = E2e::Get().client().Get("/v1/openapi.json").json();
  for (const char* path :
       {"/v1/audit/search", "/v1/audit/access-report", "/v1/privacy/incidents", "/v1/privacy/incidents/{id}"}) {
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    for (const auto& [method, op] : doc["paths"][path].items()) {
      EXPECT_EQ(op["x-roles"], Json::array({"privacy_officer"})) << method << " " << path;
    }
  }
}

// ---- audit search ----

TEST(AuditSearch, AFilterMatchingNothingIsAnEmptyPageWithoutACursor) {
  const HttpResult r = SearchAudit({{"actor_id", "01ZZZZZZZZZZZZZZZZZZZZZZZZ"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json()["items"].empty());
  EXPECT_TRUE(r.json()["next_cursor"].is_null());
}

TEST(AuditSearch, PagesNewestFirstWithExactlyOnePageAndACursorAtTheEnd) {
  const Json member = NewMember(1);
  const std::string id = member["id"];
  ASSERT_EQ(AgentReads(member).status, 200);
  ASSERT_EQ(AgentReads(member).status, 200);
  // The member's trail: member.create and two member.read (plus what verification wrote about them).
  const HttpResult all = SearchAudit({{"member_id", id}, {"limit", 500}});
  ASSERT_EQ(all.status, 200) << all.body;
  const std::vector<std::int64_t> seqs = Seqs(all);
  ASSERT_GE(seqs.size(), 3u);
  EXPECT_TRUE(std::is_sorted(seqs.rbegin(), seqs.rend())) << "newest first";
  EXPECT_TRUE(all.json()["next_cursor"].is_null());
  const int n = static_cast<int>(seqs.size());

  const HttpResult exact = SearchAudit({{"member_id", id}, {"limit", n}});  // exactly one page
  EXPECT_EQ(Seqs(exact), seqs);
  EXPECT_TRUE(exact.json()["next_cursor"].is_null());

  const HttpResult first = SearchAudit({{"member_id", id}, {"limit", n - 1}});
  EXPECT_EQ(Seqs(first), std::vector<std::int64_t>(seqs.begin(), seqs.end() - 1));
  ASSERT_TRUE(first.json()["next_cursor"].is_string());
  const HttpResult last = SearchAudit({{"member_id", id}, {"limit", n - 1}, {"cursor", first.json()["next_cursor"]}});
  EXPECT_EQ(Seqs(last), std::vector<std::int64_t>{seqs.back()});
  EXPECT_TRUE(last.json()["next_cursor"].is_null());

  const HttpResult beyond = SearchAudit({{"member_id", id}, {"cursor", std::to_string(seqs.back())}});
  EXPECT_TRUE(beyond.json()["items"].empty());  // a cursor at the end
  EXPECT_TRUE(beyond.json()["next_cursor"].is_null());
}

TEST(AuditSearch, FiltersByActionPrefixActorOutcomeAndTime) {
  const Json member = NewMember(2);
  const std::string id = member["id"];
  ASSERT_EQ(AgentReads(member).status, 200);
  const std::string agent_id = UserId(Role::kAgent);

  const HttpResult reads = SearchAudit({{"member_id", id}, {"action", "member.read"}});
  ASSERT_EQ(reads.json()["items"].size(), 1u) << reads.body;
  const Json read = reads.json()["items"][0];
  EXPECT_EQ(read["actor_id"], agent_id);
  EXPECT_EQ(read["actor_role"], "agent");
  EXPECT_EQ(read["record_type"], "member");
  EXPECT_EQ(read["record_id"], id);
  EXPECT_EQ(read["member_id"], id);
  EXPECT_EQ(read["outcome"], "ok");
  for (const char* key : {"seq", "at", "purpose", "request_id"}) EXPECT_TRUE(read.contains(key)) << key;

  const HttpResult prefix = SearchAudit({{"member_id", id}, {"action", "member."}, {"limit", 500}});
  std::set<std::string> actions;
  for (const Json& item : Items(prefix)) actions.insert(item["action"]);
  EXPECT_TRUE(actions.count("member.create") && actions.count("member.read")) << prefix.body;
  for (const std::string& a : actions) EXPECT_TRUE(a.starts_with("member.")) << a;

  const HttpResult by_actor = SearchAudit({{"member_id", id}, {"actor_id", agent_id}, {"action", "member.read"}});
  EXPECT_EQ(by_actor.json()["items"].size(), 1u);
  const HttpResult denied = SearchAudit({{"member_id", id}, {"outcome", "denied"}});
  EXPECT_TRUE(denied.json()["items"].empty());

  const std::string at = read["at"];
  EXPECT_EQ(SearchAudit({{"member_id", id}, {"action", "member.read"}, {"from", at}}).json()["items"].size(), 1u);
  EXPECT_EQ(SearchAudit({{"member_id", id}, {"action", "member.read"}, {"to", at}}).json()["items"].size(), 0u)
      << "to is exclusive";
}

TEST(AuditSearch, RefusesBadInputNamingTheField) {
  const std::vector<std::pair<Json, std::string>> cases = {
      {{{"cursor", "abc"}}, "cursor"},
      {{{"cursor", "-5"}}, "cursor"},
      {{{"limit", 0}}, "limit"},
      {{{"limit", 501}}, "limit"},
      {{{"from", "yesterday"}}, "from"},
      {{{"member", "x"}}, "member"},
      {{{"from", "2026-11-23T10:00:00Z"}, {"to", "2026-11-22T10:00:00Z"}}, "to"},
      {{{"action", std::string(101, 'a')}}, "action"}};
  for (const auto& [body, field] : cases) {
    const HttpResult r = SearchAudit(body);
    EXPECT_EQ(r.status, 400) << body.dump() << " " << r.body;
    EXPECT_EQ(r.json()["error"]["field"], field) << body.dump();
  }
}

TEST(AuditSearch, EverySearchIsItselfAudited) {
  const std::string officer_id = UserId(Role::kPrivacyOfficer);
  const Json member = NewMember(3);
  ASSERT_EQ(SearchAudit({{"member_id", member["id"]}}).status, 200);
  const HttpResult r = SearchAudit({{"actor_id", officer_id}, {"action", "audit.search"}, {"limit", 500}});
  bool found = false;
  for (const Json& item : Items(r)) found |= item["record_id"] == member["id"];
  EXPECT_TRUE(found) << "the search naming the member is in the log: " << r.body;
}

// ---- access report ----

TEST(AccessReport, ShowsAKnownReadByAnAgentWithUsernameRoleAndNoPhi) {
  const Json member = NewMember(4);
  const std::string id = member["id"];
  ASSERT_EQ(AgentReads(member).status, 200);
  const HttpResult r = Send("POST", "/v1/audit/access-report", {{"member_id", id}}, Officer());
  ASSERT_EQ(r.status, 200) << r.body;
  const Json report = r.json();
  EXPECT_EQ(report["member_id"], id);
  bool agent_read = false;
  for (const Json& item : report["items"]) {
    agent_read |= item["username"] == "agent.demo" && item["role"] == "agent" && item["action"] == "member.read" &&
                  item["outcome"] == "ok";
  }
  EXPECT_TRUE(agent_read) << r.body;
  bool agent_listed = false;
  for (const Json& a : report["accessors"]) agent_listed |= a["username"] == "agent.demo" && a["accesses"] >= 1;
  EXPECT_TRUE(agent_listed) << r.body;
  // Ids and usernames, never the member's PHI.
  for (const char* phi : {"last_name", "date_of_birth"}) {
    EXPECT_EQ(r.body.find(member[phi].get<std::string>()), std::string::npos) << phi;
  }
  EXPECT_EQ(r.body.find(member["address"]["line1"].get<std::string>()), std::string::npos);
}

TEST(AccessReport, ComesAsACsvAttachment) {
  const Json member = NewMember(5);
  ASSERT_EQ(AgentReads(member).status, 200);
  const HttpResult r =
      Send("POST", "/v1/audit/access-report", {{"member_id", member["id"]}, {"format", "csv"}}, Officer());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Header("content-type").starts_with("text/csv")) << r.Header("content-type");
  EXPECT_TRUE(r.Header("content-disposition").starts_with("attachment; filename=\"access-report-"));
  std::istringstream lines(r.body);
  std::string header;
  std::getline(lines, header);
  EXPECT_EQ(header, "seq,at,user_id,username,role,action,record_type,record_id,purpose,outcome,request_id\r");
  EXPECT_NE(r.body.find(",agent.demo,agent,member.read,member,"), std::string::npos) << r.body;
}

TEST(AccessReport, AWindowNarrowsItAndItsOwnUseIsAudited) {
  const Json member = NewMember(6);
  ASSERT_EQ(AgentReads(member).status, 200);
  const HttpResult none =
      Send("POST", "/v1/audit/access-report", {{"member_id", member["id"]}, {"to", "2020-01-01T00:00:00Z"}}, Officer());
  ASSERT_EQ(none.status, 200);
  EXPECT_TRUE(none.json()["items"].empty());
  EXPECT_EQ(none.json()["to"], "2020-01-01T00:00:00Z");
  const HttpResult audited =
      SearchAudit({{"action", "audit.access_report"}, {"actor_id", UserId(Role::kPrivacyOfficer)}});
  ASSERT_FALSE(audited.json()["items"].empty());
  EXPECT_EQ(audited.json()["items"][0]["record_id"], member["id"]);
}

TEST(AccessReport, RefusesAnUnknownMemberAndBadInput) {
  const HttpResult unknown =
      Send("POST", "/v1/audit/access-report", {{"member_id", "01ZZZZZZZZZZZZZZZZZZZZZZZZ"}}, Officer());
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Send("POST", "/v1/audit/access-report", Json::object(), Officer()).json()["error"]["field"], "member_id");
  EXPECT_EQ(Send("POST", "/v1/audit/access-report", {{"member_id", "x"}, {"format", "pdf"}}, Officer())
                .json()["error"]["field"],
            "format");
}

// ---- incidents ----

Json NewIncident(const std::vector<std::string>& members = {}) {
  return {{"discovered_at", "2026-11-20T15:00:00Z"},
          {"reported_by", "agent on the refill line"},
          {"summary", "Refill confirmation sent to the wrong email address"},
          {"affected_member_ids", members}};
}

HttpResult Patch(const std::string& id, const Json& body) {
  return Send("PATCH", "/v1/privacy/incidents/" + id, body, Officer());
}

TEST(Incidents, GoThroughTheirLifecycleWithHistoryAndRefuseWrongTransitions) {
  const Json member = NewMember(7);
  const HttpResult created = Send("POST", "/v1/privacy/incidents", NewIncident({member["id"]}), Officer());
  ASSERT_EQ(created.status, 201) << created.body;
  const Json inc = created.json();
  const std::string id = inc["id"];
  EXPECT_TRUE(std::regex_match(inc["reference"].get<std::string>(), std::regex("RX-\\d{6}-[0-9A-Z]{6}-.")))
      << inc["reference"];
  EXPECT_EQ(inc["status"], "open");
  EXPECT_EQ(inc["notification_due_on"], "2027-01-19");  // 2026-11-20 (CT) + 60 days
  EXPECT_EQ(inc["phi_acquired_or_viewed"], "unknown");
  EXPECT_EQ(inc["affected_member_ids"], Json::array({member["id"]}));
  ASSERT_EQ(inc["history"].size(), 1u);
  EXPECT_TRUE(inc["history"][0]["from_status"].is_null());

  const HttpResult skip = Patch(id, {{"status", "closed_no_breach"}});  // open cannot close
  EXPECT_EQ(skip.status, 409) << skip.body;
  EXPECT_EQ(skip.error_code(), "invalid_transition");

  const HttpResult investigating = Patch(id, {{"status", "investigating"}});
  ASSERT_EQ(investigating.status, 200) << investigating.body;
  EXPECT_EQ(investigating.json()["history"].size(), 2u);
  EXPECT_EQ(Patch(id, {{"status", "open"}}).error_code(), "invalid_transition");  // no way back

  const HttpResult no_resolution = Patch(id, {{"status", "closed_no_breach"}});
  EXPECT_EQ(no_resolution.status, 422);
  EXPECT_EQ(no_resolution.error_code(), "resolution_required");
  const HttpResult incomplete = Patch(
      id, {{"status", "closed_no_breach"}, {"resolution", "email recalled"}, {"phi_involved", "name and drug name"}});
  EXPECT_EQ(incomplete.status, 422);
  EXPECT_EQ(incomplete.error_code(), "risk_assessment_incomplete");
  EXPECT_EQ(incomplete.json()["error"]["field"], "unauthorized_person");
  EXPECT_EQ(Patch(id, {{"status", "closed_breach_notified"}, {"resolution", "x"}}).error_code(),
            "notification_required");

  // A refused change leaves nothing behind.
  EXPECT_TRUE(Send("GET", "/v1/privacy/incidents/" + id, nullptr, Officer()).json()["phi_involved"].is_null());

  const HttpResult closed = Patch(id, {{"status", "closed_no_breach"},
                                       {"resolution", "Recipient confirmed deletion in writing"},
                                       {"phi_involved", "name and one drug name"},
                                       {"unauthorized_person", "another member, bound by no duty"},
                                       {"phi_acquired_or_viewed", "no"},
                                       {"mitigation", "message recalled within 10 minutes; deletion attested"}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json()["status"], "closed_no_breach");
  EXPECT_TRUE(closed.json()["closed_at"].is_string());
  ASSERT_EQ(closed.json()["history"].size(), 3u);
  EXPECT_EQ(closed.json()["history"][2]["from_status"], "investigating");
  EXPECT_EQ(closed.json()["history"][2]["to_status"], "closed_no_breach");

  const HttpResult after = Patch(id, {{"summary", "rewritten"}});
  EXPECT_EQ(after.status, 409);
  EXPECT_EQ(after.error_code(), "conflict");

  // Every write is in the log, refusals included.
  const HttpResult trail = SearchAudit({{"action", "privacy_incident."}, {"limit", 500}});
  std::multiset<std::string> outcomes;
  for (const Json& e : Items(trail)) {
    if (e["record_id"] == id) outcomes.insert(e["action"].get<std::string>() + " " + e["outcome"].get<std::string>());
  }
  EXPECT_EQ(outcomes.count("privacy_incident.create ok"), 1u);
  EXPECT_EQ(outcomes.count("privacy_incident.update ok:investigating"), 1u);
  EXPECT_EQ(outcomes.count("privacy_incident.update ok:closed_no_breach"), 1u);
  EXPECT_EQ(outcomes.count("privacy_incident.update refused:invalid_transition"), 2u);
  EXPECT_EQ(outcomes.count("privacy_incident.update refused:conflict"), 1u);
}

TEST(Incidents, ClosingAsANotifiedBreachNeedsNotifiedAtNoEarlierThanDiscovery) {
  const HttpResult created = Send("POST", "/v1/privacy/incidents", NewIncident(), Officer());
  ASSERT_EQ(created.status, 201);
  const std::string id = created.json()["id"];
  ASSERT_EQ(Patch(id, {{"status", "investigating"}}).status, 200);
  const HttpResult early = Patch(id, {{"notified_at", "2026-11-19T00:00:00Z"}});
  EXPECT_EQ(early.status, 400);
  EXPECT_EQ(early.json()["error"]["field"], "notified_at");
  EXPECT_EQ(Patch(id, {{"notified_at", "2999-01-01T00:00:00Z"}}).status, 400);  // not in the future
  const HttpResult done = Patch(id, {{"status", "closed_breach_notified"},
                                     {"notified_at", "2026-11-21T09:00:00Z"},
                                     {"resolution", "individuals notified by mail; HHS log updated"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()["status"], "closed_breach_notified");
  EXPECT_EQ(done.json()["notified_at"], "2026-11-21T09:00:00Z");
  EXPECT_FALSE(done.json()["notification_overdue"].get<bool>());
}

TEST(Incidents, RefuseBadFieldsUnknownMembersAndAFutureDiscovery) {
  Json future = NewIncident();
  future["discovered_at"] = "2999-01-01T00:00:00Z";
  EXPECT_EQ(Send("POST", "/v1/privacy/incidents", future, Officer()).json()["error"]["field"], "discovered_at");
  const HttpResult unknown =
      Send("POST", "/v1/privacy/incidents", NewIncident({"01ZZZZZZZZZZZZZZZZZZZZZZZZ"}), Officer());
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(unknown.error_code(), "unknown_member");
  EXPECT_EQ(unknown.json()["error"]["field"], "affected_member_ids[0]");
  const HttpResult malformed = Send("POST", "/v1/privacy/incidents", NewIncident({"not an id"}), Officer());
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.json()["error"]["field"], "affected_member_ids[0]");
  Json answer = NewIncident();
  answer["phi_acquired_or_viewed"] = "maybe";
  EXPECT_EQ(Send("POST", "/v1/privacy/incidents", answer, Officer()).json()["error"]["field"],
            "phi_acquired_or_viewed");
  for (const char* required : {"discovered_at", "reported_by", "summary"}) {
    Json body = NewIncident();
    body.erase(required);
    EXPECT_EQ(Send("POST", "/v1/privacy/incidents", body, Officer()).json()["error"]["field"], required);
  }
  Json blank = NewIncident();
  blank["summary"] = "   ";
  EXPECT_EQ(Send("POST", "/v1/privacy/incidents", blank, Officer()).json()["error"]["field"], "summary");
  EXPECT_EQ(Patch("01ZZZZZZZZZZZZZZZZZZZZZZZZ", {{"status", "investigating"}}).status, 404);
  EXPECT_EQ(Send("GET", "/v1/privacy/incidents/01ZZZZZZZZZZZZZZZZZZZZZZZZ", nullptr, Officer()).status, 404);
}

TEST(Incidents, ListByStatusPagesNewestFirstWithoutFreeText) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    const HttpResult r = Send("POST", "/v1/privacy/incidents", NewIncident(), Officer());
    ASSERT_EQ(r.status, 201);
    ids.push_back(r.json()["id"]);
  }
  ASSERT_EQ(Patch(ids[1], {{"status", "investigating"}}).status, 200);
  const HttpResult page1 = Send("GET", "/v1/privacy/incidents?status=open&limit=1", nullptr, Officer());
  ASSERT_EQ(page1.status, 200) << page1.body;
  ASSERT_EQ(page1.json()["items"].size(), 1u);
  EXPECT_EQ(page1.json()["items"][0]["id"], ids[2]);
  EXPECT_FALSE(page1.json()["items"][0].contains("summary"));
  const std::string cursor = page1.json()["next_cursor"];
  const HttpResult page2 =
      Send("GET", "/v1/privacy/incidents?status=open&limit=1&cursor=" + cursor, nullptr, Officer());
  EXPECT_EQ(page2.json()["items"][0]["id"], ids[0]) << "ids[1] is investigating";
  const HttpResult investigating =
      Send("GET", "/v1/privacy/incidents?status=investigating&limit=500", nullptr, Officer());
  bool found = false;
  for (const Json& i : Items(investigating)) found |= i["id"] == ids[1];
  EXPECT_TRUE(found);
  EXPECT_EQ(Send("GET", "/v1/privacy/incidents?status=closed", nullptr, Officer()).json()["error"]["field"], "status");
}

TEST(Incidents, FreeTextIsSealedAtRestAndCreationIsIdempotent) {
  Json body = NewIncident();
  body["summary"] = "Zqxjv unmistakable incident summary";
  const Headers key = {{"Idempotency-Key", "incident-sealed-1"}};
  const HttpResult first = Send("POST", "/v1/privacy/incidents", body, Officer(), key);
  const HttpResult again = Send("POST", "/v1/privacy/incidents", body, Officer(), key);
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(again.json()["id"], first.json()["id"]);
  EXPECT_EQ(Send("GET", "/v1/privacy/incidents/" + first.json()["id"].get<std::string>(), nullptr, Officer())
                .json()["summary"],
            "Zqxjv unmistakable incident summary");
  auto db = OpenSqlite({.path = E2e::Get().data_dir() + "/rxdesk.db", .read_only = true});
  ASSERT_TRUE(db.ok());
  auto rows = (*db)->Query("SELECT summary_enc, reported_by_enc FROM privacy_incidents WHERE id = ?",
                           {Value(first.json()["id"].get<std::string>())});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0).find("Zqxjv"), std::string::npos);
  EXPECT_EQ((*rows)[0].Text(1).find("refill line"), std::string::npos);
}

// ---- retention, in process: the window's edge with a manual clock ----

class RetentionInProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::Open({.sqlite_path = dir_.path() + "/rxdesk.db"});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(*opened);
  }
  void AppendAt(Instant at, const std::string& action = "member.read") {
    AuditEntry e;
    e.at = at;
    e.actor_id = "U1";
    e.actor_role = "agent";
    e.action = action;
    e.record_type = "member";
    e.record_id = "M1";
    e.member_id = "M1";
    e.request_id = "r";
    e.outcome = "ok";
    ASSERT_TRUE(store_->Write([&](WriteContext& w) { return w.audit.Append(w.conn, e); }).ok());
  }
  RetentionService Service(const std::string& holder = "test:1") {
    return RetentionService(*store_, clock_, DefaultRetentionTargets(policy_), policy_, holder);
  }
  std::vector<std::string> Actions() {
    auto rows = store_->Read([](Connection& c) { return c.Query("SELECT action FROM audit_log ORDER BY seq"); });
    std::vector<std::string> out;
    if (rows.ok()) {
      for (const Row& r : *rows) out.push_back(r.Text(0));
    }
    return out;
  }
  AuditVerifyReport Verify() {
    auto r = store_->Read([](Connection& c) { return VerifyAuditLog(c); });
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : AuditVerifyReport{.ok = false};
  }

  TempDir dir_;
  ManualClock clock_{*ParseInstant("2026-11-23T09:30:00Z")};
  RetentionPolicy policy_;
  std::unique_ptr<Store> store_;
};

TEST_F(RetentionInProcess, AnEntryExactlyAtTheWindowIsKeptAndOneASecondOlderIsRemoved) {
  const Instant window = clock_.Now() - std::chrono::days(2190);
  AppendAt(window - std::chrono::seconds(1), "old.one");
  AppendAt(window, "edge.one");
  const auto dry = Service().Run({.dry_run = true});
  ASSERT_TRUE(dry.ok()) << dry.error().message;
  ASSERT_EQ(dry->kinds.size(), 1u);
  EXPECT_EQ(dry->kinds[0].kind, "audit_log");
  EXPECT_EQ(dry->kinds[0].removed, 1);
  EXPECT_EQ(Actions()[0], "old.one") << "a dry run removes nothing";

  const auto run = Service().Run({});
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->kinds[0].removed, 1);
  EXPECT_EQ(*run->kinds[0].cutoff, window);
  const std::vector<std::string> actions = Actions();
  ASSERT_EQ(actions.size(), 4u);  // edge.one, the dry run's entry, the batch's and the run's
  EXPECT_EQ(actions[0], "edge.one");
  EXPECT_EQ(actions[2], "retention.remove");
  EXPECT_EQ(actions[3], "retention.run");
  const AuditVerifyReport verified = Verify();
  EXPECT_TRUE(verified.ok) << verified.problem;
  EXPECT_EQ(verified.checkpoint.seq, 1);

  clock_.Advance(std::chrono::seconds(1));  // now the edge entry is one second too old
  ASSERT_TRUE(Service().Run({}).ok());
  EXPECT_EQ(Actions()[0], "retention.run") << "edge.one went next";
  EXPECT_TRUE(Verify().ok);
}

TEST_F(RetentionInProcess, TheRunIsAuditedWithItsCountsPerKind) {
  AppendAt(clock_.Now() - std::chrono::days(3000));
  ASSERT_TRUE(Service().Run({}).ok());
  auto rows = store_->Read(
      [](Connection& c) { return c.Query("SELECT outcome, actor_id FROM audit_log WHERE action = 'retention.run'"); });
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "ok:audit_log=1");
  EXPECT_EQ((*rows)[0].Text(1), "system");
}

TEST_F(RetentionInProcess, KeepForeverRemovesNothing) {
  policy_.audit_days = 0;
  AppendAt(clock_.Now() - std::chrono::days(9000));
  const auto run = Service().Run({});
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->kinds[0].days, 0);
  EXPECT_EQ(Actions().front(), "member.read");
}

TEST_F(RetentionInProcess, OneRunAtATimeThroughTheLeaseAndACrashedHoldersLeaseExpires) {
  AppendAt(clock_.Now() - std::chrono::days(3000));
  // Another node took the lease a minute ago and is still inside it.
  ASSERT_TRUE(store_
                  ->Write([&](WriteContext& w) -> Status {
                    RXD_TRY(
                        w.conn.Exec("UPDATE job_leases SET holder = 'node-2:77', expires_at = ? WHERE name = "
                                    "'retention'",
                                    {Value(FormatInstant(clock_.Now() + std::chrono::seconds(540)))}));
                    return OkStatus();
                  })
                  .ok());
  const auto busy = Service().Run({});
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, "retention_running");
  EXPECT_EQ(Actions().front(), "member.read");
  clock_.Advance(std::chrono::seconds(541));  // node-2 died: its lease ran out
  const auto run = Service().Run({});
  ASSERT_TRUE(run.ok()) << run.error().message;
  EXPECT_EQ(run->kinds[0].removed, 1);
  auto lease = store_->Read([](Connection& c) {
    return c.Query(
        "SELECT COALESCE(holder, ''), COALESCE(last_finished_at, '') FROM job_leases WHERE name = 'retention'");
  });
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ((*lease)[0].Text(0), "") << "released";
  EXPECT_EQ((*lease)[0].Text(1), FormatInstant(clock_.Now()));
}

TEST_F(RetentionInProcess, ACancelledRunStopsBetweenBatchesAndRecordsNoDay) {
  policy_.batch_size = 1;
  for (int i = 0; i < 3; ++i) AppendAt(clock_.Now() - std::chrono::days(3000));
  std::atomic<bool> cancel{true};
  const auto run = Service().Run({.run_on = MakeDate(2026, 11, 23), .cancel = &cancel});
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().code, "cancelled");
  auto lease = store_->Read([](Connection& c) {
    return c.Query("SELECT COALESCE(holder, ''), COALESCE(last_run_on, '') FROM job_leases WHERE name = 'retention'");
  });
  ASSERT_TRUE(lease.ok());
  EXPECT_EQ((*lease)[0].Text(0), "");
  EXPECT_EQ((*lease)[0].Text(1), "");
}

TEST(RetentionSchedule, IsDueOnceADayFromItsLocalTime) {
  const auto local = [](int day, int h, int m) {
    return LocalDateTime{MakeDate(2026, 11, static_cast<unsigned>(day)),
                         std::chrono::hours(h) + std::chrono::minutes(m)};
  };
  const std::chrono::minutes run_at{3 * 60 + 30};
  EXPECT_FALSE(RetentionDue(local(23, 3, 29), run_at, std::nullopt));
  EXPECT_TRUE(RetentionDue(local(23, 3, 30), run_at, std::nullopt));
  EXPECT_TRUE(RetentionDue(local(23, 23, 59), run_at, MakeDate(2026, 11, 22)));  // missed while down: caught up
  EXPECT_FALSE(RetentionDue(local(23, 12, 0), run_at, MakeDate(2026, 11, 23)));  // done today
  EXPECT_FALSE(RetentionDue(local(23, 12, 0), run_at, MakeDate(2026, 11, 24)));  // a clock set back
}

TEST_F(RetentionInProcess, TheDailyStepRunsOncePerLocalDayAcrossNodesAndRestarts) {
  const Zone zone(date::locate_zone("America/Chicago"));
  clock_.Set(*ParseInstant("2026-11-23T09:00:00Z"));  // 03:00 CT: not yet
  auto early = Service("node-1:1").RunIfDue(zone);
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE(early->has_value());
  clock_.Set(*ParseInstant("2026-11-23T09:31:00Z"));  // 03:31 CT
  auto first = Service("node-1:1").RunIfDue(zone);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_TRUE(first->has_value());
  auto other_node = Service("node-2:1").RunIfDue(zone);  // or node 1 after a restart
  ASSERT_TRUE(other_node.ok());
  EXPECT_FALSE(other_node->has_value());
  clock_.Set(*ParseInstant("2026-11-24T09:31:00Z"));
  auto next_day = Service("node-2:1").RunIfDue(zone);
  ASSERT_TRUE(next_day.ok());
  EXPECT_TRUE(next_day->has_value());
}

// ---- the CLI on a data dir of its own ----

// A seeded data dir whose log starts with entries from 2015 (appended before the seed).
class PrivacyCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    const std::string data = dir_->path() + "/data";
    ASSERT_EQ(Rxdesk({"migrate"}, data).exit_code, 0);
    {
      auto store = Store::Open({.sqlite_path = data + "/rxdesk.db"});
      ASSERT_TRUE(store.ok());
      for (int i = 0; i < 3; ++i) {
        AuditEntry e;
        e.at = *ParseInstant("2015-06-01T12:00:00Z") + std::chrono::hours(i);
        e.actor_id = "system";
        e.actor_role = "system";
        e.action = "legacy.import";
        e.record_type = "-";
        e.record_id = "-";
        e.request_id = "legacy";
        e.outcome = "ok";
        ASSERT_TRUE((*store)->Write([&](WriteContext& w) { return w.audit.Append(w.conn, e); }).ok());
      }
    }
    const CommandResult seeded = Rxdesk({"seed", "--demo", "--members", "2"}, data);
    ASSERT_EQ(seeded.exit_code, 0) << seeded.err;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  // A copy of the seeded dir for a test that changes it.
  std::string Copy() {
    const std::string copy = scratch_.path() + "/data";
    fs::copy(dir_->path() + "/data", copy, fs::copy_options::recursive);
    return copy;
  }
  std::unique_ptr<Connection> Db(const std::string& data) {
    auto db = OpenSqlite({.path = data + "/rxdesk.db"});
    EXPECT_TRUE(db.ok());
    return db.ok() ? std::move(*db) : nullptr;
  }
  static TempDir* dir_;
  TempDir scratch_;
};
TempDir* PrivacyCli::dir_ = nullptr;

TEST_F(PrivacyCli, RetentionDryRunCountsAndTheRunRemovesOldEntriesAndVerifyStaysOk) {
  const std::string data = Copy();
  const CommandResult dry = Rxdesk({"retention", "run", "--dry-run"}, data);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("audit_log: 3 would be removed (older than 2190 days"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("call_recordings: 365 days; none stored yet"), std::string::npos) << dry.out;
  const CommandResult run = Rxdesk({"retention", "run"}, data);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("audit_log: 3 removed"), std::string::npos) << run.out;
  const CommandResult verify = Rxdesk({"audit", "verify"}, data);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("chain intact from the retention checkpoint (entries 1-3 removed by retention)"),
            std::string::npos)
      << verify.out;
  EXPECT_NE(verify.out.find("audited tables ok"), std::string::npos) << verify.out;
  const CommandResult again = Rxdesk({"retention", "run"}, data);
  EXPECT_NE(again.out.find("audit_log: 0 removed"), std::string::npos) << again.out;
}

TEST_F(PrivacyCli, TamperingAfterRetentionIsStillCaught) {
  const std::string data = Copy();
  ASSERT_EQ(Rxdesk({"retention", "run"}, data).exit_code, 0);
  {
    auto db = Db(data);
    ASSERT_TRUE(db);
    EXPECT_FALSE(db->Exec("DELETE FROM audit_log WHERE seq = 4").ok()) << "only retention removes entries";
    ASSERT_TRUE(db->Exec("DROP TRIGGER audit_log_no_update").ok());
    ASSERT_TRUE(db->Exec("UPDATE audit_log SET outcome = 'denied' WHERE seq = 5").ok());
  }
  const CommandResult verify = Rxdesk({"audit", "verify"}, data);
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_NE(verify.out.find("BROKEN at entry 5:"), std::string::npos) << verify.out;
}

TEST_F(PrivacyCli, VerifyNamesTableAndIdOfRowsInsertedOrUpdatedWithSql) {
  const std::string data = Copy();
  std::string member_id, rx;
  {
    auto db = Db(data);
    ASSERT_TRUE(db);
    auto m = db->Query("SELECT id FROM members ORDER BY id LIMIT 1");
    ASSERT_TRUE(m.ok() && !m->empty());
    member_id = (*m)[0].Text(0);
    // An UPDATE: a later updated_at than any entry (as any real change would set it).
    ASSERT_TRUE(db->Exec("UPDATE members SET plan_id = NULL, updated_at = '2030-01-01T00:00:00Z' WHERE id = ?",
                         {Value(member_id)})
                    .ok());
    // An INSERT: a copy of a prescription under a new Rx number.
    auto p = db->Query("SELECT rx_number FROM prescriptions ORDER BY rx_number LIMIT 1");
    ASSERT_TRUE(p.ok() && !p->empty());
    rx = "9999999-9";
    ASSERT_TRUE(db->Exec("INSERT INTO prescriptions(rx_number, member_id, ndc, drug_name, strength, form, schedule, "
                         "quantity_milli, days_supply, refills_authorized, refills_remaining, written_date, "
                         "prescriber_npi, prescriber_name, prescriber_dea, daw, status, created_at, updated_at) SELECT "
                         "?, member_id, ndc, drug_name, strength, form, schedule, quantity_milli, days_supply, "
                         "refills_authorized, refills_remaining, written_date, prescriber_npi, prescriber_name, "
                         "prescriber_dea, daw, status, '2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z' FROM "
                         "prescriptions WHERE rx_number = ?",
                         {Value(rx), (*p)[0].at(0)})
                    .ok());
  }
  const CommandResult verify = Rxdesk({"audit", "verify"}, data);
  EXPECT_EQ(verify.exit_code, 1) << verify.out;
  EXPECT_NE(verify.out.find("audit log ok"), std::string::npos) << "the chain itself is intact: " << verify.out;
  EXPECT_NE(verify.out.find("audited tables CHANGED WITHOUT AN ENTRY"), std::string::npos) << verify.out;
  // A seeded row is covered only by its batch's entry, at the seed's instant: moved off it, nothing covers it.
  EXPECT_NE(verify.out.find("members " + member_id + ": no write entry names this row"), std::string::npos)
      << verify.out;
  EXPECT_NE(verify.out.find("prescriptions " + rx + ": no write entry names this row"), std::string::npos)
      << verify.out;
}

TEST_F(PrivacyCli, AnAuditWindowShorterThanSixYearsIsAConfigError) {
  // Configuration is checked before any data is opened.
  const std::string data = scratch_.path() + "/never-made";
  const CommandResult r = RunCommand({RxdeskBinary(), "retention", "run", "--dry-run", "--data-dir", data}, "",
                                     {"RXDESK_RETENTION_AUDIT_DAYS=2189"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("retention.audit_days must be 0 (keep forever) or at least 2190"), std::string::npos) << r.err;
  const CommandResult bad_time = RunCommand({RxdeskBinary(), "retention", "run", "--dry-run", "--data-dir", data}, "",
                                            {"RXDESK_RETENTION_RUN_AT=25:00"});
  EXPECT_EQ(bad_time.exit_code, 2) << bad_time.err;
  EXPECT_FALSE(fs::exists(data));
}

}  // namespace
}  // namespace rxdesk::testing
