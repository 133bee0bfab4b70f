#include "domain/ivr.h"

#include <algorithm>
#include <array>
#include <functional>
#include <set>

#include "domain/member_number.h"
#include "domain/rx_number.h"

namespace rxdesk {
namespace {

using Kind = IvrAction::Kind;
using Actions = std::vector<IvrAction>;

constexpr std::string_view kSelfServiceSteps[] = {"refill", "order_status"};

IvrAction Say(std::string text, Language language) {
  return {.kind = Kind::kSay, .text = std::move(text), .language = language};
}
IvrAction Gather(int max_digits, int timeout_s) {
  return {.kind = Kind::kGather, .max_digits = max_digits, .timeout_s = timeout_s};
}
IvrAction Enqueue(std::string queue, Language language) {
  return {.kind = Kind::kEnqueue, .language = language, .queue = std::move(queue)};
}
IvrAction Hangup() { return {.kind = Kind::kHangup}; }

// The message `key` in the call's language with {name} placeholders filled in.
std::string Message(const IvrFlow& flow, std::string_view key, Language language,
                    std::initializer_list<std::pair<std::string_view, std::string>> values = {}) {
  const auto it = flow.messages.find(std::string(key));
  std::string text = it == flow.messages.end() ? std::string() : it->second.In(language);
  for (const auto& [name, value] : values) {
    const std::string placeholder = "{" + std::string(name) + "}";
    for (std::size_t pos = text.find(placeholder); pos != std::string::npos;
         pos = text.find(placeholder, pos + value.size())) {
      text.replace(pos, placeholder.size(), value);
    }
  }
  return text;
}

// One call event being answered: the flow, the state and the actions so far.
class Turn {
 public:
  Turn(const IvrFlow& flow, const IvrPolicy& policy, IvrCallState& state, IvrBackend& backend)
      : flow_(flow), policy_(policy), state_(state), backend_(backend) {}

  Result<Actions> Run(const IvrEvent& event);

 private:
  void Say(std::string_view key, std::initializer_list<std::pair<std::string_view, std::string>> values = {}) {
    actions_.push_back(rxdesk::Say(Message(flow_, key, state_.language, values), state_.language));
  }
  void Ask(std::string_view node, std::string_view key, int max_digits) {
    state_.node = std::string(node);
    Say(key);
    actions_.push_back(Gather(max_digits, flow_.gather_timeout_s));
  }
  void PlayMenu(const std::string& id) {
    const IvrMenu* menu = flow_.Menu(id);
    if (menu == nullptr) menu = flow_.Menu(flow_.start);
    state_.node = menu->id;
    actions_.push_back(rxdesk::Say(menu->prompt.In(state_.language), state_.language));
    actions_.push_back(Gather(1, flow_.gather_timeout_s));
  }
  // An invalid or missing answer: say why and ask again, or hand over at the limit.
  Status Fail(std::string_view why, const std::function<void()>& ask_again) {
    if (++state_.failures >= flow_.max_failures) {
      state_.failures = 0;
      state_.member_number.clear();
      Say("representative");
      return EnqueueIn(flow_.failure_queue);
    }
    Say(why);
    ask_again();
    return OkStatus();
  }
  Status EnqueueIn(const std::string& queue);
  Status Choose(const IvrMenu& menu, const IvrEvent& event);
  Status RunService();
  Status MemberNumber(const IvrEvent& event);
  Status BirthDate(const IvrEvent& event);
  Status RefillRx(const IvrEvent& event);
  Status CallbackOffer(const IvrEvent& event);

