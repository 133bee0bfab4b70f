// The HTTP/JSON API (API.md): one router, one route table per resource family
// (api/routes_*.cc), request logging and metrics around every call.
#pragma once

#include <memory>
#include <string>

#include "api/json_body.h"
#include "api/metrics.h"
#include "api/response.h"
#include "api/router.h"
#include "domain/clock.h"
#include "domain/official_channels.h"
#include "domain/staffing_plan.h"
#include "domain/zone.h"
#include "services/auth_service.h"
#include "services/channels.h"
#include "services/chat_service.h"
#include "services/contact_service.h"
#include "services/member_service.h"
#include "services/message_service.h"
#include "services/note_service.h"
#include "services/notification_preferences.h"
#include "services/part_d_service.h"
#include "services/pharmacy_services.h"
#include "services/prescription_fields.h"
#include "services/privacy_service.h"
#include "services/voice_service.h"
#include "services/survey_service.h"
#include "services/ticket_service.h"
#include "store/store.h"

namespace rxdesk {

class ContactCenterService;  // services/contact_center_service.h
class TransferService;  // services/transfer_service.h
class IntakeService;    // services/intake_service.h
class BenefitsService;   // services/benefits_service.h
class PriorAuthService;  // services/prior_auth_service.h
class RefillReminderService;  // services/refill_reminders.h
class ShipmentService;  // services/shipment_service.h
class ClaimService;     // services/claim_service.h
class PrescriberRequestService;  // services/prescriber_requests.h
class InteractionHoldService;  // services/interaction_holds.h
class AdherenceService;        // services/adherence_service.h
class MtmService;              // services/mtm_service.h

struct ApiDeps {
  Store& store;
  const Clock& clock;
  const Zone& zone;
  AuthService& auth;
  MemberService& members;
  ContactService& contacts;
  PharmacyServices& pharmacy;
  Metrics& metrics;
  PrivacyService& privacy;
  const PhiVault& vault;  // seals stored idempotent responses (they may hold PHI)
  StaffingPolicy staffing = {};  // [staffing]: queues, targets, the line's volume and profile
  const ChannelDirectory* channels = nullptr;  // GET /v1/channels (routes_channels.cc)
  const OfficialChannels* official = nullptr;  // POST /v1/official-check (routes_channels.cc)
  VoiceService* voice = nullptr;               // the signed IVR webhook (routes_voice.cc)
  NoteService* notes = nullptr;        // note templates and contact notes (routes_notes.cc)
  MessageService* messages = nullptr;  // secure messages (routes_messages.cc)
  TicketService* tickets = nullptr;    // escalations and tickets (routes_tickets.cc)
  SurveyService* surveys = nullptr;    // CSAT surveys (routes_surveys.cc)
  NotificationPreferenceService* notification_preferences = nullptr;  // routes_notifications.cc
  ChatService* chat = nullptr;  // web chat transcripts (routes_chat.cc; the socket is api/chat_hub.h)
  ContactCenterService* contact_center = nullptr;  // queues, agents, callbacks, KPIs (routes_contact_center.cc)
  PartDService* part_d = nullptr;  // Part D estimates and the EOB (routes_part_d.cc)
  PrescriberRequestService* prescriber_requests = nullptr;  // mail-order switches, renewals (routes_prescriber_requests.cc)
  ShipmentService* shipments = nullptr;  // the order queue and tracking (routes_shipments.cc)
  ClaimService* claims = nullptr;        // lost or damaged package claims (routes_shipments.cc)
  RefillReminderService* refill_reminders = nullptr;  // auto-refill and the reminder pass (routes_reminders.cc)
  BenefitsService* benefits = nullptr;     // plans, formulary, benefit year, LIS (routes_benefits.cc)
  PriorAuthService* prior_auth = nullptr;  // prior authorization requests (routes_benefits.cc)
  TransferService* transfers = nullptr;  // transfers in (routes_transfers.cc)
  IntakeService* intake = nullptr;        // fax and mail intake (routes_intake.cc)
  InteractionHoldService* interaction_holds = nullptr;  // DDI holds (routes_clinical.cc)
  AdherenceService* adherence = nullptr;                 // PDC and the at-risk list (routes_clinical.cc)
  MtmService* mtm = nullptr;                             // MTM requests (routes_clinical.cc)
};

class Api {
 public:
  explicit Api(ApiDeps deps);

