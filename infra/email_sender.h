// Sending one email: the interface the notification worker uses, and its SMTP
// implementation over libcurl (docs/dependencies.md).
//
//   SmtpEmailSender smtp({.url = "smtp://mail.example.com:587", .from = "care@example.com",
//                         .tls = SmtpTls::kStartTls, .timeout_s = 20});
//   SendOutcome r = smtp.Send({.to = address, .subject = s, .body = b, .message_id = "<id@rxdesk>", .date = now});
//   if (!r.ok && !r.permanent) TryAgainLater();
//
// Outcomes never carry the address or the server's words (a server's refusal
// often quotes the recipient): a curl error name and the SMTP reply code only.
// Send() blocks for at most about timeout_s; it is called from the worker's
// thread, never from a request. Thread-safe: each call uses its own handle.
#pragma once

#include <string>

#include "domain/time.h"

namespace rxdesk {

// What one attempt to send came to.
struct SendOutcome {
  bool ok = false;
  bool permanent = false;  // retrying cannot help (bad address, refused for good)
  std::string error;       // for logs and the outbox: a code and reply number, no PHI
};

struct EmailMessage {
  std::string to;          // one address
  std::string subject;     // one line, UTF-8
  std::string body;        // plain text, UTF-8
  std::string message_id;  // "<...@...>": the same for every attempt, so a receiver can drop a duplicate
  Instant date{};
};

class EmailSender {
 public:
  virtual ~EmailSender() = default;
  virtual SendOutcome Send(const EmailMessage& message) = 0;
};

enum class SmtpTls {
  kStartTls,  // require STARTTLS on smtp:// (refuse to send in the clear)
  kNone,      // plain SMTP: only for a relay on the same host or a test server
};

struct SmtpOptions {
  std::string url;   // smtp://host:port or smtps://host:port (TLS from the start)
  std::string from;  // the envelope and header sender
  SmtpTls tls = SmtpTls::kStartTls;
  std::string username;  // AUTH when set
  std::string password;
  int timeout_s = 20;  // connect + whole transfer
};

class SmtpEmailSender final : public EmailSender {
 public:
  explicit SmtpEmailSender(SmtpOptions options);
  SendOutcome Send(const EmailMessage& message) override;

 private:
  SmtpOptions options_;
};

// The RFC 5322 message SmtpEmailSender uploads: headers (subject as an RFC 2047
// encoded word), a base64 UTF-8 text/plain body, CRLF line ends. Requires
// addresses already checked by ValidMailbox.
std::string BuildEmailMessage(const std::string& from, const EmailMessage& message);

// A bare address fit for the envelope and a header: local@domain, at most 254
// bytes, printable ASCII with no space, quote, angle bracket, comma or CR/LF.
bool ValidMailbox(const std::string& address);

// curl_global_init, once per process (also done by the first sender).
void InitCurlOnce();

}  // namespace rxdesk
