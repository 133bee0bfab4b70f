// The contact desk over HTTP (PRODUCT.md sections 7-9): notes written with a
// template, disposition and issue on close with first-contact resolution,
// secure messages to the pharmacist pool and their SLA, escalation tickets seen
// per path, and CSAT surveys answered once.
#include <gtest/gtest.h>

#include "domain/reference_number.h"
#include "infra/crypto.h"
#include "store/db.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

using nlohmann::json;

HttpClient& Client() { return E2e::Get().client(); }

// A JSON array member kept by value (a range-for over a temporary document's member would dangle).
json Items(const json& doc, const char* key) { return doc.value(key, json::array()); }
const std::string& TokenOf(Role r) { return E2e::Get().Token(r); }

// Runs SQL on the shared server's SQLite file (to read what is stored, or move a clock-bound column back).
Rows Sql(const std::string& sql, std::initializer_list<Value> params = {}) {
  auto db = OpenSqlite({.path = E2e::Get().data_dir() + "/rxdesk.db"});
  EXPECT_TRUE(db.ok());
  if (!db.ok()) return {};
  if (sql.starts_with("SELECT")) {
    auto rows = (*db)->Query(sql, std::span<const Value>(params.begin(), params.size()));
    EXPECT_TRUE(rows.ok()) << (rows.ok() ? "" : rows.error().message);
    return rows.ok() ? *rows : Rows{};
  }
  auto changed = (*db)->Exec(sql, std::span<const Value>(params.begin(), params.size()));
  EXPECT_TRUE(changed.ok()) << (changed.ok() ? "" : changed.error().message);
  return {};
}

json NewMember(int n) {
  const HttpResult r = Client().Post("/v1/members", NewMemberBody(6000 + n), TokenOf(Role::kPharmacist));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json();
}

// An agent's call with `member` verified.
std::string VerifiedCall(const json& member) { return E2e::Get().VerifiedContact(TokenOf(Role::kAgent), member); }

std::string UserId(Role role) { return Client().Get("/v1/me", TokenOf(role)).json()["user_id"]; }

HttpResult Close(const std::string& contact, const json& body, Role as = Role::kAgent) {
  return Client().Post("/v1/contacts/" + contact + "/close", body, TokenOf(as));
}

// ---- notes ----

json RefillNote() {
  return {{"template", "refill"},
          {"fields", {{"rx_number", "1234567"}, {"outcome", "placed"}, {"comment", "expedited"}}}};
}

TEST(DeskNotes, TheTemplatesOfEveryContactTypeAreListedWithTheirRequiredFields) {
  const HttpResult r = Client().Get("/v1/note-templates", TokenOf(Role::kAgent));
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> ids;
  for (const auto& t : Items(r.json(), "items")) {
    ids.insert(t["id"]);
    bool required = false;
    for (const auto& f : t["fields"]) required |= f["required"].get<bool>();
    EXPECT_TRUE(required) << t["id"];
  }
  EXPECT_EQ(ids, (std::set<std::string>{"refill", "transfer", "billing", "escalation", "complaint"}));
}

TEST(DeskNotes, TheHolderWritesANoteThatIsSealedAuditedAndReadBack) {
  const std::string contact = VerifiedCall(NewMember(1));
  const HttpResult created = Client().Post("/v1/contacts/" + contact + "/notes", RefillNote(), TokenOf(Role::kAgent));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = created.json()["id"];
  EXPECT_EQ(created.json()["fields"]["outcome"], "placed");
  const HttpResult list = Client().Get("/v1/contacts/" + contact + "/notes", TokenOf(Role::kAgent));
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json()["items"].size(), 1u);
  EXPECT_EQ(list.json()["items"][0]["fields"]["comment"], "expedited");
  const Rows stored = Sql("SELECT fields_enc FROM contact_notes WHERE id = ?", {Value(id)});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].Text(0).find("expedited"), std::string::npos);
  EXPECT_EQ(Sql("SELECT 1 FROM audit_log WHERE action = 'contact_note.create' AND record_id = ?", {Value(id)}).size(),
            1u);
}

