// Contact notes (PRODUCT.md section 8): the holder of a contact (or a
// supervisor) documents it with the template of its type; required fields are
// enforced (domain/note_templates.h). A note describes a member's care, so its
// fields are sealed, and every write and read is audited.
//
//   NoteService notes(store, vault, clock, contacts, NotePolicy{});
//   RXD_ASSIGN_OR_RETURN(ContactNote n, notes.Add(caller, contact_id, "refill", values, nullptr));
//   RXD_ASSIGN_OR_RETURN(std::vector<ContactNote> all, notes.List(caller, contact_id));   // oldest first
#pragma once

#include <string>
#include <vector>

#include "domain/clock.h"
#include "domain/note_templates.h"
#include "services/contact_service.h"
#include "services/idempotency.h"
#include "services/phi_vault.h"

namespace rxdesk {

struct ContactNote {
  std::string id;
  std::string contact_id;
  std::string template_id;
  NoteValues fields;
  std::string author_id;
  std::string created_at;
};

class NoteService {
 public:
  NoteService(Store& store, const PhiVault& vault, const Clock& clock, ContactService& contacts, NotePolicy policy,
              std::vector<NoteTemplate> templates = DefaultNoteTemplates())
      : store_(store),
        vault_(vault),
        clock_(clock),
        contacts_(contacts),
        policy_(policy),
        templates_(std::move(templates)) {}

  const std::vector<NoteTemplate>& templates() const { return templates_; }

  // Adds a note to a contact the caller holds (open, or closed: after-contact
  // work). Refusals: not_found (no such contact, or not the caller's);
  // invalid_request (template, fields.<name>); note_field_required (422, fields.<name>).
  Result<ContactNote> Add(const Caller& caller, const std::string& contact_id, const std::string& template_id,
                          const NoteValues& fields, const CommitHook<ContactNote>& on_commit);
  // The contact's notes, oldest first. Refusal: not_found.
  Result<std::vector<ContactNote>> List(const Caller& caller, const std::string& contact_id);

 private:
  Store& store_;
  const PhiVault& vault_;
  const Clock& clock_;
  ContactService& contacts_;
  NotePolicy policy_;
  std::vector<NoteTemplate> templates_;
};

}  // namespace rxdesk
