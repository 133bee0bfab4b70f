#include "infra/sms_gateway.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace rxdesk {
namespace {

// The gateway's answer is not needed (and may quote the number): discarded.
std::size_t Discard(char*, std::size_t size, std::size_t items, void*) { return size * items; }

}  // namespace

bool ValidE164(const std::string& number) {
  if (number.size() < 9 || number.size() > 16 || number[0] != '+') return false;
  return std::all_of(number.begin() + 1, number.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

HttpSmsGateway::HttpSmsGateway(SmsGatewayOptions options) : options_(std::move(options)) { InitCurlOnce(); }

SendOutcome HttpSmsGateway::Send(const SmsMessage& message) {
  if (!ValidE164(message.to)) return {.ok = false, .permanent = true, .error = "invalid_number"};
  if (message.id.find_first_of("\r\n") != std::string::npos) {
    return {.ok = false, .permanent = true, .error = "invalid_id"};
  }
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return {.ok = false, .permanent = false, .error = "curl_init_failed"};
  const std::string body = nlohmann::json{{"to", message.to}, {"text", message.text}, {"id", message.id}}.dump();
  const std::string auth = "Authorization: Bearer " + options_.token;
  const std::string key = "Idempotency-Key: " + message.id;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, key.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.timeout_s));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout_s));
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) return {.ok = false, .permanent = false, .error = std::string("sms: ") + curl_easy_strerror(rc)};
  if (status >= 200 && status < 300) return {.ok = true};
  const bool retry = status == 408 || status == 429 || status >= 500;
  return {.ok = false, .permanent = !retry, .error = "sms: gateway answered " + std::to_string(status)};
}

}  // namespace rxdesk