TEST(DeskNotes, AMissingRequiredFieldIsRefusedWith422NamingIt) {
  const std::string contact = VerifiedCall(NewMember(2));
  json note = RefillNote();
  note["fields"].erase("outcome");
  const HttpResult r = Client().Post("/v1/contacts/" + contact + "/notes", note, TokenOf(Role::kAgent));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.error_code(), "note_field_required");
  EXPECT_EQ(r.json()["error"]["field"], "fields.outcome");
}

TEST(DeskNotes, MalformedNotesAreRefusedNamingTheField) {
  const std::string contact = VerifiedCall(NewMember(3));
  const auto post = [&](const json& body) {
    return Client().Post("/v1/contacts/" + contact + "/notes", body, TokenOf(Role::kAgent));
  };
  EXPECT_EQ(post({{"template", "diagnosis"}, {"fields", json::object()}}).json()["error"]["field"], "template");
  json wrong_type = RefillNote();
  wrong_type["fields"]["outcome"] = 3;
  EXPECT_EQ(post(wrong_type).json()["error"]["field"], "fields.outcome");
  json nested = RefillNote();
  nested["fields"]["comment"] = json::array({"x"});
  EXPECT_EQ(post(nested).status, 400);
  json extra = RefillNote();
  extra["author"] = "me";
  EXPECT_EQ(post(extra).json()["error"]["field"], "author");
  json huge = RefillNote();
  huge["fields"]["comment"] = std::string(2001, 'a');
  EXPECT_EQ(post(huge).json()["error"]["field"], "fields.comment");
  EXPECT_EQ(Client()
                .Send("POST", "/v1/contacts/" + contact + "/notes", "{not json",
                      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + TokenOf(Role::kAgent)}})
                .status,
            400);
}

TEST(DeskNotes, OnlyTheHolderOrASupervisorDocumentsAContact) {
  const std::string contact = VerifiedCall(NewMember(4));
  EXPECT_EQ(Client().Post("/v1/contacts/" + contact + "/notes", RefillNote(), TokenOf(Role::kPharmacist)).status, 404);
  EXPECT_EQ(Client().Post("/v1/contacts/" + contact + "/notes", RefillNote(), TokenOf(Role::kSupervisor)).status, 201);
  EXPECT_EQ(Client().Get("/v1/contacts/" + contact + "/notes", TokenOf(Role::kPharmacist)).status, 404);
  EXPECT_EQ(Client().Post("/v1/contacts/" + contact + "/notes", RefillNote(), TokenOf(Role::kMember)).status, 403);
}

// ---- close: disposition, issue, orders, FCR ----

// A seeded order and its member (as the API shows the member).
std::pair<std::string, json> SeededOrder() {
  const Rows rows = Sql("SELECT id, member_id FROM orders ORDER BY id LIMIT 1");
  EXPECT_EQ(rows.size(), 1u) << "the demo seed made no orders";
  if (rows.empty()) return {};
  return {rows[0].Text(0), Client().Get("/v1/members/" + rows[0].Text(1), TokenOf(Role::kPharmacist)).json()};
}

TEST(DeskClose, AContactClosesWithItsDispositionIssueAndTheMembersOrders) {
  const auto [order, owner] = SeededOrder();
  ASSERT_FALSE(order.empty());
  const std::string contact = VerifiedCall(owner);
  const HttpResult closed =
      Close(contact, {{"disposition", "resolved"}, {"issue", "shipping"}, {"order_ids", {order, order}}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json()["disposition"], "resolved");
  EXPECT_EQ(closed.json()["issue"], "shipping");
  EXPECT_EQ(closed.json()["order_ids"], json::array({order}));
  EXPECT_TRUE(closed.json()["fcr"].is_null());
  const Rows stored = Sql("SELECT resolved FROM contacts WHERE id = ?", {Value(contact)});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].Int(0), 1);
}

