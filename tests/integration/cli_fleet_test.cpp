// A fleet: ten in-process sps-sim appliances over real TLS on loopback, one inventory with a
// shared base, a DR overlay and per-appliance variables. One test walks through what an
// operator does (validate, plan with saved plans, apply in waves with a fault on one
// appliance, continue past it, converge) and checks each report format on the way: the
// simulators are started once, which keeps the whole test to a few seconds.
#include "cli/exit_codes.h"
#include "schema/validator.h"
#include "sim/sim.h"
#include "support/cli_run.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#ifndef SPS_SOURCE_DIR
#error "SPS_SOURCE_DIR must point at the source tree"
#endif

namespace sps::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr std::size_t kAppliances = 10;
// An inline secret of the shared base: it must never appear in any output or report.
constexpr const char* kToken = "fleet-splunk-token-5e1f0c";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string name_of(std::size_t i) { return "sps-" + std::string(i < 9 ? "0" : "") + std::to_string(i + 1); }

bool opened_transaction(const sim::Simulator& s) {
  for (const auto& line : s.journal_lines()) {
    if (line.starts_with("POST /api/transaction ")) return true;
  }
  return false;
}

/// The fleet's report JSON checked with the project's validator against its schema.
void expect_valid_fleet_json(const std::string& text) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  ASSERT_FALSE(ec) << text;
  const json::value schema =
      json::parse(read_text(fs::path(SPS_SOURCE_DIR) / "schemas/output/fleet-report.schema.json"));
  auto validator = schema::Validator::compile(schema);
  ASSERT_TRUE(validator) << validator.error().message;
  for (const auto& e : validator->validate(doc)) ADD_FAILURE() << e.instance_pointer << ": " << e.message;
}

class FleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("sps-fleet-test-" + std::to_string(::getpid()));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "state" / "base");
    fs::create_directories(m_dir / "state" / "dr");
    for (std::size_t i = 0; i < kAppliances; ++i) {
      sim::Options options;
      options.rng_seed = 42 + i;
      options.ca_out = (m_dir / ("ca-" + std::to_string(i) + ".pem")).string();
      m_sims.push_back(std::make_unique<sim::Simulator>(std::move(options)));
      auto started = m_sims.back()->start();
      ASSERT_TRUE(started) << started.error().message;
    }
    ::setenv("SPS_USERNAME", "admin", 1);
    ::setenv("SPS_PASSWORD", "admin", 1);
    ::unsetenv("SPS_DR_PASSWORD");
    ::setenv("SPS_FLEET_SPLUNK_TOKEN", kToken, 1);
    for (const char* v : {"SPS_URL", "SPS_CA_FILE"}) ::unsetenv(v);
    // The shared base: the backup server and the web timeout are variables.
    std::ofstream(m_dir / "state" / "base" / "state.yaml") << R"yaml(
policies/backup_policies:
  - name: nightly
    include_node_id_in_path: true
    notification_event: {type: errors-only}
    target:
      type: nfs
      server: {selection: fqdn, value: !var backup_host}
      path: /exports/sps
    start_times: ["1:30"]
management/system_backup:
  backup_policy: nightly
management/webinterface:
  timeout: !var web_timeout
management/soap:
  enabled: true
management/splunk_forwarder:
  enabled: true
  flush_interval: 600
  host: {selection: fqdn, value: splunk.example.com}
  pam_address: {selection: fqdn, value: !var appliance_name}
  port: 8088
  ssl: {selection: insecure}
  token: !secret env:SPS_FLEET_SPLUNK_TOKEN
)yaml";
    // The DR overlay: its own web timeout (whole resource), SOAP no longer managed.
    std::ofstream(m_dir / "state" / "dr" / "dr.yaml") << R"yaml(
management/webinterface:
  timeout: 60
