#include "plan/plan.h"
#include "plan/selection.h"

#include "core/canonical_json.h"
#include "core/sha256.h"
#include "diff/test_catalog.h"

#include <boost/json.hpp>
#include "render/render.h"

#include <gtest/gtest.h>

namespace sps::plan {
namespace {
namespace json = boost::json;
using diff::Action;
using testing::desired_resource;
using testing::desired_state;
using testing::live_resource;
using testing::live_state;
using testing::test_catalog;

Plan plan_for(const model::DesiredState& desired, const model::LiveState& live, diff::DiffOptions options = {}) {
  auto changes = diff::compute_changes(desired, live, test_catalog(), options);
  auto plan = build_plan(changes, desired, live, test_catalog());
  EXPECT_TRUE(plan.has_value()) << (plan ? "" : plan.error().message);
  return plan ? *plan : Plan{};
}

// Given a singleton that references a policy created in the same plan, expect the POST of
// the policy first and a reference slot in the PUT, filled at apply time.
TEST(BuildPlanTest, CreatesReferencedObjectsBeforeTheirReferrers) {
  auto desired = desired_state({desired_resource("management/system_backup", "", R"({"backup_policy": "nightly"})"),
                                desired_resource("policies/backup_policies", "nightly", R"({"name": "nightly"})")});
  auto live = live_state({live_resource("management/system_backup", "", "system_backup", R"({})")});
  const Plan plan = plan_for(desired, live);
  ASSERT_EQ(plan.steps.size(), 2u);
  EXPECT_EQ(plan.steps[0].method, "POST");
  EXPECT_EQ(plan.steps[0].path, "/api/configuration/policies/backup_policies");
  EXPECT_EQ(plan.steps[1].method, "PUT");
  EXPECT_EQ(plan.steps[1].path, "/api/configuration/management/system_backup");
  ASSERT_EQ(plan.steps[1].references.size(), 1u);
  EXPECT_EQ(plan.steps[1].references[0].pointer, "/backup_policy");
  EXPECT_EQ(plan.steps[1].references[0].target.name, "nightly");
  EXPECT_EQ(plan.steps[0].index, 1u);
  EXPECT_EQ(plan.fingerprints.at("policies/backup_policies[nightly]"), "absent");
}

TEST(BuildPlanTest, ResolvesReferencesToExistingObjectsToTheirKeys) {
  auto desired = desired_state({desired_resource("management/system_backup", "", R"({"backup_policy": "nightly"})")});
  auto live = live_state({live_resource("management/system_backup", "", "system_backup", R"({})"),
                          live_resource("policies/backup_policies", "nightly", "7f3a", R"({"name": "nightly"})")});
  const Plan plan = plan_for(desired, live);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].body.at("backup_policy"), "7f3a");
  EXPECT_TRUE(plan.steps[0].references.empty());
  EXPECT_NE(plan.fingerprints.at("policies/backup_policies[nightly]"), "absent");
}

TEST(BuildPlanTest, DeletesComeLastAndReferrersGoFirst) {
  auto desired = desired_state({desired_resource("policies/backup_policies", "new", R"({"name": "new"})")});
  desired.settings.prune = {"policies/backup_policies", "policies/audit_policies"};
  auto live = live_state({live_resource("policies/backup_policies", "old", "k1", R"({"name": "old"})"),
                          live_resource("policies/audit_policies", "uses-old", "k2", R"({"name": "uses-old", "backup": "old"})")});
  const Plan plan = plan_for(desired, live);
  ASSERT_EQ(plan.steps.size(), 3u);
  EXPECT_EQ(plan.steps[0].action, Action::kCreate);
  EXPECT_EQ(plan.steps[1].address.name, "uses-old");
  EXPECT_EQ(plan.steps[1].method, "DELETE");
  EXPECT_EQ(plan.steps[2].address.name, "old");
  EXPECT_EQ(plan.steps[2].path, "/api/configuration/policies/backup_policies/k1");
}

