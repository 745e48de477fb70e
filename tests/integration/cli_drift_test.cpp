// `sps-apply drift` against an in-process sps-sim over TLS: out-of-band changes by another
// administrator are reported in every format with exit 2, ignore rules turn them into
// "ignored", the run is read-only, secrets never appear, and JUnit output validates.
#include "cli/exit_codes.h"
#include "support/cli_runner.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sps::testing {
namespace {
namespace json = boost::json;
namespace fs = std::filesystem;

constexpr const char* kNewToken = "splunk-token-rotated-by-hand-0b5e";

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class DriftTest : public CliFixture {
 protected:
  void SetUp() override {
    CliFixture::SetUp();
    const CliRun applied = run_with_sim({"apply", demo_state(), "--auto-approve"});
    ASSERT_EQ(applied.code, cli::kExitOk) << applied.all();
  }

  /// Runs drift and checks what every drift run must satisfy: only GET requests reached the
  /// appliance, no transaction is open, and no secret value was printed.
  CliRun drift(std::vector<std::string> extra = {}, const std::string& state = {}) {
    sim().clear_journal();
    std::vector<std::string> args{"drift", state.empty() ? demo_state() : state};
    args.insert(args.end(), extra.begin(), extra.end());
    CliRun r = run_with_sim(args);
    // Reads only, and the logout that ends the session.
    for (const auto& e : sim().journal()) {
      EXPECT_TRUE(e.method == "GET" || e.method + " " + e.path == "DELETE /api/authentication") << e.to_string();
    }
    EXPECT_FALSE(sim().journal().empty());
    EXPECT_FALSE(sim().transaction_open());
    expect_no_secrets(r.all());
    EXPECT_EQ(r.all().find(kNewToken), std::string::npos) << r.all();
    return r;
  }

  /// The key of a collection item, from the committed snapshot.
  std::string key_of(const std::string& kind, const std::string& name) {
    const json::value snapshot = sim().committed_snapshot();
    for (const auto& item : snapshot.at(kind).at("items").as_array()) {
      if (item.at("body").at("name") == json::value(name)) return std::string(item.at("key").as_string());
    }
    ADD_FAILURE() << "no " << kind << "[" << name << "]";
    return {};
  }

  /// Someone raises the web interface timeout and replaces the Splunk token in the web UI.
  void change_by_hand() {
    ASSERT_TRUE(sim().out_of_band_replace("management/webinterface", json::parse(R"({"timeout": 45})")).has_value());
    auto splunk = sim().committed_body("management/splunk_forwarder");
    ASSERT_TRUE(splunk.has_value());
    splunk->as_object()["token"] = kNewToken;
    ASSERT_TRUE(sim().out_of_band_replace("management/splunk_forwarder", *splunk).has_value());
  }

  /// A copy of the demo state whose settings carry `ignore` rules.
  std::string demo_with_ignore(const std::vector<std::string>& rules) {
    const fs::path dir = temp_dir() / "state-with-ignore";
    fs::create_directories(dir);
    for (const auto& entry : fs::directory_iterator(demo_state())) {
      if (entry.path().extension() == ".yaml") fs::copy_file(entry.path(), dir / entry.path().filename());
    }
    // policies.yaml ends with the "sps-apply:" block; add the ignore list to it.
    std::ofstream out(dir / "policies.yaml", std::ios::app);
    out << "  ignore:\n";
    for (const auto& r : rules) out << "    - \"" << r << "\"\n";
    return dir.string();
  }
};

TEST_F(DriftTest, InSyncAfterApplyExitsZero) {
  const CliRun r = drift();
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.out.find("No drift"), std::string::npos) << r.out;
  // The SMB password of the archive policy is a write-only secret: reported as unknowable.
  EXPECT_NE(r.out.find("policies/archive_cleanup_policies[compliance-archive] target.authentication.password"),
            std::string::npos) << r.out;
}

