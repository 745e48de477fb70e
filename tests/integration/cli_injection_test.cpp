// Injection and leaks through the real CLI: a desired-state path with shell metacharacters
// runs no command, the git child gets no secret in its environment, a !secret value on a
// field the schema does not mark secret is masked in every plan format and absent from the
// saved plan, an error page that echoes the request shows no credentials, and a symlink
// planted next to an output file is not followed.
#include "cli/exit_codes.h"
#include "support/cli_runner.h"
#include "support/echo_server.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sps::testing {
namespace {
namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Puts a fake `git` first on PATH for the test's lifetime. It records its arguments (one per
/// line) and its environment into files, and prints a revision, so a test can see whether
/// and how it ran without any real repository.
class FakeGit {
 public:
  explicit FakeGit(const fs::path& dir) : m_dir(dir / "fake-bin") {
    fs::create_directories(m_dir);
    const fs::path script = m_dir / "git";
    std::ofstream(script) << "#!/bin/sh\n"
                          << "printf '%s\\n' \"$@\" > '" << args_file().string() << "'\n"
                          << "env > '" << env_file().string() << "'\n"
                          << "echo 0123456789ab\n";
    fs::permissions(script, fs::perms::owner_all);
    const char* path = std::getenv("PATH");
    m_old_path = path != nullptr ? path : "";
    ::setenv("PATH", (m_dir.string() + ":" + m_old_path).c_str(), 1);
  }
  ~FakeGit() { ::setenv("PATH", m_old_path.c_str(), 1); }
  FakeGit(const FakeGit&) = delete;
  FakeGit& operator=(const FakeGit&) = delete;

  fs::path args_file() const { return m_dir / "args"; }
  fs::path env_file() const { return m_dir / "env"; }
  bool ran() const { return fs::exists(args_file()); }

 private:
  fs::path m_dir;
  std::string m_old_path;
};

class InjectionTest : public CliFixture {
 protected:
  void TearDown() override {
    for (const char* v : {"SPS_PASSWORD", "SPS_GIT_REVISION", "SPS_PWNED_MARKER", "GIT_ASKPASS", "SPS_HOSTILE_VALUE"}) {
      ::unsetenv(v);
    }
    CliFixture::TearDown();
  }