TEST(DeskClose, AnotherMembersOrderOrAnIncompleteOutcomeIsRefused) {
  const std::string order = SeededOrder().first;
  ASSERT_FALSE(order.empty());
  const std::string contact = VerifiedCall(NewMember(5));
  const HttpResult foreign = Close(contact, {{"disposition", "resolved"}, {"issue", "refill"}, {"order_ids", {order}}});
  EXPECT_EQ(foreign.status, 422) << foreign.body;
  EXPECT_EQ(foreign.error_code(), "unknown_order");
  EXPECT_EQ(foreign.json()["error"]["field"], "order_ids[0]");
  EXPECT_EQ(Close(contact, {{"disposition", "resolved"}}).json()["error"]["field"], "issue");
  EXPECT_EQ(Close(contact, {{"issue", "refill"}}).json()["error"]["field"], "disposition");
  EXPECT_EQ(Close(contact, {{"disposition", "done"}, {"issue", "refill"}}).json()["error"]["field"], "disposition");
  EXPECT_EQ(Close(contact, {{"disposition", "resolved"}, {"issue", "refill"}, {"order_ids", {"not an id"}}})
                .json()["error"]["field"],
            "order_ids[0]");
  EXPECT_EQ(Close(contact, {{"disposition", "resolved"}, {"issue", "refill"}, {"why", 1}}).status, 400);
  // Nothing of the refusals closed it.
  EXPECT_EQ(Client().Get("/v1/contacts/" + contact, TokenOf(Role::kAgent)).json()["status"], "open");
}

TEST(DeskClose, ARepeatContactOnTheSameIssueMarksTheFirstAsNotResolvedAtFirstContact) {
  const json member = NewMember(6);
  const std::string first = VerifiedCall(member);
  ASSERT_EQ(Close(first, {{"disposition", "resolved"}, {"issue", "billing"}}).status, 200);
  const std::string other_issue = VerifiedCall(member);
  ASSERT_EQ(Close(other_issue, {{"disposition", "resolved"}, {"issue", "refill"}}).status, 200);
  EXPECT_TRUE(Client().Get("/v1/contacts/" + first, TokenOf(Role::kAgent)).json()["fcr"].is_null());
  const std::string repeat = VerifiedCall(member);
  ASSERT_EQ(Close(repeat, {{"disposition", "resolved"}, {"issue", "billing"}}).status, 200);
  EXPECT_EQ(Client().Get("/v1/contacts/" + first, TokenOf(Role::kAgent)).json()["fcr"], false);
  EXPECT_TRUE(Client().Get("/v1/contacts/" + repeat, TokenOf(Role::kAgent)).json()["fcr"].is_null());
}

// ---- CSAT ----

// Gives the contact's survey a token the test knows (the real one travels in the notification only).
std::string KnownToken(const std::string& contact) {
  const std::string token = "test-token-" + contact;
  Sql("UPDATE csat_surveys SET token_hash = ? WHERE contact_id = ?", {Value(Sha256Hex(token)), Value(contact)});
  return token;
}

