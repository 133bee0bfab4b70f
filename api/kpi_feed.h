// The supervisors' live KPI feed over WebSocket (`/v1/kpis/live`, docs/contact-
// center.md "Web chat" → "Live KPI feed"): after `{"type":"auth","token":...}` a
// supervisor's socket gets `{"type":"kpis","kpis":{...}}`, the body of
// `GET /v1/kpis` (today as of now), at once, whenever a figure changes (checked
// every second) and at least every `interval_s`.
//
//   KpiFeed feed([&](HttpRequest& r) { return api.Handle(r); }, auth, {.interval_s = 5});
//   options.websockets.push_back(feed.Endpoint());
//   feed.Start();  ...  feed.Stop();              // before the server stops
//
// The snapshot is made by the API's own route with the socket's token, so its
// role rule, audit and figures are exactly those of GET /v1/kpis: a token that
// stops being a supervisor's (or expires) closes the socket (4403, 4401). The
// work runs on the feed's own thread, never on an I/O thread. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "api/http_server.h"
#include "services/auth_service.h"

namespace rxdesk {

struct KpiFeedOptions {
  int interval_s = 5;  // a snapshot at least this often, even when nothing changed
};

class KpiFeed {
 public:
  KpiFeed(HttpHandler api, AuthService& auth, KpiFeedOptions options);
  ~KpiFeed();  // stops the thread
  KpiFeed(const KpiFeed&) = delete;
  KpiFeed& operator=(const KpiFeed&) = delete;

  static constexpr char kPath[] = "/v1/kpis/live";
  WsEndpoint Endpoint();
  void Start();
  void Stop();

  class Socket;

 private:
  friend class Socket;
  void Add(const std::shared_ptr<Socket>& socket);
  void Loop();
  // Pushes to one socket if its snapshot changed or is due; false when it was closed.
  void Refresh(Socket& socket, bool force);

  HttpHandler api_;
  AuthService& auth_;
  const KpiFeedOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;                       // guarded by mu_
  std::vector<std::weak_ptr<Socket>> sockets_;  // guarded by mu_
  std::thread thread_;
};

}  // namespace rxdesk
