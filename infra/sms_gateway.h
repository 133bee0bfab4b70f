// Sending one SMS: the interface the notification worker uses, and an HTTP
// gateway client over libcurl: a JSON POST with a bearer token.
//
//   HttpSmsGateway sms({.url = "https://sms.example.com/v1/messages", .token = secret, .timeout_s = 20});
//   SendOutcome r = sms.Send({.to = "+15125550100", .text = m.sms, .id = outbox_id});
//
// The request: POST url, Authorization: Bearer <token>, Idempotency-Key: <id>,
// body {"to": "+15125550100", "text": "...", "id": "<id>"}. Any 2xx is sent;
// 408, 429 and 5xx (and no answer) are worth retrying; any other status is final.
// Outcomes hold the HTTP status or the curl error name, never the number or the
// gateway's words. Thread-safe: each call uses its own handle.
#pragma once

#include <string>

#include "infra/email_sender.h"

namespace rxdesk {

struct SmsMessage {
  std::string to;    // E.164
  std::string text;  // UTF-8
  std::string id;    // the same for every attempt: the gateway may drop a duplicate
};

class SmsGateway {
 public:
  virtual ~SmsGateway() = default;
  virtual SendOutcome Send(const SmsMessage& message) = 0;
};

struct SmsGatewayOptions {
  std::string url;    // http(s)://...
  std::string token;  // bearer token
  int timeout_s = 20;
};

class HttpSmsGateway final : public SmsGateway {
 public:
  explicit HttpSmsGateway(SmsGatewayOptions options);
  SendOutcome Send(const SmsMessage& message) override;

 private:
  SmsGatewayOptions options_;
};

// "+" then 8 to 15 digits.
bool ValidE164(const std::string& number);

}  // namespace rxdesk
