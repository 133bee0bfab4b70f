// The IVR engine (PRODUCT.md §7, API.md "Voice"): a flow of keypad menus read
// from config, run one call event at a time. Pure: whatever the call needs from
// the pharmacy (a place in a queue, a keypad verification, a refill, an order's
// status) it asks through IvrBackend, which the service implements on the store.
//
//   const IvrFlow flow = MainLineFlow();                        // or LoadIvrFlowFile(...) (infra/ivr_flow_file.h)
//   IvrCallState call;
//   std::vector<IvrAction> say = StartIvrCall(flow, {.reference = contact.reference}, call);
//   ... later, when the caller presses 1:
//   RXD_ASSIGN_OR_RETURN(say, StepIvrCall(flow, policy, call, {.type = IvrEventType::kDigits, .digits = "1"},
//   backend));
//   // say: {"say": "You are number 3 in line..."}, {"enqueue": {"queue": "refills_delivery", "lang": "en"}}
//
// The state is a small value the caller stores between events (a restart mid-call
// continues from it). Invalid or missing digits replay the question; the
// flow's max_failures-th failure in a row goes to its failure queue. A menu option
// may switch the rest of the call to Spanish ("9" on the main line).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/acd.h"
#include "domain/result.h"
#include "domain/time.h"
#include "domain/zone.h"

namespace rxdesk {

// A prompt in each language the IVR speaks.
struct IvrText {
  std::string en;
  std::string es;

  const std::string& In(Language language) const { return language == Language::kSpanish ? es : en; }
  bool operator==(const IvrText&) const = default;
};

enum class IvrOptionKind : std::uint8_t { kEnqueue, kGoto, kLanguage, kSelfService };

// One key of a menu: "1" -> enqueue "refills_delivery", "6" -> goto "self_service",
// "9" -> language "es", or a self-service step "refill" | "order_status".
struct IvrOption {
  std::string digit;  // one of 0-9, * or #
  IvrOptionKind kind = IvrOptionKind::kEnqueue;
  std::string target;  // queue id, menu id, language code or self-service step

  bool operator==(const IvrOption&) const = default;
};

struct IvrMenu {
  std::string id;
  IvrText prompt;
  std::vector<IvrOption> options;

  bool operator==(const IvrMenu&) const = default;
};

struct IvrFlow {
  std::string start = "main";  // the first menu
  int max_failures = 3;        // PRODUCT.md §7: "repeated up to 3 times, then a representative"
  int gather_timeout_s = 5;    // seconds the provider waits for a key
  std::string failure_queue = "representative";
  std::vector<IvrMenu> menus;
  std::map<std::string, IvrText> messages;  // the engine's own sentences, by IvrMessageKeys()

  const IvrMenu* Menu(std::string_view id) const;
  bool operator==(const IvrFlow&) const = default;
};

// The sentences every flow must give in both languages, with their placeholders
// ({reference}, {position}, {minutes}, {opens}, {date}, {earliest}, {latest}, {status}).
const std::vector<std::string>& IvrMessageKeys();

// Checks a flow: the start menu exists, every goto names a menu, digits are single
// keys and unique per menu, targets are known steps or languages, every prompt and
// message has both languages, numbers in range. Refusal: invalid_request naming
// the part ("menus.main.options[2]", "messages.welcome.es").
Status ValidateIvrFlow(const IvrFlow& flow);

// The main line's menu of API.md / PRODUCT.md §7 in English and Spanish: the
// compiled-in default, equal to docs/examples/ivr-main.toml.
const IvrFlow& MainLineFlow();

struct IvrAction {
  enum class Kind : std::uint8_t { kSay, kGather, kEnqueue, kTransfer, kHangup };
  Kind kind = Kind::kSay;
  std::string text;                        // say
  Language language = Language::kEnglish;  // say, enqueue
  int max_digits = 0;                      // gather
  int timeout_s = 0;                       // gather
  std::string queue;                       // enqueue
  std::string number;                      // transfer

  bool operator==(const IvrAction&) const = default;
};

// Where a call stands between events (persisted by the caller).
struct IvrCallState {
  std::string node;  // a menu id, or one of the kIvr* steps below
  Language language = Language::kEnglish;
  int failures = 0;             // in a row, at the current question
  std::string member_number;    // typed, waiting for the date of birth (PHI: keep sealed)
  std::string member_id;        // verified by keypad during this call
  std::string pending_service;  // "refill" | "order_status", run once verified
  std::string queue;            // the queue the caller waits in

