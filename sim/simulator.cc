#include "sim/simulator.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <random>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace rxdesk::sim {
namespace {

using Ms = std::int64_t;  // milliseconds from 00:00 of the simulated day

constexpr double kMaxSeconds = 7 * 86400.0;       // bound on any one duration in the file
constexpr double kMaxPerInterval = 1e6;           // expected arrivals of one stream in one interval
constexpr double kMaxCv = 10;                     // lognormal coefficient of variation
constexpr double kMaxDrainMinutes = 7 * 24 * 60;  // a week

Ms ToMs(double seconds) { return static_cast<Ms>(std::llround(seconds * 1000.0)); }
AcdInstant At(Ms ms) { return AcdInstant{AcdDuration{ms}}; }
Ms MsOf(AcdInstant t) { return t.time_since_epoch().count(); }
double Seconds(AcdDuration d) { return static_cast<double>(d.count()) / 1000.0; }

std::string At(const std::string& base, std::size_t i) { return base + "[" + std::to_string(i) + "]"; }

// True for a finite number in [lo, hi] (NaN fails).
bool InRange(double v, double lo, double hi) { return v >= lo && v <= hi; }

Status ValidateNeeds(const std::vector<SkillNeed>& needs, const std::string& field) {
  if (needs.size() > static_cast<std::size_t>(kMaxSkillsPerRequirement)) {
    return InvalidField(field, "at most " + std::to_string(kMaxSkillsPerRequirement) + " skills");
  }
  for (std::size_t i = 0; i < needs.size(); ++i) {
    if (needs[i].skill.empty()) return InvalidField(At(field, i) + ".skill", "must name a skill");
    if (needs[i].min < kMinProficiency || needs[i].min > kMaxProficiency) {
      return InvalidField(At(field, i) + ".min", "must be 1 to 5");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (needs[j].skill == needs[i].skill) return InvalidField(At(field, i) + ".skill", "skill listed twice");
    }
  }
  return OkStatus();
}

Status ValidatePriority(int v, const std::string& field) {
  if (v < 0 || v > kMaxPriority) return InvalidField(field, "must be 0 to " + std::to_string(kMaxPriority));
  return OkStatus();
}

bool ValidLanguage(Language l) { return static_cast<unsigned>(l) < static_cast<unsigned>(kLanguageCount); }

enum class Kind : std::uint8_t { kStaff, kArrival, kEnd, kPatience, kTick };

struct Event {
  Ms at = 0;
  std::uint64_t seq = 0;
  Kind kind = Kind::kTick;
  std::uint32_t index = 0;
  bool operator>(const Event& o) const { return std::tie(at, seq) > std::tie(o.at, o.seq); }
};

enum class Fate : std::uint8_t { kWaiting, kAnswered, kAbandoned, kDone };

struct SimContact {
  Ms arrival = 0;
  Ms talk = 0;
  std::uint32_t stream = 0;
  std::int32_t interval = 0;
  Fate status = Fate::kWaiting;
};

struct StaffChange {
  Ms at = 0;
  std::uint32_t agent = 0;
  Presence presence = Presence::kOffline;
};

struct AgentTrack {
  AgentState state = AgentState::kOffline;
  Ms since = 0;
};

class Run {
 public:
  Run(const DayConfig& config, std::uint64_t seed, const std::function<void(double)>& progress)
      : config_(config),
        progress_(progress),
        rng_(seed),
        interval_ms_(static_cast<Ms>(config.day.interval_minutes) * 60'000),
        day_end_ms_(interval_ms_ * config.day.intervals),
        stop_ms_(day_end_ms_ + ToMs(config.day.drain_limit_minutes * 60.0)),
        target_ms_(ToMs(config.day.service_level_seconds)) {}

  Result<SimResult> Go() {
    RXD_TRY(Setup());
    result_.intervals.assign(static_cast<std::size_t>(config_.day.intervals), Kpis{});
    result_.queues.resize(config_.queues.size());
    for (std::size_t q = 0; q < config_.queues.size(); ++q) result_.queues[q].queue = config_.queues[q].id;

    Ms now = 0;
    int reported = -1;
    while (!events_.empty()) {
      const Event e = events_.top();
      if (e.at > stop_ms_) break;
      events_.pop();
      now = e.at;
      if (progress_) {
        const int interval = static_cast<int>(std::min<Ms>(now / interval_ms_, config_.day.intervals));
        if (interval > reported) {
          reported = interval;
          progress_(std::min(1.0, static_cast<double>(now) / static_cast<double>(day_end_ms_)));
        }
      }
      switch (e.kind) {
        case Kind::kStaff: {
          const StaffChange& s = staff_[e.index];
          RXD_TRY(Apply(acd_.SetPresence(AgentId{s.agent}, s.presence,
                                         s.presence == Presence::kAvailable ? "shift start" : "shift end", At(now))));
          break;
        }
        case Kind::kArrival:
          RXD_TRY(Arrive(e.index, now));
          break;
        case Kind::kEnd: {
          SimContact& c = contacts_[e.index];
          c.status = Fate::kDone;
          Kpis& k = result_.intervals[static_cast<std::size_t>(c.interval)];
          Kpis& qk = result_.queues[stream_queue_[c.stream]].kpis;
          const double handle = Seconds(AcdDuration{c.talk}) + config_.queues[stream_queue_[c.stream]].wrap_up_seconds;
          for (Kpis* kp : {&k, &qk}) {
            ++kp->handled;
            kp->handle_seconds += handle;
          }
          RXD_TRY(Apply(acd_.EndContact(ContactId{e.index}, At(now))));
          break;
        }
        case Kind::kPatience:
          if (contacts_[e.index].status != Fate::kWaiting) continue;
          RXD_TRY(Apply(acd_.Abandon(ContactId{e.index}, At(now))));
          break;
        case Kind::kTick:
          if (e.at != pending_tick_) continue;  // superseded by an earlier deadline
          pending_tick_ = -1;
          RXD_TRY(Apply(acd_.Advance(At(now))));
          break;
      }
      ++result_.events;
      ScheduleTick();
    }
    if (progress_) progress_(1.0);

    const Ms end = std::max(now, day_end_ms_);
    for (std::uint32_t a = 0; a < tracks_.size(); ++a) Track(a, tracks_[a].state, end);
    for (const SimContact& c : contacts_) {
      if (c.status != Fate::kWaiting) continue;
      ++result_.intervals[static_cast<std::size_t>(c.interval)].unanswered;
      ++result_.queues[stream_queue_[c.stream]].kpis.unanswered;
    }
    for (const Kpis& k : result_.intervals) result_.day += k;
    result_.end_seconds = static_cast<double>(now) / 1000.0;
    return std::move(result_);
  }

 private:
  Status Setup() {
    std::unordered_map<std::string, std::uint32_t> skills;
    const auto skill_id = [&](const std::string& name) {
      return SkillId{skills.emplace(name, static_cast<std::uint32_t>(skills.size())).first->second};
    };
    std::unordered_map<std::string, std::uint32_t> queue_index;
    for (std::size_t q = 0; q < config_.queues.size(); ++q) {
      const SimQueue& sq = config_.queues[q];
      QueueParams p;
      p.id = QueueId{static_cast<std::uint32_t>(q)};
      p.language = sq.language;
      for (const SkillNeed& n : sq.required) p.required.push_back({skill_id(n.skill), n.min});
      for (const SkillNeed& n : sq.overflow) p.overflow.push_back({skill_id(n.skill), n.min});
      p.overflow_after = AcdDuration{ToMs(sq.overflow_after_seconds)};
      p.wrap_up = AcdDuration{ToMs(sq.wrap_up_seconds)};
      p.priority = sq.priority;
      RXD_TRY(acd_.AddQueue(p));
      queue_index.emplace(sq.id, static_cast<std::uint32_t>(q));
    }
    for (const ArrivalStream& s : config_.arrivals) stream_queue_.push_back(queue_index.at(s.queue));

    std::uint32_t next_agent = 0;
    for (const AgentGroup& g : config_.agents) {
      AgentParams p;
      for (const SkillHeld& s : g.skills) p.skills.push_back({skill_id(s.skill), s.level});
      p.languages = g.languages;
      p.capacity = g.capacity;
      const auto add = [&]() -> Result<std::uint32_t> {
        p.id = AgentId{next_agent};
        RXD_TRY(acd_.AddAgent(p, At(0)));
        tracks_.push_back(AgentTrack{});
        return next_agent++;
      };
      if (!g.shifts.empty()) {
        for (const Shift& s : g.shifts) {
          for (int k = 0; k < s.count; ++k) {
            RXD_ASSIGN_OR_RETURN(const std::uint32_t a, add());
            staff_.push_back({static_cast<Ms>(s.start_minute) * 60'000, a, Presence::kAvailable});
            staff_.push_back({static_cast<Ms>(s.end_minute) * 60'000, a, Presence::kOffline});
          }
        }
        continue;
      }
      const int most = g.on_shift.empty() ? 0 : *std::max_element(g.on_shift.begin(), g.on_shift.end());
      for (int k = 0; k < most; ++k) {
        RXD_ASSIGN_OR_RETURN(const std::uint32_t a, add());
        bool on = false;
        for (std::size_t i = 0; i < g.on_shift.size(); ++i) {
          const bool want = k < g.on_shift[i];
          if (want != on)
            staff_.push_back({static_cast<Ms>(i) * interval_ms_, a, want ? Presence::kAvailable : Presence::kOffline});
          on = want;
        }
      }
    }
    std::stable_sort(staff_.begin(), staff_.end(),
                     [](const StaffChange& a, const StaffChange& b) { return a.at < b.at; });
    for (std::uint32_t i = 0; i < staff_.size(); ++i) Push(staff_[i].at, Kind::kStaff, i);

    stream_clock_.assign(config_.arrivals.size(), 0.0);
    for (std::uint32_t s = 0; s < config_.arrivals.size(); ++s) ScheduleArrival(s);
    return OkStatus();
  }

  void Push(Ms at, Kind kind, std::uint32_t index) { events_.push(Event{at, next_seq_++, kind, index}); }

  // The stream's next arrival: Poisson within each interval at that interval's rate.
  void ScheduleArrival(std::uint32_t s) {
    const std::vector<double>& per = config_.arrivals[s].per_interval;
    const double interval_s = static_cast<double>(interval_ms_) / 1000.0;
    double t = stream_clock_[s];
    auto i = static_cast<std::size_t>(t / interval_s);
    while (i < per.size()) {
      const double end = static_cast<double>(i + 1) * interval_s;
      if (per[i] > 0) {
        t += unit_exponential_(rng_) * interval_s / per[i];
        if (t < end) {
          stream_clock_[s] = t;
          Push(std::min(ToMs(t), day_end_ms_ - 1), Kind::kArrival, s);
          return;
        }
      }
      t = end;  // memoryless: start afresh at the next interval's rate
      ++i;
    }
    stream_clock_[s] = t;
  }

  Status Arrive(std::uint32_t s, Ms now) {
    const ArrivalStream& stream = config_.arrivals[s];
    const auto id = static_cast<std::uint32_t>(contacts_.size());
    SimContact c;
    c.arrival = now;
    c.stream = s;
    c.interval = static_cast<std::int32_t>(std::min<Ms>(now / interval_ms_, config_.day.intervals - 1));
    contacts_.push_back(c);
    ++result_.intervals[static_cast<std::size_t>(c.interval)].offered;
    ++result_.queues[stream_queue_[s]].kpis.offered;

    ContactParams p;
    p.id = ContactId{id};
    p.queue = QueueId{stream_queue_[s]};
    p.channel = stream.channel;
    p.language = stream.language;
    p.tty = stream.tty;
    p.callback = stream.callback;
    RXD_TRY(Apply(acd_.Enqueue(p, At(now))));
    if (contacts_[id].status == Fate::kWaiting && stream.patience_seconds > 0) {
      Push(now + ToMs(unit_exponential_(rng_) * stream.patience_seconds), Kind::kPatience, id);
    }
    ScheduleArrival(s);
    return OkStatus();
  }

  double DrawTalkSeconds(const HandleTime& h) {
    if (h.distribution == Distribution::kLognormal) {
      const double sigma2 = std::log1p(h.cv * h.cv);
      const double mu = std::log(h.mean_seconds) - sigma2 / 2;
      return std::exp(mu + std::sqrt(sigma2) * unit_normal_(rng_));
    }
    return unit_exponential_(rng_) * h.mean_seconds;
  }

  Status Apply(Result<AcdOutcome> outcome) {
    if (!outcome.ok()) return std::move(outcome).error();
    const AcdOutcome& out = *outcome;
    for (const Assignment& a : out.assignments) {
      const auto id = static_cast<std::uint32_t>(a.contact);
      SimContact& c = contacts_[id];
      c.status = Fate::kAnswered;
      const Ms waited = a.waited.count();
      for (Kpis* k :
           {&result_.intervals[static_cast<std::size_t>(c.interval)], &result_.queues[stream_queue_[c.stream]].kpis}) {
        ++k->answered;
        k->wait_seconds += static_cast<double>(waited) / 1000.0;
        if (waited <= target_ms_) ++k->answered_in_target;
        if (waited > 0) ++k->delayed;
      }
      c.talk = ToMs(DrawTalkSeconds(config_.arrivals[c.stream].handle));
      Push(MsOf(a.at) + c.talk, Kind::kEnd, id);
    }
    for (const AgentChange& ch : out.agent_changes) Track(static_cast<std::uint32_t>(ch.agent), ch.state, MsOf(ch.at));
    if (out.abandonment) {
      SimContact& c = contacts_[static_cast<std::uint32_t>(out.abandonment->contact)];
      c.status = Fate::kAbandoned;
      for (Kpis* k :
           {&result_.intervals[static_cast<std::size_t>(c.interval)], &result_.queues[stream_queue_[c.stream]].kpis}) {
        ++k->abandoned;
        k->abandon_wait_seconds += Seconds(out.abandonment->waited);
      }
    }
    return OkStatus();
  }

  // Closes the agent's time in its previous state up to `at`, split by interval.
  void Track(std::uint32_t agent, AgentState next, Ms at) {
    AgentTrack& t = tracks_[agent];
    const bool staffed =
        t.state == AgentState::kAvailable || t.state == AgentState::kBusy || t.state == AgentState::kWrapUp;
    const bool occupied = t.state == AgentState::kBusy || t.state == AgentState::kWrapUp;
    if (staffed) {
      Ms from = t.since;
      const Ms to = std::min(at, day_end_ms_);
      while (from < to) {
        const Ms interval = from / interval_ms_;
        const Ms cut = std::min(to, (interval + 1) * interval_ms_);
        Kpis& k = result_.intervals[static_cast<std::size_t>(interval)];
        const double seconds = static_cast<double>(cut - from) / 1000.0;
        k.staffed_seconds += seconds;
        if (occupied) k.occupied_seconds += seconds;
        from = cut;
      }
    }
    t.state = next;
    t.since = at;
  }

  void ScheduleTick() {
    const std::optional<AcdInstant> due = acd_.NextDeadline();
    if (!due) return;
    const Ms at = MsOf(*due);
    if (pending_tick_ >= 0 && pending_tick_ <= at) return;
    pending_tick_ = at;
    Push(at, Kind::kTick, 0);
  }

  const DayConfig& config_;
  const std::function<void(double)>& progress_;
  std::mt19937_64 rng_;
  std::exponential_distribution<double> unit_exponential_{1.0};
  std::normal_distribution<double> unit_normal_{0.0, 1.0};
  const Ms interval_ms_;
  const Ms day_end_ms_;
  const Ms stop_ms_;
  const Ms target_ms_;

  Acd acd_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::uint64_t next_seq_ = 0;
  Ms pending_tick_ = -1;
  std::vector<std::uint32_t> stream_queue_;
  std::vector<double> stream_clock_;  // each stream's last arrival, in seconds
  std::vector<SimContact> contacts_;
  std::vector<StaffChange> staff_;
  std::vector<AgentTrack> tracks_;
  SimResult result_;
};

}  // namespace

Kpis& Kpis::operator+=(const Kpis& o) {
  offered += o.offered;
  answered += o.answered;
  abandoned += o.abandoned;
  unanswered += o.unanswered;
  answered_in_target += o.answered_in_target;
  delayed += o.delayed;
  handled += o.handled;
  wait_seconds += o.wait_seconds;
  abandon_wait_seconds += o.abandon_wait_seconds;
  handle_seconds += o.handle_seconds;
  staffed_seconds += o.staffed_seconds;
  occupied_seconds += o.occupied_seconds;
  return *this;
}

Status ValidateDayConfig(const DayConfig& c) {
  const DaySettings& d = c.day;
  if (d.interval_minutes < 1 || d.interval_minutes > 1440) {
    return InvalidField("day.interval_minutes", "must be 1 to 1440");
  }
  if (d.intervals < 1 || d.intervals > kMaxIntervals) {
    return InvalidField("day.intervals", "must be 1 to " + std::to_string(kMaxIntervals));
  }
  if (!InRange(d.service_level_seconds, 0, kMaxSeconds)) {
    return InvalidField("day.service_level_seconds", "must be 0 to 604800");
  }
  if (!InRange(d.drain_limit_minutes, 0, kMaxDrainMinutes)) {
    return InvalidField("day.drain_limit_minutes", "must be 0 to 10080");
  }

  std::unordered_set<std::string> queue_ids;
  for (std::size_t q = 0; q < c.queues.size(); ++q) {
    const SimQueue& sq = c.queues[q];
    const std::string at = At("queues", q);
    if (sq.id.empty()) return InvalidField(at + ".id", "must not be empty");
    if (!queue_ids.insert(sq.id).second) return InvalidField(at + ".id", "queue id used twice");
    if (!ValidLanguage(sq.language)) return InvalidField(at + ".language", "must be en or es");
    RXD_TRY(ValidateNeeds(sq.required, at + ".required"));
    RXD_TRY(ValidateNeeds(sq.overflow, at + ".overflow"));
    if (!InRange(sq.overflow_after_seconds, 0, 86400)) {
      return InvalidField(at + ".overflow_after_seconds", "must be 0 to 86400");
    }
    if (!InRange(sq.wrap_up_seconds, 0, 86400)) return InvalidField(at + ".wrap_up_seconds", "must be 0 to 86400");
    RXD_TRY(ValidatePriority(sq.priority.normal, at + ".priority.normal"));
    RXD_TRY(ValidatePriority(sq.priority.tty, at + ".priority.tty"));
    RXD_TRY(ValidatePriority(sq.priority.callback, at + ".priority.callback"));
    RXD_TRY(ValidatePriority(sq.priority.spanish, at + ".priority.spanish"));
  }

  double expected = 0;
  for (std::size_t s = 0; s < c.arrivals.size(); ++s) {
    const ArrivalStream& a = c.arrivals[s];
    const std::string at = At("arrivals", s);
    if (!queue_ids.contains(a.queue)) return InvalidField(at + ".queue", "names no queue of the file");
    if (static_cast<unsigned>(a.channel) >= static_cast<unsigned>(kChannelCount)) {
      return InvalidField(at + ".channel", "must be voice, chat or message");
    }
    if (a.language && !ValidLanguage(*a.language)) return InvalidField(at + ".language", "must be en or es");
    if (a.per_interval.size() != static_cast<std::size_t>(d.intervals)) {
      return InvalidField(at + ".per_interval", "must have one value per interval (" + std::to_string(d.intervals) +
                                                    "), has " + std::to_string(a.per_interval.size()));
    }
    for (std::size_t i = 0; i < a.per_interval.size(); ++i) {
      if (!InRange(a.per_interval[i], 0, kMaxPerInterval)) {
        return InvalidField(At(at + ".per_interval", i), "must be 0 to 1000000");
      }
      expected += a.per_interval[i];
    }
    if (!InRange(a.handle.mean_seconds, 0.001, kMaxSeconds)) {
      return InvalidField(at + ".handle.mean_seconds", "must be above 0 and at most 604800");
    }
    if (a.handle.distribution == Distribution::kLognormal && !InRange(a.handle.cv, 0.001, kMaxCv)) {
      return InvalidField(at + ".handle.cv", "must be above 0 and at most 10");
    }
    if (!InRange(a.patience_seconds, 0, kMaxSeconds)) {
      return InvalidField(at + ".patience_seconds", "must be 0 to 604800");
    }
  }
  if (expected > kMaxExpectedArrivals) {
    return InvalidField("arrivals", "more than 50 million expected arrivals in all: split the run");
  }

  std::int64_t agents = 0;
  for (std::size_t g = 0; g < c.agents.size(); ++g) {
    const AgentGroup& ag = c.agents[g];
    const std::string at = At("agents", g);
    if (ag.group.empty()) return InvalidField(at + ".group", "must not be empty");
    if (ag.skills.size() > static_cast<std::size_t>(kMaxSkillsPerAgent)) {
      return InvalidField(at + ".skills", "at most " + std::to_string(kMaxSkillsPerAgent) + " skills");
    }
    for (std::size_t i = 0; i < ag.skills.size(); ++i) {
      if (ag.skills[i].skill.empty()) return InvalidField(At(at + ".skills", i) + ".skill", "must name a skill");
      if (ag.skills[i].level < kMinProficiency || ag.skills[i].level > kMaxProficiency) {
        return InvalidField(At(at + ".skills", i) + ".level", "must be 1 to 5");
      }
      for (std::size_t j = 0; j < i; ++j) {
        if (ag.skills[j].skill == ag.skills[i].skill) {
          return InvalidField(At(at + ".skills", i) + ".skill", "skill listed twice");
        }
      }
    }
    if (ag.languages.empty()) return InvalidField(at + ".languages", "at least one language");
    for (std::size_t i = 0; i < ag.languages.size(); ++i) {
      if (!ValidLanguage(ag.languages[i])) return InvalidField(At(at + ".languages", i), "must be en or es");
    }
    if (ag.capacity.voice < 0 || ag.capacity.voice > 1) return InvalidField(at + ".capacity.voice", "must be 0 or 1");
    if (ag.capacity.chat < 0 || ag.capacity.chat > kMaxChannelCapacity) {
      return InvalidField(at + ".capacity.chat", "must be 0 to " + std::to_string(kMaxChannelCapacity));
    }
    if (ag.capacity.message < 0 || ag.capacity.message > kMaxChannelCapacity) {
      return InvalidField(at + ".capacity.message", "must be 0 to " + std::to_string(kMaxChannelCapacity));
    }
    if (!ag.on_shift.empty() && !ag.shifts.empty()) {
      return InvalidField(at + ".on_shift", "and shifts are both given: use one of them");
    }
    if (ag.on_shift.empty() && ag.shifts.empty()) {
      return InvalidField(at + ".on_shift", "(agents per interval) or shifts is required");
    }
    if (!ag.on_shift.empty()) {
      if (ag.on_shift.size() != static_cast<std::size_t>(d.intervals)) {
        return InvalidField(at + ".on_shift", "must have one value per interval (" + std::to_string(d.intervals) +
                                                  "), has " + std::to_string(ag.on_shift.size()));
      }
      int most = 0;
      for (std::size_t i = 0; i < ag.on_shift.size(); ++i) {
        if (ag.on_shift[i] < 0 || ag.on_shift[i] > kMaxAgents) {
          return InvalidField(At(at + ".on_shift", i), "must be 0 to " + std::to_string(kMaxAgents));
        }
        most = std::max(most, ag.on_shift[i]);
      }
      agents += most;
    }
    for (std::size_t i = 0; i < ag.shifts.size(); ++i) {
      const Shift& s = ag.shifts[i];
      const std::string sat = At(at + ".shifts", i);
      if (s.start_minute < 0 || s.start_minute > 7 * 1440) return InvalidField(sat + ".start", "out of range");
      if (s.end_minute <= s.start_minute || s.end_minute > 8 * 1440) {
        return InvalidField(sat + ".end", "must be after start (and within a week)");
      }
      if (s.count < 0 || s.count > kMaxAgents) {
        return InvalidField(sat + ".count", "must be 0 to " + std::to_string(kMaxAgents));
      }
      agents += s.count;
    }
    if (agents > kMaxAgents) return InvalidField(at, "more than " + std::to_string(kMaxAgents) + " agents in all");
  }
  return OkStatus();
}

Result<SimResult> Simulate(const DayConfig& config, std::uint64_t seed, const std::function<void(double)>& progress) {
  RXD_TRY(ValidateDayConfig(config));
  Run run(config, seed, progress);
  return run.Go();
}

}  // namespace rxdesk::sim