TEST(DeskSurveys, AClosedContactGetsOneSurveyThatIsAnsweredOnceByItsLink) {
  const std::string contact = VerifiedCall(NewMember(7));
  ASSERT_EQ(Close(contact, {{"disposition", "resolved"}, {"issue", "refill"}}).status, 200);
  ASSERT_EQ(Sql("SELECT score FROM csat_surveys WHERE contact_id = ?", {Value(contact)}).size(), 1u);
  const std::string token = KnownToken(contact);
  EXPECT_EQ(Client().Post("/v1/surveys/" + token, {{"score", 0}}).status, 400);
  EXPECT_EQ(Client().Post("/v1/surveys/" + token, {{"score", 6}}).status, 400);
  EXPECT_EQ(Client().Post("/v1/surveys/" + token, {{"score", "5"}}).status, 400);
  EXPECT_EQ(Client().Post("/v1/surveys/" + token, {{"score", 5}, {"extra", true}}).status, 400);
  const HttpResult answered = Client().Post("/v1/surveys/" + token, {{"score", 5}, {"comment", "very kind"}});
  EXPECT_EQ(answered.status, 200) << answered.body;
  EXPECT_EQ(Client().Post("/v1/surveys/" + token, {{"score", 1}}).status, 409);
  const Rows stored =
      Sql("SELECT score, answered_by, comment_enc FROM csat_surveys WHERE contact_id = ?", {Value(contact)});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].Int(0), 5);
  EXPECT_EQ(stored[0].Text(1), "link");
  EXPECT_EQ(stored[0].Text(2).find("very kind"), std::string::npos);
}

TEST(DeskSurveys, AnUnknownTokenIs404AndAnExpiredSurveyIs410) {
  EXPECT_EQ(Client().Post("/v1/surveys/no-such-token", {{"score", 3}}).status, 404);
  const std::string contact = VerifiedCall(NewMember(8));
  ASSERT_EQ(Close(contact, {{"disposition", "unresolved"}, {"issue", "other"}}).status, 200);
  const std::string token = KnownToken(contact);
  Sql("UPDATE csat_surveys SET expires_at = '2026-01-01T00:00:00Z' WHERE contact_id = ?", {Value(contact)});
  const HttpResult r = Client().Post("/v1/surveys/" + token, {{"score", 3}});
  EXPECT_EQ(r.status, 410) << r.body;
  EXPECT_EQ(r.error_code(), "survey_expired");
}

TEST(DeskSurveys, TheAgentRecordsAScoreGivenInTheCallOnceTheContactIsClosed) {
  const std::string contact = VerifiedCall(NewMember(9));
  EXPECT_EQ(Client().Post("/v1/contacts/" + contact + "/csat", {{"score", 4}}, TokenOf(Role::kAgent)).status, 404);
  ASSERT_EQ(Close(contact, {{"disposition", "resolved"}, {"issue", "transfer"}}).status, 200);
  EXPECT_EQ(Client().Post("/v1/contacts/" + contact + "/csat", {{"score", 4}}, TokenOf(Role::kPharmacist)).status, 404);
  EXPECT_EQ(Client().Post("/v1/contacts/" + contact + "/csat", {{"score", 4}}, TokenOf(Role::kAgent)).status, 200);
  EXPECT_EQ(Client().Post("/v1/contacts/" + contact + "/csat", {{"score", 5}}, TokenOf(Role::kAgent)).status, 409);
  EXPECT_EQ(Sql("SELECT answered_by FROM csat_surveys WHERE contact_id = ?", {Value(contact)})[0].Text(0), "agent");
}

// ---- secure messages ----

// A member of their own with an online account; returns its token.
std::string MemberAccount(int n) {
  const json m = NewMember(n);
  const std::string username = "desk.member." + std::to_string(n);
  const HttpResult reg = Client().Post("/v1/auth/register", {{"member_number", m["member_number"]},
                                                             {"date_of_birth", m["date_of_birth"]},
                                                             {"zip", "78701"},
                                                             {"username", username},
                                                             {"password", "desk-member-passphrase"}});
  EXPECT_EQ(reg.status, 201) << reg.body;
  return E2e::Get().Login(username, "desk-member-passphrase", false);
}

HttpResult SendMessage(const std::string& token, const json& body) {
  return Client().Post("/v1/messages", body, token);
}

