// The live contact center (services/contact_center.h) over the ACD engine
// (domain/acd.h): queues from [contact_center], agents (users with role agent or
// pharmacist) with skills, languages and capacities, their states, callbacks and
// the KPIs of PRODUCT.md §9 (domain/kpi.h).
//
//   RXD_ASSIGN_OR_RETURN(auto cc, ContactCenterService::Create(store, clock, zone, config.contact_center));
//   cc->OnAssigned([](const AssignedContact& a) { Notify(a.agent_user_id, a.contact_id); });
//   RXD_TRY(cc->SetMyState(agent_caller, Presence::kAvailable, "login"));
//   RXD_ASSIGN_OR_RETURN(Arrived a, cc->Arrive({.queue = "refills_delivery"}));   // the agent gets it
//   RXD_TRY(cc->Finish(agent_caller, a.contact.id));                             // wrap-up starts
//   KpiSnapshot live = cc->Now();                                                  // today so far
//
// Persistence and restart. Every input the ACD receives (presence, arrival,
// end, abandonment, wrap-up finished, agent profile) is appended to cc_inputs
// with its instant, in the same transaction as what it produced: the routing
// record of the contact (cc_routing, contacts.agent_id), the agents' state
// history (cc_agent_states) and the audit entries. The ACD is deterministic,
// so Create() rebuilds the same waiting contacts (same order), agent states and
// assignments by replaying the inputs from the earliest contact still live,
// then processes the deadlines that passed while the server was down. If a write
// fails, memory is rebuilt from the store, so it never runs ahead of it.
// A waiting call turned into a callback (TurnIntoCallback) changes no ACD input:
// its routing record's callback is 2 (1: arrived as a callback), and replay
// enqueues it as the call it was, so it keeps its place.
// Queue settings are read at start: a restart with changed queue settings
// replays the live contacts under the new ones.
//
// Threads: every method is thread-safe. One mutex guards the ACD; store writes
// happen under it (routing decisions are then persisted in the order made);
// OnAssigned listeners run after the write, outside the lock. A timer thread
// (unless options.timer is false) processes wrap-up ends and overflows at their
// deadlines; tests call Tick() instead. One node routes: the ids of inputs and
// states are counted in this process.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "domain/clock.h"
#include "domain/expected_wait.h"
#include "domain/zone.h"
#include "services/caller.h"
#include "services/contact_center.h"
#include "services/contact_center_kpis.h"
#include "store/store.h"

namespace rxdesk {

// One queue (config [contact_center.<id>]). Skills are "name:minimum", e.g. "refills:2".
struct CcQueueConfig {
  std::string id;
  std::vector<std::string> skills;
  std::string language = "en";  // for contacts that name none
  std::vector<std::string> overflow_skills;
  int overflow_after_s = 60;
  int wrap_up_s = 30;
  int priority_normal = 0;
  int priority_tty = 3;
  int priority_callback = 2;
  int priority_spanish = 1;
};

// (config) The main line's six queues (API.md Voice), then specialty, retail,
// TTY, chat and secure messages. Each requires its own skill at 1 and overflows
// to "general" after 60 s; clinical_pharmacist and secure_message require
// "clinical" at 3 and do not overflow (pharmacists only).
std::vector<CcQueueConfig> DefaultContactCenterQueues();

struct ContactCenterConfig {
  std::vector<CcQueueConfig> queues = DefaultContactCenterQueues();
  // (config) The profile of an agent or pharmacist no supervisor has set yet.
  std::vector<std::string> agent_skills = {"general:3",   "refills:3",       "billing:3", "medicare:3", "retail:3",
                                           "specialty:3", "international:3", "tty:3",     "chat:3"};
  std::vector<std::string> pharmacist_skills = {"general:3",   "refills:3",  "billing:3", "medicare:3",
                                                "specialty:3", "clinical:4", "chat:3"};
  std::vector<std::string> languages = {"en"};
  int capacity_voice = 1;
  int capacity_chat = 3;
  int capacity_message = 5;
  // (config) Expected wait (domain/expected_wait.h): the AHT assumed without
  // history, the announcement's cap, and how far back "recent" AHT reaches.
  int default_aht_s = 360;
  int max_expected_wait_s = 4 * 3600;
  int aht_window_minutes = 120;
  KpiTargets targets;
};

// Checks names, proficiencies, languages, priorities and times. Refusal:
// config_invalid naming the key, e.g. "contact_center.billing_insurance.skills".
Status ValidateContactCenterConfig(const ContactCenterConfig& config);

struct AgentProfile {
  std::vector<std::pair<std::string, int>> skills;  // name, proficiency 1–5
  std::vector<Language> languages;
  AgentCapacity capacity;
};

struct AgentView {
  std::string user_id;
  std::string username;
  std::string role;
  AgentState state = AgentState::kOffline;
  std::string reason;
  std::string since;  // RFC 3339; "" when never seen
  AgentProfile profile;
  std::vector<std::string> live_contacts;  // contact ids assigned and not finished
};

struct LiveContactView {
  std::string contact_id;
  std::string reference;
  std::string channel;  // call | chat | message
  std::string queue;
  std::string language;
  bool callback = false;
  std::string assigned_at;
};

struct QueueView {
  std::string id;
  int waiting = 0;
  std::int64_t longest_wait_s = 0;
  std::map<std::string, int> agents;  // eligible agents by state name
};

struct ContactCenterOptions {
  bool timer = true;  // false: the caller calls Tick() (tests with a manual clock)
};

class ContactCenterService final : public ContactCenter {
 public:
  // Validates the config, loads the state from the store and starts the timer.
  // Refusal: config_invalid; the store's errors.
  static Result<std::unique_ptr<ContactCenterService>> Create(Store& store, const Clock& clock, const Zone& zone,
                                                              ContactCenterConfig config,
                                                              ContactCenterOptions options = {});
  ~ContactCenterService() override;

