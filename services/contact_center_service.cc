#include "services/contact_center_service.h"

#include <algorithm>
#include <deque>
#include <set>

#include "domain/contact_info.h"
#include "infra/ids.h"
#include "infra/log.h"
#include "services/audit.h"
#include "services/contact_gate.h"
#include "services/member_service.h"
#include "services/references.h"

namespace rxdesk {

using std::chrono::milliseconds;

namespace {

constexpr std::size_t kRecentHandles = 20;  // contacts in a queue's recent AHT

AcdInstant Ms(std::int64_t v) { return AcdInstant{milliseconds{v}}; }
std::int64_t MsOf(AcdInstant t) { return t.time_since_epoch().count(); }
std::string Rfc3339(AcdInstant t) { return FormatInstant(std::chrono::floor<std::chrono::seconds>(t)); }

std::string ChannelOf(Channel c) {
  switch (c) {
    case Channel::kVoice:
      return "call";
    case Channel::kChat:
      return "chat";
    case Channel::kMessage:
      return "message";
  }
  return "call";
}

Result<Channel> ParseContactChannel(const std::string& s) {
  if (s == "call") return Channel::kVoice;
  if (s == "chat") return Channel::kChat;
  if (s == "message") return Channel::kMessage;
  return InvalidField("channel", "must be call, chat or message");
}

bool IsSkillName(std::string_view s) {
  return !s.empty() && s.size() <= 32 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// "name:level" with level 1–5.
Result<std::pair<std::string, int>> ParseSkill(const std::string& spec, const std::string& field) {
  const std::size_t colon = spec.find(':');
  if (colon == std::string::npos || colon + 2 != spec.size() || spec[colon + 1] < '1' || spec[colon + 1] > '5' ||
      !IsSkillName(std::string_view(spec).substr(0, colon))) {
    return InvalidField(field, "skills are name:level, a name of a-z, 0-9, _ and a level 1 to 5, e.g. refills:2");
  }
  return std::pair<std::string, int>(spec.substr(0, colon), spec[colon + 1] - '0');
}

std::string JoinSkills(const std::vector<std::pair<std::string, int>>& skills) {
  std::string out;
  for (const auto& [name, level] : skills) out += (out.empty() ? "" : ",") + name + ":" + std::to_string(level);
  return out;
}

std::string JoinLanguages(const std::vector<Language>& languages) {
  std::string out;
  for (Language l : languages) out += (out.empty() ? "" : ",") + std::string(LanguageCode(l));
  return out;
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    const std::size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// "skills=a:1,b:2;languages=en,es;capacity=1,3,5", as cc_inputs keeps an agent's profile.
std::string EncodeProfile(const AgentProfile& p) {
  return "skills=" + JoinSkills(p.skills) + ";languages=" + JoinLanguages(p.languages) +
         ";capacity=" + std::to_string(p.capacity.voice) + "," + std::to_string(p.capacity.chat) + "," +
         std::to_string(p.capacity.message);
}

Result<AgentProfile> ParseProfileParts(const std::string& skills, const std::string& languages,
                                       const std::string& capacity) {
  AgentProfile p;
  for (const std::string& s : Split(skills)) {
    RXD_ASSIGN_OR_RETURN(auto skill, ParseSkill(s, "skills"));
    p.skills.push_back(std::move(skill));
  }
  for (const std::string& l : Split(languages)) {
    RXD_ASSIGN_OR_RETURN(Language lang, ParseLanguage(l, "languages"));
    p.languages.push_back(lang);
  }
  const std::vector<std::string> caps = Split(capacity);
  if (caps.size() != 3) return InvalidField("capacity", "three numbers");
  p.capacity = {std::atoi(caps[0].c_str()), std::atoi(caps[1].c_str()), std::atoi(caps[2].c_str())};
  return p;
}

Result<AgentProfile> DecodeProfile(const std::string& text) {
  std::string skills, languages, capacity;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    const std::string part = text.substr(start, end - start);
    const std::size_t eq = part.find('=');
    if (eq != std::string::npos) {
      const std::string key = part.substr(0, eq), value = part.substr(eq + 1);
      if (key == "skills") skills = value;
      if (key == "languages") languages = value;
      if (key == "capacity") capacity = value;
    }
    start = end + 1;
  }
  return ParseProfileParts(skills, languages, capacity);
}

Status ValidateProfile(const AgentProfile& p) {
  if (p.skills.size() > static_cast<std::size_t>(kMaxSkillsPerAgent)) return InvalidField("skills", "at most 64");
  for (std::size_t i = 0; i < p.skills.size(); ++i) {
    const std::string at = "skills[" + std::to_string(i) + "]";
    if (!IsSkillName(p.skills[i].first)) return InvalidField(at + ".skill", "a name of a-z, 0-9 and _ (1-32)");
    if (p.skills[i].second < kMinProficiency || p.skills[i].second > kMaxProficiency) {
      return InvalidField(at + ".proficiency", "must be 1 to 5");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (p.skills[j].first == p.skills[i].first) return InvalidField(at + ".skill", "skill listed twice");
    }
  }
  if (p.languages.empty()) return InvalidField("languages", "at least one language");
  for (std::size_t i = 0; i < p.languages.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (p.languages[j] == p.languages[i]) return InvalidField("languages", "language listed twice");
    }
  }
  if (p.capacity.voice < 0 || p.capacity.voice > 1) return InvalidField("capacity.voice", "must be 0 or 1");
  if (p.capacity.chat < 0 || p.capacity.chat > kMaxChannelCapacity) {
    return InvalidField("capacity.chat", "must be 0 to 16");
  }
  if (p.capacity.message < 0 || p.capacity.message > kMaxChannelCapacity) {
    return InvalidField("capacity.message", "must be 0 to 16");
  }
  return OkStatus();
}

CcQueueConfig Q(std::string id, std::string skill, bool overflow = true) {
  CcQueueConfig q;
  q.id = std::move(id);
  q.skills = {std::move(skill)};
  if (overflow) q.overflow_skills = {"general:1"};
  return q;
}

}  // namespace

std::vector<CcQueueConfig> DefaultContactCenterQueues() {
  return {Q("refills_delivery", "refills:1"),
          Q("billing_insurance", "billing:1"),
          Q("medicare_part_d", "medicare:1"),
          Q("clinical_pharmacist", "clinical:3", false),
          Q("international", "international:1"),
          Q("representative", "general:1", false),
          Q("specialty", "specialty:1"),
          Q("retail", "retail:1"),
          Q("tty", "tty:1"),
          Q("chat", "chat:1"),
          Q("secure_message", "clinical:3", false)};
}

Status ValidateContactCenterConfig(const ContactCenterConfig& c) {
  const auto bad = [](const std::string& key, const std::string& why) {
    return MakeError("config_invalid", key + " " + why, key);
  };
  std::set<std::string> ids;
  for (const CcQueueConfig& q : c.queues) {
    const std::string key = "contact_center." + q.id;
    if (!IsSkillName(q.id) || !ids.insert(q.id).second) return bad(key, "is not a unique queue id (a-z, 0-9, _)");
    for (const auto* list : {&q.skills, &q.overflow_skills}) {
      const std::string field = key + (list == &q.skills ? ".skills" : ".overflow_skills");
      if (list->size() > static_cast<std::size_t>(kMaxSkillsPerRequirement)) return bad(field, "has over 12 skills");
      std::set<std::string> names;
      for (const std::string& s : *list) {
        auto parsed = ParseSkill(s, field);
        if (!parsed.ok()) return bad(field, parsed.error().message);
        if (!names.insert(parsed->first).second) return bad(field, "names a skill twice");
      }
    }
    if (!ParseLanguage(q.language).ok()) return bad(key + ".language", "must be en or es");
    if (q.overflow_after_s < 0 || q.overflow_after_s > 86400) return bad(key + ".overflow_after_s", "must be 0-86400");
    if (q.wrap_up_s < 0 || q.wrap_up_s > 86400) return bad(key + ".wrap_up_s", "must be 0-86400");
    for (int p : {q.priority_normal, q.priority_tty, q.priority_callback, q.priority_spanish}) {
      if (p < 0 || p > kMaxPriority) return bad(key + ".priority_*", "must be 0-63");
    }
  }
  for (const auto* list : {&c.agent_skills, &c.pharmacist_skills}) {
    const std::string field =
        std::string("contact_center.") + (list == &c.agent_skills ? "agent_skills" : "pharmacist_skills");
    for (const std::string& s : *list) {
      if (auto parsed = ParseSkill(s, field); !parsed.ok()) return bad(field, parsed.error().message);
    }
  }
  if (c.languages.empty()) return bad("contact_center.languages", "needs at least one language");
  for (const std::string& l : c.languages) {
    if (!ParseLanguage(l).ok()) return bad("contact_center.languages", "must list en or es");
  }
  return OkStatus();
}

// ---- the in-memory state, guarded by mu_ -------------------------------------------

namespace {

struct QueueDef {
  CcQueueConfig config;
  QueueParams params;
};

struct AgentRec {
  std::string user_id;
  std::string username;
  std::string role;
  AgentId id{};
  AgentProfile profile;
};

struct LiveRec {
  std::string contact_id;
  ContactId id{};
  std::size_t queue = 0;
  Channel channel = Channel::kVoice;
  Language language = Language::kEnglish;
  int priority = 0;
  std::uint64_t seq = 0;
  AcdInstant enqueued_at;
  std::string reference;
  bool callback = false;
  std::string agent;  // user id once assigned
  AcdInstant assigned_at;
};

}  // namespace

struct ContactCenterService::State {
  Acd acd;
  std::vector<QueueDef> queues;
  std::map<std::string, std::size_t> queue_index;
  std::map<std::string, SkillId> skill_ids;
  std::map<std::string, AgentRec> agents;
  std::map<std::uint64_t, std::string> agent_by_id;
  std::map<std::string, LiveRec> live;
  std::map<std::uint64_t, std::string> contact_by_id;
  std::map<std::size_t, std::deque<std::pair<AcdInstant, AcdDuration>>> recent;  // queue -> (ended, handle)
  std::uint64_t next_agent = 1;
  std::uint64_t next_contact = 1;
  std::uint64_t next_arrival = 0;
  std::int64_t next_input = 1;
  std::int64_t next_state = 1;
  AcdInstant last_now{};

