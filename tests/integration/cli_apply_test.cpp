// `sps-apply apply` against an in-process sps-sim over TLS: all or nothing, whatever fails.
#include "cli/exit_codes.h"
#include "support/cli_runner.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace sps::testing {
namespace {
namespace json = boost::json;

/// A request that changes the appliance: POST, PUT or DELETE, except the logout that ends
/// every command's session (DELETE /api/authentication).
bool is_write(const sim::JournalEntry& e) {
  if (e.path == "/api/authentication") return false;
  return e.method == "POST" || e.method == "PUT" || e.method == "DELETE";
}

std::size_t count_writes(const std::vector<sim::JournalEntry>& journal) {
  return static_cast<std::size_t>(std::count_if(journal.begin(), journal.end(), is_write));
}

class ApplyTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    // An archive policy someone made by hand: the demo prunes that collection, so the plan
    // deletes it, next to the creates (with references) and updates of the demo.
    auto key = sim().out_of_band_create("policies/archive_cleanup_policies",
                                        json::parse(R"({"name": "hand-made", "include_node_id_in_path": false,
        "notification_event": {"type": "none"}, "target": {"type": "none"},
        "start_times": ["5:00"], "template": "PROTOCOL/CONNECTION/ARCHIVEDATE/", "retention_days": 7})"));
    ASSERT_TRUE(key.has_value()) << key.error().message;
    m_initial = sim().committed_snapshot();
    m_initial_text = sim().committed_snapshot_text();
  }

  /// Back to the state before the test's apply, with no faults and an empty journal.
  void restore() {
    sim().clear_faults();
    ASSERT_TRUE(sim().load_state(m_initial).has_value());
    sim().clear_journal();
  }

  CliRun apply(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"apply", demo_state(), "--auto-approve"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_with_sim(args);
  }

  json::value m_initial;
  std::string m_initial_text;
};

/// The GET paths of the journal from just after the request `after` (its first occurrence)
/// up to the next request that is not a GET.
std::vector<std::string> reads_after(const std::vector<sim::JournalEntry>& journal, const std::string& after) {
  std::vector<std::string> out;
  auto it = std::find_if(journal.begin(), journal.end(), [&](const auto& e) { return e.method + " " + e.path == after; });
  if (it == journal.end()) return out;
  for (++it; it != journal.end() && it->method == "GET"; ++it) out.push_back(it->path);
  std::sort(out.begin(), out.end());
  return out;
}

/// The number N in "... normalized N (...": how many kinds a read of apply normalized.
int normalized_in(const std::string& err, const std::string& line_start) {
  const std::size_t at = err.find(line_start);
  if (at == std::string::npos) return -1;
  const std::size_t n = err.find("normalized ", at);
  return n == std::string::npos ? -1 : std::stoi(err.substr(n + 11));
}

// Given the demo desired state, expect a committed apply that a new plan finds complete, and
// the reads of an apply: the stale check inside the transaction and the verification after
// the commit each read exactly the kinds the plan depends on, in one wave (the desired
// state's kinds and the targets whose names its references use; x509 and network/nics are
// read for planning only, as targets of references that stay keys), the stale check
// normalizes nothing when every answer is as planned, the verification only the kinds that
// changed (and their targets), and the logout comes last.
TEST_F(ApplyTest, AppliesTheDemoStateAndANewPlanIsEmpty) {
  const CliRun r = apply({"--verbose"});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.err.find("committed and verified"), std::string::npos) << r.err;
  expect_no_secrets(r.all());
  EXPECT_NE(sim().committed_snapshot_text(), m_initial_text);
  EXPECT_FALSE(sim().transaction_open());

  const auto journal = sim().journal();
  ASSERT_FALSE(journal.empty());
  EXPECT_EQ(journal.back().method + " " + journal.back().path, "DELETE /api/authentication");
  std::vector<std::string> planned = reads_after(journal, "GET /api/authentication");
  std::vector<std::string> depends;
  for (const auto& path : planned) {
    if (path.starts_with("/api/configuration/") && path != "/api/configuration/x509" &&
        path != "/api/configuration/network/nics") {
      depends.push_back(path);
    }
  }
  ASSERT_EQ(depends.size() + 4, planned.size()) << ::testing::PrintToString(planned);  // + info, user_info
  EXPECT_EQ(reads_after(journal, "POST /api/transaction"), depends);
  EXPECT_EQ(reads_after(journal, "PUT /api/transaction"), depends);
  const std::string reads = "read " + std::to_string(depends.size()) + " kinds";
  EXPECT_NE(r.err.find("stale check: " + reads + ", normalized 0 "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("verification: " + reads + ", normalized "), std::string::npos) << r.err;
  // management/soap and exported_configuration_encryption are neither written nor targets
  // of what was: reused, not normalized again.
  EXPECT_LE(normalized_in(r.err, "verification: "), static_cast<int>(depends.size()) - 2) << r.err;
  EXPECT_GE(normalized_in(r.err, "verification: "), 1) << r.err;

  const CliRun again = run_with_sim({"plan", demo_state(), "--detailed-exitcode"});
  EXPECT_EQ(again.code, cli::kExitOk) << again.all();
  EXPECT_NE(again.out.find("No changes."), std::string::npos) << again.out;
}

