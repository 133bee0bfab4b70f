// Contact notes written with a template per contact type (PRODUCT.md section 8:
// refill, transfer, billing, escalation, complaint): each template lists its
// fields with a type and whether it is required, and a note is checked against it.
//
//   const NoteTemplate* t = FindNoteTemplate(DefaultNoteTemplates(), "refill");
//   NoteValues values = {{"rx_number", std::string("1234567")}, {"outcome", std::string("placed")}};
//   RXD_ASSIGN_OR_RETURN(NoteValues clean, ValidateNote(*t, values, NotePolicy{}));
//
// Refusals name the field as "fields.<name>": invalid_request for an unknown
// field, a wrong type or a value out of range; note_field_required (422) for a
// required field that is missing or blank.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/result.h"

namespace rxdesk {

enum class NoteFieldType { kText, kDate, kInteger, kBoolean, kChoice };
// "text", "date" (YYYY-MM-DD), "integer", "boolean", "choice".
std::string_view ToString(NoteFieldType type);

struct NoteField {
  std::string name;
  NoteFieldType type = NoteFieldType::kText;
  bool required = false;
  std::vector<std::string> choices;           // kChoice: the allowed values
  std::int64_t min = 0, max = 1'000'000'000;  // kInteger: the allowed range
};

struct NoteTemplate {
  std::string id;     // the contact type: "refill", "transfer", ...
  std::string title;  // for people
  std::vector<NoteField> fields;
};

struct NotePolicy {
  // (config) The longest text field, in bytes of UTF-8: a note is a summary, not a transcript.
  std::size_t max_text_bytes = 2000;
};

// A field's value as the note carries it.
using NoteValue = std::variant<std::string, std::int64_t, bool>;
using NoteValues = std::map<std::string, NoteValue, std::less<>>;

// The shipped templates: refill, transfer, billing, escalation, complaint.
const std::vector<NoteTemplate>& DefaultNoteTemplates();

// The template with this id, or nullptr.
const NoteTemplate* FindNoteTemplate(std::span<const NoteTemplate> templates, std::string_view id);

// Checks `values` against the template and returns them with text trimmed.
// Refusals as described at the top of this file.
Result<NoteValues> ValidateNote(const NoteTemplate& note_template, const NoteValues& values, const NotePolicy& policy);

}  // namespace rxdesk