TEST(BuildPlanTest, WriteOnlySecretBecomesASlotAndIsNeverRendered) {
  auto d = desired_resource("policies/backup_policies", "b", R"({"name": "b", "target": {"type": "smb", "password": "hunter2"}})");
  d.secrets.push_back({"/target/password", "env:SMB_PASSWORD"});
  auto desired = desired_state({d});
  const Plan plan = plan_for(desired, live_state({}));
  ASSERT_EQ(plan.steps.size(), 1u);
  ASSERT_EQ(plan.steps[0].secrets.size(), 1u);
  EXPECT_EQ(plan.steps[0].secrets[0].source, "env:SMB_PASSWORD");
  for (const std::string& out : {render::render_plan_text(plan), render::render_plan_json(plan),
                                 render::render_plan_markdown(plan)}) {
    EXPECT_EQ(out.find("hunter2"), std::string::npos) << out;
    EXPECT_NE(out.find("write-only"), std::string::npos) << out;
  }
  EXPECT_EQ(plan.desired_digest.find("hunter2"), std::string::npos);
}

TEST(BuildPlanTest, UnchangedWriteOnlySecretKeepsTheLiveKeyInTheBody) {
  auto desired = desired_state({desired_resource("policies/backup_policies", "b",
                                                 R"({"name": "b", "path": "/new", "target": {"password": "hunter2"}})")});
  auto live = live_state({live_resource("policies/backup_policies", "b", "k1", R"({"name": "b", "target": {"password": "pw1"}})")});
  const Plan plan = plan_for(desired, live);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].body.at("target").at("password"), "pw1");
  EXPECT_TRUE(plan.steps[0].secrets.empty());
}

TEST(BuildPlanTest, PreservesLiveFieldsTheSchemaDoesNotKnow) {
  auto desired = desired_state({desired_resource("management/splunk_forwarder", "", R"({"enabled": true})")});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "splunk_forwarder", R"({"enabled": false})")});
  live.resources[0].preserved.emplace_back("/new_firmware_field", 42);
  const Plan plan = plan_for(desired, live);
  ASSERT_EQ(plan.steps.size(), 1u);
  EXPECT_EQ(plan.steps[0].body.at("new_firmware_field"), 42);
}

// Given a live resource with preserved fields and a desired state with a secret, expect the
// fingerprint and the digest to be the SHA-256 of the canonical JSON documents saved plans
// were made with (they are written without building those documents; saved plans of earlier
// versions must still match).
TEST(BuildPlanTest, FingerprintAndDigestHashTheCanonicalDocuments) {
  auto live = live_state({live_resource("management/splunk_forwarder", "", "splunk-1", R"({"enabled": false, "b": "\n"})")});
  model::Resource& r = live.resources[0];
  r.preserved.emplace_back("/new~1field", json::parse(R"({"z": 1, "a": [true, null]})"));
  r.preserved.emplace_back("/other", 2.0);
  json::array preserved;
  for (const auto& [p, v] : r.preserved) preserved.push_back(json::array{json::string(p), v});
  const json::value doc = {{"key", r.key}, {"body", r.body}, {"preserved", preserved}};
  EXPECT_EQ(fingerprint(&r), core::sha256_hex(core::canonical_json(doc)));

  auto desired = desired_state({desired_resource("policies/backup_policies", "a\"b", R"({"name": "a\"b", "pw": "x"})"),
                                desired_resource("management/splunk_forwarder", "", R"({"enabled": true})")});
  desired.resources[1].secrets.push_back({"/pw", "env:PW", true});  // sorted: the policy is second
  desired.settings.prune = {"policies/backup_policies"};
  json::array resources;
  for (const auto& res : desired.resources) {
    json::value body = res.body;
    if (!res.secrets.empty()) body.as_object()["pw"] = json::object{{"$secret", "env:PW"}};
    resources.push_back(json::object{{"address", res.address.to_string()}, {"body", body}});
  }
  const json::value whole = {{"resources", resources},
                             {"settings", {{"prune", json::array{"policies/backup_policies"}}}}};
  EXPECT_EQ(desired_digest(desired), core::sha256_hex(core::canonical_json(whole)));
}

TEST(BuildPlanTest, SameInputsGiveTheSameDigestAndOrder) {
  auto desired = desired_state({desired_resource("policies/backup_policies", "a", R"({"name": "a"})"),
                                desired_resource("policies/backup_policies", "b", R"({"name": "b"})")});
  const Plan p1 = plan_for(desired, live_state({}));
  const Plan p2 = plan_for(desired, live_state({}));
  EXPECT_EQ(render::render_plan_json(p1), render::render_plan_json(p2));
  EXPECT_EQ(p1.steps[0].address.name, "a");
}