  bool operator==(const IvrCallState&) const = default;
};

inline constexpr std::string_view kIvrVerifyMember = "@verify_member";
inline constexpr std::string_view kIvrVerifyBirthDate = "@verify_dob";
inline constexpr std::string_view kIvrRefillRx = "@refill_rx";
inline constexpr std::string_view kIvrCallbackOffer = "@callback_offer";
inline constexpr std::string_view kIvrWaiting = "@waiting";
inline constexpr std::string_view kIvrEnded = "@ended";

struct IvrQueued {
  int position = 0;  // 1 = next; 0 = an agent takes the call now
  std::chrono::seconds expected_wait{0};
};

struct IvrRefillOutcome {
  bool placed = false;
  std::string reference;  // the order's reference, when placed
  Date eta_earliest{};
  Date eta_latest{};
  std::string refusal;                // the eligibility code (PRODUCT.md §2) or "not_found", when refused
  std::optional<Date> next_eligible;  // too_soon
};

struct IvrOrderStatus {
  std::string reference;
  std::string status;  // domain/order.h's name, e.g. "shipped"
  Date eta_earliest{};
  Date eta_latest{};
};

// What a call asks of the pharmacy. Each call's backend knows its contact.
class IvrBackend {
 public:
  virtual ~IvrBackend() = default;
  // Puts the call's contact in `queue` (the ACD's Arrive).
  virtual Result<IvrQueued> Enqueue(const std::string& queue, Language language) = 0;
  // The caller chose a callback instead of waiting in `queue`.
  virtual Status RequestCallback(const std::string& queue, Language language) = 0;
  // The member with this member number and date of birth, or nullopt (audited either way).
  virtual Result<std::optional<std::string>> VerifyMember(const std::string& member_number, Date date_of_birth) = 0;
  // A refill of `rx_number` for the verified member.
  virtual Result<IvrRefillOutcome> Refill(const std::string& member_id, const std::string& rx_number) = 0;
  // The member's latest order, or nullopt.
  virtual Result<std::optional<IvrOrderStatus>> LatestOrder(const std::string& member_id) = 0;
  // The caller hung up while waiting in a queue.
  virtual Status Abandon() = 0;
};

struct IvrPolicy {
  std::chrono::seconds callback_offer_after{300};  // [voice] callback_offer_after_s (config)
};

struct IvrCallStart {
  std::string reference;                  // the call's contact reference, read back digit by digit
  bool open = true;                       // the line is staffed now
  std::optional<LocalDateTime> opens_at;  // closed: when it opens, on the operator's wall clock
  bool offer_secure_message = false;      // closed: tell the caller about secure messages
};

// The first actions of a call and its initial state. A closed line says so (and
// when it opens), offers a secure message if configured, reads the reference and hangs up.
std::vector<IvrAction> StartIvrCall(const IvrFlow& flow, const IvrCallStart& start, IvrCallState& state);

enum class IvrEventType : std::uint8_t { kDigits, kTimeout, kHangup };

struct IvrEvent {
  IvrEventType type = IvrEventType::kDigits;
  std::string digits;  // 0-9, * and #
};

// Runs one event. Refusal: conflict when the call has ended; the backend's errors.
Result<std::vector<IvrAction>> StepIvrCall(const IvrFlow& flow, const IvrPolicy& policy, IvrCallState& state,
                                           const IvrEvent& event, IvrBackend& backend);

// A reference read character by character, groups separated by a pause:
// "RX-261123-4F7KQ2-8" -> "R X, 2 6 1 1 2 3, 4 F 7 K Q 2, 8". The check
// character may be one of * ~ $ = (domain/reference_number.h): those are said
// as words in the call's language ("star" / "asterisco").
std::string SpellOut(std::string_view reference, Language language = Language::kEnglish);
// "Monday, March 9" / "lunes 9 de marzo".
std::string SpeakDate(Date date, Language language);
// "Monday at 8:00 AM" / "el lunes a las 8:00".
std::string SpeakOpening(LocalDateTime at, Language language);

}  // namespace rxdesk
