#pragma once
// Bounds on the desired state, so that broken or hostile input costs bounded time and memory
// (validate peaks at about 65 times the size of a file: 15 MiB took 1 GB). Each is far above
// what a desired state of 10,000 objects needs (about 2 MiB, 140 MB); the error that reports
// one names the file, the limit and what to change. Documented in README.md and docs/sps-apply.1.
#include "desired/read_file.h"

#include <cstddef>
#include <cstdint>

namespace sps::desired {

/// One desired-state file (split a larger state into several files).
inline constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{8} << 20;
/// All desired-state files together.
inline constexpr std::uintmax_t kMaxTotalBytes = std::uintmax_t{32} << 20;
/// Nested mappings and lists below a resource's body (the catalog's deepest body needs 6).
inline constexpr int kMaxDepth = 64;
/// YAML aliases (*name) in one document.
inline constexpr std::size_t kMaxAliases = 100'000;
/// Nodes (scalars, mappings, lists) that the aliases of one document add when expanded.
inline constexpr std::size_t kMaxAliasNodes = 1'000'000;
/// Bytes of scalar text that the aliases of one document add when expanded.
inline constexpr std::size_t kMaxAliasBytes = std::size_t{16} << 20;

}  // namespace sps::desired
