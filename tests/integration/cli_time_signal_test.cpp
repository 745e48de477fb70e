// Time bounds and signals: --timeout bounds each attempt (TLS handshake included),
// --deadline the whole command; every catchable stop signal rolls back first, a request in
// flight is abandoned at once, and a closed output pipe never kills an apply.
#include "cli/exit_codes.h"
#include "support/cli_runner.h"
#include "support/silent_server.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sps::testing {
namespace {
using Clock = std::chrono::steady_clock;

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The real sps-apply binary, started with fork/exec; stdout and stderr go to `log` (or
/// to `out_fd` when it is >= 0).
class Child {
 public:
  Child(const std::vector<std::string>& args, const std::string& log, int out_fd = -1) {
    m_pid = ::fork();
    if (m_pid != 0) return;
    const int fd = out_fd >= 0 ? out_fd : ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>("sps-apply")};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(SPS_APPLY_BINARY, argv.data());
    ::_exit(127);
  }
  pid_t pid() const { return m_pid; }
  /// Waits for the exit; the wait status.
  int wait() {
    int status = 0;
    EXPECT_EQ(::waitpid(m_pid, &status, 0), m_pid);
    return status;
  }

 private:
  pid_t m_pid = -1;
};

class TimeBoundTest : public CliFixture {
 protected:
  std::vector<std::string> to(const SilentServer& server, std::vector<std::string> args) const {
    for (const std::string& a : std::vector<std::string>{"--url", server.url(), "--username", "admin",
                                                         "--password-file", password_file(), "--ca-file", ca_file()}) {
      args.push_back(a);
    }
    return args;
  }
  std::string password_file() const {
    const std::string path = (temp_dir() / "pw").string();
    std::ofstream(path) << "admin";
    return path;
  }
};

// A server that accepts TCP and never speaks TLS: each attempt ends after --timeout, the
// handshake included (it took 4 x 10 s whatever --timeout said).
TEST_F(TimeBoundTest, TimeoutBoundsTheTlsHandshake) {
  SilentServer server;
  const auto started = Clock::now();
  const CliRun r = run_cli(to(server, {"plan", demo_state(), "--timeout", "0.3"}));
  const auto took = Clock::now() - started;
  EXPECT_EQ(r.code, cli::kExitError) << r.err;
  EXPECT_TRUE(contains(r.err, "TLS handshake")) << r.err;
  EXPECT_GE(server.accepted(), 2);  // the login was retried, each attempt bounded
  EXPECT_LT(took, std::chrono::seconds(8)) << r.err;
}

// --deadline bounds the whole command, whatever --timeout allows.
TEST_F(TimeBoundTest, DeadlineBoundsTheWholeCommand) {
  SilentServer server;
  const auto started = Clock::now();
  const CliRun r = run_cli(to(server, {"plan", demo_state(), "--timeout", "60", "--deadline", "1s"}));
  const auto took = Clock::now() - started;
  EXPECT_EQ(r.code, cli::kExitError) << r.err;
  EXPECT_TRUE(contains(r.err, "the command's deadline (--deadline 1s) has passed")) << r.err;
  EXPECT_LT(took, std::chrono::seconds(10)) << r.err;
}

TEST_F(TimeBoundTest, BadDeadlineIsAUsageError) {
  for (const char* bad : {"0", "ten", "5d", "-3m", ""}) {
    SCOPED_TRACE(bad);
    const CliRun r = run_with_sim({"plan", demo_state(), "--deadline", bad});
    EXPECT_EQ(r.code, cli::kExitError);
    EXPECT_TRUE(contains(r.err, "--deadline")) << r.err;
  }
}

class SignalTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    m_initial_text = sim().committed_snapshot_text();
    m_password_file = (temp_dir() / "pw").string();
    std::ofstream(m_password_file) << "admin";
  }
  std::vector<std::string> apply_args(std::vector<std::string> extra = {}) const {
    std::vector<std::string> args{"apply", demo_state(), "--auto-approve", "--url", url(), "--username", "admin",
                                  "--password-file", m_password_file, "--ca-file", ca_file()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  /// Waits (bounded) until the journal has an entry matching pred.
  template <class Pred>
  bool wait_for(Pred pred) {
    const auto deadline = Clock::now() + std::chrono::seconds(60);
    while (Clock::now() < deadline) {
      const auto journal = sim().journal();
      if (std::any_of(journal.begin(), journal.end(), pred)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  std::string m_initial_text;
  std::string m_password_file;
};

// SIGINT, SIGTERM, SIGHUP (terminal or SSH session closed) and SIGQUIT while a write hangs
// on a stalled appliance: the request in flight is abandoned at once (not after
// --timeout 60), the transaction is rolled back, the lock released, exit 1.
TEST_F(SignalTest, EveryStopSignalAbandonsTheRequestInFlightAndRollsBack) {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
    SCOPED_TRACE(::strsignal(sig));
    sim().clear_faults();
    sim().clear_journal();
    sim::Fault stall;
    stall.action = sim::FaultAction::kStall;
    stall.method = "PUT";
    stall.path = "/api/configuration/management/email";
    sim().add_fault(stall);
    const std::string log = (temp_dir() / "apply.log").string();
    Child child(apply_args({"--timeout", "60"}), log);
    ASSERT_GT(child.pid(), 0);
    ASSERT_TRUE(wait_for([](const sim::JournalEntry& e) { return e.fault == "stall"; }));
    const auto signalled = Clock::now();
    ASSERT_EQ(::kill(child.pid(), sig), 0);
    const int status = child.wait();
    const auto took = Clock::now() - signalled;
    const std::string output = read_file(log);
    ASSERT_TRUE(WIFEXITED(status)) << output;
    EXPECT_EQ(WEXITSTATUS(status), cli::kExitError) << output;
    EXPECT_LT(took, std::chrono::seconds(20)) << output;
    EXPECT_TRUE(contains(output, "interrupted by a signal")) << output;
    EXPECT_EQ(sim().committed_snapshot_text(), m_initial_text);
    EXPECT_FALSE(sim().transaction_open());
    const auto journal = sim().journal();
    ASSERT_FALSE(journal.empty());
    // The rollback, then at most the logout that ends the session.
    const bool logout = journal.back().method == "DELETE" && journal.back().path == "/api/authentication";
    const auto& rollback = logout && journal.size() > 1 ? journal[journal.size() - 2] : journal.back();
    EXPECT_EQ(rollback.method + " " + rollback.path, "DELETE /api/transaction");
    expect_no_secrets(output);
  }
}

// SIGKILL cannot be caught: the killed run's transaction keeps the lock. The next apply
// says that the holder is sps-apply's own user, most likely that abandoned run.
TEST_F(SignalTest, LockHeldByAnAbandonedRunIsNamedAsSuch) {
  // A user name that is not also the password (output redacts the password wherever it appears).
  sim::Options options = sim_options();
  options.users = {{"deployer", "deployer-password-81", false}};
  restart_sim(options);
  m_initial_text = sim().committed_snapshot_text();
  std::ofstream(m_password_file) << "deployer-password-81";
  auto args = apply_args({"--timeout", "60"});
  std::replace(args.begin(), args.end(), std::string("admin"), std::string("deployer"));
  sim::Fault stall;
  stall.action = sim::FaultAction::kStall;
  stall.method = "PUT";
  stall.path = "/api/configuration/management/email";
  sim().add_fault(stall);
  Child child(args, (temp_dir() / "killed.log").string());
  ASSERT_GT(child.pid(), 0);
  ASSERT_TRUE(wait_for([](const sim::JournalEntry& e) { return e.fault == "stall"; }));
  ASSERT_EQ(::kill(child.pid(), SIGKILL), 0);
  child.wait();
  sim().clear_faults();
  ASSERT_TRUE(sim().transaction_open());

  std::vector<std::string> again(args.begin(), args.end() - 2);  // without --timeout 60
  const CliRun r = run_cli(again);
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_TRUE(contains(r.err, "locked by 'deployer', the user sps-apply logs in as")) << r.err;
  EXPECT_FALSE(contains(r.err, "lock is released")) << r.err;
  EXPECT_TRUE(contains(r.err, "an earlier sps-apply run that was stopped")) << r.err;
  EXPECT_EQ(sim().committed_snapshot_text(), m_initial_text);
}

// `sps-apply apply ... 2>&1 | head` after head has exited: every write to the output fails
// (EPIPE). The apply goes on, commits and verifies; SIGPIPE never kills it.
TEST_F(SignalTest, ClosedOutputPipeNeverKillsAnApply) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);  // the reader is gone
  Child child(apply_args(), "", fds[1]);
  ::close(fds[1]);
  ASSERT_GT(child.pid(), 0);
  const int status = child.wait();
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WEXITSTATUS(status), cli::kExitOk);
  EXPECT_NE(sim().committed_snapshot_text(), m_initial_text);
  EXPECT_FALSE(sim().transaction_open());
  const auto journal = sim().journal();
  EXPECT_TRUE(std::any_of(journal.begin(), journal.end(), [](const sim::JournalEntry& e) {
    return e.method == "PUT" && e.path == "/api/transaction" && e.applied;
  }));
  EXPECT_EQ(run_with_sim({"plan", demo_state(), "--detailed-exitcode"}).code, cli::kExitOk);
}

}  // namespace
}  // namespace sps::testing
