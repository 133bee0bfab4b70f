#include "domain/note_templates.h"

#include <gtest/gtest.h>

namespace rxdesk {
namespace {

const NoteTemplate& Template(const char* id) {
  const NoteTemplate* t = FindNoteTemplate(DefaultNoteTemplates(), id);
  EXPECT_NE(t, nullptr) << id;
  return *t;
}

NoteValues RefillNote() { return {{"rx_number", std::string("1234567")}, {"outcome", std::string("placed")}}; }

TEST(NoteTemplates, EveryContactTypeOfTheProductHasATemplateWithRequiredFields) {
  for (const char* id : {"refill", "transfer", "billing", "escalation", "complaint"}) {
    const NoteTemplate& t = Template(id);
    EXPECT_FALSE(t.title.empty());
    EXPECT_TRUE(std::any_of(t.fields.begin(), t.fields.end(), [](const NoteField& f) { return f.required; })) << id;
  }
  EXPECT_EQ(FindNoteTemplate(DefaultNoteTemplates(), "chat"), nullptr);
}

TEST(NoteTemplates, ANoteWithItsRequiredFieldsIsAcceptedAndTrimmed) {
  NoteValues v = RefillNote();
  v["comment"] = std::string("  asked for expedited  ");
  auto clean = ValidateNote(Template("refill"), v, NotePolicy{});
  ASSERT_TRUE(clean.ok()) << clean.error().message;
  EXPECT_EQ(std::get<std::string>(clean->at("comment")), "asked for expedited");
}

TEST(NoteTemplates, AMissingRequiredFieldIsRefusedNamingIt) {
  NoteValues v = RefillNote();
  v.erase("outcome");
  auto r = ValidateNote(Template("refill"), v, NotePolicy{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "note_field_required");
  EXPECT_EQ(r.error().field, "fields.outcome");
}

TEST(NoteTemplates, ABlankRequiredTextCountsAsMissing) {
  NoteValues v = RefillNote();
  v["rx_number"] = std::string("   ");
  auto r = ValidateNote(Template("refill"), v, NotePolicy{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "note_field_required");
  EXPECT_EQ(r.error().field, "fields.rx_number");
}

TEST(NoteTemplates, AnEmptyNoteNamesTheFirstRequiredField) {
  auto r = ValidateNote(Template("complaint"), {}, NotePolicy{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "fields.category");
}

TEST(NoteTemplates, AnUnknownFieldIsRefused) {
  NoteValues v = RefillNote();
  v["diagnosis"] = std::string("x");
  auto r = ValidateNote(Template("refill"), v, NotePolicy{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_request");
  EXPECT_EQ(r.error().field, "fields.diagnosis");
}

TEST(NoteTemplates, WrongTypesAreRefusedNamingTheField) {
  NoteValues v = {{"direction", std::string("in")},
                  {"other_pharmacy", std::string("Main St Pharmacy")},
                  {"other_pharmacy_phone", std::string("5125550100")},
                  {"controlled", std::string("yes")}};
  auto r = ValidateNote(Template("transfer"), v, NotePolicy{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "fields.controlled");
  v["controlled"] = true;
  EXPECT_TRUE(ValidateNote(Template("transfer"), v, NotePolicy{}).ok());
  v["rx_number"] = std::int64_t{1234567};
  EXPECT_EQ(ValidateNote(Template("transfer"), v, NotePolicy{}).error().field, "fields.rx_number");
}

TEST(NoteTemplates, ChoicesDatesAndIntegerRangesAreChecked) {
  NoteValues v = RefillNote();
  v["outcome"] = std::string("maybe");
  EXPECT_EQ(ValidateNote(Template("refill"), v, NotePolicy{}).error().field, "fields.outcome");
  v = RefillNote();
  v["next_eligible_date"] = std::string("2026-02-30");
  EXPECT_EQ(ValidateNote(Template("refill"), v, NotePolicy{}).error().field, "fields.next_eligible_date");
  NoteValues billing = {{"topic", std::string("copay")}, {"outcome", std::string("explained")}};
  billing["amount_cents"] = std::int64_t{-1};
  EXPECT_EQ(ValidateNote(Template("billing"), billing, NotePolicy{}).error().field, "fields.amount_cents");
  billing["amount_cents"] = std::int64_t{0};
  EXPECT_TRUE(ValidateNote(Template("billing"), billing, NotePolicy{}).ok());
}

TEST(NoteTemplates, TextUpToTheLimitIsAcceptedAndOneByteMoreIsNot) {
  const NotePolicy policy{.max_text_bytes = 10};
  NoteValues v = RefillNote();
  v["comment"] = std::string(10, 'a');
  EXPECT_TRUE(ValidateNote(Template("refill"), v, policy).ok());
  v["comment"] = std::string(11, 'a');
  EXPECT_EQ(ValidateNote(Template("refill"), v, policy).error().field, "fields.comment");
}

TEST(NoteTemplates, ControlCharactersAreRefusedButLineBreaksAreKept) {
  NoteValues v = RefillNote();
  v["comment"] = std::string("line one\nline two");
  EXPECT_TRUE(ValidateNote(Template("refill"), v, NotePolicy{}).ok());
  v["comment"] = std::string("bell\x07");
  EXPECT_EQ(ValidateNote(Template("refill"), v, NotePolicy{}).error().field, "fields.comment");
}

}  // namespace
}  // namespace rxdesk
