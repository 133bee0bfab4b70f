#include "domain/notification_templates.h"

#include <algorithm>
#include <set>

#include "domain/contact_info.h"

namespace rxdesk {
namespace {

struct Text {
  std::string_view subject;
  std::string_view body;  // between the greeting and the sign-off
  std::string_view sms;
};

struct Template {
  std::string_view id;
  Text en;
  Text es;
};

// The templates. Keep them free of clinical detail: no drug, dose, condition or
// test; a reference and where to read more.
constexpr Template kTemplates[] = {
    {"refill_confirmed",
     {"We received your refill request {reference}",
      "We received your refill request and it is being processed.\nReference: {reference}\n\n"
      "Sign in to your account to see its status and delivery estimate. If you call us, please quote the reference.",
      "Refill request received. Ref {reference}. Sign in for status and delivery."},
     {"Recibimos su solicitud de resurtido {reference}",
      "Recibimos su solicitud de resurtido y la estamos procesando.\nReferencia: {reference}\n\n"
      "Inicie sesión en su cuenta para ver el estado y la fecha estimada de entrega. Si nos llama, indique la "
      "referencia.",
      "Recibimos su solicitud de resurtido. Ref {reference}. Inicie sesión para ver el estado y la entrega."}},
    {"transfer_confirmed",
     {"Your prescription transfer {reference} is confirmed",
      "We confirmed your prescription transfer.\nReference: {reference}\n\n"
      "Sign in to your account to see when it is ready. If you call us, please quote the reference.",
      "Prescription transfer confirmed. Ref {reference}. Sign in for details."},
     {"Confirmamos la transferencia de su receta {reference}",
      "Confirmamos la transferencia de su receta.\nReferencia: {reference}\n\n"
      "Inicie sesión en su cuenta para ver cuándo estará lista. Si nos llama, indique la referencia.",
      "Transferencia de receta confirmada. Ref {reference}. Inicie sesión para ver los detalles."}},
    {"transfer_failed",
     {"We could not complete your prescription transfer {reference}",
      "We could not complete your prescription transfer.\nReference: {reference}\n\n"
      "Sign in to your account to see why and what you can do next, or call us and quote the reference.",
      "We could not complete prescription transfer {reference}. Sign in or call us for details."},
     {"No pudimos completar la transferencia de su receta {reference}",
      "No pudimos completar la transferencia de su receta.\nReferencia: {reference}\n\n"
      "Inicie sesión en su cuenta para ver el motivo y qué puede hacer, o llámenos e indique la referencia.",
      "No pudimos completar la transferencia de receta {reference}. Inicie sesión o llámenos."}},
    // The prescriber's answer to a 90-day mail-order switch or a renewal request
    // (docs/pharmacy-services.md "90-day mail-order switch and renewal requests").
    {"mail_order_switch_approved",
     {"Your 90-day mail order request {reference} was approved",
      "Your prescriber approved the switch to 90-day mail order, and your new prescription is on file.\n"
      "Reference: {reference}\n\nSign in to your account to order it. If you call us, please quote the reference.",
      "Your 90-day mail order request {reference} was approved. Sign in to order."},
     {"Se aprobó su solicitud de pedido por correo de 90 días {reference}",
      "Su médico aprobó el cambio a pedido por correo de 90 días y su nueva receta ya está registrada.\n"
      "Referencia: {reference}\n\nInicie sesión en su cuenta para pedirla. Si nos llama, indique la referencia.",
      "Se aprobó su solicitud de pedido por correo de 90 días {reference}. Inicie sesión para pedirla."}},
    {"mail_order_switch_denied",
     {"An update on your 90-day mail order request {reference}",
      "Your prescriber did not approve the switch to 90-day mail order. Your current prescription stays as it "
      "was.\nReference: {reference}\n\nSign in to your account for details, or call us and quote the reference.",
      "Your 90-day mail order request {reference} was not approved. Sign in for details."},
     {"Novedades sobre su solicitud de pedido por correo de 90 días {reference}",
      "Su médico no aprobó el cambio a pedido por correo de 90 días. Su receta actual sigue igual.\n"
      "Referencia: {reference}\n\nInicie sesión en su cuenta para ver los detalles o llámenos e indique la "
      "referencia.",
      "No se aprobó su solicitud de pedido por correo de 90 días {reference}. Inicie sesión para ver los detalles."}},
    {"renewal_approved",
     {"Your prescription renewal {reference} was approved",
      "Your prescriber renewed your prescription, and the new one is on file.\nReference: {reference}\n\n"
      "Sign in to your account to request a refill. If you call us, please quote the reference.",
      "Your prescription renewal {reference} was approved. Sign in to request a refill."},
     {"Se aprobó la renovación de su receta {reference}",
      "Su médico renovó su receta y la nueva ya está registrada.\nReferencia: {reference}\n\n"
      "Inicie sesión en su cuenta para solicitar un resurtido. Si nos llama, indique la referencia.",
      "Se aprobó la renovación de su receta {reference}. Inicie sesión para solicitar un resurtido."}},
    {"renewal_denied",
     {"An update on your prescription renewal {reference}",
      "Your prescriber did not renew your prescription.\nReference: {reference}\n\n"
      "Sign in to your account for details, or call us and quote the reference.",
      "Your prescription renewal {reference} was not approved. Sign in for details."},
     {"Novedades sobre la renovación de su receta {reference}",
      "Su médico no renovó su receta.\nReferencia: {reference}\n\n"
      "Inicie sesión en su cuenta para ver los detalles o llámenos e indique la referencia.",
      "No se aprobó la renovación de su receta {reference}. Inicie sesión para ver los detalles."}},
    // Lost or damaged package claims (services/claim_service.h): the outcome, never the drug.
    {"claim_replacement",
     {"A free replacement is on its way: order {reference}",
      "We are sending you a free replacement for the package you reported lost or damaged.\n"
      "Replacement order: {reference}\n\nSign in to your account to follow it and to see whether we need the "
      "damaged package back. If you call us, please quote the reference.",
      "A free replacement is on its way: order {reference}. Sign in to follow it."},
     {"Le enviamos un reemplazo gratuito: pedido {reference}",
      "Le enviamos un reemplazo gratuito del paquete que reportó como perdido o dañado.\n"
      "Pedido de reemplazo: {reference}\n\nInicie sesión en su cuenta para seguirlo y para ver si necesitamos que "
      "nos devuelva el paquete dañado. Si nos llama, indique la referencia.",
      "Le enviamos un reemplazo gratuito: pedido {reference}. Inicie sesión para seguirlo."}},
    {"claim_received",
     {"We received your report about order {reference}",
      "We received your report of a lost or damaged package. A pharmacist reviews it before we send a "
      "replacement, and we will let you know the outcome.\nOrder: {reference}\n\n"
      "If you call us, please quote the reference.",
      "We received your report about order {reference}. A pharmacist will review it; we will let you know."},
     {"Recibimos su reporte sobre el pedido {reference}",
      "Recibimos su reporte de un paquete perdido o dañado. Un farmacéutico lo revisa antes de enviar un "
      "reemplazo y le avisaremos del resultado.\nPedido: {reference}\n\nSi nos llama, indique la referencia.",
      "Recibimos su reporte sobre el pedido {reference}. Un farmacéutico lo revisará y le avisaremos."}},
    {"claim_denied",
     {"An update on your report about order {reference}",
      "A pharmacist reviewed your report of a lost or damaged package and could not approve a replacement.\n"
      "Order: {reference}\n\nSign in to your account to see why, or call us and quote the reference.",
      "Your report about order {reference} was not approved. Sign in to see why, or call us."},
     {"Novedades sobre su reporte del pedido {reference}",
      "Un farmacéutico revisó su reporte de un paquete perdido o dañado y no pudo aprobar un reemplazo.\n"
      "Pedido: {reference}\n\nInicie sesión en su cuenta para ver el motivo o llámenos e indique la referencia.",
      "No se aprobó su reporte del pedido {reference}. Inicie sesión para ver el motivo o llámenos."}},
    {"message_reply",
     {"You have a reply to your secure message {reference}",
      "A pharmacist replied to your secure message.\nReference: {reference}\n\n"
      "Sign in to your account to read the reply.",
      "You have a reply to secure message {reference}. Sign in to read it."},
     {"Tiene una respuesta a su mensaje seguro {reference}",
      "Un farmacéutico respondió a su mensaje seguro.\nReferencia: {reference}\n\n"
      "Inicie sesión en su cuenta para leer la respuesta.",
      "Tiene una respuesta a su mensaje seguro {reference}. Inicie sesión para leerla."}},
    {"ticket_opened",
     {"We opened case {reference} for you",
      "We opened a case to follow up on your request.\nReference: {reference}\n\n"
      "We will contact you with the outcome. If you call us, please quote the reference.",
      "We opened case {reference} to follow up on your request. Quote it if you call us."},
     {"Abrimos el caso {reference} para usted",
      "Abrimos un caso para dar seguimiento a su solicitud.\nReferencia: {reference}\n\n"
      "Le avisaremos del resultado. Si nos llama, indique la referencia.",
      "Abrimos el caso {reference} para dar seguimiento a su solicitud. Indíquelo si nos llama."}},
    {"csat_survey",
     {"How did we do? ({reference})",
      "Thank you for contacting us (reference {reference}).\n\n"
      "How satisfied were you, from 1 (not at all) to 5 (very)? [Answer here: {link}\n]"
      "You can also answer when you next sign in.",
      "How did we do on {reference}? Rate us from 1 to 5[: {link}]"},
     {"¿Cómo lo atendimos? ({reference})",
      "Gracias por comunicarse con nosotros (referencia {reference}).\n\n"
      "¿Qué tan satisfecho quedó, del 1 (nada) al 5 (muy satisfecho)? [Responda aquí: {link}\n]"
      "También puede responder la próxima vez que inicie sesión.",
      "¿Cómo lo atendimos en {reference}? Califíquenos del 1 al 5[: {link}]"}},
    // Interaction screening and MTM (docs/pharmacy-services.md): the outcome, never the drug or the interaction.
    {"order_review_cancelled",
     {"An update on your order {reference}",
      "After a pharmacist's review, your order was cancelled and will not be sent.\nReference: {reference}\n\n"
      "A pharmacist or your prescriber may contact you. Sign in to your account for details, or call us and quote "
      "the reference.",
      "Your order {reference} was cancelled after a pharmacist's review. Sign in or call us for details."},
     {"Novedades sobre su pedido {reference}",
      "Después de la revisión de un farmacéutico, su pedido fue cancelado y no se enviará.\nReferencia: "
      "{reference}\n\nEs posible que un farmacéutico o su médico se comuniquen con usted. Inicie sesión en su cuenta "
      "para ver los detalles o llámenos e indique la referencia.",
      "Su pedido {reference} fue cancelado tras la revisión de un farmacéutico. Inicie sesión o llámenos."}},
    {"prescription_review_cancelled",
     {"An update on a new prescription",
      "After a pharmacist's review, one of your new prescriptions was cancelled and will not be filled.\n\n"
      "A pharmacist or your prescriber may contact you. Sign in to your account for details, or call us.",
      "A new prescription was cancelled after a pharmacist's review. Sign in or call us for details."},
     {"Novedades sobre una receta nueva",
      "Después de la revisión de un farmacéutico, una de sus recetas nuevas fue cancelada y no se surtirá.\n\n"
      "Es posible que un farmacéutico o su médico se comuniquen con usted. Inicie sesión en su cuenta para ver los "
      "detalles o llámenos.",
      "Una receta nueva fue cancelada tras la revisión de un farmacéutico. Inicie sesión o llámenos."}},
    {"mtm_request_received",
     {"We received your request to talk with a pharmacist {reference}",
      "We received your request for a medication review with a pharmacist. A pharmacist will call you back.\n"
      "Reference: {reference}\n\nIf you miss our call, call us and quote the reference.",
      "A pharmacist will call you back about your medication review. Ref {reference}."},
     {"Recibimos su solicitud para hablar con un farmacéutico {reference}",
      "Recibimos su solicitud de revisión de medicamentos con un farmacéutico. Un farmacéutico le devolverá la "
      "llamada.\nReferencia: {reference}\n\nSi no puede contestar, llámenos e indique la referencia.",
      "Un farmacéutico le devolverá la llamada sobre su revisión de medicamentos. Ref {reference}."}},
    {"callback_scheduled",
     {"Your callback {reference} is scheduled",
      "We will call you back[ around {when}].\nReference: {reference}\n\n"
      "If you miss our call, call us and quote the reference.",
      "We will call you back[ around {when}]. Ref {reference}."},
     {"Programamos su devolución de llamada {reference}",
      "Le devolveremos la llamada[ alrededor de {when}].\nReferencia: {reference}\n\n"
      "Si no puede contestar, llámenos e indique la referencia.",
      "Le devolveremos la llamada[ alrededor de {when}]. Ref {reference}."}},
    {"refill_reminder",
     {"It is almost time for a refill",
      "One of your prescriptions is due for a refill soon.\n\nSign in to your account to request it, or call us.",
      "One of your prescriptions is due for a refill soon. Sign in to request it."},
     {"Se acerca la fecha de un resurtido",
      "Pronto le corresponde resurtir una de sus recetas.\n\nInicie sesión en su cuenta para solicitarlo o llámenos.",
      "Pronto le corresponde resurtir una de sus recetas. Inicie sesión para solicitarlo."}},
    // Auto-refill could not refill a prescription this time (services/refill_reminders.h).
    {"auto_refill_unavailable",
     {"We could not refill a prescription automatically",
      "One of your prescriptions on automatic refill could not be refilled this time.\n\n"
      "Sign in to your account to see why and what to do next, or call us.",
      "We could not refill one of your prescriptions automatically. Sign in to see why, or call us."},
     {"No pudimos resurtir una receta automáticamente",
      "Una de sus recetas con resurtido automático no se pudo resurtir esta vez.\n\n"
      "Inicie sesión en su cuenta para ver el motivo y qué hacer, o llámenos.",
      "No pudimos resurtir automáticamente una de sus recetas. Inicie sesión para ver el motivo o llámenos."}},
    // A pharmacist's decision on a prior authorization request (docs/pharmacy-services.md
    // "Plans, formulary and prior authorization"): which decision is read signed in.
    {"prior_auth_decided",
     {"We have a decision on your prior authorization request {reference}",
      "A pharmacist decided your prior authorization request.\nReference: {reference}\n\n"
      "Sign in to your account to see the decision, or call us and quote the reference.",
      "We have a decision on prior authorization request {reference}. Sign in to see it."},
     {"Tenemos una decisión sobre su solicitud de autorización previa {reference}",
      "Un farmacéutico decidió su solicitud de autorización previa.\nReferencia: {reference}\n\n"
      "Inicie sesión en su cuenta para ver la decisión, o llámenos e indique la referencia.",
      "Tenemos una decisión sobre la autorización previa {reference}. Inicie sesión para verla."}},
};

constexpr std::string_view kGreetingEn = "Hello,\n\n";
constexpr std::string_view kGreetingEs = "Hola:\n\n";
constexpr std::string_view kSignOffEn =
    "\n\nWe never ask for your password by email or text message.\nMember services\n";
constexpr std::string_view kSignOffEs =
    "\n\nNunca le pedimos su contraseña por correo electrónico ni por mensaje de texto.\nServicios para miembros\n";

const Template* Find(std::string_view id) {
  for (const Template& t : kTemplates) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

// The parameter names of `text`, split by whether they sit inside [...].
void CollectNames(std::string_view text, std::set<std::string>& required, std::set<std::string>& optional) {
  bool in_group = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '[') in_group = true;
    if (text[i] == ']') in_group = false;
    if (text[i] != '{') continue;
    const std::size_t end = text.find('}', i);
    const std::string name(text.substr(i + 1, end - i - 1));
    (in_group ? optional : required).insert(name);
    i = end;
  }
}

NotificationTemplateInfo InfoOf(const Template& t) {
  std::set<std::string> required, optional;
  for (const Text* text : {&t.en, &t.es}) {
    CollectNames(text->subject, required, optional);
    CollectNames(text->body, required, optional);
    CollectNames(text->sms, required, optional);
  }
  for (const std::string& r : required) optional.erase(r);
  return {t.id, {required.begin(), required.end()}, {optional.begin(), optional.end()}};
}

// Fills in `{name}`s; a [...] group appears only when all of its names were given.
std::string Fill(std::string_view text, const NotificationParams& params) {
  std::string out;
  out.reserve(text.size() + 64);
  std::string group;
  bool in_group = false;
  bool group_complete = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string& sink = in_group ? group : out;
    if (c == '[') {
      in_group = true;
      group.clear();
      group_complete = true;
    } else if (c == ']') {
      in_group = false;
      if (group_complete) out += group;
    } else if (c == '{') {
      const std::size_t end = text.find('}', i);
      const auto found = params.find(std::string(text.substr(i + 1, end - i - 1)));
      if (found != params.end()) {
        sink += found->second;
      } else {
        group_complete = false;
      }
      i = end;
    } else {
      sink += c;
    }
  }
  return out;
}

}  // namespace

