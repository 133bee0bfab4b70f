// The HTTP server: Boost.Beast on Asio. I/O threads read and write; a request
// is handled on a worker pool, so database work and waits for a group commit
// never stall the I/O threads — unless `run_inline` says the request's handler
// never waits (bounded in-memory or page-cache work only): then it runs on the
// I/O thread that read it, saving two thread hand-offs.
//
// Every handler runs inside an AckGate scope (infra/ack_gate.h): writes it
// queued with the gate (e.g. the audit entry of a read) are committed before the
// answer leaves; if one fails the answer becomes 503 `store_unavailable`. So a
// read's audit no longer parks a thread until its group commit.
//
//   HttpServerOptions options;
//   options.tls_cert_file = "/etc/rxdesk/tls.crt";  // both files: HTTPS only (TLS 1.2+)
//   options.tls_key_file = "/etc/rxdesk/tls.key";
//   options.per_ip_per_minute = 1200;               // 429 + Retry-After past it
//   HttpServer server(options, [&](HttpRequest& req) { return router.Handle(req); });
//   RXD_TRY(server.Listen());          // binds; refuses a port in use or unusable TLS files
//   server.Run();                      // blocks until Stop() (e.g. on SIGTERM)
//
// Every response carries kSecurityHeaders (and, over TLS, Strict-Transport-Security),
// whoever made it: a handler, or the server itself (400, 413, 429, 503).
//
// WebSockets share the port, the TLS and the per-IP limit. An endpoint is a path
// and a handler that sees the upgrade request (headers, remote IP) on the worker
// pool and accepts it (status 101 and a session) or refuses it with a status:
//
//   options.websockets.push_back({"/v1/chat/ws", [&](const HttpRequest& req) {
//     return WsUpgrade{.session = std::make_shared<ChatSocket>(...)};   // or {.status = 503, ...}
//   }});
//
// Before the handler runs, the server checks the Origin header (ws.allowed_origins;
// same-origin by default). After the handshake, a session's calls (OnOpen, each
// OnMessage, OnClose) run on the worker pool one at a time and in order, and the
// next message is read only when the previous call returned. Past ws.max_message_bytes
// the server closes with 1009; it pings every ws.ping_interval_s and closes a peer
// that stays silent for twice that; without a first message within
// ws.first_message_timeout_s it closes with ws.first_message_timeout_code; Stop()
// closes every socket with 1001.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/result.h"

namespace rxdesk {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string target;                                        // raw target, e.g. "/v1/channels?at=..."
  std::string path;                                          // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;    // decoded query pairs, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;
  std::string request_id;  // assigned by the server (or a sane incoming X-Request-Id)
  std::string route;       // set by the handler: the matched route pattern, for logs and metrics
  std::chrono::steady_clock::time_point received;  // when the server had read it

  // First header with this (lower-case) name, or "".
  std::string_view Header(std::string_view lower_name) const;
  // First query parameter with this name, if present.
  const std::string* Query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

using HttpHandler = std::function<HttpResponse(HttpRequest&)>;

// One accepted WebSocket, as a session sees it. Thread-safe; calls after the socket
// closed do nothing.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  // Queues a text message; messages go out in the order of the calls. A peer that
  // lets more than the send limit pile up is closed with 1008.
  virtual void Send(std::string text) = 0;
  // Sends what is queued, then the close frame with this code and reason (<= 120 bytes).
  virtual void Close(int code, std::string reason) = 0;
  virtual const std::string& remote_ip() const = 0;
};

// What the application does with one socket (see the header comment for threads).
class WsSession {
 public:
  virtual ~WsSession() = default;
  virtual void OnOpen(std::shared_ptr<WsConnection> connection) = 0;
  virtual void OnMessage(std::string text) = 0;
  // The socket is closed (by either side, a timeout or shutdown); called once, last.
  virtual void OnClose() = 0;
};

struct WsUpgrade {
  int status = 101;  // anything else refuses the upgrade with this status and error body
  std::string error_code;
  std::string message;
  std::shared_ptr<WsSession> session;  // required when status is 101
};

// Decides an upgrade request; runs on the worker pool (it may read the store).
using WsHandler = std::function<WsUpgrade(const HttpRequest&)>;

struct WsEndpoint {
  std::string path;  // exact path, e.g. "/v1/chat/ws"; a plain GET of it gets 426
  WsHandler handler;
};

