#pragma once
// Reading input files with bounded work: the desired-state YAML, `!secret file:` sources,
// saved plans and password files. A path may name anything (a FIFO that never delivers,
// /dev/zero that never ends, a directory), so a file is opened without blocking, checked
// with fstat to be a regular file, and read up to a limit; anything else is an error that
// says what the path is and what was expected. Never returns partial contents.
#include "core/error.h"

#include <cstdint>
#include <filesystem>
#include <string>

namespace sps::desired {

/// The largest `!secret file:` source (a password, token or private key fits easily).
inline constexpr std::uintmax_t kMaxSecretFileBytes = 64 * 1024;

/// "64 KiB", "16 MiB", "65537 bytes": a byte count for messages about limits.
std::string describe_size(std::uintmax_t bytes);

/// Reads the whole regular file at path if it holds at most max_bytes. Fails with
/// kInvalidArgument and a one-line message without the path (callers add it):
/// "no such file", "permission denied", "a FIFO, expected a regular file", "is 65537 bytes,
/// more than the limit of 64 KiB", or the system's reason. Does not block on FIFOs or devices.
core::Result<std::string> read_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes);

}  // namespace sps::desired
