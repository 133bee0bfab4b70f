#include "infra/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iterator>
#include <memory>

#include "domain/time.h"

namespace rxdesk {
namespace {

std::shared_ptr<spdlog::logger>& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("rxdesk");
    l->set_pattern("%v");
    return l;
  }();
  return logger;
}

spdlog::level::level_enum ToSpd(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::string_view Name(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace

void InitLogging(LogLevel min_level, const std::string& file_path) {
  if (!file_path.empty()) {
    auto l = spdlog::basic_logger_mt("rxdesk-file", file_path);
    l->set_pattern("%v");
    Logger() = l;
  }
  Logger()->set_level(ToSpd(min_level));
  // Warnings and errors are written at once; request lines are flushed every
  // second, not one write(2) per request. Log lines are not acknowledged writes.
  Logger()->flush_on(spdlog::level::warn);
  spdlog::flush_every(std::chrono::seconds(1));
}

namespace {

// Appends `text` as a JSON string body (quotes excluded).
void AppendEscaped(fmt::memory_buffer& out, std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", u);
    } else {
      out.push_back(c);
    }
  }
}

std::string NowText() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::string ts = FormatInstant(std::chrono::floor<std::chrono::seconds>(now));
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(ms));
  ts.replace(ts.size() - 1, 1, frac);
  return ts;
}

}  // namespace

void LogRequest(std::string_view request_id, std::string_view method, std::string_view route, int status,
                double milliseconds) {
  auto& logger = Logger();
  if (!logger->should_log(spdlog::level::info)) return;
  fmt::memory_buffer line;
  fmt::format_to(std::back_inserter(line), R"({{"ts":"{}","level":"info","event":"request","request_id":")", NowText());
  AppendEscaped(line, request_id);
  line.append(std::string_view(R"(","method":")"));
  AppendEscaped(line, method);
  line.append(std::string_view(R"(","route":")"));
  AppendEscaped(line, route);
  fmt::format_to(std::back_inserter(line), R"(","status":{},"ms":{:.2f}}})", status, milliseconds);
  logger->log(spdlog::level::info, std::string_view(line.data(), line.size()));
}

void Log(LogLevel level, std::string_view event, nlohmann::json fields) {
  auto& logger = Logger();
  if (!logger->should_log(ToSpd(level))) return;
  nlohmann::json line = {{"ts", NowText()}, {"level", Name(level)}, {"event", event}};
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = std::move(it.value());
  }
  logger->log(ToSpd(level), line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace rxdesk