  SkillId Skill(const std::string& name) {
    auto it = skill_ids.find(name);
    if (it != skill_ids.end()) return it->second;
    const SkillId id{static_cast<std::uint32_t>(skill_ids.size() + 1)};
    skill_ids.emplace(name, id);
    return id;
  }

  AgentParams Params(const AgentRec& a) {
    AgentParams p;
    p.id = a.id;
    for (const auto& [name, level] : a.profile.skills) p.skills.push_back({Skill(name), level});
    p.languages = a.profile.languages;
    p.capacity = a.profile.capacity;
    return p;
  }

  // Whether the agent could take a contact of the queue in `language` on `channel`.
  bool Eligible(const AgentRec& a, const QueueDef& q, Language language, std::optional<Channel> channel) const {
    if (std::find(a.profile.languages.begin(), a.profile.languages.end(), language) == a.profile.languages.end()) {
      return false;
    }
    if (channel) {
      const int cap = *channel == Channel::kVoice  ? a.profile.capacity.voice
                      : *channel == Channel::kChat ? a.profile.capacity.chat
                                                   : a.profile.capacity.message;
      if (cap == 0) return false;
    }
    const auto meets = [&](const std::vector<std::string>& specs) {
      for (const std::string& spec : specs) {
        auto need = ParseSkill(spec, "skills");
        if (!need.ok()) return false;
        const auto it = std::find_if(a.profile.skills.begin(), a.profile.skills.end(),
                                     [&](const auto& s) { return s.first == need->first; });
        if (it == a.profile.skills.end() || it->second < need->second) return false;
      }
      return true;
    };
    return meets(q.config.skills) || (!q.config.overflow_skills.empty() && meets(q.config.overflow_skills));
  }

  int Position(const LiveRec& c) const {
    if (!c.agent.empty()) return 0;
    int ahead = 0;
    for (const auto& [id, o] : live) {
      if (!o.agent.empty() || o.queue != c.queue || o.language != c.language || o.channel != c.channel) continue;
      if (o.priority > c.priority || (o.priority == c.priority && o.seq < c.seq)) ++ahead;
    }
    return ahead + 1;
  }

  std::optional<AcdDuration> RecentAht(std::size_t queue, AcdInstant now, AcdDuration window) const {
    const auto it = recent.find(queue);
    if (it == recent.end()) return std::nullopt;
    AcdDuration sum{0};
    int n = 0;
    for (const auto& [ended, handle] : it->second) {
      if (now - ended > window) continue;
      sum += handle;
      ++n;
    }
    if (n == 0) return std::nullopt;
    return sum / n;
  }

  void RememberHandle(std::size_t queue, AcdInstant ended, AcdDuration handle) {
    auto& d = recent[queue];
    d.emplace_back(ended, handle);
    while (d.size() > kRecentHandles) d.pop_front();
  }

  // Mirrors what the ACD decided (live and during replay).
  void Mirror(const AcdOutcome& out) {
    for (const Assignment& a : out.assignments) {
      auto c = contact_by_id.find(static_cast<std::uint64_t>(a.contact));
      auto ag = agent_by_id.find(static_cast<std::uint64_t>(a.agent));
      if (c == contact_by_id.end() || ag == agent_by_id.end()) continue;
      LiveRec& rec = live[c->second];
      rec.agent = ag->second;
      rec.assigned_at = a.at;
    }
    if (out.abandonment) ForgetContact(out.abandonment->contact);
  }

  void ForgetContact(ContactId id) {
    auto it = contact_by_id.find(static_cast<std::uint64_t>(id));
    if (it == contact_by_id.end()) return;
    live.erase(it->second);
    contact_by_id.erase(it);
  }
};

// ---- construction and replay -------------------------------------------------------

ContactCenterService::ContactCenterService(Store& store, const Clock& clock, const Zone& zone,
                                           ContactCenterConfig config)
    : store_(store), clock_(clock), zone_(zone), config_(std::move(config)) {}

ContactCenterService::~ContactCenterService() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  timer_cv_.notify_all();
  if (timer_.joinable()) timer_.join();
}

Result<std::unique_ptr<ContactCenterService>> ContactCenterService::Create(Store& store, const Clock& clock,
                                                                           const Zone& zone, ContactCenterConfig config,
                                                                           ContactCenterOptions options) {
  RXD_TRY(ValidateContactCenterConfig(config));
  std::unique_ptr<ContactCenterService> svc(new ContactCenterService(store, clock, zone, std::move(config)));
  {
    std::lock_guard lock(svc->mu_);
    RXD_TRY(svc->RebuildLocked());
  }
  if (options.timer) svc->timer_ = std::thread([p = svc.get()] { p->TimerLoop(); });
  return svc;
}

