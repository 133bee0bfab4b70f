#include "domain/note_templates.h"

#include <algorithm>

#include "domain/contact_info.h"
#include "domain/time.h"

namespace rxdesk {
namespace {

NoteField TextField(const char* name, bool required) {
  return {.name = name, .type = NoteFieldType::kText, .required = required};
}
NoteField DateField(const char* name, bool required) {
  return {.name = name, .type = NoteFieldType::kDate, .required = required};
}
NoteField FlagField(const char* name, bool required) {
  return {.name = name, .type = NoteFieldType::kBoolean, .required = required};
}
NoteField ChoiceField(const char* name, bool required, std::vector<std::string> choices) {
  return {.name = name, .type = NoteFieldType::kChoice, .required = required, .choices = std::move(choices)};
}
NoteField IntegerField(const char* name, bool required, std::int64_t min, std::int64_t max) {
  return {.name = name, .type = NoteFieldType::kInteger, .required = required, .min = min, .max = max};
}

std::string Trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::string Path(const NoteField& f) { return "fields." + f.name; }

Result<NoteValue> Check(const NoteField& f, const NoteValue& v, const NotePolicy& policy) {
  switch (f.type) {
    case NoteFieldType::kBoolean:
      if (!std::holds_alternative<bool>(v)) return InvalidField(Path(f), "must be true or false");
      return v;
    case NoteFieldType::kInteger: {
      if (!std::holds_alternative<std::int64_t>(v)) return InvalidField(Path(f), "must be an integer");
      const std::int64_t n = std::get<std::int64_t>(v);
      if (n < f.min || n > f.max) {
        return InvalidField(Path(f), "must be from " + std::to_string(f.min) + " to " + std::to_string(f.max));
      }
      return v;
    }
    case NoteFieldType::kText:
    case NoteFieldType::kDate:
    case NoteFieldType::kChoice:
      break;
  }
  if (!std::holds_alternative<std::string>(v)) return InvalidField(Path(f), "must be a string");
  std::string text = Trim(std::get<std::string>(v));
  if (text.empty()) {
    if (f.required) return MakeError("note_field_required", "this template requires " + f.name, Path(f));
    return NoteValue(std::string());
  }
  std::string flat = text;  // line breaks are welcome in a note; other control characters are not
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  if (!IsPrintableUtf8(flat)) return InvalidField(Path(f), "must be UTF-8 text without control characters");
  if (text.size() > policy.max_text_bytes) {
    return InvalidField(Path(f), "must be at most " + std::to_string(policy.max_text_bytes) + " bytes");
  }
  if (f.type == NoteFieldType::kDate) {
    RXD_TRY(ParseDate(text, Path(f)));
  } else if (f.type == NoteFieldType::kChoice &&
             std::find(f.choices.begin(), f.choices.end(), text) == f.choices.end()) {
    std::string list;
    for (const std::string& c : f.choices) list += (list.empty() ? "" : ", ") + c;
    return InvalidField(Path(f), "must be one of " + list);
  }
  return NoteValue(std::move(text));
}

}  // namespace

std::string_view ToString(NoteFieldType type) {
  switch (type) {
    case NoteFieldType::kText:
      return "text";
    case NoteFieldType::kDate:
      return "date";
    case NoteFieldType::kInteger:
      return "integer";
    case NoteFieldType::kBoolean:
      return "boolean";
    case NoteFieldType::kChoice:
      return "choice";
  }
  return "text";
}

const std::vector<NoteTemplate>& DefaultNoteTemplates() {
  static const std::vector<NoteTemplate> kTemplates = {
      {"refill",
       "Refill request",
       {TextField("rx_number", true),
        ChoiceField("outcome", true,
                    {"placed", "too_soon", "no_refills", "renewal_requested", "prior_auth_required", "declined"}),
        TextField("order_reference", false), DateField("next_eligible_date", false), TextField("comment", false)}},
      {"transfer",
       "Prescription transfer",
       {ChoiceField("direction", true, {"in", "out"}), TextField("other_pharmacy", true),
        TextField("other_pharmacy_phone", true), TextField("rx_number", false), FlagField("controlled", true),
        TextField("comment", false)}},
      {"billing",
       "Billing or insurance question",
       {ChoiceField("topic", true, {"copay", "claim", "refund", "prior_authorization", "part_d", "other"}),
        IntegerField("amount_cents", false, 0, 100'000'000), TextField("claim_reference", false),
        TextField("outcome", true)}},
      {"escalation",
       "Escalation",
       {ChoiceField("path", true, {"supervisor", "pharmacy_manager", "clinical_risk", "privacy_officer"}),
        TextField("reason", true), TextField("ticket_reference", false), FlagField("member_told_reference", true)}},
      {"complaint",
       "Complaint",
       {ChoiceField("category", true, {"service", "delivery", "billing", "clinical", "privacy", "other"}),
        TextField("description", true), FlagField("callback_requested", true), TextField("resolution_offered", false)}},
  };
  return kTemplates;
}

const NoteTemplate* FindNoteTemplate(std::span<const NoteTemplate> templates, std::string_view id) {
  for (const NoteTemplate& t : templates) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

Result<NoteValues> ValidateNote(const NoteTemplate& note_template, const NoteValues& values, const NotePolicy& policy) {
  for (const auto& [name, value] : values) {
    const bool known = std::any_of(note_template.fields.begin(), note_template.fields.end(),
                                   [&](const NoteField& f) { return f.name == name; });
    if (!known) return InvalidField("fields." + name, "is not a field of the " + note_template.id + " template");
  }
  NoteValues clean;
  for (const NoteField& f : note_template.fields) {
    const auto it = values.find(f.name);
    if (it == values.end()) {
      if (f.required) return MakeError("note_field_required", "this template requires " + f.name, Path(f));
      continue;
    }
    RXD_ASSIGN_OR_RETURN(NoteValue v, Check(f, it->second, policy));
    if (std::holds_alternative<std::string>(v) && std::get<std::string>(v).empty()) continue;  // blank optional
    clean.emplace(f.name, std::move(v));
  }
  return clean;
}

}  // namespace rxdesk
