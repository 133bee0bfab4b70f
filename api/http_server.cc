#include "api/http_server.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <array>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <memory_resource>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>

#include "api/rate_limit.h"
#include "infra/ack_gate.h"
#include "infra/ids.h"

namespace rxdesk {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

std::string_view HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return {};
}

const std::string* HttpRequest::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

namespace {
beast::string_view Sv0(std::string_view s) { return {s.data(), s.size()}; }
}  // namespace

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    if (!part.empty()) {
      const std::size_t eq = part.find('=');
      if (eq == std::string_view::npos) {
        out.emplace_back(PercentDecode(part, true), "");
      } else {
        out.emplace_back(PercentDecode(part.substr(0, eq), true), PercentDecode(part.substr(eq + 1), true));
      }
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

bool WsOriginAllowed(const WsOptions& options, std::string_view origin, std::string_view host, bool tls) {
  if (origin.empty()) return !options.require_origin;
  if (beast::iequals(Sv0(origin), "null")) return false;
  if (options.allowed_origins.empty()) {
    if (host.empty()) return false;
    const std::string own = std::string(tls ? "https://" : "http://") + std::string(host);
    return beast::iequals(Sv0(origin), Sv0(own));
  }
  for (const std::string& allowed : options.allowed_origins) {
    if (beast::iequals(Sv0(origin), Sv0(allowed))) return true;
  }
  return false;
}

namespace {

bool IsSaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

std::string ErrorJson(std::string_view code, std::string_view message) {
  return std::string(R"({"error":{"code":")") + std::string(code) + R"(","message":")" + std::string(message) + "\"}}";
}

// TLS 1.2 ciphers: forward-secret AEAD only (Mozilla's "intermediate" list without
// DHE, which would need DH parameters). TLS 1.3 suites are OpenSSL's defaults, all AEAD.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

Error RefuseFile(std::string_view field, const std::string& what) {
  return MakeError("config_invalid", what, std::string(field));
}

// A readable regular file, or a refusal naming it and why not.
Status CheckReadable(std::string_view field, std::string_view kind, const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    return RefuseFile(field, std::string(kind) + " " + path + " does not exist");
  }
  if (!std::filesystem::is_regular_file(status)) {
    return RefuseFile(field, std::string(kind) + " " + path + " is not a regular file");
  }
  if (::access(path.c_str(), R_OK) != 0) {
    return RefuseFile(field, std::string(kind) + " " + path + " cannot be read: " + std::strerror(errno));
  }
  return OkStatus();
}

// The server's TLS context for these files. Refusals as CheckTlsFiles.
Result<std::unique_ptr<net::ssl::context>> MakeTlsContext(const std::string& cert_file, const std::string& key_file) {
  if (cert_file.empty() != key_file.empty()) {
    return RefuseFile(cert_file.empty() ? "tls_cert" : "tls_key",
                      "a TLS certificate and its private key must be given together");
  }
  RXD_TRY(CheckReadable("tls_cert", "the TLS certificate", cert_file));
  RXD_TRY(CheckReadable("tls_key", "the TLS private key", key_file));
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    return MakeError("internal", "the TLS cipher list was refused by OpenSSL");
  }
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(native, cert_file.c_str()) != 1) {
    ERR_clear_error();
    return RefuseFile("tls_cert", "the TLS certificate " + cert_file + " is not a PEM certificate chain");
  }
  // Read apart from the context, so that a key of another certificate is told from a bad
  // file; an encrypted key fails here instead of waiting for a passphrase on the terminal.
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(key_file.c_str(), "r"), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      bio ? PEM_read_bio_PrivateKey(
                bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr)
          : nullptr,
      &EVP_PKEY_free);
  if (!key) {
    ERR_clear_error();
    return RefuseFile("tls_key", "the TLS private key " + key_file +
                                     " is not a PEM private key (or it is encrypted: rxdesk needs it unencrypted, "
                                     "readable only by its own user)");
  }
  if (SSL_CTX_use_PrivateKey(native, key.get()) != 1 || SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return RefuseFile("tls_key",
                      "the TLS private key " + key_file + " does not belong to the certificate " + cert_file);
  }
  return ctx;
}

// Response headers live in a per-connection arena that is reset after each write,
// so headers (security ones included) cost no heap allocation per request.
using Fields = http::basic_fields<std::pmr::polymorphic_allocator<char>>;
using Response = http::response<http::string_body, Fields>;
using Serializer = http::response_serializer<http::string_body, Fields>;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