// A kind the plan does not write, changed by someone between the commit and the
// verification: its answer differs from the one read inside the transaction, so it is
// normalized again and the difference is reported (exit 3), not hidden by the reuse.
TEST_F(ApplyTest, ChangeToAnUnwrittenKindAfterTheCommitIsNotVerified) {
  const auto changed = change_right_after_commit("management/soap", json::parse(R"({"enabled": true})"));
  const CliRun r = apply();
  sim().after_request({});
  EXPECT_TRUE(changed->load());
  EXPECT_EQ(r.code, cli::kExitAttention) << r.all();
  EXPECT_NE(r.err.find("management/soap/enabled: true on the appliance, desired false"), std::string::npos) << r.err;
  expect_no_secrets(r.all());
}

TEST_F(ApplyTest, SecondApplySendsNoWrite) {
  ASSERT_EQ(apply().code, cli::kExitOk);
  sim().clear_journal();
  const CliRun r = apply();
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  for (const auto& e : sim().journal()) {
    EXPECT_FALSE(is_write(e)) << e.to_string();
  }
}

// The core promise, over every request of the apply: a fault at any write, of any kind,
// leaves the committed configuration byte-identical and ends with the rollback. One test per
// group of fault kinds, so that they run in parallel (and in different shards).
struct WriteFault {
  const char* name;
  sim::FaultAction action;
  int status;
  const char* type;
};

class ApplyFaultTest : public ApplyTest {
 protected:
  void expect_every_write_survives(const std::vector<WriteFault>& kinds) {
    ASSERT_EQ(apply().code, cli::kExitOk);
    const std::size_t writes = count_writes(sim().journal());
    ASSERT_GE(writes, 12u);  // POST transaction, >= 10 steps (creates, updates, delete), commit
    for (const auto& kind : kinds) {
      for (unsigned nth = 1; nth <= writes; ++nth) {
        SCOPED_TRACE(std::string(kind.name) + " at write " + std::to_string(nth));
        restore();
        sim::Fault fault;
        fault.action = kind.action;
        fault.method = "WRITE";
        fault.nth = nth;
        fault.status = kind.status;
        fault.error_type = kind.type;
        sim().add_fault(fault);
        const CliRun r = apply({"--timeout", "1"});
        const bool commit_applied =
            nth == writes && (kind.action == sim::FaultAction::kDropAfter || kind.action == sim::FaultAction::kCut);
        if (commit_applied) {
          // The commit went through and only its answer was lost: apply must find out and
          // report success, not a rollback that did not happen.
          EXPECT_EQ(r.code, cli::kExitOk) << r.all();
          continue;
        }
        EXPECT_EQ(r.code, cli::kExitError) << r.all();
        EXPECT_EQ(sim().committed_snapshot_text(), m_initial_text) << r.all();
        EXPECT_FALSE(sim().transaction_open());
        expect_no_secrets(r.all());
        const auto journal = sim().journal();
        ASSERT_FALSE(journal.empty());
        if (nth > 1) {
          // The transaction was opened: its rollback is the last request before the logout.
          ASSERT_GE(journal.size(), 2u);
          EXPECT_EQ(journal.back().method + " " + journal.back().path, "DELETE /api/authentication") << r.err;
          const auto& rollback = journal[journal.size() - 2];
          EXPECT_EQ(rollback.method + " " + rollback.path, "DELETE /api/transaction") << r.err;
        }
      }
    }
  }
};

TEST_F(ApplyFaultTest, ErrorStatusAtAnyWriteLeavesTheApplianceUnchanged) {
  expect_every_write_survives({{"http-500", sim::FaultAction::kStatus, 500, "InternalError"},
                               {"semantic-error", sim::FaultAction::kStatus, 400, "SemanticError"}});
}

