#include "services/channels.h"

#include <algorithm>

#include "domain/official_channels.h"

namespace rxdesk {

std::vector<ChannelSettings> ChannelsConfig::DefaultChannels() {
  // PRODUCT.md §7.
  return {
      {.id = "main", .name = "Member services", .kind = "phone", .number = "1-800-237-2765", .hours = "24/7"},
      {.id = "specialty", .name = "Specialty pharmacy", .kind = "phone", .number = "1-800-673-4828", .hours = "24/7"},
      {.id = "tty",
       .name = "TTY",
       .kind = "tty",
       .number = "1-800-711-4041",
       .hours = "mon-sat 08:00-20:00",
       .offer_when_closed = "secure_message"},
      {.id = "retail", .name = "Retail customer service", .kind = "phone", .number = "1-800-746-7287", .hours = "24/7"},
      {.id = "chat",
       .name = "Chat",
       .kind = "chat",
       .hours = "daily 07:00-22:00",
       .offer_when_closed = "secure_message"},
      {.id = "secure_message", .name = "Secure message to a pharmacist", .kind = "secure_message", .hours = "24/7"},
  };
}

const std::vector<std::string>& ChannelsConfig::Ids() {
  static const std::vector<std::string> kIds = {"main", "specialty", "tty", "retail", "chat", "secure_message"};
  return kIds;
}

namespace {

Error ConfigInvalid(const std::string& key, const std::string& what) {
  return MakeError("config_invalid", key + " " + what, key);
}

// One channel's settings, checked and parsed.
struct ParsedChannel {
  WeeklyHours weekly;
  ClosureDays closures;
  std::string e164;
};

Result<ParsedChannel> Parse(const ChannelSettings& s) {
  const std::string key = "channels." + s.id;
  if (s.kind != "phone" && s.kind != "tty" && s.kind != "chat" && s.kind != "secure_message") {
    return ConfigInvalid(key + ".kind", "must be phone, tty, chat or secure_message");
  }
  if (s.offer_when_closed != "" && s.offer_when_closed != "secure_message") {
    return ConfigInvalid(key + ".offer_when_closed", "must be \"\" or secure_message");
  }
  ParsedChannel p;
  Result<WeeklyHours> weekly = ParseWeeklyHours(s.hours, key + ".hours");
  if (!weekly.ok()) return ConfigInvalid(key + ".hours", weekly.error().message);
  p.weekly = std::move(*weekly);
  p.closures.federal_holidays = s.closed_on_federal_holidays;
  for (const std::string& d : s.closed_dates) {
    Result<Date> date = ParseDate(d, key + ".closed_dates");
    if (!date.ok()) return ConfigInvalid(key + ".closed_dates", "must list dates YYYY-MM-DD (" + d.substr(0, 20) + ")");
    p.closures.dates.push_back(*date);
  }
  const bool line = s.kind == "phone" || s.kind == "tty";
  if (line != !s.number.empty()) {
    return ConfigInvalid(key + ".number",
                         line ? "is required for a phone or TTY line" : "is only for phone and TTY lines");
  }
  if (line) {
    Result<std::string> n = NormalizeDialedNumber(s.number, key + ".number");
    if (!n.ok()) return ConfigInvalid(key + ".number", "must be a US phone number, e.g. 1-800-237-2765");
    p.e164 = *n;
  }
  return p;
}

}  // namespace

Status ValidateChannels(const ChannelsConfig& config) {
  for (const ChannelSettings& s : config.channels) RXD_TRY(Parse(s));
  return OkStatus();
}

Result<ChannelDirectory> ChannelDirectory::Create(const ChannelsConfig& config, const Zone& zone) {
  std::vector<ContactChannel> channels;
  channels.reserve(config.channels.size());
  for (const ChannelSettings& s : config.channels) {
    RXD_ASSIGN_OR_RETURN(ParsedChannel p, Parse(s));
    channels.push_back(
        ContactChannel{s, OpeningHours(std::move(p.weekly), zone, std::move(p.closures)), std::move(p.e164)});
  }
  return ChannelDirectory(std::move(channels));
}

const ContactChannel* ChannelDirectory::Find(std::string_view id) const {
  for (const ContactChannel& c : channels_) {
    if (c.settings.id == id) return &c;
  }
  return nullptr;
}

const ContactChannel* ChannelDirectory::FindByNumber(std::string_view number) const {
  Result<std::string> e164 = NormalizeDialedNumber(number);
  if (!e164.ok()) return nullptr;
  for (const ContactChannel& c : channels_) {
    if (!c.number_e164.empty() && c.number_e164 == *e164) return &c;
  }
  return nullptr;
}

bool ChannelDirectory::IsOpen(std::string_view id, Instant t) const {
  const ContactChannel* c = Find(id);
  return c != nullptr && c->hours.IsOpen(t);
}

ChannelStatus ChannelDirectory::StatusOf(const ContactChannel& c, Instant t) const {
  ChannelStatus s;
  s.channel = &c;
  s.open = c.hours.IsOpen(t);
  s.next_change = c.hours.NextChange(t);
  if (!s.open) s.offer = c.settings.offer_when_closed;
  return s;
}

Result<ChannelStatus> ChannelDirectory::StatusAt(std::string_view id, Instant t) const {
  const ContactChannel* c = Find(id);
  if (c == nullptr) return MakeError("not_found", "no such channel");
  return StatusOf(*c, t);
}

std::vector<ChannelStatus> ChannelDirectory::AllAt(Instant t) const {
  std::vector<ChannelStatus> out;
  out.reserve(channels_.size());
  for (const ContactChannel& c : channels_) out.push_back(StatusOf(c, t));
  return out;
}

}  // namespace rxdesk