namespace {

// The live record of a contact still waiting for an agent. Refusal: not_found
// (no such contact); conflict (over, or already with an agent).
Result<LiveRec*> FindWaiting(std::map<std::string, LiveRec>& live, Store& store, const std::string& contact_id) {
  const auto it = live.find(contact_id);
  if (it == live.end()) {
    RXD_ASSIGN_OR_RETURN(std::optional<Contact> c,
                         store.Read([&](Connection& conn) { return LoadContact(conn, contact_id); }));
    if (!c) return MakeError("not_found", "no such contact");
    return MakeError("conflict", "the contact is not waiting");
  }
  if (!it->second.agent.empty()) return MakeError("conflict", "the contact is already with an agent");
  return &it->second;
}

struct RoutingRow {
  std::string queue;
  std::string channel;
  std::string language;
  bool tty = false;
  bool callback = false;
  std::string reference;
  bool turned = false;  // a waiting call turned into a callback (cc_routing.callback = 2)
};

Result<Presence> ParsePresence(const std::string& s) {
  if (s == "available") return Presence::kAvailable;
  if (s == "break") return Presence::kBreak;
  if (s == "offline") return Presence::kOffline;
  return InvalidField("state", "must be available, break or offline");
}

std::string_view PresenceName(Presence p) {
  switch (p) {
    case Presence::kAvailable:
      return "available";
    case Presence::kBreak:
      return "break";
    case Presence::kOffline:
      return "offline";
  }
  return "offline";
}

bool ServesQueues(const std::string& role) { return role == "agent" || role == "pharmacist"; }

Value TextOrNull(const std::string& s) { return s.empty() ? Value() : Value(s); }

}  // namespace

Status ContactCenterService::RebuildLocked() {
  auto fresh = std::make_unique<State>();
  State& s = *fresh;
  for (std::size_t i = 0; i < config_.queues.size(); ++i) {
    const CcQueueConfig& q = config_.queues[i];
    QueueParams p;
    p.id = QueueId{static_cast<std::uint32_t>(i + 1)};
    p.language = *ParseLanguage(q.language);
    for (const std::string& spec : q.skills) {
      const auto skill = *ParseSkill(spec, "skills");
      p.required.push_back({s.Skill(skill.first), skill.second});
    }
    for (const std::string& spec : q.overflow_skills) {
      const auto skill = *ParseSkill(spec, "overflow_skills");
      p.overflow.push_back({s.Skill(skill.first), skill.second});
    }
    p.overflow_after = std::chrono::seconds{q.overflow_after_s};
    p.wrap_up = std::chrono::seconds{q.wrap_up_s};
    p.priority = {q.priority_normal, q.priority_tty, q.priority_callback, q.priority_spanish};
    RXD_TRY(s.acd.AddQueue(p));
    s.queue_index.emplace(q.id, i);
    s.queues.push_back({q, p});
  }
  const AcdInstant now = std::max(AcdInstant{clock_.Now()}, state_ ? state_->last_now : AcdInstant{});

  // What to replay: from the earliest arrival of any contact live at some instant
  // since then (a fixed point: a contact live then may have arrived earlier still).
  std::int64_t start = MsOf(now);
  std::vector<std::pair<std::int64_t, Input>> before, after;  // (at, input)
  std::map<std::string, RoutingRow> routing;
  std::map<std::string, std::pair<std::string, std::string>> users;  // id -> (username, role)
  std::map<std::string, std::string> stored_holders;
  RXD_TRY(store_.Read([&](Connection& conn) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows seqs, conn.Query("SELECT (SELECT COALESCE(MAX(seq), 0) FROM cc_inputs), "
                                               "(SELECT COALESCE(MAX(seq), 0) FROM cc_agent_states)"));
    s.next_input = seqs.at(0).Int(0) + 1;
    s.next_state = seqs.at(0).Int(1) + 1;
    for (;;) {
      RXD_ASSIGN_OR_RETURN(Rows m, conn.Query("SELECT MIN(enqueued_at) FROM cc_routing WHERE enqueued_at < ? AND "
                                              "((abandoned_at IS NULL AND ended_at IS NULL) OR abandoned_at >= ? OR "
                                              "ended_at >= ? OR wrap_up_until >= ?)",
                                              {Value(start), Value(start), Value(start), Value(start)}));
      if (m.at(0).IsNull(0)) break;
      start = m.at(0).Int(0);
    }
    const auto read_inputs = [&](Rows rows, std::vector<std::pair<std::int64_t, Input>>& into) {
      for (const Row& r : rows) {
        into.push_back({r.Int(0), Input{r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5)}});
      }
    };
    RXD_ASSIGN_OR_RETURN(
        Rows pre,
        conn.Query("SELECT at, kind, COALESCE(user_id, ''), COALESCE(contact_id, ''), COALESCE(presence, ''), "
                   "COALESCE(reason, '') FROM cc_inputs WHERE seq IN (SELECT MAX(seq) FROM cc_inputs WHERE "
                   "at < ? AND kind IN ('agent', 'presence') GROUP BY user_id, kind) ORDER BY at, seq",
                   {Value(start)}));
    read_inputs(std::move(pre), before);
    RXD_ASSIGN_OR_RETURN(
        Rows post, conn.Query("SELECT at, kind, COALESCE(user_id, ''), COALESCE(contact_id, ''), "
                              "COALESCE(presence, ''), COALESCE(reason, '') FROM cc_inputs WHERE at >= ? ORDER BY seq",
                              {Value(start)}));
    read_inputs(std::move(post), after);
    RXD_ASSIGN_OR_RETURN(Rows rr, conn.Query("SELECT r.contact_id, r.queue, r.channel, r.language, r.tty, r.callback, "
                                             "c.reference FROM cc_routing r JOIN contacts c ON c.id = r.contact_id "
                                             "WHERE r.enqueued_at >= ?",
                                             {Value(start)}));
    for (const Row& r : rr) {
      routing[r.Text(0)] = {r.Text(1), r.Text(2), r.Text(3), r.Int(4) != 0, r.Int(5) != 0, r.Text(6), r.Int(5) == 2};
    }
    RXD_ASSIGN_OR_RETURN(Rows us, conn.Query("SELECT id, username, role FROM users"));
    for (const Row& r : us) users[r.Text(0)] = {r.Text(1), r.Text(2)};
    RXD_ASSIGN_OR_RETURN(
        Rows handled,
        conn.Query("SELECT queue, assigned_at, ended_at, COALESCE(wrap_up_until, ended_at) FROM cc_routing WHERE "
                   "ended_at >= ? AND assigned_at IS NOT NULL ORDER BY ended_at",
                   {Value(MsOf(now - std::chrono::minutes{config_.aht_window_minutes}))}));
    for (const Row& r : handled) {
      const auto q = s.queue_index.find(r.Text(0));
      if (q != s.queue_index.end()) s.RememberHandle(q->second, Ms(r.Int(2)), milliseconds{r.Int(3) - r.Int(1)});
    }
    RXD_ASSIGN_OR_RETURN(Rows holders, conn.Query("SELECT contact_id, agent_id FROM cc_routing WHERE assigned_at IS "
                                                  "NOT NULL AND ended_at IS NULL AND abandoned_at IS NULL"));
    for (const Row& r : holders) stored_holders[r.Text(0)] = r.Text(1);
    return OkStatus();
  }));

  int refused = 0;
  const auto apply = [&](AcdInstant at, const Input& in) {
    Result<AcdOutcome> out = AcdOutcome{};
    const auto agent = s.agents.find(in.user_id);
    if (in.kind == "agent") {
      auto profile = DecodeProfile(in.reason);
      const auto user = users.find(in.user_id);
      if (!profile.ok() || user == users.end()) {
        ++refused;
        return;
      }
      AgentRec rec{in.user_id, user->second.first, user->second.second, AgentId{s.next_agent}, *profile};
      if (agent != s.agents.end()) {
        rec.id = agent->second.id;
        if (!s.acd.RemoveAgent(rec.id).ok()) {
          ++refused;
          return;
        }
      } else {
        ++s.next_agent;
      }
      if (!s.acd.AddAgent(s.Params(rec), at).ok()) {
        ++refused;
        return;
      }
      s.agent_by_id[static_cast<std::uint64_t>(rec.id)] = rec.user_id;
      s.agents[rec.user_id] = std::move(rec);
      return;
    }
    if (in.kind == "presence" || in.kind == "finish_wrap_up") {
      if (agent == s.agents.end()) {
        ++refused;
        return;
      }
      auto presence = ParsePresence(in.presence);
      out = in.kind == "presence" ? (presence.ok() ? s.acd.SetPresence(agent->second.id, *presence, in.reason, at)
                                                   : Result<AcdOutcome>(presence.error()))
                                  : s.acd.FinishWrapUp(agent->second.id, at);
    } else if (in.kind == "enqueue") {
      const auto row = routing.find(in.contact_id);
      const auto qi = row == routing.end() ? s.queue_index.end() : s.queue_index.find(row->second.queue);
      auto channel = row == routing.end() ? Result<Channel>(InvalidField("channel", ""))
                                          : ParseContactChannel(row->second.channel);
      auto language =
          row == routing.end() ? Result<Language>(InvalidField("language", "")) : ParseLanguage(row->second.language);
      if (qi == s.queue_index.end() || !channel.ok() || !language.ok()) {
        ++refused;
        return;
      }
      LiveRec rec{
          in.contact_id,         ContactId{s.next_contact++}, qi->second, *channel, *language, 0, s.next_arrival++, at,
          row->second.reference, row->second.callback,        "",         {}};
      s.contact_by_id[static_cast<std::uint64_t>(rec.id)] = rec.contact_id;
      s.live[rec.contact_id] = rec;
      out = s.acd.Enqueue({.id = rec.id,
                           .queue = QueueId{static_cast<std::uint32_t>(qi->second + 1)},
                           .channel = *channel,
                           .language = *language,
                           .tty = row->second.tty,
                           // A call turned into a callback kept the place it had as a call.
                           .callback = row->second.callback && !row->second.turned},
                          at);
      if (!out.ok()) {
        s.ForgetContact(rec.id);
      } else if (auto st = s.acd.GetContact(rec.id); st.ok()) {
        s.live[rec.contact_id].priority = st->priority;
      }
    } else if (in.kind == "end" || in.kind == "abandon") {
      const auto live = s.live.find(in.contact_id);
      if (live == s.live.end()) {
        ++refused;
        return;
      }
      const ContactId id = live->second.id;
      out = in.kind == "end" ? s.acd.EndContact(id, at) : s.acd.Abandon(id, at);
      if (out.ok() && in.kind == "end") s.ForgetContact(id);
    } else if (in.kind == "advance") {
      out = s.acd.Advance(at);
    }
    if (!out.ok()) {
      ++refused;
      return;
    }
    s.Mirror(*out);
  };

  // Agents as they stood at `start` (profile, then presence), then every input since, in order.
  if (!before.empty()) {
    const AcdInstant first = Ms(before.front().first);
    for (const auto& [at, in] : before) {
      if (in.kind == "agent") apply(first, in);
    }
    for (const auto& [at, in] : before) {
      if (in.kind == "presence") apply(Ms(at), in);
    }
  }
  AcdInstant last = before.empty() ? Ms(start) : Ms(before.back().first);
  for (const auto& [at, in] : after) {
    last = std::max(last, Ms(at));
    apply(last, in);
  }
  s.last_now = last;
  if (refused > 0) LogWarn("contact_center_replay_refused", {{"inputs", refused}});
  state_ = std::move(fresh);

  int differ = 0;
  for (const auto& [contact, holder] : stored_holders) {
    const auto it = state_->live.find(contact);
    if (it == state_->live.end() || it->second.agent != holder) ++differ;
  }
  if (differ > 0) LogWarn("contact_center_replay_differs", {{"assignments", differ}});
  LogInfo("contact_center_rebuilt",
          {{"inputs", after.size()}, {"waiting", state_->acd.Waiting()}, {"agents", state_->agents.size()}});

  // Deadlines that passed while the server was down.
  if (rebuilding_) return OkStatus();
  rebuilding_ = true;
  const AcdInstant t = NowLocked();
  Result<AcdOutcome> out = state_->acd.Advance(t);
  Status committed = OkStatus();
  if (out.ok() && (!out->assignments.empty() || !out->agent_changes.empty())) {
    Notices ignored;  // no listener is registered yet at start
    const Input advance{"advance", "", "", "", ""};
    committed = CommitLocked(&advance, *out, nullptr, ignored);
  }
  rebuilding_ = false;
  return committed;
}

