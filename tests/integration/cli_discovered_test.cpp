// Discovered kinds (paths without a schema file) against an in-process sps-sim over TLS: for
// each shape (a collection with references, a nested singleton, a scalar body, an array body),
// a body another administrator put on the appliance, written the same way in YAML, plans
// empty; one changed field plans exit 2 naming it; a misspelt field is an error before any
// write. Apply creates a connection policy with its own new channel and time policies in one
// transaction, and `export --all` of the whole appliance plans empty without a secret value.
#include "cli/exit_codes.h"
#include "core/json_pointer.h"
#include "support/cli_runner.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sps::testing {
namespace {
namespace fs = std::filesystem;
namespace json = boost::json;

// Telnet policies follow the pattern the SSH and RDP pages document (connections referring to
// channel policies, whose rules refer to time policies). No schema covers them, so they stay
// discovered kinds however many kinds get curated. The appliance already has one connection
// policy, in the read form the API renders.
constexpr const char* kTelnetChannelPolicies = R"({"items": [{"key": "-20000", "body": {"name": "all", "rules": [
    {"channel": "session-shell", "actions": {"audit": true, "four_eyes": false, "ids": false},
     "clients": [], "targets": [], "allowed_for": {"gateway_groups": [], "remote_groups": []},
     "time_policy": {"key": "-100", "meta": {"href": "/api/configuration/policies/time_policies/-100"}}}]}}]})";
constexpr const char* kTelnetConnections = R"({"items": [{"key": "5f1e0a9b3c7d2e4f6a8b0c", "body": {
    "name": "legacy-admins", "active": true,
    "network": {"clients": ["10.1.0.0/16"], "targets": ["10.2.0.10"], "ports": [23]},
    "policies": {"channel_policy": {"key": "-20000", "meta": {"href": "/api/configuration/telnet/channel_policies/-20000"}}}}}]})";

class DiscoveredKindTest : public CliFixture {
 protected:
  /// The default seed plus the telnet policies above.
  sim::Options sim_options() const override {
    sim::Options options = CliFixture::sim_options();
    const fs::path seed = temp_dir() / "seed";
    fs::copy(fs::path(SPS_SOURCE_DIR) / "sim" / "seed", seed, fs::copy_options::recursive);
    fs::create_directories(seed / "telnet");
    std::ofstream(seed / "telnet" / "channel_policies.json") << kTelnetChannelPolicies;
    std::ofstream(seed / "telnet" / "connections.json") << kTelnetConnections;
    // Telnet options, shaped like the documented SSH options singleton (nested objects, a union).
    std::ofstream(seed / "telnet" / "options.json")
        << R"({"key": "options", "body": {"audit": {"timestamping": {"selection": "local", "signing_interval": 30}},
              "service": {"enabled": true, "log_level": 4}}})";
    // A scalar-bodied path of the tests' own: datetime/timezone, the default seed's
    // documented scalar, is a curated kind.
    std::ofstream(seed / "management" / "banner.json") << R"({"key": "banner", "body": "Authorized use only"})";
    options.seed_dir = seed.string();
    return options;
  }

  void TearDown() override {
    for (const auto& name : m_set) ::unsetenv(name.c_str());
    CliFixture::TearDown();
  }

  /// Writes `yaml` as the only file of a desired-state directory and returns the directory.
  std::string desired(const std::string& name, const std::string& yaml) {
    const fs::path dir = temp_dir() / name;
    fs::create_directories(dir);
    std::ofstream(dir / "state.yaml") << yaml;
    return dir.string();
  }

  CliRun plan(const std::string& dir) {
    sim().clear_journal();
    return run_with_sim({"plan", dir, "--detailed-exitcode"});
  }

  /// The run only read: no transaction, no write.
  void expect_only_reads() {
    // Reads, and the logout that ends the session.
    for (const auto& e : sim().journal()) {
      EXPECT_TRUE(e.method == "GET" || e.method + " " + e.path == "DELETE /api/authentication") << e.to_string();
    }
  }

  void setenv_for_test(const std::string& name, const std::string& value) {
    ::setenv(name.c_str(), value.c_str(), 1);
    m_set.push_back(name);
  }

  std::vector<std::string> m_set;
};

constexpr const char* kConnectionYaml = R"yaml(telnet/connections:
  - name: legacy-admins
    active: true
    network:
      clients: [10.1.0.0/16]
      targets: [10.2.0.10]
      ports: [23]
    policies:
      channel_policy: all            # a reference, by name
)yaml";

