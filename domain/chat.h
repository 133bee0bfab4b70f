// The web chat's rules on what a member or agent may send (PRODUCT.md §7;
// docs/contact-center.md "Web chat"): one message's text and the client's id for
// it, and which messages a reconnecting client still needs.
//
//   ChatPolicy policy;                                   // [chat] in the config
//   RXD_TRY(ValidateChatText(text, policy));             // invalid_request, field "text"
//   RXD_TRY(ValidateClientId(client_id));                // invalid_request, field "client_id"
//   if (NeedsReplay(client_last_seq, chat_last_seq)) Resume();
//
// Pure: no I/O, no clock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace rxdesk {

struct ChatPolicy {
  std::string default_queue = "chat";  // the queue a `start` without a topic waits in
  int max_text_bytes = 4000;           // one message's text, UTF-8 bytes (the socket's frame limit is apart)
  int replay_page = 200;               // messages per resume page; the client asks again after the last one
};

// Text a member or agent may send: 1..max_text_bytes bytes of printable UTF-8
// (tab and line breaks allowed), not only white space. Refusal: invalid_request,
// field "text".
Status ValidateChatText(std::string_view text, const ChatPolicy& policy);

// A client's id for one message (it makes a resend idempotent): 1–64 of
// [A-Za-z0-9_-.:]. Refusal: invalid_request, field "client_id".
Status ValidateClientId(std::string_view client_id);

// Whether a client that has seen every message up to `client_last_seq` misses
// some of a chat whose last message is `chat_last_seq`.
constexpr bool NeedsReplay(std::int64_t client_last_seq, std::int64_t chat_last_seq) {
  return client_last_seq < chat_last_seq;
}

}  // namespace rxdesk
