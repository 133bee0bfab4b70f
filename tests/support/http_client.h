// A small blocking HTTP/1.1 client for tests and tools (Boost.Beast), one
// keep-alive connection per client.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace rxdesk::testing {

struct HttpResult {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased

  nlohmann::json json() const;
  std::string Header(std::string_view lower_name) const;
  // error.code of an error body, or "".
  std::string error_code() const;
};

class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port);
  ~HttpClient();

  // Sends one request; reconnects once if the kept-alive connection was closed.
  // Returns status 0 when the server cannot be reached.
  HttpResult Send(const std::string& method, const std::string& target, const std::string& body = "",
                  const std::vector<std::pair<std::string, std::string>>& headers = {});

  HttpResult Get(const std::string& target, const std::string& token = "",
                 const std::vector<std::pair<std::string, std::string>>& extra_headers = {});
  HttpResult Post(const std::string& target, const nlohmann::json& body, const std::string& token = "",
                  const std::vector<std::pair<std::string, std::string>>& extra_headers = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace rxdesk::testing
