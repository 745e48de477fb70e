#pragma once
// The Git revision of the desired state, for apply's commit message.
#include <filesystem>
#include <span>
#include <string>

namespace sps::cli {

/// The revision to name in the commit message, or "" when unknown:
///   * SPS_GIT_REVISION when set (CI systems know it; no git is run), reduced to its
///     first line and to at most 64 printable characters;
///   * "" when `path` (a desired-state directory, a YAML file or a saved plan) is not inside
///     a Git work tree: no .git above it and no GIT_DIR (no git is run);
///   * otherwise `git -C DIR rev-parse --short=12 HEAD`, run without a shell through
///     process::run_captured, with an allow-listed environment from which every name in
///     `secret_env` (the variables `!secret env:` sources read) is removed as well.
std::string git_revision(const std::filesystem::path& path, std::span<const std::string> secret_env);

}  // namespace sps::cli
