// Offline CLI tests of `sps-apply validate`: runs sps::cli::run in-process on the demo
// desired state and on every broken input under tests/broken/<case>/, whose expected.txt
// lists the exact "file:line:col: error: ..." lines (and "  hint: ..." lines) the case must
// produce. File names in expected.txt are relative to the case directory.
#include "cli/cli.h"
#include "cli/exit_codes.h"
#include "schema/validator.h"
#include "support/cli_run.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#ifndef SPS_SOURCE_DIR
#error "SPS_SOURCE_DIR must point at the source tree"
#endif

namespace sps::cli {
namespace {

namespace fs = std::filesystem;
using testing::CliRun;
using testing::run_cli;

// The secret the broken cases read through !secret env:SPS_BROKEN_SECRET; it must never
// appear in any output.
constexpr const char* kBrokenSecret = "broken-case-secret-value-4f1d";
// Plain-text secrets written in the broken cases; the error must not echo them either.
const std::vector<std::string> kPlainSecrets{"6c3e2f1a-plain-text-token"};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

/// Sets the environment the broken cases and the demo expect, and restores nothing: the
/// variables are specific to this test binary.
class CliValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("SPS_BROKEN_SECRET", kBrokenSecret, 1);
    ::unsetenv("SPS_BROKEN_UNSET_VARIABLE");
    ::setenv("SPS_SPLUNK_TOKEN", "demo-splunk-token-secret", 1);
    ::setenv("SPS_ARCHIVE_SMB_PASSWORD", "demo-archive-password-secret", 1);
  }
};

