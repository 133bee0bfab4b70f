// The main line's flow, as docs/examples/ivr-main.toml writes it (a test keeps the two equal).
#include "domain/ivr.h"

namespace rxdesk {

const std::vector<std::string>& IvrMessageKeys() {
  static const std::vector<std::string> kKeys = {
      "welcome",          "reference",        "invalid",        "no_input",         "representative",
      "position",         "agent_now",        "callback_offer", "callback_booked",  "closed",
      "closed_opens",     "secure_message",   "goodbye",        "verify_member",    "verify_dob",
      "verify_failed",    "verified",         "refill_rx",      "refill_placed",    "refill_too_soon",
      "refill_refused",   "refill_not_found", "order_status",   "no_orders",        "status_received",
      "status_in_review", "status_filled",    "status_shipped", "status_delivered", "status_cancelled",
      "status_returned",
  };
  return kKeys;
}

const IvrFlow& MainLineFlow() {
  static const IvrFlow kFlow = [] {
    IvrFlow f;
    f.start = "main";
    f.max_failures = 3;
    f.gather_timeout_s = 5;
    f.failure_queue = "representative";
    f.menus.push_back(
        {.id = "main",
         .prompt = {"For refills and delivery status, press 1. For billing and insurance, press 2. For Medicare Part "
                    "D, press 3. To speak with a pharmacist, press 4. International callers, press 5. To refill a "
                    "prescription or hear your order status with your keypad, press 6. Para español, oprima 9. For a "
                    "representative, press 0.",
                    "Para resurtidos y el estado de su entrega, oprima 1. Para facturación y seguros, oprima 2. Para "
                    "Medicare Parte D, oprima 3. Para hablar con un farmacéutico, oprima 4. Si llama desde fuera de "
                    "los Estados Unidos, oprima 5. Para resurtir una receta o escuchar el estado de su pedido con el "
                    "teclado, oprima 6. Para hablar con un representante, oprima 0."},
         .options = {
             {"1", IvrOptionKind::kEnqueue, "refills_delivery"},
             {"2", IvrOptionKind::kEnqueue, "billing_insurance"},
             {"3", IvrOptionKind::kEnqueue, "medicare_part_d"},
             {"4", IvrOptionKind::kEnqueue, "clinical_pharmacist"},
             {"5", IvrOptionKind::kEnqueue, "international"},
             {"6", IvrOptionKind::kGoto, "self_service"},
             {"9", IvrOptionKind::kLanguage, "es"},
             {"0", IvrOptionKind::kEnqueue, "representative"},
         }});
    f.menus.push_back({.id = "self_service",
                       .prompt = {"To refill a prescription by its Rx number, press 1. To hear the status of your "
                                  "latest order, press 2. To return to the main menu, press star.",
                                  "Para resurtir una receta con su número Rx, oprima 1. Para escuchar el estado de su "
                                  "pedido más reciente, oprima 2. Para volver al menú principal, oprima asterisco."},
                       .options = {
                           {"1", IvrOptionKind::kSelfService, "refill"},
                           {"2", IvrOptionKind::kSelfService, "order_status"},
                           {"*", IvrOptionKind::kGoto, "main"},
                       }});
    f.messages["welcome"] = {"Thank you for calling.", "Gracias por llamar."};
    f.messages["reference"] = {"Your reference number is {reference}.", "Su número de referencia es {reference}."};
    f.messages["invalid"] = {"Sorry, that is not an option.", "Lo sentimos, esa no es una opción."};
    f.messages["no_input"] = {"Sorry, we did not hear your choice.", "Lo sentimos, no escuchamos su selección."};
    f.messages["representative"] = {"Let us connect you with a representative.",
                                    "Le comunicamos con un representante."};
    f.messages["position"] = {
        "You are number {position} in line. The expected wait is about {minutes} minutes.",
        "Usted es el número {position} en la fila. La espera estimada es de unos {minutes} minutos."};
    f.messages["agent_now"] = {"An agent will be with you now.", "Un agente le atenderá ahora."};
    f.messages["callback_offer"] = {
        "To have us call you back instead of waiting, press 1. To keep waiting, press 2.",
        "Para que le devolvamos la llamada en lugar de esperar, oprima 1. Para seguir esperando, oprima 2."};
    f.messages["callback_booked"] = {"We will call you back at the number you are calling from. Goodbye.",
                                     "Le devolveremos la llamada al número desde el que llama. Adiós."};
    f.messages["closed"] = {"This line is closed now.", "Esta línea está cerrada ahora."};
    f.messages["closed_opens"] = {"It opens {opens}.", "Abre {opens}."};
    f.messages["secure_message"] = {
        "You can send a secure message to a pharmacist at any time from your online account.",
        "Puede enviar un mensaje seguro a un farmacéutico en cualquier momento desde su cuenta en línea."};
    f.messages["goodbye"] = {"Goodbye.", "Adiós."};
    f.messages["verify_member"] = {
        "Please enter the nine digits of your member number, after the letter M on your card.",
        "Marque los nueve dígitos de su número de miembro, después de la letra M de su tarjeta."};
    f.messages["verify_dob"] = {"Now enter your date of birth as eight digits: month, day and year.",
                                "Ahora marque su fecha de nacimiento con ocho dígitos: mes, día y año."};
    f.messages["verify_failed"] = {"Those details do not match our records.",
                                   "Esos datos no coinciden con nuestros registros."};
    f.messages["verified"] = {"Thank you. You are verified.", "Gracias. Su identidad está verificada."};
    f.messages["refill_rx"] = {"Enter the eight-digit Rx number from your prescription label.",
                               "Marque el número Rx de ocho dígitos de la etiqueta de su receta."};
    f.messages["refill_placed"] = {
        "Your refill is placed. Its order reference is {reference}. Expected delivery between {earliest} and {latest}.",
        "Su resurtido está hecho. La referencia del pedido es {reference}. Entrega estimada entre el {earliest} y el "
        "{latest}."};
    f.messages["refill_too_soon"] = {"It is too soon to refill this prescription. You can refill it on {date}.",
                                     "Todavía es pronto para resurtir esta receta. Puede resurtirla el {date}."};
    f.messages["refill_refused"] = {"We cannot refill this prescription by phone. A representative can help you.",
                                    "No podemos resurtir esta receta por teléfono. Un representante puede ayudarle."};
    f.messages["refill_not_found"] = {"We could not find that Rx number.", "No encontramos ese número Rx."};
    f.messages["order_status"] = {
        "Your latest order, reference {reference}, is {status}. Expected delivery between {earliest} and {latest}.",
        "Su pedido más reciente, con referencia {reference}, está {status}. Entrega estimada entre el {earliest} y el "
        "{latest}."};
    f.messages["no_orders"] = {"We found no orders for you.", "No encontramos pedidos a su nombre."};
    f.messages["status_received"] = {"received", "recibido"};
    f.messages["status_in_review"] = {"being reviewed by a pharmacist", "en revisión por un farmacéutico"};
    f.messages["status_filled"] = {"filled and ready to ship", "surtido y listo para enviar"};
    f.messages["status_shipped"] = {"shipped", "enviado"};
    f.messages["status_delivered"] = {"delivered", "entregado"};
    f.messages["status_cancelled"] = {"cancelled", "cancelado"};
    f.messages["status_returned"] = {"returned", "devuelto"};
    return f;
  }();
  return kFlow;
}

}  // namespace rxdesk
