#include "services/note_service.h"

#include <nlohmann/json.hpp>

#include "infra/ids.h"
#include "services/audit.h"

namespace rxdesk {
namespace {

constexpr char kTable[] = "contact_notes";

std::string Serialize(const NoteValues& values) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, v] : values) {
    std::visit([&, &key = name](const auto& x) { j[key] = x; }, v);
  }
  return j.dump();
}

Result<NoteValues> Deserialize(const std::string& text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return MakeError("store_error", "a stored note is not an object");
  NoteValues out;
  for (const auto& [name, v] : j.items()) {
    if (v.is_boolean()) {
      out.emplace(name, v.get<bool>());
    } else if (v.is_number_integer()) {
      out.emplace(name, v.get<std::int64_t>());
    } else if (v.is_string()) {
      out.emplace(name, v.get<std::string>());
    }
  }
  return out;
}

}  // namespace

Result<ContactNote> NoteService::Add(const Caller& caller, const std::string& contact_id,
                                     const std::string& template_id, const NoteValues& fields,
                                     const CommitHook<ContactNote>& on_commit) {
  const NoteTemplate* t = FindNoteTemplate(templates_, template_id);
  if (t == nullptr) return InvalidField("template", "is not a note template (GET /v1/note-templates lists them)");
  RXD_ASSIGN_OR_RETURN(NoteValues clean, ValidateNote(*t, fields, policy_));
  RXD_ASSIGN_OR_RETURN(Contact contact, contacts_.GetHeld(caller, contact_id, "contact_note.create"));
  const Instant now = clock_.Now();
  ContactNote note{.id = NewId(),
                   .contact_id = contact.id,
                   .template_id = t->id,
                   .fields = std::move(clean),
                   .author_id = caller.principal.user_id,
                   .created_at = FormatInstant(now)};
  RXD_TRY(store_.Write([&](WriteContext& w) -> Status {
    RXD_TRY(
        w.conn.Exec("INSERT INTO contact_notes(id, contact_id, template, fields_enc, author_id, key_id, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    {Value(note.id), Value(note.contact_id), Value(note.template_id),
                     Value(vault_.Seal(kTable, note.id, "fields", Serialize(note.fields))), Value(note.author_id),
                     Value(static_cast<std::int64_t>(vault_.current_key_id())), Value(note.created_at)}));
    RXD_TRY(w.audit.Append(w.conn,
                           MakeAudit(caller, now, "contact_note.create", "contact_note", note.id, contact.member_id)));
    return on_commit ? on_commit(w.conn, note) : OkStatus();
  }));
  return note;
}

Result<std::vector<ContactNote>> NoteService::List(const Caller& caller, const std::string& contact_id) {
  RXD_ASSIGN_OR_RETURN(Contact contact, contacts_.GetHeld(caller, contact_id, "contact_note.read"));
  std::vector<ContactNote> notes;
  RXD_TRY(store_.Read([&](Connection& conn) -> Status {
    RXD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT id, template, fields_enc, author_id, created_at FROM "
                                               "contact_notes WHERE contact_id = ? ORDER BY id",
                                               {Value(contact.id)}));
    for (const Row& r : rows) {
      ContactNote n{.id = r.Text(0), .contact_id = contact.id, .template_id = r.Text(1)};
      RXD_ASSIGN_OR_RETURN(std::string text, vault_.Open(kTable, n.id, "fields", r.at(2)));
      RXD_ASSIGN_OR_RETURN(n.fields, Deserialize(text));
      n.author_id = r.Text(3);
      n.created_at = r.Text(4);
      notes.push_back(std::move(n));
    }
    return OkStatus();
  }));
  RXD_TRY(AuditAlone(store_,
                     MakeAudit(caller, clock_.Now(), "contact_note.read", "contact", contact.id, contact.member_id)));
  return notes;
}

}  // namespace rxdesk
