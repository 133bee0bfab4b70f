#include "tests/support/http_receiver.h"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast.hpp>

namespace rxdesk::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct HttpReceiver::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::atomic<bool> stopping{false};
};

std::string ReceivedRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

HttpReceiver::HttpReceiver(std::vector<int> statuses)
    : impl_(std::make_unique<Impl>()), statuses_(statuses.begin(), statuses.end()) {
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  thread_ = std::thread([this] { Serve(); });
}

HttpReceiver::~HttpReceiver() {
  impl_->stopping = true;
  // Wake the blocking accept with a connection of our own.
  boost::system::error_code ec;
  tcp::socket poke(impl_->io);
  poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  if (thread_.joinable()) thread_.join();
}

void HttpReceiver::Serve() {
  while (!impl_->stopping) {
    tcp::socket socket(impl_->io);
    boost::system::error_code ec;
    impl_->acceptor.accept(socket, ec);
    if (ec || impl_->stopping) continue;
    beast::flat_buffer buffer;
    // One connection may carry several requests (keep-alive).
    for (;;) {
      http::request<http::string_body> req;
      http::read(socket, buffer, req, ec);
      if (ec) break;
      ReceivedRequest r;
      r.method = std::string(req.method_string());
      r.target = std::string(req.target());
      for (const auto& field : req) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        r.headers.emplace_back(std::move(name), std::string(field.value()));
      }
      r.body = req.body();
      r.at = std::chrono::steady_clock::now();
      {
        std::lock_guard lock(mu_);
        r.answered = statuses_.empty() ? 200 : statuses_.front();
        if (!statuses_.empty()) statuses_.pop_front();
        requests_.push_back(r);
      }
      http::response<http::string_body> res{static_cast<http::status>(r.answered), req.version()};
      res.set(http::field::content_type, "application/json");
      res.body() = r.answered < 300 ? R"({"accepted":true})" : R"({"error":"try later"})";
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !req.keep_alive()) break;
    }
    socket.shutdown(tcp::socket::shutdown_both, ec);
  }
}

std::vector<ReceivedRequest> HttpReceiver::Requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

bool HttpReceiver::WaitForRequests(std::size_t n, std::chrono::seconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (Requests().size() < n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace rxdesk::testing
