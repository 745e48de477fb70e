#pragma once
// Running a helper program (today only `git rev-parse`) without a shell and without handing
// it our secrets. The program is started with posix_spawnp and an argument vector, so no
// character of any argument (a path with quotes, ';' or '$(...)') is ever interpreted. Its
// environment is an allow-list built from ours (PATH, HOME, locale, the GIT_* variables that
// locate a repository), never SPS_PASSWORD or a variable a `!secret env:` names. Its output is
// read through a pipe up to a size bound and a deadline; past either, it is killed.
//
// Example:
//   const std::vector<std::string> argv{"git", "-C", dir, "rev-parse", "HEAD"};
//   auto out = process::run_captured(argv, process::child_environment(environ, {}), {});
//   if (out && out->exit_code == 0) use(out->output);
#include "core/error.h"

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace sps::process {

/// Bounds on one run.
struct RunLimits {
  std::chrono::milliseconds timeout{5000};  // from start to exit
  std::size_t max_output = 64 * 1024;       // bytes of standard output kept
};

/// How a run ended: the exit status (128 + signal number when killed by a signal) and
/// its standard output. Standard error goes to /dev/null; standard input is /dev/null.
struct RunResult {
  int exit_code = 0;
  std::string output;
};

/// The environment a child gets: the entries of `parent` (a NULL-terminated "NAME=value"
/// array, such as environ) whose name is on the allow-list, minus every name in `exclude`.
/// Allowed: PATH, HOME, USER, LOGNAME, LANG, LC_*, TZ, TMPDIR, and GIT_DIR, GIT_WORK_TREE,
/// GIT_COMMON_DIR, GIT_CEILING_DIRECTORIES, GIT_DISCOVERY_ACROSS_FILESYSTEM,
/// GIT_CONFIG_NOSYSTEM, GIT_CONFIG_GLOBAL, GIT_CONFIG_SYSTEM, GIT_OBJECT_DIRECTORY,
/// GIT_ALTERNATE_OBJECT_DIRECTORIES, GIT_NAMESPACE. Not GIT_ASKPASS, GIT_CONFIG_PARAMETERS
/// or GIT_CONFIG_KEY_*/VALUE_* (they can carry credentials), nor anything else.
std::vector<std::string> child_environment(char** parent, std::span<const std::string> exclude);

/// Runs argv[0] (looked up on PATH) with arguments argv[1..] and environment env, and
/// collects its standard output. Fails with kUnavailable when the program cannot be
/// started, ran past limits.timeout, or wrote more than limits.max_output (it is killed
/// in the last two cases and never left running). argv must not be empty.
core::Result<RunResult> run_captured(std::span<const std::string> argv, std::span<const std::string> env,
                                     const RunLimits& limits);

}  // namespace sps::process
