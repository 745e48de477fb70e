// What `sps-apply` reports is what the appliance shows: every outcome of an apply is checked
// against the simulator's committed state and journal, never against the client's own
// claims. Faults: lost, garbled and lying answers to the commit and to its status check,
// answers of the wrong shape to every read, answers too large or too deep.
#include "catalog/catalog.h"
#include "cli/exit_codes.h"
#include "support/cli_runner.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace sps::testing {
namespace {
namespace json = boost::json;

constexpr const char* kTransaction = "/api/transaction";

/// A request that changes the appliance (not the logout that ends every session).
bool is_write(const sim::JournalEntry& e) {
  if (e.path == "/api/authentication") return false;
  return e.method == "POST" || e.method == "PUT" || e.method == "DELETE";
}

/// "METHOD PATH" of the last request before the logout (DELETE /api/authentication).
std::string last_before_logout(const std::vector<sim::JournalEntry>& journal) {
  for (auto it = journal.rbegin(); it != journal.rend(); ++it) {
    if (!(it->method == "DELETE" && it->path == "/api/authentication")) return it->method + " " + it->path;
  }
  return {};
}

bool is_commit(const sim::JournalEntry& e) { return e.method == "PUT" && e.path == kTransaction; }

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

class OutcomeTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    // As in cli_apply_test: a hand-made archive policy the demo prunes, so the plan has
    // creates (with references), updates and a delete.
    auto key = sim().out_of_band_create("policies/archive_cleanup_policies",
                                        json::parse(R"({"name": "hand-made", "include_node_id_in_path": false,
        "notification_event": {"type": "none"}, "target": {"type": "none"},
        "start_times": ["5:00"], "template": "PROTOCOL/CONNECTION/ARCHIVEDATE/", "retention_days": 7})"));
    ASSERT_TRUE(key.has_value()) << key.error().message;
    m_initial = sim().committed_snapshot();
    m_initial_text = sim().committed_snapshot_text();
  }

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

  /// The appliance (its committed state) shows the desired state: a new plan is empty.
  bool shows_the_plan() { return run_with_sim({"plan", demo_state(), "--detailed-exitcode"}).code == cli::kExitOk; }

  bool unchanged() { return sim().committed_snapshot_text() == m_initial_text; }

  void add_rewrite(const std::string& method, const std::string& path, int status, std::string body, unsigned nth = 0) {
    sim::Fault fault;
    fault.action = sim::FaultAction::kRewrite;
    fault.method = method;
    fault.path = path;
    fault.status = status;
    fault.body = std::move(body);
    fault.nth = nth;
    sim().add_fault(fault);
  }

  void add_fault(sim::FaultAction action, const std::string& method, const std::string& path, int status = 500) {
    sim::Fault fault;
    fault.action = action;
    fault.method = method;
    fault.path = path;
    fault.status = status;
    sim().add_fault(fault);
  }

  /// Distinct paths of curated kinds read (GET) in the journal, in first-read order; only
  /// between the requests matching `from` and `to` when given.
  std::vector<std::string> config_reads(bool (*from)(const sim::JournalEntry&) = nullptr,
                                        bool (*to)(const sim::JournalEntry&) = nullptr) {
    std::vector<std::string> paths;
    bool on = from == nullptr;
    for (const auto& e : sim().journal()) {
      if (!on && from != nullptr && from(e)) on = true;
      if (on && to != nullptr && to(e)) break;
      // Curated kinds only: a discovered kind's shape is learned from its own answer.
      if (on && e.method == "GET" && e.path.starts_with("/api/configuration/") &&
          catalog::Catalog::builtin().find(e.path.substr(19)) != nullptr &&
          std::find(paths.begin(), paths.end(), e.path) == paths.end()) {
        paths.push_back(e.path);
      }
    }
    return paths;
  }

  json::value m_initial;
  std::string m_initial_text;
};

