#include "domain/notification_templates.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace rxdesk {
namespace {

const NotificationParams kRef = {{"reference", "RX-261123-4F7KQ2-8"}};

// Parameters that satisfy every template: its required ones and its optional ones.
NotificationParams FullParams(const NotificationTemplateInfo& t) {
  NotificationParams p;
  for (const std::string& name : t.required) p[name] = "<" + name + ">";
  for (const std::string& name : t.optional) p[name] = "<" + name + ">";
  return p;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

TEST(NotificationTemplatesTest, TheContactCenterTemplatesAllExist) {
  std::set<std::string_view> ids;
  for (const auto& t : NotificationTemplates()) ids.insert(t.id);
  for (const char* id : {"refill_confirmed", "transfer_confirmed", "message_reply", "ticket_opened", "csat_survey",
                         "callback_scheduled", "refill_reminder"}) {
    EXPECT_TRUE(ids.contains(id)) << id;
  }
}

TEST(NotificationTemplatesTest, ParametersAreAsDocumented) {
  std::map<std::string_view, std::pair<std::vector<std::string>, std::vector<std::string>>> got;
  for (const auto& t : NotificationTemplates()) got[t.id] = {t.required, t.optional};
  using V = std::vector<std::string>;
  EXPECT_EQ(got["refill_confirmed"], std::make_pair(V{"reference"}, V{}));
  EXPECT_EQ(got["transfer_confirmed"], std::make_pair(V{"reference"}, V{}));
  EXPECT_EQ(got["transfer_failed"], std::make_pair(V{"reference"}, V{}));
  EXPECT_EQ(got["message_reply"], std::make_pair(V{"reference"}, V{}));
  EXPECT_EQ(got["ticket_opened"], std::make_pair(V{"reference"}, V{}));
  EXPECT_EQ(got["csat_survey"], std::make_pair(V{"reference"}, V{"link"}));
  EXPECT_EQ(got["callback_scheduled"], std::make_pair(V{"reference"}, V{"when"}));
  EXPECT_EQ(got["refill_reminder"], std::make_pair(V{}, V{}));
  for (const char* id : {"mail_order_switch_approved", "mail_order_switch_denied", "renewal_approved", "renewal_denied"}) {
    EXPECT_EQ(got[id], std::make_pair(V{"reference"}, V{})) << id;
  }
}

TEST(NotificationTemplatesTest, EveryTemplateRendersInBothLanguagesWithNoPlaceholderLeft) {
  for (const auto& t : NotificationTemplates()) {
    for (NotificationLanguage lang : {NotificationLanguage::kEnglish, NotificationLanguage::kSpanish}) {
      auto m = RenderNotification(t.id, lang, FullParams(t));
      ASSERT_TRUE(m.ok()) << t.id;
      for (const std::string* text : {&m->subject, &m->body, &m->sms}) {
        EXPECT_FALSE(text->empty()) << t.id;
        EXPECT_EQ(text->find_first_of("{}[]"), std::string::npos) << t.id << ": " << *text;
        for (const std::string& name : t.required) EXPECT_NE(text->find("<" + name + ">"), std::string::npos) << t.id;
      }
      EXPECT_EQ(m->subject.find('\n'), std::string::npos) << t.id;
      EXPECT_LE(m->sms.size(), 160u) << t.id << " SMS fits one message with a 20-character reference";
    }
  }
}

TEST(NotificationTemplatesTest, RefillConfirmationInSpanishCarriesTheReference) {
  auto m = RenderNotification("refill_confirmed", NotificationLanguage::kSpanish, kRef);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->subject, "Recibimos su solicitud de resurtido RX-261123-4F7KQ2-8");
  EXPECT_NE(m->body.find("Referencia: RX-261123-4F7KQ2-8"), std::string::npos);
  EXPECT_TRUE(m->body.starts_with("Hola:"));
  auto en = RenderNotification("refill_confirmed", NotificationLanguage::kEnglish, kRef);
  EXPECT_EQ(en->subject, "We received your refill request RX-261123-4F7KQ2-8");
}

TEST(NotificationTemplatesTest, AnOptionalGroupAppearsOnlyWithItsParameter) {
  auto without = RenderNotification("callback_scheduled", NotificationLanguage::kEnglish, kRef);
  ASSERT_TRUE(without.ok());
  EXPECT_EQ(without->sms, "We will call you back. Ref RX-261123-4F7KQ2-8.");
  NotificationParams with = kRef;
  with["when"] = "3:30 PM CT";
  EXPECT_EQ(RenderNotification("callback_scheduled", NotificationLanguage::kEnglish, with)->sms,
            "We will call you back around 3:30 PM CT. Ref RX-261123-4F7KQ2-8.");
  NotificationParams link = kRef;
  link["link"] = "https://example.com/s/abc";
  EXPECT_NE(RenderNotification("csat_survey", NotificationLanguage::kSpanish, link)
                ->body.find("Responda aquí: https://example.com/s/abc\n"),
            std::string::npos);
  EXPECT_EQ(RenderNotification("csat_survey", NotificationLanguage::kSpanish, kRef)->body.find("Responda aquí"),
            std::string::npos);
}

TEST(NotificationTemplatesTest, ParameterValuesAreNotReadAsTemplateText) {
  auto m = RenderNotification("refill_confirmed", NotificationLanguage::kEnglish, {{"reference", "{reference}[x]"}});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->subject, "We received your refill request {reference}[x]");
}

