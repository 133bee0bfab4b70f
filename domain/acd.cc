#include "domain/acd.h"

#include <algorithm>
#include <array>
#include <bit>
#include <functional>
#include <queue>
#include <tuple>
#include <unordered_map>

namespace rxdesk {
namespace {

constexpr std::uint32_t kNil = 0xFFFFFFFFu;
constexpr int kPresenceCount = 3;
// Instants beyond about ±31,000 years are refused, so that adding a day to one never overflows.
constexpr std::int64_t kMaxAbsMillis = 1'000'000'000'000'000;
constexpr AcdDuration kMaxQueueDuration = std::chrono::hours{24};

constexpr std::uint8_t Bit(int i) { return static_cast<std::uint8_t>(1u << i); }
constexpr int Index(Channel c) { return static_cast<int>(c); }
constexpr int Index(Language l) { return static_cast<int>(l); }

// Intrusive doubly linked FIFO lists, one per level (a priority or a skill score),
// with a mask of the non-empty levels: append, unlink and "best head" are O(1).
struct Link {
  std::uint32_t prev = kNil;
  std::uint32_t next = kNil;
};

template <int kLevels>
struct Levels {
  static_assert(kLevels <= 64);
  std::uint64_t mask = 0;
  std::array<std::uint32_t, kLevels> head;
  std::array<std::uint32_t, kLevels> tail;
  Levels() {
    head.fill(kNil);
    tail.fill(kNil);
  }
  int Top() const { return static_cast<int>(std::bit_width(mask)) - 1; }  // requires mask != 0
};

template <int kLevels, typename LinkOf>
void Append(Levels<kLevels>& lv, int level, std::uint32_t i, LinkOf link_of) {
  Link& l = link_of(i);
  l.prev = lv.tail[level];
  l.next = kNil;
  if (lv.tail[level] == kNil) {
    lv.head[level] = i;
  } else {
    link_of(lv.tail[level]).next = i;
  }
  lv.tail[level] = i;
  lv.mask |= std::uint64_t{1} << level;
}

template <int kLevels, typename LinkOf>
void Unlink(Levels<kLevels>& lv, int level, std::uint32_t i, LinkOf link_of) {
  Link& l = link_of(i);
  if (l.prev == kNil) {
    lv.head[level] = l.next;
  } else {
    link_of(l.prev).next = l.next;
  }
  if (l.next == kNil) {
    lv.tail[level] = l.prev;
  } else {
    link_of(l.next).prev = l.prev;
  }
  l = Link{};
  if (lv.head[level] == kNil) lv.mask &= ~(std::uint64_t{1} << level);
}

enum class Tier : std::uint8_t { kPrimary, kOverflow };

struct QueueRec {
  QueueParams params;
  Levels<1> fresh;  // waiting contacts not yet overflowed, in arrival order (only with overflow skills)
  int waiting = 0;
};

struct Membership {
  std::uint32_t queue = 0;
  Tier tier = Tier::kPrimary;
};

// One agent in one ready list: (queue, tier, language, channel) at its skill score.
struct AgentNode {
  std::uint32_t agent = 0;
  std::uint32_t bucket = 0;
  std::uint8_t score = 0;
  Channel channel = Channel::kVoice;
  bool linked = false;
  Link link;
};

struct AgentRec {
  AgentId id{};
  bool live = false;
  std::vector<SkillLevel> skills;
  std::uint8_t languages = 0;  // bit per Language
  int capacity[kChannelCount] = {};
  Presence presence = Presence::kOffline;
  std::string presence_reason;
  AgentState state = AgentState::kOffline;
  std::string reason;
  AcdInstant since;
  int active[kChannelCount] = {};
  int wrapping[kChannelCount] = {};
  std::uint32_t wrap_generation = 0;  // bumped when wrap-ups are ended early: older deadlines are stale
  std::uint8_t ready = 0;             // bit per channel
  std::vector<Membership> memberships;
  std::vector<std::uint32_t> nodes;
};

struct ContactRec {
  ContactId id{};
  std::uint32_t queue = 0;
  Channel channel = Channel::kVoice;
  Language language = Language::kEnglish;
  std::uint8_t priority = 0;
  bool waiting = false;
  bool overflowed = false;
  bool in_fresh = false;
  AcdInstant enqueued_at;
  std::uint64_t seq = 0;  // arrival order; with non-decreasing time it orders by wait too
  std::uint32_t agent = kNil;
  Link main;
  Link over;
  Link fresh;
};

struct WrapDue {
  AcdInstant at;
  std::uint64_t seq = 0;
  std::uint32_t agent = 0;
  std::uint32_t generation = 0;
  Channel channel = Channel::kVoice;
  bool operator>(const WrapDue& o) const { return std::tie(at, seq) > std::tie(o.at, o.seq); }
};

int Sum(const int (&v)[kChannelCount]) { return v[0] + v[1] + v[2]; }

AgentState Derive(const AgentRec& a) {
  if (Sum(a.active) > 0) return AgentState::kBusy;
  if (Sum(a.wrapping) > 0) return AgentState::kWrapUp;
  switch (a.presence) {
    case Presence::kAvailable:
      return AgentState::kAvailable;
    case Presence::kBreak:
      return AgentState::kBreak;
    case Presence::kOffline:
      break;
  }
  return AgentState::kOffline;
}

// Which channels the agent can take a contact on now.
std::uint8_t ReadyMask(const AgentRec& a) {
  if (a.presence != Presence::kAvailable) return 0;
  int held[kChannelCount];
  for (int c = 0; c < kChannelCount; ++c) held[c] = a.active[c] + a.wrapping[c];
  std::uint8_t mask = 0;
  const int voice = Index(Channel::kVoice);
  if (a.capacity[voice] > 0 && held[0] + held[1] + held[2] == 0) mask |= Bit(voice);
  if (held[voice] > 0) return mask;  // a call (or its wrap-up) is exclusive
  for (Channel ch : {Channel::kChat, Channel::kMessage}) {
    if (held[Index(ch)] < a.capacity[Index(ch)]) mask |= Bit(Index(ch));
  }
  return mask;
}

// The agent's score on `reqs`, or -1 when it misses one.
int Score(const std::vector<SkillLevel>& skills, const std::vector<SkillRequirement>& reqs) {
  int score = 0;
  for (const SkillRequirement& r : reqs) {
    const auto it = std::find_if(skills.begin(), skills.end(), [&](const SkillLevel& s) { return s.skill == r.skill; });
    if (it == skills.end() || it->proficiency < r.min_proficiency) return -1;
    score += it->proficiency;
  }
  return score;
}

Status ValidateRequirements(const std::vector<SkillRequirement>& reqs, const std::string& field) {
  if (reqs.size() > static_cast<std::size_t>(kMaxSkillsPerRequirement)) {
    return InvalidField(field, "at most " + std::to_string(kMaxSkillsPerRequirement) + " skills");
  }
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    const std::string at = field + "[" + std::to_string(i) + "]";
    if (reqs[i].min_proficiency < kMinProficiency || reqs[i].min_proficiency > kMaxProficiency) {
      return InvalidField(at + ".min_proficiency", "must be 1 to 5");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (reqs[j].skill == reqs[i].skill) return InvalidField(at + ".skill", "skill listed twice");
    }
  }
  return OkStatus();
}

Status ValidatePriority(int p, const std::string& field) {
  if (p < 0 || p > kMaxPriority) return InvalidField(field, "must be 0 to " + std::to_string(kMaxPriority));
  return OkStatus();
}

Status ValidateNow(AcdInstant now, AcdInstant last) {
  const std::int64_t ms = now.time_since_epoch().count();
  if (ms > kMaxAbsMillis || ms < -kMaxAbsMillis) return InvalidField("now", "instant out of range");
  if (now < last) return InvalidField("now", "earlier than a previous call: time must not go backwards");
  return OkStatus();
}

bool ValidChannel(Channel c) { return static_cast<unsigned>(c) < static_cast<unsigned>(kChannelCount); }
bool ValidLanguage(Language l) { return static_cast<unsigned>(l) < static_cast<unsigned>(kLanguageCount); }

Error NotFound(const std::string& field, const char* what) {
  return MakeError("not_found", std::string("no such ") + what, field);
}

}  // namespace