TEST(DeskMessages, AMemberMessageOpensAThreadWithAContactReferenceAndTheMemberIsAnswered) {
  const std::string member = MemberAccount(20);
  const HttpResult sent = SendMessage(member, {{"subject", "Refill question"}, {"body", "Can I refill early?"}});
  ASSERT_EQ(sent.status, 201) << sent.body;
  const json t = sent.json();
  EXPECT_TRUE(ReferenceNumber::Parse(t["reference"].get<std::string>()).ok());
  EXPECT_EQ(t["status"], "awaiting_reply");
  EXPECT_EQ(t["messages"].size(), 1u);
  const std::string id = t["id"];
  const Rows contact =
      Sql("SELECT channel, status FROM contacts WHERE id = ?", {Value(t["contact_id"].get<std::string>())});
  ASSERT_EQ(contact.size(), 1u);
  EXPECT_EQ(contact[0].Text(0), "message");

  const HttpResult pool = Client().Get("/v1/messages?status=awaiting_reply&limit=500", TokenOf(Role::kPharmacist));
  ASSERT_EQ(pool.status, 200);
  bool listed = false;
  for (const auto& item : Items(pool.json(), "items")) listed |= item["id"] == id;
  EXPECT_TRUE(listed);

  const HttpResult reply =
      Client().Post("/v1/messages/" + id + "/replies", {{"body", "Yes, from Friday."}}, TokenOf(Role::kPharmacist));
  ASSERT_EQ(reply.status, 201) << reply.body;
  EXPECT_EQ(reply.json()["status"], "answered");
  EXPECT_TRUE(reply.json()["awaiting_since"].is_null());
  const HttpResult mine = Client().Get("/v1/messages/" + id, member);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.json()["messages"][1]["author_role"], "pharmacist");
  EXPECT_EQ(mine.json()["messages"][1]["body"], "Yes, from Friday.");
  const HttpResult again = Client().Post("/v1/messages/" + id + "/replies", {{"body", "Thanks!"}}, member);
  EXPECT_EQ(again.json()["status"], "awaiting_reply");
  // Bodies are sealed at rest.
  for (const Row& r : Sql("SELECT body_enc FROM thread_messages WHERE thread_id = ?", {Value(id)})) {
    EXPECT_EQ(r.Text(0).find("Friday"), std::string::npos);
  }
}

TEST(DeskMessages, AMemberSeesOnlyTheirOwnThreads) {
  const std::string a = MemberAccount(21);
  const std::string b = MemberAccount(22);
  const std::string id = SendMessage(a, {{"subject", "Mine"}, {"body", "Private"}}).json()["id"];
  EXPECT_EQ(Client().Get("/v1/messages/" + id, b).status, 404);
  EXPECT_EQ(Client().Post("/v1/messages/" + id + "/replies", {{"body", "hi"}}, b).status, 404);
  for (const auto& item : Items(Client().Get("/v1/messages?limit=500", b).json(), "items")) EXPECT_NE(item["id"], id);
  EXPECT_EQ(Client().Get("/v1/messages/" + id, TokenOf(Role::kAgent)).status, 403);
}

TEST(DeskMessages, SubjectsAndBodiesAreCheckedAtTheirLimits) {
  const std::string m = MemberAccount(23);
  EXPECT_EQ(SendMessage(m, {{"subject", std::string(200, 's')}, {"body", std::string(8000, 'b')}}).status, 201);
  EXPECT_EQ(SendMessage(m, {{"subject", std::string(201, 's')}, {"body", "x"}}).json()["error"]["field"], "subject");
  EXPECT_EQ(SendMessage(m, {{"subject", "s"}, {"body", std::string(8001, 'b')}}).json()["error"]["field"], "body");
  EXPECT_EQ(SendMessage(m, {{"subject", "s"}, {"body", "   "}}).json()["error"]["field"], "body");
  EXPECT_EQ(SendMessage(m, {{"subject", "two\nlines"}, {"body", "x"}}).json()["error"]["field"], "subject");
  EXPECT_EQ(SendMessage(m, {{"subject", "s"}, {"body", "bell\u0007"}}).json()["error"]["field"], "body");
  EXPECT_EQ(SendMessage(m, {{"subject", "s"}}).json()["error"]["field"], "body");
  EXPECT_EQ(SendMessage(m, {{"subject", "s"}, {"body", "x"}, {"to", "pharmacist"}}).json()["error"]["field"], "to");
  EXPECT_EQ(Client().Get("/v1/messages?status=lost", m).json()["error"]["field"], "status");
}

