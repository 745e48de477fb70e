// `sps-apply plan` against an in-process sps-sim over TLS: what it shows, how it exits, and
// how it fails (TLS, credentials, faults, timeouts, missing endpoints, bad input).
#include "cli/cli.h"
#include "cli/exit_codes.h"
#include "support/cli_runner.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace sps::testing {
namespace {
namespace json = boost::json;

class PlanTest : public CliFixture {
 protected:
  void TearDown() override {
    for (const char* v : {"SPS_URL", "SPS_USERNAME", "SPS_PASSWORD", "SPS_CA_FILE"}) ::unsetenv(v);
    CliFixture::TearDown();
  }

  /// `plan <demo desired state> extra...` with the connection flags; checks no secret leaked.
  CliRun plan(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"plan", demo_state()};
    args.insert(args.end(), extra.begin(), extra.end());
    CliRun r = run_with_sim(args);
    expect_no_secrets(r.all());
    return r;
  }

  /// `plan` with explicit flags only (no defaults added); checks no secret leaked.
  static CliRun plan_with(std::vector<std::string> args) {
    args.insert(args.begin(), "plan");
    CliRun r = run_cli(args);
    expect_no_secrets(r.all());
    return r;
  }

  std::string write_file(const std::string& name, const std::string& text) const {
    const std::string path = (temp_dir() / name).string();
    std::ofstream(path) << text;
    return path;
  }

  std::size_t count_requests(const std::string& method, const std::string& path) {
    const auto journal = sim().journal();
    return static_cast<std::size_t>(std::count_if(journal.begin(), journal.end(), [&](const sim::JournalEntry& e) {
      return e.method == method && e.path == path;
    }));
  }

  /// Fails the test when plan sent anything but reads (and the login).
  void expect_read_only() {
    for (const auto& e : sim().journal()) {
      // Reads, and the login and logout of the session.
      const bool read = e.method == "GET" || e.path == "/api/authentication";
      EXPECT_TRUE(read) << e.to_string();
    }
  }

  /// A URL where nothing listens: the port of a simulator that has been stopped.
  static std::string closed_url() {
    sim::Options options;
    options.rng_seed = 7;
    sim::Simulator other{options};
    EXPECT_TRUE(other.start().has_value());
    const std::string url = other.url();
    other.stop();
    return url;
  }
};

std::size_t position(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << "missing: " << needle << "\n" << text;
  return at;
}

// Given a fresh appliance and the demo desired state, expect the demo's creates and updates
// in dependency order, the built-in audit policy reported as unmanaged, exit 2.
TEST_F(PlanTest, DefaultSeedShowsTheDemoChangesInOrder) {
  const CliRun r = plan({"--detailed-exitcode"});
  ASSERT_EQ(r.code, cli::kExitChanges) << r.all();
  for (const char* created : {"policies/backup_policies[nightly-nfs] will be created",
                              "policies/backup_policies[weekly-dr] will be created",
                              "policies/audit_policies[tsa-timestamped] will be created",
                              "policies/archive_cleanup_policies[compliance-archive] will be created",
                              "policies/archive_cleanup_policies[lab-cleanup] will be created"}) {
    position(r.out, created);
  }
  for (const char* updated : {"management/email will be updated in place",
                              "management/system_backup will be updated in place",
                              "management/splunk_forwarder will be updated in place",
                              "management/webinterface will be updated in place"}) {
    position(r.out, updated);
  }
  // The policy is POSTed before the system backup that refers to it.
  EXPECT_LT(position(r.out, "# policies/backup_policies[nightly-nfs] will be created"),
            position(r.out, "# management/system_backup will be updated in place"));
  position(r.out, "(backup_policy refers to policies/backup_policies[nightly-nfs], created by an earlier step)");
  position(r.out, "Unmanaged (on the appliance, not in the desired state; left untouched):\n"
                  "  policies/audit_policies[default]\n");
  position(r.out, "+ token: (sensitive)");
  position(r.out, "password: (write-only: set on create)");
  position(r.out, " to delete.\n");
  expect_read_only();
}

