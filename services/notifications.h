// Confirmations and reminders to members (PRODUCT.md §8), by email or SMS per
// the member's preference, in English or Spanish. Callers only queue: a row in
// the outbox written in the caller's own transaction, so a notification is sent
// exactly when the change it tells of commits, and sending (with retries and
// backoff) never blocks the request.
//
//   RXD_TRY(QueueNotification(tx, {.member_id = m, .template_id = "message_reply",
//                                   .params = {{"reference", contact.reference}}}));
//
// Template ids and their parameters are listed in docs/contact-center.md.
// Parameters must not carry clinical detail: notifications say that something
// happened and give a reference; the member reads the rest signed in.
#pragma once

#include <map>
#include <string>

#include "domain/result.h"
#include "store/db.h"

namespace rxdesk {

struct NotificationRequest {
  std::string member_id;
  std::string template_id;  // e.g. "refill_confirmed", "message_reply", "ticket_opened", "csat_survey"
  std::map<std::string, std::string> params;
};

// Queues one notification inside `tx`. A member with no usable address for
// their preferred channel (or who opted out) gets nothing: that is not an
// error. Refusal: invalid_request (unknown template or missing parameter).
Status QueueNotification(Connection& tx, const NotificationRequest& request);

}  // namespace rxdesk