TEST(DeskMessages, APharmacistClosesAThreadWithADispositionAndTheMemberCannotReplyToIt) {
  const std::string m = MemberAccount(24);
  const std::string id = SendMessage(m, {{"subject", "Question"}, {"body", "Is this generic?"}}).json()["id"];
  const std::string path = "/v1/messages/" + id + "/close";
  EXPECT_EQ(Client().Post(path, {{"disposition", "resolved"}}, TokenOf(Role::kPharmacist)).json()["error"]["field"],
            "issue");
  const HttpResult closed =
      Client().Post(path, {{"disposition", "resolved"}, {"issue", "clinical"}}, TokenOf(Role::kPharmacist));
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json()["status"], "closed");
  EXPECT_EQ(
      Client().Post(path, {{"disposition", "resolved"}, {"issue", "clinical"}}, TokenOf(Role::kPharmacist)).status,
      409);
  EXPECT_EQ(Client().Post("/v1/messages/" + id + "/replies", {{"body", "one more"}}, m).status, 409);
  const std::string contact = closed.json()["contact_id"];
  const Rows stored = Sql("SELECT status, disposition, issue FROM contacts WHERE id = ?", {Value(contact)});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].Text(0), "closed");
  EXPECT_EQ(stored[0].Text(2), "clinical");
  EXPECT_EQ(Sql("SELECT 1 FROM csat_surveys WHERE contact_id = ?", {Value(contact)}).size(), 1u);
}

TEST(DeskMessages, TheSlaListShowsWarningsAndBreachesWithTheirAges) {
  const std::string m = MemberAccount(25);
  const std::string warned = SendMessage(m, {{"subject", "A"}, {"body", "a"}}).json()["id"];
  const std::string breached = SendMessage(m, {{"subject", "B"}, {"body", "b"}}).json()["id"];
  const std::string fresh = SendMessage(m, {{"subject", "C"}, {"body", "c"}}).json()["id"];
  // Move the waiting clocks back: 30 hours and 3 days.
  const auto back = [](const std::string& id, int hours) {
    const auto at =
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) - std::chrono::hours{hours};
    Sql("UPDATE message_threads SET awaiting_since = ? WHERE id = ?", {Value(FormatInstant(Instant(at))), Value(id)});
  };
  back(warned, 30);
  back(breached, 72);
  const HttpResult r = Client().Get("/v1/messages/sla?limit=500", TokenOf(Role::kSupervisor));
  ASSERT_EQ(r.status, 200) << r.body;
  std::map<std::string, json> items;
  for (const auto& i : Items(r.json(), "items")) items[i["thread_id"]] = i;
  ASSERT_TRUE(items.count(warned) && items.count(breached));
  EXPECT_FALSE(items.count(fresh));
  EXPECT_EQ(items[warned]["state"], "warning");
  EXPECT_EQ(items[breached]["state"], "breached");
  EXPECT_GE(items[breached]["age_s"].get<int>(), 72 * 3600);
  EXPECT_GE(r.json()["breaches"].get<int>(), 1);
  EXPECT_EQ(Client().Get("/v1/messages/sla", TokenOf(Role::kPharmacist)).status, 200);
  EXPECT_EQ(Client().Get("/v1/messages/sla", TokenOf(Role::kAgent)).status, 403);
}

// ---- escalations and tickets ----

HttpResult Escalate(const std::string& contact, const json& body, Role as = Role::kAgent) {
  return Client().Post("/v1/contacts/" + contact + "/escalations", body, TokenOf(as));
}

