#include "desired/validate.h"

#include "desired/loader.h"
#include "desired/test_catalog.h"

#include <gtest/gtest.h>

#include <map>

namespace sps::desired {
namespace {

/// Environment from a fixed map; no files.
class MapSecrets final : public SecretResolver {
 public:
  std::map<std::string, std::string> values;
  std::optional<std::string> env(const std::string& name) const override {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  core::Result<std::string> read_file(const std::filesystem::path&) const override {
    return core::Error(core::ErrorCode::kInvalidArgument, "no such file");
  }
};

// Loads inline YAML (which must load cleanly) and returns validate_desired's output rendered
// as "line:col: message" lines, hints indented below.
std::string validate_text(const std::string& yaml, const MapSecrets& secrets = MapSecrets{}) {
  const std::vector<SourceText> sources{{"a.yaml", yaml, "."}};
  const LoadResult loaded = load_desired_sources(sources, testing::test_catalog(), secrets);
  EXPECT_TRUE(loaded.diagnostics.empty()) << "load failed: " << loaded.diagnostics.items().front().message;
  core::Diagnostics diagnostics = validate_desired(loaded.state, testing::test_catalog());
  diagnostics.sort();
  std::string out;
  for (const auto& d : diagnostics.items()) {
    out += d.where.to_string() + ": " + d.message + "\n";
    if (!d.hint.empty()) out += "  hint: " + d.hint + "\n";
  }
  return out;
}

TEST(ValidateTest, AcceptsValidState) {
  MapSecrets secrets;
  secrets.values["TOKEN"] = "t";
  EXPECT_EQ(validate_text(R"yaml(
policies/backup_policies:
  - name: nightly
    start_times: ["1:30"]
    target: {type: nfs, port: 2049}
management/system_backup:
  backup_policy: nightly
  audit: default
management/splunk_forwarder:
  token: !secret env:TOKEN
local_services/user_web:
  listen:
    - address: nic1.interfaces.abc.addresses.1
      http_port: 80
sps-apply:
  prune: [policies/backup_policies]
  ignore:
    - policies/backup_policies[nightly]/start_times
    - management/splunk_forwarder/port
)yaml",
                          secrets),
            "");
}

TEST(ValidateTest, ReportsUnknownFieldAtItsKeyWithSuggestion) {
  EXPECT_EQ(validate_text("policies/backup_policies:\n  - name: n\n    target:\n      prot: 22\n"),
            "a.yaml:4:7: unknown field \"prot\" in policies/backup_policies[n]/target\n"
            "  hint: did you mean \"port\"?\n");
}

TEST(ValidateTest, ReportsSchemaViolationsAtTheValue) {
  const std::string text = validate_text(R"yaml(policies/backup_policies:
  - name: n
    start_times: ["25h"]
    target: {type: cifs, port: 70000}
)yaml");
  EXPECT_NE(text.find("a.yaml:3:19: policies/backup_policies[n]/start_times/0: "), std::string::npos) << text;
  EXPECT_NE(text.find("a.yaml:4:14: policies/backup_policies[n]/target/type: "), std::string::npos) << text;
  EXPECT_NE(text.find("a.yaml:4:26: policies/backup_policies[n]/target/port: "), std::string::npos) << text;
}

TEST(ValidateTest, ReportsDanglingReferenceWithSuggestion) {
  EXPECT_EQ(validate_text(R"yaml(policies/backup_policies:
  - name: nightly
management/system_backup:
  backup_policy: nightlly
  audit: {key: "-100"}
)yaml"),
            "a.yaml:4:3: dangling reference: management/system_backup/backup_policy names \"nightlly\", which is "
            "not a policies/backup_policies defined in the desired state or built into the appliance\n"
            "  hint: did you mean \"nightly\"?\n");
}

TEST(ValidateTest, AcceptsBuiltinNamesAndDoesNotCheckKeyedTargets) {
  EXPECT_EQ(validate_text(R"yaml(management/system_backup:
  audit: default
local_services/user_web:
  listen: [{address: anything-goes}]
)yaml"),
            "");
}

TEST(ValidateTest, ReportsPlainTextSecretWithoutEchoingIt) {
  const std::string text = validate_text(R"yaml(management/splunk_forwarder:
  token: hunter2-plain
policies/backup_policies:
  - name: smb
    target: {authentication: {password: "s3cr3t-plain"}}
)yaml");
  EXPECT_NE(text.find("a.yaml:2:3: management/splunk_forwarder/token is a secret written in plain text\n"
                      "  hint: write it as !secret env:NAME or !secret file:PATH"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("policies/backup_policies[smb]/target/authentication/password is a secret written in plain text"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("hunter2-plain"), std::string::npos) << text;
  EXPECT_EQ(text.find("s3cr3t-plain"), std::string::npos) << text;
}

TEST(ValidateTest, SchemaErrorOnSecretDoesNotQuoteTheValue) {
  // The test schema wants a password of at least 64 characters; the message must not say
  // which value was too short.
  MapSecrets secrets;
  secrets.values["PW"] = "short-secret-value";
  const std::string text = validate_text(R"yaml(policies/backup_policies:
  - name: smb
    target: {authentication: {password: !secret env:PW}}
)yaml",
                                         secrets);
  EXPECT_NE(text.find("a.yaml:3:31: policies/backup_policies[smb]/target/authentication/password: the secret value "
                      "does not satisfy the schema (minLength)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("short-secret-value"), std::string::npos) << text;
}

TEST(ValidateTest, ReportsUnknownKindsInSettings) {
  EXPECT_EQ(validate_text(R"yaml(sps-apply:
  prune: [policies/backup_policy, management/splunk_forwarder]
  ignore:
    - policies/backup_polices[x]/name
    - managment/splunk_forwarder/port
    - management/splunk_forwarder[x
)yaml"),
            "a.yaml:2:11: unknown kind \"policies/backup_policy\" in sps-apply/prune\n"
            "  hint: did you mean \"policies/backup_policies\"?\n"
            "a.yaml:2:35: \"management/splunk_forwarder\" cannot be pruned: prune applies to collections the desired "
            "state manages\n"
            "a.yaml:4:7: unknown kind \"policies/backup_polices\" in ignore rule \"policies/backup_polices[x]/name\"\n"
            "  hint: did you mean \"policies/backup_policies\"?\n"
            "a.yaml:5:7: unknown kind in ignore rule \"managment/splunk_forwarder/port\"\n"
            "  hint: did you mean \"management/splunk_forwarder\"?\n"
            "a.yaml:6:7: malformed ignore rule \"management/splunk_forwarder[x\"\n"
            "  hint: write kind[name]/json/pointer or kind/json/pointer\n");
}

}  // namespace
}  // namespace sps::desired
