#include "services/desk_config.h"

namespace rxdesk {
namespace {

void Hours(ConfigBinder& b, const char* section, const char* key, std::chrono::seconds* target, int max) {
  b.Int(
      section, key, [target](std::int64_t v) { *target = std::chrono::hours{v}; }, 1, max);
}

}  // namespace

void BindDeskConfig(DeskConfig& c, ConfigBinder& b) {
  b.Int(
      "notes", "max_text_bytes", [&c](std::int64_t v) { c.notes.max_text_bytes = static_cast<std::size_t>(v); }, 100,
      20000);
  b.Int(
      "contacts", "fcr_window_days", [&c](std::int64_t v) { c.fcr.repeat_window = std::chrono::days{v}; }, 1, 90);
  Hours(b, "messages", "warn_hours", &c.messages.sla.warn_after, 24 * 30);
  Hours(b, "messages", "breach_hours", &c.messages.sla.breach_after, 24 * 30);
  b.Int(
      "messages", "max_body_bytes", [&c](std::int64_t v) { c.messages.max_body_bytes = static_cast<std::size_t>(v); },
      100, 100000);
  Hours(b, "escalations", "supervisor_hours", &c.escalations.supervisor, 24 * 30);
  Hours(b, "escalations", "pharmacy_manager_hours", &c.escalations.pharmacy_manager, 24 * 30);
  Hours(b, "escalations", "clinical_risk_hours", &c.escalations.clinical_risk, 24 * 30);
  Hours(b, "escalations", "privacy_officer_hours", &c.escalations.privacy_officer, 24 * 30);
  b.Int("surveys", "expire_days", &c.surveys.expire_days, 1, 365);
  b.String("surveys", "link_base", &c.survey_link_base);
}

}  // namespace rxdesk