std::string_view ChannelName(Channel channel) {
  switch (channel) {
    case Channel::kVoice:
      return "voice";
    case Channel::kChat:
      return "chat";
    case Channel::kMessage:
      return "message";
  }
  return "?";
}

std::string_view LanguageCode(Language language) {
  switch (language) {
    case Language::kEnglish:
      return "en";
    case Language::kSpanish:
      return "es";
  }
  return "?";
}

std::string_view AgentStateName(AgentState state) {
  switch (state) {
    case AgentState::kAvailable:
      return "available";
    case AgentState::kBusy:
      return "busy";
    case AgentState::kWrapUp:
      return "wrap_up";
    case AgentState::kBreak:
      return "break";
    case AgentState::kOffline:
      return "offline";
  }
  return "?";
}

Result<Channel> ParseChannel(std::string_view text, std::string_view field) {
  for (Channel c : {Channel::kVoice, Channel::kChat, Channel::kMessage}) {
    if (text == ChannelName(c)) return c;
  }
  return InvalidField(std::string(field), "must be voice, chat or message");
}

Result<Language> ParseLanguage(std::string_view text, std::string_view field) {
  for (Language l : {Language::kEnglish, Language::kSpanish}) {
    if (text == LanguageCode(l)) return l;
  }
  return InvalidField(std::string(field), "must be en or es");
}

