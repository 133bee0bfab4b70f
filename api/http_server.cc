#include "api/http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <array>
#include <mutex>
#include <optional>
#include <thread>

#include "infra/ids.h"

namespace rxdesk {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
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
  return std::string(R"({"error":{"code":")") + std::string(code) + R"(","message":")" + std::string(message) +
         "\"}}";
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  HttpHandler handler;
  net::io_context ioc;
  net::thread_pool workers;
  tcp::acceptor acceptor{ioc};
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::mutex mu;
  std::condition_variable idle;
  std::uint16_t bound_port = 0;

  Impl(HttpServerOptions o, HttpHandler h)
      : options(std::move(o)), handler(std::move(h)), workers(static_cast<std::size_t>(options.worker_threads)) {}

  void Accept();
  void FinishOne() {
    if (in_flight.fetch_sub(1) == 1) {
      std::lock_guard lock(mu);
      idle.notify_all();
    }
  }
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, HttpServer::Impl& server) : stream_(std::move(socket)), server_(server) {}

  void Start() {
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::Read, shared_from_this()));
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->body_limit(server_.options.max_body_bytes);
    parser_->header_limit(16 * 1024);
    stream_.expires_after(std::chrono::seconds(server_.options.read_timeout_s));
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof) {
      return Close();
    }
    if (ec == http::error::body_limit) {
      return WriteRaw(413, ErrorJson("payload_too_large", "the request body is larger than the limit"), false);
    }
    if (ec) {
      return WriteRaw(400, ErrorJson("invalid_request", "the request is not valid HTTP"), false);
    }
    if (server_.stopping.load()) {
      return WriteRaw(503, ErrorJson("unavailable", "the server is shutting down"), false);
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
    beast::error_code ep_ec;
    const auto ep = stream_.socket().remote_endpoint(ep_ec);
    if (!ep_ec) request->remote_ip = ep.address().to_string();
    const std::string_view incoming_id = request->Header("x-request-id");
    request->request_id = IsSaneRequestId(incoming_id) ? std::string(incoming_id) : NewId();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();

    server_.in_flight.fetch_add(1);
    net::post(server_.workers, [self = shared_from_this(), request]() mutable {
      HttpResponse response;
      try {
        response = self->server_.handler(*request);
      } catch (...) {
        response.status = 500;
        response.body = ErrorJson("internal", "the server could not complete the request");
      }
      net::post(self->stream_.get_executor(), [self, request, response = std::move(response)]() mutable {
        self->Write(std::move(response), request->request_id);
      });
    });
  }

  void Write(HttpResponse response, const std::string& request_id) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version_);
    res->result(static_cast<unsigned>(response.status));
    res->set(http::field::server, "rxdesk");
    res->set(http::field::content_type, response.content_type);
    res->set("X-Request-Id", request_id);
    for (auto& [k, v] : response.headers) res->set(k, v);
    res->body() = std::move(response.body);
    const bool keep = keep_alive_ && !server_.stopping.load();
    res->keep_alive(keep);
    res->prepare_payload();
    stream_.expires_after(std::chrono::seconds(server_.options.read_timeout_s));
    http::async_write(stream_, *res, [self = shared_from_this(), res, keep](beast::error_code ec, std::size_t) {
      self->server_.FinishOne();
      if (ec || !keep) return self->Close();
      self->Read();
    });
  }

  // Answers before a request was handed to the worker pool (parse errors, 413).
  void WriteRaw(int status, std::string body, bool keep) {
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(11);
    res->result(static_cast<unsigned>(status));
    res->set(http::field::server, "rxdesk");
    res->set(http::field::content_type, "application/json");
    res->set("X-Request-Id", NewId());
    res->body() = std::move(body);
    res->keep_alive(keep);
    res->prepare_payload();
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec) return self->Close();
      self->LingeringClose();
    });
  }

  // After an early answer (413, 400) the client may still be sending its body: stop
  // sending, then read and discard for a bounded time and size so that it can finish
  // writing and read our answer, as nginx's lingering close does.
  void LingeringClose() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    discarded_ = 0;
    stream_.expires_after(std::chrono::seconds(5));
    Drain();
  }

  void Drain() {
    stream_.async_read_some(net::buffer(drain_buffer_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->discarded_ += n;
      if (ec || self->discarded_ > kMaxDrainBytes) return self->Close();
      self->Drain();
    });
  }

  void Close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.close();
  }

  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  static constexpr std::size_t kMaxDrainBytes = 16u << 20;
  std::array<char, 16384> drain_buffer_{};
  std::size_t discarded_ = 0;
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (!acceptor.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket), *this)->Start();
    }
    Accept();
  });
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() {
  impl_->workers.join();
}

Status HttpServer::Listen() {
  beast::error_code ec;
  const auto address = net::ip::make_address(impl_->options.host, ec);
  if (ec) return MakeError("invalid_listen_address", "not an IP address: " + impl_->options.host, "listen");
  const tcp::endpoint endpoint{address, impl_->options.port};
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (ec == net::error::address_in_use) {
    return MakeError("address_in_use",
                     "port " + std::to_string(impl_->options.port) + " on " + impl_->options.host + " is already in use",
                     "listen");
  }
  if (!ec) impl_->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return MakeError("listen_failed", "cannot listen on " + impl_->options.host + ": " + ec.message(), "listen");
  impl_->bound_port = impl_->acceptor.local_endpoint().port();
  impl_->Accept();
  return OkStatus();
}

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::Run() {
  int n = impl_->options.io_threads;
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> threads;
  auto guard = net::make_work_guard(impl_->ioc);
  for (int i = 1; i < n; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  // The caller's thread waits for Stop(), then drains in-flight requests.
  std::thread runner([this] { impl_->ioc.run(); });
  {
    std::unique_lock lock(impl_->mu);
    impl_->idle.wait(lock, [this] { return impl_->stopping.load(); });
    impl_->idle.wait_for(lock, std::chrono::seconds(impl_->options.shutdown_grace_s),
                         [this] { return impl_->in_flight.load() == 0; });
  }
  // Give the last writes a moment to flush to their sockets.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  guard.reset();
  impl_->ioc.stop();
  runner.join();
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
  impl_->idle.notify_all();
}

}  // namespace rxdesk