TEST_F(DiscoveredKindTest, CollectionWithReferencesPlansEmptyThenNamesAChangedField) {
  const CliRun same = plan(desired("same", kConnectionYaml));
  EXPECT_EQ(same.code, cli::kExitOk) << same.all();
  std::string changed_yaml = kConnectionYaml;
  changed_yaml.replace(changed_yaml.find("active: true"), 12, "active: false");
  const CliRun changed = plan(desired("changed", changed_yaml));
  EXPECT_EQ(changed.code, cli::kExitChanges) << changed.all();
  EXPECT_NE(changed.out.find("telnet/connections[legacy-admins]"), std::string::npos) << changed.out;
  EXPECT_NE(changed.out.find("~ active: true -> false"), std::string::npos) << changed.out;
  EXPECT_EQ(changed.out.find("network"), std::string::npos) << changed.out;  // only the changed field
  expect_only_reads();
}

TEST_F(DiscoveredKindTest, MisspeltFieldIsAnErrorBeforeAnyWrite) {
  std::string typo = kConnectionYaml;
  typo.replace(typo.find("active: true"), 12, "activ: true");
  const std::string dir = desired("typo", typo);
  sim().clear_journal();
  const CliRun r = run_with_sim({"apply", dir, "--auto-approve"});
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.err.find("state.yaml:3:5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\"activ\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the appliance has: active, name, network, policies"), std::string::npos) << r.err;
  expect_only_reads();
}

TEST_F(DiscoveredKindTest, NestedSingletonPlansEmptyThenNamesAChangedFieldAndCatchesATypo) {
  // The SNMP trap page's sample: a union (version) whose value nests another union (server).
  // The kind is curated now: its community is an inline secret.
  setenv_for_test("SPS_TEST_SNMP_COMMUNITY", "ops-community");
  ASSERT_TRUE(sim().out_of_band_replace("management/snmp/trap", json::parse(R"({"enabled": true,
      "version": {"selection": "2c", "value": {"community": "ops-community",
                  "server": {"selection": "ip", "value": "192.0.2.50"}}}})")));
  const std::string yaml = R"yaml(management/snmp/trap:
  enabled: true
  version:
    selection: "2c"
    value:
      community: !secret env:SPS_TEST_SNMP_COMMUNITY
      server: {selection: ip, value: 192.0.2.50}
)yaml";
  const CliRun same = plan(desired("same", yaml));
  EXPECT_EQ(same.code, cli::kExitOk) << same.all();
  std::string changed_yaml = yaml;
  changed_yaml.replace(changed_yaml.find("192.0.2.50"), 10, "192.0.2.51");
  const CliRun changed = plan(desired("changed", changed_yaml));
  EXPECT_EQ(changed.code, cli::kExitChanges) << changed.all();
  EXPECT_NE(changed.out.find("~ version.value.server.value: \"192.0.2.50\" -> \"192.0.2.51\""), std::string::npos) << changed.out;
  std::string typo = yaml;
  typo.replace(typo.find("community:"), 10, "comunity:");
  const CliRun misspelt = plan(desired("typo", typo));
  EXPECT_EQ(misspelt.code, cli::kExitError) << misspelt.all();
  EXPECT_NE(misspelt.err.find("state.yaml:6:7"), std::string::npos) << misspelt.err;
  EXPECT_NE(misspelt.err.find("comunity"), std::string::npos) << misspelt.err;
  expect_only_reads();
}

TEST_F(DiscoveredKindTest, NestedDiscoveredSingletonPlansEmptyThenNamesAChangedFieldAndCatchesATypo) {
  ASSERT_TRUE(sim().out_of_band_replace("telnet/options", json::parse(R"({
      "audit": {"timestamping": {"selection": "local", "signing_interval": 60}}, "service": {"enabled": true, "log_level": 5}})")));
  const std::string yaml = R"yaml(telnet/options:
  audit:
    timestamping: {selection: local, signing_interval: 60}
  service:
    enabled: true
    log_level: 5
)yaml";
  const CliRun same = plan(desired("same", yaml));
  EXPECT_EQ(same.code, cli::kExitOk) << same.all();
  std::string changed_yaml = yaml;
  changed_yaml.replace(changed_yaml.find("log_level: 5"), 12, "log_level: 6");
  const CliRun changed = plan(desired("changed", changed_yaml));
  EXPECT_EQ(changed.code, cli::kExitChanges) << changed.all();
  EXPECT_NE(changed.out.find("~ service.log_level: 5 -> 6"), std::string::npos) << changed.out;
  std::string typo = yaml;
  typo.replace(typo.find("log_level"), 9, "log_levl");
  const CliRun misspelt = plan(desired("typo", typo));
  EXPECT_EQ(misspelt.code, cli::kExitError) << misspelt.all();
  EXPECT_NE(misspelt.err.find("state.yaml:6:5"), std::string::npos) << misspelt.err;
  EXPECT_NE(misspelt.err.find("\"log_levl\" (in /service)"), std::string::npos) << misspelt.err;
  EXPECT_NE(misspelt.err.find("the appliance has: enabled, log_level"), std::string::npos) << misspelt.err;
  expect_only_reads();
}