struct Acd::Impl {
  std::vector<QueueRec> queues;
  std::unordered_map<std::uint32_t, std::uint32_t> queue_index;
  std::vector<AgentRec> agents;
  std::vector<std::uint32_t> free_agents;
  std::unordered_map<std::uint64_t, std::uint32_t> agent_index;
  std::vector<AgentNode> nodes;
  std::vector<std::uint32_t> free_nodes;
  std::vector<ContactRec> contacts;
  std::vector<std::uint32_t> free_contacts;
  std::unordered_map<std::uint64_t, std::uint32_t> contact_index;
  // Waiting contacts by (queue, language, channel), one level per priority.
  std::vector<Levels<kMaxPriority + 1>> contact_main;  // all waiting
  std::vector<Levels<kMaxPriority + 1>> contact_over;  // waiting past overflow_after
  // Ready agents by (queue, tier, language, channel), one level per skill score.
  std::vector<Levels<kMaxPriority + 1>> agent_lists;
  mutable std::priority_queue<WrapDue, std::vector<WrapDue>, std::greater<>> wraps;
  AcdInstant last_now = AcdInstant{AcdDuration{-kMaxAbsMillis}};
  std::uint64_t next_seq = 0;
  int waiting_total = 0;

  static std::uint32_t ContactBucket(std::uint32_t q, Language l, Channel c) {
    return (q * kLanguageCount + Index(l)) * kChannelCount + Index(c);
  }
  static std::uint32_t AgentBucket(std::uint32_t q, Tier t, int l, int c) {
    return ((q * 2 + static_cast<std::uint32_t>(t)) * kLanguageCount + l) * kChannelCount + c;
  }
  auto MainLink() {
    return [this](std::uint32_t i) -> Link& { return contacts[i].main; };
  }
  auto OverLink() {
    return [this](std::uint32_t i) -> Link& { return contacts[i].over; };
  }
  auto FreshLink() {
    return [this](std::uint32_t i) -> Link& { return contacts[i].fresh; };
  }
  auto NodeLink() {
    return [this](std::uint32_t i) -> Link& { return nodes[i].link; };
  }

  // ---- agents ----

  void AddMembership(std::uint32_t ai, std::uint32_t qi) {
    AgentRec& a = agents[ai];
    const QueueParams& q = queues[qi].params;
    Tier tier = Tier::kPrimary;
    int score = Score(a.skills, q.required);
    if (score < 0 && !q.overflow.empty()) {
      tier = Tier::kOverflow;
      score = Score(a.skills, q.overflow);
    }
    if (score < 0) return;
    a.memberships.push_back(Membership{qi, tier});
    for (int l = 0; l < kLanguageCount; ++l) {
      if ((a.languages & Bit(l)) == 0) continue;
      for (int c = 0; c < kChannelCount; ++c) {
        if (a.capacity[c] == 0) continue;
        AgentNode node{ai, AgentBucket(qi, tier, l, c), static_cast<std::uint8_t>(score), static_cast<Channel>(c)};
        std::uint32_t ni;
        if (free_nodes.empty()) {
          ni = static_cast<std::uint32_t>(nodes.size());
          nodes.push_back(node);
        } else {
          ni = free_nodes.back();
          free_nodes.pop_back();
          nodes[ni] = node;
        }
        a.nodes.push_back(ni);
        if (a.ready & Bit(c)) {
          Append(agent_lists[node.bucket], node.score, ni, NodeLink());
          nodes[ni].linked = true;
        }
      }
    }
  }

