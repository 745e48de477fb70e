#pragma once
// Log levels and the one signature every module logs through: a function that receives a
// level and a line. Modules that log (the transport) take such a function and call it; the
// CLI decides which levels reach stderr and adds the timestamp (cli/log.h). Lines never hold
// a secret: the transport logs methods, paths, statuses, sizes and durations only. Pure.
#include <functional>
#include <optional>
#include <string_view>

namespace sps::core {

/// From the most to the least important; a logger at a level writes that level and above.
enum class LogLevel { kError, kWarn, kInfo, kDebug };

/// "error", "warn", "info", "debug".
std::string_view log_level_name(LogLevel level);

/// The level a name spells (exactly as log_level_name writes it), or nullopt.
std::optional<LogLevel> parse_log_level(std::string_view name);

/// Receives one log line (no newline) at its level. An empty function logs nothing.
using LogFunction = std::function<void(LogLevel, std::string_view)>;

}  // namespace sps::core
