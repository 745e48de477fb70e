#include "diff/diff.h"

#include "diff/test_catalog.h"
#include "model/normalize.h"

#include <gtest/gtest.h>

namespace sps::diff {
namespace {
using testing::desired_resource;
using testing::desired_state;
using testing::live_resource;
using testing::live_state;
using testing::test_catalog;

const FieldChange* field(const Change& c, const std::string& pointer) {
  for (const auto& f : c.fields) {
    if (f.pointer == pointer) return &f;
  }
  return nullptr;
}

TEST(ComputeChangesTest, ReportsOnlyTheChangedFieldOfAnUpdate) {
  auto desired = desired_state({desired_resource("management/splunk_forwarder", "",
                                                 R"({"enabled": true, "port": 8089, "host": {"selection": "fqdn", "value": "s"}})")});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "splunk_forwarder",
                                        R"({"enabled": true, "port": 8088, "host": {"selection": "fqdn", "value": "s"}})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  ASSERT_EQ(cs.changes.size(), 1u);
  const Change& c = cs.changes[0];
  EXPECT_EQ(c.action, Action::kUpdate);
  ASSERT_EQ(c.fields.size(), 1u);
  EXPECT_EQ(c.fields[0].pointer, "/port");
  EXPECT_EQ(*c.fields[0].before, 8088);
  EXPECT_EQ(*c.fields[0].after, 8089);
  EXPECT_EQ(c.unchanged_fields, 3u);
}

// Given an inline secret whose value the run does not have, expect no change and the field
// listed as not compared; once the appliance lacks the secret, it is a change again.
TEST(ComputeChangesTest, UnavailableInlineSecretIsNotCompared) {
  auto desired = desired_state({desired_resource("management/splunk_forwarder", "",
                                                 R"({"enabled": true, "token": "stand-in"})")});
  desired.resources[0].secrets.push_back({"/token", "env:SPLUNK_TOKEN", false});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "splunk_forwarder",
                                        R"({"enabled": true, "token": "on-the-appliance"})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  ASSERT_EQ(cs.changes.size(), 1u);
  EXPECT_EQ(cs.changes[0].action, Action::kNoOp);
  EXPECT_EQ(cs.changes[0].not_compared, std::vector<std::string>{"/token"});

  auto unset = live_state({live_resource("management/splunk_forwarder", "", "splunk_forwarder", R"({"enabled": true})")});
  const ChangeSet again = compute_changes(desired, unset, test_catalog());
  EXPECT_EQ(again.changes[0].action, Action::kUpdate);
  EXPECT_TRUE(again.changes[0].not_compared.empty());
}

TEST(ComputeChangesTest, TreatsExplicitNullAsAbsentAndIntegralDoublesAsIntegers) {
  auto desired = desired_state({desired_resource("management/splunk_forwarder", "", R"({"enabled": false, "port": 8088.0})")});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "splunk_forwarder",
                                        R"({"enabled": false, "port": 8088})")});
  live.resources[0].body.as_object()["sender"] = nullptr;  // appliances return unset fields as null
  model::normalize_body(*test_catalog().find("management/splunk_forwarder"), live.resources[0].body);
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  ASSERT_EQ(cs.changes.size(), 1u);
  EXPECT_EQ(cs.changes[0].action, Action::kNoOp);
  EXPECT_FALSE(cs.has_changes());
}

TEST(ComputeChangesTest, RemovingAFieldFromTheYamlIsAChange) {
  auto desired = desired_state({desired_resource("management/splunk_forwarder", "", R"({"enabled": true})")});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "splunk_forwarder", R"({"enabled": true, "port": 1})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  const FieldChange* f = field(cs.changes[0], "/port");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->before.has_value());
  EXPECT_FALSE(f->after.has_value());
}

TEST(ComputeChangesTest, InlineSecretIsComparedAndMarkedSensitive) {
  auto desired = desired_state({desired_resource("management/splunk_forwarder", "", R"({"token": "new-secret"})")});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "splunk_forwarder", R"({"token": "old-secret"})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  const FieldChange* f = field(cs.changes[0], "/token");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->sensitive);
  EXPECT_FALSE(f->write_only);
}

