// The notification templates (docs/contact-center.md, "Notifications"): each
// has an email subject and body and an SMS text, in English and Spanish, with
// `{name}` parameters. Text inside `[...]` is shown only when every parameter
// in it was given (those parameters are optional); the others are required.
//
//   RXD_TRY(ValidateNotificationParams("refill_confirmed", {{"reference", "RX-261123-4F7KQ2-8"}}));
//   RXD_ASSIGN_OR_RETURN(RenderedNotification m,
//                        RenderNotification("refill_confirmed", NotificationLanguage::kSpanish, params));
//   Send(m.subject, m.body);  // or m.sms
//
// Templates carry no clinical detail (no drug, dose or condition): a message
// says that something happened and gives a reference; the member reads the
// rest signed in. Parameters are short references, links and times, checked
// here: a parameter a template does not take is refused, so nothing else can
// ride along in a message.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "domain/notification.h"
#include "domain/result.h"

namespace rxdesk {

using NotificationParams = std::map<std::string, std::string>;

// The longest parameter value (a reference is 20 characters, a link ~100).
inline constexpr std::size_t kMaxNotificationParamLength = 200;

struct NotificationTemplateInfo {
  std::string_view id;
  std::vector<std::string> required;  // parameters outside [...]
  std::vector<std::string> optional;  // parameters only inside [...]
};

// Every template, in a stable order.
const std::vector<NotificationTemplateInfo>& NotificationTemplates();

// Refusals (invalid_request): unknown template (field "template_id"); a missing
// required parameter, a parameter the template does not take, or a value that
// is empty, longer than kMaxNotificationParamLength, not UTF-8 or holds a
// control character (field "params.<name>").
Status ValidateNotificationParams(std::string_view template_id, const NotificationParams& params);

struct RenderedNotification {
  std::string subject;  // one line
  std::string body;     // the email's plain-text body
  std::string sms;      // the SMS text (short)
};

// Validates (as above) then fills in the parameters.
Result<RenderedNotification> RenderNotification(std::string_view template_id, NotificationLanguage language,
                                                const NotificationParams& params);

}  // namespace rxdesk
