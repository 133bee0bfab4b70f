#include "infra/email_sender.h"

#include <gtest/gtest.h>

#include "infra/sms_gateway.h"

namespace rxdesk {
namespace {

EmailMessage Message() {
  return {.to = "member1@example.com",
          .subject = "Recibimos su solicitud de resurtido RX-261123-4F7KQ2-8",
          .body = "Hola:\n\nInicie sesión.\n",
          .message_id = "<01JDB3Q7Z8M4X9K2T6R5W0HNCE@rxdesk>",
          .date = std::chrono::sys_days{std::chrono::year{2026} / 11 / 23} + std::chrono::hours(15)};
}

TEST(EmailMessageTest, HeadersAreCrlfTerminatedAndTheBodyIsBase64Utf8) {
  const std::string m = BuildEmailMessage("care@example.com", Message());
  EXPECT_NE(m.find("Date: Mon, 23 Nov 2026 15:00:00 +0000\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("From: <care@example.com>\r\nTo: <member1@example.com>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Message-ID: <01JDB3Q7Z8M4X9K2T6R5W0HNCE@rxdesk>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n"),
            std::string::npos);
  // "Hola:\n\nInicie sesión.\n" in base64.
  EXPECT_NE(m.find("\r\n\r\nSG9sYToKCkluaWNpZSBzZXNpw7NuLgo=\r\n"), std::string::npos) << m;
  for (std::size_t i = m.find('\n'); i != std::string::npos; i = m.find('\n', i + 1)) {
    ASSERT_EQ(m[i - 1], '\r') << "bare LF at " << i;
  }
}

TEST(EmailMessageTest, SubjectIsEncodedWordsOnCharacterBoundaries) {
  EmailMessage msg = Message();
  msg.subject = std::string(40, 'a') + "ñññññ";  // a split after 45 bytes would cut an ñ in two
  const std::string m = BuildEmailMessage("care@example.com", msg);
  const std::size_t start = m.find("Subject: ");
  const std::string subject = m.substr(start, m.find("\r\nMessage-ID") - start);
  EXPECT_TRUE(subject.starts_with("Subject: =?UTF-8?B?")) << subject;
  EXPECT_NE(subject.find("?=\r\n =?UTF-8?B?"), std::string::npos) << "folded into two words: " << subject;
  // First word: 40 'a' and two ñ (44 bytes), not 45.
  EXPECT_NE(subject.find("=?UTF-8?B?YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYcOxw7E=?="), std::string::npos)
      << subject;
}

TEST(EmailMessageTest, MailboxesWithHeaderOrCommandInjectionAreRefused) {
  EXPECT_TRUE(ValidMailbox("member1@example.com"));
  EXPECT_TRUE(ValidMailbox("a.b+c@sub.example.co"));
  for (const char* bad :
       {"", "member1", "@example.com", "member1@", "a@b@c", "a b@example.com", "a@example.com\r\nBcc: x@evil.example",
        "a@example.com>", "<a@example.com", "a@example.com,b@example.com", "\"a\"@example.com"}) {
    EXPECT_FALSE(ValidMailbox(bad)) << bad;
  }
  EXPECT_FALSE(ValidMailbox(std::string(250, 'a') + "@b.co"));
}

TEST(EmailMessageTest, SendingToAnInvalidAddressFailsForGoodWithoutConnecting) {
  SmtpEmailSender sender({.url = "smtp://127.0.0.1:1", .from = "care@example.com", .tls = SmtpTls::kNone});
  EmailMessage msg = Message();
  msg.to = "x@example.com\r\nRCPT TO:<y@example.com>";
  const SendOutcome r = sender.Send(msg);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.permanent);
  EXPECT_EQ(r.error, "invalid_address");
}

TEST(EmailMessageTest, AnUnreachableServerIsATemporaryFailureThatNamesNoAddress) {
  SmtpEmailSender sender(
      {.url = "smtp://127.0.0.1:1", .from = "care@example.com", .tls = SmtpTls::kNone, .timeout_s = 5});
  const SendOutcome r = sender.Send(Message());
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(r.error.find("member1"), std::string::npos) << r.error;
  EXPECT_FALSE(r.error.empty());
}

TEST(SmsGatewayTest, NumbersMustBeE164) {
  EXPECT_TRUE(ValidE164("+15125550100"));
  for (const char* bad : {"", "15125550100", "+1512555010a", "+1", "+1234567890123456", "+1 512 555 0100"}) {
    EXPECT_FALSE(ValidE164(bad)) << bad;
  }
  HttpSmsGateway sms({.url = "http://127.0.0.1:1/", .token = "t"});
  const SendOutcome r = sms.Send({.to = "5125550100", .text = "x", .id = "1"});
  EXPECT_TRUE(r.permanent);
  EXPECT_EQ(r.error, "invalid_number");
}

TEST(SmsGatewayTest, AnUnreachableGatewayIsATemporaryFailure) {
  HttpSmsGateway sms({.url = "http://127.0.0.1:1/", .token = "t", .timeout_s = 5});
  const SendOutcome r = sms.Send({.to = "+15125550100", .text = "x", .id = "01JDB3Q7Z8M4X9K2T6R5W0HNCE"});
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.permanent);
  EXPECT_EQ(r.error.find("5125550100"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace rxdesk