struct WsOptions {
  // Origins ("https://desk.example.com") a browser page may connect from. Empty: only
  // the server's own origin (scheme and Host header of the request). A request without
  // Origin (not a browser: browsers always send it on WebSockets) is allowed unless
  // require_origin.
  std::vector<std::string> allowed_origins;
  bool require_origin = false;
  std::size_t max_message_bytes = 16 * 1024;  // a larger message closes the socket with 1009
  int ping_interval_s = 20;                   // silent peers are closed after twice this
  int first_message_timeout_s = 10;           // no message by then: closed with the code below
  int first_message_timeout_code = 4401;
  std::size_t max_send_queue_bytes = 4u << 20;  // per socket; past it the peer is too slow: 1008
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;             // 0 picks a free port (see HttpServer::port())
  int io_threads = 0;                    // 0: one per core
  int worker_threads = 32;               // handlers may block on the store
  // Requests whose handler never waits (see the header comment); null: none.
  std::function<bool(const HttpRequest&)> run_inline;
  // Called with every answer a handler gave, just before it is written (on the
  // connection's I/O thread), with the seconds since the request was read: logs and metrics.
  std::function<void(const HttpRequest&, HttpResponse&, double seconds)> on_answer;
  std::size_t max_body_bytes = 1 << 20;  // 413 past 1 MiB
  int read_timeout_s = 30;               // idle keep-alive and slow clients (and TLS handshakes)
  int shutdown_grace_s = 20;             // in-flight requests get this long to finish
  // TLS: both files for HTTPS only on this port (TLS 1.2 and 1.3, forward-secret AEAD
  // ciphers), or neither for plain HTTP. See CheckTlsFiles.
  std::string tls_cert_file;  // PEM certificate chain, the server's certificate first
  std::string tls_key_file;   // PEM private key, not encrypted
  // A token bucket per client IP (IPv6: per /64), checked on the I/O thread before a
  // request reaches a worker: past it, 429 rate_limited with Retry-After. 0 = off.
  int per_ip_per_minute = 0;
  int per_ip_burst = 1;
  std::size_t per_ip_max_clients = 65'536;  // buckets held at most (idle ones are dropped first)
  // Peers (exact IP addresses, e.g. a load balancer or a TLS proxy) whose X-Forwarded-For
  // is believed: for their requests the per-IP limit applies to the forwarded client.
  std::vector<std::string> trusted_proxies;
  // WebSocket endpoints on this port, and their limits.
  std::vector<WsEndpoint> websockets;
  WsOptions ws;
};

// Set on every response, API and web app alike (a handler may replace a value by
// setting the header itself, e.g. a longer Cache-Control for a static asset).
// The policy allows only same-origin scripts, styles, images, fonts and fetches:
// no inline <script> or style="", no eval, no plugins, no framing by anyone.
inline constexpr std::array<std::pair<std::string_view, std::string_view>, 6> kSecurityHeaders{{
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"Content-Security-Policy",
     "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cache-Control", "no-store"},  // PHI must not be cached by browsers or proxies
}};
// Added to every response over TLS: browsers then refuse plain HTTP to this host for a year.
inline constexpr std::string_view kStrictTransportSecurity = "max-age=31536000; includeSubDomains";

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Loads the TLS files (if any), binds and listens. Refusal: "address_in_use",
  // "invalid_listen_address", "config_invalid" (TLS files, trusted_proxies; field
  // "tls_cert", "tls_key" or "trusted_proxies").
  Status Listen();
  // The bound port (after Listen()).
  std::uint16_t port() const;
  // Serves until Stop(). Returns after in-flight requests finished (or the grace ran out).
  void Run();
  // Thread- and signal-handler-safe via the io context: stops accepting, lets in-flight
  // finish, closes every WebSocket with 1001 (going away).
  void Stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Whether `serve` could use these TLS files: both readable, a PEM certificate chain and
// an unencrypted PEM private key that belongs to it. Reads them; creates nothing.
// Refusal: config_invalid with field "tls_cert" or "tls_key" and a message naming the
// file and the problem (the caller prefixes the flag or config key it came from).
Status CheckTlsFiles(const std::string& cert_file, const std::string& key_file);

// Splits "a=1&b=x%20y" into decoded pairs. Malformed escapes are kept literally.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);
std::string PercentDecode(std::string_view text, bool plus_is_space);

// Whether a WebSocket upgrade from `origin` may proceed: an empty origin (no header)
// unless `options.require_origin`; else one of `options.allowed_origins`, or when that
// is empty, the request's own origin `scheme://host` (host as the Host header gives it).
// Compared case-insensitively; "null" (sandboxed pages, files) is never allowed.
bool WsOriginAllowed(const WsOptions& options, std::string_view origin, std::string_view host, bool tls);

}  // namespace rxdesk
