#include "tests/support/http_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace rxdesk::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

nlohmann::json HttpResult::json() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

std::string HttpResult::Header(std::string_view lower_name) const {
  for (const auto& [k, v] : headers) {
    if (k == lower_name) return v;
  }
  return {};
}

std::string HttpResult::error_code() const {
  const auto j = json();
  if (j.is_object() && j.contains("error") && j["error"].is_object() && j["error"].contains("code")) {
    return j["error"]["code"].get<std::string>();
  }
  return {};
}

struct HttpClient::Impl {
  std::string host;
  std::uint16_t port;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;

  bool Connect() {
    stream.emplace(ioc);
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec) return false;
    stream->expires_after(std::chrono::seconds(60));
    stream->connect(results, ec);
    return !ec;
  }
};

HttpClient::HttpClient(std::string host, std::uint16_t port) : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
}

HttpClient::~HttpClient() {
  if (impl_->stream) {
    beast::error_code ec;
    impl_->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
  }
}

HttpResult HttpClient::Send(const std::string& method, const std::string& target, const std::string& body,
                            const std::vector<std::pair<std::string, std::string>>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->stream && !impl_->Connect()) {
      impl_->stream.reset();
      return {};
    }
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    if (req.method() == http::verb::unknown) req.method_string(method);
    req.set(http::field::host, impl_->host);
    req.keep_alive(true);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) {
      if (req[http::field::content_type].empty()) req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    beast::error_code ec;
    impl_->stream->expires_after(std::chrono::seconds(60));
    http::write(*impl_->stream, req, ec);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (!ec) http::read(*impl_->stream, buffer, parser, ec);
    if (ec) {
      impl_->stream.reset();
      continue;  // the server closed a kept-alive connection: reconnect once
    }
    auto res = parser.release();
    HttpResult out;
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    if (!res.keep_alive()) impl_->stream.reset();
    return out;
  }
  return {};
}

HttpResult HttpClient::Get(const std::string& target, const std::string& token,
                           const std::vector<std::pair<std::string, std::string>>& extra_headers) {
  std::vector<std::pair<std::string, std::string>> headers = extra_headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return Send("GET", target, "", headers);
}

HttpResult HttpClient::Post(const std::string& target, const nlohmann::json& body, const std::string& token,
                            const std::vector<std::pair<std::string, std::string>>& extra_headers) {
  std::vector<std::pair<std::string, std::string>> headers = extra_headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return Send("POST", target, body.dump(), headers);
}

}  // namespace rxdesk::testing
