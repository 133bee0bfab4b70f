#include "tests/support/ws_client.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

namespace rxdesk::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

struct WsClient::Impl {
  std::string host;
  std::uint16_t port = 0;
  WsClientOptions options;
  net::io_context ioc;
  net::ssl::context ssl{net::ssl::context::tls_client};
  std::optional<websocket::stream<beast::tcp_stream>> plain;
  std::optional<websocket::stream<beast::ssl_stream<beast::tcp_stream>>> secure;
  beast::flat_buffer buffer;

  template <class F>
  auto With(F&& f) {
    if (secure) return f(*secure);
    return f(*plain);
  }
  beast::tcp_stream& Tcp() {
    if (secure) return beast::get_lowest_layer(*secure);
    return beast::get_lowest_layer(*plain);
  }
  // Runs the io context until `done` or the timeout.
  bool RunUntil(const bool& done, std::chrono::milliseconds timeout) {
    ioc.restart();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done && std::chrono::steady_clock::now() < deadline) {
      ioc.run_one_for(deadline - std::chrono::steady_clock::now());
    }
    return done;
  }
};

WsClient::WsClient(std::string host, std::uint16_t port, WsClientOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->options = std::move(options);
  if (!impl_->options.ca_file.empty()) {
    impl_->ssl.load_verify_file(impl_->options.ca_file);
    impl_->ssl.set_verify_mode(net::ssl::verify_peer);
  } else {
    impl_->ssl.set_verify_mode(net::ssl::verify_none);
  }
}

WsClient::~WsClient() { Drop(); }

int WsClient::Connect(const std::string& path) {
  Impl& m = *impl_;
  beast::error_code ec;
  tcp::resolver resolver(m.ioc);
  const auto endpoints = resolver.resolve(m.host, std::to_string(m.port), ec);
  if (ec) return 0;
  if (m.options.tls) {
    m.secure.emplace(m.ioc, m.ssl);
  } else {
    m.plain.emplace(m.ioc);
  }
  m.Tcp().expires_after(std::chrono::seconds(30));
  m.Tcp().connect(endpoints, ec);
  if (ec) return 0;
  if (m.secure) {
    SSL_set_tlsext_host_name(m.secure->next_layer().native_handle(), m.host.c_str());
    m.secure->next_layer().handshake(net::ssl::stream_base::client, ec);
    if (ec) return 0;
  }
  const std::string host = m.host + ":" + std::to_string(m.port);
  const WsClientOptions options = m.options;
  http::response<http::string_body> answer;
  m.With([&](auto& ws) {
    ws.set_option(websocket::stream_base::decorator([options](websocket::request_type& req) {
      if (!options.origin.empty()) req.set(http::field::origin, options.origin);
      for (const auto& [k, v] : options.headers) req.set(k, v);
    }));
    // The asynchronous handshake keeps a refusal's answer (the blocking one drops it).
    bool done = false;
    ws.async_handshake(answer, host, path, [&](beast::error_code e) {
      ec = e;
      done = true;
    });
    if (!m.RunUntil(done, std::chrono::seconds(30))) ec = net::error::timed_out;
    return 0;
  });
  m.Tcp().expires_never();
  if (ec) {
    // A refusal is an HTTP answer other than 101; no answer at all leaves the default 200.
    refusal_body_ = answer.body().empty() ? ec.message() : answer.body();
    const int status = static_cast<int>(answer.result_int());
    return status == 200 || status == 101 ? 0 : status;
  }
  open_ = true;
  return 101;
}

bool WsClient::Send(const std::string& text) {
  if (!open_) return false;
  beast::error_code ec;
  impl_->With([&](auto& ws) {
    ws.text(true);
    ws.write(net::buffer(text), ec);
    return 0;
  });
  return !ec;
}

std::optional<std::string> WsClient::Receive(std::chrono::milliseconds timeout) {
  if (!kept_.empty()) {
    std::string s = std::move(kept_.front());
    kept_.pop_front();
    return s;
  }
  if (!open_) return std::nullopt;
  Impl& m = *impl_;
  bool done = false;
  beast::error_code result;
  m.With([&](auto& ws) {
    ws.async_read(m.buffer, [&](beast::error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    return 0;
  });
  if (!m.RunUntil(done, timeout)) {
    // Nothing in time: cancel the read, keep the socket.
    beast::error_code ignored;
    m.Tcp().socket().cancel(ignored);
    m.RunUntil(done, std::chrono::seconds(5));
    if (result == net::error::operation_aborted) {
      // A cancelled websocket read leaves the stream unusable: treat the socket as gone.
      open_ = false;
    }
    return std::nullopt;
  }
  if (result) {
    open_ = false;
    m.With([&](auto& ws) {
      close_code_ = static_cast<int>(ws.reason().code);
      return 0;
    });
    return std::nullopt;
  }
  std::string text = beast::buffers_to_string(m.buffer.data());
  m.buffer.consume(m.buffer.size());
  return text;
}

std::optional<nlohmann::json> WsClient::ReceiveJson(std::chrono::milliseconds timeout) {
  auto text = Receive(timeout);
  if (!text) return std::nullopt;
  return nlohmann::json::parse(*text, nullptr, false);
}

std::optional<nlohmann::json> WsClient::WaitFor(const std::string& type, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::deque<std::string> skipped;
  std::optional<nlohmann::json> found;
  // Kept messages first, then the socket.
  std::deque<std::string> backlog = std::move(kept_);
  kept_.clear();
  while (!found) {
    std::optional<std::string> text;
    if (!backlog.empty()) {
      text = std::move(backlog.front());
      backlog.pop_front();
    } else {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      text = Receive(left);
      if (!text) break;
    }
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_object() && j.value("type", "") == type) {
      found = std::move(j);
    } else {
      skipped.push_back(std::move(*text));
    }
  }
  for (auto& s : backlog) skipped.push_back(std::move(s));
  kept_ = std::move(skipped);
  return found;
}

int WsClient::WaitClosed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  kept_.clear();
  while (open_) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return 0;
    (void)Receive(left);
  }
  return close_code_;
}

void WsClient::Drop() {
  Impl& m = *impl_;
  if (!m.plain && !m.secure) return;
  beast::error_code ec;
  m.Tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
  m.Tcp().close();
  m.plain.reset();
  m.secure.reset();
  m.buffer.consume(m.buffer.size());
  open_ = false;
}

void WsClient::Close(int code) {
  if (open_) {
    beast::error_code ec;
    impl_->With([&](auto& ws) {
      ws.close(websocket::close_reason(static_cast<websocket::close_code>(code)), ec);
      return 0;
    });
  }
  Drop();
}

}  // namespace rxdesk::testing
