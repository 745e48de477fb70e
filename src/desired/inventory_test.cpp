// The inventory (parse, validation with file:line:col, selection) and layered desired states
// (overlays, removal, !var), all on inline text: no file is read.
#include "desired/compose.h"
#include "desired/inventory.h"
#include "desired/test_catalog.h"
#include "desired/validate.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace sps::desired {
namespace {
namespace json = boost::json;

/// No secrets at all: the tests below use none, or check that one is not resolved.
class NoSecrets final : public SecretResolver {
 public:
  std::optional<std::string> env(const std::string&) const override { return std::nullopt; }
  core::Result<std::string> read_file(const std::filesystem::path&) const override {
    return core::Error(core::ErrorCode::kInvalidArgument, "no such file");
  }
};

std::string render(const core::Diagnostics& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics.items()) {
    out += d.where.to_string() + ": " + d.message + "\n";
    if (!d.hint.empty()) out += "  hint: " + d.hint + "\n";
  }
  return out;
}

InventoryLoad inventory(const std::string& yaml) { return parse_inventory({"fleet/inventory.yaml", yaml, "fleet"}); }

LoadResult layer(const std::string& name, const std::string& yaml, const Variables* variables = nullptr) {
  const NoSecrets secrets;
  const std::vector<SourceText> sources{{name, yaml, "conf"}};
  return load_desired_sources(sources, testing::test_catalog(), secrets, SecretResolution::kRequired, variables);
}

TEST(InventoryTest, SmallestInventoryWorksAsWrittenWithDefaultsAndPathsRelativeToTheFile) {
  const auto r = inventory(R"yaml(
appliances:
  - name: sps-prod-1
    url: https://sps-prod-1.example.com
    ca_file: ca/prod.pem
    desired: [desired-state/base, desired-state/prod]
)yaml");
  ASSERT_FALSE(r.diagnostics.has_errors()) << render(r.diagnostics);
  ASSERT_EQ(r.inventory.appliances.size(), 1u);
  const ApplianceEntry& a = r.inventory.appliances[0];
  EXPECT_EQ(a.name, "sps-prod-1");
  EXPECT_EQ(a.url, "https://sps-prod-1.example.com");
  EXPECT_EQ(a.ca_file, "fleet/ca/prod.pem");
  ASSERT_EQ(a.desired.size(), 2u);
  EXPECT_EQ(a.desired[0].generic_string(), "fleet/desired-state/base");
  EXPECT_EQ(a.desired[1].generic_string(), "fleet/desired-state/prod");
  EXPECT_EQ(a.credentials.username_env, "SPS_USERNAME");
  EXPECT_EQ(a.credentials.password_env, "SPS_PASSWORD");
  EXPECT_TRUE(a.credentials.password_file.empty());
  EXPECT_EQ(a.variables.at("appliance_name"), json::value("sps-prod-1"));
}

TEST(InventoryTest, ReadsCredentialSourcesGroupsAndVariablesWithTheAppliancesOwnWinning) {
  const auto r = inventory(R"yaml(
vars: {domain: example.com, timeout: 10}
appliances:
  - name: dr-1
    url: https://dr-1.example.com/
    groups: [dr, eu]
    login_method: local
    desired: [/srv/state/base]
    vars: {timeout: 30, hostname: dr-1.example.com}
    credentials: {username: automation, password_file: secrets/dr.pw}
  - name: lab
    url: https://lab.example.com:8443
    desired: [base]
    credentials: {client_pkcs12: certs/lab.p12, key_passphrase_env: LAB_P12_PASS}
)yaml");
  ASSERT_FALSE(r.diagnostics.has_errors()) << render(r.diagnostics);
  const ApplianceEntry& dr = r.inventory.appliances[0];
  EXPECT_EQ(dr.url, "https://dr-1.example.com");
  EXPECT_EQ(dr.groups, (std::vector<std::string>{"dr", "eu"}));
  EXPECT_EQ(dr.login_method, "local");
  EXPECT_EQ(dr.desired[0].generic_string(), "/srv/state/base");
  EXPECT_EQ(dr.credentials.username, "automation");
  EXPECT_EQ(dr.credentials.password_file, "fleet/secrets/dr.pw");
  EXPECT_EQ(dr.variables.at("timeout"), json::value(30));
  EXPECT_EQ(dr.variables.at("domain"), json::value("example.com"));
  EXPECT_EQ(dr.variables.at("hostname"), json::value("dr-1.example.com"));
  const ApplianceEntry& lab = r.inventory.appliances[1];
  EXPECT_EQ(lab.credentials.client_pkcs12, "fleet/certs/lab.p12");
  EXPECT_EQ(lab.credentials.key_passphrase_env, "LAB_P12_PASS");
  EXPECT_EQ(lab.variables.at("timeout"), json::value(10));

  // --limit: names and groups, inventory order, unknown names refused with the known ones.
  const std::vector<std::string> by_group{"eu"};
  auto selected = select_appliances(r.inventory, by_group);
  ASSERT_TRUE(selected);
  ASSERT_EQ(selected->size(), 1u);
  EXPECT_EQ((*selected)[0]->name, "dr-1");
  const std::vector<std::string> both{"lab", "dr"};
  selected = select_appliances(r.inventory, both);
  ASSERT_TRUE(selected);
  ASSERT_EQ(selected->size(), 2u);
  EXPECT_EQ((*selected)[0]->name, "dr-1");
  const std::vector<std::string> typo{"labb"};
  selected = select_appliances(r.inventory, typo);
  ASSERT_FALSE(selected);
  EXPECT_NE(selected.error().message.find("--limit labb"), std::string::npos);
  EXPECT_NE(selected.error().detail.find("did you mean \"lab\""), std::string::npos) << selected.error().detail;
}