  // Re-files the agent's nodes after its load or presence changed. `took_contact`
  // restarts its idle time on every channel it can still take.
  // Returns the channels it became ready for.
  std::uint8_t Relink(std::uint32_t ai, bool took_contact) {
    AgentRec& a = agents[ai];
    const std::uint8_t before = a.ready;
    const std::uint8_t now_ready = ReadyMask(a);
    if (now_ready == before && !took_contact) return 0;
    for (std::uint32_t ni : a.nodes) {
      AgentNode& n = nodes[ni];
      const bool want = (now_ready & Bit(Index(n.channel))) != 0;
      if (n.linked && (!want || took_contact)) {
        Unlink(agent_lists[n.bucket], n.score, ni, NodeLink());
        n.linked = false;
      }
      if (want && !n.linked) {
        Append(agent_lists[n.bucket], n.score, ni, NodeLink());
        n.linked = true;
      }
    }
    a.ready = now_ready;
    return static_cast<std::uint8_t>(now_ready & ~before);
  }

  void UpdateState(std::uint32_t ai, AcdInstant t, AcdOutcome& out) {
    AgentRec& a = agents[ai];
    const AgentState next = Derive(a);
    if (next == a.state) return;
    const bool from_work = a.state == AgentState::kBusy || a.state == AgentState::kWrapUp;
    switch (next) {
      case AgentState::kBusy:
        a.reason = "contact";
        break;
      case AgentState::kWrapUp:
        a.reason = "wrap-up";
        break;
      case AgentState::kAvailable:
        a.reason = from_work ? "ready" : a.presence_reason;
        break;
      case AgentState::kBreak:
      case AgentState::kOffline:
        a.reason = a.presence_reason;
        break;
    }
    a.state = next;
    a.since = t;
    out.agent_changes.push_back(AgentChange{a.id, next, a.reason, t});
  }

  // After the agent's load or presence changed: state, lists, then any contacts
  // it can now take.
  void AfterAgentChange(std::uint32_t ai, AcdInstant t, AcdOutcome& out) {
    UpdateState(ai, t, out);
    if (Relink(ai, false) != 0) FillAgent(ai, t, out);
  }

  // Gives the agent the best contacts it is eligible for until it is full or none is left.
  void FillAgent(std::uint32_t ai, AcdInstant t, AcdOutcome& out) {
    for (;;) {
      const AgentRec& a = agents[ai];
      if (a.ready == 0) return;
      std::uint32_t best = kNil;
      int best_priority = -1;
      std::uint64_t best_seq = 0;
      bool best_overflow = false;
      for (const Membership& m : a.memberships) {
        auto& lists = m.tier == Tier::kPrimary ? contact_main : contact_over;
        for (int l = 0; l < kLanguageCount; ++l) {
          if ((a.languages & Bit(l)) == 0) continue;
          for (int c = 0; c < kChannelCount; ++c) {
            if ((a.ready & Bit(c)) == 0) continue;
            const auto& lv = lists[ContactBucket(m.queue, static_cast<Language>(l), static_cast<Channel>(c))];
            if (lv.mask == 0) continue;
            const int p = lv.Top();
            const std::uint32_t head = lv.head[p];
            if (p > best_priority || (p == best_priority && contacts[head].seq < best_seq)) {
              best = head;
              best_priority = p;
              best_seq = contacts[head].seq;
              best_overflow = m.tier == Tier::kOverflow;
            }
          }
        }
      }
      if (best == kNil) return;
      Assign(best, ai, t, best_overflow, out);
    }
  }

  // ---- contacts ----

  void RemoveWaiting(std::uint32_t ci) {
    ContactRec& c = contacts[ci];
    Unlink(contact_main[ContactBucket(c.queue, c.language, c.channel)], c.priority, ci, MainLink());
    if (c.overflowed) Unlink(contact_over[ContactBucket(c.queue, c.language, c.channel)], c.priority, ci, OverLink());
    if (c.in_fresh) {
      Unlink(queues[c.queue].fresh, 0, ci, FreshLink());
      c.in_fresh = false;
    }
    c.waiting = false;
    --queues[c.queue].waiting;
    --waiting_total;
  }

  void Assign(std::uint32_t ci, std::uint32_t ai, AcdInstant t, bool via_overflow, AcdOutcome& out) {
    RemoveWaiting(ci);
    ContactRec& c = contacts[ci];
    AgentRec& a = agents[ai];
    c.agent = ai;
    ++a.active[Index(c.channel)];
    out.assignments.push_back(
        Assignment{c.id, a.id, queues[c.queue].params.id, c.channel, t, t - c.enqueued_at, via_overflow});
    UpdateState(ai, t, out);
    Relink(ai, true);  // it can only lose channels here, never gain one
  }

