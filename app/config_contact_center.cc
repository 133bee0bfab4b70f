// [contact_center]: the default profile of agents no supervisor has set, the
// expected-wait estimate and the KPI targets; [contact_center.<queue id>]: each
// queue's skills, language, overflow, wrap-up and priorities. Checked by
// ValidateContactCenterConfig when the server starts.
#include "app/config.h"

namespace rxdesk {

void BindContactCenter(ContactCenterConfig& c, ConfigBinder& b) {
  const std::string s = "contact_center";
  b.StringList(s, "agent_skills", &c.agent_skills);
  b.StringList(s, "pharmacist_skills", &c.pharmacist_skills);
  b.StringList(s, "languages", &c.languages);
  b.Int(s, "capacity_voice", &c.capacity_voice, 0, 1);
  b.Int(s, "capacity_chat", &c.capacity_chat, 0, kMaxChannelCapacity);
  b.Int(s, "capacity_message", &c.capacity_message, 0, kMaxChannelCapacity);
  b.Int(s, "default_aht_s", &c.default_aht_s, 1, 86400);
  b.Int(s, "max_expected_wait_s", &c.max_expected_wait_s, 1, 86400);
  b.Int(s, "aht_window_minutes", &c.aht_window_minutes, 1, 10080);
  KpiTargets& t = c.targets;
  b.Int(s, "answer_target_s", &t.answer_target_s, 1, 3600);
  b.Int(s, "service_level_target_percent", &t.service_level_percent, 1, 100);
  b.Int(s, "aht_target_min_s", &t.aht_min_s, 1, 86400);
  b.Int(s, "aht_target_max_s", &t.aht_max_s, 1, 86400);
  b.Int(s, "fcr_target_percent", &t.fcr_percent, 1, 100);
  b.Int(s, "csat_target_percent", &t.csat_percent, 1, 100);
  b.Int(s, "adherence_target_percent", &t.adherence_percent, 1, 100);
  b.Int(s, "abandonment_max_percent", &t.abandonment_max_percent, 0, 100);
  b.Int(s, "occupancy_max_percent", &t.occupancy_max_percent, 1, 100);
  for (CcQueueConfig& q : c.queues) {  // the list is fixed before binding: the pointers stay valid
    const std::string section = s + "." + q.id;
    b.StringList(section, "skills", &q.skills);
    b.String(section, "language", &q.language);
    b.StringList(section, "overflow_skills", &q.overflow_skills);
    b.Int(section, "overflow_after_s", &q.overflow_after_s, 0, 86400);
    b.Int(section, "wrap_up_s", &q.wrap_up_s, 0, 86400);
    b.Int(section, "priority_normal", &q.priority_normal, 0, kMaxPriority);
    b.Int(section, "priority_tty", &q.priority_tty, 0, kMaxPriority);
    b.Int(section, "priority_callback", &q.priority_callback, 0, kMaxPriority);
    b.Int(section, "priority_spanish", &q.priority_spanish, 0, kMaxPriority);
  }
}

}  // namespace rxdesk
