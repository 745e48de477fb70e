#include "diff/diff.h"

#include "diff/list_diff.h"
#include "diff/test_catalog.h"
#include "model/normalize.h"

#include <gtest/gtest.h>

#include <algorithm>

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


// Given a 27-entry set list where one entry was replaced, expect that entry added and the old
// one removed, the other 26 counted, not two whole lists.
TEST(ListChangesTest, SetListShowsOnlyTheAddedAndRemovedEntries) {
  std::string before = "[";
  std::string after = "[";
  for (int i = 0; i < 27; ++i) {
    const std::string sep = i == 0 ? "" : ",";
    before += sep + "\"" + std::to_string(i) + ":00\"";
    after += sep + "\"" + (i == 8 ? std::string("23:59") : std::to_string(i) + ":00") + "\"";
  }
  auto desired = desired_state({desired_resource("policies/backup_policies", "b", R"({"name": "b", "start_times": )" + after + "]}")});
  auto live = live_state({live_resource("policies/backup_policies", "b", "k", R"({"name": "b", "start_times": )" + before + "]}")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  const FieldChange* f = field(cs.changes[0], "/start_times");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->list, ListMatch::kSet);
  EXPECT_EQ(f->unchanged_elements, 26u);
  ASSERT_EQ(f->elements.size(), 2u);
  EXPECT_EQ(f->elements[0].op, ElementChange::Op::kAdded);
  EXPECT_EQ(*f->elements[0].after, "23:59");
  EXPECT_EQ(f->elements[1].op, ElementChange::Op::kRemoved);
  EXPECT_EQ(*f->elements[1].before, "8:00");
  EXPECT_EQ(*f->elements[1].before_index, 8u);
}

// Given an ordered list where one element went to the front and one was inserted, expect a
// move and an addition; the elements that only shifted are unchanged.
TEST(ListChangesTest, OrderedListReportsMovesAndInsertions) {
  auto desired = desired_state({desired_resource("management/splunk_forwarder", "", R"({"sender": ["d", "a", "b", "x", "c"]})")});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "s", R"({"sender": ["a", "b", "c", "d"]})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  const FieldChange* f = field(cs.changes[0], "/sender");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->list, ListMatch::kOrdered);
  EXPECT_FALSE(f->reorder);
  EXPECT_EQ(f->unchanged_elements, 3u);
  ASSERT_EQ(f->elements.size(), 2u);
  EXPECT_EQ(f->elements[0].op, ElementChange::Op::kMoved);
  EXPECT_EQ(*f->elements[0].before_index, 3u);
  EXPECT_EQ(*f->elements[0].after_index, 0u);
  EXPECT_EQ(f->elements[1].op, ElementChange::Op::kAdded);
  EXPECT_EQ(*f->elements[1].after_index, 3u);
  EXPECT_EQ(*f->elements[1].after, "x");
}

// Given a list of named objects with an insertion in front and one changed member, expect
// them paired by name: one addition and one element change with its nested field change.
TEST(ListChangesTest, ListOfNamedObjectsPairsByName) {
  auto desired = desired_state({desired_resource("management/splunk_forwarder", "",
      R"({"sender": [{"name": "x"}, {"name": "a", "port": 1}, {"name": "b", "port": 5}]})")});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "s",
      R"({"sender": [{"name": "a", "port": 1}, {"name": "b", "port": 2}]})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  const FieldChange* f = field(cs.changes[0], "/sender");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->list, ListMatch::kKey);
  EXPECT_EQ(f->list_key, "name");
  EXPECT_EQ(f->unchanged_elements, 1u);
  ASSERT_EQ(f->elements.size(), 2u);
  EXPECT_EQ(f->elements[0].op, ElementChange::Op::kAdded);
  EXPECT_EQ(f->elements[0].key, "x");
  const ElementChange& b = f->elements[1];
  EXPECT_EQ(b.op, ElementChange::Op::kChanged);
  EXPECT_EQ(b.key, "b");
  EXPECT_EQ(*b.before_index, 1u);
  EXPECT_EQ(*b.after_index, 2u);
  ASSERT_EQ(b.fields.size(), 1u);
  EXPECT_EQ(b.fields[0].pointer, "/port");
  EXPECT_EQ(*b.fields[0].before, 2);
  EXPECT_EQ(*b.fields[0].after, 5);
}

// Given objects without a key and a removed first element, expect the removal found (not a
// change of every position), and a remaining differing element paired by position.
TEST(ListChangesTest, ListOfObjectsWithoutKeyFindsRemovalsThenPairsByPosition) {
  auto desired = desired_state({desired_resource("management/splunk_forwarder", "",
      R"({"sender": [{"h": 2}, {"h": 3, "p": 9}]})")});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "s",
      R"({"sender": [{"h": 1}, {"h": 2}, {"h": 3, "p": 1}]})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  const FieldChange* f = field(cs.changes[0], "/sender");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->list, ListMatch::kPosition);
  EXPECT_EQ(f->unchanged_elements, 1u);
  ASSERT_EQ(f->elements.size(), 2u);
  EXPECT_EQ(f->elements[0].op, ElementChange::Op::kRemoved);
  EXPECT_EQ(*f->elements[0].before_index, 0u);
  EXPECT_EQ(f->elements[1].op, ElementChange::Op::kChanged);
  ASSERT_EQ(f->elements[1].fields.size(), 1u);
  EXPECT_EQ(f->elements[1].fields[0].pointer, "/p");
}

// Given an element that carries a !secret, expect it masked (sensitive), and the whole list's
// values too, while the other elements stay readable.
TEST(ListChangesTest, ElementHoldingASecretIsSensitive) {
  auto desired = desired_state({desired_resource("management/splunk_forwarder", "",
      R"({"sender": [{"name": "a"}, {"name": "b", "pw": "resolved-secret"}]})")});
  desired.resources[0].secrets.push_back({"/sender/1/pw", "env:PW", true});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "s", R"({"sender": [{"name": "c"}]})")});
  const ChangeSet cs = compute_changes(desired, live, test_catalog());
  const FieldChange* f = field(cs.changes[0], "/sender");
  ASSERT_NE(f, nullptr);
  EXPECT_TRUE(f->sensitive);
  ASSERT_EQ(f->elements.size(), 3u);
  for (const auto& e : f->elements) {
    EXPECT_EQ(e.sensitive, e.key == "b") << e.key;
  }
}

TEST(ListChangesTest, AlignmentCoversEveryIndexOnceEvenForLongLists) {
  boost::json::array before;
  boost::json::array after;
  for (int i = 0; i < 3000; ++i) before.push_back(i);
  for (int i = 2999; i >= 0; --i) after.push_back(i);  // reversed: no long common subsequence search
  const auto pairs = align_elements(before, after, ListMatch::kOrdered);
  std::vector<int> seen_b(3000, 0);
  std::vector<int> seen_a(3000, 0);
  for (const auto& p : pairs) {
    if (p.before) ++seen_b[*p.before];
    if (p.after) ++seen_a[*p.after];
    if (p.before && p.after) {
      EXPECT_EQ(before[*p.before], after[*p.after]);
    }
  }
  EXPECT_EQ(std::count(seen_b.begin(), seen_b.end(), 1), 3000);
  EXPECT_EQ(std::count(seen_a.begin(), seen_a.end(), 1), 3000);
}

}  // namespace
}  // namespace sps::diff
