#pragma once
// The CLI's logger: which log lines reach stderr, each with the time. One object per command
// run (per appliance in a fleet, writing to that appliance's own buffer); the only state is
// its level and stream. Modules log through core::LogFunction (core/log.h).
//
//   --log-level LEVEL  >  --verbose (= info)  >  SPS_LOG=LEVEL  >  warn
//
// A line: "2026-12-02T09:30:00.123Z info GET /api/info -> 200 (3 ms, connection 1)".
// Errors and warnings a command reports as its result ("error: ...") are not log lines:
// they are printed whatever the level.
#include "core/error.h"
#include "core/log.h"

#include <chrono>
#include <ostream>
#include <string>
#include <string_view>

namespace sps::cli {

/// The levels, as --log-level and SPS_LOG spell them.
inline constexpr const char* kLogLevels[] = {"error", "warn", "info", "debug"};

/// The level of a run: the --log-level flag when given (already checked), else info for
/// --verbose, else the SPS_LOG environment variable (`env`, may be null), else warn.
/// kInvalidArgument naming SPS_LOG, with a did-you-mean, when the variable holds no level.
core::Result<core::LogLevel> resolve_log_level(const std::string& flag, bool verbose, const char* env);

/// UTC, ISO 8601 to the millisecond: "2026-12-02T09:30:00.123Z".
std::string utc_timestamp_ms(std::chrono::system_clock::time_point when);

/// Writes lines at its level and above to a stream, with the time and the level.
class Logger {
 public:
  Logger(std::ostream& err, core::LogLevel level) : m_err(&err), m_level(level) {}

  bool enabled(core::LogLevel level) const { return level <= m_level; }
  void log(core::LogLevel level, std::string_view line) const;
  /// For modules that log (the transport); the stream must outlive the function.
  core::LogFunction function() const;

 private:
  std::ostream* m_err;
  core::LogLevel m_level;
};

}  // namespace sps::cli