TEST_F(DiscoveredKindTest, ScalarBodyPlansEmptyThenShowsTheNewValue) {
  ASSERT_TRUE(sim().out_of_band_replace("management/banner", json::value("Keep out")));
  const CliRun same = plan(desired("same", "management/banner: Keep out\n"));
  EXPECT_EQ(same.code, cli::kExitOk) << same.all();
  const CliRun changed = plan(desired("changed", "management/banner: Authorized staff only\n"));
  EXPECT_EQ(changed.code, cli::kExitChanges) << changed.all();
  EXPECT_NE(changed.out.find("management/banner"), std::string::npos) << changed.out;
  EXPECT_NE(changed.out.find("Authorized staff only"), std::string::npos) << changed.out;
  // A mapping where the appliance has a single value is an error at the key.
  const CliRun shape = plan(desired("shape", "management/banner:\n  text: hello\n"));
  EXPECT_EQ(shape.code, cli::kExitError) << shape.all();
  EXPECT_NE(shape.err.find("state.yaml:1:1"), std::string::npos) << shape.err;
  expect_only_reads();
}

TEST_F(DiscoveredKindTest, ArrayBodyPlansEmptyThenNamesAChangedFieldAndCatchesATypo) {
  // network/routing: a singleton whose body is a list of routes (SPS REST API Reference, routing).
  ASSERT_TRUE(sim().out_of_band_replace("network/routing", json::parse(
      R"([{"gateway": "10.0.0.254", "target_network": "192.168.50.0/24"}])")));
  const std::string yaml = "network/routing:\n  - gateway: 10.0.0.254\n    target_network: 192.168.50.0/24\n";
  const CliRun same = plan(desired("same", yaml));
  EXPECT_EQ(same.code, cli::kExitOk) << same.all();
  std::string changed_yaml = yaml;
  changed_yaml.replace(changed_yaml.find("10.0.0.254"), 10, "10.0.0.253");
  const CliRun changed = plan(desired("changed", changed_yaml));
  EXPECT_EQ(changed.code, cli::kExitChanges) << changed.all();
  EXPECT_NE(changed.out.find("~ [0].gateway: \"10.0.0.254\" -> \"10.0.0.253\""), std::string::npos) << changed.out;
  std::string typo = yaml;
  typo.replace(typo.find("gateway"), 7, "gatway");
  const CliRun misspelt = plan(desired("typo", typo));
  EXPECT_EQ(misspelt.code, cli::kExitError) << misspelt.all();
  EXPECT_NE(misspelt.err.find("state.yaml:2:5"), std::string::npos) << misspelt.err;
  EXPECT_NE(misspelt.err.find("gateway, target_network"), std::string::npos) << misspelt.err;
  expect_only_reads();
}

