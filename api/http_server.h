// The HTTP server: Boost.Beast on Asio. I/O threads only read and write;
// every request is handled on a worker pool, so database work and waits for a
// group commit never stall the I/O threads.
//
//   HttpServer server(options, [&](HttpRequest& req) { return router.Handle(req); });
//   RXD_TRY(server.Listen());          // binds; refuses a port in use
//   server.Run();                      // blocks until Stop() (e.g. on SIGTERM)
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "domain/result.h"

namespace rxdesk {

struct HttpRequest {
  std::string method;      // "GET", "POST", ...
  std::string target;      // raw target, e.g. "/v1/channels?at=..."
  std::string path;        // percent-decoded path without the query
  std::vector<std::pair<std::string, std::string>> query;   // decoded query pairs, in order
  std::vector<std::pair<std::string, std::string>> headers; // names lower-cased
  std::string body;
  std::string remote_ip;
  std::string request_id;  // assigned by the server (or a sane incoming X-Request-Id)

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

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;           // 0 picks a free port (see HttpServer::port())
  int io_threads = 0;                  // 0: one per core
  int worker_threads = 32;             // handlers may block on the store
  std::size_t max_body_bytes = 1 << 20;  // 413 past 1 MiB
  int read_timeout_s = 30;             // idle keep-alive and slow clients
  int shutdown_grace_s = 20;           // in-flight requests get this long to finish
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens. Refusal: "address_in_use", "invalid_listen_address".
  Status Listen();
  // The bound port (after Listen()).
  std::uint16_t port() const;
  // Serves until Stop(). Returns after in-flight requests finished (or the grace ran out).
  void Run();
  // Thread- and signal-handler-safe via the io context: stops accepting, lets in-flight finish.
  void Stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Splits "a=1&b=x%20y" into decoded pairs. Malformed escapes are kept literally.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);
std::string PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace rxdesk