  const IvrFlow& flow_;
  const IvrPolicy& policy_;
  IvrCallState& state_;
  IvrBackend& backend_;
  Actions actions_;
};

Status Turn::EnqueueIn(const std::string& queue) {
  RXD_ASSIGN_OR_RETURN(IvrQueued queued, backend_.Enqueue(queue, state_.language));
  state_.queue = queue;
  state_.failures = 0;
  if (queued.position <= 0) {
    Say("agent_now");
  } else {
    const auto minutes = std::max<std::int64_t>(1, (queued.expected_wait.count() + 59) / 60);
    Say("position", {{"position", std::to_string(queued.position)}, {"minutes", std::to_string(minutes)}});
    if (queued.expected_wait > policy_.callback_offer_after) {
      Ask(kIvrCallbackOffer, "callback_offer", 1);
      return OkStatus();
    }
  }
  state_.node = std::string(kIvrWaiting);
  actions_.push_back(Enqueue(queue, state_.language));
  return OkStatus();
}

Status Turn::Choose(const IvrMenu& menu, const IvrEvent& event) {
  const auto again = [&] { PlayMenu(menu.id); };
  if (event.type == IvrEventType::kTimeout || event.digits.empty()) return Fail("no_input", again);
  const std::string key = event.digits.substr(0, 1);
  const auto option =
      std::find_if(menu.options.begin(), menu.options.end(), [&](const IvrOption& o) { return o.digit == key; });
  if (option == menu.options.end()) return Fail("invalid", again);
  state_.failures = 0;
  switch (option->kind) {
    case IvrOptionKind::kEnqueue:
      return EnqueueIn(option->target);
    case IvrOptionKind::kGoto:
      PlayMenu(option->target);
      return OkStatus();
    case IvrOptionKind::kLanguage:
      state_.language = option->target == "es" ? Language::kSpanish : Language::kEnglish;
      PlayMenu(flow_.start);
      return OkStatus();
    case IvrOptionKind::kSelfService:
      state_.pending_service = option->target;
      if (!state_.member_id.empty()) return RunService();
      Ask(kIvrVerifyMember, "verify_member", 9);
      return OkStatus();
  }
  return OkStatus();
}

Status Turn::RunService() {
  if (state_.pending_service == "refill") {
    Ask(kIvrRefillRx, "refill_rx", 8);
    return OkStatus();
  }
  RXD_ASSIGN_OR_RETURN(std::optional<IvrOrderStatus> order, backend_.LatestOrder(state_.member_id));
  if (!order) {
    Say("no_orders");
  } else {
    Say("order_status", {{"reference", SpellOut(order->reference, state_.language)},
                         {"status", Message(flow_, "status_" + order->status, state_.language)},
                         {"earliest", SpeakDate(order->eta_earliest, state_.language)},
                         {"latest", SpeakDate(order->eta_latest, state_.language)}});
  }
  state_.pending_service.clear();
  PlayMenu(flow_.start);
  return OkStatus();
}

// Keys typed for a question, without the '#' that ends them.
std::string Typed(const IvrEvent& event) {
  std::string digits = event.digits;
  if (!digits.empty() && digits.back() == '#') digits.pop_back();
  return digits;
}

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status Turn::MemberNumber(const IvrEvent& event) {
  const auto again = [&] { Ask(kIvrVerifyMember, "verify_member", 9); };
  if (event.type == IvrEventType::kTimeout) return Fail("no_input", again);
  const std::string digits = Typed(event);
  Result<std::string> number = ParseMemberNumber("M" + digits);
  if (digits.size() != 9 || !AllDigits(digits) || !number.ok()) return Fail("verify_failed", again);
  state_.member_number = *number;  // failures still count: verification is one question in two parts
  Ask(kIvrVerifyBirthDate, "verify_dob", 8);
  return OkStatus();
}

Status Turn::BirthDate(const IvrEvent& event) {
  const auto again = [&] { Ask(kIvrVerifyMember, "verify_member", 9); };
  if (event.type == IvrEventType::kTimeout) {
    return Fail("no_input", [&] { Ask(kIvrVerifyBirthDate, "verify_dob", 8); });
  }
  const std::string digits = Typed(event);  // MMDDYYYY
  Result<Date> dob = digits.size() == 8 && AllDigits(digits)
                         ? ParseDate(digits.substr(4, 4) + "-" + digits.substr(0, 2) + "-" + digits.substr(2, 2))
                         : Result<Date>(InvalidField("date_of_birth", "MMDDYYYY"));
  std::optional<std::string> member;
  if (dob.ok()) {
    RXD_ASSIGN_OR_RETURN(member, backend_.VerifyMember(state_.member_number, *dob));
  }
  state_.member_number.clear();
  // The same answer whichever fact was wrong, and both asked again.
  if (!member) return Fail("verify_failed", again);
  state_.member_id = *member;
  state_.failures = 0;
  Say("verified");
  return RunService();
}

Status Turn::RefillRx(const IvrEvent& event) {
  const auto again = [&] { Ask(kIvrRefillRx, "refill_rx", 8); };
  if (event.type == IvrEventType::kTimeout) return Fail("no_input", again);
  Result<RxNumber> rx = RxNumber::Parse(Typed(event));
  if (!rx.ok()) return Fail("refill_not_found", again);
  RXD_ASSIGN_OR_RETURN(IvrRefillOutcome outcome, backend_.Refill(state_.member_id, rx->str()));
  if (!outcome.placed && outcome.refusal == "not_found") return Fail("refill_not_found", again);
  state_.failures = 0;
  if (outcome.placed) {
    Say("refill_placed", {{"reference", SpellOut(outcome.reference, state_.language)},
                          {"earliest", SpeakDate(outcome.eta_earliest, state_.language)},
                          {"latest", SpeakDate(outcome.eta_latest, state_.language)}});
  } else if (outcome.refusal == "too_soon" && outcome.next_eligible) {
    Say("refill_too_soon", {{"date", SpeakDate(*outcome.next_eligible, state_.language)}});
  } else {
    Say("refill_refused");
  }
  state_.pending_service.clear();
  PlayMenu(flow_.start);
  return OkStatus();
}

Status Turn::CallbackOffer(const IvrEvent& event) {
  if (event.type == IvrEventType::kDigits && Typed(event) == "1") {
    RXD_TRY(backend_.RequestCallback(state_.queue, state_.language));
    Say("callback_booked");
    actions_.push_back(Hangup());
    state_.node = std::string(kIvrEnded);
    return OkStatus();
  }
  // Anything else keeps the caller's place in the queue.
  state_.node = std::string(kIvrWaiting);
  actions_.push_back(Enqueue(state_.queue, state_.language));
  return OkStatus();
}

Result<Actions> Turn::Run(const IvrEvent& event) {
  const std::string& node = state_.node;
  if (node == kIvrEnded) {
    if (event.type == IvrEventType::kHangup) return Actions{};  // a repeated hangup changes nothing
    return MakeError("conflict", "the call has ended");
  }
  if (event.type == IvrEventType::kHangup) {
    // Left while waiting (or while deciding on a callback): the place in the queue is abandoned.
    if (node == kIvrWaiting || node == kIvrCallbackOffer) RXD_TRY(backend_.Abandon());
    state_.node = std::string(kIvrEnded);
    state_.member_number.clear();
    return Actions{};
  }
  if (node == kIvrWaiting) return Actions{};  // keys pressed on hold do nothing
  Status s = OkStatus();
  if (node == kIvrVerifyMember) {
    s = MemberNumber(event);
  } else if (node == kIvrVerifyBirthDate) {
    s = BirthDate(event);
  } else if (node == kIvrRefillRx) {
    s = RefillRx(event);
  } else if (node == kIvrCallbackOffer) {
    s = CallbackOffer(event);
  } else {
    const IvrMenu* menu = flow_.Menu(node);
    if (menu == nullptr) menu = flow_.Menu(flow_.start);  // the flow changed under a live call
    s = Choose(*menu, event);
  }
  if (!s.ok()) return std::move(s).error();
  return std::move(actions_);
}

constexpr std::array<std::string_view, 7> kWeekdaysEn = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                         "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 7> kWeekdaysEs = {"domingo", "lunes",   "martes", "miércoles",
                                                         "jueves",  "viernes", "sábado"};
constexpr std::array<std::string_view, 12> kMonthsEn = {"January",   "February", "March",    "April",
                                                        "May",       "June",     "July",     "August",
                                                        "September", "October",  "November", "December"};
constexpr std::array<std::string_view, 12> kMonthsEs = {"enero",      "febrero", "marzo",     "abril",
                                                        "mayo",       "junio",   "julio",     "agosto",
                                                        "septiembre", "octubre", "noviembre", "diciembre"};

bool IsKey(std::string_view d) { return d.size() == 1 && ((d[0] >= '0' && d[0] <= '9') || d[0] == '*' || d[0] == '#'); }

}  // namespace