  // ContactCenter (services/contact_center.h).
  Result<Contact> OpenSelfService(const std::string& channel, const std::optional<std::string>& member_id) override;
  Result<Arrived> Arrive(const Arrival& arrival) override;
  Result<Arrived> Where(const std::string& contact_id) override;
  Status Abandon(const std::string& contact_id) override;
  Status TurnIntoCallback(const std::string& contact_id) override;
  Status Finish(const std::string& contact_id) override;
  void OnAssigned(std::function<void(const AssignedContact&)> listener) override;

  // The holder ends its live contact (wrap-up starts). Refusal: not_found (no
  // such contact, or not the caller's); conflict (still waiting, or finished).
  Status Finish(const Caller& caller, const std::string& contact_id);
  // A callback for the member: the caller's own (member) or the verified
  // caller's of the contact named in X-Contact-Id (agent, pharmacist). Refusal:
  // invalid_request naming "queue"; verification_required (403).
  Result<Arrived> RequestCallback(const Caller& caller, const std::string& queue, Language language);

  // The calling agent's view; it joins the ACD (offline) on first use.
  // Refusal: forbidden when the caller is not an agent or pharmacist.
  Result<AgentView> Me(const Caller& caller);
  // available | break | offline with a reason (≤ 64 printable characters, no PHI).
  // Break or offline while busy takes effect after the last contact's wrap-up.
  Result<AgentView> SetMyState(const Caller& caller, Presence presence, const std::string& reason);
  Result<AgentView> FinishMyWrapUp(const Caller& caller);
  Result<std::vector<LiveContactView>> MyContacts(const Caller& caller);

  // Every agent and pharmacist (supervisors).
  Result<std::vector<AgentView>> Agents();
  // Sets an agent's skills, languages and capacity (supervisor, admin). Refusal:
  // not_found (no agent or pharmacist with that id); conflict (not offline, or
  // still holding contacts or wrap-ups); invalid_request naming the field.
  Result<AgentView> UpdateAgent(const Caller& caller, const std::string& user_id, const AgentProfile& profile);

  std::vector<QueueView> Queues();

  // KPIs over a window, as of now. Refusal: invalid_request naming "from", "to",
  // "queue" or "interval" (window over 31 days or more than 2,000 intervals).
  Result<KpiSnapshot> Kpis(const KpiQuery& query);
  // Today so far, per 30 minutes: what the supervisors' live feed pushes.
  KpiSnapshot Now();

  // Processes the deadlines due now (wrap-ups ending, overflows). The timer calls it.
  Status Tick();

  const ContactCenterConfig& config() const { return config_; }

 private:
  struct State;
  // One row of cc_inputs: what the ACD was told, replayed after a restart.
  struct Input {
    std::string kind;  // agent | presence | enqueue | end | abandon | finish_wrap_up | advance
    std::string user_id;
    std::string contact_id;
    std::string presence;
    std::string reason;  // presence: the agent's reason; agent: the encoded profile
  };
  using Notices = std::vector<AssignedContact>;

  ContactCenterService(Store& store, const Clock& clock, const Zone& zone, ContactCenterConfig config);
  void TimerLoop();
  void Notify(const Notices& notices);
  // The rest run under mu_.
  Status RebuildLocked();
  AcdInstant NowLocked();
  // Persists the input, what `before` writes and the outcome in one transaction,
  // then mirrors the outcome. On a failed write, memory is rebuilt from the store.
  Status CommitLocked(const Input* input, const AcdOutcome& out, const std::function<Status(WriteContext&)>& before,
                      Notices& notices);
  // The agent's user id once it is in the ACD (added offline on first use).
  Status EnsureAgentLocked(const std::string& user_id, Notices& notices);
  AgentView ViewLocked(const std::string& user_id);
  Result<Arrived> ArriveImpl(const Arrival& arrival, const Caller* caller);
  Result<Arrived> WhereLocked(const std::string& contact_id);
  Status FinishLocked(const std::string& contact_id, const Caller* caller, Notices& notices);

  Store& store_;
  const Clock& clock_;
  const Zone& zone_;
  ContactCenterConfig config_;
  std::unique_ptr<State> state_;  // guarded by mu_
  std::mutex mu_;
  std::mutex listeners_mu_;
  std::vector<std::function<void(const AssignedContact&)>> listeners_;  // guarded by listeners_mu_
  std::condition_variable timer_cv_;
  bool stopping_ = false;    // guarded by mu_
  bool rebuilding_ = false;  // guarded by mu_
  std::thread timer_;
};

}  // namespace rxdesk