TEST_F(ApplyFaultTest, DroppedConnectionAtAnyWriteLeavesTheApplianceUnchanged) {
  expect_every_write_survives({{"drop-before", sim::FaultAction::kDropBefore, 0, ""},
                               {"drop-after", sim::FaultAction::kDropAfter, 0, ""}});
}

TEST_F(ApplyFaultTest, AnswerCutAtAnyWriteLeavesTheApplianceUnchanged) {
  expect_every_write_survives({{"cut-after", sim::FaultAction::kCut, 0, ""}});
}

TEST_F(ApplyFaultTest, StalledAnswerAtAnyWriteLeavesTheApplianceUnchanged) {
  expect_every_write_survives({{"stall", sim::FaultAction::kStall, 0, ""}});
}

TEST_F(ApplyTest, RejectedCommitIsRolledBackWithTheAppliancesDetails) {
  sim().reject_next_commit("backup policy nightly-nfs: target unreachable");
  CliRun r = apply();
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("SemanticError"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rolled back"), std::string::npos) << r.err;
  // The appliance's details as lines a person reads, never as raw JSON.
  EXPECT_NE(r.err.find("  errors.1.message: backup policy nightly-nfs: target unreachable\n"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("{\""), std::string::npos) << r.err;
  EXPECT_EQ(sim().committed_snapshot_text(), m_initial_text);
  EXPECT_FALSE(sim().transaction_open());

  // A write the appliance refuses is shown at the YAML of its resource, with its message.
  sim::Fault fault;
  fault.method = "PUT";
  fault.path = "/api/configuration/management/webinterface";
  fault.status = 400;
  fault.error_type = "SemanticError";
  fault.message = "timeout must be at most 600";
  sim().add_fault(fault);
  r = apply();
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  const std::size_t at = r.err.find(": error: the appliance refused PUT management/webinterface (step ");
  ASSERT_NE(at, std::string::npos) << r.err;
  const std::size_t line = r.err.rfind('\n', at) + 1;
  EXPECT_EQ(r.err.substr(line, at - line).find(demo_state() + "/management.yaml:"), 0u) << r.err;
  EXPECT_NE(r.err.find("): 400 SemanticError: timeout must be at most 600", at), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("  path: /api/configuration/management/webinterface\n"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("{\""), std::string::npos) << r.err;
  EXPECT_EQ(sim().committed_snapshot_text(), m_initial_text);
  sim().clear_faults();
}

// A problem only the appliance can see (a NIC address that does not exist) is reported at
// the YAML line that caused it.
TEST_F(ApplyTest, CommitTimeSemanticErrorPointsAtTheYamlLine) {
  const auto dir = temp_dir() / "state";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "cluster.yaml") << "local_services/cluster:\n"
                                         "  enabled: true\n"
                                         "  listen_address: nic1.interfaces.0bad.addresses.0bad\n";
  const CliRun r = run_with_sim({"apply", dir.string(), "--auto-approve"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.err.find("cluster.yaml:3:3: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rolled back"), std::string::npos) << r.err;
  EXPECT_EQ(sim().committed_snapshot_text(), m_initial_text);
}

TEST_F(ApplyTest, LockHeldByAnotherAdminStopsBeforeAnyWrite) {
  ASSERT_TRUE(sim().hold_lock("alice").has_value());
  sim().clear_journal();
  const CliRun r = apply();
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("locked by another administrator"), std::string::npos) << r.err;
  for (const auto& e : sim().journal()) {
    if (e.method != "GET" && e.method + " " + e.path != "DELETE /api/authentication") {
      EXPECT_EQ(e.method + " " + e.path, "POST /api/transaction") << "only the open is tried";
    }
  }
  sim().release_lock();
  EXPECT_EQ(sim().committed_snapshot_text(), m_initial_text);
}

TEST_F(ApplyTest, StalePlanIsRefusedNamingWhatChanged) {
  const std::string plan_file = (temp_dir() / "plan.json").string();
  ASSERT_EQ(run_with_sim({"plan", demo_state(), "--out", plan_file}).code, cli::kExitOk);
  // Someone changes the e-mail settings by hand between plan and apply.
  auto email = sim().committed_body("management/email");
  ASSERT_TRUE(email.has_value());
  json::value changed = *email;
  changed.as_object()["admin_address"] = "someone-else@example.com";
  ASSERT_TRUE(sim().out_of_band_replace("management/email", changed).has_value());
  const std::string before = sim().committed_snapshot_text();
  sim().clear_journal();

  const CliRun r = run_with_sim({"apply", plan_file, "--auto-approve"});
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("stale"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("management/email"), std::string::npos) << r.err;
  for (const auto& e : sim().journal()) {
    const std::string line = e.method + " " + e.path;
    if (is_write(e)) {
      EXPECT_TRUE(line == "POST /api/transaction" || line == "DELETE /api/transaction") << line;
    }
  }
  EXPECT_EQ(sim().committed_snapshot_text(), before);
}

TEST_F(ApplyTest, SavedPlanIsAppliedExactly) {
  const std::string plan_file = (temp_dir() / "plan.json").string();
  const CliRun planned = run_with_sim({"plan", demo_state(), "--out", plan_file});
  ASSERT_EQ(planned.code, cli::kExitOk) << planned.all();
  std::ifstream in(plan_file);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  expect_no_secrets(text);
  const CliRun r = run_with_sim({"apply", plan_file, "--auto-approve", "--format", "json"});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  const json::value result = json::parse(r.out.substr(r.out.find("{\n  \"format_version\"")));
  EXPECT_EQ(result.at("outcome"), "applied");
  EXPECT_EQ(result.at("verified"), true);
  EXPECT_EQ(run_with_sim({"plan", demo_state(), "--detailed-exitcode"}).code, cli::kExitOk);
}

TEST_F(ApplyTest, RefusesWithoutConfirmationWhenStdinIsNotATerminal) {
  const CliRun r = run_with_sim({"apply", demo_state()});
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("--auto-approve"), std::string::npos) << r.err;
  EXPECT_EQ(sim().committed_snapshot_text(), m_initial_text);
}

TEST_F(ApplyTest, ApplyRecordIsAppendedWithoutSecrets) {
  const std::string record = (temp_dir() / "apply.jsonl").string();
  ASSERT_EQ(apply({"--record", record}).code, cli::kExitOk);
  std::ifstream in(record);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  const json::value v = json::parse(line);
  EXPECT_EQ(v.at("outcome"), "applied");
  expect_no_secrets(line);
}

TEST_F(ApplyTest, LowRemainingSecondsRollsBackInsteadOfRacingTheExpiry) {
  sim::Options options = sim_options();
  options.transaction_timeout = std::chrono::seconds(20);  // below apply's 30 s safety margin
  restart_sim(options);
  const std::string initial = sim().committed_snapshot_text();
  const CliRun r = apply();
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("s left before the appliance cancels it"), std::string::npos) << r.err;
  EXPECT_EQ(sim().committed_snapshot_text(), initial);
  EXPECT_FALSE(sim().transaction_open());
}