TEST(ComputeChangesTest, ExistingWriteOnlySecretIsKeptUnlessRotationIsRequested) {
  auto desired = desired_state({desired_resource("policies/backup_policies", "b",
                                                 R"({"name": "b", "target": {"type": "smb", "password": "hunter2"}})")});
  auto live = live_state({live_resource("policies/backup_policies", "b", "k1",
                                        R"({"name": "b", "target": {"type": "smb", "password": "pwkey1"}})")});
  EXPECT_EQ(compute_changes(desired, live, test_catalog()).changes[0].action, Action::kNoOp);
  const ChangeSet rotated = compute_changes(desired, live, test_catalog(), {.rotate_secrets = true});
  ASSERT_EQ(rotated.changes[0].action, Action::kUpdate);
  const FieldChange* f = field(rotated.changes[0], "/target/password");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->write_only);
  EXPECT_EQ(rotated.changes[0].fields.size(), 1u);
}

TEST(ComputeChangesTest, MissingWriteOnlySecretIsSetOnce) {
  auto desired = desired_state({desired_resource("policies/backup_policies", "b",
                                                 R"({"name": "b", "target": {"type": "smb", "password": "hunter2"}})")});
  auto live = live_state({live_resource("policies/backup_policies", "b", "k1", R"({"name": "b", "target": {"type": "smb"}})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  ASSERT_EQ(cs.changes[0].action, Action::kUpdate);
  ASSERT_EQ(cs.changes[0].fields.size(), 1u);
  EXPECT_TRUE(cs.changes[0].fields[0].write_only);
  EXPECT_FALSE(cs.changes[0].fields[0].before.has_value());
}

TEST(ComputeChangesTest, SetListsIgnoreOrderButOrderedListsReportReorders) {
  auto desired = desired_state({desired_resource("policies/backup_policies", "b",
                                                 R"({"name": "b", "start_times": ["2:00", "1:00"], "listen": [2, 1]})")});
  auto live = live_state({live_resource("policies/backup_policies", "b", "k1",
                                        R"({"name": "b", "start_times": ["1:00", "2:00"], "listen": [1, 2]})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  ASSERT_EQ(cs.changes[0].fields.size(), 1u);
  EXPECT_EQ(cs.changes[0].fields[0].pointer, "/listen");
  EXPECT_TRUE(cs.changes[0].fields[0].reorder);
}

TEST(ComputeChangesTest, SelectionSwitchReplacesTheWholeUnion) {
  auto desired = desired_state({desired_resource("management/splunk_forwarder", "", R"({"host": {"selection": "ip", "value": "10.0.0.1"}})")});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "splunk_forwarder",
                                        R"({"host": {"selection": "fqdn", "value": "splunk.example.com"}})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  ASSERT_EQ(cs.changes[0].fields.size(), 1u);
  EXPECT_EQ(cs.changes[0].fields[0].pointer, "/host");
}

TEST(ComputeChangesTest, UnmentionedItemsAreUnmanagedUnlessPruned) {
  auto desired = desired_state({desired_resource("policies/audit_policies", "keep", R"({"name": "keep"})")});
  auto live = live_state({live_resource("policies/audit_policies", "keep", "k1", R"({"name": "keep"})"),
                          live_resource("policies/audit_policies", "old", "k2", R"({"name": "old"})"),
                          live_resource("policies/audit_policies", "default", "-1", R"({"name": "default"})")});
  ChangeSet cs = compute_changes(desired, live, test_catalog());
  EXPECT_EQ(cs.unmanaged.size(), 2u);
  EXPECT_FALSE(cs.has_changes());

  desired.settings.prune.insert("policies/audit_policies");
  cs = compute_changes(desired, live, test_catalog());
  ASSERT_EQ(cs.unmanaged.size(), 1u);  // the built-in one is never deleted
  EXPECT_EQ(cs.unmanaged[0].name, "default");
  bool deleted_old = false;
  for (const auto& c : cs.changes) deleted_old |= c.action == Action::kDelete && c.address.name == "old";
  EXPECT_TRUE(deleted_old);
}

TEST(ComputeChangesTest, LiteralKeyReferenceEqualsTheNamedLiveObject) {
  auto desired = desired_state({desired_resource("management/system_backup", "", R"({"backup_policy": {"key": "k1"}})")});
  auto live = live_state({live_resource("management/system_backup", "", "system_backup", R"({"backup_policy": "nightly"})"),
                          live_resource("policies/backup_policies", "nightly", "k1", R"({"name": "nightly"})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  ASSERT_EQ(cs.changes.size(), 1u);
  EXPECT_EQ(cs.changes[0].action, Action::kNoOp);
}

TEST(ComputeChangesTest, ReferenceToAnUnknownNameIsADiagnostic) {
  auto desired = desired_state({desired_resource("management/system_backup", "", R"({"backup_policy": "nope"})")});
  auto live = live_state({live_resource("management/system_backup", "", "system_backup", R"({})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  EXPECT_TRUE(cs.diagnostics.has_errors());
}

}  // namespace
}  // namespace sps::diff
