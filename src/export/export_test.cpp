#include "export/export.h"

#include "diff/test_catalog.h"

#include <gtest/gtest.h>

namespace sps::exporter {
namespace {
using testing::live_resource;
using testing::live_state;
using testing::test_catalog;

const ExportedFile* file(const Export& e, const std::string& name) {
  for (const auto& f : e.files) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

TEST(YamlStringTest, QuotesWhatYamlWouldReadAsSomethingElse) {
  struct Case {
    const char* in;
    const char* out;
  };
  const std::vector<Case> cases{
      {"nightly-nfs", "nightly-nfs"},
      {"PROTOCOL/CONNECTION/", "PROTOCOL/CONNECTION/"},
      {"yes", "\"yes\""},
      {"Null", "\"Null\""},
      {"1:30", "\"1:30\""},
      {"3.0", "\"3.0\""},
      {"8088", "\"8088\""},
      {"/exports/sps", "\"/exports/sps\""},
      {"a b", "\"a b\""},
      {"", "\"\""},
      {"say \"hi\"\n", "\"say \\\"hi\\\"\\n\""},
      {"@order", "\"@order\""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.in);
    EXPECT_EQ(yaml_string(c.in), c.out);
  }
}

TEST(SecretVariableTest, NamesKindItemAndField) {
  EXPECT_EQ(secret_variable({"management/splunk_forwarder", ""}, "/token"), "SPS_SPLUNK_FORWARDER_TOKEN");
  EXPECT_EQ(secret_variable({"policies/backup_policies", "nightly-nfs"}, "/target/password"),
            "SPS_BACKUP_POLICIES_NIGHTLY_NFS_TARGET_PASSWORD");
}

TEST(ExportFileTest, GroupsKindsByArea) {
  EXPECT_EQ(export_file("policies/backup_policies"), "policies.yaml");
  EXPECT_EQ(export_file("local_services/admin_web"), "local-services.yaml");
  EXPECT_EQ(export_file("management/email"), "management.yaml");
  EXPECT_EQ(export_file("management/splunk_forwarder"), "forwarders.yaml");
  EXPECT_EQ(export_file("management/syslog"), "forwarders.yaml");
}

TEST(ExportKindsTest, LeavesOutBuiltinKindsAndChecksOnly) {
  auto all = export_kinds(test_catalog(), {});
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(std::count(all->begin(), all->end(), "passwords"), 0);
  EXPECT_EQ(std::count(all->begin(), all->end(), "policies/backup_policies"), 1);
  auto builtin = export_kinds(test_catalog(), {"passwords"});
  ASSERT_FALSE(builtin.has_value());
  EXPECT_NE(builtin.error().message.find("built-in"), std::string::npos);
  EXPECT_FALSE(export_kinds(test_catalog(), {"policies/nope"}).has_value());
}

// Given a live state with secrets, a built-in item and an unknown field, expect names first,
// sorted keys, placeholders instead of values, no built-in object and a warning.
TEST(BuildExportTest, WritesStableYamlWithPlaceholders) {
  auto splunk = live_resource("management/splunk_forwarder", "", "splunk_forwarder",
                              R"({"port": 8088, "token": "tok-secret-1", "enabled": true,
                                  "host": {"selection": "fqdn", "value": "splunk.example.com"}})");
  splunk.preserved.emplace_back("/new_field", boost::json::value(1));
  auto live = live_state({splunk,
                          live_resource("policies/backup_policies", "nightly", "k1",
                                        R"({"start_times": ["1:30"], "name": "nightly",
                                            "target": {"type": "nfs", "password": "pwkey-2"}})"),
                          live_resource("policies/audit_policies", "default", "-1", R"({"name": "default"})")});
  live.kinds = {"management/splunk_forwarder", "policies/backup_policies", "policies/audit_policies"};
  const Export e = build_export(live, test_catalog(),
                                {"management/splunk_forwarder", "policies/audit_policies", "policies/backup_policies"});
  const ExportedFile* forwarders = file(e, "forwarders.yaml");
  ASSERT_NE(forwarders, nullptr);
  EXPECT_EQ(forwarders->text,
            "# Exported by sps-apply export: review, then commit.\n"
            "\n"
            "management/splunk_forwarder:\n"
            "  enabled: true\n"
            "  host:\n"
            "    selection: fqdn\n"
            "    value: splunk.example.com\n"
            "  port: 8088\n"
            "  token: !secret env:SPS_SPLUNK_FORWARDER_TOKEN\n");
  const ExportedFile* policies = file(e, "policies.yaml");
  ASSERT_NE(policies, nullptr);
  EXPECT_EQ(policies->text,
            "# Exported by sps-apply export: review, then commit.\n"
            "\n"
            "policies/audit_policies: []\n"
            "\n"
            "policies/backup_policies:\n"
            "  - name: nightly\n"
            "    start_times:\n"
            "      - \"1:30\"\n"
            "    target:\n"
            "      password: !secret env:SPS_BACKUP_POLICIES_NIGHTLY_TARGET_PASSWORD\n"
            "      type: nfs\n");
  ASSERT_EQ(e.secrets.size(), 2u);
  EXPECT_TRUE(e.secrets[0].write_only);  // SPS_BACKUP_... sorts first
  EXPECT_FALSE(e.secrets[1].write_only);
  const ExportedFile* readme = file(e, "README.md");
  ASSERT_NE(readme, nullptr);
  EXPECT_NE(readme->text.find("SPS_SPLUNK_FORWARDER_TOKEN"), std::string::npos);
  for (const auto& f : e.files) {
    EXPECT_EQ(f.text.find("tok-secret-1"), std::string::npos) << f.name;
    EXPECT_EQ(f.text.find("pwkey-2"), std::string::npos) << f.name;
  }
  ASSERT_EQ(e.warnings.items().size(), 1u);
  EXPECT_NE(e.warnings.items()[0].message.find("/new_field"), std::string::npos);
}

}  // namespace
}  // namespace sps::exporter
