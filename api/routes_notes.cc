// Contact documentation (PRODUCT.md section 8): GET /v1/note-templates,
// POST|GET /v1/contacts/{id}/notes. Also registers the rest of the contact
// desk's families (routes_messages.cc, routes_tickets.cc, routes_surveys.cc).
#include "api/api.h"
#include "api/openapi.h"
#include "api/response.h"

namespace rxdesk {
namespace {

const std::vector<Role> kHolders = {Role::kAgent, Role::kPharmacist, Role::kSupervisor};

Json TemplateJson(const NoteTemplate& t) {
  Json fields = Json::array();
  for (const NoteField& f : t.fields) {
    Json field = {{"name", f.name}, {"type", ToString(f.type)}, {"required", f.required}};
    if (f.type == NoteFieldType::kChoice) field["choices"] = f.choices;
    if (f.type == NoteFieldType::kInteger) {
      field["min"] = f.min;
      field["max"] = f.max;
    }
    fields.push_back(std::move(field));
  }
  return {{"id", t.id}, {"title", t.title}, {"fields", std::move(fields)}};
}

Json NoteJson(const ContactNote& n) {
  Json fields = Json::object();
  for (const auto& [name, v] : n.fields) {
    std::visit([&, &key = name](const auto& x) { fields[key] = x; }, v);
  }
  return {{"id", n.id},
          {"contact_id", n.contact_id},
          {"template", n.template_id},
          {"fields", std::move(fields)},
          {"author_id", n.author_id},
          {"created_at", n.created_at}};
}

Json NoteSchema() {
  return ObjectSchema({{"id", StringSchema()},
                       {"contact_id", StringSchema()},
                       {"template", StringSchema()},
                       {"fields", {{"type", "object"}}},
                       {"author_id", StringSchema()},
                       {"created_at", StringSchema("date-time")}});
}

// {"template", "fields": {name: string | integer | boolean}}
Result<std::pair<std::string, NoteValues>> ReadNote(JsonObject& body) {
  RXD_ASSIGN_OR_RETURN(std::string template_id, body.RequiredString("template", 40));
  RXD_ASSIGN_OR_RETURN(JsonObject fields, body.RequiredObject("fields"));
  RXD_TRY(body.NoOtherFields());
  NoteValues values;
  if (fields.json().size() > 50) return InvalidField("fields", "must have at most 50 fields");
  for (const auto& [name, v] : fields.json().items()) {
    const std::string path = "fields." + name.substr(0, 64);
    if (v.is_string()) {
      values.emplace(name, v.get<std::string>());
    } else if (v.is_boolean()) {
      values.emplace(name, v.get<bool>());
    } else if (v.is_number_integer()) {
      values.emplace(name, v.get<std::int64_t>());
    } else {
      return InvalidField(path, "must be a string, an integer or a boolean");
    }
  }
  return std::make_pair(std::move(template_id), std::move(values));
}

}  // namespace

void Api::AddDeskRoutes() {
  AddNoteRoutes();
  AddMessageRoutes();
  AddTicketRoutes();
  AddSurveyRoutes();
}

void Api::AddNoteRoutes() {
  if (deps_.notes == nullptr) return;
  NoteService& notes = *deps_.notes;

  router_.Add({.method = "GET",
               .pattern = "/v1/note-templates",
               .rule = {.roles = kHolders},
               .summary = "The note templates per contact type, with their fields, types and required ones",
               .tag = "contacts",
               .response_schema = ObjectSchema({{"items", {{"type", "array"}}}})},
              Handler([&notes](RouteContext&) -> Result<HttpResponse> {
                Json items = Json::array();
                for (const NoteTemplate& t : notes.templates()) items.push_back(TemplateJson(t));
                return JsonResponse(200, Json{{"items", std::move(items)}});
              }));

  router_.Add({.method = "POST",
               .pattern = "/v1/contacts/{id}/notes",
               .rule = {.roles = kHolders},
               .summary = "Document a contact with a template; required fields are enforced (422 note_field_required)",
               .tag = "contacts",
               .request_schema = ObjectSchema({{"template", StringSchema("", 40)}, {"fields", {{"type", "object"}}}},
                                              {"template", "fields"}),
               .response_schema = NoteSchema(),
               .success_status = 201,
               .idempotent_create = true},
              [this, &notes](RouteContext& ctx) {
                return WithIdempotency(ctx, deps_, [&](const CommitHook<Json>& on_commit) -> Result<HttpResponse> {
                  RXD_ASSIGN_OR_RETURN(JsonObject body, BodyOf(ctx));
                  RXD_ASSIGN_OR_RETURN(auto note, ReadNote(body));
                  RXD_ASSIGN_OR_RETURN(ContactNote n, notes.Add(CallerOf(ctx), ctx.Param(0), note.first, note.second,
                                                                [&](Connection& conn, const ContactNote& created) {
                                                                  return on_commit ? on_commit(conn, NoteJson(created))
                                                                                   : OkStatus();
                                                                }));
                  return JsonResponse(201, NoteJson(n));
                });
              });

  router_.Add({.method = "GET",
               .pattern = "/v1/contacts/{id}/notes",
               .rule = {.roles = kHolders},
               .summary = "A contact's notes, oldest first",
               .tag = "contacts",
               .response_schema = ObjectSchema({{"items", {{"type", "array"}, {"items", NoteSchema()}}}})},
              Handler([&notes](RouteContext& ctx) -> Result<HttpResponse> {
                RXD_ASSIGN_OR_RETURN(std::vector<ContactNote> list, notes.List(CallerOf(ctx), ctx.Param(0)));
                Json items = Json::array();
                for (const ContactNote& n : list) items.push_back(NoteJson(n));
                return JsonResponse(200, Json{{"items", std::move(items)}});
              }));
}

}  // namespace rxdesk