  // A waiting contact looks for the best ready agent: required skills first, then
  // (once overflowed) the overflow skills.
  void RouteContact(std::uint32_t ci, AcdInstant t, AcdOutcome& out) {
    const ContactRec& c = contacts[ci];
    for (Tier tier : {Tier::kPrimary, Tier::kOverflow}) {
      if (tier == Tier::kOverflow && !c.overflowed) return;
      const auto& lv = agent_lists[AgentBucket(c.queue, tier, Index(c.language), Index(c.channel))];
      if (lv.mask == 0) continue;
      Assign(ci, nodes[lv.head[lv.Top()]].agent, t, tier == Tier::kOverflow, out);
      return;
    }
  }

  void Overflow(std::uint32_t ci, AcdInstant t, AcdOutcome& out) {
    ContactRec& c = contacts[ci];
    Unlink(queues[c.queue].fresh, 0, ci, FreshLink());
    c.in_fresh = false;
    c.overflowed = true;
    Append(contact_over[ContactBucket(c.queue, c.language, c.channel)], c.priority, ci, OverLink());
    RouteContact(ci, t, out);
  }

  void FreeContact(std::uint32_t ci) {
    contact_index.erase(static_cast<std::uint64_t>(contacts[ci].id));
    contacts[ci] = ContactRec{};
    free_contacts.push_back(ci);
  }

  // ---- time ----

  void PruneWraps() const {
    while (!wraps.empty()) {
      const WrapDue& w = wraps.top();
      if (agents[w.agent].live && agents[w.agent].wrap_generation == w.generation) return;
      wraps.pop();
    }
  }

  // The earliest overflow deadline and its queue (kNil when none).
  std::pair<AcdInstant, std::uint32_t> NextOverflow() const {
    std::pair<AcdInstant, std::uint32_t> best{AcdInstant::max(), kNil};
    for (std::uint32_t q = 0; q < queues.size(); ++q) {
      const QueueRec& rec = queues[q];
      if (rec.fresh.mask == 0) continue;
      const AcdInstant due = contacts[rec.fresh.head[0]].enqueued_at + rec.params.overflow_after;
      if (due < best.first) best = {due, q};
    }
    return best;
  }

  // Processes every deadline due by `now`, each at its own instant, in time order
  // (wrap-ups before overflows at the same instant).
  void AdvanceTo(AcdInstant now, AcdOutcome& out) {
    for (;;) {
      PruneWraps();
      const AcdInstant wrap_at = wraps.empty() ? AcdInstant::max() : wraps.top().at;
      const auto [over_at, over_queue] = NextOverflow();
      if (wrap_at <= over_at) {
        if (wrap_at > now) break;
        const WrapDue w = wraps.top();
        wraps.pop();
        --agents[w.agent].wrapping[Index(w.channel)];
        AfterAgentChange(w.agent, w.at, out);
      } else {
        if (over_at > now) break;
        Overflow(queues[over_queue].fresh.head[0], over_at, out);
      }
    }
    last_now = now;
  }

  Result<std::uint32_t> FindAgent(AgentId id) const {
    const auto it = agent_index.find(static_cast<std::uint64_t>(id));
    if (it == agent_index.end()) return NotFound("agent_id", "agent");
    return it->second;
  }
  Result<std::uint32_t> FindContact(ContactId id) const {
    const auto it = contact_index.find(static_cast<std::uint64_t>(id));
    if (it == contact_index.end()) return NotFound("contact_id", "contact");
    return it->second;
  }
  Result<std::uint32_t> FindQueue(QueueId id) const {
    const auto it = queue_index.find(static_cast<std::uint32_t>(id));
    if (it == queue_index.end()) return NotFound("queue_id", "queue");
    return it->second;
  }
};

Acd::Acd() : impl_(std::make_unique<Impl>()) {}
Acd::~Acd() = default;
Acd::Acd(Acd&&) noexcept = default;
Acd& Acd::operator=(Acd&&) noexcept = default;

