#include "infra/ivr_flow_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

namespace rxdesk {
namespace {

std::string Example() {
  const char* env = std::getenv("RXDESK_SOURCE_DIR");
  const std::filesystem::path root = env != nullptr && *env != '\0'
                                         ? std::filesystem::path(env)
                                         : std::filesystem::path(__FILE__).parent_path().parent_path();
  return (root / "docs" / "examples" / "ivr-main.toml").string();
}

constexpr char kMinimal[] = R"(
start = "hello"
[menus.hello]
en = "Press 1 for the pharmacy."
es = "Oprima 1 para la farmacia."
options = [ { digit = "1", enqueue = "representative" } ]
)";

Error Refusal(std::string_view toml) {
  auto r = ParseIvrFlow(toml, "flow.toml");
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

TEST(IvrFlowFile, TheShippedExampleIsExactlyTheCompiledInMainLineFlow) {
  auto flow = LoadIvrFlowFile(Example());
  ASSERT_TRUE(flow.ok()) << flow.error().message;
  EXPECT_EQ(flow->start, MainLineFlow().start);
  EXPECT_EQ(flow->menus, MainLineFlow().menus);
  EXPECT_EQ(flow->messages, MainLineFlow().messages);
  EXPECT_TRUE(*flow == MainLineFlow());
}

TEST(IvrFlowFile, AMinimalFlowLoadsWithTheBuiltInSentencesAndDefaults) {
  auto flow = ParseIvrFlow(kMinimal, "flow.toml");
  ASSERT_TRUE(flow.ok()) << flow.error().message;
  EXPECT_EQ(flow->start, "hello");
  EXPECT_EQ(flow->max_failures, 3);
  EXPECT_EQ(flow->gather_timeout_s, 5);
  ASSERT_EQ(flow->menus.size(), 1u);
  EXPECT_EQ(flow->menus[0].options[0].target, "representative");
  EXPECT_EQ(flow->messages, MainLineFlow().messages);
}

TEST(IvrFlowFile, AMessageInTheFileReplacesTheBuiltInOne) {
  auto flow = ParseIvrFlow(std::string(kMinimal) + "[messages]\nwelcome = { en = \"Hi.\", es = \"Hola.\" }\n", "f");
  ASSERT_TRUE(flow.ok()) << flow.error().message;
  EXPECT_EQ(flow->messages.at("welcome").en, "Hi.");
  EXPECT_EQ(flow->messages.at("goodbye"), MainLineFlow().messages.at("goodbye"));
}

TEST(IvrFlowFile, AnUnknownKeyIsRefusedWithItsLine) {
  const Error e = Refusal(std::string(kMinimal) + "timeout = 5\n");
  EXPECT_EQ(e.code, "config_invalid");
  EXPECT_NE(e.message.find("flow.toml:7"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("timeout"), std::string::npos) << e.message;
  EXPECT_NE(Refusal(R"(
[menus.main]
en = "x"
es = "y"
options = [ { digit = "1", enqueu = "q" } ]
)")
                .field,
            "");
}

TEST(IvrFlowFile, AKeyWithTwoActionsOrNoneIsRefused) {
  EXPECT_EQ(Refusal(R"(
start = "m"
[menus.m]
en = "x"
es = "y"
options = [ { digit = "1", enqueue = "q", goto = "m" } ]
)")
                .field,
            "menus.m.options[0]");
  EXPECT_EQ(Refusal(R"(
start = "m"
[menus.m]
en = "x"
es = "y"
options = [ { digit = "1" } ]
)")
                .field,
            "menus.m.options[0]");
}

TEST(IvrFlowFile, AGotoToAMissingMenuIsRefusedNamingIt) {
  const Error e = Refusal(R"(
start = "m"
[menus.m]
en = "x"
es = "y"
options = [ { digit = "1", goto = "nowhere" } ]
)");
  EXPECT_EQ(e.field, "menus.m.options[0].goto");
  EXPECT_NE(e.message.find("flow.toml"), std::string::npos);
}

TEST(IvrFlowFile, WrongTypesMissingMenusAndBadSyntaxAreRefused) {
  EXPECT_EQ(Refusal("start = 1\n[menus.m]\nen = \"x\"\nes = \"y\"\noptions = []\n").field, "start");
  EXPECT_EQ(Refusal("start = \"m\"\n").field, "menus");
  EXPECT_EQ(Refusal("max_failures = \"three\"\n").field, "max_failures");
  EXPECT_EQ(Refusal("[menus.m\n").code, "config_invalid");
  EXPECT_EQ(Refusal(R"(
[menus.main]
en = "x"
options = [ { digit = "1", enqueue = "q" } ]
)")
                .field,
            "menus.main.es");
}

TEST(IvrFlowFile, AMissingFileIsRefused) {
  auto r = LoadIvrFlowFile("/nonexistent/ivr.toml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "config_invalid");
}

}  // namespace
}  // namespace rxdesk
