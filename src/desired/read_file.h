#pragma once
// Reading input files with bounded work: the desired-state YAML, `!secret file:` sources,
// saved plans and password files. A path may name anything (a FIFO that never delivers,
// /dev/zero that never ends, a directory), so a file is opened without blocking, checked
// with fstat to be a regular file, and read up to a limit; anything else is an error that
// says what the path is and what was expected. Never returns partial contents.
#include "core/error.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace sps::desired {

/// Subdirectories below a desired-state directory, and entries listed in all of them.
inline constexpr int kMaxDirectoryDepth = 16;
inline constexpr std::size_t kMaxDirectoryEntries = 100'000;

/// The largest `!secret file:` source (a password, token or private key fits easily).
inline constexpr std::uintmax_t kMaxSecretFileBytes = 64 * 1024;

/// "64 KiB", "16 MiB", "65537 bytes": a byte count for messages about limits.
std::string describe_size(std::uintmax_t bytes);

/// Reads the whole regular file at path if it holds at most max_bytes. Fails with
/// kInvalidArgument and a one-line message without the path (callers add it):
/// "no such file", "permission denied", "a FIFO, expected a regular file", "is 65537 bytes,
/// more than the limit of 64 KiB", or the system's reason. Does not block on FIFOs or devices.
core::Result<std::string> read_regular_file(const std::filesystem::path& path, std::uintmax_t max_bytes);

/// The *.yaml and *.yml entries under the directory `dir`, in its subdirectories too (as
/// `kubectl apply -R` reads them), sorted by path so every run merges them in the same order.
/// Hidden directories (".git") are not desired state and are not entered; directory
/// symlinks are followed. Anything named *.yaml that is not a directory is listed (reading it
/// reports a FIFO or device). Fails with kInvalidArgument naming the directory that cannot be
/// listed, a symlink loop, or a tree deeper or larger than the limits above: never skips a
/// directory silently.
core::Result<std::vector<std::filesystem::path>> find_yaml_files(const std::filesystem::path& dir);

}  // namespace sps::desired
