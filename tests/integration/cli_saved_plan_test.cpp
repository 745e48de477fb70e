// Saved plans against an in-process sps-sim over TLS: a saved plan is only as good as what
// it checked (every resource read, the file's digest, verification against the whole
// desired state), and it is data, not a program (steps re-derived, secret sources limited).
#include "cli/exit_codes.h"
#include "plan/plan_file.h"
#include "support/cli_runner.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace sps::testing {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class SavedPlanTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    m_plan_file = (temp_dir() / "plan.json").string();
    m_planned = run_with_sim({"plan", demo_state(), "--out", m_plan_file});
    ASSERT_EQ(m_planned.code, cli::kExitOk) << m_planned.all();
    m_initial_text = sim().committed_snapshot_text();
    sim().clear_journal();
  }

  CliRun apply_saved() { return run_with_sim({"apply", m_plan_file, "--auto-approve"}); }

  json::value saved() const { return json::parse(read_text(m_plan_file)); }

  /// Rewrites the plan file; with redigest, as someone who also recomputes its digest.
  void write_plan(json::value doc, bool redigest = true) {
    if (redigest) doc.as_object()["digest"] = plan::content_digest(doc);
    std::ofstream(m_plan_file, std::ios::trunc) << json::serialize(doc);
  }

  /// The saved step that writes `kind`.
  static json::object& step_for(json::value& doc, std::string_view kind) {
    for (auto& s : doc.at("steps").as_array()) {
      if (s.at("address").at("kind").as_string() == kind) return s.as_object();
    }
    throw std::runtime_error("no step for " + std::string(kind));
  }

  /// Refused before logging in: the simulator saw no request at all, nothing changed.
  void expect_refused_before_login(const CliRun& r, const std::string& why) {
    EXPECT_EQ(r.code, cli::kExitError) << r.all();
    EXPECT_NE(r.err.find(why), std::string::npos) << r.err;
    EXPECT_TRUE(sim().journal().empty()) << ::testing::PrintToString(sim().journal_lines());
    EXPECT_EQ(sim().committed_snapshot_text(), m_initial_text);
    expect_no_secrets(r.all());
  }

  std::string m_plan_file;
  CliRun m_planned;
  std::string m_initial_text;
};

TEST_F(SavedPlanTest, PlanAndApplyPrintTheSameDigestAndVerifyTheWholeDesiredState) {
  const std::string digest(saved().at("digest").as_string());
  EXPECT_NE(m_planned.out.find("(digest " + digest + ")"), std::string::npos) << m_planned.out;
  const CliRun markdown = run_with_sim({"plan", demo_state(), "--out", m_plan_file, "--format", "markdown"});
  EXPECT_NE(markdown.out.find("| Plan digest | `" + std::string(saved().at("digest").as_string()) + "`"),
            std::string::npos)
      << markdown.out;
  const std::string digest2(saved().at("digest").as_string());
  const CliRun r = apply_saved();
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.err.find("digest " + digest2), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("verified against the whole desired state"), std::string::npos) << r.err;
  // The SMB password of the archive policy is a password object: never readable.
  EXPECT_NE(r.err.find("Not verifiable: 1 write-only secret"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("policies/archive_cleanup_policies[compliance-archive]/target/authentication/password"),
            std::string::npos)
      << r.err;
  expect_no_secrets(r.all());
  // Inside the transaction, one wave of exactly the kinds the plan depends on: every kind the
  // plan read except x509 and network/nics, targets of references that stay keys.
  std::vector<std::string> depends;
  const json::value doc = saved();
  for (const auto& k : doc.at("kinds").as_array()) {
    if (k != "x509" && k != "network/nics") depends.push_back("/api/configuration/" + std::string(k.as_string()));
  }
  std::sort(depends.begin(), depends.end());
  const auto journal = sim().journal();
  std::vector<std::string> inside;
  auto it = std::find_if(journal.begin(), journal.end(), [](const auto& e) { return e.method == "POST"; });
  ASSERT_NE(it, journal.end());
  EXPECT_EQ(it->path, "/api/transaction");
  for (++it; it != journal.end() && it->method == "GET"; ++it) inside.push_back(it->path);
  std::sort(inside.begin(), inside.end());
  EXPECT_EQ(inside, depends);
  EXPECT_GE(depends.size(), 10u);
  EXPECT_EQ(run_with_sim({"plan", demo_state(), "--detailed-exitcode"}).code, cli::kExitOk);
}

