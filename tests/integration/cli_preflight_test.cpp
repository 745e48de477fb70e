// What apply checks before it opens a transaction, and what plan shows about the appliance,
// against an in-process sps-sim over TLS: firmware (plan header, kinds newer than the
// firmware), privileges from /api/user_info, a managed host of Central Management, and
// waiting for another administrator's configuration lock (--lock-timeout).
#include "cli/exit_codes.h"
#include "support/cli_runner.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <regex>
#include <fstream>
#include <thread>

namespace sps::testing {
namespace {
namespace json = boost::json;

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class PreflightTest : public CliFixture {
 protected:
  void restart_with(const std::function<void(sim::Options&)>& change) {
    sim::Options options = sim_options();
    change(options);
    restart_sim(options);
  }

  /// Fails the test when a transaction was opened or anything was written.
  void expect_no_transaction(const std::string& initial) {
    for (const auto& e : sim().journal()) {
      EXPECT_FALSE(e.path == "/api/transaction" && e.method != "GET") << e.to_string();
      if (e.method != "GET") {
        EXPECT_EQ(e.path, "/api/authentication") << e.to_string();
      }
    }
    EXPECT_EQ(sim().committed_snapshot_text(), initial);
  }

  std::size_t count(const std::string& method, const std::string& path, int status) {
    const auto journal = sim().journal();
    return static_cast<std::size_t>(std::count_if(journal.begin(), journal.end(), [&](const sim::JournalEntry& e) {
      return e.method == method && e.path == path && e.status == status;
    }));
  }
};

// Given a plan saved with --out, expect the same header in every format: the appliance and its
// firmware, the user, the time (UTC, ISO 8601), the desired state's Git revision and digest,
// and the saved plan's digest, which is the file's.
TEST_F(PreflightTest, PlanHeaderIsCompleteAndTheSameInEveryFormat) {
  ::setenv("SPS_GIT_REVISION", "feedc0ffee42", 1);
  const std::string out = (temp_dir() / "header-plan.json").string();
  const CliRun j = run_with_sim({"plan", demo_state(), "--format", "json", "--out", out});
  ASSERT_EQ(j.code, cli::kExitOk) << j.all();
  const json::object header = json::parse(j.out).at("header").as_object();
  const json::value saved = json::parse(read_file(out));
  EXPECT_EQ(header.at("appliance"), json::value(url()));
  EXPECT_EQ(header.at("firmware_version"), json::value("7.5.0"));
  EXPECT_EQ(header.at("user"), json::value("admin"));
  EXPECT_EQ(header.at("git_revision"), json::value("feedc0ffee42"));
  EXPECT_EQ(header.at("plan_digest"), saved.at("digest"));
  const std::string created = std::string(header.at("created_at").as_string());
  EXPECT_TRUE(std::regex_match(created, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"))) << created;
  EXPECT_EQ(saved.at("context").at("created_at"), header.at("created_at"));

  const CliRun text = run_with_sim({"plan", demo_state(), "--no-color", "--out", out});
  ASSERT_EQ(text.code, cli::kExitOk) << text.all();
  const std::string digest = std::string(json::parse(read_file(out)).at("digest").as_string());
  EXPECT_TRUE(text.out.starts_with("Appliance:     " + url() + " (firmware 7.5.0)\nUser:          admin\nTime:          "))
      << text.out;
  EXPECT_TRUE(contains(text.out, ", Git revision feedc0ffee42\nPlan digest:   " + digest + "\n")) << text.out;
  const CliRun md = run_with_sim({"plan", demo_state(), "--format", "markdown"});
  ASSERT_EQ(md.code, cli::kExitOk) << md.all();
  EXPECT_TRUE(contains(md.out, "| Appliance | `" + url() + "` (firmware `7.5.0`) |")) << md.out;
  EXPECT_TRUE(contains(md.out, "| User | `admin` |")) << md.out;
  EXPECT_TRUE(contains(md.out, "Git revision `feedc0ffee42`")) << md.out;
  EXPECT_TRUE(contains(md.out, "| Plan digest | not saved")) << md.out;
  ::unsetenv("SPS_GIT_REVISION");
}

// Given a user whose group may only read management/email, expect apply to name the missing
// privilege and to stop before opening a transaction.
TEST_F(PreflightTest, MissingPrivilegeIsRefusedWithoutATransaction) {
  restart_with([](sim::Options& o) { o.users.push_back({"ops", "ops-pw", false, "local", {"management/email"}}); });
  const std::string initial = sim().committed_snapshot_text();
  const std::string password = (temp_dir() / "ops-password").string();
  std::ofstream(password) << "ops-pw\n";
  sim().clear_journal();
  const CliRun r = run_cli({"apply", demo_state(), "--auto-approve", "--url", url(), "--ca-file", ca_file(),
                            "--username", "ops", "--password-file", password});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_TRUE(contains(r.err, "error: missing privilege: PUT /api/configuration/management/email is not allowed for "
                              "this user"))
      << r.err;
  EXPECT_FALSE(contains(r.err, "missing privilege: PUT /api/configuration/management/webinterface")) << r.err;
  EXPECT_TRUE(contains(r.err, "no transaction was opened")) << r.err;
  expect_no_transaction(initial);
  EXPECT_EQ(count("GET", "/api/user_info", 200), 1u);
}

// Given a managed host of Central Management, expect apply refused before any transaction,
// and plan and drift to work and say so.
TEST_F(PreflightTest, ManagedHostRefusesApplyAndPlanSaysSo) {
  restart_with([](sim::Options& o) { o.roles = {"managed-host"}; });
  const std::string initial = sim().committed_snapshot_text();
  sim().clear_journal();
  const CliRun applied = run_with_sim({"apply", demo_state(), "--auto-approve"});
  EXPECT_EQ(applied.code, cli::kExitError) << applied.all();
  EXPECT_TRUE(contains(applied.err, "apply to the central management node")) << applied.err;
  expect_no_transaction(initial);

  const CliRun planned = run_with_sim({"plan", demo_state()});
  EXPECT_EQ(planned.code, cli::kExitOk) << planned.all();
  EXPECT_TRUE(contains(planned.out, "Note: this node is a managed host of Central Management")) << planned.out;
  const CliRun drifted = run_with_sim({"drift", demo_state()});
  EXPECT_EQ(drifted.code, cli::kExitChanges) << drifted.all();
  EXPECT_TRUE(contains(drifted.err, "note: this node is a managed host of Central Management")) << drifted.err;
}

// Given firmware older than a kind the plan writes, expect apply refused before any write.
TEST_F(PreflightTest, KindNewerThanTheFirmwareIsAnErrorBeforeAnyWrite) {
  restart_with([](sim::Options& o) { o.firmware_version = "5.7.0"; });
  const std::string initial = sim().committed_snapshot_text();
  sim().clear_journal();
  const CliRun r = run_with_sim({"apply", demo_state(), "--auto-approve"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_TRUE(contains(r.err, "error: passwords is available from SPS 6.0+ on, and the appliance runs 5.7.0")) << r.err;
  expect_no_transaction(initial);
}

// Given another administrator's lock, expect apply --lock-timeout to retry with progress and
// to succeed once the lock is released.
TEST_F(PreflightTest, LockTimeoutWaitsForTheLockAndThenApplies) {
  ASSERT_TRUE(sim().hold_lock("alice").has_value());
  sim().clear_journal();
  CliRun r;
  std::thread apply([&] { r = run_with_sim({"apply", demo_state(), "--auto-approve", "--lock-timeout", "60s"}); });
  // Release the lock once apply has been refused at least once.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (count("POST", "/api/transaction", 409) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  sim().release_lock();
  apply.join();
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_TRUE(contains(r.err, "the configuration is locked by another administrator; retrying in")) << r.err;
  EXPECT_GE(count("POST", "/api/transaction", 409), 1u);
  EXPECT_EQ(count("POST", "/api/transaction", 201), 1u);  // opened once the lock was free
}

TEST_F(PreflightTest, LockTimeoutGivesUpWithAClearError) {
  ASSERT_TRUE(sim().hold_lock("alice").has_value());
  const std::string initial = sim().committed_snapshot_text();
  sim().clear_journal();
  const CliRun r = run_with_sim({"apply", demo_state(), "--auto-approve", "--lock-timeout", "1s"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_TRUE(contains(r.err, "still locked by another administrator after waiting 1 s (--lock-timeout)")) << r.err;
  EXPECT_GE(count("POST", "/api/transaction", 409), 2u);
  EXPECT_EQ(sim().committed_snapshot_text(), initial);
  sim().release_lock();
}

TEST_F(PreflightTest, BadLockTimeoutIsAUsageError) {
  sim().clear_journal();
  const CliRun r = run_with_sim({"apply", demo_state(), "--auto-approve", "--lock-timeout", "soon"});
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_TRUE(contains(r.err, "--lock-timeout soon is not a duration")) << r.err;
  EXPECT_TRUE(sim().journal().empty());
}

}  // namespace
}  // namespace sps::testing