std::vector<fs::path> broken_cases() {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(fs::path(SPS_SOURCE_DIR) / "tests" / "broken")) {
    if (entry.is_directory()) cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

TEST_F(CliValidateTest, DemoDesiredStateIsValid) {
  const std::string path = std::string(SPS_SOURCE_DIR) + "/desired-state";
  const CliRun r = run_cli({"validate", path});
  EXPECT_EQ(r.code, kExitOk) << r.out;
  EXPECT_EQ(r.out.find("error:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" are valid"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("demo-splunk-token-secret"), std::string::npos);
  EXPECT_EQ(r.out.find("demo-archive-password-secret"), std::string::npos);
}

// Without --require-secrets validate reads no secret (a job without secrets can run it);
// with it, a missing variable is an error at its YAML location.
TEST_F(CliValidateTest, DemoDesiredStateNeedsItsSecretsOnlyWhenRequired) {
  ::unsetenv("SPS_SPLUNK_TOKEN");
  EXPECT_EQ(run_cli({"validate", std::string(SPS_SOURCE_DIR) + "/desired-state"}).code, kExitOk);
  const CliRun r = run_cli({"validate", "--require-secrets", std::string(SPS_SOURCE_DIR) + "/desired-state"});
  EXPECT_EQ(r.code, kExitError);
  EXPECT_NE(r.out.find("forwarders.yaml:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("environment variable SPS_SPLUNK_TOKEN is not set"), std::string::npos) << r.out;
}

TEST_F(CliValidateTest, EveryBrokenCaseReportsExactlyItsExpectedErrors) {
  const auto cases = broken_cases();
  ASSERT_GE(cases.size(), 15u);
  for (const auto& dir : cases) {
    SCOPED_TRACE(dir.filename().string());
    std::ifstream expected_file(dir / "expected.txt");
    ASSERT_TRUE(expected_file) << "missing expected.txt";
    std::stringstream expected_text;
    expected_text << expected_file.rdbuf();
    const auto expected = lines_of(expected_text.str());
    ASSERT_FALSE(expected.empty());

    // --require-secrets: the cases of unset variables and unreadable secret files are errors
    // only when the secrets are read.
    const CliRun r = run_cli({"validate", "--require-secrets", dir.string()});
    EXPECT_EQ(r.code, kExitError) << r.out;
    // File names are printed as given on the command line; make them case-relative.
    const auto actual = lines_of(replace_all(r.out, dir.string() + "/", ""));
    for (const auto& line : expected) {
      EXPECT_NE(std::find(actual.begin(), actual.end(), line), actual.end())
          << "expected line not printed:\n  " << line << "\nactual output:\n" << r.out;
    }
    const auto errors = std::count_if(actual.begin(), actual.end(),
                                      [](const std::string& l) { return l.find(": error: ") != std::string::npos; });
    const auto expected_errors = std::count_if(
        expected.begin(), expected.end(), [](const std::string& l) { return l.find(": error: ") != std::string::npos; });
    EXPECT_EQ(errors, expected_errors) << r.out;
    EXPECT_EQ(r.out.find(kBrokenSecret), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find(kBrokenSecret), std::string::npos) << r.err;
    for (const auto& plain : kPlainSecrets) EXPECT_EQ(r.out.find(plain), std::string::npos) << r.out;
  }
}

TEST_F(CliValidateTest, JsonFormatCarriesEveryDiagnosticWithoutSecrets) {
  const auto dir = fs::path(SPS_SOURCE_DIR) / "tests" / "broken" / "many-errors-one-run";
  const CliRun r = run_cli({"validate", "--format", "json", dir.string()});
  EXPECT_EQ(r.code, kExitError);
  boost::system::error_code ec;
  const boost::json::value report = boost::json::parse(r.out, ec);
  ASSERT_FALSE(ec) << r.out;
  EXPECT_EQ(report.at("valid"), boost::json::value(false));
  const auto& diagnostics = report.at("diagnostics").as_array();
  ASSERT_FALSE(diagnostics.empty());
  EXPECT_EQ(report.at("errors").to_number<std::uint64_t>(), diagnostics.size());
  for (const auto& d : diagnostics) {
    EXPECT_TRUE(d.at("file").as_string().ends_with(".yaml"));
    EXPECT_GT(d.at("line").as_int64(), 0);
    EXPECT_GT(d.at("column").as_int64(), 0);
    EXPECT_EQ(d.at("severity"), boost::json::value("error"));
    EXPECT_FALSE(d.at("message").as_string().empty());
    EXPECT_TRUE(d.as_object().contains("hint"));
    EXPECT_TRUE(d.as_object().contains("resource"));
    EXPECT_TRUE(d.as_object().contains("pointer"));
  }
  EXPECT_EQ(r.out.find(kBrokenSecret), std::string::npos);
}

TEST_F(CliValidateTest, JsonFormatReportsValidDemo) {
  const CliRun r = run_cli({"validate", "--format", "json", std::string(SPS_SOURCE_DIR) + "/desired-state"});
  EXPECT_EQ(r.code, kExitOk);
  boost::system::error_code ec;
  const boost::json::value report = boost::json::parse(r.out, ec);
  ASSERT_FALSE(ec) << r.out;
  EXPECT_EQ(report.at("valid"), boost::json::value(true));
  // Only a note for the discovered kind (checked against the appliance at plan time).
  for (const auto& d : report.at("diagnostics").as_array()) {
    EXPECT_EQ(d.at("severity"), boost::json::value("note")) << boost::json::serialize(d);
    EXPECT_NE(std::string(d.at("message").as_string()).find("checked against the appliance at plan time"), std::string::npos);
  }
  EXPECT_EQ(report.at("diagnostics").as_array().size(), 1u);  // network/routing
  EXPECT_GE(report.at("resources").to_number<std::uint64_t>(), 15u);
}


// Given an inventory whose appliances share the demo state as their base, with overlays and
// a variable, expect validate --inventory to check each composed state, to report a
// problem of a shared file once, an unknown variable at its file:line:col, and to name the
// invalid appliance.
TEST_F(CliValidateTest, InventoryChecksEveryAppliancesComposedStateOnce) {
  const fs::path dir = fs::temp_directory_path() / ("sps-validate-inventory-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "prod");
  fs::create_directories(dir / "dr");
  std::ofstream(dir / "prod" / "web.yaml") << "management/webinterface:\n  timeout: !var web_timeout\n";
  std::ofstream(dir / "dr" / "web.yaml") << "management/webinterface:\n  timeout: !var web_timout\n"
                                            "sps-apply:\n  remove: [management/soap]\n";
  std::ofstream(dir / "inventory.yaml") << "vars: {web_timeout: 20}\n"
                                           "appliances:\n"
                                           "  - {name: prod-1, url: \"https://p1\", desired: [" SPS_SOURCE_DIR "/desired-state, prod]}\n"
                                           "  - {name: prod-2, url: \"https://p2\", desired: [" SPS_SOURCE_DIR "/desired-state, prod],\n"
                                           "     groups: [prod]}\n"
                                           "  - {name: dr-1, url: \"https://d1\", desired: [" SPS_SOURCE_DIR "/desired-state, dr]}\n";
  const std::string inventory = (dir / "inventory.yaml").string();
  CliRun r = run_cli({"validate", "--inventory", inventory});
  EXPECT_EQ(r.code, kExitError) << r.all();
  const std::string dr_file = (dir / "dr" / "web.yaml").string();
  EXPECT_NE(r.out.find(dr_file + ":2:12: error: unknown variable \"web_timout\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("did you mean \"web_timeout\"?"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("prod-1: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("dr-1: 1 errors"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(": 1 of 3 appliances have an invalid desired state"), std::string::npos) << r.out;
  // The demo's discovered-kind note is shared by all three: printed once.
  const std::size_t note = r.out.find("has no schema");
  ASSERT_NE(note, std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("has no schema", note + 1), std::string::npos) << r.out;

  // --limit: the valid ones only (a group and a name), and machine-readable.
  r = run_cli({"validate", "--inventory", inventory, "--limit", "prod", "--limit", "prod-1", "--format", "json"});
  EXPECT_EQ(r.code, kExitOk) << r.all();
  const boost::json::value report = boost::json::parse(r.out);
  EXPECT_EQ(report.at("valid"), boost::json::value(true));
  std::ifstream schema_file(std::string(SPS_SOURCE_DIR) + "/schemas/output/validate-inventory.schema.json");
  std::stringstream schema_text;
  schema_text << schema_file.rdbuf();
  auto validator = schema::Validator::compile(boost::json::parse(schema_text.str()));
  ASSERT_TRUE(validator) << validator.error().message;
  for (const auto& e : validator->validate(report)) ADD_FAILURE() << e.instance_pointer << ": " << e.message;
  ASSERT_EQ(report.at("appliances").as_array().size(), 2u);
  EXPECT_EQ(report.at("appliances").at(1).at("name"), boost::json::value("prod-2"));

  r = run_cli({"validate", "--inventory", inventory, "--limit", "prod-3"});
  EXPECT_EQ(r.code, kExitError);
  EXPECT_NE(r.err.find("--limit prod-3: no appliance or group of that name"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sps::cli