json ClinicalTicket(int n) {
  const std::string contact = VerifiedCall(NewMember(n));
  const HttpResult r = Escalate(
      contact, {{"path", "clinical_risk"}, {"reason", "adverse_event"}, {"summary", "Rash after the second dose"}});
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json();
}

TEST(DeskTickets, AnEscalationOpensATicketWithItsOwnReferenceAndThePathsDueTime) {
  const json t = ClinicalTicket(40);
  EXPECT_TRUE(ReferenceNumber::Parse(t["reference"].get<std::string>()).ok());
  EXPECT_EQ(t["status"], "open");
  EXPECT_FALSE(t["breached"].get<bool>());
  const Instant created = *ParseInstant(t["created_at"].get<std::string>());
  EXPECT_EQ(t["due_at"], FormatInstant(created + std::chrono::hours{4}));
  ASSERT_EQ(t["history"].size(), 1u);
  EXPECT_EQ(t["history"][0]["to_status"], "open");
  const Rows stored = Sql("SELECT summary_enc FROM tickets WHERE id = ?", {Value(t["id"].get<std::string>())});
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].Text(0).find("Rash"), std::string::npos);
}

TEST(DeskTickets, MalformedEscalationsAndStrangersAreRefused) {
  const std::string contact = VerifiedCall(NewMember(41));
  EXPECT_EQ(Escalate(contact, {{"path", "ceo"}, {"reason", "other"}, {"summary", "x"}}).json()["error"]["field"],
            "path");
  EXPECT_EQ(Escalate(contact, {{"path", "privacy_officer"}, {"reason", "adverse_event"}, {"summary", "x"}})
                .json()["error"]["field"],
            "reason");
  EXPECT_EQ(
      Escalate(contact, {{"path", "supervisor"}, {"reason", "complaint"}, {"summary", " "}}).json()["error"]["field"],
      "summary");
  EXPECT_EQ(
      Escalate(contact, {{"path", "supervisor"}, {"reason", "complaint"}, {"summary", std::string(4001, 'x')}}).status,
      400);
  EXPECT_EQ(
      Escalate(contact, {{"path", "supervisor"}, {"reason", "complaint"}, {"summary", "x"}}, Role::kPharmacist).status,
      404);
}

TEST(DeskTickets, EachRoleSeesItsOwnPathsAndSupervisorsOverseeWithoutTheSummary) {
  const json t = ClinicalTicket(42);
  const std::string path = "/v1/tickets/" + t["id"].get<std::string>();
  const HttpResult pharmacist = Client().Get(path, TokenOf(Role::kPharmacist));
  ASSERT_EQ(pharmacist.status, 200);
  EXPECT_EQ(pharmacist.json()["summary"], "Rash after the second dose");
  const HttpResult supervisor = Client().Get(path, TokenOf(Role::kSupervisor));
  ASSERT_EQ(supervisor.status, 200);
  EXPECT_TRUE(supervisor.json()["summary"].is_null());
  EXPECT_EQ(Client().Get(path, TokenOf(Role::kPrivacyOfficer)).status, 404);
  bool listed = false;
  for (const auto& i :
       Items(Client().Get("/v1/tickets?path=clinical_risk&limit=500", TokenOf(Role::kPharmacist)).json(), "items")) {
    listed |= i["id"] == t["id"];
  }
  EXPECT_TRUE(listed);
  EXPECT_TRUE(Client().Get("/v1/tickets?path=clinical_risk", TokenOf(Role::kPrivacyOfficer)).json()["items"].empty());
  EXPECT_EQ(Client().Get("/v1/tickets?path=nowhere", TokenOf(Role::kSupervisor)).status, 400);
  EXPECT_EQ(Client().Get("/v1/tickets?breached=maybe", TokenOf(Role::kSupervisor)).status, 400);
}