AcdInstant ContactCenterService::NowLocked() {
  State& s = *state_;
  s.last_now = std::max(s.last_now, AcdInstant{clock_.Now()});
  return s.last_now;
}

Status ContactCenterService::CommitLocked(const Input* input, const AcdOutcome& out,
                                          const std::function<Status(WriteContext&)>& before, Notices& notices) {
  State& s = *state_;
  const AcdInstant now = s.last_now;
  Notices assigned;
  for (const Assignment& a : out.assignments) {
    const auto c = s.contact_by_id.find(static_cast<std::uint64_t>(a.contact));
    const auto ag = s.agent_by_id.find(static_cast<std::uint64_t>(a.agent));
    if (c == s.contact_by_id.end() || ag == s.agent_by_id.end()) continue;
    assigned.push_back(
        {c->second, ag->second, s.queues[static_cast<std::uint32_t>(a.queue) - 1].config.id, ChannelOf(a.channel)});
  }
  std::string abandoned;
  if (out.abandonment) {
    const auto c = s.contact_by_id.find(static_cast<std::uint64_t>(out.abandonment->contact));
    if (c != s.contact_by_id.end()) abandoned = c->second;
  }
  const std::int64_t input_seq = s.next_input;
  const std::int64_t state_seq = s.next_state;
  Status w = store_.Write([&](WriteContext& wc) -> Status {
    if (before) RXD_TRY(before(wc));
    if (input) {
      RXD_TRY(
          wc.conn.Exec("INSERT INTO cc_inputs(seq, at, kind, user_id, contact_id, presence, reason) VALUES (?, ?, "
                       "?, ?, ?, ?, ?)",
                       {Value(input_seq), Value(MsOf(now)), Value(input->kind), TextOrNull(input->user_id),
                        TextOrNull(input->contact_id), TextOrNull(input->presence), TextOrNull(input->reason)}));
    }
    for (std::size_t i = 0; i < assigned.size(); ++i) {
      const Assignment& a = out.assignments[i];
      const AssignedContact& n = assigned[i];
      RXD_TRY(wc.conn.Exec("UPDATE cc_routing SET agent_id = ?, assigned_at = ?, overflow = ? WHERE contact_id = ?",
                           {Value(n.agent_user_id), Value(MsOf(a.at)), Value(a.overflow), Value(n.contact_id)}));
      RXD_TRY(wc.conn.Exec("UPDATE contacts SET agent_id = ?, updated_at = ? WHERE id = ?",
                           {Value(n.agent_user_id), Value(Rfc3339(a.at)), Value(n.contact_id)}));
      AuditEntry e = MakeSystemAudit(std::chrono::floor<std::chrono::seconds>(a.at), "contact.assign", "contact",
                                     n.contact_id, "", "ok");
      RXD_TRY(wc.audit.Append(wc.conn, e));
    }
    std::int64_t seq = state_seq;
    for (const AgentChange& c : out.agent_changes) {
      const auto ag = s.agent_by_id.find(static_cast<std::uint64_t>(c.agent));
      if (ag == s.agent_by_id.end()) continue;
      RXD_TRY(wc.conn.Exec(
          "INSERT INTO cc_agent_states(seq, user_id, state, reason, at) VALUES (?, ?, ?, ?, ?)",
          {Value(seq++), Value(ag->second), Value(AgentStateName(c.state)), Value(c.reason), Value(MsOf(c.at))}));
    }
    if (!abandoned.empty()) {
      const AcdInstant at = out.abandonment->at;
      RXD_TRY(wc.conn.Exec("UPDATE cc_routing SET abandoned_at = ? WHERE contact_id = ?",
                           {Value(MsOf(at)), Value(abandoned)}));
      RXD_TRY(wc.conn.Exec("UPDATE contacts SET status = 'closed', closed_at = ?, updated_at = ? WHERE id = ?",
                           {Value(Rfc3339(at)), Value(Rfc3339(at)), Value(abandoned)}));
      RXD_TRY(wc.audit.Append(wc.conn, MakeSystemAudit(std::chrono::floor<std::chrono::seconds>(at), "contact.abandon",
                                                       "contact", abandoned, "", "ok")));
    }
    return OkStatus();
  });
  if (!w.ok()) {
    LogError("contact_center_write_failed", {{"code", w.error().code}});
    if (!rebuilding_) {
      rebuilding_ = true;
      if (Status r = RebuildLocked(); !r.ok()) LogError("contact_center_rebuild_failed", {{"code", r.error().code}});
      rebuilding_ = false;
    }
    return w;
  }
  if (input) ++s.next_input;
  s.next_state = state_seq + static_cast<std::int64_t>(out.agent_changes.size());
  s.Mirror(out);
  notices.insert(notices.end(), assigned.begin(), assigned.end());
  return OkStatus();
}

