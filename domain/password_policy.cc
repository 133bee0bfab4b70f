#include "domain/password_policy.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace rxdesk {
namespace {

// Bases of the most used passwords in public breach compilations and vendor
// defaults, lower-cased, without the digits and symbols people append. Kept
// short on purpose: the shape rules below catch the long tail.
constexpr std::array<std::string_view, 151> kCommonBases = {
    "password", "passw0rd", "p@ssword", "p@ssw0rd", "pass", "passwort", "contrasena", "contraseña", "motdepasse",
    "qwerty", "qwertyuiop", "asdfgh", "asdfghjkl", "zxcvbn", "zxcvbnm", "azerty", "qazwsx", "1qaz2wsx", "1q2w3e4r",
    "abc", "abcd", "iloveyou", "iloveu", "loveyou", "letmein", "welcome", "welcome1", "admin", "administrator",
    "root", "toor", "login", "master", "changeme", "default", "guest", "test", "tester", "testing", "secret",
    "trustno1", "whatever", "nothing", "access", "monkey", "dragon", "football", "baseball", "basketball", "soccer",
    "hockey", "superman", "batman", "spiderman", "starwars", "pokemon", "princess", "sunshine", "shadow",
    "michael", "jennifer", "jessica", "ashley", "daniel", "charlie", "thomas", "jordan", "hunter", "ranger",
    "buster", "tigger", "ginger", "pepper", "cookie", "chocolate", "summer", "winter", "spring", "autumn", "flower",
    "freedom", "mustang", "harley", "ferrari", "corvette", "computer", "internet", "samsung", "google", "facebook",
    "microsoft", "apple", "hello", "helloworld", "hellokitty", "friends", "family", "forever", "lovely", "angel",
    "babygirl", "sweetheart", "blessed", "jesus", "christ", "godisgood", "money", "business", "company", "office",
    "pharmacy", "pharmacist", "doctor", "nurse", "hospital", "health", "healthcare", "medicine", "medical", "caremark",
    "cvs", "cvshealth", "rxdesk", "member", "patient", "prescription", "refill", "benefits", "insurance", "medicare",
    "correcthorsebatterystaple", "correcthorse", "passwordpassword", "letmeinnow", "iloveyouforever", "mypassword",
    "newpassword", "temppassword", "temporary", "summertime", "wintertime", "happy", "happiness", "america", "usa",
    "texas", "chicago", "newyork", "california", "january", "december"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "Welcome2026!" -> "welcome": drops a trailing run of digits and symbols.
std::string Base(const std::string& lower) {
  std::size_t end = lower.size();
  while (end > 0 && !std::isalpha(static_cast<unsigned char>(lower[end - 1]))) --end;
  return lower.substr(0, end);
}

bool AllSame(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [&](char c) { return c == s.front(); });
}

// Each character one up (or one down) from the previous one, e.g. "123456789012" wraps 9 -> 0.
bool IsRun(std::string_view s) {
  const auto step_ok = [&](int dir) {
    for (std::size_t i = 1; i < s.size(); ++i) {
      const int a = static_cast<unsigned char>(s[i - 1]);
      const int b = static_cast<unsigned char>(s[i]);
      const bool next = b - a == dir;
      const bool wrap = dir > 0 ? (a == '9' && b == '0') : (a == '0' && b == '9');
      if (!next && !wrap) return false;
    }
    return true;
  };
  return s.size() > 1 && (step_ok(1) || step_ok(-1));
}

// Substrings of keyboard rows, forwards or backwards ("qwertyuiop[]", "poiuytrewq").
bool IsKeyboardWalk(const std::string& lower) {
  static constexpr std::array<std::string_view, 4> kRows = {"`1234567890-=", "qwertyuiop[]\\", "asdfghjkl;'",
                                                            "zxcvbnm,./"};
  for (std::string_view row : kRows) {
    std::string reversed(row.rbegin(), row.rend());
    if (row.find(lower) != std::string_view::npos || reversed.find(lower) != std::string::npos) return true;
  }
  // Rows walked one after another ("qwertyuiop[]\\asdf"), or columns ("1qaz2wsx3edc").
  std::string joined;
  for (std::string_view row : kRows) joined += std::string(row);
  static constexpr std::string_view kColumns = "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/";
  return lower.size() >= 6 && (joined.find(lower) != std::string::npos || kColumns.find(lower) != std::string_view::npos);
}

}  // namespace

bool IsCommonPassword(std::string_view password) {
  if (password.empty()) return true;
  const std::string lower = Lower(password);
  if (AllSame(lower) || IsRun(lower) || IsKeyboardWalk(lower)) return true;
  const std::string base = Base(lower);
  // A listed word (or the word doubled) with only digits and symbols after it.
  for (std::string_view common : kCommonBases) {
    if (base == common || base == std::string(common) + std::string(common)) return true;
  }
  // Nothing but digits and symbols, e.g. "20262026!!!!" or a date.
  if (base.empty()) {
    const auto digits = static_cast<std::size_t>(
        std::count_if(lower.begin(), lower.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }));
    if (digits * 2 >= lower.size()) return true;
  }
  return false;
}

Status CheckPassword(std::string_view username, std::string_view password, const PasswordPolicy& policy) {
  if (password.size() < static_cast<std::size_t>(policy.min_length)) {
    return InvalidField("password", "must be at least " + std::to_string(policy.min_length) + " characters");
  }
  if (password.size() > static_cast<std::size_t>(policy.max_length)) {
    return InvalidField("password", "must be at most " + std::to_string(policy.max_length) + " characters");
  }
  const std::string lower = Lower(password);
  const std::string user = Lower(username);
  if (lower == user) return InvalidField("password", "must not be the username");
  if (user.size() >= 4 && lower.find(user) != std::string::npos) {
    return InvalidField("password", "must not contain the username");
  }
  if (IsCommonPassword(password)) {
    return InvalidField("password", "is too common or too easy to guess; a passphrase of several words works well");
  }
  return OkStatus();
}

}  // namespace rxdesk
