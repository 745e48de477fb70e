#include "cli/log.h"

#include "desired/suggest.h"

#include <ctime>
#include <iterator>
#include <vector>

namespace sps::cli {

core::Result<core::LogLevel> resolve_log_level(const std::string& flag, bool verbose, const char* env) {
  if (!flag.empty()) {
    if (const auto level = core::parse_log_level(flag)) return *level;
  } else if (verbose) {
    return core::LogLevel::kInfo;
  } else if (env == nullptr || *env == '\0') {
    return core::LogLevel::kWarn;
  }
  const std::string given = flag.empty() ? std::string(env) : flag;
  if (flag.empty()) {
    if (const auto level = core::parse_log_level(given)) return *level;
  }
  const std::vector<std::string> levels(std::begin(kLogLevels), std::end(kLogLevels));
  const std::string hint = desired::did_you_mean(given, levels);
  return core::Error(core::ErrorCode::kInvalidArgument,
                     std::string(flag.empty() ? "SPS_LOG" : "--log-level") + "=" + given +
                         " is not a log level (error, warn, info or debug)" + (hint.empty() ? "" : "; " + hint));
}

std::string utc_timestamp_ms(std::chrono::system_clock::time_point when) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
  const long millis = static_cast<long>(((ms % 1000) + 1000) % 1000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char text[40];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%.*s.%03ldZ", static_cast<int>(n), text, millis);
  return out;
}

void Logger::log(core::LogLevel level, std::string_view line) const {
  if (!enabled(level)) return;
  // One write per line, so lines of parallel requests do not interleave within a line.
  std::string text = utc_timestamp_ms(std::chrono::system_clock::now());
  text += ' ';
  text += core::log_level_name(level);
  text += ' ';
  text += line;
  text += '\n';
  *m_err << text;
}

core::LogFunction Logger::function() const {
  return [logger = *this](core::LogLevel level, std::string_view line) { logger.log(level, line); };
}

}  // namespace sps::cli