beast::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

RateKey KeyOf(const net::ip::address& address) {
  if (address.is_v4()) return RateKey::OfIpv4(address.to_v4().to_uint());
  return RateKey::OfIpv6(address.to_v6().to_bytes());
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  // One io_context per I/O thread, each run by that one thread, so I/O threads never
  // hand work to each other; accepted connections are dealt out in turn. The acceptor
  // lives on the first.
  std::vector<std::unique_ptr<net::io_context>> iocs;
  net::io_context& ioc;
  std::atomic<std::size_t> next_ioc{0};
  net::thread_pool workers;
  tcp::acceptor acceptor{ioc};
  std::unique_ptr<net::ssl::context> tls;  // null: plain HTTP
  SteadyMonotonicClock clock;
  RateLimiter per_ip;
  std::vector<net::ip::address> trusted_proxies;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  // Handlers that returned but whose answer waits for queued writes: the server
  // outlives them (their callbacks reach this object).
  std::atomic<int> answering{0};
  std::mutex mu;
  std::condition_variable idle;
  std::uint16_t bound_port = 0;
  // Open WebSockets, so that Stop() can close them; Run() waits for them like requests.
  std::mutex ws_mu;
  std::unordered_map<std::uint64_t, std::weak_ptr<WsConnection>> ws_open;  // guarded by ws_mu
  std::uint64_t ws_next_id = 0;                                            // guarded by ws_mu
  std::atomic<int> ws_count{0};

  const WsEndpoint* FindWebSocket(std::string_view path) const {
    for (const WsEndpoint& e : options.websockets) {
      if (e.path == path) return &e;
    }
    return nullptr;
  }
  std::uint64_t RegisterWebSocket(std::weak_ptr<WsConnection> c) {
    ws_count.fetch_add(1);
    std::lock_guard lock(ws_mu);
    const std::uint64_t id = ++ws_next_id;
    ws_open.emplace(id, std::move(c));
    return id;
  }
  void UnregisterWebSocket(std::uint64_t id) {
    {
      std::lock_guard lock(ws_mu);
      ws_open.erase(id);
    }
    if (ws_count.fetch_sub(1) == 1) {
      std::lock_guard lock(mu);
      idle.notify_all();
    }
  }
  void CloseWebSockets() {
    std::vector<std::shared_ptr<WsConnection>> open;
    {
      std::lock_guard lock(ws_mu);
      for (const auto& [id, weak] : ws_open) {
        if (auto c = weak.lock()) open.push_back(std::move(c));
      }
    }
    for (const auto& c : open) c->Close(1001, "the server is shutting down");
  }

  Impl(HttpServerOptions o, HttpHandler h)
      : options(std::move(o)),
        handler(std::move(h)),
        iocs(MakeIoContexts(options.io_threads)),
        ioc(*iocs.front()),
        workers(static_cast<std::size_t>(options.worker_threads)),
        per_ip(RateLimit{.per_minute = options.per_ip_per_minute, .burst = options.per_ip_burst}, clock,
               RateLimiterOptions{.max_keys = options.per_ip_max_clients}) {}

  static std::vector<std::unique_ptr<net::io_context>> MakeIoContexts(int io_threads) {
    const int n = io_threads > 0 ? io_threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::unique_ptr<net::io_context>> out;
    for (int i = 0; i < n; ++i) out.push_back(std::make_unique<net::io_context>(1));
    return out;
  }

  void Accept();
  void FinishOne() {
    if (in_flight.fetch_sub(1) == 1) {
      std::lock_guard lock(mu);
      idle.notify_all();
    }
  }

  // The per-IP limit's key: the peer, or for a trusted proxy the client it forwards for
  // (the rightmost X-Forwarded-For address that is not itself a trusted proxy).
  template <class Message>
  RateKey ClientKey(const net::ip::address& peer, const Message& msg) const {
    if (trusted_proxies.empty() || !IsTrustedProxy(peer)) return KeyOf(peer);
    std::string forwarded;
    for (const auto& field : msg) {
      if (beast::iequals(field.name_string(), "x-forwarded-for")) {
        if (!forwarded.empty()) forwarded += ',';
        forwarded.append(field.value().data(), field.value().size());
      }
    }
    net::ip::address client = peer;
    std::string_view rest(forwarded);
    while (!rest.empty()) {
      const std::size_t comma = rest.rfind(',');
      std::string_view hop = comma == std::string_view::npos ? rest : rest.substr(comma + 1);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
      while (!hop.empty() && (hop.front() == ' ' || hop.front() == '\t')) hop.remove_prefix(1);
      while (!hop.empty() && (hop.back() == ' ' || hop.back() == '\t')) hop.remove_suffix(1);
      beast::error_code ec;
      const net::ip::address address = net::ip::make_address(std::string(hop), ec);
      if (ec) break;  // not an address: trust nothing further left
      client = address;
      if (!IsTrustedProxy(address)) break;
    }
    return KeyOf(client);
  }

  bool IsTrustedProxy(const net::ip::address& address) const {
    for (const auto& p : trusted_proxies) {
      if (p == address) return true;
    }
    return false;
  }
};