TEST_F(DriftTest, OutOfBandChangeIsReportedInEveryFormat) {
  change_by_hand();
  const CliRun text = drift();
  EXPECT_EQ(text.code, cli::kExitChanges) << text.all();
  EXPECT_NE(text.out.find("~ management/webinterface"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("timeout: git 15, appliance 45"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("management.yaml:17:3"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("token: git (sensitive), appliance (sensitive)"), std::string::npos) << text.out;

  const CliRun js = drift({"--format", "json"});
  EXPECT_EQ(js.code, cli::kExitChanges) << js.all();
  const json::value v = json::parse(js.out);
  EXPECT_EQ(v.at("format_version"), "1.1");
  EXPECT_EQ(v.at("drift"), true);
  EXPECT_EQ(v.at("summary").at("changed"), 2);
  bool found = false;
  for (const auto& r : v.at("resources").as_array()) {
    if (r.at("address") != "management/webinterface") continue;
    found = true;
    EXPECT_EQ(r.at("status"), "changed");
    EXPECT_EQ(r.at("changed").at(0).at("appliance"), 45);
    EXPECT_EQ(r.at("changed").at(0).at("git"), 15);
  }
  EXPECT_TRUE(found) << js.out;

  const CliRun md = drift({"--format", "markdown"});
  EXPECT_EQ(md.code, cli::kExitChanges) << md.all();
  EXPECT_NE(md.out.find("### Drift"), std::string::npos) << md.out;
  EXPECT_NE(md.out.find("| `management/webinterface` | changed | `timeout` | `15` | `45` |"), std::string::npos)
      << md.out;

  const CliRun junit = drift({"--format", "junit"});
  EXPECT_EQ(junit.code, cli::kExitChanges) << junit.all();
  EXPECT_NE(junit.out.find("<testcase name=\"management/webinterface\" classname=\"management/webinterface\""),
            std::string::npos) << junit.out;
  EXPECT_NE(junit.out.find("<failure message=\"management/webinterface changed on the appliance; timeout: git 15, "
                           "appliance 45\" type=\"changed\">"),
            std::string::npos) << junit.out;
}

TEST_F(DriftTest, MissingAndUnmanagedItemsAreClassified) {
  ASSERT_TRUE(sim().out_of_band_delete("policies/backup_policies/" + key_of("policies/backup_policies", "weekly-dr"))
                  .has_value());
  auto created = sim().out_of_band_create("policies/archive_cleanup_policies",
                                          json::parse(R"({"name": "hand-made", "include_node_id_in_path": false,
        "notification_event": {"type": "none"}, "target": {"type": "none"},
        "start_times": ["5:00"], "template": "PROTOCOL/CONNECTION/ARCHIVEDATE/", "retention_days": 7})"));
  ASSERT_TRUE(created.has_value()) << created.error().message;
  const CliRun r = drift({"--format", "json"});
  EXPECT_EQ(r.code, cli::kExitChanges) << r.all();
  const json::value v = json::parse(r.out);
  std::map<std::string, std::string> status;
  for (const auto& x : v.at("resources").as_array()) {
    status[std::string(x.at("address").as_string())] = std::string(x.at("status").as_string());
  }
  EXPECT_EQ(status["policies/backup_policies[weekly-dr]"], "missing");
  EXPECT_EQ(status["policies/archive_cleanup_policies[hand-made]"], "unmanaged");
  EXPECT_EQ(v.at("summary").at("would_delete"), 1);
}

TEST_F(DriftTest, IgnoredPathIsNotDrift) {
  ASSERT_TRUE(sim().out_of_band_replace("management/webinterface", json::parse(R"({"timeout": 45})")).has_value());
  const CliRun flag = drift({"--ignore", "management/webinterface/timeout"});
  EXPECT_EQ(flag.code, cli::kExitOk) << flag.all();
  EXPECT_NE(flag.out.find("Ignored"), std::string::npos) << flag.out;
  EXPECT_NE(flag.out.find("by rule \"management/webinterface/timeout\""), std::string::npos) << flag.out;

  const CliRun settings = drift({"--format", "junit"}, demo_with_ignore({"management/webinterface/timeout"}));
  EXPECT_EQ(settings.code, cli::kExitOk) << settings.all();
  EXPECT_NE(settings.out.find("<skipped message=\"ignored by rule &quot;management/webinterface/timeout&quot;\"/>"),
            std::string::npos) << settings.out;

  const CliRun other = drift({"--ignore", "policies/backup_policies/target"});
  EXPECT_EQ(other.code, cli::kExitChanges) << other.all();
}

// Given --report for three formats, expect one login and one read, each file the same report
// as --format would print (owner-only), and stdout still in --format. An unknown format is a
// one-line error listing the formats, before connecting.
TEST_F(DriftTest, SeveralReportsInOneRun) {
  change_by_hand();
  const fs::path xml = temp_dir() / "drift.xml";
  const fs::path md = temp_dir() / "drift.md";
  const fs::path js = temp_dir() / "drift.json";
  const CliRun r = drift({"--report", "junit=" + xml.string(), "--report", "markdown=" + md.string(), "--report",
                          "json=" + js.string()});
  EXPECT_EQ(r.code, cli::kExitChanges) << r.all();
  std::size_t logins = 0;
  for (const auto& e : sim().journal()) logins += e.method == "GET" && e.path == "/api/authentication" ? 1 : 0;
  EXPECT_EQ(logins, 1u) << ::testing::PrintToString(sim().journal_lines());
  EXPECT_NE(r.out.find("~ management/webinterface"), std::string::npos) << r.out;  // stdout: text
  for (const auto& [file, format] : {std::pair{xml, "junit"}, std::pair{md, "markdown"}, std::pair{js, "json"}}) {
    SCOPED_TRACE(format);
    ASSERT_TRUE(fs::exists(file));
    EXPECT_EQ(fs::status(file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    const std::string written = read_text(file);
    expect_no_secrets(written);
    EXPECT_EQ(written.find(kNewToken), std::string::npos);
    const CliRun alone = drift({"--format", format});
    EXPECT_EQ(written, alone.out);
    EXPECT_NE(r.err.find("Wrote the " + std::string(format) + " report to " + file.string()), std::string::npos) << r.err;
  }
  EXPECT_EQ(json::parse(read_text(js)).at("format_version"), "1.1");

  sim().clear_journal();
  const CliRun bad = run_with_sim({"drift", demo_state(), "--report", "xml=drift.xml"});
  EXPECT_EQ(bad.code, cli::kExitError);
  EXPECT_TRUE(sim().journal().empty());
  EXPECT_NE(bad.err.find("--report xml=drift.xml: unknown format \"xml\"; write --report FORMAT=PATH with FORMAT one of "
                         "text, json, markdown, junit"),
            std::string::npos)
      << bad.err;
}

TEST_F(DriftTest, BadIgnoreRuleIsAnError) {
  sim().clear_journal();
  const CliRun r = run_with_sim({"drift", demo_state(), "--ignore", "management/nowhere/timeout"});
  EXPECT_TRUE(sim().journal().empty());  // refused before connecting
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("unknown kind in ignore rule \"management/nowhere/timeout\""), std::string::npos) << r.err;

  // A rule for a field the kind's schema does not have could never match: refused before
  // connecting, with the closest field.
  const CliRun typo = run_with_sim({"drift", demo_state(), "--ignore", "management/webinterface/timeot"});
  EXPECT_EQ(typo.code, cli::kExitError) << typo.all();
  EXPECT_NE(typo.err.find("ignore rule \"management/webinterface/timeot\" can never match: management/webinterface "
                          "has no field \"timeot\""),
            std::string::npos)
      << typo.err;
  EXPECT_NE(typo.err.find("did you mean \"timeout\"?"), std::string::npos) << typo.err;
  EXPECT_TRUE(sim().journal().empty()) << ::testing::PrintToString(sim().journal_lines());
}

TEST_F(DriftTest, JunitReportValidatesAgainstTheSchema) {
  if (std::system("xmllint --version >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "xmllint not found: install Debian's libxml2-utils to validate the JUnit report";
  }
  change_by_hand();
  ASSERT_TRUE(sim().out_of_band_delete("policies/backup_policies/" + key_of("policies/backup_policies", "weekly-dr"))
                  .has_value());
  const fs::path report = temp_dir() / "drift.xml";
  const CliRun r = drift({"--format", "junit", "--output", report.string(),
                          "--ignore", "policies/audit_policies[tsa-timestamped]"});
  EXPECT_EQ(r.code, cli::kExitChanges) << r.all();
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_NE(r.err.find("Wrote the junit drift report"), std::string::npos) << r.err;
  EXPECT_EQ(fs::status(report).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  const std::string xml = read_text(report);
  expect_no_secrets(xml);
  EXPECT_EQ(xml.find(kNewToken), std::string::npos);
  EXPECT_NE(xml.find("<skipped"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure"), std::string::npos) << xml;
  const std::string xsd = std::string(SPS_SOURCE_DIR) + "/tests/drift/junit.xsd";
  const std::string log = (temp_dir() / "xmllint.log").string();
  const int rc = std::system(("xmllint --noout --schema '" + xsd + "' '" + report.string() + "' >'" + log + "' 2>&1").c_str());
  EXPECT_EQ(rc, 0) << read_text(log) << xml;
}

}  // namespace
}  // namespace sps::testing