sps-apply:
  remove: [management/soap]
)yaml";
    std::ostringstream inventory;
    inventory << "vars: {web_timeout: 30}\nappliances:\n";
    for (std::size_t i = 0; i < kAppliances; ++i) {
      const bool dr = i >= 8;
      inventory << "  - name: " << name_of(i) << "\n    url: " << m_sims[i]->url() << "\n    ca_file: ca-" << i
                << ".pem\n    groups: [" << (dr ? "dr" : "prod") << "]\n    desired: [state/base"
                << (dr ? ", state/dr" : "") << "]\n    vars: {backup_host: backup-" << i + 1 << ".example.com}\n";
      if (i == kAppliances - 1) inventory << "    credentials: {password_env: SPS_DR_PASSWORD}\n";
    }
    std::ofstream(m_dir / "inventory.yaml") << inventory.str();
    m_inventory = (m_dir / "inventory.yaml").string();
  }

  void TearDown() override {
    for (auto& s : m_sims) s->stop();
    ::unsetenv("SPS_DR_PASSWORD");
    std::error_code ignored;
    fs::remove_all(m_dir, ignored);
  }

  /// Runs sps-apply with --inventory; fails the test when the secret shows in its output.
  CliRun fleet(std::vector<std::string> args) const {
    args.insert(args.begin() + 1, {"--inventory", m_inventory});
    CliRun r = run_cli(args);
    EXPECT_EQ(r.all().find(kToken), std::string::npos) << r.all();
    return r;
  }

  fs::path m_dir;
  std::string m_inventory;
  std::vector<std::unique_ptr<sim::Simulator>> m_sims;
};

