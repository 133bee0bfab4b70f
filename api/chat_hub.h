// The web chat over WebSocket (`/v1/chat/ws`; the protocol is in
// docs/contact-center.md "Web chat"): authenticates each socket with its first
// message, runs members' and agents' chat messages through ChatService, and
// delivers each stored message, typing and read marker to every socket of the
// chat's other participant (and the sender's other sockets).
//
//   ChatHub hub(chats, auth, clock, &channels, &center);   // before the server starts
//   options.websockets.push_back(hub.Endpoint());
//
// Sockets live in memory only; everything a client needs after a reconnect
// (chats, messages, read markers) is in the store and comes back with `resume`.
// Deliveries of one chat leave in seq order. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/http_server.h"
#include "api/json_body.h"
#include "domain/clock.h"
#include "services/auth_service.h"
#include "services/channels.h"
#include "services/chat_service.h"
#include "services/contact_center.h"

namespace rxdesk {

class ChatHub {
 public:
  // `channels` (chat hours) and `center` (assignments) may be null: chat is then
  // always open and never assigned.
  ChatHub(ChatService& chats, AuthService& auth, const Clock& clock, const ChannelDirectory* channels,
          ContactCenter* center);
  ~ChatHub();
  ChatHub(const ChatHub&) = delete;
  ChatHub& operator=(const ChatHub&) = delete;

  static constexpr char kPath[] = "/v1/chat/ws";
  // The endpoint to register with the HTTP server.
  WsEndpoint Endpoint();
  // Sockets open now (authenticated or not).
  int sockets() const { return sockets_.load(); }

  class Socket;

 private:
  friend class Socket;
  void Join(const std::string& user_id, const std::shared_ptr<Socket>& socket);
  void Leave(const std::string& user_id, const Socket* socket);
  // Sends `event` to every socket of these users except `except`.
  void Deliver(const std::vector<std::string>& user_ids, const std::string& event, const Socket* except);
  void OnAssigned(const AssignedContact& assigned);
  std::mutex& ChatLock(const std::string& chat_id);

  ChatService& chats_;
  AuthService& auth_;
  const Clock& clock_;
  const ChannelDirectory* channels_;
  std::atomic<int> sockets_{0};
  std::mutex mu_;
  std::unordered_map<std::string, std::vector<std::weak_ptr<Socket>>> by_user_;  // guarded by mu_
  std::array<std::mutex, 1024> chat_locks_;  // per chat (striped): store-then-deliver in seq order
};

// The JSON shape of a chat in events and the transcript.
Json ChatJson(const Chat& chat);
Json ChatMessageJson(const ChatMessage& message);

}  // namespace rxdesk