  // Routes, authenticates, authorizes and runs the request; logs one line; counts metrics.
  HttpResponse Handle(HttpRequest& request);
  // For HttpServerOptions::on_answer: the request's log line and metrics, once its
  // answer is final (after the commits it waited for).
  void Finish(const HttpRequest& request, const HttpResponse& response, double seconds);
  // For HttpServerOptions::run_inline: a never_waits route on the embedded store
  // (PostgreSQL reads wait on the network, so there every request goes to a worker).
  bool RunsInline(const HttpRequest& request) const {
    return deps_.store.dialect() == Dialect::kSqlite && router_.NeverWaits(request);
  }

  const Router& router() const { return router_; }

 private:
  void AddSystemRoutes();
  void AddAuthRoutes();
  void AddMemberRoutes();
  void AddPrescriptionRoutes();  // routes_pharmacy.cc
  void AddOrderRoutes();         // routes_pharmacy.cc
  void AddShippingRoutes();
  void AddPrivacyRoutes();  // routes_privacy.cc
  void AddContactRoutes();  // routes_contacts.cc
  void AddStaffingRoutes();  // routes_staffing.cc
  void AddContactCenterRoutes();  // routes_contact_center.cc
  void AddNotificationRoutes();  // routes_notifications.cc
  void AddChannelRoutes();   // routes_channels.cc
  void AddVoiceRoutes();     // routes_voice.cc
  void AddChatRoutes();      // routes_chat.cc
  void AddDeskRoutes();      // routes_notes.cc, routes_messages.cc, routes_tickets.cc, routes_surveys.cc
  void AddNoteRoutes();
  void AddMessageRoutes();
  void AddTicketRoutes();
  void AddSurveyRoutes();
  void AddTransferRoutes();  // routes_transfers.cc
  void AddIntakeRoutes();    // routes_intake.cc
  void AddBenefitsRoutes();  // routes_benefits.cc
  void AddShipmentRoutes();  // routes_shipments.cc
  void AddPrescriberRequestRoutes();  // routes_prescriber_requests.cc
  void AddPartDRoutes();  // routes_part_d.cc
  void AddReminderRoutes();  // routes_reminders.cc
  void AddClinicalRoutes();  // routes_clinical.cc: interaction holds, adherence, MTM

  ApiDeps deps_;
  Router router_;
};

// Handlers return a response or an error; Handler() turns errors into the API's error model.
using ApiHandler = std::function<Result<HttpResponse>(RouteContext&)>;
RouteHandler Handler(ApiHandler handler);

// Reads {"line1","line2"?,"city","state","zip","country"?} and validates it (domain/address.h).
Result<Address> ReadAddress(JsonObject& obj);
// Its JSON schema.
Json AddressSchema();

// A new prescription's fields as POST /v1/members/{id}/prescriptions takes them (drug,
// schedule, quantity, days_supply, refills_authorized, written_date, prescriber, daw),
// read from `body` without checking for other fields; refills_authorized may be left
// out when `default_refills` is given (routes_transfers.cc).
Result<PrescriptionFields> ReadPrescriptionFields(JsonObject& body, std::optional<std::int64_t> default_refills);
// Their JSON schema properties.
Json PrescriptionFieldsSchemaProperties();

// ?limit= (default 50, 1–500) and ?cursor= of list endpoints.
Result<std::pair<int, std::string>> PageParams(const HttpRequest& request);

// A page of a list as API.md shapes it: {"items": [...], "next_cursor": string|null}.
template <typename T, typename ToJson>
HttpResponse PageResponse(const Page<T>& page, ToJson&& to_json) {
  Json items = Json::array();
  for (const T& item : page.items) items.push_back(to_json(item));
  return JsonResponse(200, Json{{"items", std::move(items)},
                                {"next_cursor", page.next_cursor ? Json(*page.next_cursor) : Json(nullptr)}});
}

// Helpers shared by the route files.
// null for an empty (absent) text, else the text.
inline Json NullOr(const std::string& text) { return text.empty() ? Json(nullptr) : Json(text); }
Caller CallerOf(const RouteContext& ctx);
// Parses the body as a JSON object; a malformed body is an invalid_request response.
Result<JsonObject> BodyOf(const RouteContext& ctx);
// Runs a creating POST with Idempotency-Key support. `create` receives the commit
// hook to run inside its transaction (null when no key was sent) and returns the
// response or an error (rendered in the error model); replays return the stored
// response, which is kept sealed (it may hold PHI, e.g. a created member).
HttpResponse WithIdempotency(RouteContext& ctx, const ApiDeps& deps,
                             const std::function<Result<HttpResponse>(const CommitHook<Json>& on_commit)>& create);

}  // namespace rxdesk
