// A table of configuration keys bound to fields of a config struct, so that the
// TOML file and the RXDESK_<SECTION>_<KEY> environment overrides are read by
// the same code, validated the same way, and an unknown key is an error that
// names the key and its line.
//
//   ConfigBinder b;
//   b.Int("refills", "too_soon_percent", &cfg.refill.percent, 1, 100);
//   RXD_TRY(b.LoadTomlFile("rxdesk.toml"));
//   RXD_TRY(b.ApplyEnvironment(environ));
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "domain/result.h"

namespace rxdesk {

class ConfigBinder {
 public:
  // An integer in [min, max] handed to `set` (e.g. to build a Cents or a duration).
  void Int(std::string section, std::string key, std::function<void(std::int64_t)> set, std::int64_t min,
           std::int64_t max);
  void Int(std::string section, std::string key, std::int64_t* target, std::int64_t min, std::int64_t max);
  void Int(std::string section, std::string key, int* target, int min, int max);
  // `target` may be null when `validate` stores the parsed value itself.
  void String(std::string section, std::string key, std::string* target,
              std::function<Status(const std::string&)> validate = nullptr);
  void Bool(std::string section, std::string key, bool* target);
  void StringList(std::string section, std::string key, std::vector<std::string>* target);

  // Parses a TOML document (the text of `origin`). Unknown sections and keys,
  // wrong types and out-of-range values are errors naming key and line.
  Status LoadToml(std::string_view text, const std::string& origin);
  Status LoadTomlFile(const std::string& path);
  // Applies RXDESK_<SECTION>_<KEY> variables (upper case, dots as '_').
  // Lists are comma-separated. Unknown RXDESK_ variables are ignored only when
  // `allow_unknown` (the CLI's own variables), otherwise refused.
  Status ApplyEnvironment(char** environ, const std::vector<std::string>& allow_unknown = {});

  struct Key {
    std::string section;
    std::string key;
    std::string kind;  // "integer", "string", "boolean", "list"
    std::function<Status(const void* toml_node, const std::string& where)> from_toml;
    std::function<Status(const std::string& text, const std::string& where)> from_text;
  };
  const std::vector<Key>& keys() const { return keys_; }

 private:
  const Key* Find(std::string_view section, std::string_view key) const;
  std::vector<Key> keys_;
};

}  // namespace rxdesk