TEST(InventoryTest, ReportsEveryProblemAtItsLineAndColumnAndNeverTakesACredentialValue) {
  const auto r = inventory(R"yaml(appliances:
  - name: a
    url: http://a.example.com
    desired: [base]
    credentials:
      password: hunter2-secret
  - name: a
    url: https://b.example.com
    desird: [base]
)yaml");
  const std::string text = render(r.diagnostics);
  EXPECT_NE(text.find("fleet/inventory.yaml:3:5: \"http://a.example.com\" does not match the pattern"), std::string::npos) << text;   // url pattern, located at the key
  EXPECT_NE(text.find("fleet/inventory.yaml:6:7: \"password\": an inventory never holds a password"),
            std::string::npos) << text;
  EXPECT_NE(text.find("password_env: VARIABLE or password_file: PATH"), std::string::npos) << text;
  EXPECT_NE(text.find("fleet/inventory.yaml:9:5: unknown field \"desird\""), std::string::npos) << text;
  EXPECT_NE(text.find("missing required field \"desired\""), std::string::npos) << text;
  EXPECT_EQ(text.find("hunter2-secret"), std::string::npos) << text;

  const auto dup = inventory(R"yaml(appliances:
  - {name: a, url: "https://a", desired: [x], groups: [b]}
  - {name: b, url: "https://b", desired: [x], credentials: {password_env: P, password_file: f}}
  - {name: a, url: "https://c", desired: [x], vars: {appliance_name: z}}
)yaml");
  const std::string dups = render(dup.diagnostics);
  EXPECT_NE(dups.find("inventory.yaml:4:6: duplicate appliance \"a\": already listed at fleet/inventory.yaml:2:6"),
            std::string::npos) << dups;
  EXPECT_NE(dups.find("group \"b\" has the name of an appliance"), std::string::npos) << dups;
  EXPECT_NE(dups.find("\"password_env\" and \"password_file\" exclude each other"), std::string::npos) << dups;
  EXPECT_NE(dups.find("\"appliance_name\" is defined by sps-apply"), std::string::npos) << dups;

  const auto tagged = inventory("appliances:\n  - {name: a, url: \"https://a\", desired: [x], vars: {p: !secret env:X}}\n");
  EXPECT_NE(render(tagged.diagnostics).find("2:57: !secret is not allowed in this file"), std::string::npos)
      << render(tagged.diagnostics);
}

TEST(InventoryTest, AClusterEntryNamesItsManagedHostsAndWrongShapesAreLocated) {
  const auto r = inventory(R"yaml(appliances:
  - name: prod-cluster
    url: https://sps-cm.example.com
    desired: [base]
    cluster: {nodes: [sps-node-1.example.com, sps-node-2.example.com]}
  - name: lab-cluster
    url: https://sps-lab.example.com
    desired: [base]
    cluster: {}
  - {name: single, url: "https://sps-1.example.com", desired: [base]}
)yaml");
  ASSERT_FALSE(r.diagnostics.has_errors()) << render(r.diagnostics);
  ASSERT_EQ(r.inventory.appliances.size(), 3u);
  EXPECT_TRUE(r.inventory.appliances[0].cluster);
  EXPECT_EQ(r.inventory.appliances[0].cluster_nodes,
            (std::vector<std::string>{"sps-node-1.example.com", "sps-node-2.example.com"}));
  EXPECT_TRUE(r.inventory.appliances[1].cluster);
  EXPECT_TRUE(r.inventory.appliances[1].cluster_nodes.empty());
  EXPECT_FALSE(r.inventory.appliances[2].cluster);

  const auto bad = inventory(R"yaml(appliances:
  - name: a
    url: https://a.example.com
    desired: [base]
    cluster:
      nodes: sps-node-1
      central: https://b.example.com
)yaml");
  const std::string text = render(bad.diagnostics);
  EXPECT_NE(text.find("fleet/inventory.yaml:6:7: "), std::string::npos) << text;  // nodes is not a list
  EXPECT_NE(text.find("fleet/inventory.yaml:7:7: unknown field \"central\""), std::string::npos) << text;
}