// The real binary, interrupted by SIGINT in the middle of its writes, rolls back.
TEST_F(ApplyTest, SigintDuringApplyRollsBack) {
  sim().set_latency(std::chrono::milliseconds(150));
  const std::string password_file = (temp_dir() / "pw").string();
  std::ofstream(password_file) << "admin";
  const std::string log = (temp_dir() / "apply.log").string();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    const std::string state = demo_state();
    const std::string u = url();
    const std::string ca = ca_file();
    ::execl(SPS_APPLY_BINARY, "sps-apply", "apply", state.c_str(), "--auto-approve", "--url", u.c_str(),
            "--username", "admin", "--password-file", password_file.c_str(), "--ca-file", ca.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Wait until the apply is inside its transaction and has written at least one step.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto journal = sim().journal();
    const auto puts = std::count_if(journal.begin(), journal.end(), [](const sim::JournalEntry& e) {
      return e.method == "PUT" && e.path != "/api/transaction";
    });
    if (puts >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  std::ifstream in(log);
  const std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), cli::kExitError) << output;
  EXPECT_NE(output.find("interrupted by a signal"), std::string::npos) << output;
  EXPECT_EQ(sim().committed_snapshot_text(), m_initial_text);
  EXPECT_FALSE(sim().transaction_open());
  // Rolled back, then the session ended: the interrupted command still logs out.
  const auto journal = sim().journal();
  ASSERT_GE(journal.size(), 2u);
  EXPECT_EQ(journal[journal.size() - 2].method + " " + journal[journal.size() - 2].path, "DELETE /api/transaction");
  EXPECT_EQ(journal.back().method + " " + journal.back().path, "DELETE /api/authentication");
  expect_no_secrets(output);
}

}  // namespace
}  // namespace sps::testing
