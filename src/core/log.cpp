#include "core/log.h"

#include <array>

namespace sps::core {

namespace {
constexpr std::array<std::string_view, 4> kNames{"error", "warn", "info", "debug"};
}  // namespace

std::string_view log_level_name(LogLevel level) { return kNames.at(static_cast<std::size_t>(level)); }

std::optional<LogLevel> parse_log_level(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

}  // namespace sps::core
