// The live contact center (PRODUCT.md §7–§9): queues from config, agents with
// skills, languages, capacities and states, and the ACD (domain/acd.h) routing
// every waiting call, chat and message to the best agent. Everything is kept in
// the store as it happens, so a restart rebuilds the same waiting contacts,
// agent states and assignments.
//
//   ContactCenter& cc = ...;                        // one per server
//   cc.OnAssigned([&](const AssignedContact& a) { NotifyAgentDesk(a); });
//   RXD_ASSIGN_OR_RETURN(Arrived a, cc.Arrive({.channel = "call", .queue = "refills_delivery",
//                                              .language = Language::kSpanish}));
//   Say("Your reference number is " + a.contact.reference);
//   if (a.position > 0) Say("You are number " + std::to_string(a.position) + " in line");
//   ...
//   RXD_TRY(cc.Abandon(a.contact.id));              // the caller hung up while waiting
//
// Contacts made here are ordinary contact records (services/contact_gate.h):
// the reference number is the member's; the assigned agent becomes the holder
// and verifies the caller as for any contact.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "domain/acd.h"
#include "domain/result.h"
#include "services/contact_gate.h"

namespace rxdesk {

struct Arrival {
  std::string channel = "call";  // call | chat | message
  std::string queue;             // a configured queue id, e.g. "refills_delivery"
  Language language = Language::kEnglish;
  bool tty = false;
  bool callback = false;                  // a callback the member asked for
  std::optional<std::string> member_id;   // known from the channel (e.g. a signed-in chat member), unverified
  std::optional<std::string> contact_id;  // route a contact opened by OpenSelfService instead of a new one
};

struct Arrived {
  Contact contact;                        // with its reference number
  int position = 0;                       // 1 = next; 0 = already with an agent
  std::chrono::seconds expected_wait{0};  // 0 when with an agent
};

struct AssignedContact {
  std::string contact_id;
  std::string agent_user_id;  // users.id of the agent
  std::string queue;
  std::string channel;
};

class ContactCenter {
 public:
  virtual ~ContactCenter() = default;
  // A contact no agent holds yet, for self-service first (IVR, portal): it has
  // its reference number at once and may be routed later with Arrive.
  virtual Result<Contact> OpenSelfService(const std::string& channel, const std::optional<std::string>& member_id) = 0;
  // A new contact arrives on a channel and waits in a queue (or goes to an
  // agent at once). Refusal: invalid_request naming the field (unknown queue or
  // channel).
  virtual Result<Arrived> Arrive(const Arrival& arrival) = 0;
  // Where a contact stands now. Refusal: not_found.
  virtual Result<Arrived> Where(const std::string& contact_id) = 0;
  // The member left while waiting (recorded as abandoned). Refusal: not_found;
  // conflict when already with an agent.
  virtual Status Abandon(const std::string& contact_id) = 0;
  // The caller waiting on the line asked to be called back instead (the IVR's
  // callback offer): the contact keeps its reference, its place in line and its
  // wait so far, and becomes a callback the agent who gets it dials out for. It
  // is not an abandonment: KPIs count it as offered and answered when an agent
  // takes it. Refusal: not_found; conflict when not waiting (with an agent,
  // ended or abandoned).
  virtual Status TurnIntoCallback(const std::string& contact_id) = 0;
  // The contact with an agent is over: the agent's wrap-up starts. Refusal:
  // not_found; conflict when still waiting.
  virtual Status Finish(const std::string& contact_id) = 0;
  // Called after an assignment is stored, outside any lock, on the thread that
  // caused it (an arrival, an agent going available, a timer).
  virtual void OnAssigned(std::function<void(const AssignedContact&)> listener) = 0;
};

}  // namespace rxdesk
