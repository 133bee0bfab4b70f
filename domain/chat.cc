#include "domain/chat.h"

#include "domain/contact_info.h"

namespace rxdesk {

Status ValidateChatText(std::string_view text, const ChatPolicy& policy) {
  if (text.empty()) return InvalidField("text", "must not be empty");
  if (text.size() > static_cast<std::size_t>(policy.max_text_bytes)) {
    return InvalidField("text", "must be at most " + std::to_string(policy.max_text_bytes) + " bytes");
  }
  bool blank = true;  // IsPrintableUtf8 allows tab only: line breaks are checked apart
  for (std::size_t start = 0; start <= text.size();) {
    std::size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view part = text.substr(start, end - start);
    if (!part.empty() && !IsPrintableUtf8(part)) {
      return InvalidField("text", "must be printable UTF-8 text");
    }
    for (char c : part) {
      if (c != ' ' && c != '\t') blank = false;
    }
    start = end + 1;
  }
  if (blank) return InvalidField("text", "must not be only white space");
  return OkStatus();
}

Status ValidateClientId(std::string_view client_id) {
  if (client_id.empty() || client_id.size() > 64) return InvalidField("client_id", "must be 1 to 64 characters");
  for (char c : client_id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == ':';
    if (!ok) return InvalidField("client_id", "may hold only letters, digits and - _ . :");
  }
  return OkStatus();
}

}  // namespace rxdesk