// The commit's answer is lost and so is the answer to GET /api/transaction: the outcome is
// unknown (exit 3) with the lock state said, whether or not the appliance committed, and
// no configuration is read afterwards (it could be sps-apply's own open transaction).
TEST_F(OutcomeTest, CommitLostAndStatusCheckLostIsReportedUnknown) {
  struct Case {
    const char* name;
    sim::FaultAction commit;
    sim::FaultAction status;
  };
  const std::vector<Case> cases{{"commit dropped before, status 500", sim::FaultAction::kDropBefore, sim::FaultAction::kStatus},
                                {"commit dropped after, status 500", sim::FaultAction::kDropAfter, sim::FaultAction::kStatus},
                                {"commit dropped after, status reset", sim::FaultAction::kDropAfter, sim::FaultAction::kDropBefore},
                                {"commit stalled, status reset", sim::FaultAction::kStall, sim::FaultAction::kDropBefore},
                                {"commit cut, status cut", sim::FaultAction::kCut, sim::FaultAction::kCut}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    restore();
    add_fault(c.commit, "PUT", kTransaction);
    add_fault(c.status, "GET", kTransaction);
    const CliRun r = apply({"--timeout", "1"});
    EXPECT_EQ(r.code, cli::kExitAttention) << r.all();
    EXPECT_TRUE(contains(r.err, "the outcome of the commit is unknown")) << r.err;
    EXPECT_TRUE(contains(r.err, "state of the configuration lock is unknown")) << r.err;
    EXPECT_FALSE(contains(r.err, "Apply complete")) << r.err;
    EXPECT_FALSE(contains(r.err, "unchanged")) << r.err;
    expect_no_secrets(r.all());
    const auto journal = sim().journal();
    const auto commit = std::find_if(journal.begin(), journal.end(), is_commit);
    ASSERT_NE(commit, journal.end());
    // Whatever the appliance did, sps-apply claimed neither: the sim shows it committed
    // exactly when the commit was processed.
    EXPECT_EQ(!unchanged(), commit->applied) << r.err;
    for (auto it = commit; it != journal.end(); ++it) {
      EXPECT_FALSE(it->method == "GET" && it->path.starts_with("/api/configuration/"))
          << "read after an unestablished commit: " << it->to_string();
    }
  }
}

