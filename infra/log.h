// Structured JSON log lines (spdlog), one object per line, never PHI.
// Callers pass only identifiers, codes, route patterns and timings.
//
//   LogInfo("request", {{"request_id", id}, {"route", "/v1/members/{id}"}, {"status", 200}});
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace rxdesk {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Sends JSON lines to stderr (default) or a file; thread-safe; async-safe flushing.
void InitLogging(LogLevel min_level, const std::string& file_path = "");
void Log(LogLevel level, std::string_view event, nlohmann::json fields = nlohmann::json::object());
// The one line per HTTP request, formatted without building a JSON object
// (it runs on every request). The strings are route patterns and ids: no PHI.
void LogRequest(std::string_view request_id, std::string_view method, std::string_view route, int status,
                double milliseconds);
inline void LogInfo(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
  Log(LogLevel::kInfo, event, std::move(fields));
}
inline void LogWarn(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
  Log(LogLevel::kWarn, event, std::move(fields));
}
inline void LogError(std::string_view event, nlohmann::json fields = nlohmann::json::object()) {
  Log(LogLevel::kError, event, std::move(fields));
}

}  // namespace rxdesk
