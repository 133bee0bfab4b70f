#include "api/kpi_feed.h"

#include <chrono>

#include "api/json_body.h"
#include "infra/ids.h"

namespace rxdesk {

class KpiFeed::Socket final : public WsSession, public std::enable_shared_from_this<KpiFeed::Socket> {
 public:
  explicit Socket(KpiFeed& feed, std::string remote_ip) : remote_ip_(std::move(remote_ip)), feed_(feed) {}

  void OnOpen(std::shared_ptr<WsConnection> connection) override {
    std::lock_guard lock(mu_);
    connection_ = std::move(connection);
  }
  void OnClose() override {
    std::lock_guard lock(mu_);
    connection_.reset();
    closed_ = true;
  }
  void OnMessage(std::string text) override {
    Result<JsonObject> body = JsonObject::Parse(text);
    if (!body.ok()) return Close(4401, "the first message must be auth");
    Result<std::string> type = body->RequiredString("type", 16);
    if (Token().empty()) {
      Result<std::string> token = body->RequiredString("token", 512);
      if (!type.ok() || *type != "auth" || !token.ok() || !body->NoOtherFields().ok()) {
        return Close(4401, "the first message must be auth");
      }
      if (!feed_.auth_.Authenticate(*token).ok()) return Close(4401, "the token is not valid");
      {
        std::lock_guard lock(mu_);
        token_ = *token;
      }
      feed_.Refresh(*this, true);  // the first snapshot at once (and the role check)
      if (!IsClosed()) feed_.Add(shared_from_this());
      return;
    }
    Send(Json{{"type", "error"}, {"code", "invalid_request"}, {"message", "this feed takes no messages"}}.dump());
  }

  void Send(std::string text) {
    std::shared_ptr<WsConnection> c;
    {
      std::lock_guard lock(mu_);
      c = connection_;
    }
    if (c) c->Send(std::move(text));
  }
  void Close(int code, std::string reason) {
    std::shared_ptr<WsConnection> c;
    {
      std::lock_guard lock(mu_);
      c = connection_;
      closed_ = true;
    }
    if (c) c->Close(code, std::move(reason));
  }
  bool IsClosed() {
    std::lock_guard lock(mu_);
    return closed_;
  }
  std::string Token() {
    std::lock_guard lock(mu_);
    return token_;
  }

  const std::string remote_ip_;
  // Used by the feed's thread (and the first Refresh): what was last sent and when.
  std::string last_figures_;
  std::chrono::steady_clock::time_point last_sent_{};

 private:
  KpiFeed& feed_;
  std::mutex mu_;
  std::shared_ptr<WsConnection> connection_;  // guarded by mu_
  std::string token_;                         // guarded by mu_
  bool closed_ = false;                       // guarded by mu_
};

KpiFeed::KpiFeed(HttpHandler api, AuthService& auth, KpiFeedOptions options)
    : api_(std::move(api)), auth_(auth), options_(options) {}

KpiFeed::~KpiFeed() { Stop(); }

WsEndpoint KpiFeed::Endpoint() {
  return WsEndpoint{kPath, [this](const HttpRequest& request) {
                      return WsUpgrade{.session = std::make_shared<Socket>(*this, request.remote_ip)};
                    }};
}

void KpiFeed::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void KpiFeed::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void KpiFeed::Add(const std::shared_ptr<Socket>& socket) {
  std::lock_guard lock(mu_);
  sockets_.push_back(socket);
}

void KpiFeed::Refresh(Socket& socket, bool force) {
  HttpRequest request;
  request.method = "GET";
  request.target = "/v1/kpis";
  request.path = "/v1/kpis";
  request.headers.emplace_back("authorization", "Bearer " + socket.Token());
  request.remote_ip = socket.remote_ip_;
  request.request_id = NewId();
  HttpResponse response = api_(request);
  if (response.status == 401) return socket.Close(4401, "the session has ended");
  if (response.status == 403) return socket.Close(4403, "only supervisors see live KPIs");
  if (response.status != 200) return;  // e.g. the store is busy: try again at the next tick
  Json kpis = Json::parse(response.body, nullptr, false);
  if (!kpis.is_object()) return;
  Json figures = kpis;
  figures.erase("as_of");  // changes every second by itself
  std::string text = figures.dump();
  const auto now = std::chrono::steady_clock::now();
  const bool due = now - socket.last_sent_ >= std::chrono::seconds(options_.interval_s);
  if (!force && !due && text == socket.last_figures_) return;
  socket.last_figures_ = std::move(text);
  socket.last_sent_ = now;
  socket.Send(Json{{"type", "kpis"}, {"kpis", std::move(kpis)}}.dump());
}

void KpiFeed::Loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    if (stopping_) break;
    std::vector<std::shared_ptr<Socket>> live;
    std::erase_if(sockets_, [&](const std::weak_ptr<Socket>& w) {
      auto s = w.lock();
      if (!s || s->IsClosed()) return true;
      live.push_back(std::move(s));
      return false;
    });
    lock.unlock();
    for (const auto& s : live) Refresh(*s, false);
    lock.lock();
  }
}

}  // namespace rxdesk
