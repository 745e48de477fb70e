// process::run_captured and child_environment with real programs: arguments reach the
// child verbatim (no shell), the environment is an allow-list, and a child that runs too
// long or writes too much is killed.
#include "process/process.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sps::process {
namespace {

TEST(ChildEnvironmentTest, KeepsOnlyAllowListedNamesMinusExcluded) {
  std::vector<std::string> parent_text{"PATH=/usr/bin",        "HOME=/home/ci",          "LC_ALL=C.UTF-8",
                                       "GIT_DIR=/repo/.git",   "SPS_PASSWORD=hunter2",   "GIT_ASKPASS=/bin/pw",
                                       "GIT_CONFIG_PARAMETERS='http.extraHeader=Authorization: x'",
                                       "SPLUNK_TOKEN=t0k",     "GIT_CONFIG_KEY_0=http.extraHeader"};
  std::vector<char*> parent;
  for (auto& e : parent_text) parent.push_back(e.data());
  parent.push_back(nullptr);
  const std::vector<std::string> exclude{"HOME"};
  EXPECT_EQ(child_environment(parent.data(), exclude),
            (std::vector<std::string>{"PATH=/usr/bin", "LC_ALL=C.UTF-8", "GIT_DIR=/repo/.git"}));
}

TEST(RunCapturedTest, PassesArgumentsVerbatimWithoutAShell) {
  const std::string hostile = "x'; touch PWNED; echo '$(id)";
  const std::vector<std::string> argv{"printf", "%s|", hostile, "`id`"};
  const std::vector<std::string> env{"PATH=/usr/bin:/bin"};
  auto run = run_captured(argv, env, {});
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->exit_code, 0);
  EXPECT_EQ(run->output, hostile + "|`id`|");
}

TEST(RunCapturedTest, ChildSeesOnlyTheGivenEnvironment) {
  const std::vector<std::string> argv{"env"};
  const std::vector<std::string> env{"PATH=/usr/bin:/bin", "ONLY=this"};
  auto run = run_captured(argv, env, {});
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->output, "PATH=/usr/bin:/bin\nONLY=this\n");
}

TEST(RunCapturedTest, ReportsExitStatus) {
  const std::vector<std::string> argv{"false"};
  const std::vector<std::string> env{"PATH=/usr/bin:/bin"};
  auto run = run_captured(argv, env, {});
  ASSERT_TRUE(run) << run.error().message;
  EXPECT_EQ(run->exit_code, 1);
}

TEST(RunCapturedTest, KillsAChildThatRunsPastTheDeadline) {
  const std::vector<std::string> argv{"sleep", "30"};
  const std::vector<std::string> env{"PATH=/usr/bin:/bin"};
  auto run = run_captured(argv, env, {std::chrono::milliseconds(100), 1024});
  ASSERT_FALSE(run);
  EXPECT_EQ(run.error().code, core::ErrorCode::kUnavailable);
  EXPECT_NE(run.error().message.find("did not finish within 100 ms"), std::string::npos) << run.error().message;
}

TEST(RunCapturedTest, KillsAChildThatWritesTooMuch) {
  const std::vector<std::string> argv{"cat", "/dev/zero"};
  const std::vector<std::string> env{"PATH=/usr/bin:/bin"};
  auto run = run_captured(argv, env, {std::chrono::milliseconds(10'000), 4096});
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().message.find("wrote more than 4096 bytes"), std::string::npos) << run.error().message;
}

TEST(RunCapturedTest, MissingProgramIsAnError) {
  const std::vector<std::string> argv{"sps-no-such-program-7f3a"};
  const std::vector<std::string> env{"PATH=/usr/bin:/bin"};
  auto run = run_captured(argv, env, {});
  ASSERT_FALSE(run);
  EXPECT_NE(run.error().message.find("cannot run sps-no-such-program-7f3a"), std::string::npos);
}

}  // namespace
}  // namespace sps::process
