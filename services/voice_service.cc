#include "services/voice_service.h"

#include <algorithm>
#include <cctype>

#include "domain/contact_info.h"
#include "infra/crypto.h"
#include "infra/ivr_flow_file.h"
#include "services/audit.h"

namespace rxdesk {
namespace {

constexpr char kSelect[] =
    "SELECT contact_id, line, node, language, failures, member_number_enc, COALESCE(member_id, ''), "
    "COALESCE(pending_service, ''), COALESCE(queue, ''), version FROM ivr_calls WHERE call_sid = ?";

// Refusals of the refill path that the caller hears about (the rest are failures of the system).
bool IsRefillRefusal(const std::string& code) {
  static constexpr std::string_view kCodes[] = {"not_found",
                                                "schedule_ii_no_refills",
                                                "not_active",
                                                "expired",
                                                "no_refills_remaining",
                                                "too_soon",
                                                "prior_auth_required",
                                                "refill_already_requested",
                                                "verification_required",
                                                "forbidden"};
  return std::find(std::begin(kCodes), std::end(kCodes), code) != std::end(kCodes);
}

// The IVR acting for nobody yet: audit entries name it as the actor.
AuditEntry IvrAudit(Instant at, std::string action, std::string record_type, std::string record_id,
                    std::string member_id, const std::string& contact_id, const std::string& request_id,
                    std::string outcome = "ok") {
  AuditEntry e = MakeSystemAudit(at, std::move(action), std::move(record_type), std::move(record_id), request_id,
                                 std::move(outcome));
  e.actor_id = "ivr";
  e.actor_role = "ivr";
  e.member_id = std::move(member_id);
  e.purpose = "contact:" + contact_id;
  return e;
}

}  // namespace

bool IsCallSid(std::string_view sid) {
  return !sid.empty() && sid.size() <= 64 && std::all_of(sid.begin(), sid.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
}

// What one call asks of the pharmacy, as the call's contact.
class VoiceService::CallBackend final : public IvrBackend {
 public:
  CallBackend(VoiceService& voice, std::string contact_id, bool tty, std::string request_id)
      : d_(voice.deps_), contact_id_(std::move(contact_id)), tty_(tty), request_id_(std::move(request_id)) {}

  void set_member_id(std::string id) { member_id_ = std::move(id); }

  Result<IvrQueued> Enqueue(const std::string& queue, Language language) override {
    Arrival a{.channel = "call", .queue = queue, .language = language, .tty = tty_, .contact_id = contact_id_};
    if (!member_id_.empty()) a.member_id = member_id_;
    RXD_ASSIGN_OR_RETURN(Arrived arrived, d_.contact_center.Arrive(a));
    return IvrQueued{.position = arrived.position, .expected_wait = arrived.expected_wait};
  }

  Status RequestCallback(const std::string& /*queue*/, Language /*language*/) override {
    // The waiting call becomes a callback: same contact, reference and place in
    // line; not an abandonment. Already with an agent or gone: nothing to turn.
    return IgnoreGone(d_.contact_center.TurnIntoCallback(contact_id_));
  }

  Result<std::optional<std::string>> VerifyMember(const std::string& member_number, Date dob) override {
    const Instant now = d_.clock.Now();
    RXD_ASSIGN_OR_RETURN(Rows rows, d_.store.Read([&](Connection& c) {
      return c.Query("SELECT id, date_of_birth_enc FROM members WHERE member_number_index = ?",
                     {Value(d_.vault.IndexOf(member_number))});
    }));
    std::optional<std::string> member;
    if (!rows.empty()) {
      Result<std::string> on_file = d_.vault.Open("members", rows[0].Text(0), "date_of_birth", rows[0].at(1));
      if (on_file.ok() && ConstantTimeEquals(*on_file, FormatDate(dob))) member = rows[0].Text(0);
    }
    const std::string member_id = rows.empty() ? "" : rows[0].Text(0);
    // The attempt reads a member's date of birth: audited either way, with the call's contact as purpose.
    RXD_TRY(d_.store.Write([&](WriteContext& w) {
      return w.audit.Append(
          w.conn, IvrAudit(now, "member.verify_keypad", "member", member_id.empty() ? "-" : member_id, member_id,
                           contact_id_, request_id_, member ? "ok" : "refused:identity_not_matched"));
    }));
    return member;
  }

  Result<IvrRefillOutcome> Refill(const std::string& member_id, const std::string& rx_number) override {
    Result<OrderRecord> order = d_.orders.RequestRefill(AsMember(member_id), {.rx_number = rx_number}, nullptr);
    IvrRefillOutcome out;
    if (order.ok()) {
      out.placed = true;
      out.reference = order->reference;
      out.eta_earliest = order->eta_earliest;
      out.eta_latest = order->eta_latest;
      return out;
    }
    const Error& e = order.error();
    if (!IsRefillRefusal(e.code)) return e;
    out.refusal = e.code == "verification_required" || e.code == "forbidden" ? "not_found" : e.code;
    for (const auto& [key, value] : e.details) {
      if (key == "next_eligible_date") {
        if (Result<Date> d = ParseDate(value); d.ok()) out.next_eligible = *d;
      }
    }
    return out;
  }

  Result<std::optional<IvrOrderStatus>> LatestOrder(const std::string& member_id) override {
    RXD_ASSIGN_OR_RETURN(Page<OrderRecord> page, d_.orders.ListForMember(AsMember(member_id), member_id, 1, ""));
    if (page.items.empty()) return std::optional<IvrOrderStatus>();
    const OrderRecord& o = page.items[0];
    return std::optional<IvrOrderStatus>(IvrOrderStatus{.reference = o.reference,
                                                        .status = std::string(ToString(o.status)),
                                                        .eta_earliest = o.eta_earliest,
                                                        .eta_latest = o.eta_latest});
  }

  Status Abandon() override { return IgnoreGone(d_.contact_center.Abandon(contact_id_)); }

 private:
  // Already with an agent, or already gone: nothing left to abandon.
  static Status IgnoreGone(Status s) {
    if (s.ok() || s.error().code == "conflict" || s.error().code == "not_found") return OkStatus();
    return s;
  }

  // The verified member, through the IVR, in this call's contact (audit purpose).
  Caller AsMember(const std::string& member_id) const {
    Caller c;
    c.principal.user_id = "ivr";
    c.principal.username = "ivr";
    c.principal.role = Role::kMember;
    c.principal.member_id = member_id;
    c.request_id = request_id_;
    c.contact_id = contact_id_;
    return c;
  }

  Deps& d_;
  std::string contact_id_;
  bool tty_;
  std::string request_id_;
  std::string member_id_;
};

Result<std::unique_ptr<VoiceService>> VoiceService::Create(Deps deps) {
  std::map<std::string, IvrFlow> flows;
  for (const ContactChannel& c : deps.channels.channels()) {
    if (c.number_e164.empty()) continue;
    if (c.settings.ivr_flow.empty()) {
      flows.emplace(c.settings.id, MainLineFlow());
      continue;
    }
    Result<IvrFlow> flow = LoadIvrFlowFile(c.settings.ivr_flow);
    if (!flow.ok()) {
      return MakeError("config_invalid", "channels." + c.settings.id + ".ivr_flow: " + flow.error().message,
                       "channels." + c.settings.id + ".ivr_flow");
    }
    flows.emplace(c.settings.id, std::move(*flow));
  }
  return std::unique_ptr<VoiceService>(new VoiceService(std::move(deps), std::move(flows)));
}

const IvrFlow& VoiceService::FlowOf(const std::string& line) const {
  const auto it = flows_.find(line);
  return it == flows_.end() ? MainLineFlow() : it->second;
}

bool VoiceService::SignatureValid(std::string_view body, std::string_view header) const {
  if (!enabled()) return false;
  constexpr std::string_view kPrefix = "sha256=";
  if (!header.starts_with(kPrefix) || header.size() != kPrefix.size() + 64) return false;
  std::string given(header.substr(kPrefix.size()));
  for (char& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ConstantTimeEquals(HexEncode(HmacSha256(deps_.config.webhook_secret, body)), given);
}

Result<std::vector<IvrAction>> VoiceService::StartCall(const VoiceCallStart& start) {
  if (!IsCallSid(start.call_sid)) return InvalidField("call_sid", "must be 1-64 letters, digits, '_' or '-'");
  if (start.from.size() > 40 || !IsPrintableUtf8(start.from)) return InvalidField("from", "must be a phone number");
  const ContactChannel* line = deps_.channels.FindByNumber(start.to);
  if (start.to.size() > 40 || line == nullptr) {
    return MakeError("not_found", "no line of this pharmacy has that number", "to");
  }
  RXD_ASSIGN_OR_RETURN(Rows seen, deps_.store.Read([&](Connection& c) {
    return c.Query("SELECT 1 FROM ivr_calls WHERE call_sid = ?", {Value(start.call_sid)});
  }));
  if (!seen.empty()) return MakeError("conflict", "this call has already started", "call_sid");

  const Instant now = deps_.clock.Now();
  RXD_ASSIGN_OR_RETURN(Contact contact, deps_.contact_center.OpenSelfService("call", std::nullopt));
  IvrCallStart how{.reference = contact.reference, .open = line->hours.IsOpen(now)};
  if (!how.open) {
    if (std::optional<Instant> opens = line->hours.NextChange(now)) how.opens_at = deps_.zone.ToLocal(*opens);
    how.offer_secure_message = line->settings.offer_when_closed == "secure_message";
  }
  const IvrFlow& flow = FlowOf(line->settings.id);
  IvrCallState state;
  std::vector<IvrAction> actions = StartIvrCall(flow, how, state);
  const std::string at = FormatInstant(now);
  Status stored = deps_.store.Write([&](WriteContext& w) -> Status {
    RXD_TRY(w.conn.Exec(
        "INSERT INTO ivr_calls(call_sid, contact_id, line, node, language, failures, from_enc, version, started_at, "
        "updated_at, ended_at) VALUES (?, ?, ?, ?, ?, 0, ?, 0, ?, ?, ?)",
        {Value(start.call_sid), Value(contact.id), Value(line->settings.id), Value(state.node),
         Value(LanguageCode(state.language)),
         start.from.empty() ? Value() : Value(deps_.vault.Seal("ivr_calls", start.call_sid, "from", start.from)),
         Value(at), Value(at), state.node == kIvrEnded ? Value(at) : Value()}));
    return w.audit.Append(
        w.conn, IvrAudit(now, "ivr.call.start", "ivr_call", start.call_sid, "", contact.id, start.request_id));
  });
  if (!stored.ok()) {
    // A twin of this request won the insert.
    RXD_ASSIGN_OR_RETURN(Rows again, deps_.store.Read([&](Connection& c) {
      return c.Query("SELECT 1 FROM ivr_calls WHERE call_sid = ?", {Value(start.call_sid)});
    }));
    if (!again.empty()) return MakeError("conflict", "this call has already started", "call_sid");
    return std::move(stored).error();
  }
  return actions;
}

// One event's outcome before it is stored: the actions to answer with, and the
// versioned update of the call (it sets `updated` to the rows it changed: 0 when
// another event of the call won).
struct VoiceService::EventStep {
  std::vector<IvrAction> actions;
  WriteJob store;
  std::shared_ptr<std::int64_t> updated = std::make_shared<std::int64_t>(0);
};

Result<VoiceService::EventStep> VoiceService::StepEvent(const std::string& call_sid, const IvrEvent& event,
                                                        const std::string& request_id) {
  if (!IsCallSid(call_sid)) return MakeError("not_found", "no such call");
  RXD_ASSIGN_OR_RETURN(Rows rows, deps_.store.Read([&](Connection& c) { return c.Query(kSelect, {Value(call_sid)}); }));
  if (rows.empty()) return MakeError("not_found", "no such call");
  const Row& r = rows[0];
  const std::string contact_id = r.Text(0);
  const std::string line_id = r.Text(1);
  IvrCallState state;
  state.node = r.Text(2);
  state.language = r.Text(3) == "es" ? Language::kSpanish : Language::kEnglish;
  state.failures = static_cast<int>(r.Int(4));
  if (!r.IsNull(5)) {
    RXD_ASSIGN_OR_RETURN(state.member_number, deps_.vault.Open("ivr_calls", call_sid, "member_number", r.at(5)));
  }
  state.member_id = r.Text(6);
  state.pending_service = r.Text(7);
  state.queue = r.Text(8);
  const std::int64_t version = r.Int(9);
  const std::string typed_before = state.member_number;
  const std::string member_before = state.member_id;

  const ContactChannel* line = deps_.channels.Find(line_id);
  CallBackend backend(*this, contact_id, line != nullptr && line->settings.kind == "tty", request_id);
  backend.set_member_id(state.member_id);
  const IvrPolicy policy{.callback_offer_after = std::chrono::seconds(deps_.config.callback_offer_after_s)};
  EventStep step;
  RXD_ASSIGN_OR_RETURN(step.actions, StepIvrCall(FlowOf(line_id), policy, state, event, backend));

  const Instant now = deps_.clock.Now();
  const std::string at = FormatInstant(now);
  const bool ended = state.node == kIvrEnded;
  // Sealed here, not in the job: the writer thread does no crypto for the call.
  const Value member_number_enc = state.member_number.empty()
                                      ? Value()
                                      : Value(deps_.vault.Seal("ivr_calls", call_sid, "member_number", state.member_number));
  const bool typed = state.member_number != typed_before && !state.member_number.empty();
  step.store = [updated = step.updated, state, call_sid, contact_id, request_id, member_number_enc, at, ended,
                version, typed, member_changed = state.member_id != member_before, now](WriteContext& w) -> Status {
    RXD_ASSIGN_OR_RETURN(
        *updated,
        w.conn.Exec("UPDATE ivr_calls SET node = ?, language = ?, failures = ?, member_number_enc = ?, member_id = ?, "
                    "pending_service = ?, queue = ?, version = version + 1, updated_at = ?, "
                    "ended_at = COALESCE(ended_at, ?) WHERE call_sid = ? AND version = ?",
                    {Value(state.node), Value(LanguageCode(state.language)), Value(state.failures), member_number_enc,
                     state.member_id.empty() ? Value() : Value(state.member_id),
                     state.pending_service.empty() ? Value() : Value(state.pending_service),
                     state.queue.empty() ? Value() : Value(state.queue), Value(at), ended ? Value(at) : Value(),
                     Value(call_sid), Value(version)}));
    if (*updated == 0) return OkStatus();
    // The typed member number is PHI kept for the next event; a keypad verification links the member.
    if (typed) {
      RXD_TRY(w.audit.Append(
          w.conn, IvrAudit(now, "ivr.call.member_number", "ivr_call", call_sid, "", contact_id, request_id)));
    }
    if (member_changed) {
      RXD_TRY(w.audit.Append(
          w.conn, IvrAudit(now, "ivr.call.verified", "ivr_call", call_sid, state.member_id, contact_id, request_id)));
    }
    return OkStatus();
  };
  return step;
}

namespace {
Result<std::vector<IvrAction>> Stored(Status s, std::int64_t updated, std::vector<IvrAction> actions) {
  if (!s.ok()) return s.error();
  if (updated == 0) return MakeError("conflict", "another event of this call was handled at the same time");
  return actions;
}
}  // namespace

Result<std::vector<IvrAction>> VoiceService::OnEvent(const std::string& call_sid, const IvrEvent& event,
                                                     const std::string& request_id) {
  RXD_ASSIGN_OR_RETURN(EventStep step, StepEvent(call_sid, event, request_id));
  Status s = deps_.store.Write(step.store);
  return Stored(std::move(s), *step.updated, std::move(step.actions));
}

void VoiceService::OnEventAsync(const std::string& call_sid, const IvrEvent& event, const std::string& request_id,
                                EventDone done) {
  Result<EventStep> step = StepEvent(call_sid, event, request_id);
  if (!step.ok()) return done(step.error());
  auto shared = std::make_shared<EventStep>(std::move(*step));
  WriteJob job = shared->store;
  deps_.store.WriteAsync(std::move(job), [shared, done = std::move(done)](Status s) {
    done(Stored(std::move(s), *shared->updated, std::move(shared->actions)));
  });
}

}  // namespace rxdesk
