#include "services/survey_service.h"

#include "domain/contact_info.h"
#include "infra/crypto.h"
#include "infra/ids.h"
#include "services/audit.h"
#include "services/notifications.h"

namespace rxdesk {
namespace {

constexpr char kTable[] = "csat_surveys";

Error NoSurvey() { return MakeError("not_found", "no such survey"); }

}  // namespace

Status SurveyService::OnContactClosed(Connection& tx, const Contact& closed, Instant now,
                                      std::string* token_out) const {
  if (closed.member_id.empty() || closed.verification.status != VerificationStatus::kVerified) return OkStatus();
  RXD_ASSIGN_OR_RETURN(Rows existing, tx.Query("SELECT 1 FROM csat_surveys WHERE contact_id = ?", {Value(closed.id)}));
  if (!existing.empty()) return OkStatus();  // one survey per contact
  const std::string token = RandomToken(32);
  RXD_TRY(
      tx.Exec("INSERT INTO csat_surveys(contact_id, token_hash, member_id, key_id, created_at, expires_at) "
              "VALUES (?, ?, ?, ?, ?, ?)",
              {Value(closed.id), Value(Sha256Hex(token)), Value(closed.member_id),
               Value(static_cast<std::int64_t>(vault_.current_key_id())), Value(FormatInstant(now)),
               Value(FormatInstant(SurveyExpiresAt(now, policy_)))}));
  if (token_out != nullptr) *token_out = token;
  return QueueNotification(tx, {.member_id = closed.member_id,
                           .template_id = "csat_survey",
                           .params = {{"reference", closed.reference}, {"link", link_base_ + token}}});
}

Status SurveyService::Save(const Caller& caller, const std::string& where_sql, const std::string& key,
                           std::int64_t score, const std::optional<std::string>& comment,
                           std::string_view answered_by) {
  RXD_TRY(ValidateCsatScore(score));
  if (comment) {
    if (comment->size() > policy_.max_comment_bytes) {
      return InvalidField("comment", "must be at most " + std::to_string(policy_.max_comment_bytes) + " bytes");
    }
    if (!IsPrintableUtf8(*comment)) return InvalidField("comment", "must be UTF-8 text without control characters");
  }
  const Instant now = clock_.Now();
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows rows, w.conn.Query("SELECT contact_id, COALESCE(member_id, ''), score, expires_at FROM "
                                                 "csat_surveys WHERE " +
                                                     where_sql,
                                                 {Value(key)}));
    if (rows.empty()) {
      refusal = NoSurvey();
      return OkStatus();
    }
    const std::string contact_id = rows[0].Text(0);
    const std::string member_id = rows[0].Text(1);
    const auto refuse = [&](Error e) {
      refusal = std::move(e);
      return w.audit.Append(w.conn, MakeAudit(caller, now, "csat.answer", "csat_survey", contact_id, member_id,
                                              "refused:" + refusal->code));
    };
    if (!rows[0].IsNull(2)) return refuse(MakeError("conflict", "this survey was already answered"));
    RXD_ASSIGN_OR_RETURN(const Instant expires, ParseInstant(rows[0].Text(3), "expires_at"));
    if (now >= expires) return refuse(MakeError("survey_expired", "this survey can no longer be answered"));
    // The score goes in only if nobody answered in between (one answer only).
    RXD_ASSIGN_OR_RETURN(
        std::int64_t changed,
        w.conn.Exec(
            "UPDATE csat_surveys SET score = ?, comment_enc = ?, answered_by = ?, answered_at = ?, key_id = ? "
            "WHERE contact_id = ? AND score IS NULL",
            {Value(score),
             comment && !comment->empty() ? Value(vault_.Seal(kTable, contact_id, "comment", *comment)) : Value(),
             Value(answered_by), Value(FormatInstant(now)), Value(static_cast<std::int64_t>(vault_.current_key_id())),
             Value(contact_id)}));
    if (changed == 0) return refuse(MakeError("conflict", "this survey was already answered"));
    return w.audit.Append(w.conn, MakeAudit(caller, now, "csat.answer", "csat_survey", contact_id, member_id));
  }));
  if (refusal) return *refusal;
  return OkStatus();
}

Status SurveyService::Answer(const Caller& caller, const std::string& token, std::int64_t score,
                             const std::optional<std::string>& comment) {
  if (token.empty() || token.size() > 128) return NoSurvey();
  return Save(caller, "token_hash = ?", Sha256Hex(token), score, comment, "link");
}

Status SurveyService::RecordCsat(const std::string& contact_id, std::int64_t score, std::string_view answered_by,
                                 const Caller& caller) {
  if (answered_by != "agent" && answered_by != "ivr" && answered_by != "chat") {
    return InvalidField("answered_by", "must be agent, ivr or chat");
  }
  if (!IsValidId(contact_id)) return NoSurvey();
  return Save(caller, "contact_id = ?", contact_id, score, std::nullopt, answered_by);
}

Result<Survey> SurveyService::ForContact(const std::string& contact_id) {
  RXD_ASSIGN_OR_RETURN(Rows rows, store_.Read([&](Connection& c) {
    return c.Query(
        "SELECT contact_id, COALESCE(member_id, ''), score, COALESCE(answered_by, ''), created_at, "
        "expires_at, COALESCE(answered_at, '') FROM csat_surveys WHERE contact_id = ?",
        {Value(contact_id)});
  }));
  if (rows.empty()) return NoSurvey();
  const Row& r = rows[0];
  Survey s{.contact_id = r.Text(0), .member_id = r.Text(1)};
  if (!r.IsNull(2)) s.score = r.Int(2);
  s.answered_by = r.Text(3);
  s.created_at = r.Text(4);
  s.expires_at = r.Text(5);
  s.answered_at = r.Text(6);
  return s;
}

}  // namespace rxdesk