const std::vector<NotificationTemplateInfo>& NotificationTemplates() {
  static const std::vector<NotificationTemplateInfo> kInfos = [] {
    std::vector<NotificationTemplateInfo> infos;
    for (const Template& t : kTemplates) infos.push_back(InfoOf(t));
    return infos;
  }();
  return kInfos;
}

Status ValidateNotificationParams(std::string_view template_id, const NotificationParams& params) {
  const auto& infos = NotificationTemplates();
  const auto info = std::find_if(infos.begin(), infos.end(), [&](const auto& i) { return i.id == template_id; });
  if (info == infos.end()) return InvalidField("template_id", "no such notification template");
  for (const std::string& name : info->required) {
    if (!params.contains(name)) return InvalidField("params." + name, "is required by this template");
  }
  for (const auto& [name, value] : params) {
    const bool known = std::find(info->required.begin(), info->required.end(), name) != info->required.end() ||
                       std::find(info->optional.begin(), info->optional.end(), name) != info->optional.end();
    // Never echo the name back unchecked: it may be anything.
    const std::string field = IsPrintableUtf8(name) && name.size() <= 40 ? "params." + name : "params";
    if (!known) return InvalidField(field, "this template takes no such parameter");
    if (value.empty() || value.size() > kMaxNotificationParamLength) {
      return InvalidField(field, "must be 1 to " + std::to_string(kMaxNotificationParamLength) + " characters");
    }
    if (!IsPrintableUtf8(value) || value.find('\t') != std::string::npos) {
      return InvalidField(field, "must be printable UTF-8 text on one line");
    }
  }
  return OkStatus();
}

Result<RenderedNotification> RenderNotification(std::string_view template_id, NotificationLanguage language,
                                                const NotificationParams& params) {
  RXD_TRY(ValidateNotificationParams(template_id, params));
  const Template& t = *Find(template_id);
  const bool es = language == NotificationLanguage::kSpanish;
  const Text& text = es ? t.es : t.en;
  RenderedNotification out;
  out.subject = Fill(text.subject, params);
  out.body =
      std::string(es ? kGreetingEs : kGreetingEn) + Fill(text.body, params) + std::string(es ? kSignOffEs : kSignOffEn);
  out.sms = Fill(text.sms, params);
  return out;
}

}  // namespace rxdesk