void ContactCenterService::Notify(const Notices& notices) {
  if (notices.empty()) return;
  std::vector<std::function<void(const AssignedContact&)>> listeners;
  {
    std::lock_guard lock(listeners_mu_);
    listeners = listeners_;
  }
  for (const AssignedContact& n : notices) {
    for (const auto& l : listeners) l(n);
  }
}

void ContactCenterService::OnAssigned(std::function<void(const AssignedContact&)> listener) {
  std::lock_guard lock(listeners_mu_);
  listeners_.push_back(std::move(listener));
}

Status ContactCenterService::EnsureAgentLocked(const std::string& user_id, Notices& notices) {
  State& s = *state_;
  if (s.agents.contains(user_id)) return OkStatus();
  std::optional<AgentRec> rec;
  bool has_row = false;
  RXD_TRY(store_.Read([&](Connection& conn) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows u, conn.Query("SELECT username, role FROM users WHERE id = ?", {Value(user_id)}));
    if (u.empty() || !ServesQueues(u[0].Text(1))) return OkStatus();
    rec = AgentRec{user_id, u[0].Text(0), u[0].Text(1), AgentId{}, {}};
    RXD_ASSIGN_OR_RETURN(Rows p, conn.Query("SELECT skills, languages, capacity_voice, capacity_chat, "
                                            "capacity_message FROM cc_agents WHERE user_id = ?",
                                            {Value(user_id)}));
    if (!p.empty()) {
      has_row = true;
      RXD_ASSIGN_OR_RETURN(rec->profile,
                           ParseProfileParts(p[0].Text(0), p[0].Text(1),
                                             std::to_string(p[0].Int(2)) + "," + std::to_string(p[0].Int(3)) + "," +
                                                 std::to_string(p[0].Int(4))));
    }
    return OkStatus();
  }));
  if (!rec) return MakeError("not_found", "no agent or pharmacist with this id", "user_id");
  if (!has_row) {
    for (const std::string& spec : rec->role == "pharmacist" ? config_.pharmacist_skills : config_.agent_skills) {
      rec->profile.skills.push_back(*ParseSkill(spec, "skills"));
    }
    for (const std::string& l : config_.languages) rec->profile.languages.push_back(*ParseLanguage(l));
    rec->profile.capacity = {config_.capacity_voice, config_.capacity_chat, config_.capacity_message};
  }
  rec->id = AgentId{s.next_agent++};
  const AcdInstant now = NowLocked();
  RXD_TRY(s.acd.AddAgent(s.Params(*rec), now));
  s.agent_by_id[static_cast<std::uint64_t>(rec->id)] = user_id;
  const AgentProfile profile = rec->profile;
  s.agents[user_id] = std::move(*rec);
  const Input in{"agent", user_id, "", "", EncodeProfile(profile)};
  return CommitLocked(&in, AcdOutcome{}, nullptr, notices);
}

AgentView ContactCenterService::ViewLocked(const std::string& user_id) {
  State& s = *state_;
  const AgentRec& a = s.agents.at(user_id);
  AgentView v{a.user_id, a.username, a.role, AgentState::kOffline, "", "", a.profile, {}};
  if (auto st = s.acd.GetAgent(a.id); st.ok()) {
    v.state = st->state;
    v.reason = st->reason;
    v.since = Rfc3339(st->since);
  }
  for (const auto& [id, c] : s.live) {
    if (c.agent == user_id) v.live_contacts.push_back(id);
  }
  return v;
}

// ---- contacts ----------------------------------------------------------------------

Result<Contact> ContactCenterService::OpenSelfService(const std::string& channel,
                                                      const std::optional<std::string>& member_id) {
  if (channel != "call" && channel != "chat" && channel != "message" && channel != "portal") {
    return InvalidField("channel", "must be call, chat, message or portal");
  }
  const Instant now = clock_.Now();
  const std::string id = NewId();
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    if (member_id) {
      RXD_ASSIGN_OR_RETURN(bool exists, MemberService::Exists(w.conn, *member_id));
      if (!exists) return InvalidField("member_id", "no such member");
    }
    RXD_ASSIGN_OR_RETURN(std::string reference, UniqueReference(w.conn, zone_.LocalDate(now), ReferenceEntropy));
    RXD_TRY(
        w.conn.Exec("INSERT INTO contacts(id, reference, channel, agent_id, member_id, status, verification, "
                    "opened_at, updated_at) VALUES (?, ?, ?, NULL, ?, 'open', 'unverified', ?, ?)",
                    {Value(id), Value(reference), Value(channel), member_id ? Value(*member_id) : Value(),
                     Value(FormatInstant(now)), Value(FormatInstant(now))}));
    AuditEntry e = MakeSystemAudit(now, "contact.open", "contact", id, "", "ok");
    e.member_id = member_id.value_or("");
    return w.audit.Append(w.conn, e);
  }));
  RXD_ASSIGN_OR_RETURN(std::optional<Contact> c, store_.Read([&](Connection& conn) { return LoadContact(conn, id); }));
  if (!c) return MakeError("not_found", "no such contact");
  return std::move(*c);
}

Result<Arrived> ContactCenterService::Arrive(const Arrival& arrival) { return ArriveImpl(arrival, nullptr); }

