// The contact desk's settings (docs/configuration.md): note text limits, the
// FCR window, the secure-message SLA and size limits, the escalation SLAs per
// path and the CSAT survey link, bound to [notes], [contacts], [messages],
// [escalations] and [surveys].
//
//   DeskConfig desk;
//   BindDeskConfig(desk, binder);          // inside BindConfig
//   MessageService messages(..., desk.messages);
#pragma once

#include <string>

#include "domain/contact_outcome.h"
#include "domain/csat.h"
#include "domain/escalation.h"
#include "domain/note_templates.h"
#include "infra/config_binder.h"
#include "services/message_service.h"

namespace rxdesk {

struct DeskConfig {
  NotePolicy notes;
  FcrPolicy fcr;
  MessagePolicy messages;
  EscalationPolicy escalations;
  SurveyPolicy surveys;
  // Where the survey link of the "csat_survey" notification points: the member
  // portal's survey page, to which the token is appended.
  std::string survey_link_base = "http://127.0.0.1:8080/survey/";
};

// Binds every key above (hours and days as integers).
void BindDeskConfig(DeskConfig& config, ConfigBinder& binder);

}  // namespace rxdesk
