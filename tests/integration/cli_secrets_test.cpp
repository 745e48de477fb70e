// Read-only work without secret values: validate, plan and drift run where no production
// secret is held (a pre-commit hook, a merge-request pipeline, a nightly drift job); only
// apply needs the values, and it refuses to start without them before it logs in.
#include "cli/exit_codes.h"
#include "support/cli_runner.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace sps::testing {
namespace {
namespace json = boost::json;

class SecretsTest : public CliFixture {
 protected:
  /// The demo state names two secrets; a job without secrets has neither.
  static void unset_secrets() {
    ::unsetenv("SPS_SPLUNK_TOKEN");
    ::unsetenv("SPS_ARCHIVE_SMB_PASSWORD");
  }

  void apply_demo_with_secrets() {
    const CliRun applied = run_with_sim({"apply", demo_state(), "--auto-approve"});
    ASSERT_EQ(applied.code, cli::kExitOk) << applied.all();
  }

  /// Fails the test when the run sent anything but reads (and the login).
  void expect_read_only() {
    for (const auto& e : sim().journal()) {
      EXPECT_TRUE(e.method == "GET" || e.path == "/api/authentication") << e.to_string();
    }
    EXPECT_FALSE(sim().transaction_open());
  }

  static std::string contents(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
};

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

// Given no secret values, expect validate to pass and to say it checked the sources' syntax only.
TEST_F(SecretsTest, ValidateNeedsNoSecretValues) {
  unset_secrets();
  const CliRun r = run_cli({"validate", demo_state()});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_TRUE(contains(r.out, "are valid")) << r.out;
  EXPECT_TRUE(contains(r.out, "2 secret sources checked for syntax only; --require-secrets also reads them")) << r.out;
}

TEST_F(SecretsTest, ValidateRequireSecretsNamesTheMissingVariable) {
  unset_secrets();
  const CliRun r = run_cli({"validate", demo_state(), "--require-secrets"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_TRUE(contains(r.out, "environment variable SPS_SPLUNK_TOKEN is not set (needed by !secret env:SPS_SPLUNK_TOKEN)"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "forwarders.yaml:11:10: error: environment variable SPS_SPLUNK_TOKEN")) << r.out;
}

// Given no secret values, a malformed source is still an error: the syntax is always checked.
TEST_F(SecretsTest, ValidateWithoutSecretsStillChecksSourceSyntax) {
  unset_secrets();
  const std::string file = (temp_dir() / "splunk.yaml").string();
  std::ofstream(file) << "management/splunk_forwarder:\n"
                         "  enabled: true\n"
                         "  token: !secret vault:kv/splunk\n";
  const CliRun r = run_cli({"validate", file});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_TRUE(contains(r.out, "splunk.yaml:3:10: error: unknown secret source \"vault\"")) << r.out;
}

// Given the token set on the appliance and no value in the job, expect the field shown as not
// compared (in the text, JSON and Markdown views), no change, and only reads.
TEST_F(SecretsTest, PlanWithoutSecretsShowsTheFieldAsNotCompared) {
  apply_demo_with_secrets();
  unset_secrets();
  sim().clear_journal();
  const CliRun r = run_with_sim({"plan", demo_state(), "--detailed-exitcode"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_TRUE(contains(r.out, "No changes. The appliance matches the desired state in every field that was compared"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "management/splunk_forwarder token: not compared: secret not available "
                              "(env:SPS_SPLUNK_TOKEN)"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "1 secret field not compared: secret not available.")) << r.out;
  expect_read_only();

  const CliRun j = run_with_sim({"plan", demo_state(), "--format", "json"});
  ASSERT_EQ(j.code, cli::kExitOk) << j.all();
  const json::value doc = json::parse(j.out);
  EXPECT_EQ(doc.at("summary").at("not_compared"), json::value(1));
  EXPECT_EQ(doc.at("not_compared").at(0).at("source"), json::value("env:SPS_SPLUNK_TOKEN"));
  const CliRun m = run_with_sim({"plan", demo_state(), "--format", "markdown"});
  EXPECT_TRUE(contains(m.out, "### Not compared: secret not available")) << m.out;
}

// Given a fresh appliance and no secret values, expect a saved plan holding only the
// sources; apply of it without the values refuses before logging in, naming the variable;
// with the values the same plan applies.
TEST_F(SecretsTest, SavedPlanHoldsSourcesAndApplyNeedsTheValues) {
  unset_secrets();
  const std::string plan_file = (temp_dir() / "plan.json").string();
  const CliRun planned = run_with_sim({"plan", demo_state(), "--out", plan_file});
  ASSERT_EQ(planned.code, cli::kExitOk) << planned.all();
  const std::string saved = contents(plan_file);
  EXPECT_TRUE(contains(saved, "\"$secret\":\"env:SPS_SPLUNK_TOKEN\"")) << saved;
  EXPECT_TRUE(contains(saved, "\"$secret\":\"env:SPS_ARCHIVE_SMB_PASSWORD\"")) << saved;
  EXPECT_FALSE(contains(saved, "unresolved")) << saved;

  sim().clear_journal();
  const CliRun refused = run_with_sim({"apply", plan_file, "--auto-approve"});
  EXPECT_EQ(refused.code, cli::kExitError) << refused.all();
  EXPECT_TRUE(contains(refused.err, "environment variable SPS_")) << refused.err;
  EXPECT_TRUE(contains(refused.err, "Nothing was sent to the appliance")) << refused.err;
  EXPECT_TRUE(sim().journal().empty()) << sim().journal_lines().size();

  ::setenv("SPS_SPLUNK_TOKEN", kSplunkToken, 1);
  ::setenv("SPS_ARCHIVE_SMB_PASSWORD", kSmbPassword, 1);
  const CliRun applied = run_with_sim({"apply", plan_file, "--auto-approve"});
  EXPECT_EQ(applied.code, cli::kExitOk) << applied.all();
  expect_no_secrets(applied.all());
  const auto splunk = sim().committed_body("management/splunk_forwarder");
  ASSERT_TRUE(splunk.has_value());
  EXPECT_EQ(splunk->at("token"), json::value(kSplunkToken));
}

TEST_F(SecretsTest, ApplyFromTheDesiredStateRefusesBeforeLoginWithoutSecrets) {
  unset_secrets();
  sim().clear_journal();
  const CliRun r = run_with_sim({"apply", demo_state(), "--auto-approve"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_TRUE(contains(r.err, "environment variable SPS_SPLUNK_TOKEN is not set")) << r.err;
  EXPECT_TRUE(contains(r.err, "nothing was sent to the appliance")) << r.err;
  EXPECT_TRUE(sim().journal().empty());
}

// Given the applied demo and no secret values, expect drift in sync with the token reported
// as unknowable (not an error, not drift), in text and JSON.
TEST_F(SecretsTest, DriftWithoutSecretsReportsThemAsUnknowable) {
  apply_demo_with_secrets();
  unset_secrets();
  sim().clear_journal();
  const CliRun r = run_with_sim({"drift", demo_state()});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_TRUE(contains(r.out, "management/splunk_forwarder token: secret not available to this run, so it was not "
                              "compared"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "No drift")) << r.out;
  expect_read_only();
  const CliRun j = run_with_sim({"drift", demo_state(), "--format", "json"});
  ASSERT_EQ(j.code, cli::kExitOk) << j.all();
  bool found = false;
  const json::value report = json::parse(j.out);
  for (const auto& resource : report.at("resources").as_array()) {
    if (resource.at("address") != json::value("management/splunk_forwarder")) continue;
    const auto& unknowable = resource.at("unknowable").as_array();
    ASSERT_EQ(unknowable.size(), 1u) << j.out;
    EXPECT_EQ(unknowable.at(0).at("reason"), json::value("secret not available"));
    EXPECT_EQ(unknowable.at(0).at("path"), json::value("/token"));
    found = true;
  }
  EXPECT_TRUE(found) << j.out;
}

}  // namespace
}  // namespace sps::testing