Result<Arrived> ContactCenterService::ArriveImpl(const Arrival& arrival, const Caller* caller) {
  RXD_ASSIGN_OR_RETURN(const Channel channel, ParseContactChannel(arrival.channel));
  if (arrival.language != Language::kEnglish && arrival.language != Language::kSpanish) {
    return InvalidField("lang", "must be en or es");
  }
  Notices notices;
  Result<Arrived> result = MakeError("store_error", "not routed");
  {
    std::lock_guard lock(mu_);
    State& s = *state_;
    const auto qi = s.queue_index.find(arrival.queue);
    if (qi == s.queue_index.end()) return InvalidField("queue", "no such queue");
    std::string reference;
    std::string member_id = arrival.member_id.value_or("");
    const bool is_new = !arrival.contact_id.has_value();
    if (!is_new) {
      std::optional<Contact> existing;
      bool routed = false;
      RXD_TRY(store_.Read([&](Connection& conn) -> Status {
        RXD_ASSIGN_OR_RETURN(existing, LoadContact(conn, *arrival.contact_id));
        RXD_ASSIGN_OR_RETURN(
            Rows r, conn.Query("SELECT COUNT(*) FROM cc_routing WHERE contact_id = ?", {Value(*arrival.contact_id)}));
        routed = r.at(0).Int(0) > 0;
        return OkStatus();
      }));
      if (!existing) return MakeError("not_found", "no such contact", "contact_id");
      if (routed || !existing->agent_id.empty() || !existing->open) {
        return MakeError("conflict", "the contact was already routed, is held or is closed", "contact_id");
      }
      if (existing->channel != arrival.channel) return InvalidField("channel", "differs from the contact's channel");
      reference = existing->reference;
      if (member_id.empty()) member_id = existing->member_id;
    }
    const std::string contact_id = is_new ? NewId() : *arrival.contact_id;
    const AcdInstant now = NowLocked();
    LiveRec rec{contact_id,
                ContactId{s.next_contact++},
                qi->second,
                channel,
                arrival.language,
                0,
                s.next_arrival++,
                now,
                reference,
                arrival.callback,
                "",
                {}};
    s.contact_by_id[static_cast<std::uint64_t>(rec.id)] = contact_id;
    s.live[contact_id] = rec;
    Result<AcdOutcome> out = s.acd.Enqueue({.id = rec.id,
                                            .queue = QueueId{static_cast<std::uint32_t>(qi->second + 1)},
                                            .channel = channel,
                                            .language = arrival.language,
                                            .tty = arrival.tty,
                                            .callback = arrival.callback},
                                           now);
    if (!out.ok()) {
      s.ForgetContact(rec.id);
      return std::move(out).error();
    }
    const int priority = s.acd.GetContact(rec.id).ok() ? s.acd.GetContact(rec.id)->priority : 0;
    s.live[contact_id].priority = priority;
    const Instant at = std::chrono::floor<std::chrono::seconds>(now);
    const auto audit = [&](std::string action) {
      AuditEntry e = caller ? MakeAudit(*caller, at, std::move(action), "contact", contact_id, member_id)
                            : MakeSystemAudit(at, std::move(action), "contact", contact_id, "", "ok");
      e.member_id = member_id;
      return e;
    };
    const Input in{"enqueue", "", contact_id, "", ""};
    RXD_TRY(CommitLocked(
        &in, *out,
        [&](WriteContext& w) -> Status {
          if (is_new) {
            if (!member_id.empty()) {
              RXD_ASSIGN_OR_RETURN(bool exists, MemberService::Exists(w.conn, member_id));
              if (!exists) return InvalidField("member_id", "no such member");
            }
            RXD_ASSIGN_OR_RETURN(reference, UniqueReference(w.conn, zone_.LocalDate(at), ReferenceEntropy));
            RXD_TRY(
                w.conn.Exec("INSERT INTO contacts(id, reference, channel, agent_id, member_id, status, "
                            "verification, opened_at, updated_at) VALUES (?, ?, ?, NULL, ?, 'open', 'unverified', "
                            "?, ?)",
                            {Value(contact_id), Value(reference), Value(arrival.channel), TextOrNull(member_id),
                             Value(FormatInstant(at)), Value(FormatInstant(at))}));
            RXD_TRY(w.audit.Append(w.conn, audit("contact.open")));
          }
          RXD_TRY(w.conn.Exec(
              "INSERT INTO cc_routing(contact_id, queue, channel, language, tty, callback, priority, "
              "enqueued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              {Value(contact_id), Value(arrival.queue), Value(arrival.channel), Value(LanguageCode(arrival.language)),
               Value(arrival.tty), Value(arrival.callback), Value(priority), Value(MsOf(now))}));
          return w.audit.Append(w.conn, audit(arrival.callback ? "contact.callback" : "contact.enqueue"));
        },
        notices));
    if (auto it = s.live.find(contact_id); it != s.live.end()) it->second.reference = reference;
    result = WhereLocked(contact_id);
  }
  Notify(notices);
  return result;
}

Result<Arrived> ContactCenterService::WhereLocked(const std::string& contact_id) {
  State& s = *state_;
  RXD_ASSIGN_OR_RETURN(std::optional<Contact> c,
                       store_.Read([&](Connection& conn) { return LoadContact(conn, contact_id); }));
  if (!c) return MakeError("not_found", "no such contact");
  Arrived a{std::move(*c), 0, std::chrono::seconds{0}};
  const auto it = s.live.find(contact_id);
  if (it == s.live.end() || !it->second.agent.empty()) return a;
  const LiveRec& rec = it->second;
  a.position = s.Position(rec);
  int staffed = 0;
  for (const auto& [id, agent] : s.agents) {
    auto st = s.acd.GetAgent(agent.id);
    if (!st.ok() || st->state == AgentState::kBreak || st->state == AgentState::kOffline) continue;
    if (s.Eligible(agent, s.queues[rec.queue], rec.language, rec.channel)) ++staffed;
  }
  const std::optional<AcdDuration> aht =
      s.RecentAht(rec.queue, s.last_now, std::chrono::minutes{config_.aht_window_minutes});
  a.expected_wait = ExpectedWait({.position = a.position, .recent_aht = aht, .staffed_agents = staffed},
                                 {.default_aht = std::chrono::seconds{config_.default_aht_s},
                                  .max_wait = std::chrono::seconds{config_.max_expected_wait_s}});
  return a;
}

Result<Arrived> ContactCenterService::Where(const std::string& contact_id) {
  std::lock_guard lock(mu_);
  NowLocked();
  return WhereLocked(contact_id);
}

Status ContactCenterService::Abandon(const std::string& contact_id) {
  Notices notices;
  Status result = OkStatus();
  {
    std::lock_guard lock(mu_);
    State& s = *state_;
    RXD_ASSIGN_OR_RETURN(LiveRec * waiting, FindWaiting(s.live, store_, contact_id));
    const AcdInstant now = NowLocked();
    RXD_ASSIGN_OR_RETURN(AcdOutcome out, s.acd.Abandon(waiting->id, now));
    const Input in{"abandon", "", contact_id, "", ""};
    RXD_TRY(CommitLocked(&in, out, nullptr, notices));
    if (!out.abandonment) result = MakeError("conflict", "the contact is already with an agent");
  }
  Notify(notices);
  return result;
}

