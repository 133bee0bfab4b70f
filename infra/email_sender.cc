#include "infra/email_sender.h"

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <mutex>

namespace rxdesk {
namespace {

std::string Base64(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

// RFC 5322 date, e.g. "Mon, 23 Nov 2026 15:00:00 +0000".
std::string MailDate(Instant at) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = std::chrono::floor<std::chrono::days>(at);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::weekday wd{day};
  const std::chrono::hh_mm_ss hms{at - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000", kDays[wd.c_encoding()],
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1],
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

// RFC 2047 encoded words of at most 75 characters, split on UTF-8 character boundaries.
std::string EncodedWords(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t n = std::min<std::size_t>(45, text.size() - i);  // 45 bytes -> 60 base64 characters
    while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0) == 0x80) --n;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(i, n)) + "?=";
    i += n;
  }
  return out.empty() ? std::string("=?UTF-8?B?") + "?=" : out;
}

struct Upload {
  std::string data;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t items, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * items, up->data.size() - up->offset);
  std::memcpy(buffer, up->data.data() + up->offset, n);
  up->offset += n;
  return n;
}

}  // namespace

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool ValidMailbox(const std::string& address) {
  if (address.empty() || address.size() > 254) return false;
  const std::size_t at = address.find('@');
  if (at == 0 || at == std::string::npos || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string::npos) {
    return false;
  }
  return std::all_of(address.begin(), address.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7F && std::strchr("<>\",;()[]\\", c) == nullptr;
  });
}

std::string BuildEmailMessage(const std::string& from, const EmailMessage& m) {
  std::string out;
  out += "Date: " + MailDate(m.date) + "\r\n";
  out += "From: <" + from + ">\r\n";
  out += "To: <" + m.to + ">\r\n";
  out += "Subject: " + EncodedWords(m.subject) + "\r\n";
  out += "Message-ID: " + m.message_id + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  const std::string body = Base64(m.body);
  for (std::size_t i = 0; i < body.size(); i += 76) out += body.substr(i, 76) + "\r\n";
  return out;
}

SmtpEmailSender::SmtpEmailSender(SmtpOptions options) : options_(std::move(options)) { InitCurlOnce(); }

SendOutcome SmtpEmailSender::Send(const EmailMessage& message) {
  if (!ValidMailbox(message.to)) return {.ok = false, .permanent = true, .error = "invalid_address"};
  if (!ValidMailbox(options_.from)) return {.ok = false, .permanent = true, .error = "invalid_sender"};
  if (message.message_id.find_first_of("\r\n") != std::string::npos) {
    return {.ok = false, .permanent = true, .error = "invalid_message_id"};
  }
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return {.ok = false, .permanent = false, .error = "curl_init_failed"};
  Upload upload{BuildEmailMessage(options_.from, message), 0};
  const std::string from = "<" + options_.from + ">";
  const std::string to = "<" + message.to + ">";
  curl_slist* recipients = curl_slist_append(nullptr, to.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.timeout_s));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout_s));
  curl_easy_setopt(
      curl, CURLOPT_USE_SSL,
      options_.tls == SmtpTls::kStartTls ? static_cast<long>(CURLUSESSL_ALL) : static_cast<long>(CURLUSESSL_NONE));
  if (!options_.username.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, options_.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl);
  long reply = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
  curl_slist_free_all(recipients);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK) return {.ok = true};
  SendOutcome out;
  out.error =
      std::string("smtp: ") + curl_easy_strerror(rc) + (reply > 0 ? " (reply " + std::to_string(reply) + ")" : "");
  // A mailbox that does not exist or is refused for good (RFC 5321 4.2.2: 550,
  // 551, 553) will not appear by retrying; anything else (4xx, no reply, a relay
  // misconfigured with 530/535) may pass later or once the operator fixes it.
  out.permanent = reply == 550 || reply == 551 || reply == 553;
  return out;
}

}  // namespace rxdesk
