// Fax and mail intake over HTTP against the real server: a scanned prescription's
// type judged by its bytes, the size limit at its edge, keying checked as a new
// prescription, a second person verifying, every download audited, and the
// document never readable in the data dir.
#include <date/tz.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "domain/zone.h"
#include "infra/crypto.h"
#include "store/db.h"
#include "tests/e2e_env.h"

namespace rxdesk::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;

Date TodayCt() {
  static const Zone zone(date::locate_zone("America/Chicago"));
  return zone.LocalDate(std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
}

// A small "scan": the type's magic number, then `body`.
std::string Pdf(const std::string& body = "faxed page") { return "%PDF-1.4\n" + body + "\n%%EOF\n"; }
std::string Png() { return "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01"s; }

HttpResult Upload(const std::string& bytes, const std::string& type, Role role = Role::kAgent,
                  std::vector<std::pair<std::string, std::string>> extra = {}) {
  auto& env = E2e::Get();
  extra.emplace_back("Content-Type", type);
  extra.emplace_back("Authorization", "Bearer " + env.Token(role));
  return env.client().Send("POST", "/v1/intake-documents", bytes, extra);
}

nlohmann::json Fields(const std::string& member_id, const std::string& schedule = "none", int refills = 2) {
  nlohmann::json f = {{"member_id", member_id},
                      {"drug", {{"ndc", "00093-7146-56"}, {"name", "atorvastatin"}, {"strength", "20 mg"}}},
                      {"schedule", schedule},
                      {"quantity", 30},
                      {"days_supply", 30},
                      {"refills_authorized", refills},
                      {"written_date", FormatDate(TodayCt() - Days{2})},
                      {"prescriber", {{"npi", "1245319599"}, {"name", "Dr. Avery Quinn"}}},
                      {"daw", 1}};
  if (schedule != "none") f["prescriber"]["dea"] = "AQ1234563";
  return f;
}

HttpResult Key(const std::string& id, const nlohmann::json& fields, Role role = Role::kAgent) {
  auto& env = E2e::Get();
  return env.client().Send("PUT", "/v1/intake-documents/" + id + "/fields", fields.dump(),
                           {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + env.Token(role)}});
}

HttpResult Verify(const std::string& id, const nlohmann::json& body) {
  auto& env = E2e::Get();
  return env.client().Post("/v1/intake-documents/" + id + "/verify", body, env.Token(Role::kPharmacist));
}

std::string NewMemberId(int n) {
  auto& env = E2e::Get();
  const HttpResult m = env.client().Post("/v1/members", NewMemberBody(7300 + n), env.Token(Role::kAgent));
  EXPECT_EQ(m.status, 201) << m.body;
  return m.json().value("id", "");
}

std::vector<std::string> AuditActions(const std::string& record_id) {
  auto db = OpenSqlite({.path = E2e::Get().data_dir() + "/rxdesk.db", .read_only = true});
  if (!db.ok()) return {};
  auto rows = (*db)->Query("SELECT action || ':' || outcome FROM audit_log WHERE record_id = ? ORDER BY seq",
                           {Value(record_id)});
  std::vector<std::string> out;
  if (rows.ok()) {
    for (const Row& r : *rows) out.push_back(r.Text(0));
  }
  return out;
}

TEST(Intake, APdfIsTakenInAndComesBackWithItsTypeAndHash) {
  auto& env = E2e::Get();
  const std::string pdf = Pdf("a prescription for intake");
  const HttpResult r = Upload(pdf, "application/pdf");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["status"], "received");
  EXPECT_EQ(r.json()["content_type"], "application/pdf");
  EXPECT_EQ(r.json()["size_bytes"], pdf.size());
  EXPECT_EQ(r.json()["sha256"], Sha256Hex(pdf));
  const std::string id = r.json()["id"];
  const HttpResult doc = env.client().Get("/v1/intake-documents/" + id + "/document", env.Token(Role::kPharmacist));
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.body, pdf);
  EXPECT_EQ(doc.Header("content-type"), "application/pdf");
  EXPECT_NE(doc.Header("content-disposition").find("attachment"), std::string::npos);
  const HttpResult png = Upload(Png(), "image/png");
  EXPECT_EQ(png.status, 201) << png.body;
  const HttpResult got = env.client().Get("/v1/intake-documents/" + png.json()["id"].get<std::string>() + "/document",
                                          env.Token(Role::kAgent));
  EXPECT_EQ(got.Header("content-type"), "image/png");
  EXPECT_EQ(got.body, Png());
}

