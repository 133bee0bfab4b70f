// Automatic contact distribution (ACD): which agent gets which waiting contact
// (PRODUCT.md §7–§9). Pure and single-threaded: time is passed in, every change
// is one call, and each call returns the decisions it produced so that the
// server can persist them and the simulator can schedule what follows.
//
//   Acd acd;
//   RXD_TRY(acd.AddQueue({.id = QueueId{1}, .required = {{SkillId{10}, 2}}}));
//   RXD_TRY(acd.AddAgent({.id = AgentId{7}, .skills = {{SkillId{10}, 4}}}, t0));
//   RXD_TRY(acd.SetPresence(AgentId{7}, Presence::kAvailable, "login", t0));
//   RXD_ASSIGN_OR_RETURN(AcdOutcome out, acd.Enqueue({.id = ContactId{1}, .queue = QueueId{1}}, t1));
//   for (const Assignment& a : out.assignments) Connect(a.contact, a.agent);   // agent 7 gets it
//   RXD_ASSIGN_OR_RETURN(out, acd.EndContact(ContactId{1}, t2));               // agent 7 in wrap-up
//   if (auto due = acd.NextDeadline()) WakeAt(*due);                           // then acd.Advance(*due)
//
// The rules, as implemented:
// - Eligibility. A queue requires skills (each with a minimum proficiency 1–5);
//   an agent is eligible when it has every one of them at or above the minimum,
//   speaks the contact's language (the queue's when the contact names none) and
//   has a free slot on the contact's channel.
// - Capacity. Each agent has a capacity per channel (voice 1, chat 3, message 5
//   by default). A call is exclusive: it goes only to an agent holding nothing,
//   and an agent on a call (or in its wrap-up) takes nothing else. Chats and
//   messages may be held together, each up to its own capacity.
// - Best agent for a new contact: the highest skill score (the sum of the
//   agent's proficiencies on the queue's required skills), ties to the longest
//   idle. An agent's idle time on a channel runs from the moment it last became
//   able to take a contact there (went available, a wrap-up ended, a slot freed)
//   or last took any contact, whichever is later.
// - Best contact for a freed agent: the highest priority, then the longest
//   waiting, across every queue, language and channel the agent is eligible for.
//   A contact's priority comes from its queue's table (TTY, callback, Spanish,
//   otherwise normal; the highest that applies) unless the caller sets one.
// - Overflow. From `overflow_after` of waiting on, a contact may also go to
//   agents meeting the queue's wider overflow skill set (scored on those
//   skills). Agents meeting the required skills always come first.
// - Wrap-up. When a contact ends, its slot stays held for the queue's wrap-up
//   time (after-contact work); the agent is in wrap_up while it holds only
//   wrap-ups, then available again.
// - Presence. Agents start offline. Break or offline asked for while busy takes
//   effect when the last contact and wrap-up are done; no new contact meanwhile.
// - Time. Calls must come in non-decreasing `now`. Every timed call first
//   processes the deadlines due by `now` (wrap-ups ending, contacts reaching
//   overflow), each at its own instant, and reports their decisions too.
//
// Cost: one routing decision is O(1) in the number of agents and waiting
// contacts: O(queues × languages × channels) the agent is eligible for when an
// agent frees up, O(1) when a contact arrives; memory O(agents × eligible queues).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace rxdesk {

// Milliseconds on any fixed origin: the server uses the Unix epoch (an Instant
// converts implicitly), the simulator a virtual clock starting at its day.
using AcdInstant = std::chrono::sys_time<std::chrono::milliseconds>;
using AcdDuration = std::chrono::milliseconds;

// Opaque numeric handles chosen by the caller.
enum class AgentId : std::uint64_t {};
enum class ContactId : std::uint64_t {};
enum class QueueId : std::uint32_t {};
enum class SkillId : std::uint32_t {};