Status ContactCenterService::TurnIntoCallback(const std::string& contact_id) {
  std::lock_guard lock(mu_);
  State& s = *state_;
  RXD_ASSIGN_OR_RETURN(LiveRec * waiting, FindWaiting(s.live, store_, contact_id));
  LiveRec& rec = *waiting;
  if (rec.callback) return OkStatus();  // already a callback
  const Instant at = std::chrono::floor<std::chrono::seconds>(NowLocked());
  // The ACD is untouched (same contact, same priority, same place): only the
  // routing record says the agent who gets it calls the member back.
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(
        std::int64_t n,
        w.conn.Exec("UPDATE cc_routing SET callback = 2 WHERE contact_id = ? AND callback = 0 AND assigned_at IS "
                    "NULL AND abandoned_at IS NULL",
                    {Value(contact_id)}));
    if (n != 1) return MakeError("conflict", "the contact is not waiting");
    return w.audit.Append(w.conn, MakeSystemAudit(at, "contact.callback", "contact", contact_id, "", "ok"));
  }));
  rec.callback = true;
  return OkStatus();
}

Status ContactCenterService::FinishLocked(const std::string& contact_id, const Caller* caller, Notices& notices) {
  State& s = *state_;
  const auto it = s.live.find(contact_id);
  if (it == s.live.end()) {
    RXD_ASSIGN_OR_RETURN(std::optional<Contact> c,
                         store_.Read([&](Connection& conn) { return LoadContact(conn, contact_id); }));
    if (!c || (caller && c->agent_id != caller->principal.user_id)) return MakeError("not_found", "no such contact");
    return MakeError("conflict", "the contact is not live with an agent (finished, abandoned or never routed)");
  }
  LiveRec& rec = it->second;
  if (caller && rec.agent != caller->principal.user_id) return MakeError("not_found", "no such contact");
  if (rec.agent.empty()) return MakeError("conflict", "the contact is still waiting: abandon it instead");
  const AcdInstant now = NowLocked();
  RXD_ASSIGN_OR_RETURN(AcdOutcome out, s.acd.EndContact(rec.id, now));
  const AcdDuration wrap = std::chrono::seconds{s.queues[rec.queue].config.wrap_up_s};
  const Instant at = std::chrono::floor<std::chrono::seconds>(now);
  const Input in{"end", "", contact_id, "", ""};
  const std::size_t queue = rec.queue;
  const AcdDuration talk = now - rec.assigned_at;
  const ContactId id = rec.id;
  RXD_TRY(CommitLocked(
      &in, out,
      [&](WriteContext& w) -> Status {
        RXD_TRY(w.conn.Exec("UPDATE cc_routing SET ended_at = ?, wrap_up_until = ? WHERE contact_id = ?",
                            {Value(MsOf(now)), Value(MsOf(now + wrap)), Value(contact_id)}));
        return w.audit.Append(w.conn, caller ? MakeAudit(*caller, at, "contact.finish", "contact", contact_id, "")
                                             : MakeSystemAudit(at, "contact.finish", "contact", contact_id, "", "ok"));
      },
      notices));
  s.RememberHandle(queue, now, talk + wrap);
  s.ForgetContact(id);
  return OkStatus();
}

Status ContactCenterService::Finish(const std::string& contact_id) {
  Notices notices;
  Status result = OkStatus();
  {
    std::lock_guard lock(mu_);
    result = FinishLocked(contact_id, nullptr, notices);
  }
  Notify(notices);
  return result;
}

Status ContactCenterService::Finish(const Caller& caller, const std::string& contact_id) {
  Notices notices;
  Status result = OkStatus();
  {
    std::lock_guard lock(mu_);
    result = FinishLocked(contact_id, &caller, notices);
  }
  Notify(notices);
  return result;
}

Result<Arrived> ContactCenterService::RequestCallback(const Caller& caller, const std::string& queue,
                                                      Language language) {
  std::string member_id;
  if (caller.principal.role == Role::kMember) {
    member_id = caller.principal.member_id;
    if (member_id.empty()) return MakeError("forbidden", "this account has no member record");
  } else {
    const Error required{"verification_required",
                         "request a callback inside a verified contact: send its id in X-Contact-Id", ""};
    if (caller.contact_id.empty() || caller.contact_id == "malformed") return required;
    RXD_ASSIGN_OR_RETURN(std::optional<Contact> c,
                         store_.Read([&](Connection& conn) { return LoadContact(conn, caller.contact_id); }));
    if (!c || c->agent_id != caller.principal.user_id || !c->open ||
        c->verification.status != VerificationStatus::kVerified || c->member_id.empty()) {
      return required;
    }
    member_id = c->member_id;
  }
  return ArriveImpl({.channel = "call", .queue = queue, .language = language, .callback = true, .member_id = member_id},
                    &caller);
}

// ---- agents ------------------------------------------------------------------------

namespace {

Status RequireAgentRole(const Caller& caller) {
  if (caller.principal.role != Role::kAgent && caller.principal.role != Role::kPharmacist) {
    return MakeError("forbidden", "only agents and pharmacists take contacts");
  }
  return OkStatus();
}

}  // namespace

Result<AgentView> ContactCenterService::Me(const Caller& caller) {
  RXD_TRY(RequireAgentRole(caller));
  Notices notices;
  std::lock_guard lock(mu_);
  RXD_TRY(EnsureAgentLocked(caller.principal.user_id, notices));
  return ViewLocked(caller.principal.user_id);
}

Result<AgentView> ContactCenterService::SetMyState(const Caller& caller, Presence presence, const std::string& reason) {
  RXD_TRY(RequireAgentRole(caller));
  if (reason.size() > 64 || !IsPrintableUtf8(reason)) {
    return InvalidField("reason", "at most 64 printable characters");
  }
  Notices notices;
  Result<AgentView> view = MakeError("store_error", "not set");
  {
    std::lock_guard lock(mu_);
    State& s = *state_;
    const std::string& user = caller.principal.user_id;
    RXD_TRY(EnsureAgentLocked(user, notices));
    const AcdInstant now = NowLocked();
    RXD_ASSIGN_OR_RETURN(AcdOutcome out, s.acd.SetPresence(s.agents.at(user).id, presence, reason, now));
    const Input in{"presence", user, "", std::string(PresenceName(presence)), reason};
    const Instant at = std::chrono::floor<std::chrono::seconds>(now);
    RXD_TRY(CommitLocked(
        &in, out,
        [&](WriteContext& w) {
          return w.audit.Append(w.conn, MakeAudit(caller, at, "agent.state", "agent", user, ""));
        },
        notices));
    view = ViewLocked(user);
  }
  Notify(notices);
  return view;
}

Result<AgentView> ContactCenterService::FinishMyWrapUp(const Caller& caller) {
  RXD_TRY(RequireAgentRole(caller));
  Notices notices;
  Result<AgentView> view = MakeError("store_error", "not set");
  {
    std::lock_guard lock(mu_);
    State& s = *state_;
    const std::string& user = caller.principal.user_id;
    RXD_TRY(EnsureAgentLocked(user, notices));
    const AcdInstant now = NowLocked();
    RXD_ASSIGN_OR_RETURN(AcdOutcome out, s.acd.FinishWrapUp(s.agents.at(user).id, now));
    const Input in{"finish_wrap_up", user, "", "", ""};
    RXD_TRY(CommitLocked(
        &in, out,
        [&](WriteContext& w) -> Status {
          RXD_TRY(w.conn.Exec("UPDATE cc_routing SET wrap_up_until = ? WHERE agent_id = ? AND wrap_up_until > ?",
                              {Value(MsOf(now)), Value(user), Value(MsOf(now))}));
          return OkStatus();
        },
        notices));
    view = ViewLocked(user);
  }
  Notify(notices);
  return view;
}