// The appliance committed, but its answer was garbled or an error status: apply asks
// GET /api/transaction (closed), reads the committed state (as planned) and says so.
TEST_F(OutcomeTest, CommitAnsweredInconclusivelyAfterCommittingIsEstablishedAsCommitted) {
  struct Case {
    const char* name;
    int status;
    const char* body;
  };
  const std::vector<Case> cases{
      {"2xx unparsable", 200, "<html><body>proxy says hi</body></html>"},
      {"2xx not an object", 200, "[]"},
      {"500 after committing", 500, R"({"error": {"type": "InternalError", "message": "worker died"}})"},
      {"400 after committing", 400, R"({"error": {"type": "SemanticError", "message": "late", "details": {}}})"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    restore();
    add_rewrite("PUT", kTransaction, c.status, c.body);
    const CliRun r = apply();
    const auto journal = sim().journal();
    const auto commit = std::find_if(journal.begin(), journal.end(), is_commit);
    ASSERT_NE(commit, journal.end());
    ASSERT_TRUE(commit->applied) << "the sim committed";
    EXPECT_EQ(r.code, cli::kExitOk) << r.all();
    EXPECT_TRUE(contains(r.err, "committed and verified")) << r.err;
    EXPECT_TRUE(contains(r.err, "GET /api/transaction: closed; the committed state shows the plan")) << r.err;
    EXPECT_FALSE(contains(r.err, "rolled back")) << r.err;
    EXPECT_FALSE(sim().transaction_open());
    EXPECT_TRUE(shows_the_plan());
  }
}

// The commit's answer is cut in half after the appliance committed: established as above.
TEST_F(OutcomeTest, CommitAnswerCutMidwayIsEstablishedAsCommitted) {
  add_fault(sim::FaultAction::kCut, "PUT", kTransaction);
  const CliRun r = apply();
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_TRUE(contains(r.err, "GET /api/transaction: closed; the committed state shows the plan")) << r.err;
  EXPECT_FALSE(sim().transaction_open());
  EXPECT_TRUE(shows_the_plan());
}

// The commit was refused and the transaction is still open (the status check says so):
// it is rolled back, and the appliance is exactly as before.
TEST_F(OutcomeTest, CommitRefusedWithTheTransactionStillOpenIsRolledBack) {
  add_fault(sim::FaultAction::kStatus, "PUT", kTransaction, 500);
  const CliRun r = apply();
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_TRUE(contains(r.err, "still open after the commit, so nothing was committed")) << r.err;
  EXPECT_TRUE(contains(r.err, "appliance is unchanged")) << r.err;
  EXPECT_TRUE(unchanged());
  EXPECT_FALSE(sim().transaction_open());
  const auto journal = sim().journal();
  EXPECT_EQ(last_before_logout(journal), "DELETE /api/transaction");
}

// The transaction expired just as the commit arrived: closed, but not committed. Apply
// proves it from the plan's fingerprints (the state it was made from) and exits 1.
TEST_F(OutcomeTest, TransactionClosedWithoutCommitIsProvenUnchanged) {
  add_fault(sim::FaultAction::kExpireTransaction, "PUT", kTransaction);
  const CliRun r = apply();
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_TRUE(contains(r.err, "closed without committing")) << r.err;
  EXPECT_TRUE(contains(r.err, "the committed state is the state the plan was made from")) << r.err;
  EXPECT_TRUE(unchanged());
  EXPECT_FALSE(sim().transaction_open());
}

// Committed, but the verification cannot read back or sees something else: exit 3, and the
// sim indeed holds the committed plan.
TEST_F(OutcomeTest, CommittedButNotVerifiedExitsThree) {
  const std::string email = "/api/configuration/management/email";
  ASSERT_EQ(apply().code, cli::kExitOk);
  const auto journal = sim().journal();
  const auto reads = static_cast<unsigned>(std::count_if(
      journal.begin(), journal.end(), [&](const sim::JournalEntry& e) { return e.method == "GET" && e.path == email; }));
  ASSERT_GE(reads, 2u);  // planning (and the stale check) ... and the verification, last
  auto committed_email = sim().committed_body("management/email");
  ASSERT_TRUE(committed_email.has_value());

  {
    SCOPED_TRACE("verification read answered with a wrong shape");
    restore();
    add_rewrite("GET", email, 200, R"({"meta": {}})", reads);
    const CliRun r = apply();
    EXPECT_EQ(r.code, cli::kExitAttention) << r.all();
    EXPECT_TRUE(contains(r.err, "could not be read back")) << r.err;
    sim().clear_faults();
    EXPECT_TRUE(shows_the_plan());
  }
  {
    SCOPED_TRACE("verification read shows other values");
    restore();
    json::value other = *committed_email;
    other.as_object()["admin_address"] = "someone-else@example.com";
    add_rewrite("GET", email, 200, json::serialize(json::object{{"key", "email"}, {"body", other}}), reads);
    const CliRun r = apply();
    EXPECT_EQ(r.code, cli::kExitAttention) << r.all();
    EXPECT_TRUE(contains(r.err, "does not show the planned state")) << r.err;
    sim().clear_faults();
    EXPECT_TRUE(shows_the_plan());
  }
}

// Any read answered with a document that is not the documented shape stops plan, apply,
// drift and export with an error naming the endpoint, before any write.
TEST_F(OutcomeTest, EveryReadWithAWrongShapeIsAnErrorBeforeAnyWrite) {
  ASSERT_EQ(run_with_sim({"plan", demo_state()}).code, cli::kExitOk);
  const std::vector<std::string> paths = config_reads();
  ASSERT_GE(paths.size(), 10u);
  const std::vector<std::string> shapes{R"({"meta": {}})", R"({"items": [{"body": {}}]})", R"({"body": []})",
                                        R"("not a document")", R"({"items": {}, "body": 3})"};
  const std::string out_dir = (temp_dir() / "export").string();
  std::size_t runs = 0;
  for (std::size_t p = 0; p < paths.size(); ++p) {
    for (std::size_t s = 0; s < shapes.size(); ++s) {
      std::vector<std::vector<std::string>> commands{{"apply", demo_state(), "--auto-approve"}};
      // The read-only commands get one shape per path, rotating through them.
      if (s == p % shapes.size()) {
        commands.push_back({"plan", demo_state()});
        commands.push_back({"drift", demo_state()});
        commands.push_back({"export", "--out", out_dir});
      }
      for (const auto& command : commands) {
        SCOPED_TRACE(command.front() + " with " + paths[p] + " answered " + shapes[s]);
        restore();
        add_rewrite("GET", paths[p], 200, shapes[s]);
        const CliRun r = run_with_sim(command);
        ++runs;
        EXPECT_EQ(r.code, cli::kExitError) << r.all();
        EXPECT_TRUE(contains(r.err, "not the shape the SPS REST API documents")) << r.err;
        EXPECT_TRUE(contains(r.err, paths[p])) << r.err;
        for (const auto& e : sim().journal()) EXPECT_FALSE(is_write(e)) << e.to_string();
        EXPECT_TRUE(unchanged());
      }
    }
  }
  EXPECT_GE(runs, paths.size() * (shapes.size() + 3));
}

// A saved plan reads only inside its transaction (the stale check): a wrong shape there
// rolls back, and the appliance is unchanged.
TEST_F(OutcomeTest, WrongShapeInsideTheTransactionRollsBack) {
  const std::string plan_file = (temp_dir() / "plan.json").string();
  ASSERT_EQ(run_with_sim({"plan", demo_state(), "--out", plan_file}).code, cli::kExitOk);
  sim().clear_journal();
  ASSERT_EQ(run_with_sim({"apply", plan_file, "--auto-approve"}).code, cli::kExitOk);
  const std::vector<std::string> paths = config_reads(
      [](const sim::JournalEntry& e) { return e.method == "POST" && e.path == kTransaction; }, is_commit);
  ASSERT_FALSE(paths.empty());
  for (const auto& path : paths) {
    SCOPED_TRACE(path);
    restore();
    add_rewrite("GET", path, 200, R"({"meta": {}})");
    const CliRun r = run_with_sim({"apply", plan_file, "--auto-approve"});
    EXPECT_EQ(r.code, cli::kExitError) << r.all();
    EXPECT_TRUE(contains(r.err, path)) << r.err;
    EXPECT_TRUE(unchanged());
    EXPECT_FALSE(sim().transaction_open());
    const auto journal = sim().journal();
    EXPECT_EQ(std::count_if(journal.begin(), journal.end(), is_commit), 0);
    EXPECT_EQ(last_before_logout(journal), "DELETE /api/transaction");
  }
}

// An answer over --max-answer-size is refused without being read (not retried), naming
// the URL and the limit; one nested deeper than any SPS document is refused too.
TEST_F(OutcomeTest, HugeAndDeepAnswersAreRefusedClearly) {
  const std::string email = "/api/configuration/management/email";
  {
    SCOPED_TRACE("2 MiB answer, 1 MiB limit");
    add_rewrite("GET", email, 200, "\"" + std::string(2 * 1024 * 1024, 'a') + "\"");
    const CliRun r = run_with_sim({"plan", demo_state(), "--max-answer-size", "1"});
    EXPECT_EQ(r.code, cli::kExitError) << r.err;
    EXPECT_TRUE(contains(r.err, "https://127.0.0.1:")) << r.err;
    EXPECT_TRUE(contains(r.err, email)) << r.err;
    EXPECT_TRUE(contains(r.err, "larger than the limit of 1 MiB")) << r.err;
    const auto journal = sim().journal();
    EXPECT_EQ(std::count_if(journal.begin(), journal.end(), [&](const sim::JournalEntry& e) { return e.path == email; }),
              1);
  }
  {
    SCOPED_TRACE("100000 nested arrays");
    restore();
    add_rewrite("GET", email, 200, std::string(100'000, '[') + std::string(100'000, ']'));
    const CliRun r = run_with_sim({"plan", demo_state()});
    EXPECT_EQ(r.code, cli::kExitError) << r.err;
    EXPECT_TRUE(contains(r.err, "nested deeper than 64 levels")) << r.err;
    EXPECT_TRUE(contains(r.err, email)) << r.err;
  }
}

TEST(ExitCodeTest, AttentionIsThreeAndDocumented) {
  EXPECT_EQ(cli::kExitAttention, 3);
  const CliRun r = run_cli({"--help"});
  EXPECT_TRUE(contains(r.out, "  3  apply: the appliance changed but not as planned, or the outcome is unknown"))
      << r.out;
}

}  // namespace
}  // namespace sps::testing
