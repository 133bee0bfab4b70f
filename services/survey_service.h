// CSAT surveys (PRODUCT.md sections 8 and 9): one per closed contact of a
// verified member, sent as a link with an unguessable token (notification
// "csat_survey"), answered once with a score of 1-5 by the link, or in the
// channel (agent desk, IVR, chat) through RecordCsat.
//
//   SurveyService surveys(store, vault, clock, SurveyPolicy{}, "https://portal.example/survey/");
//   contacts.OnClosed([&](Connection& tx, const Contact& c, Instant now) { return surveys.OnContactClosed(tx, c, now);
//   }); RXD_TRY(surveys.Answer(caller, token_from_link, 5, "quick and kind"));   // public
//   RXD_TRY(surveys.RecordCsat(contact_id, 4, "ivr", caller));               // in the channel
//
// The token is stored only as a SHA-256 hash; the comment is sealed (a member
// may write anything in it). Every answer is audited.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/clock.h"
#include "domain/csat.h"
#include "services/caller.h"
#include "services/contact_gate.h"
#include "services/phi_vault.h"
#include "store/store.h"

namespace rxdesk {

struct Survey {
  std::string contact_id;
  std::string member_id;
  std::optional<std::int64_t> score;  // nullopt until answered
  std::string answered_by;            // link | agent | ivr | chat; "" until answered
  std::string created_at;
  std::string expires_at;
  std::string answered_at;
};

class SurveyService {
 public:
  SurveyService(Store& store, const PhiVault& vault, const Clock& clock, SurveyPolicy policy, std::string link_base)
      : store_(store), vault_(vault), clock_(clock), policy_(policy), link_base_(std::move(link_base)) {}

  // For ContactService::OnClosed: a contact with a verified member gets its
  // survey and the "csat_survey" notification (reference, link) in the closing
  // transaction. Other contacts get none. Returns the token through `token_out` (tests).
  Status OnContactClosed(Connection& tx, const Contact& closed, Instant now, std::string* token_out = nullptr) const;

  // An answer by the link. Refusals: invalid_request (score, comment), not_found
  // (no survey has this token), conflict (already answered), survey_expired (410).
  Status Answer(const Caller& caller, const std::string& token, std::int64_t score,
                const std::optional<std::string>& comment);

  // An answer taken in the channel: answered_by "agent", "ivr" or "chat".
  // Refusals: invalid_request (score, answered_by), not_found (no survey for
  // this contact: not closed, or no verified member), conflict, survey_expired.
  Status RecordCsat(const std::string& contact_id, std::int64_t score, std::string_view answered_by,
                    const Caller& caller);

  // The survey of a contact (no PHI: the comment is not read). Refusal: not_found.
  Result<Survey> ForContact(const std::string& contact_id);

  const SurveyPolicy& policy() const { return policy_; }

 private:
  Status Save(const Caller& caller, const std::string& where_sql, const std::string& key, std::int64_t score,
              const std::optional<std::string>& comment, std::string_view answered_by);

  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  SurveyPolicy policy_;
  std::string link_base_;
};

}  // namespace rxdesk