Result<std::vector<LiveContactView>> ContactCenterService::MyContacts(const Caller& caller) {
  RXD_TRY(RequireAgentRole(caller));
  std::lock_guard lock(mu_);
  const State& s = *state_;
  std::vector<LiveContactView> out;
  for (const auto& [id, c] : s.live) {
    if (c.agent != caller.principal.user_id) continue;
    out.push_back({id, c.reference, ChannelOf(c.channel), s.queues[c.queue].config.id,
                   std::string(LanguageCode(c.language)), c.callback, Rfc3339(c.assigned_at)});
  }
  std::sort(out.begin(), out.end(),
            [](const LiveContactView& a, const LiveContactView& b) { return a.assigned_at < b.assigned_at; });
  return out;
}

Result<std::vector<AgentView>> ContactCenterService::Agents() {
  struct Row_ {
    std::string id, username, role;
    std::optional<AgentProfile> profile;
  };
  std::vector<Row_> users;
  RXD_TRY(store_.Read([&](Connection& conn) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows rows,
                         conn.Query("SELECT u.id, u.username, u.role, a.skills, a.languages, a.capacity_voice, "
                                    "a.capacity_chat, a.capacity_message FROM users u LEFT JOIN cc_agents a ON "
                                    "a.user_id = u.id WHERE u.role IN ('agent', 'pharmacist') ORDER BY u.username"));
    for (const Row& r : rows) {
      Row_ u{r.Text(0), r.Text(1), r.Text(2), std::nullopt};
      if (!r.IsNull(3)) {
        auto p = ParseProfileParts(
            r.Text(3), r.Text(4),
            std::to_string(r.Int(5)) + "," + std::to_string(r.Int(6)) + "," + std::to_string(r.Int(7)));
        if (p.ok()) u.profile = *p;
      }
      users.push_back(std::move(u));
    }
    return OkStatus();
  }));
  std::lock_guard lock(mu_);
  std::vector<AgentView> out;
  for (const Row_& u : users) {
    if (state_->agents.contains(u.id)) {
      out.push_back(ViewLocked(u.id));
      continue;
    }
    AgentView v{u.id, u.username, u.role, AgentState::kOffline, "", "", {}, {}};
    if (u.profile) {
      v.profile = *u.profile;
    } else {
      for (const std::string& spec : u.role == "pharmacist" ? config_.pharmacist_skills : config_.agent_skills) {
        v.profile.skills.push_back(*ParseSkill(spec, "skills"));
      }
      for (const std::string& l : config_.languages) v.profile.languages.push_back(*ParseLanguage(l));
      v.profile.capacity = {config_.capacity_voice, config_.capacity_chat, config_.capacity_message};
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<AgentView> ContactCenterService::UpdateAgent(const Caller& caller, const std::string& user_id,
                                                    const AgentProfile& profile) {
  RXD_TRY(ValidateProfile(profile));
  Notices notices;
  std::lock_guard lock(mu_);
  State& s = *state_;
  RXD_TRY(EnsureAgentLocked(user_id, notices));
  AgentRec& rec = s.agents.at(user_id);
  RXD_TRY(s.acd.RemoveAgent(rec.id));
  const AgentProfile previous = rec.profile;
  rec.profile = profile;
  const AcdInstant now = NowLocked();
  if (Status added = s.acd.AddAgent(s.Params(rec), now); !added.ok()) {
    rec.profile = previous;
    (void)s.acd.AddAgent(s.Params(rec), now);
    return std::move(added).error();
  }
  const Input in{"agent", user_id, "", "", EncodeProfile(profile)};
  const Instant at = std::chrono::floor<std::chrono::seconds>(now);
  RXD_TRY(CommitLocked(
      &in, AcdOutcome{},
      [&](WriteContext& w) -> Status {
        const std::string skills = JoinSkills(profile.skills), languages = JoinLanguages(profile.languages);
        RXD_ASSIGN_OR_RETURN(
            std::int64_t changed,
            w.conn.Exec("UPDATE cc_agents SET skills = ?, languages = ?, capacity_voice = ?, capacity_chat = ?, "
                        "capacity_message = ?, updated_at = ? WHERE user_id = ?",
                        {Value(skills), Value(languages), Value(profile.capacity.voice), Value(profile.capacity.chat),
                         Value(profile.capacity.message), Value(FormatInstant(at)), Value(user_id)}));
        if (changed == 0) {
          RXD_TRY(
              w.conn.Exec("INSERT INTO cc_agents(user_id, skills, languages, capacity_voice, capacity_chat, "
                          "capacity_message, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                          {Value(user_id), Value(skills), Value(languages), Value(profile.capacity.voice),
                           Value(profile.capacity.chat), Value(profile.capacity.message), Value(FormatInstant(at))}));
        }
        return w.audit.Append(w.conn, MakeAudit(caller, at, "agent.update", "agent", user_id, ""));
      },
      notices));
  return ViewLocked(user_id);
}

// ---- queues, KPIs, time ------------------------------------------------------------

std::vector<QueueView> ContactCenterService::Queues() {
  std::lock_guard lock(mu_);
  State& s = *state_;
  const AcdInstant now = NowLocked();
  std::vector<QueueView> out;
  for (std::size_t qi = 0; qi < s.queues.size(); ++qi) {
    const QueueDef& q = s.queues[qi];
    QueueView v;
    v.id = q.config.id;
    for (AgentState st :
         {AgentState::kAvailable, AgentState::kBusy, AgentState::kWrapUp, AgentState::kBreak, AgentState::kOffline}) {
      v.agents[std::string(AgentStateName(st))] = 0;
    }
    for (const auto& [id, c] : s.live) {
      if (c.queue != qi || !c.agent.empty()) continue;
      ++v.waiting;
      v.longest_wait_s = std::max<std::int64_t>(
          v.longest_wait_s, std::chrono::duration_cast<std::chrono::seconds>(now - c.enqueued_at).count());
    }
    for (const auto& [id, a] : s.agents) {
      if (!s.Eligible(a, q, q.params.language, std::nullopt)) continue;
      if (auto st = s.acd.GetAgent(a.id); st.ok()) ++v.agents[std::string(AgentStateName(st->state))];
    }
    out.push_back(std::move(v));
  }
  return out;
}

Result<KpiSnapshot> ContactCenterService::Kpis(const KpiQuery& query) {
  std::vector<std::string> ids;
  for (const CcQueueConfig& q : config_.queues) ids.push_back(q.id);
  return LoadKpis(store_, zone_, clock_.Now(), query, config_.targets, ids);
}

KpiSnapshot ContactCenterService::Now() {
  auto s = Kpis({});
  if (!s.ok()) {
    LogWarn("contact_center_kpis_failed", {{"code", s.error().code}});
    return KpiSnapshot{};
  }
  return std::move(*s);
}

Status ContactCenterService::Tick() {
  Notices notices;
  Status result = OkStatus();
  {
    std::lock_guard lock(mu_);
    const AcdInstant now = NowLocked();
    Result<AcdOutcome> out = state_->acd.Advance(now);
    if (!out.ok()) return std::move(out).error();
    if (!out->assignments.empty() || !out->agent_changes.empty()) {
      const Input in{"advance", "", "", "", ""};
      result = CommitLocked(&in, *out, nullptr, notices);
    }
  }
  Notify(notices);
  return result;
}

void ContactCenterService::TimerLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    // Wake at the next deadline, and at least every second (the clock may be coarse or moved).
    auto wait = std::chrono::milliseconds{1000};
    if (auto next = state_->acd.NextDeadline()) {
      const auto until = *next - AcdInstant{clock_.Now()};
      wait =
          std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(until), std::chrono::milliseconds{10}, wait);
    }
    timer_cv_.wait_for(lock, wait, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    if (Status s = Tick(); !s.ok()) LogWarn("contact_center_tick_failed", {{"code", s.error().code}});
    lock.lock();
  }
}

}  // namespace rxdesk
