#include "infra/config_binder.h"

#include <charconv>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

namespace rxdesk {
namespace {

std::string Where(const std::string& origin, const toml::source_region& src) {
  return origin + ":" + std::to_string(src.begin.line);
}

Error ConfigError(const std::string& where, const std::string& key, const std::string& what) {
  return MakeError("config_invalid", where + ": " + key + " " + what, key);
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c == '.' || c == '-') c = '_';
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return s;
}

}  // namespace

void ConfigBinder::Int(std::string section, std::string key, std::function<void(std::int64_t)> set_value,
                       std::int64_t min, std::int64_t max) {
  const std::string name = section + "." + key;
  auto set = [=](std::int64_t v, const std::string& where) -> Status {
    if (v < min || v > max) {
      return ConfigError(where, name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    set_value(v);
    return OkStatus();
  };
  keys_.push_back(Key{
      section, key, "integer",
      [=](const void* n, const std::string& where) -> Status {
        const auto* node = static_cast<const toml::node*>(n);
        if (!node->is_integer()) return ConfigError(where, name, "must be an integer");
        return set(node->as_integer()->get(), where);
      },
      [=](const std::string& text, const std::string& where) -> Status {
        std::int64_t v = 0;
        const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || p != text.data() + text.size()) return ConfigError(where, name, "must be an integer");
        return set(v, where);
      }});
}

void ConfigBinder::Int(std::string section, std::string key, std::int64_t* target, std::int64_t min,
                       std::int64_t max) {
  Int(std::move(section), std::move(key), [target](std::int64_t v) { *target = v; }, min, max);
}

void ConfigBinder::Int(std::string section, std::string key, int* target, int min, int max) {
  Int(std::move(section), std::move(key), [target](std::int64_t v) { *target = static_cast<int>(v); }, min, max);
}

void ConfigBinder::String(std::string section, std::string key, std::string* target,
                          std::function<Status(const std::string&)> validate) {
  const std::string name = section + "." + key;
  auto set = [=](const std::string& v, const std::string& where) -> Status {
    if (validate) {
      Status s = validate(v);
      if (!s.ok()) return ConfigError(where, name, s.error().message);
    }
    if (target != nullptr) *target = v;
    return OkStatus();
  };
  keys_.push_back(Key{section, key, "string",
                      [=](const void* n, const std::string& where) -> Status {
                        const auto* node = static_cast<const toml::node*>(n);
                        if (!node->is_string()) return ConfigError(where, name, "must be a string");
                        return set(node->as_string()->get(), where);
                      },
                      [=](const std::string& text, const std::string& where) { return set(text, where); }});
}

void ConfigBinder::Bool(std::string section, std::string key, bool* target) {
  const std::string name = section + "." + key;
  keys_.push_back(Key{section, key, "boolean",
                      [=](const void* n, const std::string& where) -> Status {
                        const auto* node = static_cast<const toml::node*>(n);
                        if (!node->is_boolean()) return ConfigError(where, name, "must be true or false");
                        *target = node->as_boolean()->get();
                        return OkStatus();
                      },
                      [=](const std::string& text, const std::string& where) -> Status {
                        if (text == "true" || text == "1") *target = true;
                        else if (text == "false" || text == "0") *target = false;
                        else return ConfigError(where, name, "must be true or false");
                        return OkStatus();
                      }});
}

void ConfigBinder::StringList(std::string section, std::string key, std::vector<std::string>* target) {
  const std::string name = section + "." + key;
  keys_.push_back(Key{section, key, "list",
                      [=](const void* n, const std::string& where) -> Status {
                        const auto* node = static_cast<const toml::node*>(n);
                        const auto* arr = node->as_array();
                        if (arr == nullptr) return ConfigError(where, name, "must be a list of strings");
                        std::vector<std::string> out;
                        for (const auto& item : *arr) {
                          if (!item.is_string()) return ConfigError(where, name, "must be a list of strings");
                          out.push_back(item.as_string()->get());
                        }
                        *target = std::move(out);
                        return OkStatus();
                      },
                      [=](const std::string& text, const std::string&) -> Status {
                        std::vector<std::string> out;
                        std::stringstream ss(text);
                        std::string item;
                        while (std::getline(ss, item, ',')) {
                          if (!item.empty()) out.push_back(item);
                        }
                        *target = std::move(out);
                        return OkStatus();
                      }});
}

const ConfigBinder::Key* ConfigBinder::Find(std::string_view section, std::string_view key) const {
  for (const Key& k : keys_) {
    if (k.section == section && k.key == key) return &k;
  }
  return nullptr;
}

Status ConfigBinder::LoadToml(std::string_view text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return MakeError("config_invalid", origin + ":" + std::to_string(e.source().begin.line) + ": " +
                                           std::string(e.description()));
  }
  for (const auto& [section_key, section_node] : root) {
    const std::string section(section_key.str());
    const auto* table = section_node.as_table();
    if (table == nullptr) {
      return ConfigError(Where(origin, section_node.source()), section, "is not a known section (expected [section])");
    }
    for (const auto& [key_key, node] : *table) {
      const std::string key(key_key.str());
      // Nested tables (e.g. [part_d.2026]) flatten to section "part_d.2026".
      if (const auto* sub = node.as_table()) {
        for (const auto& [k2, n2] : *sub) {
          const Key* bound = Find(section + "." + key, k2.str());
          const std::string where = Where(origin, n2.source());
          if (bound == nullptr) {
            return ConfigError(where, section + "." + key + "." + std::string(k2.str()), "is not a known setting");
          }
          RXD_TRY(bound->from_toml(&n2, where));
        }
        continue;
      }
      const Key* bound = Find(section, key);
      const std::string where = Where(origin, node.source());
      if (bound == nullptr) return ConfigError(where, section + "." + key, "is not a known setting");
      RXD_TRY(bound->from_toml(&node, where));
    }
  }
  return OkStatus();
}

Status ConfigBinder::LoadTomlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError("config_invalid", "cannot read config file " + path, "config");
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadToml(ss.str(), path);
}

Status ConfigBinder::ApplyEnvironment(char** environ, const std::vector<std::string>& allow_unknown) {
  if (environ == nullptr) return OkStatus();
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (!entry.starts_with("RXDESK_")) continue;
    const std::size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string name(entry.substr(0, eq));
    const std::string value(entry.substr(eq + 1));
    const Key* bound = nullptr;
    for (const Key& k : keys_) {
      if ("RXDESK_" + Upper(k.section) + "_" + Upper(k.key) == name) {
        bound = &k;
        break;
      }
    }
    if (bound == nullptr) {
      bool allowed = false;
      for (const auto& a : allow_unknown) allowed = allowed || a == name;
      if (!allowed) return MakeError("config_invalid", "environment variable " + name + " is not a known setting", name);
      continue;
    }
    RXD_TRY(bound->from_text(value, "environment " + name));
  }
  return OkStatus();
}

}  // namespace rxdesk