TEST(DeskTickets, ATicketIsAssignedAndWorkedThroughItsStatusesWithAHistory) {
  const json t = ClinicalTicket(43);
  const std::string base = "/v1/tickets/" + t["id"].get<std::string>();
  const std::string pharmacist = UserId(Role::kPharmacist);
  const HttpResult wrong_owner =
      Client().Post(base + "/assign", {{"owner_id", UserId(Role::kAgent)}}, TokenOf(Role::kSupervisor));
  EXPECT_EQ(wrong_owner.status, 422);
  EXPECT_EQ(wrong_owner.error_code(), "invalid_owner");
  ASSERT_EQ(Client().Post(base + "/assign", {{"owner_id", pharmacist}}, TokenOf(Role::kSupervisor)).status, 200);
  EXPECT_EQ(Client().Post(base + "/status", {{"status", "resolved"}}, TokenOf(Role::kPharmacist)).status, 409);
  EXPECT_EQ(Client().Post(base + "/status", {{"status", "in_progress"}}, TokenOf(Role::kSupervisor)).status, 403);
  EXPECT_EQ(Client().Post(base + "/status", {{"status", "in_progress"}}, TokenOf(Role::kPharmacist)).status, 200);
  EXPECT_EQ(Client().Post(base + "/status", {{"status", "resolved"}}, TokenOf(Role::kPharmacist)).status, 200);
  const HttpResult done = Client().Post(base + "/status", {{"status", "closed"}}, TokenOf(Role::kPharmacist));
  ASSERT_EQ(done.status, 200);
  EXPECT_EQ(done.json()["owner_id"], pharmacist);
  EXPECT_FALSE(done.json()["closed_at"].is_null());
  std::vector<std::string> steps;
  for (const auto& h : Items(done.json(), "history")) steps.push_back(h["to_status"]);
  EXPECT_EQ(steps, (std::vector<std::string>{"open", "open", "in_progress", "resolved", "closed"}));
  EXPECT_EQ(Client().Post(base + "/assign", {{"owner_id", pharmacist}}, TokenOf(Role::kPharmacist)).status, 409);
}

TEST(DeskTickets, ATicketPastItsDueTimeIsListedAsBreached) {
  const json t = ClinicalTicket(44);
  const std::string id = t["id"];
  Sql("UPDATE tickets SET due_at = '2026-01-01T00:00:00Z' WHERE id = ?", {Value(id)});
  bool breached = false, in_unbreached = false;
  for (const auto& i :
       Items(Client().Get("/v1/tickets?breached=true&limit=500", TokenOf(Role::kSupervisor)).json(), "items")) {
    if (i["id"] == id) breached = i["breached"].get<bool>();
  }
  for (const auto& i :
       Items(Client().Get("/v1/tickets?breached=false&limit=500", TokenOf(Role::kSupervisor)).json(), "items")) {
    in_unbreached |= i["id"] == id;
  }
  EXPECT_TRUE(breached);
  EXPECT_FALSE(in_unbreached);
}

TEST(DeskTickets, APrivacyReportIsSeenAndReadOnlyByThePrivacyOfficer) {
  const std::string contact = VerifiedCall(NewMember(45));
  const HttpResult r = Escalate(contact, {{"path", "privacy_officer"},
                                          {"reason", "suspected_privacy_incident"},
                                          {"summary", "Caller says a letter went to a neighbour"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string path = "/v1/tickets/" + r.json()["id"].get<std::string>();
  EXPECT_EQ(Client().Get(path, TokenOf(Role::kPrivacyOfficer)).json()["summary"],
            "Caller says a letter went to a neighbour");
  EXPECT_EQ(Client().Get(path, TokenOf(Role::kPharmacist)).status, 404);
  EXPECT_EQ(Client().Post(path + "/status", {{"status", "in_progress"}}, TokenOf(Role::kPrivacyOfficer)).status, 200);
}

}  // namespace
}  // namespace rxdesk::testing
