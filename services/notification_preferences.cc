#include "services/notification_preferences.h"

#include <optional>

#include "services/audit.h"

namespace rxdesk {

Result<NotificationPreference> NotificationPreferenceService::Get(const Caller& caller, const std::string& member_id) {
  const Instant now = clock_.Now();
  constexpr char kAction[] = "notification_preferences.read";
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, kAction, "member", member_id, member_id, "denied")));
    return NotVisible(own.error(), "no such member");
  }
  RXD_ASSIGN_OR_RETURN(NotificationPreference p,
                       store_.Read([&](Connection& c) { return LoadNotificationPreference(c, member_id); }));
  RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, kAction, "member", member_id, member_id)));
  return p;
}

Result<NotificationPreference> NotificationPreferenceService::Set(const Caller& caller, const std::string& member_id,
                                                                  NotificationChannel channel,
                                                                  NotificationLanguage language) {
  const Instant now = clock_.Now();
  constexpr char kAction[] = "notification_preferences.update";
  if (Status own = members_.CheckOwnership(caller, member_id); !own.ok()) {
    RXD_TRY(AuditAlone(store_, MakeAudit(caller, now, kAction, "member", member_id, member_id, "denied")));
    return NotVisible(own.error(), "no such member");
  }
  NotificationPreference saved;
  std::optional<Error> refusal;
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(NotificationPreference current, LoadNotificationPreference(w.conn, member_id));
    if (channel != NotificationChannel::kNone && !ChannelReachable(channel, current.on_file)) {
      refusal = MakeError("channel_unavailable",
                          channel == NotificationChannel::kEmail ? "there is no email address on file"
                                                                 : "there is no phone number on file",
                          "channel");
      return w.audit.Append(
          w.conn, MakeAudit(caller, now, kAction, "member", member_id, member_id, "refused:channel_unavailable"));
    }
    RXD_TRY(SaveNotificationPreference(w.conn, member_id, channel, language, caller.principal.user_id, now));
    saved = current;
    saved.channel = channel;
    saved.language = language;
    saved.is_default = false;
    saved.updated_at = FormatInstant(now);
    return w.audit.Append(w.conn, MakeAudit(caller, now, kAction, "member", member_id, member_id));
  }));
  if (refusal) return std::move(*refusal);
  return saved;
}

}  // namespace rxdesk