const IvrMenu* IvrFlow::Menu(std::string_view id) const {
  for (const IvrMenu& m : menus) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

Status ValidateIvrFlow(const IvrFlow& flow) {
  if (flow.Menu(flow.start) == nullptr) return InvalidField("start", "must name a menu");
  if (flow.max_failures < 1 || flow.max_failures > 10) return InvalidField("max_failures", "must be 1-10");
  if (flow.gather_timeout_s < 1 || flow.gather_timeout_s > 60) return InvalidField("gather_timeout_s", "must be 1-60");
  if (flow.failure_queue.empty() || flow.failure_queue.size() > 64) {
    return InvalidField("failure_queue", "must name a queue");
  }
  std::set<std::string> ids;
  for (const IvrMenu& m : flow.menus) {
    if (m.id.empty() || m.id.front() == '@' || !ids.insert(m.id).second) {
      return InvalidField("menus." + m.id, "must have a unique id");
    }
  }
  for (const IvrMenu& m : flow.menus) {
    const std::string at = "menus." + m.id;
    if (m.prompt.en.empty()) return InvalidField(at + ".en", "must not be empty");
    if (m.prompt.es.empty()) return InvalidField(at + ".es", "must not be empty");
    if (m.options.empty()) return InvalidField(at + ".options", "must offer at least one key");
    std::set<std::string> digits;
    for (std::size_t i = 0; i < m.options.size(); ++i) {
      const IvrOption& o = m.options[i];
      const std::string oat = at + ".options[" + std::to_string(i) + "]";
      if (!IsKey(o.digit)) return InvalidField(oat + ".digit", "must be one key: 0-9, * or #");
      if (!digits.insert(o.digit).second) return InvalidField(oat + ".digit", "is used twice in this menu");
      switch (o.kind) {
        case IvrOptionKind::kEnqueue:
          if (o.target.empty() || o.target.size() > 64) return InvalidField(oat + ".enqueue", "must name a queue");
          break;
        case IvrOptionKind::kGoto:
          if (flow.Menu(o.target) == nullptr) return InvalidField(oat + ".goto", "must name a menu");
          break;
        case IvrOptionKind::kLanguage:
          if (o.target != "en" && o.target != "es") return InvalidField(oat + ".language", "must be en or es");
          break;
        case IvrOptionKind::kSelfService:
          if (std::find(std::begin(kSelfServiceSteps), std::end(kSelfServiceSteps), o.target) ==
              std::end(kSelfServiceSteps)) {
            return InvalidField(oat + ".self_service", "must be refill or order_status");
          }
          break;
      }
    }
  }
  for (const std::string& key : IvrMessageKeys()) {
    const auto it = flow.messages.find(key);
    if (it == flow.messages.end() || it->second.en.empty())
      return InvalidField("messages." + key + ".en", "is required");
    if (it->second.es.empty()) return InvalidField("messages." + key + ".es", "is required");
  }
  for (const auto& [key, text] : flow.messages) {
    if (std::find(IvrMessageKeys().begin(), IvrMessageKeys().end(), key) == IvrMessageKeys().end()) {
      return InvalidField("messages." + key, "is not a message the IVR says");
    }
  }
  return OkStatus();
}

std::vector<IvrAction> StartIvrCall(const IvrFlow& flow, const IvrCallStart& start, IvrCallState& state) {
  state = IvrCallState{};
  const Language en = Language::kEnglish;
  std::vector<IvrAction> actions;
  const std::string reference = Message(flow, "reference", en, {{"reference", SpellOut(start.reference)}});
  if (!start.open) {
    actions.push_back(Say(Message(flow, "closed", en), en));
    if (start.opens_at) {
      actions.push_back(Say(Message(flow, "closed_opens", en, {{"opens", SpeakOpening(*start.opens_at, en)}}), en));
    }
    if (start.offer_secure_message) actions.push_back(Say(Message(flow, "secure_message", en), en));
    actions.push_back(Say(reference, en));
    actions.push_back(Say(Message(flow, "goodbye", en), en));
    actions.push_back(Hangup());
    state.node = std::string(kIvrEnded);
    return actions;
  }
  const IvrMenu& menu = *flow.Menu(flow.start);
  state.node = menu.id;
  actions.push_back(Say(Message(flow, "welcome", en), en));
  actions.push_back(Say(reference, en));
  actions.push_back(Say(menu.prompt.en, en));
  actions.push_back(Gather(1, flow.gather_timeout_s));
  return actions;
}

Result<std::vector<IvrAction>> StepIvrCall(const IvrFlow& flow, const IvrPolicy& policy, IvrCallState& state,
                                           const IvrEvent& event, IvrBackend& backend) {
  return Turn(flow, policy, state, backend).Run(event);
}

namespace {

// The check symbols of a reference number, as a caller hears them.
std::string_view SymbolWord(char c, Language language) {
  const bool es = language == Language::kSpanish;
  switch (c) {
    case '*':
      return es ? "asterisco" : "star";
    case '~':
      return "tilde";
    case '$':
      return es ? "signo de dólar" : "dollar sign";
    case '=':
      return es ? "signo igual" : "equals sign";
    default:
      return {};
  }
}

}  // namespace

std::string SpellOut(std::string_view reference, Language language) {
  std::string out;
  bool pause = false;
  for (char c : reference) {
    if (c == '-' || c == ' ') {
      pause = !out.empty();
      continue;
    }
    if (!out.empty()) out += pause ? ", " : " ";
    pause = false;
    if (const std::string_view word = SymbolWord(c, language); !word.empty()) {
      out += word;
    } else {
      out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
  }
  return out;
}

std::string SpeakDate(Date date, Language language) {
  const std::chrono::year_month_day ymd(date);
  const std::chrono::weekday wd(date);
  const auto month = static_cast<unsigned>(ymd.month()) - 1;
  const std::string day = std::to_string(static_cast<unsigned>(ymd.day()));
  if (language == Language::kSpanish) {
    return std::string(kWeekdaysEs[wd.c_encoding()]) + " " + day + " de " + std::string(kMonthsEs[month]);
  }
  return std::string(kWeekdaysEn[wd.c_encoding()]) + ", " + std::string(kMonthsEn[month]) + " " + day;
}

std::string SpeakOpening(LocalDateTime at, Language language) {
  const std::chrono::weekday wd(at.date);
  const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(at.time_of_day).count();
  const auto h = minutes / 60, m = minutes % 60;
  const std::string mm = (m < 10 ? ":0" : ":") + std::to_string(m);
  if (language == Language::kSpanish) {
    return "el " + std::string(kWeekdaysEs[wd.c_encoding()]) + " a las " + std::to_string(h) + mm;
  }
  const auto h12 = h % 12 == 0 ? 12 : h % 12;
  return std::string(kWeekdaysEn[wd.c_encoding()]) + " at " + std::to_string(h12) + mm + (h < 12 ? " AM" : " PM");
}

}  // namespace rxdesk