TEST(RenderPlanTest, TextHasTerraformStyleSummaryAndNoColourByDefault) {
  auto desired = desired_state({desired_resource("management/splunk_forwarder", "", R"({"enabled": true, "token": "s3cr3t-token"})")});
  auto live = live_state({live_resource("management/splunk_forwarder", "", "splunk_forwarder", R"({"enabled": false, "token": "old-token"})")});
  const Plan plan = plan_for(desired, live);
  const std::string text = render::render_plan_text(plan);
  EXPECT_NE(text.find("Plan: 0 to create, 1 to update, 0 to delete."), std::string::npos) << text;
  EXPECT_NE(text.find("~ enabled: false -> true"), std::string::npos) << text;
  EXPECT_NE(text.find("token: (sensitive) -> (sensitive)"), std::string::npos) << text;
  EXPECT_EQ(text.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(text.find("old-token"), std::string::npos);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(render::render_plan_text(plan, {.color = true}).find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace sps::plan

namespace sps::plan {
namespace {

// Partial plans (--target/--exclude): only the selected resources are planned; a selected
// referrer of an excluded object to create is an error naming both; unknown addresses fail.
TEST(SelectionTest, PlansOnlyTheSelectedResources) {
  auto desired = desired_state({desired_resource("management/system_backup", "", R"({"backup_policy": "nightly"})"),
                                desired_resource("policies/backup_policies", "nightly", R"({"name": "nightly"})"),
                                desired_resource("policies/backup_policies", "weekly", R"({"name": "weekly"})")});
  desired.settings.prune = {"policies/backup_policies"};
  auto live = live_state({live_resource("management/system_backup", "", "system_backup", R"({})"),
                          live_resource("policies/backup_policies", "old", "k1", R"({"name": "old"})")});
  const auto all = diff::compute_changes(desired, live, test_catalog());
  const auto plan_of = [&](const Selection& s) -> core::Result<Plan> {
    auto changes = select_changes(all, desired, test_catalog(), s);
    if (!changes) return changes.error();
    return build_plan(*changes, desired, live, test_catalog());
  };
  const auto addresses = [](const Plan& p) {
    std::vector<std::string> out;
    for (const auto& s : p.steps) out.push_back(s.address.to_string());
    return out;
  };

  auto one = plan_of({{"policies/backup_policies[weekly]"}, {}});
  ASSERT_TRUE(one.has_value()) << one.error().message;
  EXPECT_EQ(addresses(*one), std::vector<std::string>{"policies/backup_policies[weekly]"});

  auto kind_but_one = plan_of({{"policies/backup_policies"}, {"policies/backup_policies[old]"}});
  ASSERT_TRUE(kind_but_one.has_value()) << kind_but_one.error().message;
  EXPECT_EQ(addresses(*kind_but_one),
            (std::vector<std::string>{"policies/backup_policies[nightly]", "policies/backup_policies[weekly]"}));

  // The referrer selected, the policy it refers to (to be created) excluded.
  auto dangling = plan_of({{"management/system_backup"}, {}});
  ASSERT_FALSE(dangling.has_value());
  EXPECT_NE(dangling.error().message.find("management/system_backup refers to policies/backup_policies[nightly]"),
            std::string::npos)
      << dangling.error().message;
  EXPECT_NE(dangling.error().detail.find("--target policies/backup_policies[nightly]"), std::string::npos);
  // Selected together, the reference is a slot as in a whole plan.
  auto both = plan_of({{"management/system_backup", "policies/backup_policies[nightly]"}, {}});
  ASSERT_TRUE(both.has_value()) << both.error().message;
  EXPECT_EQ(addresses(*both),
            (std::vector<std::string>{"policies/backup_policies[nightly]", "management/system_backup"}));

  auto unknown = plan_of({{"policies/backup_policies[nightly-nfs]"}, {}});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("--target policies/backup_policies[nightly-nfs] names no resource"),
            std::string::npos);
  for (const char* bad : {"policies/backup_policies[", "Policies", "policies/backup_policies[]", "a[b]c"}) {
    EXPECT_FALSE(parse_address(bad).has_value()) << bad;
  }
  EXPECT_EQ(select_desired(desired, {{}, {"policies/backup_policies"}}).resources.size(), 1u);
  EXPECT_NE(partial_warning({{"management/system_backup"}, {}}).find("resources outside the selection were not compared"),
            std::string::npos);
}

}  // namespace
}  // namespace sps::plan