  /// A copy of the demo desired state in a new directory `name` under the temp directory.
  fs::path copy_demo(const std::string& name) const {
    const fs::path dir = temp_dir() / name;
    fs::create_directories(dir);
    for (const auto& entry : fs::directory_iterator(demo_state())) {
      if (entry.path().extension() == ".yaml") fs::copy_file(entry.path(), dir / entry.path().filename());
    }
    return dir;
  }
};

TEST_F(InjectionTest, PathWithShellMetacharactersRunsNoCommand) {
  // given a desired-state directory named x'; touch "$SPS_PWNED_MARKER"; ' inside a Git work
  // tree, expect apply to pass the path to git as one argument and no shell to run the touch
  const fs::path marker = temp_dir() / "PWNED";
  ::setenv("SPS_PWNED_MARKER", marker.c_str(), 1);
  const std::string name = "x'; touch \"$SPS_PWNED_MARKER\"; '";
  const fs::path dir = copy_demo(name);
  fs::create_directories(temp_dir() / ".git");  // the work tree that makes apply ask git
  const FakeGit git(temp_dir());
  const CliRun r = run_with_sim({"apply", dir.string(), "--auto-approve"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_FALSE(fs::exists(marker)) << "a shell ran the command in the path";
  ASSERT_TRUE(git.ran()) << r.all();
  EXPECT_EQ(read_text(git.args_file()), "-C\n" + dir.string() + "\nrev-parse\n--short=12\nHEAD\n");
}

TEST_F(InjectionTest, GitChildGetsNoSecretsInItsEnvironment) {
  // given the appliance password in SPS_PASSWORD, !secret env: values and a credential helper
  // variable, expect none of them (names or values) in the environment git runs with
  ::setenv("SPS_PASSWORD", "admin", 1);
  ::setenv("GIT_ASKPASS", "/usr/bin/askpass-with-token-3c9e", 1);
  const fs::path dir = copy_demo("state");
  fs::create_directories(temp_dir() / ".git");
  const FakeGit git(temp_dir());
  const CliRun r = run_with_sim({"apply", dir.string(), "--auto-approve"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  ASSERT_TRUE(git.ran()) << r.all();
  const std::string env = read_text(git.env_file());
  expect_no_secrets(env);
  for (const char* name : {"SPS_PASSWORD=", "SPS_SPLUNK_TOKEN=", "SPS_ARCHIVE_SMB_PASSWORD=", "GIT_ASKPASS="}) {
    EXPECT_EQ(env.find(name), std::string::npos) << name << " in\n" << env;
  }
  EXPECT_NE(env.find("PATH="), std::string::npos) << env;  // the allow-list still lets git work
}

TEST_F(InjectionTest, NoGitWhenRevisionIsGivenOrOutsideAWorkTree) {
  const fs::path dir = copy_demo("state");  // no .git above the temp directory
  const FakeGit git(temp_dir());
  const auto initial = sim().committed_snapshot();
  CliRun r = run_with_sim({"apply", dir.string(), "--auto-approve"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_FALSE(git.ran());

  // Inside a work tree, but the revision is given: still no git.
  fs::create_directories(temp_dir() / ".git");
  ::setenv("SPS_GIT_REVISION", "feedc0de1234", 1);
  ASSERT_TRUE(sim().load_state(initial).has_value());
  r = run_with_sim({"apply", dir.string(), "--auto-approve"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_FALSE(git.ran());
}

TEST_F(InjectionTest, EnvSecretOnAFieldTheSchemaDoesNotMarkSecretIsMaskedEverywhere) {
  // given admin_address (a plain field) read from !secret env:, expect the value in no plan
  // format and not in the saved plan, which keeps the source; applying that plan sets it
  const std::string value = "hidden-admin-9f2e@example.com";
  ::setenv("SPS_HOSTILE_VALUE", value.c_str(), 1);
  const fs::path dir = temp_dir() / "state";
  fs::create_directories(dir);
  std::ofstream(dir / "email.yaml") << "management/email:\n"
                                       "  admin_address: !secret env:SPS_HOSTILE_VALUE\n"
                                       "  smtp_auth: {enabled: false}\n"
                                       "  smtp_encryption: {selection: disabled}\n"
                                       "  smtp_server: {selection: fqdn, value: smtp.example.com}\n";
  for (const char* format : {"text", "json", "markdown"}) {
    SCOPED_TRACE(format);
    const CliRun r = run_with_sim({"plan", dir.string(), "--format", format});
    EXPECT_EQ(r.code, cli::kExitOk) << r.all();
    EXPECT_EQ(r.all().find(value), std::string::npos) << r.all();
    EXPECT_NE(r.out.find("sensitive"), std::string::npos) << r.out;
  }
  const fs::path saved = temp_dir() / "plan.json";
  CliRun r = run_with_sim({"plan", dir.string(), "--out", saved.string()});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  const std::string text = read_text(saved);
  EXPECT_EQ(text.find(value), std::string::npos) << text;
  EXPECT_NE(text.find("env:SPS_HOSTILE_VALUE"), std::string::npos) << text;

  r = run_with_sim({"apply", saved.string(), "--auto-approve"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_EQ(r.all().find(value), std::string::npos) << r.all();
  EXPECT_NE(sim().committed_snapshot_text().find(value), std::string::npos);
}

TEST_F(InjectionTest, EnvSecretOnAFieldTheSchemaDoesNotMarkSecretIsMaskedInDriftReports) {
  // given admin_address from !secret env: and a different value on the appliance, expect
  // every drift format to report the field as drifted without either value's secret
  const std::string value = "hidden-admin-51c0@example.com";
  ::setenv("SPS_HOSTILE_VALUE", value.c_str(), 1);
  const fs::path dir = temp_dir() / "state";
  fs::create_directories(dir);
  std::ofstream(dir / "email.yaml") << "management/email:\n"
                                       "  admin_address: !secret env:SPS_HOSTILE_VALUE\n"
                                       "  smtp_auth: {enabled: false}\n"
                                       "  smtp_encryption: {selection: disabled}\n"
                                       "  smtp_server: {selection: fqdn, value: smtp.example.com}\n";
  for (const char* format : {"text", "json", "markdown", "junit"}) {
    SCOPED_TRACE(format);
    const CliRun r = run_with_sim({"drift", dir.string(), "--format", format});
    EXPECT_EQ(r.code, cli::kExitChanges) << r.all();
    EXPECT_EQ(r.all().find(value), std::string::npos) << r.all();
    EXPECT_NE(r.out.find("admin_address"), std::string::npos) << r.out;
  }
}

TEST_F(InjectionTest, ApplianceErrorRepeatingASecretValueIsMasked) {
  // given a commit the appliance rejects with a message that repeats the !secret value
  // (plain field, so only its source marks it secret), expect apply to print the message
  // with the value masked, in text and in the --record file
  const std::string value = "hidden-admin-7a3d@example.com";
  ::setenv("SPS_HOSTILE_VALUE", value.c_str(), 1);
  const fs::path dir = temp_dir() / "state";
  fs::create_directories(dir);
  std::ofstream(dir / "email.yaml") << "management/email:\n"
                                       "  admin_address: !secret env:SPS_HOSTILE_VALUE\n"
                                       "  smtp_auth: {enabled: false}\n"
                                       "  smtp_encryption: {selection: disabled}\n"
                                       "  smtp_server: {selection: fqdn, value: smtp.example.com}\n";
  sim().reject_next_commit("admin_address " + value + " is not a mailbox we know");
  const fs::path record = temp_dir() / "record.jsonl";
  const CliRun r = run_with_sim({"apply", dir.string(), "--auto-approve", "--record", record.string()});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.all().find("admin_address (sensitive) is not a mailbox we know"), std::string::npos) << r.all();
  EXPECT_EQ(r.all().find(value), std::string::npos) << r.all();
  const std::string recorded = read_text(record);
  EXPECT_NE(recorded.find("is not a mailbox we know"), std::string::npos) << recorded;
  EXPECT_EQ(recorded.find(value), std::string::npos) << recorded;
}

TEST_F(InjectionTest, ErrorPageEchoingTheRequestShowsNoCredentials) {
  // given a server that answers 500 with the request headers in an HTML page, expect the
  // error to show the page without the Authorization value
  const EchoServer echo;
  ASSERT_TRUE(echo.started()) << echo.error();
  const fs::path ca = temp_dir() / "echo-ca.pem";
  std::ofstream(ca) << echo.ca_pem();
  const fs::path password = temp_dir() / "echo-password";
  std::ofstream(password) << "correct-horse-battery-41\n";
  const CliRun r = run_cli({"plan", demo_state(), "--url", echo.url(), "--username", "admin", "--password-file",
                            password.string(), "--ca-file", ca.string(), "--log-level", "debug"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  // The most detailed log shows the exchange (sizes, not contents) and no credential either.
  EXPECT_NE(r.err.find("Z debug GET /api/authentication: sent 0 bytes of body, received "), std::string::npos) << r.err;
  EXPECT_GE(echo.requests(), 1U);
  EXPECT_NE(r.all().find("500"), std::string::npos) << r.all();
  EXPECT_NE(r.all().find("Authorization: [redacted]"), std::string::npos) << r.all();
  for (const char* secret : {"correct-horse-battery-41", "Basic ", "YWRtaW46Y29ycmVjdC1ob3JzZS1iYXR0ZXJ5LTQx"}) {
    EXPECT_EQ(r.all().find(secret), std::string::npos) << secret << " in\n" << r.all();
  }
}

TEST_F(InjectionTest, PlantedSymlinkBesideTheSavedPlanIsNotFollowed) {
  // given FILE.tmp planted as a symlink to a victim file, expect plan --out FILE to write
  // FILE and leave the victim untouched
  const fs::path victim = temp_dir() / "victim";
  std::ofstream(victim) << "precious\n";
  const fs::path out = temp_dir() / "plan.json";
  fs::create_symlink(victim, temp_dir() / "plan.json.tmp");
  const CliRun r = run_with_sim({"plan", demo_state(), "--out", out.string()});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_EQ(read_text(victim), "precious\n");
  EXPECT_NE(read_text(out).find("\"steps\""), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::lstat(out.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  for (const auto& entry : fs::directory_iterator(temp_dir())) {
    EXPECT_EQ(entry.path().filename().string().find(".plan.json."), std::string::npos) << "temporary file left";
  }
}

TEST_F(InjectionTest, RecordFileThatIsASymlinkIsNotWrittenThrough) {
  // given --record FILE where FILE is a symlink to a victim, expect the apply to succeed, a
  // warning naming the file, and the victim unchanged
  const fs::path victim = temp_dir() / "victim";
  std::ofstream(victim) << "precious\n";
  const fs::path record = temp_dir() / "record.jsonl";
  fs::create_symlink(victim, record);
  const CliRun r = run_with_sim({"apply", demo_state(), "--auto-approve", "--record", record.string()});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.err.find("warning: cannot append the apply record to " + record.string() + ": it is a symbolic link"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(read_text(victim), "precious\n");
}

TEST_F(InjectionTest, SymlinkAtTheTargetIsReplacedNotWrittenThrough) {
  const fs::path victim = temp_dir() / "victim";
  std::ofstream(victim) << "precious\n";
  const fs::path out = temp_dir() / "plan.json";
  fs::create_symlink(victim, out);
  const CliRun r = run_with_sim({"plan", demo_state(), "--out", out.string()});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_EQ(read_text(victim), "precious\n");
  EXPECT_FALSE(fs::is_symlink(out));
}

}  // namespace
}  // namespace sps::testing
