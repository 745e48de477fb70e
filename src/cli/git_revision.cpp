#include "cli/git_revision.h"

#include "process/process.h"

#include <cstdlib>
#include <vector>

#include <unistd.h>

namespace sps::cli {
namespace {

std::string printable_line(std::string_view text, std::size_t max) {
  std::string out;
  for (const char c : text) {
    if (c == '\n' || c == '\r' || out.size() == max) break;
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  }
  return out;
}

/// True when dir or one of its parents holds .git (a directory, or a file in a linked
/// work tree or submodule).
bool in_work_tree(std::filesystem::path dir) {
  std::error_code ec;
  dir = std::filesystem::absolute(dir, ec).lexically_normal();
  if (ec) return false;
  for (;;) {
    if (std::filesystem::exists(dir / ".git", ec)) return true;
    if (!dir.has_relative_path()) return false;
    dir = dir.parent_path();
  }
}

}  // namespace

std::string git_revision(const std::filesystem::path& path, std::span<const std::string> secret_env) {
  if (const char* given = std::getenv("SPS_GIT_REVISION"); given != nullptr) return printable_line(given, 64);
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::is_directory(path, ec) ? path : path.parent_path();
  if (dir.empty()) dir = ".";
  if (std::getenv("GIT_DIR") == nullptr && !in_work_tree(dir)) return {};
  std::vector<std::string> exclude(secret_env.begin(), secret_env.end());
  exclude.emplace_back("SPS_PASSWORD");  // not on the allow-list either; named for the reader
  // An argument vector, no shell: the path reaches git as one argument, whatever it holds.
  const std::vector<std::string> argv{"git", "-C", dir.string(), "rev-parse", "--short=12", "HEAD"};
  auto run = process::run_captured(argv, process::child_environment(environ, exclude), {});
  if (!run || run->exit_code != 0) return {};
  return printable_line(run->output, 64);
}

}  // namespace sps::cli