namespace {

// One accepted WebSocket. Socket work runs on the connection's I/O strand; the
// session's calls run on a strand of the worker pool, one at a time, and the next
// message is read only after OnMessage returned (so a slow handler slows its own
// peer, never the I/O threads or other sockets).
template <class Stream>
class WsConn : public WsConnection, public std::enable_shared_from_this<WsConn<Stream>> {
 public:
  WsConn(HttpServer::Impl& server, Stream&& stream, std::shared_ptr<WsSession> session, std::string remote_ip)
      : ws_(std::move(stream)),
        server_(server),
        session_(std::move(session)),
        remote_ip_(std::move(remote_ip)),
        app_(net::make_strand(server.workers)),
        first_message_timer_(ws_.get_executor()) {}

  // On the I/O strand, with the upgrade request the handler accepted.
  void Start(std::shared_ptr<http::request<http::string_body>> request) {
    beast::get_lowest_layer(ws_).expires_never();
    const WsOptions& o = server_.options.ws;
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(server_.options.read_timeout_s);
    timeout.idle_timeout = std::chrono::seconds(2 * std::max(1, o.ping_interval_s));
    timeout.keep_alive_pings = true;  // a ping at half the idle time; no answer by the end: closed
    ws_.set_option(timeout);
    ws_.read_message_max(o.max_message_bytes);
    ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
      res.set(http::field::server, "rxdesk");
      for (const auto& [name, value] : kSecurityHeaders) res.set(Sv(name), Sv(value));
      if constexpr (std::is_same_v<Stream, TlsStream>) {
        res.set(http::field::strict_transport_security, Sv(kStrictTransportSecurity));
      }
    }));
    ws_.async_accept(*request,
                     [self = this->shared_from_this(), request](beast::error_code ec) { self->OnAccept(ec); });
  }

  void Send(std::string text) override {
    net::post(ws_.get_executor(), [self = this->shared_from_this(), text = std::move(text)]() mutable {
      if (self->closed_ || self->close_pending_) return;
      self->queued_bytes_ += text.size();
      if (self->queued_bytes_ > self->server_.options.ws.max_send_queue_bytes) {
        return self->BeginClose(1008, "the client reads too slowly");
      }
      self->queue_.push_back(std::move(text));
      if (!self->writing_) self->WriteNext();
    });
  }

  void Close(int code, std::string reason) override {
    if (reason.size() > 120) reason.resize(120);
    net::post(ws_.get_executor(), [self = this->shared_from_this(), code, reason = std::move(reason)]() mutable {
      self->BeginClose(code, std::move(reason));
    });
  }

  const std::string& remote_ip() const override { return remote_ip_; }

 private:
  void OnAccept(beast::error_code ec) {
    if (ec) {
      // The handshake failed: the session never opened, so it is not told of a close.
      session_.reset();
      return;
    }
    registry_id_ = server_.RegisterWebSocket(this->weak_from_this());
    registered_ = true;
    if (server_.stopping.load()) BeginClose(1001, "the server is shutting down");
    const int timeout_s = server_.options.ws.first_message_timeout_s;
    if (timeout_s > 0) {
      first_message_timer_.expires_after(std::chrono::seconds(timeout_s));
      first_message_timer_.async_wait([self = this->shared_from_this()](beast::error_code timer_ec) {
        if (timer_ec || self->got_message_) return;
        self->BeginClose(self->server_.options.ws.first_message_timeout_code, "no authentication in time");
      });
    }
    net::post(app_, [self = this->shared_from_this()] {
      if (self->session_) self->session_->OnOpen(self);
      net::post(self->ws_.get_executor(), [self] { self->Read(); });
    });
  }

  void Read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec) return Finish();
    if (!ws_.got_text()) {
      buffer_.consume(buffer_.size());
      BeginClose(1003, "only text messages are accepted");
      return Read();
    }
    if (!got_message_) {
      got_message_ = true;
      first_message_timer_.cancel();
    }
    std::string text = beast::buffers_to_string(buffer_.data());
    buffer_.consume(buffer_.size());
    net::post(app_, [self = this->shared_from_this(), text = std::move(text)]() mutable {
      try {
        if (self->session_) self->session_->OnMessage(std::move(text));
      } catch (...) {
        self->Close(1011, "internal error");
      }
      net::post(self->ws_.get_executor(), [self] { self->Read(); });
    });
  }

  // The read loop ended: the socket is closed (or failed). Tell the session, once.
  void Finish() {
    if (closed_) return;
    closed_ = true;
    first_message_timer_.cancel();
    queue_.clear();
    net::post(app_, [self = this->shared_from_this()] {
      if (self->session_) {
        try {
          self->session_->OnClose();
        } catch (...) {
        }
        self->session_.reset();  // the session may hold this connection: break the cycle
      }
      if (self->registered_) self->server_.UnregisterWebSocket(self->registry_id_);
    });
  }

  void WriteNext() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front()), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      self->writing_ = false;
      if (!self->queue_.empty()) {
        self->queued_bytes_ -= self->queue_.front().size();
        self->queue_.pop_front();
      }
      if (ec) return;  // the read loop sees the failure too and finishes
      if (!self->queue_.empty()) return self->WriteNext();
      if (self->close_pending_ && !self->close_sent_) self->SendClose();
    });
  }

  void BeginClose(int code, std::string reason) {
    if (closed_ || close_pending_) return;
    close_pending_ = true;
    close_reason_.code = static_cast<std::uint16_t>(code);
    close_reason_.reason = reason;
    if (!writing_) SendClose();
  }

  void SendClose() {
    close_sent_ = true;
    // The peer gets a few seconds to answer the close frame.
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = std::chrono::seconds(5);
    timeout.idle_timeout = std::chrono::seconds(2 * std::max(1, server_.options.ws.ping_interval_s));
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.async_close(close_reason_, [self = this->shared_from_this()](beast::error_code) {});
  }

  websocket::stream<Stream> ws_;
  HttpServer::Impl& server_;
  std::shared_ptr<WsSession> session_;  // used on the app strand only
  const std::string remote_ip_;
  net::strand<net::thread_pool::executor_type> app_;
  net::steady_timer first_message_timer_;
  beast::flat_buffer buffer_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool got_message_ = false;
  bool close_pending_ = false;
  bool close_sent_ = false;
  bool closed_ = false;
  websocket::close_reason close_reason_;
  bool registered_ = false;
  std::uint64_t registry_id_ = 0;
};

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  template <class... StreamArgs>
  explicit Session(HttpServer::Impl& server, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...), server_(server) {}

  void Start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::Begin, this->shared_from_this()));
  }

 private:
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void Begin() {
    if constexpr (kTls) {
      Tcp().expires_after(std::chrono::seconds(server_.options.read_timeout_s));
      stream_.async_handshake(net::ssl::stream_base::server,
                              beast::bind_front_handler(&Session::OnHandshake, this->shared_from_this()));
    } else {
      Read();
    }
  }

  // A failed handshake (a plain-HTTP client, an old TLS version, a scanner) gets no answer.
  void OnHandshake(beast::error_code ec) {
    if (ec) return CloseNow();
    Read();
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(16 * 1024);
    Tcp().expires_after(std::chrono::seconds(server_.options.read_timeout_s));
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof || ec == net::ssl::error::stream_truncated) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return WriteRaw(413, ErrorJson("payload_too_large", "the request body is larger than the limit"));
    }
    if (ec) {
      return WriteRaw(400, ErrorJson("invalid_request", "the request is not valid HTTP"));
    }
    if (server_.stopping.load()) {
      return WriteRaw(503, ErrorJson("unavailable", "the server is shutting down"));
    }
    keep_alive_ = parser_->get().keep_alive();
    version_ = parser_->get().version();
    beast::error_code ep_ec;
    const auto ep = Tcp().socket().remote_endpoint(ep_ec);
    // The per-IP limit, on the I/O thread: a flood never reaches the workers or the store.
    if (server_.per_ip.enabled() && !ep_ec) {
      const RateDecision d = server_.per_ip.Take(server_.ClientKey(ep.address(), parser_->get()));
      if (!d.allowed) {
        const auto id_field = parser_->get()["X-Request-Id"];
        const std::string_view incoming_id(id_field.data(), id_field.size());
        server_.in_flight.fetch_add(1);
        return Write(TooManyRequests(d), IsSaneRequestId(incoming_id) ? std::string(incoming_id) : NewId());
      }
    }
    auto msg = parser_->release();
    auto request = std::make_shared<HttpRequest>();
    request->method = std::string(msg.method_string());
    request->target = std::string(msg.target());
    const std::string_view target(msg.target().data(), msg.target().size());
    const std::size_t q = target.find('?');
    request->path = PercentDecode(target.substr(0, q), false);
    if (q != std::string_view::npos) request->query = ParseQuery(target.substr(q + 1));
    request->headers.reserve(16);
    for (const auto& field : msg) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request->headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request->body = std::move(msg.body());
    request->received = std::chrono::steady_clock::now();
    if (!ep_ec) request->remote_ip = ep.address().to_string();
    const std::string_view incoming_id = request->Header("x-request-id");
    request->request_id = IsSaneRequestId(incoming_id) ? std::string(incoming_id) : NewId();
    if (const WsEndpoint* endpoint = server_.FindWebSocket(request->path)) {
      return Upgrade(*endpoint, std::move(msg), std::move(request));
    }

    server_.in_flight.fetch_add(1);
    if (server_.options.run_inline && server_.options.run_inline(*request)) return Handle(std::move(request));
    net::post(server_.workers,
              [self = this->shared_from_this(), request = std::move(request)]() mutable { self->Handle(std::move(request)); });
  }

  // Runs the handler (on the I/O thread or a worker) in an AckGate scope; the answer
  // is written once every write the handler queued with the gate committed.
  void Handle(std::shared_ptr<HttpRequest> request) {
    auto gate = AckGate::Make();
    auto response = std::make_shared<HttpResponse>();
    server_.answering.fetch_add(1);
    {
      AckGate::Scope scope(*gate);
      try {
        *response = server_.handler(*request);
      } catch (...) {
        *response = HttpResponse{};
        response->status = 500;
        response->body = ErrorJson("internal", "the server could not complete the request");
      }
    }
    gate->Finally([self = this->shared_from_this(), gate, request = std::move(request), response](
                      Status committed) mutable {
      if (std::any answer = gate->TakeAnswer(); answer.has_value()) {
        *response = std::any_cast<HttpResponse>(std::move(answer));
      }
      if (!committed.ok()) {
        *response = HttpResponse{};
        response->status = 503;
        response->body = ErrorJson("store_unavailable", "the server could not record this request; try again");
      }
      // On the connection's I/O thread, not the writer's: the writer serves everyone.
      net::dispatch(self->stream_.get_executor(), [self, request, response] {
        if (self->server_.options.on_answer) {
          const double seconds =
              std::chrono::duration<double>(std::chrono::steady_clock::now() - request->received).count();
          self->server_.options.on_answer(*request, *response, seconds);
        }
        self->Write(std::move(*response), request->request_id);
      });
      // Let go of the session before the server may be destroyed (see ~HttpServer).
      HttpServer::Impl& server = self->server_;
      self.reset();
      if (server.answering.fetch_sub(1) == 1) {
        std::lock_guard lock(server.mu);
        server.idle.notify_all();
      }
    });
  }

  // A request for a WebSocket endpoint: the origin is checked here, the endpoint's
  // handler decides on a worker, then this session hands its stream to a WsConn.
  void Upgrade(const WsEndpoint& endpoint, http::request<http::string_body> msg, std::shared_ptr<HttpRequest> request) {
    server_.in_flight.fetch_add(1);
    keep_alive_ = false;
    const auto refuse = [&](int status, std::string_view code, std::string_view message) {
      HttpResponse response;
      response.status = status;
      response.body = ErrorJson(code, message);
      Write(std::move(response), request->request_id);
    };
    if (!websocket::is_upgrade(msg)) {
      return refuse(426, "upgrade_required", "this path speaks WebSocket only");
    }
    if (!WsOriginAllowed(server_.options.ws, request->Header("origin"), request->Header("host"), kTls)) {
      return refuse(403, "forbidden", "this origin may not open a WebSocket here");
    }
    auto upgrade = std::make_shared<http::request<http::string_body>>(std::move(msg));
    net::post(server_.workers, [self = this->shared_from_this(), &endpoint, request, upgrade]() mutable {
      WsUpgrade decision;
      try {
        decision = endpoint.handler(*request);
      } catch (...) {
        decision = WsUpgrade{.status = 500, .error_code = "internal", .message = "the server could not decide"};
      }
      net::post(self->stream_.get_executor(), [self, request, upgrade, decision = std::move(decision)]() mutable {
        self->OnUpgradeDecided(std::move(decision), request, upgrade);
      });
    });
  }

  void OnUpgradeDecided(WsUpgrade decision, const std::shared_ptr<HttpRequest>& request,
                        const std::shared_ptr<http::request<http::string_body>>& upgrade) {
    if (decision.status == 101 && !decision.session) {
      decision = WsUpgrade{.status = 500, .error_code = "internal", .message = "the server could not decide"};
    }
    if (decision.status == 101 && server_.stopping.load()) {
      decision = WsUpgrade{.status = 503, .error_code = "unavailable", .message = "the server is shutting down"};
    }
    if (decision.status != 101) {
      HttpResponse response;
      response.status = decision.status;
      response.body = ErrorJson(decision.error_code.empty() ? "forbidden" : decision.error_code,
                                decision.message.empty() ? "refused" : decision.message);
      return Write(std::move(response), request->request_id);
    }
    server_.FinishOne();
    auto conn =
        std::make_shared<WsConn<Stream>>(server_, std::move(stream_), std::move(decision.session), request->remote_ip);
    conn->Start(upgrade);
  }

  // Builds the response in the arena: status, the server's headers, then the handler's
  // (which may replace a security header's value, never drop one).
  Response& Build(HttpResponse& response, std::string_view request_id, unsigned version) {
    Response& res = res_.emplace(std::piecewise_construct, std::forward_as_tuple(std::move(response.body)),
                                 std::forward_as_tuple(Fields::allocator_type(&arena_)));
    res.version(version);
    res.result(static_cast<unsigned>(response.status));
    res.set(http::field::server, "rxdesk");
    res.set(http::field::content_type, response.content_type);
    res.set("X-Request-Id", Sv(request_id));
    for (const auto& [name, value] : kSecurityHeaders) res.set(Sv(name), Sv(value));
    if constexpr (kTls) res.set(http::field::strict_transport_security, Sv(kStrictTransportSecurity));
    for (const auto& [name, value] : response.headers) res.set(name, value);
    return res;
  }

  void Write(HttpResponse response, const std::string& request_id) {
    Response& res = Build(response, request_id, version_);
    const bool keep = keep_alive_ && !server_.stopping.load();
    res.keep_alive(keep);
    res.prepare_payload();
    Tcp().expires_after(std::chrono::seconds(server_.options.read_timeout_s));
    http::async_write(stream_, serializer_.emplace(res),
                      [self = this->shared_from_this(), keep](beast::error_code ec, std::size_t) {
                        self->ReleaseResponse();
                        self->server_.FinishOne();
                        if (ec || !keep) return self->Close();
                        self->Read();
                      });
  }

  // Answers before a request was handed to the worker pool (parse errors, 413, 503).
  void WriteRaw(int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    Response& res = Build(response, NewId(), 11);
    res.keep_alive(false);
    res.prepare_payload();
    http::async_write(stream_, serializer_.emplace(res),
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->ReleaseResponse();
                        if (ec) return self->Close();
                        self->LingeringClose();
                      });
  }

  void ReleaseResponse() {
    serializer_.reset();
    res_.reset();
    arena_.release();
  }

  // After an early answer (413, 400) the client may still be sending its body: stop
  // sending, then read and discard for a bounded time and size so that it can finish
  // writing and read our answer, as nginx's lingering close does. (Over TLS there is
  // no half-close: the answer is already sent, the reads just drain.)
  void LingeringClose() {
    if constexpr (!kTls) {
      beast::error_code ec;
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    }
    discarded_ = 0;
    Tcp().expires_after(std::chrono::seconds(5));
    Drain();
  }

  void Drain() {
    stream_.async_read_some(net::buffer(drain_buffer_),
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                              self->discarded_ += n;
                              if (ec || self->discarded_ > kMaxDrainBytes) return self->CloseNow();
                              self->Drain();
                            });
  }

  // Over TLS: send close_notify (waiting briefly for the peer's), then close.
  void Close() {
    if constexpr (kTls) {
      Tcp().expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) { self->CloseNow(); });
    } else {
      CloseNow();
    }
  }

  void CloseNow() {
    beast::error_code ec;
    Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
    Tcp().close();
  }

  Stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  std::array<std::byte, 3072> arena_buffer_{};
  std::pmr::monotonic_buffer_resource arena_{arena_buffer_.data(), arena_buffer_.size(),
                                             std::pmr::new_delete_resource()};
  std::optional<Response> res_;
  std::optional<Serializer> serializer_;
  static constexpr std::size_t kMaxDrainBytes = 16u << 20;
  std::array<char, 16384> drain_buffer_{};
  std::size_t discarded_ = 0;
};

}  // namespace

