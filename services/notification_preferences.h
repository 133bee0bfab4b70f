// A member's notification preference (channel and language), read and changed
// by the member or by an agent in a verified contact; both audited.
//
//   NotificationPreferenceService prefs(store, members, clock);
//   RXD_ASSIGN_OR_RETURN(NotificationPreference p, prefs.Get(caller, member_id));
//   RXD_ASSIGN_OR_RETURN(p, prefs.Set(caller, member_id, NotificationChannel::kSms, NotificationLanguage::kSpanish));
#pragma once

#include <string>

#include "domain/clock.h"
#include "services/caller.h"
#include "services/member_service.h"
#include "services/notification_outbox.h"
#include "store/store.h"

namespace rxdesk {

class NotificationPreferenceService {
 public:
  NotificationPreferenceService(Store& store, const MemberService& members, const Clock& clock)
      : store_(store), members_(members), clock_(clock) {}

  // Refusals: not_found (no such member, or another member's), verification_required
  // (an agent without a verified contact for this member). Audited either way.
  Result<NotificationPreference> Get(const Caller& caller, const std::string& member_id);

  // Stores the choice. Refusals: those of Get, and channel_unavailable (422,
  // field "channel") for email or SMS with no such address on file.
  Result<NotificationPreference> Set(const Caller& caller, const std::string& member_id, NotificationChannel channel,
                                     NotificationLanguage language);

 private:
  Store& store_;
  const MemberService& members_;
  const Clock& clock_;
};

}  // namespace rxdesk