TEST(NotificationTemplatesTest, UnknownTemplateIsRefusedNamingTemplateId) {
  for (const char* id : {"", "refill_confirmed ", "REFILL_CONFIRMED", "order_shipped"}) {
    const Status s = ValidateNotificationParams(id, kRef);
    ASSERT_FALSE(s.ok()) << id;
    EXPECT_EQ(s.error().code, "invalid_request");
    EXPECT_EQ(s.error().field, "template_id");
  }
}

TEST(NotificationTemplatesTest, MissingRequiredParameterIsRefusedNamingIt) {
  const Status s = ValidateNotificationParams("ticket_opened", {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "invalid_request");
  EXPECT_EQ(s.error().field, "params.reference");
  EXPECT_FALSE(RenderNotification("ticket_opened", NotificationLanguage::kEnglish, {}).ok());
}

TEST(NotificationTemplatesTest, AParameterTheTemplateDoesNotTakeIsRefused) {
  NotificationParams extra = kRef;
  extra["drug_name"] = "atorvastatin";
  const Status s = ValidateNotificationParams("refill_confirmed", extra);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "params.drug_name");
  // A name that is itself garbage is not echoed.
  NotificationParams junk = kRef;
  junk[std::string("a\nb")] = "x";
  EXPECT_EQ(ValidateNotificationParams("refill_confirmed", junk).error().field, "params");
  EXPECT_EQ(ValidateNotificationParams("refill_reminder", kRef).error().field, "params.reference");
}

TEST(NotificationTemplatesTest, ValuesMustBeOneLineOfPrintableTextUpToTheLimit) {
  const auto check = [](std::string value) {
    return ValidateNotificationParams("refill_confirmed", {{"reference", value}});
  };
  EXPECT_TRUE(check(std::string(kMaxNotificationParamLength, 'A')).ok());
  EXPECT_EQ(check(std::string(kMaxNotificationParamLength + 1, 'A')).error().field, "params.reference");
  EXPECT_EQ(check("").error().field, "params.reference");
  EXPECT_FALSE(check("RX-1\r\nBcc: victim@example.com").ok()) << "header injection";
  EXPECT_FALSE(check("RX-1\n").ok());
  EXPECT_FALSE(check("RX\t1").ok());
  EXPECT_FALSE(check(std::string("RX\0001", 4)).ok());
  EXPECT_FALSE(check("\xC3\x28").ok()) << "invalid UTF-8";
  EXPECT_TRUE(check("Referencia número 5").ok());
}

TEST(NotificationTemplatesTest, NoTemplateMentionsClinicalDetail) {
  const char* clinical[] = {"dose",    "dosis",           "mg",          "diagnos", "condition", "tablet",
                            "capsule", "medication name", "side effect", "allerg",  "hiv",       "pregnan"};
  for (const auto& t : NotificationTemplates()) {
    for (NotificationLanguage lang : {NotificationLanguage::kEnglish, NotificationLanguage::kSpanish}) {
      auto m = RenderNotification(t.id, lang, FullParams(t));
      ASSERT_TRUE(m.ok());
      const std::string all = Lower(m->subject + " " + m->body + " " + m->sms);
      for (const char* word : clinical) {
        // Whole words only for the short ones ("mg" must not match inside another word).
        const std::string w = std::string(" ") + word;
        EXPECT_EQ(all.find(std::string(word).size() <= 3 ? w + " " : std::string(word)), std::string::npos)
            << t.id << " mentions " << word;
      }
    }
  }
}

}  // namespace
}  // namespace rxdesk