TEST_F(FleetTest, PlansAppliesInWavesStopsOrContinuesOnFailureAndConverges) {
  CliRun r = fleet({"validate"});
  ASSERT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.out.find("the desired states of 10 appliances are valid"), std::string::npos) << r.out;

  // A missing credential fails its appliance before anything starts; with --max-failed 0
  // no appliance is started, so no transaction is opened anywhere.
  r = fleet({"apply", "--auto-approve"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.err.find("sps-10: error: no password: SPS_DR_PASSWORD is not set"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("Not started: sps-01, sps-02"), std::string::npos) << r.out;
  for (const auto& s : m_sims) EXPECT_FALSE(opened_transaction(*s));

  // Plan every appliance, saving the plans: sps-10 fails alone (exit 1 wins over 2).
  const fs::path plans = m_dir / "plans";
  r = fleet({"plan", "--out", plans.string(), "--detailed-exitcode", "--max-parallel", "4"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.out.find("sps-10"), std::string::npos);
  EXPECT_NE(r.out.find("no password given"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Fleet plan: 10 appliances: 9 changes, 1 failed."), std::string::npos) << r.out;
  const json::value index = json::parse(read_text(plans / "index.json"));
  ASSERT_EQ(index.at("appliances").as_array().size(), 9u);
  EXPECT_EQ(index.at("appliances").at(0).at("plan_file"), json::value("sps-01.json"));
  EXPECT_TRUE(fs::exists(plans / "sps-09.json"));
  EXPECT_FALSE(fs::exists(plans / "sps-10.json"));
  for (std::size_t i = 0; i < 9; ++i) EXPECT_FALSE(opened_transaction(*m_sims[i]));  // plan is read-only

  // A partial plan of the fleet: every appliance plans only the selection, and says so; the
  // saved plans carry their own selection, so apply refuses another one before any login.
  r = fleet({"plan", "--target", "management/webinterface", "--limit", "sps-01", "--format", "json"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.err.find("warning: on every appliance: the plan is partial"), std::string::npos) << r.err;
  EXPECT_EQ(json::parse(r.out).at("appliances").at(0).at("update"), json::value(1)) << r.out;
  EXPECT_EQ(json::parse(r.out).at("appliances").at(0).at("create"), json::value(0)) << r.out;
  r = fleet({"apply", plans.string(), "--auto-approve", "--exclude", "management/soap"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.err.find("the saved plans in " + plans.string() + " carry their own selection"), std::string::npos)
      << r.err;
  for (std::size_t i = 0; i < 9; ++i) EXPECT_FALSE(opened_transaction(*m_sims[i]));

  // Apply the saved plans of prod one at a time, a fault on sps-03's web interface write:
  // sps-03 rolls back, the first failure stops the fleet, sps-01 and sps-02 stay committed.
  sim::Fault fault;
  fault.method = "PUT";
  fault.path = "/api/configuration/management/webinterface";
  fault.status = 500;
  m_sims[2]->add_fault(fault);
  r = fleet({"apply", plans.string(), "--auto-approve", "--limit", "prod", "--max-parallel", "1"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.out.find("Committed (these stay committed): sps-01, sps-02."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Not started: sps-04, sps-05, sps-06, sps-07, sps-08 (sps-03 failed and --max-failed is 0)"),
            std::string::npos) << r.out;
  EXPECT_NE(r.err.find("[3/8] sps-03: rolled-back"), std::string::npos) << r.err;
  EXPECT_EQ(m_sims[0]->committed_body("management/webinterface")->at("timeout"), json::value(30));
  EXPECT_EQ(m_sims[2]->committed_body("management/webinterface")->at("timeout"), json::value(20));  // the seed's
  EXPECT_FALSE(m_sims[2]->transaction_open());
  for (std::size_t i = 3; i < 8; ++i) EXPECT_FALSE(opened_transaction(*m_sims[i])) << name_of(i);

  // A saved plan is exactly what was reviewed: sps-01's changed appliance makes its plan stale.
  r = fleet({"apply", plans.string(), "--auto-approve", "--limit", "sps-01"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.out.find("stale"), std::string::npos) << r.out;

  // From the desired state, continuing past failures (--max-failed 1), every report format.
  ::setenv("SPS_DR_PASSWORD", "admin", 1);
  const fs::path json_report = m_dir / "fleet.json";
  const fs::path junit_report = m_dir / "fleet.xml";
  const fs::path markdown_report = m_dir / "fleet.md";
  r = fleet({"apply", "--auto-approve", "--max-failed", "1", "--fleet-report", "json=" + json_report.string(),
             "--fleet-report", "junit=" + junit_report.string(), "--fleet-report",
             "markdown=" + markdown_report.string()});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.out.find("Fleet apply: 10 appliances: 2 nothing-to-do, 1 rolled-back, 7 applied."), std::string::npos)
      << r.out;
  const std::string json_text = read_text(json_report);
  for (const auto& file : {json_report, junit_report, markdown_report}) {
    EXPECT_EQ(read_text(file).find(kToken), std::string::npos) << file;
    EXPECT_EQ(fs::status(file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write) << file;
  }
  expect_valid_fleet_json(json_text);
  const json::value report = json::parse(json_text);
  EXPECT_EQ(report.at("exit_code"), json::value(1));
  EXPECT_EQ(report.at("appliances").at(2).at("result"), json::value("rolled-back"));
  EXPECT_EQ(report.at("appliances").at(3).at("result"), json::value("applied"));
  EXPECT_EQ(report.at("appliances").at(3).at("create"), json::value(1));
  const std::string markdown = read_text(markdown_report);
  EXPECT_NE(markdown.find("### sps-03: rolled-back"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("### sps-04: applied"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("<summary>In sync or not started: sps-01, sps-02</summary>"), std::string::npos) << markdown;
  if (std::system("xmllint --version >/dev/null 2>&1") == 0) {
    const std::string xsd = std::string(SPS_SOURCE_DIR) + "/tests/drift/junit.xsd";
    const std::string log = (m_dir / "xmllint.log").string();
    EXPECT_EQ(std::system(("xmllint --noout --schema '" + xsd + "' '" + junit_report.string() + "' >'" + log + "' 2>&1")
                              .c_str()),
              0)
        << read_text(log);
    const std::string xml = read_text(junit_report);
    EXPECT_NE(xml.find("<testsuite name=\"sps-03\" tests=\"1\" failures=\"0\" errors=\"1\""), std::string::npos) << xml;
  } else {
    ADD_FAILURE() << "xmllint not found: install Debian's libxml2-utils (scripts/setup-deps)";
  }

  // Overlays and variables made each appliance's own bodies: its backup server, the DR
  // timeout, SOAP left alone on DR (removed from its desired state).
  const auto backup_server = [&](std::size_t i) {
    const json::value policies = m_sims[i]->committed_snapshot().at("policies/backup_policies");
    for (const auto& item : policies.at("items").as_array()) {
      if (item.at("body").at("name") == json::value("nightly")) return item.at("body").at("target").at("server");
    }
    return json::value();
  };
  EXPECT_EQ(backup_server(3), json::parse(R"({"selection": "fqdn", "value": "backup-4.example.com"})"));
  EXPECT_EQ(backup_server(9), json::parse(R"({"selection": "fqdn", "value": "backup-10.example.com"})"));
  EXPECT_EQ(m_sims[3]->committed_body("management/webinterface")->at("timeout"), json::value(30));
  EXPECT_EQ(m_sims[9]->committed_body("management/webinterface")->at("timeout"), json::value(60));
  EXPECT_EQ(m_sims[9]->committed_body("management/soap")->at("enabled"), json::value(false));  // the seed's
  EXPECT_EQ(m_sims[3]->committed_body("management/soap")->at("enabled"), json::value(true));
  EXPECT_EQ(m_sims[3]->committed_body("management/splunk_forwarder")->at("pam_address").at("value"),
            json::value("sps-04"));

  // Without the fault the fleet converges; drift then finds every appliance in sync.
  m_sims[2]->clear_faults();
  r = fleet({"apply", "--auto-approve", "--limit", "sps-03"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  r = fleet({"plan", "--detailed-exitcode", "--format", "json"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  expect_valid_fleet_json(r.out);
  r = fleet({"drift", "--format", "junit"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_NE(r.out.find("tests=\"10\" failures=\"0\" errors=\"0\""), std::string::npos) << r.out;

  // One appliance per run (--index, as the pods of an Indexed Job), then report merge: the
  // combined report of both, in the order given; an appliance twice is refused.
  const fs::path first = m_dir / "r0.json";
  const fs::path second = m_dir / "r9.json";
  r = fleet({"drift", "--index", "0", "--fleet-report", "json=" + first.string()});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  r = fleet({"drift", "--index", "9", "--fleet-report", "json=" + second.string()});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  r = run_cli({"report", "merge", first.string(), second.string(), "--format", "json"});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  expect_valid_fleet_json(r.out);
  const json::value merged = json::parse(r.out);
  ASSERT_EQ(merged.at("appliances").as_array().size(), 2u);
  EXPECT_EQ(merged.at("appliances").at(0).at("name"), json::value("sps-01"));
  EXPECT_EQ(merged.at("appliances").at(1).at("name"), json::value("sps-10"));
  const fs::path merged_file = m_dir / "merged.md";
  r = run_cli({"report", "merge", first.string(), second.string(), "--format", "markdown", "--output",
               merged_file.string()});
  EXPECT_EQ(r.code, cli::kExitOk) << r.all();
  EXPECT_EQ(fs::status(merged_file).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(plans / "index.json").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  r = run_cli({"report", "merge", first.string(), first.string()});
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("appliance sps-01 is in"), std::string::npos) << r.err;
  r = fleet({"drift", "--index", "10"});
  EXPECT_EQ(r.code, cli::kExitError);
  EXPECT_NE(r.err.find("--index 10: the selection has 10 appliances"), std::string::npos) << r.err;
}

// Central Management: one inventory of three clusters (all managed hosts take the commit;
// one host never does and one expected host is not listed; one host takes it with a
// warning), a managed host, and a standalone node wrongly marked as a cluster. One fleet
// apply with short waits checks every outcome and every report format.
class ClusterFleetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("sps-cluster-test-" + std::to_string(::getpid()));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "state");
    std::ofstream(m_dir / "state" / "web.yaml") << "management/webinterface:\n  timeout: 45\n";
    const auto start = [&](sim::Options options) {
      options.rng_seed = 7 + m_sims.size();
      options.ca_out = (m_dir / ("ca-" + std::to_string(m_sims.size()) + ".pem")).string();
      m_sims.push_back(std::make_unique<sim::Simulator>(std::move(options)));
      auto started = m_sims.back()->start();
      ASSERT_TRUE(started) << started.error().message;
    };
    sim::Options converging;
    converging.cluster_nodes = sim::cluster_of(2);
    converging.cluster_sync_delay = std::chrono::milliseconds(100);
    start(converging);
    sim::Options stuck;
    stuck.cluster_nodes = sim::cluster_of(2);
    ASSERT_TRUE(sim::apply_fault_spec("cluster-never-syncs=node-2.cluster.example", stuck));
    start(stuck);
    sim::Options issues;
    issues.cluster_nodes = sim::cluster_of(2);
    ASSERT_TRUE(sim::apply_fault_spec("cluster-issue=node-1.cluster.example", issues));
    start(issues);
    sim::Options managed;
    managed.roles = {"managed-host"};
    start(managed);
    start(sim::Options{});
    std::ostringstream inventory;
    inventory << "appliances:\n";
    const char* names[] = {"cm-ok", "cm-stuck", "cm-issues", "managed", "standalone"};
    const char* clusters[] = {"{nodes: [node-1.cluster.example, node-2.cluster.example]}",
                              "{nodes: [node-1.cluster.example, node-9.cluster.example]}", "{}", "", "{}"};
    for (std::size_t i = 0; i < m_sims.size(); ++i) {
      inventory << "  - name: " << names[i] << "\n    url: " << m_sims[i]->url() << "\n    ca_file: ca-" << i
                << ".pem\n    desired: [state]\n";
      if (*clusters[i] != '\0') inventory << "    cluster: " << clusters[i] << "\n";
    }
    std::ofstream(m_dir / "inventory.yaml") << inventory.str();
    ::setenv("SPS_USERNAME", "admin", 1);
    ::setenv("SPS_PASSWORD", "admin", 1);
    for (const char* v : {"SPS_URL", "SPS_CA_FILE"}) ::unsetenv(v);
  }

  void TearDown() override {
    for (auto& s : m_sims) s->stop();
    std::error_code ignored;
    fs::remove_all(m_dir, ignored);
  }

  fs::path m_dir;
  std::vector<std::unique_ptr<sim::Simulator>> m_sims;
};

TEST_F(ClusterFleetTest, WaitsForManagedHostsReportsTheOnesNotInSyncAndRefusesManagedHosts) {
  const fs::path json_report = m_dir / "fleet.json";
  const fs::path junit_report = m_dir / "fleet.xml";
  const fs::path markdown_report = m_dir / "fleet.md";
  const CliRun r = run_cli({"apply", "--inventory", (m_dir / "inventory.yaml").string(), "--auto-approve",
                            "--max-failed", "5", "--max-parallel", "5", "--cluster-sync-timeout", "1s",
                            "--cluster-poll-interval", "40ms", "--fleet-report", "json=" + json_report.string(),
                            "--fleet-report", "junit=" + junit_report.string(), "--fleet-report",
                            "markdown=" + markdown_report.string()});
  // A cluster not in sync is for a person to look at (3), worse than the refused entries (1).
  EXPECT_EQ(r.code, cli::kExitAttention) << r.all();
  EXPECT_NE(r.out.find("Fleet apply: 5 appliances: 3 applied, 2 failed."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Cluster not in sync (a person must look): cm-stuck, cm-issues."), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cm-ok: Cluster in sync: all 2 managed hosts took the commit"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("node-2.cluster.example: last updated its configuration at "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("node-9.cluster.example: not listed by GET /api/cluster/status"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("warning: Connection 'simple_ssh_connection' and local service 'SSH' conflict on "
                       "10.30.42.42:22 (/api/configuration/ssh/connections/12345, "
                       "/api/configuration/local_services/ssh)"),
            std::string::npos) << r.out;
  // Every cluster's commit stays committed; the wrong entries never opened a transaction.
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(m_sims[i]->committed_body("management/webinterface")->at("timeout"), json::value(45)) << i;
  }
  for (std::size_t i = 3; i < 5; ++i) EXPECT_FALSE(opened_transaction(*m_sims[i])) << i;

  const std::string json_text = read_text(json_report);
  expect_valid_fleet_json(json_text);
  const json::value report = json::parse(json_text);
  const auto& appliances = report.at("appliances").as_array();
  const auto sync = [&](std::size_t i) { return appliances.at(i).at("cluster_sync"); };
  EXPECT_EQ(sync(0).at("state"), json::value("in-sync"));
  EXPECT_EQ(sync(0).at("in_sync"), json::value(2));
  EXPECT_EQ(appliances.at(0).at("exit_code"), json::value(0));
  EXPECT_EQ(sync(1).at("state"), json::value("not-in-sync"));
  EXPECT_GT(sync(1).at("polls").as_int64(), 1);  // it looked again until the timeout
  EXPECT_EQ(sync(1).at("missing"), json::parse(R"(["node-9.cluster.example"])"));
  EXPECT_EQ(sync(1).at("nodes").at(1).at("sync_status"), json::value("pending"));
  EXPECT_EQ(appliances.at(1).at("result"), json::value("applied"));  // the commit itself is proven
  EXPECT_EQ(appliances.at(1).at("exit_code"), json::value(3));
  EXPECT_EQ(sync(2).at("state"), json::value("issues"));
  EXPECT_EQ(sync(2).at("polls"), json::value(1));  // every host took the commit: nothing to wait for
  EXPECT_EQ(sync(2).at("nodes").at(0).at("warnings").at(0).at("paths").at(0),
            json::value("/api/configuration/ssh/connections/12345"));
  EXPECT_NE(appliances.at(3).at("error").as_string().find("managed host of Central Management"), std::string::npos)
      << appliances.at(3);
  EXPECT_NE(appliances.at(4).at("error").as_string().find("without central-management"), std::string::npos)
      << appliances.at(4);
  // The apply result inside carries the same document, valid against its own schema.
  const json::value schema = json::parse(read_text(fs::path(SPS_SOURCE_DIR) / "schemas/output/apply-result.schema.json"));
  auto validator = schema::Validator::compile(schema);
  ASSERT_TRUE(validator) << validator.error().message;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(appliances.at(i).at("details").at("cluster_sync"), sync(i));
    for (const auto& e : validator->validate(appliances.at(i).at("details"))) {
      ADD_FAILURE() << i << e.instance_pointer << ": " << e.message;
    }
  }
  EXPECT_NE(appliances.at(1).at("log").as_string().find("sps-apply: cluster sync, look 2: "), std::string::npos);

  const std::string markdown = read_text(markdown_report);
  EXPECT_NE(markdown.find("#### Cluster sync: issues"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("* node-2.cluster.example: "), std::string::npos) << markdown;
  const std::string xml = read_text(junit_report);
  EXPECT_NE(xml.find("<testsuite name=\"cm-stuck\" tests=\"2\" failures=\"1\" errors=\"0\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure type=\"cluster-issues\""), std::string::npos) << xml;
  if (std::system("xmllint --version >/dev/null 2>&1") == 0) {
    const std::string xsd = std::string(SPS_SOURCE_DIR) + "/tests/drift/junit.xsd";
    EXPECT_EQ(std::system(("xmllint --noout --schema '" + xsd + "' '" + junit_report.string() + "' >/dev/null 2>&1").c_str()), 0)
        << xml;
  }
}

}  // namespace
}  // namespace sps::testing