TEST_F(DiscoveredKindTest, DirectoryIsAnErrorListingItsChildren) {
  const CliRun r = plan(desired("dir", "telnet:\n  connections: []\n"));
  EXPECT_EQ(r.code, cli::kExitError) << r.all();
  EXPECT_NE(r.err.find("state.yaml:1:1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("is a directory"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("telnet/channel_policies, telnet/connections"), std::string::npos) << r.err;
  expect_only_reads();
}

TEST_F(DiscoveredKindTest, ApplyCreatesConnectionWithNewChannelAndTimePolicyInOneTransaction) {
  // The existing connection policy shows which fields are references; the new one refers to a
  // new channel policy, whose rule refers to a new time policy. All three are created, the
  // referenced ones first, in one transaction; a re-plan is empty.
  const std::string yaml = std::string(kConnectionYaml) + R"yaml(  - name: vendor-access
    active: true
    network: {clients: [203.0.113.0/24], targets: [10.2.0.20], ports: [23]}
    policies:
      channel_policy: vendor-shell

telnet/channel_policies:
  - name: vendor-shell
    rules:
      - channel: session-shell
        actions: {audit: true, four_eyes: false, ids: false}
        clients: []
        targets: []
        allowed_for: {gateway_groups: [], remote_groups: []}
        time_policy: office-hours

policies/time_policies:
  - name: office-hours
    Mon: [["8:00", "18:00"]]
    Tue: [["8:00", "18:00"]]
    Wed: [["8:00", "18:00"]]
    Thu: [["8:00", "18:00"]]
    Fri: [["8:00", "16:00"]]
    Sat: []
    Sun: []
)yaml";
  const std::string dir = desired("apply", yaml);
  sim().clear_journal();
  const CliRun applied = run_with_sim({"apply", dir, "--auto-approve"});
  ASSERT_EQ(applied.code, cli::kExitOk) << applied.all();
  std::vector<std::string> writes;
  for (const auto& e : sim().journal()) {
    if (e.method != "GET" && e.path != "/api/authentication") writes.push_back(e.method + " " + e.path);
  }
  const std::vector<std::string> expected{
      "POST /api/transaction", "POST /api/configuration/policies/time_policies",
      "POST /api/configuration/telnet/channel_policies", "POST /api/configuration/telnet/connections",
      "PUT /api/transaction"};
  EXPECT_EQ(writes, expected);
  // The connection refers to the channel policy's new key, which refers to the time policy's.
  const json::value snapshot = sim().committed_snapshot();
  const auto key_of = [&](const std::string& kind, const std::string& name) -> std::string {
    for (const auto& item : snapshot.at(kind).at("items").as_array()) {
      if (item.at("body").at("name") == json::value(name)) return std::string(item.at("key").as_string());
    }
    return "none";
  };
  const auto body_of = [&](const std::string& kind, const std::string& name) -> json::value {
    return *sim().committed_body(kind + "/" + key_of(kind, name));
  };
  EXPECT_EQ(body_of("telnet/connections", "vendor-access").at("policies").at("channel_policy"),
            json::value(key_of("telnet/channel_policies", "vendor-shell")));
  EXPECT_EQ(body_of("telnet/channel_policies", "vendor-shell").at("rules").at(0).at("time_policy"),
            json::value(key_of("policies/time_policies", "office-hours")));
  const CliRun again = plan(dir);
  EXPECT_EQ(again.code, cli::kExitOk) << again.all();
}

TEST_F(DiscoveredKindTest, ExportAllThenPlanIsEmptyOnTheDefaultSeedWithoutSecretValues) {
  sim().clear_journal();
  const fs::path out = temp_dir() / "whole";
  const CliRun exported = run_with_sim({"export", "--all", "--out", out.string()});
  ASSERT_EQ(exported.code, cli::kExitOk) << exported.all();
  expect_only_reads();
  std::string all_text = exported.all();
  for (const auto& entry : fs::directory_iterator(out)) {
    std::ifstream in(entry.path());
    std::ostringstream text;
    text << in.rdbuf();
    all_text += text.str();
  }
  // Discovered kinds are exported, read-only ones are skipped with the reason.
  EXPECT_NE(all_text.find("network/routing:"), std::string::npos);
  EXPECT_NE(all_text.find("datetime/timezone:"), std::string::npos);
  EXPECT_NE(all_text.find("management/license"), std::string::npos);
  EXPECT_NE(all_text.find("read-only"), std::string::npos);
  EXPECT_NE(exported.out.find("  passwords: write-only objects"), std::string::npos) << exported.out;
  // The SNMP community of the seed is a credential: a placeholder, never the value.
  auto trap = sim().committed_body("management/snmp/trap");
  ASSERT_TRUE(trap);
  const json::value* community = core::find_pointer(*trap, "/version/value/community");
  ASSERT_NE(community, nullptr);
  EXPECT_EQ(all_text.find("community: " + std::string(community->as_string())), std::string::npos) << all_text;
  // Set the variables the export lists: inline ones to the appliance's value (read out of
  // band), write-only ones to anything (the appliance keeps its objects).
  std::istringstream lines(exported.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("  SPS_")) continue;
    const std::string name = line.substr(2, line.find(' ', 2) - 2);
    const std::string where = line.substr(line.find('(') + 1, line.find(')') - line.find('(') - 1);
    const std::string resource = where.substr(0, where.find(' '));
    const std::string pointer = where.substr(where.find(' ') + 1);
    auto body = sim().committed_body(resource);
    const json::value* value = body ? core::find_pointer(*body, pointer) : nullptr;
    setenv_for_test(name, value != nullptr && value->is_string() ? std::string(value->as_string()) : "any");
  }
  const CliRun again = plan(out.string());
  EXPECT_EQ(again.code, cli::kExitOk) << again.all();
  EXPECT_EQ(again.out.find(std::string(community->as_string())), std::string::npos);
}

}  // namespace
}  // namespace sps::testing