Status Acd::AddQueue(const QueueParams& queue) {
  Impl& m = *impl_;
  if (m.queue_index.contains(static_cast<std::uint32_t>(queue.id))) {
    return MakeError("conflict", "queue id already in use", "queue_id");
  }
  if (!ValidLanguage(queue.language)) return InvalidField("language", "must be en or es");
  RXD_TRY(ValidateRequirements(queue.required, "required"));
  RXD_TRY(ValidateRequirements(queue.overflow, "overflow"));
  if (queue.overflow_after < AcdDuration::zero() || queue.overflow_after > kMaxQueueDuration) {
    return InvalidField("overflow_after", "must be 0 to 24 hours");
  }
  if (queue.wrap_up < AcdDuration::zero() || queue.wrap_up > kMaxQueueDuration) {
    return InvalidField("wrap_up", "must be 0 to 24 hours");
  }
  RXD_TRY(ValidatePriority(queue.priority.normal, "priority.normal"));
  RXD_TRY(ValidatePriority(queue.priority.tty, "priority.tty"));
  RXD_TRY(ValidatePriority(queue.priority.callback, "priority.callback"));
  RXD_TRY(ValidatePriority(queue.priority.spanish, "priority.spanish"));

  const auto qi = static_cast<std::uint32_t>(m.queues.size());
  m.queues.push_back(QueueRec{queue, {}, 0});
  m.queue_index.emplace(static_cast<std::uint32_t>(queue.id), qi);
  m.contact_main.resize(m.contact_main.size() + kLanguageCount * kChannelCount);
  m.contact_over.resize(m.contact_over.size() + kLanguageCount * kChannelCount);
  m.agent_lists.resize(m.agent_lists.size() + 2 * kLanguageCount * kChannelCount);
  for (std::uint32_t ai = 0; ai < m.agents.size(); ++ai) {
    if (m.agents[ai].live) m.AddMembership(ai, qi);
  }
  return OkStatus();
}

Status Acd::AddAgent(const AgentParams& agent, AcdInstant now) {
  Impl& m = *impl_;
  RXD_TRY(ValidateNow(now, m.last_now));
  if (m.agent_index.contains(static_cast<std::uint64_t>(agent.id))) {
    return MakeError("conflict", "agent id already in use", "agent_id");
  }
  if (agent.skills.size() > static_cast<std::size_t>(kMaxSkillsPerAgent)) {
    return InvalidField("skills", "at most " + std::to_string(kMaxSkillsPerAgent) + " skills");
  }
  for (std::size_t i = 0; i < agent.skills.size(); ++i) {
    const std::string at = "skills[" + std::to_string(i) + "]";
    if (agent.skills[i].proficiency < kMinProficiency || agent.skills[i].proficiency > kMaxProficiency) {
      return InvalidField(at + ".proficiency", "must be 1 to 5");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (agent.skills[j].skill == agent.skills[i].skill) return InvalidField(at + ".skill", "skill listed twice");
    }
  }
  if (agent.languages.empty()) return InvalidField("languages", "at least one language");
  std::uint8_t languages = 0;
  for (std::size_t i = 0; i < agent.languages.size(); ++i) {
    if (!ValidLanguage(agent.languages[i])) {
      return InvalidField("languages[" + std::to_string(i) + "]", "must be en or es");
    }
    languages |= Bit(Index(agent.languages[i]));
  }
  if (agent.capacity.voice < 0 || agent.capacity.voice > 1) return InvalidField("capacity.voice", "must be 0 or 1");
  if (agent.capacity.chat < 0 || agent.capacity.chat > kMaxChannelCapacity) {
    return InvalidField("capacity.chat", "must be 0 to " + std::to_string(kMaxChannelCapacity));
  }
  if (agent.capacity.message < 0 || agent.capacity.message > kMaxChannelCapacity) {
    return InvalidField("capacity.message", "must be 0 to " + std::to_string(kMaxChannelCapacity));
  }

  std::uint32_t ai;
  if (m.free_agents.empty()) {
    ai = static_cast<std::uint32_t>(m.agents.size());
    m.agents.emplace_back();
  } else {
    ai = m.free_agents.back();
    m.free_agents.pop_back();
  }
  AgentRec& a = m.agents[ai];
  const std::uint32_t generation = a.wrap_generation + 1;  // stale wrap-ups of a former agent stay stale
  a = AgentRec{};
  a.wrap_generation = generation;
  a.id = agent.id;
  a.live = true;
  a.skills = agent.skills;
  a.languages = languages;
  a.capacity[Index(Channel::kVoice)] = agent.capacity.voice;
  a.capacity[Index(Channel::kChat)] = agent.capacity.chat;
  a.capacity[Index(Channel::kMessage)] = agent.capacity.message;
  a.since = now;
  m.agent_index.emplace(static_cast<std::uint64_t>(agent.id), ai);
  for (std::uint32_t qi = 0; qi < m.queues.size(); ++qi) m.AddMembership(ai, qi);
  return OkStatus();
}