/// A stdout that, before its first character is written, waits (at most 20 s) until the
/// simulator has received the logout, and records whether it had.
class WaitsForLogoutBuf : public std::stringbuf {
 public:
  explicit WaitsForLogoutBuf(const sim::Simulator& sim) : m_sim(sim) {}
  bool logout_came_first = false;

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    first_write();
    return std::stringbuf::xsputn(s, n);
  }
  int_type overflow(int_type c) override {
    first_write();
    return std::stringbuf::overflow(c);
  }

 private:
  void first_write() {
    if (m_waited) return;
    m_waited = true;
    for (int i = 0; i < 2000 && !logout_came_first; ++i) {
      for (const auto& e : m_sim.journal()) {
        if (e.method == "DELETE" && e.path == "/api/authentication") logout_came_first = true;
      }
      if (!logout_came_first) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  const sim::Simulator& m_sim;
  bool m_waited = false;
};

// Given the demo (every managed kind, the kinds they refer to, and GET /api/info for the
// header) at a known round trip (the simulator's latency), expect one wave with each read on
// its own connection (so none waited for another's answer; the round trip pays for the
// handshakes), every connection after the login's resuming its TLS session, and the logout
// sent before the plan is printed (its round trip overlaps the work after the reads) and
// still waited for and logged. --parallel 2 bounds the wave to two connections; on loopback
// without latency the wave uses the number of connections it says it does.
TEST_F(PlanTest, ReadsGoOutInOneWaveOverResumedConnections) {
  const auto count_lines = [](const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
  };
  sim().set_latency(std::chrono::milliseconds(20));
  std::vector<std::string> args{"sps-apply", "plan", demo_state(), "--verbose"};
  for (auto& a : connection()) args.push_back(a);
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  WaitsForLogoutBuf out_buf(sim());
  std::ostream out(&out_buf);
  std::ostringstream err_stream;
  CliRun r;
  r.code = cli::run(static_cast<int>(argv.size()), argv.data(), out, err_stream);
  r.out = out_buf.str();
  r.err = err_stream.str();
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  expect_no_secrets(r.all());
  const std::size_t reads = count_lines(r.err, "GET /api/configuration/") + count_lines(r.err, "GET /api/info ->");
  EXPECT_GE(reads, 20u) << r.err;
  EXPECT_EQ(count_lines(r.err, "GET /api/info -> 200"), 1u) << r.err;
  EXPECT_EQ(count_lines(r.err, std::to_string(reads) + " reads over " + std::to_string(reads) + " connection(s)"), 1u)
      << r.err;
  // The login's connection takes the first read; each other read opens its own.
  EXPECT_EQ(count_lines(r.err, " established"), reads) << r.err;
  EXPECT_EQ(count_lines(r.err, "established, TLS session resumed"), reads - 1) << r.err;
  EXPECT_EQ(count_requests("GET", "/api/info"), 1u);
  EXPECT_TRUE(out_buf.logout_came_first) << "the plan was printed before the logout went out";
  // Its outcome is still reported (sps-sim, like the documented API, has no logout: 405).
  EXPECT_EQ(count_lines(r.err, "DELETE /api/authentication -> 405"), 1u) << r.err;
  EXPECT_EQ(count_lines(r.err, "logout: the appliance answered 405; the session ends when it expires"), 1u) << r.err;
  ASSERT_FALSE(sim().journal().empty());
  EXPECT_EQ(sim().journal().back().method + " " + sim().journal().back().path, "DELETE /api/authentication");
  expect_read_only();

  const CliRun bounded = plan({"--verbose", "--parallel", "2"});
  ASSERT_EQ(bounded.code, cli::kExitOk) << bounded.all();
  EXPECT_EQ(count_lines(bounded.err, " established"), 2u) << bounded.err;
  // The same plan; only the header's Time line may differ (the runs can straddle a second).
  const auto without_time = [](std::string text) {
    const std::size_t at = text.find("\nTime: ");
    if (at != std::string::npos) text.erase(at, text.find('\n', at + 1) - at);
    return text;
  };
  EXPECT_NE(r.out.find("\nTime: "), std::string::npos) << r.out;
  EXPECT_EQ(without_time(bounded.out), without_time(r.out));

  sim().set_latency(std::chrono::milliseconds(0));
  const CliRun lan = plan({"--verbose"});
  ASSERT_EQ(lan.code, cli::kExitOk) << lan.all();
  const std::string said = std::to_string(reads) + " reads over ";
  const std::size_t at = lan.err.find(said);
  ASSERT_NE(at, std::string::npos) << lan.err;
  const std::size_t connections = std::stoul(lan.err.substr(at + said.size()));
  EXPECT_GE(connections, 1u);
  EXPECT_LE(connections, reads);
  EXPECT_EQ(count_lines(lan.err, " established"), connections) << lan.err;
  EXPECT_EQ(without_time(lan.out), without_time(r.out));
}

// Log lines: SPS_LOG=debug shows each request (info) and its sizes (debug), timestamped;
// --log-level wins over SPS_LOG; an unknown SPS_LOG is a one-line error before login.
TEST_F(PlanTest, LogLevelFromTheFlagOrSpsLog) {
  ::setenv("SPS_LOG", "debug", 1);
  CliRun r = plan();
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.err.find("Z info GET /api/info -> 200 ("), std::string::npos) << r.err;  // format: CliTest
  EXPECT_NE(r.err.find("Z debug GET /api/info: sent 0 bytes of body, received "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Z debug logging in to " + url() + " as admin"), std::string::npos) << r.err;
  expect_no_secrets(r.all());
  r = plan({"--log-level", "error"});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_EQ(r.err.find(" info "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(" debug "), std::string::npos) << r.err;
  ::setenv("SPS_LOG", "verbose", 1);
  sim().clear_journal();
  r = plan();
  ::unsetenv("SPS_LOG");
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.err.find("error: SPS_LOG=verbose is not a log level (error, warn, info or debug)\n"), std::string::npos)
      << r.err;
  EXPECT_TRUE(sim().journal().empty());
}

TEST_F(PlanTest, PlanAfterApplyIsEmpty) {
  const CliRun applied = run_with_sim({"apply", demo_state(), "--auto-approve"});
  ASSERT_EQ(applied.code, cli::kExitOk) << applied.all();
  expect_no_secrets(applied.all());
  sim().clear_journal();
  const CliRun r = plan({"--detailed-exitcode"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  position(r.out, "No changes.");
  position(r.out, "Plan: 0 to create, 0 to update, 0 to delete.");
  expect_read_only();
}

TEST_F(PlanTest, WithoutDetailedExitcodeChangesExitZero) {
  EXPECT_EQ(plan().code, cli::kExitOk);
}

TEST_F(PlanTest, JsonFormatParsesAndIsVersioned) {
  const CliRun r = plan({"--format", "json"});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  boost::system::error_code ec;
  const json::value doc = json::parse(r.out, ec);
  ASSERT_FALSE(ec) << r.out;
  EXPECT_EQ(doc.at("format_version"), "1.2");
  EXPECT_GE(doc.at("summary").at("create").as_int64(), 5);
  EXPECT_EQ(doc.at("summary").at("delete").as_int64(), 0);
  const auto& steps = doc.at("steps").as_array();
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps.front().at("index").as_int64(), 1);
  // The built-in objects of the collections the demo manages.
  EXPECT_EQ(doc.at("unmanaged").as_array(), (json::array{"policies/audit_policies[default]", "policies/time_policies[7x24]",
                                                         "ssh/channel_policies[all]"}));
}

TEST_F(PlanTest, MarkdownFormatHasTheSummary) {
  const CliRun r = plan({"--format", "markdown"});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_EQ(r.out.rfind("## sps-apply plan: ", 0), 0U) << r.out;
  position(r.out, " to create, ");
  const std::size_t summary = position(r.out, "### Summary\n\n| kind | create | update | delete |\n");
  const std::size_t changes = position(r.out, "### Changes, in the order they run");
  EXPECT_LT(summary, changes);
  EXPECT_LT(position(r.out, "#### Step 1: "), position(r.out, "#### Step 2: "));
  position(r.out, "### Unmanaged (left untouched)");
}

TEST_F(PlanTest, OutWritesAnOwnerOnlyPlanFileWithoutSecrets) {
  const std::string file = (temp_dir() / "plan.json").string();
  const CliRun r = plan({"--out", file});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  position(r.out, "Saved the plan to " + file);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  std::ifstream in(file);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  expect_no_secrets(text);
  // The secrets are there as their sources, to be resolved again by apply.
  EXPECT_NE(text.find("env:SPS_SPLUNK_TOKEN"), std::string::npos);
  EXPECT_NE(text.find("env:SPS_ARCHIVE_SMB_PASSWORD"), std::string::npos);
  boost::system::error_code ec;
  json::parse(text, ec);
  EXPECT_FALSE(ec);
}

TEST_F(PlanTest, WrongCaFailsAndSaysHowToPassOne) {
  sim::Options options;
  options.rng_seed = 9;
  sim::Simulator other{options};
  ASSERT_TRUE(other.start().has_value());
  const std::string wrong_ca = write_file("other-ca.pem", other.ca_pem());
  other.stop();
  const std::string password_file = write_file("pw", "admin\n");
  const CliRun r = plan_with({demo_state(), "--url", url(), "--username", "admin", "--password-file",
                              password_file, "--ca-file", wrong_ca});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  position(r.err, "certificate");
  position(r.err, "--ca-file");
  position(r.err, "SPS_CA_FILE");
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(PlanTest, WrongPasswordFailsAfterExactlyOneLoginAttempt) {
  const std::string password_file = write_file("wrong", "not-the-password\n");
  const CliRun r = plan_with({demo_state(), "--url", url(), "--username", "admin", "--password-file",
                              password_file, "--ca-file", ca_file()});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_EQ(count_requests("POST", "/api/authentication") + count_requests("GET", "/api/authentication"), 1U)
      << ::testing::PrintToString(sim().journal_lines());
  EXPECT_EQ(r.err.find("not-the-password"), std::string::npos) << r.err;
  position(r.err, "admin");
}

TEST_F(PlanTest, InjectedServiceUnavailableOnReadsIsRetried) {
  for (unsigned nth : {1U, 2U, 4U}) {
    sim::Fault fault;
    fault.method = "GET";
    fault.path = "/api/configuration/**";
    fault.nth = nth;
    fault.status = 503;
    fault.error_type = "ServiceUnavailable";
    sim().add_fault(fault);
  }
  const CliRun r = plan({"--detailed-exitcode"});
  EXPECT_EQ(r.code, cli::kExitChanges) << r.all();
  const auto journal = sim().journal();
  EXPECT_EQ(std::count_if(journal.begin(), journal.end(), [](const sim::JournalEntry& e) { return e.status == 503; }), 3)
      << ::testing::PrintToString(sim().journal_lines());
  position(r.out, "policies/backup_policies[nightly-nfs] will be created");
}

TEST_F(PlanTest, StalledReadHitsTheTimeoutInsteadOfHanging) {
  sim::Fault fault;
  fault.action = sim::FaultAction::kStall;
  fault.method = "GET";
  fault.path = "/api/configuration/management/email";
  sim().add_fault(fault);
  const CliRun r = plan({"--timeout", "1"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  position(r.err, "timed out after 1");
  position(r.err, "/api/configuration/management/email");
}

TEST_F(PlanTest, ReadOnlyUserCanPlan) {
  sim::Options options = sim_options();
  options.users.push_back({"auditor", "auditor-pass", true});
  restart_sim(options);
  const std::string password_file = write_file("auditor", "auditor-pass\n");
  const CliRun r = plan_with({demo_state(), "--detailed-exitcode", "--url", url(), "--username", "auditor",
                              "--password-file", password_file, "--ca-file", ca_file()});
  EXPECT_EQ(r.code, cli::kExitChanges) << r.all();
  position(r.out, "Plan: ");
}

TEST_F(PlanTest, UnreachableHostGivesAClearError) {
  const std::string target = closed_url();
  const std::string password_file = write_file("pw", "admin\n");
  const CliRun r = plan_with({demo_state(), "--url", target, "--username", "admin", "--password-file",
                              password_file, "--ca-file", ca_file(), "--timeout", "2"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  position(r.err, "error: ");
  position(r.err, "cannot connect to 127.0.0.1");
}

TEST_F(PlanTest, MissingEndpointIsNamedWithTheFirmwareHint) {
  sim::Fault fault;
  fault.method = "GET";
  fault.path = "/api/configuration/management/soap";
  fault.status = 404;
  fault.error_type = "NotFound";
  sim().add_fault(fault);
  const CliRun r = plan();
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  position(r.err, "this appliance has no /api/configuration/management/soap endpoint");
  position(r.err, "remove management/soap from the desired state");
}

TEST_F(PlanTest, DesiredStateErrorsAreLocatedAndNothingIsRead) {
  const auto dir = temp_dir() / "broken";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "mail.yaml") << "management/email:\n"
                                      "  admin_adress: ops@example.com\n";
  sim().clear_journal();
  const CliRun r = run_with_sim({"plan", dir.string()});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  position(r.err, "mail.yaml:2:3");
  position(r.err, "admin_address");  // did you mean
  position(r.err, "nothing was sent to the appliance");
  EXPECT_TRUE(sim().journal().empty()) << ::testing::PrintToString(sim().journal_lines());
}

TEST_F(PlanTest, ConnectionSettingsComeFromTheEnvironment) {
  ::setenv("SPS_URL", url().c_str(), 1);
  ::setenv("SPS_USERNAME", "admin", 1);
  ::setenv("SPS_PASSWORD", "admin", 1);
  ::setenv("SPS_CA_FILE", ca_file().c_str(), 1);
  const CliRun r = plan_with({demo_state(), "--detailed-exitcode"});
  EXPECT_EQ(r.code, cli::kExitChanges) << r.all();
}

TEST_F(PlanTest, FlagsWinOverTheEnvironment) {
  ::setenv("SPS_URL", closed_url().c_str(), 1);
  ::setenv("SPS_USERNAME", "nobody", 1);
  ::setenv("SPS_PASSWORD", "wrong-env-password", 1);
  ::setenv("SPS_CA_FILE", write_file("garbage.pem", "not a certificate\n").c_str(), 1);
  const CliRun r = plan({"--detailed-exitcode"});  // --url, --username, --password-file, --ca-file
  EXPECT_EQ(r.code, cli::kExitChanges) << r.all();
  EXPECT_EQ(r.all().find("wrong-env-password"), std::string::npos);
}

}  // namespace
}  // namespace sps::testing