enum class Channel : std::uint8_t { kVoice, kChat, kMessage };
inline constexpr int kChannelCount = 3;
enum class Language : std::uint8_t { kEnglish, kSpanish };
inline constexpr int kLanguageCount = 2;

// What the agent asked for. The state shown to supervisors adds busy and wrap_up.
enum class Presence : std::uint8_t { kAvailable, kBreak, kOffline };
enum class AgentState : std::uint8_t { kAvailable, kBusy, kWrapUp, kBreak, kOffline };

// "voice", "chat", "message"; "en", "es"; "available", "busy", "wrap_up", "break", "offline".
std::string_view ChannelName(Channel channel);
std::string_view LanguageCode(Language language);
std::string_view AgentStateName(AgentState state);
// Refusal: invalid_request naming `field`.
Result<Channel> ParseChannel(std::string_view text, std::string_view field = "channel");
Result<Language> ParseLanguage(std::string_view text, std::string_view field = "language");

inline constexpr int kMinProficiency = 1;
inline constexpr int kMaxProficiency = 5;
// Bounds that keep every index small; validated, not configurable.
inline constexpr int kMaxPriority = 63;
inline constexpr int kMaxSkillsPerRequirement = 12;  // 12 x 5 = 60: a skill score fits 0..63
inline constexpr int kMaxSkillsPerAgent = 64;
inline constexpr int kMaxChannelCapacity = 16;  // chat and message; voice is 0 or 1

struct SkillRequirement {
  SkillId skill{};
  int min_proficiency = kMinProficiency;
};

struct SkillLevel {
  SkillId skill{};
  int proficiency = kMinProficiency;
};

// Priorities per queue (config), 0..kMaxPriority, higher first. The defaults put
// TTY callers first (a relay call is slow to set up and easy to lose), then
// scheduled callbacks (the member was promised a call), then Spanish callers
// (fewer agents can take them, so they would otherwise wait longest).
struct QueuePriorities {
  int normal = 0;
  int tty = 3;
  int callback = 2;
  int spanish = 1;
};

struct QueueParams {
  QueueId id{};
  Language language = Language::kEnglish;  // for contacts that name none
  std::vector<SkillRequirement> required;  // all must be met; empty: any agent with the language
  std::vector<SkillRequirement> overflow;  // the wider set; empty: no overflow
  // (config) Waiting from which a contact may go to overflow agents: with the
  // 20 s service-level target of PRODUCT.md §9 already lost, a wider pool beats
  // a longer wait.
  AcdDuration overflow_after = std::chrono::seconds{60};
  // (config) After-contact work per contact of this queue. PRODUCT.md §9 counts
  // it in AHT without a figure of its own; 30 s is a common default.
  AcdDuration wrap_up = std::chrono::seconds{30};
  QueuePriorities priority;
};

// Contacts an agent holds at once per channel (PRODUCT.md §7 channels; config).
struct AgentCapacity {
  int voice = 1;    // 0 or 1
  int chat = 3;     // 0..kMaxChannelCapacity
  int message = 5;  // 0..kMaxChannelCapacity
};

struct AgentParams {
  AgentId id{};
  std::vector<SkillLevel> skills;
  std::vector<Language> languages = {Language::kEnglish};
  AgentCapacity capacity;
};

struct ContactParams {
  ContactId id{};
  QueueId queue{};
  Channel channel = Channel::kVoice;
  std::optional<Language> language;  // default: the queue's
  bool tty = false;
  bool callback = false;
  std::optional<int> priority;  // 0..kMaxPriority; overrides the queue's table
};

// A contact given to an agent.
struct Assignment {
  ContactId contact{};
  AgentId agent{};
  QueueId queue{};
  Channel channel = Channel::kVoice;
  AcdInstant at;
  AcdDuration waited{};
  bool overflow = false;  // the agent qualified through the overflow skills
};

struct Abandonment {
  ContactId contact{};
  QueueId queue{};
  Channel channel = Channel::kVoice;
  AcdInstant at;
  AcdDuration waited{};
};