Status Acd::RemoveAgent(AgentId agent) {
  Impl& m = *impl_;
  RXD_ASSIGN_OR_RETURN(const std::uint32_t ai, m.FindAgent(agent));
  AgentRec& a = m.agents[ai];
  if (a.presence != Presence::kOffline || Sum(a.active) + Sum(a.wrapping) > 0) {
    return MakeError("conflict", "only an offline agent holding no contact can be removed", "agent_id");
  }
  for (std::uint32_t ni : a.nodes) m.free_nodes.push_back(ni);  // none is linked: the agent is not ready
  m.agent_index.erase(static_cast<std::uint64_t>(agent));
  const std::uint32_t generation = a.wrap_generation;
  a = AgentRec{};
  a.wrap_generation = generation;
  m.free_agents.push_back(ai);
  return OkStatus();
}

Result<AcdOutcome> Acd::SetPresence(AgentId agent, Presence presence, std::string reason, AcdInstant now) {
  Impl& m = *impl_;
  RXD_TRY(ValidateNow(now, m.last_now));
  RXD_ASSIGN_OR_RETURN(const std::uint32_t ai, m.FindAgent(agent));
  if (static_cast<unsigned>(presence) >= static_cast<unsigned>(kPresenceCount)) {
    return InvalidField("presence", "must be available, break or offline");
  }
  AcdOutcome out;
  m.AdvanceTo(now, out);
  AgentRec& a = m.agents[ai];
  const bool same = a.presence == presence;
  a.presence = presence;
  a.presence_reason = std::move(reason);
  if (same && a.state != AgentState::kBusy && a.state != AgentState::kWrapUp && a.reason != a.presence_reason) {
    a.reason = a.presence_reason;  // same state, new reason (e.g. lunch, then training)
    a.since = now;
    out.agent_changes.push_back(AgentChange{a.id, a.state, a.reason, now});
  }
  m.AfterAgentChange(ai, now, out);
  return out;
}

Result<AcdOutcome> Acd::Enqueue(const ContactParams& contact, AcdInstant now) {
  Impl& m = *impl_;
  RXD_TRY(ValidateNow(now, m.last_now));
  RXD_ASSIGN_OR_RETURN(const std::uint32_t qi, m.FindQueue(contact.queue));
  if (m.contact_index.contains(static_cast<std::uint64_t>(contact.id))) {
    return MakeError("conflict", "contact id already in use", "contact_id");
  }
  if (!ValidChannel(contact.channel)) return InvalidField("channel", "must be voice, chat or message");
  const QueueParams& q = m.queues[qi].params;
  const Language language = contact.language.value_or(q.language);
  if (!ValidLanguage(language)) return InvalidField("language", "must be en or es");
  int priority = q.priority.normal;
  if (contact.priority) {
    RXD_TRY(ValidatePriority(*contact.priority, "priority"));
    priority = *contact.priority;
  } else {
    if (contact.tty) priority = std::max(priority, q.priority.tty);
    if (contact.callback) priority = std::max(priority, q.priority.callback);
    if (language == Language::kSpanish) priority = std::max(priority, q.priority.spanish);
  }

  AcdOutcome out;
  m.AdvanceTo(now, out);
  std::uint32_t ci;
  if (m.free_contacts.empty()) {
    ci = static_cast<std::uint32_t>(m.contacts.size());
    m.contacts.emplace_back();
  } else {
    ci = m.free_contacts.back();
    m.free_contacts.pop_back();
  }
  ContactRec& c = m.contacts[ci];
  c.id = contact.id;
  c.queue = qi;
  c.channel = contact.channel;
  c.language = language;
  c.priority = static_cast<std::uint8_t>(priority);
  c.waiting = true;
  c.enqueued_at = now;
  c.seq = m.next_seq++;
  m.contact_index.emplace(static_cast<std::uint64_t>(contact.id), ci);
  ++m.queues[qi].waiting;
  ++m.waiting_total;
  const std::uint32_t bucket = Impl::ContactBucket(qi, language, contact.channel);
  Append(m.contact_main[bucket], priority, ci, m.MainLink());
  if (!q.overflow.empty()) {
    if (q.overflow_after == AcdDuration::zero()) {
      c.overflowed = true;
      Append(m.contact_over[bucket], priority, ci, m.OverLink());
    } else {
      c.in_fresh = true;
      Append(m.queues[qi].fresh, 0, ci, m.FreshLink());
    }
  }
  m.RouteContact(ci, now, out);
  return out;
}

