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