// management/soap is not changed by the plan; another administrator changes it before the
// apply: the plan is refused, naming the resource and the field.
TEST_F(SavedPlanTest, ChangeToAnUnchangedResourceMakesThePlanStale) {
  bool listed = false;
  const json::value doc = saved();
  for (const auto& a : doc.at("no_change").as_array()) listed |= a.at("kind") == "management/soap";
  ASSERT_TRUE(listed) << "the demo plan must leave management/soap unchanged";
  ASSERT_TRUE(sim().out_of_band_replace("management/soap", json::parse(R"({"enabled": true})")).has_value());
  const std::string before = sim().committed_snapshot_text();
  sim().clear_journal();

  const CliRun r = apply_saved();
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.err.find("the plan is stale"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("management/soap: /enabled"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sps-apply plan"), std::string::npos) << r.err;
  for (const auto& e : sim().journal()) {
    if (e.method != "GET") {
      const std::string line = e.method + " " + e.path;
      EXPECT_TRUE(line == "POST /api/transaction" || line == "DELETE /api/transaction" ||
                  e.path == "/api/authentication")
          << line;
    }
  }
  EXPECT_EQ(sim().committed_snapshot_text(), before);
}

TEST_F(SavedPlanTest, EditedFileIsRefusedBeforeLogin) {
  std::string text = read_text(m_plan_file);
  const std::size_t at = text.find("\"timeout\":15");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 12, "\"timeout\":16");
  std::ofstream(m_plan_file, std::ios::trunc) << text;
  expect_refused_before_login(apply_saved(), "does not match its digest");
}

// Given a saved plan, expect show to render it in every format without any request, with the
// header it was planned with (its digest included) and the same steps as plan printed; an
// edited file is refused with apply's message. --report writes the other formats in one run.
TEST_F(SavedPlanTest, ShowRendersTheSavedPlanWithoutTheAppliance) {
  const fs::path md = temp_dir() / "plan.md";
  const CliRun json_plan = run_with_sim({"plan", demo_state(), "--out", m_plan_file, "--format", "json", "--report",
                                         "markdown=" + md.string()});
  ASSERT_EQ(json_plan.code, cli::kExitOk) << json_plan.all();
  sim().clear_journal();
  const CliRun shown = run_cli({"show", m_plan_file, "--format", "json"});
  ASSERT_EQ(shown.code, cli::kExitOk) << shown.all();
  const CliRun shown_md = run_cli({"show", m_plan_file, "--format", "markdown"});
  const CliRun shown_text = run_cli({"show", m_plan_file});
  EXPECT_TRUE(sim().journal().empty()) << ::testing::PrintToString(sim().journal_lines());
  const json::value planned = json::parse(json_plan.out);
  const json::value from_file = json::parse(shown.out);
  EXPECT_EQ(from_file.at("steps"), planned.at("steps"));
  EXPECT_EQ(from_file.at("header"), planned.at("header"));  // time, user, revision and digest as planned
  EXPECT_EQ(from_file.at("header").at("plan_digest"), saved().at("digest"));
  EXPECT_EQ(shown_md.out, read_text(md));  // the Markdown report plan wrote, byte for byte
  EXPECT_EQ(fs::status(md).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_NE(shown_text.out.find("Plan digest:   " + std::string(saved().at("digest").as_string())), std::string::npos)
      << shown_text.out;
  EXPECT_NE(shown_text.out.find("Plan: "), std::string::npos) << shown_text.out;
  expect_no_secrets(shown.all() + shown_md.all() + shown_text.all());

  std::string text = read_text(m_plan_file);
  const std::size_t at = text.find("\"timeout\":15");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 12, "\"timeout\":16");
  std::ofstream(m_plan_file, std::ios::trunc) << text;
  const CliRun refused = run_cli({"show", m_plan_file});
  EXPECT_EQ(refused.code, cli::kExitError);
  EXPECT_NE(refused.err.find("does not match its digest"), std::string::npos) << refused.err;
  const CliRun apply_refused = apply_saved();
  EXPECT_EQ(refused.err, apply_refused.err);
}

TEST_F(SavedPlanTest, TruncatedFileIsRefusedBeforeLogin) {
  const std::string text = read_text(m_plan_file);
  std::ofstream(m_plan_file, std::ios::trunc) << text.substr(0, text.size() / 2);
  expect_refused_before_login(apply_saved(), "cut short or damaged");
}

TEST_F(SavedPlanTest, InjectedCommitStepIsRefused) {
  json::value doc = saved();
  json::object commit = step_for(doc, "management/webinterface");
  commit["method"] = "PUT";
  commit["path"] = "/api/transaction";
  commit["body"] = json::object{{"status", "commit"}, {"commit_message", "half"}};
  auto& steps = doc.at("steps").as_array();
  steps.insert(steps.begin() + 1, std::move(commit));
  write_plan(std::move(doc));
  expect_refused_before_login(apply_saved(), "PUT /api/transaction");
}

TEST_F(SavedPlanTest, EditedStepBodyIsRefused) {
  json::value doc = saved();
  step_for(doc, "management/webinterface")["body"].as_object()["timeout"] = 99;
  write_plan(std::move(doc));
  expect_refused_before_login(apply_saved(), "\"body\" at /timeout differs");
}

TEST_F(SavedPlanTest, ChangedSecretSourceIsRefused) {
  // Only in the step: the step no longer follows from the carried desired state.
  json::value doc = saved();
  step_for(doc, "management/splunk_forwarder")["inline_secrets"].as_array().at(0).as_object()["source"] = "env:HOME";
  write_plan(doc);
  expect_refused_before_login(apply_saved(), "\"body\" at /token/$secret differs");

  // Everywhere, consistently, to sps-apply's own password: refused all the same.
  doc = saved();
  for (auto& r : doc.at("desired").at("resources").as_array()) {
    if (r.at("address").at("kind") != "management/splunk_forwarder") continue;
    r.at("secrets").as_array().at(0).as_object()["source"] = "env:SPS_PASSWORD";
    r.at("body").as_object()["token"] = json::object{{"$secret", "env:SPS_PASSWORD"}};
  }
  for (auto& s : doc.at("steps").as_array()) {
    if (s.at("address").at("kind") != "management/splunk_forwarder") continue;
    s.at("inline_secrets").as_array().at(0).as_object()["source"] = "env:SPS_PASSWORD";
    s.at("body").as_object()["token"] = json::object{{"$secret", "env:SPS_PASSWORD"}};
  }
  write_plan(doc);
  expect_refused_before_login(apply_saved(), "env:SPS_PASSWORD, sps-apply's own credential");
}

// Another administrator changes a resource the plan does not touch right after the commit
// (the simulator runs the change before it answers the commit): the apply is committed but
// not verified, exit 3, naming the field.
TEST_F(SavedPlanTest, ChangeBetweenCommitAndVerificationIsReportedAsNotVerified) {
  const auto changed = change_right_after_commit("management/soap", json::parse(R"({"enabled": true})"));
  const CliRun r = apply_saved();
  sim().after_request({});
  EXPECT_TRUE(changed->load());
  EXPECT_EQ(r.code, cli::kExitAttention) << r.all();
  EXPECT_NE(r.err.find("NOT verified"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("management/soap/enabled: true on the appliance, desired false"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("Apply complete!"), std::string::npos) << r.err;
  EXPECT_NE(sim().committed_snapshot_text(), m_initial_text);  // the commit stays
  expect_no_secrets(r.all());
}

/// Runs in another working directory and comes back.
class CurrentDirectory {
 public:
  explicit CurrentDirectory(const fs::path& dir) : m_old(fs::current_path()) { fs::current_path(dir); }
  ~CurrentDirectory() { fs::current_path(m_old); }
  CurrentDirectory(const CurrentDirectory&) = delete;
  CurrentDirectory& operator=(const CurrentDirectory&) = delete;

 private:
  fs::path m_old;
};

// A plan made in one checkout applies from a copy of it elsewhere: `!secret file:` paths are
// recorded relative to the desired-state directory, not as absolute paths.
TEST_F(SavedPlanTest, PlanMadeInOneCheckoutAppliesFromACopyInAnotherDirectory) {
  const fs::path a = temp_dir() / "checkout-a";
  const fs::path b = temp_dir() / "checkout-b";
  fs::create_directories(a / "desired-state" / "secrets");
  fs::copy(demo_state(), a / "desired-state", fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  std::string policies = read_text(a / "desired-state" / "policies.yaml");
  const std::string env_source = "!secret env:SPS_ARCHIVE_SMB_PASSWORD";
  ASSERT_NE(policies.find(env_source), std::string::npos);
  policies.replace(policies.find(env_source), env_source.size(), "!secret file:secrets/smb.pw");
  std::ofstream(a / "desired-state" / "policies.yaml", std::ios::trunc) << policies;
  std::ofstream(a / "desired-state" / "secrets" / "smb.pw") << kSmbPassword << "\n";
  ::unsetenv("SPS_ARCHIVE_SMB_PASSWORD");
  {
    CurrentDirectory in_a(a);
    const CliRun planned = run_with_sim({"plan", "desired-state", "--out", "plan.json"});
    ASSERT_EQ(planned.code, cli::kExitOk) << planned.all();
  }
  const std::string text = read_text(a / "plan.json");
  EXPECT_NE(text.find("file:secrets/smb.pw"), std::string::npos);
  EXPECT_EQ(text.find(a.string()), std::string::npos) << "no absolute path of checkout A in the plan";
  fs::copy(a, b, fs::copy_options::recursive);
  fs::remove_all(a);
  sim().clear_journal();
  CurrentDirectory in_b(b);
  const CliRun r = run_with_sim({"apply", "plan.json", "--auto-approve"});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.err.find("verified against the whole desired state"), std::string::npos) << r.err;
  expect_no_secrets(r.all());
}

}  // namespace
}  // namespace sps::testing

namespace sps::testing {
namespace {

// --target/--exclude: a partial plan writes only its selection and says that it is partial;
// the saved plan records the selection, apply shows it and verifies only what it covers.
// A selected referrer of an excluded object to create, a misspelt address, and --target
// with a saved plan are errors.
TEST_F(SavedPlanTest, PartialPlanCoversOnlyItsSelection) {
  const std::string partial = (temp_dir() / "partial.json").string();
  CliRun r = run_with_sim({"plan", demo_state(), "--target", "policies/backup_policies", "--exclude",
                           "policies/backup_policies[nightly-nfs]", "--out", partial});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.out.find("the plan is partial"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("resources outside the selection were not compared"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("# policies/backup_policies[weekly-dr] will be created"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("# policies/backup_policies[nightly-nfs]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Plan: 1 to create, 0 to update, 0 to delete."), std::string::npos) << r.out;
  const json::value doc = json::parse(read_text(partial));
  EXPECT_EQ(doc.at("selection").at("targets"), json::array{"policies/backup_policies"});
  EXPECT_EQ(doc.at("selection").at("excludes"), json::array{"policies/backup_policies[nightly-nfs]"});
  // show, offline, says what plan said: the file is partial.
  r = run_cli({"show", partial});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.out.find("the plan is partial"), std::string::npos) << r.out;

  r = run_with_sim({"apply", partial, "--auto-approve"});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.out.find("the plan is partial"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("Apply complete! 1 created, 0 updated, 0 deleted; committed and verified"), std::string::npos)
      << r.err;
  std::vector<std::string> names;
  const json::value snapshot = sim().committed_snapshot();
  for (const auto& item : snapshot.at("policies/backup_policies").at("items").as_array()) {
    names.emplace_back(item.at("body").at("name").as_string());
  }
  EXPECT_EQ(names, std::vector<std::string>{"weekly-dr"});

  // The system backup refers to nightly-nfs, which the plan would create: not without it.
  r = run_with_sim({"plan", demo_state(), "--target", "management/system_backup"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.err.find("management/system_backup refers to policies/backup_policies[nightly-nfs], which this plan "
                       "would create, but the selection (--target/--exclude) leaves it out"),
            std::string::npos)
      << r.err;
  r = run_with_sim({"plan", demo_state(), "--target", "management/system_backup", "--target",
                    "policies/backup_policies[nightly-nfs]"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.out.find("Plan: 1 to create, 1 to update, 0 to delete."), std::string::npos) << r.out;

  // Misspelt addresses and a selection for a saved plan fail before login.
  sim().clear_journal();
  r = run_with_sim({"plan", demo_state(), "--target", "policies/backup_policy"});
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("the desired state does not manage policies/backup_policy"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("did you mean \"policies/backup_policies\"?"), std::string::npos) << r.err;
  r = run_with_sim({"apply", demo_state(), "--exclude", "policies/backup_policies[nightly-nsf]"});
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("did you mean \"policies/backup_policies[nightly-nfs]\"?"), std::string::npos) << r.err;
  r = run_with_sim({"plan", demo_state(), "--target", "policies/backup_policies[nightly"});
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("is not a resource address"), std::string::npos) << r.err;
  r = run_with_sim({"apply", partial, "--auto-approve", "--target", "management/email"});
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("a saved plan carries its own selection"), std::string::npos) << r.err;
  EXPECT_TRUE(sim().journal().empty()) << ::testing::PrintToString(sim().journal_lines());
}

}  // namespace
}  // namespace sps::testing