void HttpServer::Impl::Accept() {
  net::io_context& target = *iocs[next_ioc.fetch_add(1) % iocs.size()];
  acceptor.async_accept(target, [this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      if (tls) {
        std::make_shared<Session<TlsStream>>(*this, std::move(socket), *tls)->Start();
      } else {
        std::make_shared<Session<PlainStream>>(*this, std::move(socket))->Start();
      }
    }
    Accept();
  });
}

Status CheckTlsFiles(const std::string& cert_file, const std::string& key_file) {
  RXD_TRY(MakeTlsContext(cert_file, key_file));
  return OkStatus();
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
  impl_->workers.join();
  // Answers still waiting for their writes (past the shutdown grace) call back into
  // this object: wait for them. The store's writer reports every queued write.
  std::unique_lock lock(impl_->mu);
  impl_->idle.wait(lock, [this] { return impl_->answering.load() == 0; });
}

Status HttpServer::Listen() {
  beast::error_code ec;
  for (const std::string& proxy : impl_->options.trusted_proxies) {
    const auto address = net::ip::make_address(proxy, ec);
    if (ec) return MakeError("config_invalid", "trusted proxy " + proxy + " is not an IP address", "trusted_proxies");
    impl_->trusted_proxies.push_back(address);
  }
  if (!impl_->options.tls_cert_file.empty() || !impl_->options.tls_key_file.empty()) {
    RXD_ASSIGN_OR_RETURN(impl_->tls, MakeTlsContext(impl_->options.tls_cert_file, impl_->options.tls_key_file));
  }
  const auto address = net::ip::make_address(impl_->options.host, ec);
  if (ec) return MakeError("invalid_listen_address", "not an IP address: " + impl_->options.host, "listen");
  const tcp::endpoint endpoint{address, impl_->options.port};
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (ec == net::error::address_in_use) {
    return MakeError(
        "address_in_use",
        "port " + std::to_string(impl_->options.port) + " on " + impl_->options.host + " is already in use", "listen");
  }
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return MakeError("listen_failed", "cannot listen on " + impl_->options.host + ": " + ec.message(), "listen");
  impl_->bound_port = impl_->acceptor.local_endpoint().port();
  impl_->Accept();
  return OkStatus();
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::Run() {
  std::vector<std::thread> threads;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  for (auto& ioc : impl_->iocs) {
    guards.push_back(net::make_work_guard(*ioc));
    threads.emplace_back([&ioc] { ioc->run(); });
  }
  // The caller's thread waits for Stop(), then drains in-flight requests.
  {
    std::unique_lock lock(impl_->mu);
    impl_->idle.wait(lock, [this] { return impl_->stopping.load(); });
    impl_->idle.wait_for(lock, std::chrono::seconds(impl_->options.shutdown_grace_s),
                         [this] { return impl_->in_flight.load() == 0 && impl_->ws_count.load() == 0; });
  }
  // Give the last writes a moment to flush to their sockets.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  guards.clear();
  for (auto& ioc : impl_->iocs) ioc->stop();
  for (auto& t : threads) t.join();
}

void HttpServer::Stop() {
  net::post(impl_->ioc, [this] {
    beast::error_code ec;
    impl_->acceptor.close(ec);
  });
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping.store(true);
  }
  impl_->CloseWebSockets();
  impl_->idle.notify_all();
}

}  // namespace rxdesk
