#include "services/notifications.h"

#include "infra/ids.h"
#include "infra/system_clock.h"
#include "services/notification_outbox.h"

namespace rxdesk {

Status QueueNotification(Connection& tx, const NotificationRequest& request) {
  RXD_TRY(ValidateNotificationParams(request.template_id, request.params));
  RXD_ASSIGN_OR_RETURN(NotificationPreference preference, LoadNotificationPreference(tx, request.member_id));
  // Opted out, or no address for the chosen channel: nothing to send, not an error.
  if (!ChannelReachable(preference.channel, preference.on_file)) return OkStatus();
  OutboxRow row;
  row.id = NewId();
  row.member_id = request.member_id;
  row.template_id = request.template_id;
  row.params = request.params;
  row.channel = preference.channel;
  row.language = preference.language;
  // When it was queued, for people reading the outbox; the worker's clock decides
  // when it is due (a new row is due at once: next_attempt_at NULL).
  row.created_at = FormatInstant(SystemClock().Now());
  RXD_TRY(InsertOutboxRow(tx, row));
  // Before the commit: the worker's claim goes through the same writer, so it runs
  // after this transaction and sees the row (or nothing, had it rolled back).
  RingOutboxDoorbell();
  return OkStatus();
}

}  // namespace rxdesk
