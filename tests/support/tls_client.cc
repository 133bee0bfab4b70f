#include "tests/support/tls_client.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <ctime>
#include <functional>
#include <optional>
#include <stdexcept>

namespace rxdesk::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("self-signed certificate: ") + what + " failed");
}

void WritePem(const std::string& path, mode_t mode, const std::function<int(FILE*)>& write) {
  FILE* f = std::fopen(path.c_str(), "w");
  Check(f != nullptr, "opening the output file");
  ::chmod(path.c_str(), mode);
  const int ok = write(f);
  std::fclose(f);
  Check(ok == 1, "writing PEM");
}

}  // namespace

SelfSignedCert MakeSelfSignedCert(const std::string& dir, const std::string& name) {
  KeyPtr key(EVP_EC_gen("P-256"));
  Check(key != nullptr, "generating a P-256 key");
  CertPtr cert(X509_new());
  Check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);  // v3
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::time(nullptr)));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), subject);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  ExtPtr san(X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"));
  Check(san != nullptr, "building the subjectAltName");
  X509_add_ext(cert.get(), san.get(), -1);
  Check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signing");

  SelfSignedCert out{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  WritePem(out.key_file, 0600,
           [&](FILE* f) { return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
  WritePem(out.cert_file, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()); });
  return out;
}

struct TransportClient::Impl {
  std::string host;
  std::uint16_t port = 0;
  TransportOptions options;
  net::io_context ioc;
  std::optional<net::ssl::context> ssl_ctx;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  int connections = 0;
  std::string last_error;

  bool connected() const { return plain.has_value() || secure.has_value(); }

  void Reset() {
    plain.reset();
    secure.reset();
  }

  bool Fail(const std::string& what, const beast::error_code& ec) {
    last_error = what + ": " + ec.message();
    Reset();
    return false;
  }

  bool Connect() {
    beast::tcp_stream stream(ioc);
    beast::error_code ec;
    const tcp::endpoint server(net::ip::make_address(host, ec), port);
    if (ec) return Fail("address", ec);
    stream.socket().open(server.protocol(), ec);
    if (!ec && !options.source_address.empty()) {
      stream.socket().bind(tcp::endpoint(net::ip::make_address(options.source_address, ec), 0), ec);
    }
    if (ec) return Fail("bind", ec);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(server, ec);
    if (ec) return Fail("connect", ec);
    ++connections;
    if (!options.tls) {
      plain.emplace(std::move(stream));
      return true;
    }
    secure.emplace(std::move(stream), *ssl_ctx);
    SSL* ssl = secure->native_handle();
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (!options.ca_file.empty()) SSL_set1_host(ssl, "localhost");
    secure->handshake(net::ssl::stream_base::client, ec);
    if (ec) return Fail("handshake", ec);
    return true;
  }

  template <class Stream>
  bool Exchange(Stream& stream, http::request<http::string_body>& req, HttpResult& out) {
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(60));
    http::write(stream, req, ec);
    if (ec) return Fail("write", ec);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(stream, buffer, parser, ec);
    if (ec) return Fail("read", ec);
    auto res = parser.release();
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    if (!res.keep_alive()) Reset();
    return true;
  }
};

TransportClient::TransportClient(std::string host, std::uint16_t port, TransportOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->host = std::move(host);
  impl_->port = port;
  impl_->options = std::move(options);
  if (impl_->options.tls) {
    impl_->ssl_ctx.emplace(net::ssl::context::tls_client);
    SSL_CTX* ctx = impl_->ssl_ctx->native_handle();
    if (impl_->options.min_tls_version != 0 || impl_->options.max_tls_version != 0) {
      // Offer exactly the asked versions, even ones this OpenSSL refuses by default.
      SSL_CTX_set_security_level(ctx, 0);
      SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
      SSL_CTX_set_min_proto_version(ctx, impl_->options.min_tls_version);
      SSL_CTX_set_max_proto_version(ctx, impl_->options.max_tls_version);
    }
    if (!impl_->options.ca_file.empty()) {
      impl_->ssl_ctx->load_verify_file(impl_->options.ca_file);
      impl_->ssl_ctx->set_verify_mode(net::ssl::verify_peer);
    } else {
      impl_->ssl_ctx->set_verify_mode(net::ssl::verify_none);
    }
  }
}

TransportClient::~TransportClient() {
  beast::error_code ec;
  if (impl_->plain) impl_->plain->socket().shutdown(tcp::socket::shutdown_both, ec);
  if (impl_->secure) beast::get_lowest_layer(*impl_->secure).socket().shutdown(tcp::socket::shutdown_both, ec);
}

HttpResult TransportClient::Send(const std::string& method, const std::string& target, const std::string& body,
                                 const std::vector<std::pair<std::string, std::string>>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = impl_->connected();
    if (!reused && !impl_->Connect()) return {};
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, impl_->host);
    req.keep_alive(true);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) {
      if (req[http::field::content_type].empty()) req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    HttpResult out;
    const bool ok =
        impl_->secure ? impl_->Exchange(*impl_->secure, req, out) : impl_->Exchange(*impl_->plain, req, out);
    if (ok) return out;
    if (!reused) return {};  // a fresh connection got no answer: report it, do not retry
  }
  return {};
}

HttpResult TransportClient::Get(const std::string& target, const std::string& token) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return Send("GET", target, "", headers);
}

HttpResult TransportClient::Post(const std::string& target, const nlohmann::json& body, const std::string& token) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  return Send("POST", target, body.dump(), headers);
}

std::string TransportClient::protocol() const {
  if (!impl_->secure) return "";
  return SSL_get_version(impl_->secure->native_handle());
}

int TransportClient::connections() const { return impl_->connections; }

const std::string& TransportClient::last_error() const { return impl_->last_error; }

}  // namespace rxdesk::testing
