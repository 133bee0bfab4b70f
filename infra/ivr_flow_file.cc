#include "infra/ivr_flow_file.h"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace rxdesk {
namespace {

Error Invalid(const std::string& origin, const toml::node* node, const std::string& part, const std::string& what) {
  const std::string line = node != nullptr ? ":" + std::to_string(node->source().begin.line) : "";
  return MakeError("config_invalid", origin + line + ": " + part + " " + what, part);
}

Status OnlyKeys(const std::string& origin, const toml::table& table, const std::string& at,
                std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, node] : table) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
      return Invalid(origin, &node, (at.empty() ? "" : at + ".") + std::string(key.str()), "is not a known key");
    }
  }
  return OkStatus();
}

Result<std::string> StringAt(const std::string& origin, const toml::table& table, std::string_view key,
                             const std::string& at) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Invalid(origin, &table, at, "is required");
  if (!node->is_string()) return Invalid(origin, node, at, "must be a string");
  return node->as_string()->get();
}

Result<IvrText> TextAt(const std::string& origin, const toml::table& table, const std::string& at) {
  IvrText t;
  RXD_ASSIGN_OR_RETURN(t.en, StringAt(origin, table, "en", at + ".en"));
  RXD_ASSIGN_OR_RETURN(t.es, StringAt(origin, table, "es", at + ".es"));
  return t;
}

Result<IvrOption> OptionAt(const std::string& origin, const toml::node& node, const std::string& at) {
  const toml::table* t = node.as_table();
  if (t == nullptr) return Invalid(origin, &node, at, "must be a table like { digit = \"1\", enqueue = \"queue\" }");
  RXD_TRY(OnlyKeys(origin, *t, at, {"digit", "enqueue", "goto", "language", "self_service"}));
  IvrOption o;
  RXD_ASSIGN_OR_RETURN(o.digit, StringAt(origin, *t, "digit", at + ".digit"));
  int actions = 0;
  static constexpr std::pair<std::string_view, IvrOptionKind> kKinds[] = {
      {"enqueue", IvrOptionKind::kEnqueue},
      {"goto", IvrOptionKind::kGoto},
      {"language", IvrOptionKind::kLanguage},
      {"self_service", IvrOptionKind::kSelfService}};
  for (const auto& [name, kind] : kKinds) {
    if (t->get(name) == nullptr) continue;
    ++actions;
    o.kind = kind;
    RXD_ASSIGN_OR_RETURN(o.target, StringAt(origin, *t, name, at + "." + std::string(name)));
  }
  if (actions != 1) return Invalid(origin, &node, at, "must have exactly one of enqueue, goto, language, self_service");
  return o;
}

}  // namespace

Result<IvrFlow> ParseIvrFlow(std::string_view toml_text, const std::string& origin) {
  toml::table doc;
  try {
    doc = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    return MakeError("config_invalid",
                     origin + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  RXD_TRY(
      OnlyKeys(origin, doc, "", {"start", "max_failures", "gather_timeout_s", "failure_queue", "menus", "messages"}));
  IvrFlow flow;
  flow.messages = MainLineFlow().messages;  // sentences a file leaves out are the built-in ones
  if (doc.get("start") != nullptr) {
    RXD_ASSIGN_OR_RETURN(flow.start, StringAt(origin, doc, "start", "start"));
  }
  if (doc.get("failure_queue") != nullptr) {
    RXD_ASSIGN_OR_RETURN(flow.failure_queue, StringAt(origin, doc, "failure_queue", "failure_queue"));
  }
  for (const auto& [key, target] : {std::pair<std::string_view, int*>{"max_failures", &flow.max_failures},
                                    std::pair<std::string_view, int*>{"gather_timeout_s", &flow.gather_timeout_s}}) {
    const toml::node* n = doc.get(key);
    if (n == nullptr) continue;
    if (!n->is_integer()) return Invalid(origin, n, std::string(key), "must be an integer");
    const std::int64_t v = n->as_integer()->get();
    if (v < 0 || v > 1000) return Invalid(origin, n, std::string(key), "is out of range");
    *target = static_cast<int>(v);
  }
  const toml::table* menus = doc["menus"].as_table();
  if (menus == nullptr) return Invalid(origin, nullptr, "menus", "is required: at least the start menu");
  for (const auto& [id, node] : *menus) {  // toml++ keeps keys sorted: menus come out by id
    const std::string at = "menus." + std::string(id.str());
    const toml::table* m = node.as_table();
    if (m == nullptr) return Invalid(origin, &node, at, "must be a table");
    RXD_TRY(OnlyKeys(origin, *m, at, {"en", "es", "options"}));
    IvrMenu menu;
    menu.id = std::string(id.str());
    RXD_ASSIGN_OR_RETURN(menu.prompt, TextAt(origin, *m, at));
    const toml::array* options = (*m)["options"].as_array();
    if (options == nullptr) return Invalid(origin, &node, at + ".options", "must be an array of keys");
    for (std::size_t i = 0; i < options->size(); ++i) {
      RXD_ASSIGN_OR_RETURN(IvrOption o, OptionAt(origin, *options->get(i), at + ".options[" + std::to_string(i) + "]"));
      menu.options.push_back(std::move(o));
    }
    flow.menus.push_back(std::move(menu));
  }
  if (const toml::table* messages = doc["messages"].as_table()) {
    for (const auto& [key, node] : *messages) {
      const std::string at = "messages." + std::string(key.str());
      const toml::table* t = node.as_table();
      if (t == nullptr) return Invalid(origin, &node, at, "must be { en = \"...\", es = \"...\" }");
      RXD_TRY(OnlyKeys(origin, *t, at, {"en", "es"}));
      RXD_ASSIGN_OR_RETURN(flow.messages[std::string(key.str())], TextAt(origin, *t, at));
    }
  }
  if (Status s = ValidateIvrFlow(flow); !s.ok()) {
    return MakeError("config_invalid", origin + ": " + s.error().field + " " + s.error().message, s.error().field);
  }
  return flow;
}

Result<IvrFlow> LoadIvrFlowFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError("config_invalid", "cannot read the IVR flow file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseIvrFlow(text.str(), path);
}

}  // namespace rxdesk
