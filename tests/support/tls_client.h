// Transport helpers for tests: a throwaway self-signed certificate, and a blocking
// HTTP/1.1 client that speaks plain HTTP or HTTPS from a chosen source address.
//
//   TempDir dir;
//   const SelfSignedCert cert = MakeSelfSignedCert(dir.path());
//   ServerProcess server(data, {"--tls-cert", cert.cert_file, "--tls-key", cert.key_file});
//   TransportClient https("127.0.0.1", server.port(), {.tls = true, .ca_file = cert.cert_file});
//   HttpResult r = https.Get("/healthz");      // verified against the certificate
//   https.protocol();                          // "TLSv1.3"
//
// The client's source address may be any 127.x.y.z on Linux, so one test can play
// many client IPs against a server listening on 127.0.0.1.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/http_client.h"

namespace rxdesk::testing {

struct SelfSignedCert {
  std::string cert_file;  // PEM certificate: CN and DNS name "localhost", IP 127.0.0.1; valid one day
  std::string key_file;   // PEM P-256 private key, mode 0600
};

// Writes a new key and certificate into `dir` (files "<name>.crt", "<name>.key").
// Throws std::runtime_error if OpenSSL fails.
SelfSignedCert MakeSelfSignedCert(const std::string& dir, const std::string& name = "server");

struct TransportOptions {
  bool tls = false;
  std::string ca_file;         // with tls: verify the server against this certificate; "" = no verification
  int min_tls_version = 0;     // e.g. TLS1_VERSION; 0 = OpenSSL's default
  int max_tls_version = 0;     // e.g. TLS1_1_VERSION to offer only old versions; 0 = OpenSSL's default
  std::string source_address;  // bind the client socket to this address first; "" = the system's choice
};

class TransportClient {
 public:
  TransportClient(std::string host, std::uint16_t port, TransportOptions options = {});
  ~TransportClient();

  // One request on a kept-alive connection (reconnecting once if the server closed it).
  // Status 0 when no HTTP answer came: refused connection, failed handshake, closed socket
  // (last_error() says which).
  HttpResult Send(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::vector<std::pair<std::string, std::string>>& headers = {});
  HttpResult Get(const std::string& target, const std::string& token = "");
  HttpResult Post(const std::string& target, const nlohmann::json& body, const std::string& token = "");

  // The negotiated TLS version of the current connection ("TLSv1.2", "TLSv1.3"), or "".
  std::string protocol() const;
  // Connections opened so far (keep-alive reuses one).
  int connections() const;
  const std::string& last_error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rxdesk::testing