TEST(Intake, APngLabelledPdfOrAnUnknownTypeIsUnsupportedAndAnEmptyBodyInvalid) {
  const HttpResult mislabelled = Upload(Png(), "application/pdf");
  EXPECT_EQ(mislabelled.status, 415);
  EXPECT_EQ(mislabelled.error_code(), "unsupported_media_type");
  EXPECT_EQ(Upload("GIF89a....", "image/gif").status, 415);
  EXPECT_EQ(Upload(Pdf(), "application/json").status, 415);
  const HttpResult empty = Upload("", "application/pdf");
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.error_code(), "invalid_request");
}

TEST(Intake, ExactlyTheLimitIsTakenAndOneByteMoreIsTooLarge) {
  const std::size_t limit = 1 << 20;
  std::string at_limit = Pdf();
  at_limit.resize(limit, 'x');
  const HttpResult ok = Upload(at_limit, "application/pdf");
  EXPECT_EQ(ok.status, 201) << ok.body.substr(0, 200);
  EXPECT_EQ(ok.json()["size_bytes"], limit);
  const HttpResult over = Upload(at_limit + "x", "application/pdf");
  EXPECT_EQ(over.status, 413);
  EXPECT_EQ(over.error_code(), "payload_too_large");
}

TEST(Intake, KeyedByAnAgentAndApprovedByAPharmacistItBecomesAnActivePrescription) {
  auto& env = E2e::Get();
  const std::string member = NewMemberId(1);
  const std::string id = Upload(Pdf(), "application/pdf").json()["id"];
  const HttpResult too_soon = Verify(id, {{"decision", "approve"}});
  EXPECT_EQ(too_soon.status, 409) << "nothing keyed yet";
  const HttpResult keyed = Key(id, Fields(member));
  ASSERT_EQ(keyed.status, 200) << keyed.body;
  EXPECT_EQ(keyed.json()["status"], "keyed");
  EXPECT_EQ(keyed.json()["fields"]["drug"]["ndc"], "00093-7146-56");
  const HttpResult approved = Verify(id, {{"decision", "approve"}, {"note", "checked against the scan"}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(approved.json()["status"], "approved");
  const std::string rx = approved.json()["rx_number"];
  const HttpResult got = env.client().Get("/v1/prescriptions/" + rx, env.Token(Role::kPharmacist));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json()["status"], "active");
  EXPECT_EQ(got.json()["member_id"], member);
  EXPECT_EQ(got.json()["daw"], 1);
  EXPECT_EQ(got.json()["refills_remaining"], 2);
  // Verified once: no re-keying, no second verification.
  EXPECT_EQ(Key(id, Fields(member)).status, 409);
  EXPECT_EQ(Verify(id, {{"decision", "approve"}}).status, 409);
  const nlohmann::json listed =
      env.client().Get("/v1/intake-documents?status=approved&limit=500", env.Token(Role::kAgent)).json();
  bool found = false;
  for (const auto& d : listed["items"]) found = found || d["id"] == id;
  EXPECT_TRUE(found);
}

TEST(Intake, ThePharmacistWhoKeyedCannotVerify) {
  const std::string member = NewMemberId(2);
  const std::string id = Upload(Pdf(), "application/pdf").json()["id"];
  ASSERT_EQ(Key(id, Fields(member), Role::kPharmacist).status, 200);
  const HttpResult r = Verify(id, {{"decision", "approve"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code(), "same_user_cannot_verify");
  // Re-keyed by an agent, the pharmacist may verify.
  ASSERT_EQ(Key(id, Fields(member)).status, 200);
  EXPECT_EQ(Verify(id, {{"decision", "approve"}}).status, 200);
}

TEST(Intake, KeyedFieldsMeetTheSameRefusalsAsANewPrescription) {
  const std::string member = NewMemberId(3);
  const std::string id = Upload(Pdf(), "application/pdf").json()["id"];
  const HttpResult ii = Key(id, Fields(member, "II", 1));
  EXPECT_EQ(ii.status, 422);
  EXPECT_EQ(ii.error_code(), "schedule_ii_no_refills");
  EXPECT_EQ(Key(id, Fields(member, "III", 6)).error_code(), "controlled_refill_limit");
  nlohmann::json unknown = Fields(member);
  unknown["color"] = "blue";
  EXPECT_EQ(Key(id, unknown).json()["error"]["field"], "color");
  nlohmann::json bad_npi = Fields(member);
  bad_npi["prescriber"]["npi"] = "1245319598";
  EXPECT_EQ(Key(id, bad_npi).json()["error"]["field"], "prescriber.npi");
  EXPECT_EQ(Key(id, Fields("01NOSUCHMEMBER0000000000000")).status, 404);
  EXPECT_EQ(Key("01NOSUCHDOCUMENT00000000000", Fields(member)).status, 404);
}

TEST(Intake, ARejectionKeepsItsReasonAndEveryStepAndDownloadIsAudited) {
  auto& env = E2e::Get();
  const std::string member = NewMemberId(4);
  const std::string id = Upload(Pdf(), "application/pdf").json()["id"];
  ASSERT_EQ(Key(id, Fields(member)).status, 200);
  EXPECT_EQ(Verify(id, {{"decision", "reject"}}).json()["error"]["field"], "reason");
  EXPECT_EQ(Verify(id, {{"decision", "reject"}, {"reason", "smudged"}}).json()["error"]["field"], "reason");
  const HttpResult rejected = Verify(id, {{"decision", "reject"}, {"reason", "illegible"}});
  ASSERT_EQ(rejected.status, 200) << rejected.body;
  EXPECT_EQ(rejected.json()["status"], "rejected");
  EXPECT_EQ(rejected.json()["rejection_reason"], "illegible");
  EXPECT_TRUE(rejected.json()["rx_number"].is_null());
  ASSERT_EQ(env.client().Get("/v1/intake-documents/" + id + "/document", env.Token(Role::kSupervisor)).status, 200);
  ASSERT_EQ(env.client().Get("/v1/intake-documents/" + id + "/document", env.Token(Role::kAgent)).status, 200);
  EXPECT_EQ(AuditActions(id),
            (std::vector<std::string>{"intake.receive:ok", "intake.key:ok", "intake.verify:ok:rejected:illegible",
                                      "intake.document.read:ok", "intake.document.read:ok"}));
}

TEST(Intake, OnlyTheWorkforceHandlesDocumentsAndOnlyPharmacistsVerify) {
  auto& env = E2e::Get();
  EXPECT_EQ(Upload(Pdf(), "application/pdf", Role::kMember).status, 403);
  EXPECT_EQ(Upload(Pdf(), "application/pdf", Role::kAdmin).status, 403);
  const std::string id = Upload(Pdf(), "application/pdf").json()["id"];
  for (Role role : {Role::kMember, Role::kAdmin, Role::kPrivacyOfficer}) {
    EXPECT_EQ(env.client().Get("/v1/intake-documents/" + id + "/document", env.Token(role)).status, 403);
  }
  for (Role role : {Role::kAgent, Role::kSupervisor, Role::kMember}) {
    EXPECT_EQ(
        env.client().Post("/v1/intake-documents/" + id + "/verify", {{"decision", "approve"}}, env.Token(role)).status,
        403);
  }
  EXPECT_EQ(env.client().Send("POST", "/v1/intake-documents", Pdf(), {{"Content-Type", "application/pdf"}}).status,
            401);
}

TEST(Intake, TheSameIdempotencyKeyStoresOneDocument) {
  const std::string pdf = Pdf("idempotent upload");
  const HttpResult first = Upload(pdf, "application/pdf", Role::kAgent, {{"Idempotency-Key", "fax-2026-0001"}});
  const HttpResult second = Upload(pdf, "application/pdf", Role::kAgent, {{"Idempotency-Key", "fax-2026-0001"}});
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(second.json()["id"], first.json()["id"]);
  EXPECT_EQ(Upload(Pdf("another"), "application/pdf", Role::kAgent, {{"Idempotency-Key", "fax-2026-0001"}}).status,
            409);
}

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST(Intake, TheUploadedBytesAreInNoFileOfTheDataDirInClear) {
  auto& env = E2e::Get();
  const std::string marker = "Rx-scan-Quillonbert-Zephyrinaxe-7731-intake";
  const std::string pdf = Pdf(marker);
  const HttpResult r = Upload(pdf, "application/pdf");
  ASSERT_EQ(r.status, 201);
  const std::string member = NewMemberId(5);
  nlohmann::json fields = Fields(member);
  fields["prescriber"]["name"] = "Dr. Marvolenta Ixquisite";
  ASSERT_EQ(Key(r.json()["id"], fields).status, 200);
  // Read back, so any cache of it would be written too.
  ASSERT_EQ(env.client()
                .Get("/v1/intake-documents/" + r.json()["id"].get<std::string>() + "/document", env.Token(Role::kAgent))
                .body,
            pdf);
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(env.data_dir())) {
    if (!entry.is_regular_file() || entry.path().filename() == "rxdesk.key") continue;
    const std::string bytes = ReadBytes(entry.path());
    for (const std::string& value : {marker, std::string("Marvolenta Ixquisite")}) {
      if (bytes.find(value) != std::string::npos) found.push_back(entry.path().filename().string() + ": " + value);
    }
  }
  EXPECT_TRUE(found.empty()) << found.front();
}

}  // namespace
}  // namespace rxdesk::testing