Result<AcdOutcome> Acd::EndContact(ContactId contact, AcdInstant now) {
  Impl& m = *impl_;
  RXD_TRY(ValidateNow(now, m.last_now));
  RXD_ASSIGN_OR_RETURN(const std::uint32_t ci, m.FindContact(contact));
  if (m.contacts[ci].waiting)
    return MakeError("conflict", "contact is still waiting: abandon it instead", "contact_id");
  AcdOutcome out;
  m.AdvanceTo(now, out);
  const ContactRec& c = m.contacts[ci];
  const std::uint32_t ai = c.agent;
  AgentRec& a = m.agents[ai];
  const int ch = Index(c.channel);
  --a.active[ch];
  const AcdDuration wrap = m.queues[c.queue].params.wrap_up;
  if (wrap > AcdDuration::zero()) {
    ++a.wrapping[ch];
    m.wraps.push(WrapDue{now + wrap, m.next_seq++, ai, a.wrap_generation, c.channel});
  }
  m.FreeContact(ci);
  m.AfterAgentChange(ai, now, out);
  return out;
}

Result<AcdOutcome> Acd::Abandon(ContactId contact, AcdInstant now) {
  Impl& m = *impl_;
  RXD_TRY(ValidateNow(now, m.last_now));
  RXD_ASSIGN_OR_RETURN(const std::uint32_t ci, m.FindContact(contact));
  if (!m.contacts[ci].waiting) return MakeError("conflict", "contact is already with an agent", "contact_id");
  AcdOutcome out;
  m.AdvanceTo(now, out);
  const ContactRec& c = m.contacts[ci];
  if (!c.waiting) return out;  // a deadline due by now answered it first
  m.RemoveWaiting(ci);
  out.abandonment = Abandonment{c.id, m.queues[c.queue].params.id, c.channel, now, now - c.enqueued_at};
  m.FreeContact(ci);
  return out;
}

Result<AcdOutcome> Acd::FinishWrapUp(AgentId agent, AcdInstant now) {
  Impl& m = *impl_;
  RXD_TRY(ValidateNow(now, m.last_now));
  RXD_ASSIGN_OR_RETURN(const std::uint32_t ai, m.FindAgent(agent));
  AcdOutcome out;
  m.AdvanceTo(now, out);
  AgentRec& a = m.agents[ai];
  if (Sum(a.wrapping) == 0) return out;
  for (int& w : a.wrapping) w = 0;
  ++a.wrap_generation;
  m.AfterAgentChange(ai, now, out);
  return out;
}

Result<AcdOutcome> Acd::Advance(AcdInstant now) {
  RXD_TRY(ValidateNow(now, impl_->last_now));
  AcdOutcome out;
  impl_->AdvanceTo(now, out);
  return out;
}

std::optional<AcdInstant> Acd::NextDeadline() const {
  const Impl& m = *impl_;
  m.PruneWraps();
  AcdInstant next = m.NextOverflow().first;
  if (!m.wraps.empty()) next = std::min(next, m.wraps.top().at);
  if (next == AcdInstant::max()) return std::nullopt;
  return next;
}

Result<AgentStatus> Acd::GetAgent(AgentId agent) const {
  RXD_ASSIGN_OR_RETURN(const std::uint32_t ai, impl_->FindAgent(agent));
  const AgentRec& a = impl_->agents[ai];
  AgentStatus s;
  s.state = a.state;
  s.presence = a.presence;
  s.reason = a.reason;
  s.since = a.since;
  for (int c = 0; c < kChannelCount; ++c) {
    s.active[c] = a.active[c];
    s.wrapping[c] = a.wrapping[c];
  }
  return s;
}

Result<ContactStatus> Acd::GetContact(ContactId contact) const {
  RXD_ASSIGN_OR_RETURN(const std::uint32_t ci, impl_->FindContact(contact));
  const ContactRec& c = impl_->contacts[ci];
  ContactStatus s;
  s.queue = impl_->queues[c.queue].params.id;
  s.channel = c.channel;
  s.language = c.language;
  s.priority = c.priority;
  s.enqueued_at = c.enqueued_at;
  s.overflowed = c.overflowed;
  if (!c.waiting) s.agent = impl_->agents[c.agent].id;
  return s;
}

Result<int> Acd::WaitingIn(QueueId queue) const {
  RXD_ASSIGN_OR_RETURN(const std::uint32_t qi, impl_->FindQueue(queue));
  return impl_->queues[qi].waiting;
}

int Acd::Waiting() const { return impl_->waiting_total; }

}  // namespace rxdesk
