#include "domain/contact_info.h"

namespace rxdesk {

bool IsPrintableUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
      ++i;
      continue;
    }
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

namespace {

std::string CollapseSpaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

Result<std::string> ValidatePersonName(std::string_view name, std::string_view field) {
  if (!IsPrintableUtf8(name)) return InvalidField(std::string(field), "must be text without control characters");
  std::string out = CollapseSpaces(name);
  if (out.empty()) return InvalidField(std::string(field), "is required");
  if (out.size() > 100) return InvalidField(std::string(field), "must be at most 100 characters");
  bool has_letter = false;
  for (char c : out) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || u >= 0x80) has_letter = true;
    if (c == '<' || c == '>' || c == '{' || c == '}' || c == ';' || c == '"' || c == '\\') {
      return InvalidField(std::string(field), "contains a character that does not belong in a name");
    }
  }
  if (!has_letter) return InvalidField(std::string(field), "must contain letters");
  return out;
}

Result<std::string> ValidateEmail(std::string_view email, std::string_view field) {
  const auto bad = [&] { return InvalidField(std::string(field), "must be an email address like name@example.com"); };
  if (email.empty() || email.size() > 254 || !IsPrintableUtf8(email)) return bad();
  const std::size_t at = email.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || email.find('@') != at) return bad();
  const std::string_view local = email.substr(0, at);
  std::string domain(email.substr(at + 1));
  if (domain.size() < 3 || domain.find('.') == std::string::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string::npos || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return bad();
  }
  for (char c : email) {
    if (c == ' ' || c == ',' || c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '\\' ||
        c == '"' || c == ';' || c == ':') {
      return bad();
    }
  }
  for (char& c : domain) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!ok) return bad();
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return std::string(local) + "@" + domain;
}

Result<std::string> NormalizeUsPhone(std::string_view phone, std::string_view field) {
  const auto bad = [&] { return InvalidField(std::string(field), "must be a 10-digit US phone number"); };
  if (phone.size() > 32) return bad();
  std::string digits;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    const char c = phone[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && i == 0) {
      continue;
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return bad();
    }
  }
  if (digits.size() == 11 && digits[0] == '1') digits.erase(0, 1);
  if (digits.size() != 10) return bad();
  if (digits[0] < '2' || digits[3] < '2') return bad();  // NANP: NXX-NXX-XXXX
  return "+1" + digits;
}

}  // namespace rxdesk
