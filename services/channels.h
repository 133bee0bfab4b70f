// The ways members reach the pharmacy (PRODUCT.md §7, all config): the four
// phone lines, chat and secure messages, each with its weekly hours in the
// operator's zone and its closure dates, and whether it is open at an instant.
//
//   RXD_ASSIGN_OR_RETURN(ChannelDirectory channels, ChannelDirectory::Create(config.channels, zone));
//   if (!channels.IsOpen("chat", now)) OfferSecureMessage();       // §7: chat outside 07:00-22:00
//   RXD_ASSIGN_OR_RETURN(ChannelStatus tty, channels.StatusAt("tty", now));
//   if (!tty.open) Say("We open at " + FormatInstant(*tty.next_change));
//   const ContactChannel* line = channels.FindByNumber("+1 (800) 237-2765");   // the main line
//
// A ChannelDirectory is immutable once created: safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/opening_hours.h"
#include "domain/result.h"
#include "domain/time.h"
#include "domain/zone.h"

namespace rxdesk {

// One channel as configured in [channels.<id>].
struct ChannelSettings {
  std::string id;                         // main | specialty | tty | retail | chat | secure_message
  std::string name;                       // for people, e.g. "Member services"
  std::string kind;                       // phone | tty | chat | secure_message
  std::string number;                     // phone lines only, as printed, e.g. "1-800-237-2765"
  std::string hours = "24/7";             // domain/opening_hours.h's form, in the operator's zone
  std::vector<std::string> closed_dates;  // local dates YYYY-MM-DD when the channel is closed all day
  bool closed_on_federal_holidays = false;
  std::string offer_when_closed;  // "" or "secure_message": what a closed channel offers instead
  std::string ivr_flow;           // phone lines: an IVR flow file (docs/contact-center.md); "" = the built-in menu
};

// [channels.<id>] for the six channels of API.md, with PRODUCT.md §7's defaults.
struct ChannelsConfig {
  std::vector<ChannelSettings> channels = DefaultChannels();

  static std::vector<ChannelSettings> DefaultChannels();
  // The ids in API.md's order: main, specialty, tty, retail, chat, secure_message.
  static const std::vector<std::string>& Ids();
};

// One channel ready to answer "open at t?".
struct ContactChannel {
  ChannelSettings settings;
  OpeningHours hours;
  std::string number_e164;  // the number as E.164 ("+18002372765"); "" when none
};

// A channel at one instant (GET /v1/channels).
struct ChannelStatus {
  const ContactChannel* channel = nullptr;
  bool open = false;
  std::optional<Instant> next_change;  // nullopt: never changes (24/7 without closures)
  std::string offer;                   // closed and offering an alternative: "secure_message"; else ""
};

// Checks every channel as ChannelDirectory::Create does (for config loading,
// before the zone is known). Refusal: config_invalid naming the key.
Status ValidateChannels(const ChannelsConfig& config);

class ChannelDirectory {
 public:
  // Validates every channel (kind, hours, dates, number). Refusal: config_invalid
  // naming the key, e.g. "channels.tty.hours".
  static Result<ChannelDirectory> Create(const ChannelsConfig& config, const Zone& zone);

  // The channel with this id, or nullptr.
  const ContactChannel* Find(std::string_view id) const;
  // The phone or TTY line whose number is `number` in any common form (+1, dots,
  // dashes, parentheses, letters as on a keypad), or nullptr.
  const ContactChannel* FindByNumber(std::string_view number) const;

  // Whether the channel is open at `t`; false for an unknown id.
  bool IsOpen(std::string_view id, Instant t) const;
  // The channel's state at `t`. Refusal: not_found for an unknown id.
  Result<ChannelStatus> StatusAt(std::string_view id, Instant t) const;
  // Every channel's state at `t`, in configuration order.
  std::vector<ChannelStatus> AllAt(Instant t) const;

  const std::vector<ContactChannel>& channels() const { return channels_; }

 private:
  explicit ChannelDirectory(std::vector<ContactChannel> channels) : channels_(std::move(channels)) {}
  ChannelStatus StatusOf(const ContactChannel& c, Instant t) const;

  std::vector<ContactChannel> channels_;
};

}  // namespace rxdesk
