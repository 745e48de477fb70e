#include "process/process.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <string_view>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sps::process {
namespace {

constexpr std::array<std::string_view, 8> kAllowedNames = {"PATH", "HOME", "USER", "LOGNAME",
                                                           "LANG", "LANGUAGE", "TZ", "TMPDIR"};
// git's repository-locating variables (git(1), "ENVIRONMENT VARIABLES"); none holds a secret.
constexpr std::array<std::string_view, 11> kAllowedGit = {
    "GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM",
    "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_NAMESPACE"};

bool allowed(std::string_view name) {
  if (name.starts_with("LC_")) return true;
  for (const auto a : kAllowedNames) {
    if (a == name) return true;
  }
  for (const auto a : kAllowedGit) {
    if (a == name) return true;
  }
  return false;
}

core::Error unavailable(std::string message) { return core::Error(core::ErrorCode::kUnavailable, std::move(message)); }

/// Closes the descriptors it holds when it goes out of scope.
class Pipe {
 public:
  Pipe() {
    if (::pipe2(m_fds.data(), O_CLOEXEC) != 0) m_fds = {-1, -1};
  }
  ~Pipe() {
    close_read();
    close_write();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  bool ok() const { return m_fds[0] >= 0; }
  int read_end() const { return m_fds[0]; }
  int write_end() const { return m_fds[1]; }
  void close_read() { close(0); }
  void close_write() { close(1); }

 private:
  void close(std::size_t i) {
    if (m_fds[i] >= 0) ::close(m_fds[i]);
    m_fds[i] = -1;
  }
  std::array<int, 2> m_fds{-1, -1};
};

/// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
  posix_spawn_file_actions_t actions{};
  posix_spawnattr_t attributes{};
  SpawnSetup() {
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawnattr_init(&attributes);
  }
  ~SpawnSetup() {
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attributes);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::vector<std::string> child_environment(char** parent, std::span<const std::string> exclude) {
  std::vector<std::string> out;
  for (char** entry = parent; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos) continue;
    const std::string_view name = text.substr(0, equals);
    if (!allowed(name)) continue;
    bool excluded = false;
    for (const auto& e : exclude) excluded = excluded || e == name;
    if (!excluded) out.emplace_back(text);
  }
  return out;
}

core::Result<RunResult> run_captured(std::span<const std::string> argv, std::span<const std::string> env,
                                     const RunLimits& limits) {
  if (argv.empty()) return core::Error(core::ErrorCode::kInvalidArgument, "no program to run");
  Pipe out;
  if (!out.ok()) return unavailable(std::string("cannot create a pipe: ") + std::strerror(errno));

  // The child: stdin and stderr from/to /dev/null, stdout into the pipe; both pipe ends are
  // O_CLOEXEC, so only the dup2'd descriptor survives the exec.
  SpawnSetup setup;
  ::posix_spawn_file_actions_addopen(&setup.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(&setup.actions, out.write_end(), STDOUT_FILENO);
  ::posix_spawn_file_actions_addopen(&setup.actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  // Default signal dispositions and an empty mask in the child, whatever ours are.
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  ::posix_spawnattr_setsigmask(&setup.attributes, &none);
  ::posix_spawnattr_setsigdefault(&setup.attributes, &all);
  // Its own process group, so that a kill on timeout also reaches anything it started.
  ::posix_spawnattr_setpgroup(&setup.attributes, 0);
  ::posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, args[0], &setup.actions, &setup.attributes, args.data(), envp.data());
  if (spawned != 0) return unavailable("cannot run " + argv[0] + ": " + std::strerror(spawned));
  out.close_write();  // so the read end sees end-of-file when the child exits

  // Read until end-of-file, the deadline or the size bound, whichever comes first.
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  std::string output;
  std::string failure;
  std::array<char, 4096> buffer{};
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failure = argv[0] + " did not finish within " + std::to_string(limits.timeout.count()) + " ms";
      break;
    }
    pollfd p{out.read_end(), POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;  // timed out: the deadline check above ends the loop
    const ssize_t n = ::read(out.read_end(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // end of file (or an error, which ends the output the same way)
    if (output.size() + static_cast<std::size_t>(n) > limits.max_output) {
      failure = argv[0] + " wrote more than " + std::to_string(limits.max_output) + " bytes";
      break;
    }
    output.append(buffer.data(), static_cast<std::size_t>(n));
  }
  if (!failure.empty()) ::kill(-pid, SIGKILL);
  const int code = wait_for(pid);
  if (!failure.empty()) return unavailable(failure);
  return RunResult{code, std::move(output)};
}

}  // namespace sps::process