struct AgentChange {
  AgentId agent{};
  AgentState state = AgentState::kOffline;
  std::string reason;  // the caller's for presence changes; "contact", "wrap-up", "ready" otherwise
  AcdInstant at;
};

// What one call produced, in the order it happened.
struct AcdOutcome {
  std::vector<Assignment> assignments;
  std::vector<AgentChange> agent_changes;
  std::optional<Abandonment> abandonment;  // only from Abandon
};

struct AgentStatus {
  AgentState state = AgentState::kOffline;
  Presence presence = Presence::kOffline;
  std::string reason;
  AcdInstant since;  // of the last state change
  int active[kChannelCount] = {};
  int wrapping[kChannelCount] = {};
};

struct ContactStatus {
  QueueId queue{};
  Channel channel = Channel::kVoice;
  Language language = Language::kEnglish;
  int priority = 0;
  AcdInstant enqueued_at;
  bool overflowed = false;       // reached the queue's overflow time while waiting
  std::optional<AgentId> agent;  // empty while waiting
};

class Acd {
 public:
  Acd();
  ~Acd();
  Acd(Acd&&) noexcept;
  Acd& operator=(Acd&&) noexcept;

  // Adds a queue; agents already added are matched against it.
  // Refusal: conflict (id taken); invalid_request naming the field (proficiency
  // outside 1–5, a skill twice, more than 12 skills, negative time, priority
  // outside 0..63, unknown language).
  Status AddQueue(const QueueParams& queue);

  // Adds an agent, offline since `now`. Refusal: conflict (id taken);
  // invalid_request naming the field (proficiency, duplicate skill, no or unknown
  // language, capacity out of range, `now` earlier than a previous call).
  Status AddAgent(const AgentParams& agent, AcdInstant now);

  // Removes an offline agent holding nothing (to change its skills: remove, add).
  // Refusal: not_found; conflict when not offline or still holding contacts.
  Status RemoveAgent(AgentId agent);

  // Available, break or offline, with a reason for the record (no PHI). Going
  // available routes waiting contacts to the agent at once.
  // Refusal: not_found; invalid_request on `now` or an unknown presence.
  Result<AcdOutcome> SetPresence(AgentId agent, Presence presence, std::string reason, AcdInstant now);

  // A contact arrives: it goes to the best eligible agent now, or waits.
  // Refusal: not_found (queue); conflict (contact id live); invalid_request naming
  // the field (channel, language, priority, `now`).
  Result<AcdOutcome> Enqueue(const ContactParams& contact, AcdInstant now);

  // The agent is done with an assigned contact: its slot is held for the queue's
  // wrap-up time, then freed (and refilled from the waiting contacts).
  // Refusal: not_found; conflict when the contact is still waiting (use Abandon).
  Result<AcdOutcome> EndContact(ContactId contact, AcdInstant now);

  // A waiting contact hangs up; the outcome records its wait. If a deadline due
  // by `now` gave it to an agent first, the outcome has that assignment and no
  // abandonment. Refusal: not_found; conflict when already assigned before the call.
  Result<AcdOutcome> Abandon(ContactId contact, AcdInstant now);

  // The agent ends all its wrap-ups early. Refusal: not_found; invalid_request on `now`.
  Result<AcdOutcome> FinishWrapUp(AgentId agent, AcdInstant now);

  // Processes the deadlines due by `now`. Refusal: invalid_request on `now`.
  Result<AcdOutcome> Advance(AcdInstant now);

  // The next instant at which Advance would do something, if any.
  std::optional<AcdInstant> NextDeadline() const;

  // Refusal: not_found.
  Result<AgentStatus> GetAgent(AgentId agent) const;
  Result<ContactStatus> GetContact(ContactId contact) const;
  Result<int> WaitingIn(QueueId queue) const;
  int Waiting() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rxdesk
