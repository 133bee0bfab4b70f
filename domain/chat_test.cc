#include "domain/chat.h"

#include <gtest/gtest.h>

namespace rxdesk {
namespace {

TEST(ChatText, OneCharacterIsEnough) { EXPECT_TRUE(ValidateChatText("k", ChatPolicy{}).ok()); }

TEST(ChatText, EmptyTextIsRefusedNamingTheField) {
  const Status s = ValidateChatText("", ChatPolicy{});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "invalid_request");
  EXPECT_EQ(s.error().field, "text");
}

TEST(ChatText, OnlyWhiteSpaceAndLineBreaksIsRefused) { EXPECT_FALSE(ValidateChatText(" \t\r\n  ", ChatPolicy{}).ok()); }

TEST(ChatText, ExactlyTheLimitPassesAndOneByteMoreIsRefused) {
  ChatPolicy policy;
  policy.max_text_bytes = 10;
  EXPECT_TRUE(ValidateChatText(std::string(10, 'a'), policy).ok());
  EXPECT_FALSE(ValidateChatText(std::string(11, 'a'), policy).ok());
}

TEST(ChatText, LineBreaksAndAccentsAreText) {
  EXPECT_TRUE(ValidateChatText("Hola,\r\n¿mi receta está lista?\n\tGracias", ChatPolicy{}).ok());
}

TEST(ChatText, ControlCharactersAndBrokenUtf8AreRefused) {
  EXPECT_FALSE(ValidateChatText(std::string("a\0b", 3), ChatPolicy{}).ok());
  EXPECT_FALSE(ValidateChatText("bell\x07", ChatPolicy{}).ok());
  EXPECT_FALSE(ValidateChatText("\xC3", ChatPolicy{}).ok());
  EXPECT_FALSE(ValidateChatText("\xED\xA0\x80", ChatPolicy{}).ok());  // a UTF-16 surrogate
}

TEST(ChatClientId, UlidsUuidsAndCountersAreValid) {
  EXPECT_TRUE(ValidateClientId("01HZX3J9K2M7Q8R4T6V0W2Y5A1").ok());
  EXPECT_TRUE(ValidateClientId("3f2b8c1e-9d4a-4b7e-a1c2-5e6f7a8b9c0d").ok());
  EXPECT_TRUE(ValidateClientId("tab-2:17").ok());
}

TEST(ChatClientId, EmptyOrLongerThan64IsRefused) {
  EXPECT_FALSE(ValidateClientId("").ok());
  EXPECT_TRUE(ValidateClientId(std::string(64, 'x')).ok());
  const Status s = ValidateClientId(std::string(65, 'x'));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().field, "client_id");
}

TEST(ChatClientId, MarkupAndSpacesAreRefused) {
  EXPECT_FALSE(ValidateClientId("<script>").ok());
  EXPECT_FALSE(ValidateClientId("a b").ok());
  EXPECT_FALSE(ValidateClientId("a/b").ok());
}

TEST(ChatReplay, AClientBehindTheChatNeedsAReplayAndOneAtTheEndDoesNot) {
  EXPECT_TRUE(NeedsReplay(0, 1));
  EXPECT_TRUE(NeedsReplay(4, 5));
  EXPECT_FALSE(NeedsReplay(5, 5));
  EXPECT_FALSE(NeedsReplay(0, 0));
}

}  // namespace
}  // namespace rxdesk