TEST(ComposeLayersTest, LaterLayerReplacesWholeResourcesAndRemovesByAddress) {
  std::vector<LoadResult> layers;
  layers.push_back(layer("base/a.yaml", R"yaml(
policies/backup_policies:
  - name: nightly
    start_times: ["1:30"]
    target: {type: nfs}
  - name: weekly
    start_times: ["2:30"]
management/splunk_forwarder:
  enabled: true
  port: 8088
sps-apply:
  prune: [policies/backup_policies]
)yaml"));
  layers.push_back(layer("prod/b.yaml", R"yaml(
policies/backup_policies:
  - name: nightly
    start_times: ["3:00"]
sps-apply:
  remove:
    - policies/backup_policies[weekly]
    - management/splunk_forwarder
  ignore:
    - policies/backup_policies[nightly]/start_times
)yaml"));
  const LoadResult composed = compose_layers(std::move(layers));
  ASSERT_FALSE(composed.diagnostics.has_errors()) << render(composed.diagnostics);
  ASSERT_EQ(composed.state.resources.size(), 1u);
  const model::Resource& nightly = composed.state.resources[0];
  EXPECT_EQ(nightly.address.to_string(), "policies/backup_policies[nightly]");
  // Whole: the base's target is gone, not merged in.
  EXPECT_EQ(nightly.body, json::parse(R"({"name": "nightly", "start_times": ["3:00"]})"));
  EXPECT_EQ(nightly.location_of("/start_times").to_string(), "prod/b.yaml:4:5");
  EXPECT_TRUE(composed.state.settings.prune.contains("policies/backup_policies"));
  EXPECT_EQ(composed.state.settings.ignore.size(), 1u);
  EXPECT_TRUE(composed.removals.empty());
  EXPECT_EQ(composed.state.files, (std::vector<std::string>{"base/a.yaml", "prod/b.yaml"}));
}

TEST(ComposeLayersTest, RemovalOfNothingOrOfItsOwnDeclarationOrInTheBaseIsAnErrorAtTheEntry) {
  std::vector<LoadResult> layers;
  layers.push_back(layer("base/a.yaml", "management/splunk_forwarder: {enabled: true}\nsps-apply:\n  remove: [x]\n"));
  layers.push_back(layer("dr/b.yaml", R"yaml(
management/splunk_forwarder: {enabled: false}
sps-apply:
  remove:
    - policies/backup_policies[nightly]
    - management/splunk_forwarder
)yaml"));
  const std::string text = render(compose_layers(std::move(layers)).diagnostics);
  EXPECT_NE(text.find("base/a.yaml:3:12: \"remove\" in the base of a desired list has nothing to remove"),
            std::string::npos) << text;
  EXPECT_NE(text.find("dr/b.yaml:5:7: nothing to remove: no earlier directory of the desired list declares "
                      "\"policies/backup_policies[nightly]\""),
            std::string::npos) << text;
  EXPECT_NE(text.find("dr/b.yaml:6:7: management/splunk_forwarder is removed and declared in the same directory"),
            std::string::npos) << text;
}

TEST(VariablesTest, VarTakesTheInventorysTypedValueAndUnknownNamesAreLocated) {
  const Variables vars{{"hostname", json::value("splunk.dr.example.com")}, {"splunk_port", json::value(8089)}};
  const LoadResult ok = layer("base/f.yaml", R"yaml(
management/splunk_forwarder:
  port: !var splunk_port
  host: {selection: fqdn, value: !var hostname}
)yaml", &vars);
  ASSERT_FALSE(ok.diagnostics.has_errors()) << render(ok.diagnostics);
  EXPECT_EQ(ok.state.resources.at(0).body,
            json::parse(R"({"port": 8089, "host": {"selection": "fqdn", "value": "splunk.dr.example.com"}})"));

  const LoadResult unknown = layer("base/f.yaml", "management/splunk_forwarder:\n  port: !var splunk_prot\n", &vars);
  EXPECT_NE(render(unknown.diagnostics).find("base/f.yaml:2:9: unknown variable \"splunk_prot\"\n  hint: did you mean "
                                             "\"splunk_port\"?"),
            std::string::npos) << render(unknown.diagnostics);
  const LoadResult none = layer("base/f.yaml", "management/splunk_forwarder:\n  port: !var splunk_port\n");
  EXPECT_NE(render(none.diagnostics).find("base/f.yaml:2:9: !var splunk_port: no variables are defined here"),
            std::string::npos) << render(none.diagnostics);

  // A variable is plain configuration, never a secret: in a secret field it is refused as a
  // plain-text secret, and its value is not quoted.
  const Variables token{{"token", json::value("plain-token-value")}};
  LoadResult leak = layer("base/f.yaml", "management/splunk_forwarder:\n  token: !var token\n", &token);
  ASSERT_FALSE(leak.diagnostics.has_errors()) << render(leak.diagnostics);
  const std::string problems = render(validate_desired(leak.state, testing::test_catalog()));
  EXPECT_NE(problems.find("base/f.yaml:2:3: management/splunk_forwarder/token is a secret written in plain text"),
            std::string::npos) << problems;
  EXPECT_EQ(problems.find("plain-token-value"), std::string::npos) << problems;
}

}  // namespace
}  // namespace sps::desired
