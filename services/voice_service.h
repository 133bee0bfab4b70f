// The IVR behind the signed voice webhook (API.md "Voice"): each call runs the
// flow of the line it reached (domain/ivr.h), its state kept in the store so a
// restart mid-call continues where the caller was.
//
//   RXD_ASSIGN_OR_RETURN(auto voice, VoiceService::Create({...}));
//   if (!voice->SignatureValid(request.body, request.Header("x-rxdesk-signature"))) return 401;
//   RXD_ASSIGN_OR_RETURN(auto actions, voice->StartCall({.call_sid = sid, .to = to, .from = from}));
//   RXD_ASSIGN_OR_RETURN(actions, voice->OnEvent(sid, {.type = IvrEventType::kDigits, .digits = "1"}, request_id));
//
// Every call gets a contact (ContactCenter::OpenSelfService) whose reference is
// read back; a menu's enqueue goes through ContactCenter::Arrive with that contact;
// a hang-up while waiting is ContactCenter::Abandon. Keypad self-service acts as
// the verified member, each PHI access audited with purpose "contact:<id>".
// Thread-safe; two events of one call at once: one wins, the other is a conflict.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/ivr.h"
#include "services/channels.h"
#include "services/contact_center.h"
#include "services/member_service.h"
#include "services/order_service.h"
#include "services/phi_vault.h"
#include "store/store.h"

namespace rxdesk {

// [voice]
struct VoiceConfig {
  std::string webhook_secret;        // HMAC-SHA256 key of X-Rxdesk-Signature; "" = voice off (every request 401)
  int callback_offer_after_s = 300;  // offer a callback when the expected wait is longer (PRODUCT.md §7, config)
};

struct VoiceCallStart {
  std::string call_sid;  // the provider's id: 1-64 of A-Z a-z 0-9 _ -
  std::string to;        // the number dialed: picks the line
  std::string from;      // the caller's number (PHI: stored sealed)
  std::string request_id;
};

class VoiceService {
 public:
  struct Deps {
    Store& store;
    const PhiVault& vault;
    const Clock& clock;
    const Zone& zone;
    const ChannelDirectory& channels;
    ContactCenter& contact_center;
    const MemberService& members;
    OrderService& orders;
    VoiceConfig config;
  };

  // Loads each phone line's flow (its ivr_flow file, else MainLineFlow()).
  // Refusal: config_invalid naming the file and the broken part.
  static Result<std::unique_ptr<VoiceService>> Create(Deps deps);

  // Whether voice is on (a webhook secret is configured).
  bool enabled() const { return !deps_.config.webhook_secret.empty(); }
  // `header` is "sha256=<hex HMAC-SHA256 of body>" under the webhook secret
  // (compared in constant time). Always false while voice is off.
  bool SignatureValid(std::string_view body, std::string_view header) const;

  // A new call: a contact, the line's greeting or its closed message.
  // Refusal: invalid_request naming the field (call_sid, to, from); not_found
  // (field "to") when no line has that number; conflict for a call_sid already seen.
  Result<std::vector<IvrAction>> StartCall(const VoiceCallStart& start);
  // The next event of a call. Refusal: not_found for an unknown call_sid;
  // conflict when the call has ended or another event of it won a race.
  Result<std::vector<IvrAction>> OnEvent(const std::string& call_sid, const IvrEvent& event,
                                         const std::string& request_id);
  // The same, without waiting for the call's new state to commit: `done` gets the
  // outcome once it did (on the store's writer thread), or at once on a refusal
  // found before. What the flow itself does (enqueue, verify, refill) still waits.
  using EventDone = std::function<void(Result<std::vector<IvrAction>>)>;
  void OnEventAsync(const std::string& call_sid, const IvrEvent& event, const std::string& request_id,
                    EventDone done);

  const IvrFlow& FlowOf(const std::string& line) const;

 private:
  class CallBackend;
  struct EventStep;
  // Runs the flow for one event and returns the write that stores the call's new state.
  Result<EventStep> StepEvent(const std::string& call_sid, const IvrEvent& event, const std::string& request_id);
  explicit VoiceService(Deps deps, std::map<std::string, IvrFlow> flows)
      : deps_(std::move(deps)), flows_(std::move(flows)) {}

  Deps deps_;
  std::map<std::string, IvrFlow> flows_;  // by line id
};

// True for a provider call id: 1-64 characters of A-Z a-z 0-9 _ -.
bool IsCallSid(std::string_view sid);

}  // namespace rxdesk
